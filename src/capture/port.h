/* port.h: the port layer the live back-ends talk to. One handle over three
 * kinds of port: a real serial port opened through libserialport (exclusive),
 * a tty path libserialport refuses (ptys, symlinks to them) opened with plain
 * termios, and "sim:CHIP[,fault=SPEC...][,flash=FILE]", the built-in chip
 * simulator run in-process. Rate changes, DTR/RTS and breaks reach each kind
 * the same way. Owns the fd or the simulator; esp_port_close frees both.
 * Never records anything: that is the caller's job, after forwarding.
 */
#ifndef ESPTAP_CAPTURE_PORT_H
#define ESPTAP_CAPTURE_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct esp_port esp_port;

typedef struct {
	uint32_t baud;          /* initial rate; 0: 115200 */
	bool sim_in_download;   /* sim: start waiting for download (no reset line) */
	bool mark_errors;       /* tty: PARMRK|INPCK, errors arrive as 0xFF 0x00 X */
	bool no_busy_check;     /* skip the scan for other holders */
} esp_port_opts;

/* Fails with ESP_E_IO (missing), ESP_E_PERM (naming the group), ESP_E_PORT_BUSY
 * (naming the holder); e->source is the port. */
esp_status esp_port_open(const char *name, const esp_port_opts *o, esp_port **out, esp_error *e);
void esp_port_close(esp_port *p);

const char *esp_port_name(const esp_port *p);
bool esp_port_is_sim(const esp_port *p);
/* The fd to poll for input; -1 for the simulator (use esp_port_pending and
 * esp_port_poll_ms instead). */
int esp_port_fd(const esp_port *p);

/* Bytes ready without blocking (simulator output), or 0. */
size_t esp_port_pending(const esp_port *p);
/* Before each poll: runs the simulator's clock to now and returns how long the
 * poll may wait, timeout at most: less when the simulator has output due,
 * 0 when bytes are pending. Real ports: timeout. */
int esp_port_poll_ms(esp_port *p, int timeout);

/* Reads what is there; *got 0 means nothing now. ESP_E_GONE when the port
 * vanished (EIO, ENXIO, hang-up). */
esp_status esp_port_read(esp_port *p, uint8_t *buf, size_t cap, size_t *got, esp_error *e);
/* Writes all of it (waiting as needed). */
esp_status esp_port_write(esp_port *p, const uint8_t *buf, size_t n, esp_error *e);

esp_status esp_port_set_baud(esp_port *p, uint32_t rate, esp_error *e);
uint32_t esp_port_baud(const esp_port *p);
/* Both lines at once (one TIOCMSET), so reset timing survives. */
esp_status esp_port_set_lines(esp_port *p, bool dtr, bool rts, esp_error *e);
/* Modem status lines (CTS/DSR/DCD/RI as ESP_MODEM_* bits), plus DTR/RTS. */
uint8_t esp_port_modem(esp_port *p);
esp_status esp_port_set_break(esp_port *p, bool on, esp_error *e);
/* databits 5..8, parity 'N','O','E','M','S', stopbits 1 or 2 (3 = 1.5). */
esp_status esp_port_set_format(esp_port *p, int databits, char parity, int stopbits, esp_error *e);
void esp_port_drain(esp_port *p);
void esp_port_purge(esp_port *p, bool rx, bool tx);

#endif
