/* preload.c: the LD_PRELOAD shim `esptap run` puts under the flasher: modem-line and break ioctls on the proxy's pty go to the proxy. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/proxy.h"

/* A pty has no DTR/RTS: the flasher's reset sequence would fail with ENOTTY.
 * Here each change on the proxy's pty is sent to the proxy, which applies both
 * lines at once on the real port; the ioctl returns only after the proxy's
 * answer, so the flasher's sleeps between steps keep their meaning. */

static int (*real_ioctl)(int, unsigned long, ...);
static int ctl_fd = -1;
static dev_t pty_rdev;
static int lines = TIOCM_DTR | TIOCM_RTS; /* a tty raises both on open */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((constructor)) static void shim_init(void)
{
	real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	const char *fd = getenv(ESP_CTL_ENV_FD), *pty = getenv(ESP_CTL_ENV_PTY);
	struct stat st;
	if (fd && pty && stat(pty, &st) == 0) {
		ctl_fd = atoi(fd);
		pty_rdev = st.st_rdev;
	}
}

static int is_our_pty(int fd)
{
	struct stat st;
	return ctl_fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == pty_rdev;
}

/* Send one request and wait for the proxy's answer; 0 or -1 with errno. */
static int ask(const esp_ctl_msg *m)
{
	uint8_t ans = 1;
	pthread_mutex_lock(&lock);
	ssize_t n = send(ctl_fd, m, sizeof *m, MSG_NOSIGNAL);
	if (n == (ssize_t)sizeof *m) {
		do
			n = recv(ctl_fd, &ans, 1, 0);
		while (n < 0 && errno == EINTR);
	}
	pthread_mutex_unlock(&lock);
	if (n != 1 || ans != 0) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int set_lines(int want)
{
	esp_ctl_msg m = {.op = ESP_CTL_LINES, .dtr = !!(want & TIOCM_DTR), .rts = !!(want & TIOCM_RTS)};
	if (ask(&m) < 0)
		return -1;
	lines = (lines & ~(TIOCM_DTR | TIOCM_RTS)) | (want & (TIOCM_DTR | TIOCM_RTS));
	return 0;
}

static int set_break(int on, uint32_t ms)
{
	esp_ctl_msg m = {.op = ESP_CTL_BREAK, .on = (uint8_t)on, .ms = ms};
	return ask(&m);
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	if (!real_ioctl)
		shim_init();
	switch (req) {
	case TIOCMGET: case TIOCMSET: case TIOCMBIS: case TIOCMBIC:
	case TIOCSBRK: case TIOCCBRK: case TCSBRK:
		if (!is_our_pty(fd))
			break;
		switch (req) {
		case TIOCMGET:
			/* what the shim last set, plus the inputs a cable would show */
			*(int *)arg = lines | TIOCM_CTS | TIOCM_DSR | TIOCM_CAR;
			return 0;
		case TIOCMSET: return set_lines(*(const int *)arg);
		case TIOCMBIS: return set_lines(lines | *(const int *)arg);
		case TIOCMBIC: return set_lines(lines & ~*(const int *)arg);
		case TIOCSBRK: return set_break(1, 0);
		case TIOCCBRK: return set_break(0, 0);
		case TCSBRK:
			if ((intptr_t)arg != 0)
				break; /* non-zero: tcdrain, the pty's own business */
			if (set_break(1, 250) < 0)
				return -1;
			usleep(250000);
			return set_break(0, 0);
		}
		break;
	}
	return real_ioctl(fd, req, arg);
}
