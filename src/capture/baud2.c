/* baud2.c: arbitrary tty rates with TCGETS2/TCSETS2 (Linux). */
#include "capture/baud2.h"

#include <asm/termbits.h>
#include <sys/ioctl.h>

int esp_tty_get_rate(int fd, uint32_t *rate)
{
	struct termios2 t;
	if (ioctl(fd, TCGETS2, &t) < 0)
		return -1;
	*rate = t.c_ospeed;
	return 0;
}

int esp_tty_set_rate(int fd, uint32_t rate)
{
	struct termios2 t;
	if (ioctl(fd, TCGETS2, &t) < 0)
		return -1;
	t.c_cflag &= ~(tcflag_t)CBAUD;
	t.c_cflag |= BOTHER;
	t.c_cflag &= ~(tcflag_t)(CBAUD << IBSHIFT);
	t.c_cflag |= (tcflag_t)BOTHER << IBSHIFT;
	t.c_ispeed = rate;
	t.c_ospeed = rate;
	return ioctl(fd, TCSETS2, &t);
}
