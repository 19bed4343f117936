/* baud2.h: any baud rate on a Linux tty through struct termios2 (BOTHER),
 * kept apart because <asm/termbits.h> and <termios.h> cannot share a file.
 * Reads and sets only the rate; the rest of termios is the caller's.
 */
#ifndef ESPTAP_CAPTURE_BAUD2_H
#define ESPTAP_CAPTURE_BAUD2_H

#include <stdint.h>

/* 0 on success, -1 with errno. */
int esp_tty_get_rate(int fd, uint32_t *rate);
int esp_tty_set_rate(int fd, uint32_t rate);

#endif
