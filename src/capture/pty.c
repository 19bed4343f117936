/* pty.c: a packet-mode pseudo-terminal published at a symlink, reporting the flasher's termios changes. */
#include "capture/pty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "capture/baud2.h"

struct esp_pty {
	int master, slave;
	char slave_path[64];
	char link[256];
	bool linked;
	dev_t rdev;
};

int esp_pty_master(const esp_pty *p) { return p->master; }
const char *esp_pty_slave_path(const esp_pty *p) { return p->slave_path; }
const char *esp_pty_path(const esp_pty *p) { return p->linked ? p->link : p->slave_path; }
dev_t esp_pty_rdev(const esp_pty *p) { return p->rdev; }

static void set_extproc(int fd)
{
	struct termios t;
	if (tcgetattr(fd, &t) == 0 && !(t.c_lflag & EXTPROC)) {
		t.c_lflag |= EXTPROC;
		tcsetattr(fd, TCSANOW, &t);
	}
}

esp_status esp_pty_open(const char *link, uint32_t baud, esp_pty **out, esp_error *e)
{
	struct stat st;
	if (link && lstat(link, &st) == 0) {
		/* a symlink left by a proxy that died may be reused; anything else is someone's */
		struct stat tgt;
		if (!S_ISLNK(st.st_mode) || stat(link, &tgt) == 0)
			return esp_error_set(e, ESP_E_PORT_BUSY, link, ESP_LOC_NONE, 0, 0,
					     "link path already exists (another proxy running? choose another with --link)");
	}
	esp_pty *p = calloc(1, sizeof *p);
	if (!p)
		return esp_error_set(e, ESP_E_NOMEM, "pty", ESP_LOC_NONE, 0, 0, "out of memory");
	p->slave = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (p->master < 0 || grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
	    ptsname_r(p->master, p->slave_path, sizeof p->slave_path) != 0) {
		int err = errno;
		esp_pty_close(p);
		return esp_error_set(e, ESP_E_IO, "/dev/ptmx", ESP_LOC_NONE, 0, err, "cannot create a pty");
	}
	p->slave = open(p->slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (p->slave < 0 || fstat(p->slave, &st) < 0) {
		int err = errno;
		esp_pty_close(p);
		return esp_error_set(e, ESP_E_IO, "pty", ESP_LOC_NONE, 0, err, "cannot open the pty's slave");
	}
	p->rdev = st.st_rdev;
	/* devpts makes the slave 0620 group tty: anyone in group tty could write
	 * into the flasher's input. Owner only until esp_pty_match_port. */
	fchmod(p->slave, 0600);
	struct termios t;
	tcgetattr(p->slave, &t);
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_lflag |= EXTPROC;
	tcsetattr(p->slave, TCSANOW, &t);
	esp_tty_set_rate(p->slave, baud ? baud : 115200);
	int one = 1;
	if (ioctl(p->master, TIOCPKT, &one) < 0) {
		int err = errno;
		esp_pty_close(p);
		return esp_error_set(e, ESP_E_IO, "pty", ESP_LOC_NONE, 0, err, "cannot set packet mode");
	}
	if (link) {
		unlink(link); /* only a dangling symlink reaches here */
		if (symlink(p->slave_path, link) < 0) {
			int err = errno;
			esp_pty_close(p);
			return esp_error_set(e, ESP_E_PORT_BUSY, link, ESP_LOC_NONE, 0, err, "cannot create the link");
		}
		snprintf(p->link, sizeof p->link, "%s", link);
		p->linked = true;
	}
	*out = p;
	return ESP_OK;
}

void esp_pty_match_port(esp_pty *p, const char *port)
{
	struct stat st;
	if (!p || !port || stat(port, &st) != 0 || !S_ISCHR(st.st_mode))
		return;
	if ((st.st_mode & (S_IRGRP | S_IWGRP)) == (S_IRGRP | S_IWGRP) && fchown(p->slave, (uid_t)-1, st.st_gid) == 0)
		fchmod(p->slave, 0660);
}

void esp_pty_close(esp_pty *p)
{
	if (!p)
		return;
	if (p->linked) {
		/* remove the link only if it is still ours */
		char buf[128];
		ssize_t k = readlink(p->link, buf, sizeof buf - 1);
		if (k > 0) {
			buf[k] = 0;
			if (!strcmp(buf, p->slave_path))
				unlink(p->link);
		}
	}
	if (p->slave >= 0)
		close(p->slave);
	if (p->master >= 0)
		close(p->master);
	free(p);
}

esp_status esp_pty_read(esp_pty *p, uint8_t *buf, size_t cap, size_t *got, bool *changed, esp_error *e)
{
	uint8_t tmp[8193];
	if (cap > sizeof tmp - 1)
		cap = sizeof tmp - 1;
	*got = 0;
	*changed = false;
	ssize_t n = read(p->master, tmp, cap + 1);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR || errno == EIO)
			return ESP_OK; /* EIO: no slave open right now (we hold one, so rare) */
		return esp_error_set(e, ESP_E_IO, p->slave_path, ESP_LOC_NONE, 0, errno, "pty read failed");
	}
	if (n == 0)
		return ESP_OK;
	if (tmp[0] == TIOCPKT_DATA) {
		memcpy(buf, tmp + 1, (size_t)n - 1);
		*got = (size_t)n - 1;
	} else if (tmp[0] & TIOCPKT_IOCTL) {
		*changed = true;
	}
	return ESP_OK;
}

esp_status esp_pty_write(esp_pty *p, const uint8_t *buf, size_t n, esp_error *e)
{
	while (n) {
		ssize_t k = write(p->master, buf, n);
		if (k > 0) {
			buf += k;
			n -= (size_t)k;
			continue;
		}
		if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
			/* the flasher is not reading: wait briefly, then drop rather than stall the link */
			struct pollfd pf = {.fd = p->master, .events = POLLOUT};
			if (poll(&pf, 1, 200) <= 0) {
				tcflush(p->slave, TCIFLUSH);
				continue;
			}
			continue;
		}
		return esp_error_set(e, ESP_E_IO, p->slave_path, ESP_LOC_NONE, 0, k < 0 ? errno : 0, "pty write failed");
	}
	return ESP_OK;
}

uint32_t esp_pty_rate(esp_pty *p)
{
	uint32_t r = 0;
	if (esp_tty_get_rate(p->slave, &r) < 0)
		return 0;
	return r;
}

void esp_pty_rearm(esp_pty *p)
{
	set_extproc(p->slave);
}
