/* pty.h: the flasher's side of the proxy: a pseudo-terminal in packet mode
 * whose slave is published under a stable path (a symlink). The slave has
 * EXTPROC set so every termios change the flasher makes is reported on the
 * master (TIOCPKT_IOCTL); the rate is read back with TCGETS2, so rates such
 * as 1500000 come through. Keeps its own slave fd open so the flasher can
 * close and reopen the path at will. Owns the fds and the symlink; closing
 * removes the symlink it made (and nothing else).
 */
#ifndef ESPTAP_CAPTURE_PTY_H
#define ESPTAP_CAPTURE_PTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"

typedef struct esp_pty esp_pty;

/* link NULL: no symlink. Fails with ESP_E_PORT_BUSY if link already exists
 * (nothing is left behind). */
esp_status esp_pty_open(const char *link, uint32_t baud, esp_pty **out, esp_error *e);
void esp_pty_close(esp_pty *p);
/* The slave is created 0600 (owner only). When the real port (a character
 * device) lets its group read and write, give the slave the same group and
 * 0660, so who may use the proxy is who may use the port, and no one else. */
void esp_pty_match_port(esp_pty *p, const char *port);

int esp_pty_master(const esp_pty *p);
const char *esp_pty_slave_path(const esp_pty *p);
/* The path the flasher should use: the link, or the slave's own path. */
const char *esp_pty_path(const esp_pty *p);
dev_t esp_pty_rdev(const esp_pty *p);

/* Reads one packet from the master: data into buf (*got bytes), and
 * *changed true when the flasher changed the termios (then call
 * esp_pty_rate and esp_pty_rearm). ESP_OK with *got 0 and !*changed: nothing. */
esp_status esp_pty_read(esp_pty *p, uint8_t *buf, size_t cap, size_t *got, bool *changed, esp_error *e);
esp_status esp_pty_write(esp_pty *p, const uint8_t *buf, size_t n, esp_error *e);
/* The rate the flasher's side is set to now. */
uint32_t esp_pty_rate(esp_pty *p);
/* Set EXTPROC again if the flasher's tcsetattr cleared it. */
void esp_pty_rearm(esp_pty *p);

#endif
