/* ports.c: serial ports from sysfs and the processes holding them, from /proc. */
#include "capture/ports.h"

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	uint16_t vid, pid; /* pid 0: any product of the vendor */
	const char *name;
} bridges[] = {
	{0x10c4, 0xea60, "CP210x"},
	{0x10c4, 0xea70, "CP210x"},
	{0x1a86, 0x7523, "CH34x"},
	{0x1a86, 0x55d4, "CH34x"},
	{0x1a86, 0x55d3, "CH34x"},
	{0x0403, 0, "FTDI"},
	{0x303a, 0x1001, "Espressif USB-Serial-JTAG"},
	{0, 0, NULL},
};

const char *esp_bridge_name(uint16_t vid, uint16_t pid)
{
	for (int i = 0; bridges[i].name; i++)
		if (bridges[i].vid == vid && (!bridges[i].pid || bridges[i].pid == pid))
			return bridges[i].name;
	return NULL;
}

static bool read_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)n, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	else
		buf[0] = 0;
	return ok;
}

static void read_comm(pid_t pid, char *comm, size_t n)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	if (!read_line(path, comm, n))
		snprintf(comm, n, "?");
}

static pid_t holder_of(dev_t rdev, pid_t self, char *comm, size_t comm_len)
{
	DIR *proc = opendir("/proc");
	if (!proc)
		return 0;
	pid_t found = 0;
	struct dirent *d;
	while (!found && (d = readdir(proc))) {
		char *end;
		long pid = strtol(d->d_name, &end, 10);
		if (*end || pid <= 0 || pid == self)
			continue;
		char fddir[64];
		snprintf(fddir, sizeof fddir, "/proc/%ld/fd", pid);
		DIR *fds = opendir(fddir);
		if (!fds)
			continue;
		struct dirent *f;
		while ((f = readdir(fds))) {
			if (f->d_name[0] == '.')
				continue;
			char fp[320];
			struct stat st;
			snprintf(fp, sizeof fp, "%s/%s", fddir, f->d_name);
			if (stat(fp, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == rdev) {
				found = (pid_t)pid;
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	if (found && comm)
		read_comm(found, comm, comm_len);
	return found;
}

pid_t esp_port_holder(const char *path, pid_t self, char *comm, size_t comm_len)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode))
		return 0;
	return holder_of(st.st_rdev, self, comm, comm_len);
}

/* Walk up from the tty's device link to the USB device that carries idVendor. */
static void usb_info(const char *devlink, esp_port_info *pi)
{
	char real[PATH_MAX];
	if (!realpath(devlink, real))
		return;
	for (int up = 0; up < 4; up++) {
		char path[PATH_MAX + 32], v[16];
		snprintf(path, sizeof path, "%s/idVendor", real);
		if (read_line(path, v, sizeof v)) {
			pi->vid = (uint16_t)strtoul(v, NULL, 16);
			snprintf(path, sizeof path, "%s/idProduct", real);
			if (read_line(path, v, sizeof v))
				pi->pid = (uint16_t)strtoul(v, NULL, 16);
			snprintf(path, sizeof path, "%s/product", real);
			read_line(path, pi->product, sizeof pi->product);
			snprintf(path, sizeof path, "%s/manufacturer", real);
			read_line(path, pi->manufacturer, sizeof pi->manufacturer);
			snprintf(path, sizeof path, "%s/serial", real);
			read_line(path, pi->serial, sizeof pi->serial);
			return;
		}
		char *slash = strrchr(real, '/');
		if (!slash || slash == real)
			return;
		*slash = 0;
	}
}

static void link_base(const char *link, char *out, size_t n)
{
	char buf[PATH_MAX];
	ssize_t k = readlink(link, buf, sizeof buf - 1);
	out[0] = 0;
	if (k <= 0)
		return;
	buf[k] = 0;
	const char *b = strrchr(buf, '/');
	snprintf(out, n, "%.63s", b ? b + 1 : buf);
}

static int by_dev(const void *a, const void *b)
{
	return strcmp(((const esp_port_info *)a)->dev, ((const esp_port_info *)b)->dev);
}

esp_status esp_ports_list(const char *sys_root, esp_port_info **out, size_t *n, esp_error *e)
{
	const char *root = sys_root ? sys_root : "/sys/class/tty";
	DIR *d = opendir(root);
	*out = NULL;
	*n = 0;
	if (!d)
		return esp_error_set(e, ESP_E_IO, root, ESP_LOC_NONE, 0, 0, "cannot list serial ports");
	esp_port_info *v = NULL;
	size_t cnt = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%.700s/%.256s/device", root, de->d_name);
		struct stat st;
		if (stat(path, &st) < 0)
			continue; /* virtual consoles and ptys have no device */
		/* the legacy 8250 ports with no hardware behind them: skip unless a driver bound a real one */
		esp_port_info pi;
		memset(&pi, 0, sizeof pi);
		snprintf(pi.dev, sizeof pi.dev, "/dev/%.58s", de->d_name);
		char sub[PATH_MAX + 64];
		snprintf(sub, sizeof sub, "%s/driver", path);
		link_base(sub, pi.driver, sizeof pi.driver);
		snprintf(sub, sizeof sub, "%s/subsystem", path);
		link_base(sub, pi.subsystem, sizeof pi.subsystem);
		if (!strcmp(pi.driver, "serial8250") || !strcmp(pi.subsystem, "platform")) {
			char typ[16];
			snprintf(sub, sizeof sub, "%.700s/%.256s/type", root, de->d_name);
			if (read_line(sub, typ, sizeof typ) && !strcmp(typ, "0"))
				continue; /* no UART behind this ttyS */
		}
		usb_info(path, &pi);
		pi.bridge = pi.vid ? esp_bridge_name(pi.vid, pi.pid) : NULL;
		if (!pi.bridge && !strcmp(pi.driver, "cdc_acm"))
			pi.bridge = "CDC-ACM";
		pi.holder = esp_port_holder(pi.dev, getpid(), pi.holder_comm, sizeof pi.holder_comm);
		esp_port_info *nv = realloc(v, (cnt + 1) * sizeof *v);
		if (!nv) {
			free(v);
			closedir(d);
			return esp_error_set(e, ESP_E_NOMEM, root, ESP_LOC_NONE, 0, 0, "out of memory");
		}
		v = nv;
		v[cnt++] = pi;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof *v, by_dev);
	*out = v;
	*n = cnt;
	return ESP_OK;
}

void esp_ports_free(esp_port_info *v)
{
	free(v);
}
