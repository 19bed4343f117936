/* port.c: real serial ports (libserialport), tty paths it refuses (termios) and the in-process simulator. */
#include "capture/port.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libserialport.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "capture/baud2.h"
#include "capture/ports.h"
#include "capture/rec.h"
#include "sim/sim.h"

enum { KIND_SP, KIND_TTY, KIND_SIM };

struct esp_port {
	int kind;
	char name[256];
	int fd;
	struct sp_port *sp;
	uint32_t baud;
	bool dtr, rts, lines_known;
	/* simulator */
	esp_sim *sim;
	char spec[512];
	uint64_t t0;
	uint8_t *out;
	size_t out_len, out_cap;
};

static esp_status port_err(esp_error *e, esp_status st, const char *name, int err, const char *text)
{
	return esp_error_set(e, st, name, ESP_LOC_NONE, 0, err, "%s", text);
}

/* ---- simulator ---------------------------------------------------------- */

static void sim_tx(const uint8_t *p, size_t n, void *user)
{
	esp_port *port = user;
	if (port->out_len + n > port->out_cap) {
		size_t cap = port->out_cap ? port->out_cap : 4096;
		while (cap < port->out_len + n)
			cap *= 2;
		uint8_t *b = realloc(port->out, cap);
		if (!b)
			return; /* the chip's bytes are lost as on an overrun UART */
		port->out = b;
		port->out_cap = cap;
	}
	memcpy(port->out + port->out_len, p, n);
	port->out_len += n;
}

static uint64_t sim_now(const esp_port *p)
{
	return esp_mono_ns() - p->t0;
}

static esp_status open_sim(esp_port *p, const char *spec, const esp_port_opts *o, esp_error *e)
{
	esp_sim_opts so = {.start_in_download = o->sim_in_download, .tx = sim_tx, .user = p};
	char *save = NULL;
	/* fault specs and the flash path point into this copy, which lives as long as the port */
	char *copy = p->spec;
	snprintf(copy, sizeof p->spec, "%s", spec + 4);
	int idx = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save), idx++) {
		if (idx == 0) {
			const esp_chip_info *ci = esp_chip_by_name(tok);
			if (!ci)
				return esp_error_set(e, ESP_E_USAGE, spec, ESP_LOC_NONE, 0, 0, "unknown chip '%s' (esp8266, esp32, esp32s3, esp32c3, ...)", tok);
			so.chip = ci->chip;
		} else if (!strncmp(tok, "fault=", 6)) {
			if (so.n_faults < ESP_SIM_MAX_FAULTS)
				so.faults[so.n_faults++] = tok + 6;
		} else if (!strncmp(tok, "flash=", 6)) {
			so.flash_path = tok + 6;
		} else if (!strcmp(tok, "download")) {
			so.start_in_download = true;
		} else {
			return esp_error_set(e, ESP_E_USAGE, spec, ESP_LOC_NONE, 0, 0, "unknown simulator option '%s' (fault=SPEC, flash=FILE, download)", tok);
		}
	}
	if (idx == 0)
		return port_err(e, ESP_E_USAGE, spec, 0, "say which chip: sim:esp32");
	p->kind = KIND_SIM;
	p->fd = -1;
	p->t0 = esp_mono_ns();
	esp_status st = esp_sim_new(&so, &p->sim, e);
	if (st != ESP_OK && e && !e->source[0])
		snprintf(e->source, sizeof e->source, "%s", spec);
	return st;
}

/* ---- ttys --------------------------------------------------------------- */

static esp_status open_fault(esp_port *p, const char *name, int err, esp_error *e)
{
	if (err == ENOENT || err == ENODEV || err == ENXIO)
		return port_err(e, ESP_E_IO, name, 0, "no such port (is it plugged in? 'esptap ports' lists them)");
	if (err == EACCES || err == EPERM) {
		struct stat st;
		char grp[64] = "";
		if (stat(name, &st) == 0) {
			struct group *g = getgrgid(st.st_gid);
			if (g)
				snprintf(grp, sizeof grp, "%s", g->gr_name);
			else
				snprintf(grp, sizeof grp, "%u", (unsigned)st.st_gid);
		}
		return esp_error_set(e, ESP_E_PERM, name, ESP_LOC_NONE, 0, 0,
				     "permission denied: the port belongs to group '%s' (add yourself: sudo usermod -aG %s $USER, then log in again)",
				     grp, grp);
	}
	if (err == EBUSY) {
		char comm[64] = "";
		pid_t pid = esp_port_holder(name, getpid(), comm, sizeof comm);
		if (pid)
			return esp_error_set(e, ESP_E_PORT_BUSY, name, ESP_LOC_NONE, 0, 0,
					     "port busy: held open by process %d (%s)", (int)pid, comm);
		return port_err(e, ESP_E_PORT_BUSY, name, 0, "port busy: another program holds it open");
	}
	(void)p;
	return port_err(e, ESP_E_IO, name, err, "cannot open the port");
}

static esp_status tty_setup(esp_port *p, const esp_port_opts *o, esp_error *e)
{
	struct termios t;
	int fl = fcntl(p->fd, F_GETFL);
	fcntl(p->fd, F_SETFL, fl | O_NONBLOCK);
	if (tcgetattr(p->fd, &t) < 0)
		return port_err(e, ESP_E_IO, p->name, errno, "not a serial port");
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(tcflag_t)(HUPCL | CRTSCTS);
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	if (o->mark_errors) {
		t.c_iflag |= PARMRK | INPCK;
		t.c_iflag &= ~(tcflag_t)(IGNPAR | IGNBRK | BRKINT | ISTRIP);
	}
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(p->fd, TCSANOW, &t) < 0)
		return port_err(e, ESP_E_IO, p->name, errno, "cannot configure the port");
	return esp_port_set_baud(p, o->baud ? o->baud : 115200, e);
}

static esp_status open_tty(esp_port *p, const char *name, const esp_port_opts *o, esp_error *e)
{
	struct stat st;
	if (stat(name, &st) < 0)
		return open_fault(p, name, errno, e);
	if (!S_ISCHR(st.st_mode))
		return port_err(e, ESP_E_IO, name, 0, "not a serial port (not a character device)");
	/* pty slaves (major 136..143) are often held by their own server: rely on TIOCEXCL there */
	bool is_pty = major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143;
	if (!o->no_busy_check && !is_pty) {
		char comm[64] = "";
		pid_t pid = esp_port_holder(name, getpid(), comm, sizeof comm);
		if (pid)
			return esp_error_set(e, ESP_E_PORT_BUSY, name, ESP_LOC_NONE, 0, 0,
					     "port busy: held open by process %d (%s)", (int)pid, comm);
	}
	struct sp_port *sp = NULL;
	if (sp_get_port_by_name(name, &sp) == SP_OK) {
		if (sp_open(sp, SP_MODE_READ_WRITE) == SP_OK) {
			p->kind = KIND_SP;
			p->sp = sp;
			sp_get_port_handle(sp, &p->fd);
			/* libserialport opens without O_CLOEXEC: keep the port out of 'run''s flasher */
			fcntl(p->fd, F_SETFD, FD_CLOEXEC);
		} else {
			int err = sp_last_error_code();
			sp_free_port(sp);
			if (err == EACCES || err == EBUSY || err == ENOENT || err == EPERM)
				return open_fault(p, name, err, e);
			sp = NULL;
		}
	}
	if (!p->sp) {
		/* libserialport refuses ptys and symlinks to them: plain termios */
		p->kind = KIND_TTY;
		p->fd = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (p->fd < 0)
			return open_fault(p, name, errno, e);
	}
	if (ioctl(p->fd, TIOCEXCL) < 0 && errno != ENOTTY && errno != EINVAL) {
		/* not fatal: exclusivity is a courtesy */
	}
	return tty_setup(p, o, e);
}

esp_status esp_port_open(const char *name, const esp_port_opts *o, esp_port **out, esp_error *e)
{
	esp_port_opts def = {0};
	if (!o)
		o = &def;
	esp_port *p = calloc(1, sizeof *p);
	if (!p)
		return port_err(e, ESP_E_NOMEM, name, 0, "out of memory");
	snprintf(p->name, sizeof p->name, "%s", name);
	p->fd = -1;
	p->baud = o->baud ? o->baud : 115200;
	esp_status st = !strncmp(name, "sim:", 4) ? open_sim(p, name, o, e) : open_tty(p, name, o, e);
	if (st != ESP_OK) {
		esp_port_close(p);
		return st;
	}
	*out = p;
	return ESP_OK;
}

void esp_port_close(esp_port *p)
{
	if (!p)
		return;
	if (p->sim)
		esp_sim_free(p->sim);
	if (p->sp) {
		sp_close(p->sp);
		sp_free_port(p->sp);
	} else if (p->fd >= 0) {
		close(p->fd);
	}
	free(p->out);
	free(p);
}

const char *esp_port_name(const esp_port *p) { return p->name; }
bool esp_port_is_sim(const esp_port *p) { return p->kind == KIND_SIM; }
int esp_port_fd(const esp_port *p) { return p->kind == KIND_SIM ? -1 : p->fd; }
size_t esp_port_pending(const esp_port *p) { return p->kind == KIND_SIM ? p->out_len : 0; }
uint32_t esp_port_baud(const esp_port *p) { return p->baud; }

/* Simulator: run its clock to now; returns ms until its next output (-1: none).
 * Real ports: -1. */
static int port_service(esp_port *p)
{
	if (p->kind != KIND_SIM)
		return -1;
	uint64_t next = esp_sim_poll(p->sim, sim_now(p));
	if (next == UINT64_MAX)
		return -1;
	return (int)((next + 999999) / 1000000);
}

int esp_port_poll_ms(esp_port *p, int timeout)
{
	int next = port_service(p);
	if (next >= 0 && next < timeout)
		timeout = next;
	return esp_port_pending(p) ? 0 : timeout;
}

esp_status esp_port_read(esp_port *p, uint8_t *buf, size_t cap, size_t *got, esp_error *e)
{
	*got = 0;
	if (p->kind == KIND_SIM) {
		size_t n = p->out_len < cap ? p->out_len : cap;
		memcpy(buf, p->out, n);
		memmove(p->out, p->out + n, p->out_len - n);
		p->out_len -= n;
		*got = n;
		return ESP_OK;
	}
	ssize_t n = read(p->fd, buf, cap);
	if (n > 0) {
		*got = (size_t)n;
		return ESP_OK;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return ESP_OK;
	return port_err(e, ESP_E_GONE, p->name, n < 0 ? errno : 0, "the port went away (unplugged?)");
}

esp_status esp_port_write(esp_port *p, const uint8_t *buf, size_t n, esp_error *e)
{
	if (p->kind == KIND_SIM) {
		esp_sim_rx(p->sim, sim_now(p), buf, n, p->baud);
		return ESP_OK;
	}
	while (n) {
		ssize_t k = write(p->fd, buf, n);
		if (k > 0) {
			buf += k;
			n -= (size_t)k;
			continue;
		}
		if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd pf = {.fd = p->fd, .events = POLLOUT};
			if (poll(&pf, 1, 1000) == 0)
				return port_err(e, ESP_E_IO, p->name, 0, "write stalled for a second (flow control?)");
			if (pf.revents & (POLLERR | POLLHUP | POLLNVAL))
				return port_err(e, ESP_E_GONE, p->name, 0, "the port went away (unplugged?)");
			continue;
		}
		return port_err(e, ESP_E_GONE, p->name, k < 0 ? errno : 0, "the port went away (unplugged?)");
	}
	return ESP_OK;
}

esp_status esp_port_set_baud(esp_port *p, uint32_t rate, esp_error *e)
{
	if (p->kind != KIND_SIM && esp_tty_set_rate(p->fd, rate) < 0)
		return esp_error_set(e, ESP_E_IO, p->name, ESP_LOC_NONE, 0, errno, "cannot set %u baud", rate);
	p->baud = rate;
	return ESP_OK;
}

esp_status esp_port_set_lines(esp_port *p, bool dtr, bool rts, esp_error *e)
{
	p->dtr = dtr;
	p->rts = rts;
	p->lines_known = true;
	if (p->kind == KIND_SIM) {
		esp_sim_lines(p->sim, sim_now(p), dtr, rts);
		return ESP_OK;
	}
	int m = 0;
	if (ioctl(p->fd, TIOCMGET, &m) < 0)
		m = 0;
	m &= ~(TIOCM_DTR | TIOCM_RTS);
	m |= (dtr ? TIOCM_DTR : 0) | (rts ? TIOCM_RTS : 0);
	if (ioctl(p->fd, TIOCMSET, &m) < 0) {
		if (p->kind == KIND_TTY && (errno == ENOTTY || errno == EINVAL))
			return ESP_OK; /* a pty has no modem lines */
		return port_err(e, ESP_E_IO, p->name, errno, "cannot set DTR/RTS");
	}
	return ESP_OK;
}

uint8_t esp_port_modem(esp_port *p)
{
	uint8_t r = (p->dtr ? 0x01 : 0) | (p->rts ? 0x02 : 0);
	if (p->kind == KIND_SIM)
		return r;
	int m = 0;
	if (ioctl(p->fd, TIOCMGET, &m) < 0)
		return r;
	r |= (m & TIOCM_CTS ? 0x04 : 0) | (m & TIOCM_DSR ? 0x08 : 0) | (m & TIOCM_CAR ? 0x10 : 0) |
	     (m & TIOCM_RNG ? 0x20 : 0);
	return r;
}

esp_status esp_port_set_break(esp_port *p, bool on, esp_error *e)
{
	if (p->kind == KIND_SIM) {
		if (on)
			esp_sim_break(p->sim, sim_now(p));
		return ESP_OK;
	}
	if (ioctl(p->fd, on ? TIOCSBRK : TIOCCBRK) < 0 && !(p->kind == KIND_TTY && (errno == ENOTTY || errno == EINVAL)))
		return port_err(e, ESP_E_IO, p->name, errno, "cannot set break");
	return ESP_OK;
}

esp_status esp_port_set_format(esp_port *p, int databits, char parity, int stopbits, esp_error *e)
{
	if (p->kind == KIND_SIM)
		return ESP_OK;
	struct termios t;
	if (tcgetattr(p->fd, &t) < 0)
		return port_err(e, ESP_E_IO, p->name, errno, "cannot read the port's settings");
	if (databits) {
		static const tcflag_t cs[] = {CS5, CS6, CS7, CS8};
		if (databits < 5 || databits > 8)
			return port_err(e, ESP_E_USAGE, p->name, 0, "bad data size");
		t.c_cflag = (t.c_cflag & ~(tcflag_t)CSIZE) | cs[databits - 5];
	}
	if (parity) {
		t.c_cflag &= ~(tcflag_t)(PARENB | PARODD | CMSPAR);
		if (parity == 'O')
			t.c_cflag |= PARENB | PARODD;
		else if (parity == 'E')
			t.c_cflag |= PARENB;
		else if (parity == 'M')
			t.c_cflag |= PARENB | PARODD | CMSPAR;
		else if (parity == 'S')
			t.c_cflag |= PARENB | CMSPAR;
	}
	if (stopbits) {
		if (stopbits == 1)
			t.c_cflag &= ~(tcflag_t)CSTOPB;
		else
			t.c_cflag |= CSTOPB;
	}
	/* tcsetattr would reset a BOTHER rate: reapply it afterwards */
	if (tcsetattr(p->fd, TCSANOW, &t) < 0 && p->kind != KIND_TTY)
		return port_err(e, ESP_E_IO, p->name, errno, "cannot set the data format");
	return esp_port_set_baud(p, p->baud, e);
}

void esp_port_drain(esp_port *p)
{
	if (p->kind != KIND_SIM)
		tcdrain(p->fd);
}

void esp_port_purge(esp_port *p, bool rx, bool tx)
{
	if (p->kind == KIND_SIM) {
		if (rx)
			p->out_len = 0;
		return;
	}
	tcflush(p->fd, rx && tx ? TCIOFLUSH : rx ? TCIFLUSH : TCOFLUSH);
}
