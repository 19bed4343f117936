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

/* Standard rates keep their Bnnn code: readers using cfgetospeed (and some
 * drivers) do not understand BOTHER. */
static const struct {
	uint32_t rate;
	unsigned code;
} std_rates[] = {
	{9600, B9600}, {19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200},
	{230400, B230400}, {460800, B460800}, {500000, B500000}, {576000, B576000},
	{921600, B921600}, {1000000, B1000000}, {1152000, B1152000}, {1500000, B1500000},
	{2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000}, {0, 0},
};

int esp_tty_set_rate(int fd, uint32_t rate)
{
	unsigned code = BOTHER;
	for (int i = 0; std_rates[i].rate; i++)
		if (std_rates[i].rate == rate)
			code = std_rates[i].code;
	struct termios2 t;
	if (ioctl(fd, TCGETS2, &t) < 0)
		return -1;
	t.c_cflag &= ~(tcflag_t)CBAUD;
	t.c_cflag |= code;
	t.c_cflag &= ~(tcflag_t)(CBAUD << IBSHIFT);
	t.c_ispeed = rate;
	t.c_ospeed = rate;
	return ioctl(fd, TCSETS2, &t);
}
