/* proxy.h: the pty proxy. Forwards bytes both ways between a pty (the
 * flasher's side) and a port (real, pty or sim:), follows the flasher's
 * baud changes on the port, and, for `esptap run`, applies the DTR/RTS and
 * break changes the preload shim sends over its control socket, answering
 * only once they are applied. Forwards first, then records. One thread,
 * one poll loop. Owns the pty and the port; not the recorder.
 */
#ifndef ESPTAP_CAPTURE_PROXY_H
#define ESPTAP_CAPTURE_PROXY_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/port.h"
#include "capture/pty.h"
#include "capture/rec.h"
#include "core/err.h"

/* The shim's control messages (SOCK_SEQPACKET, one per request). */
enum { ESP_CTL_LINES = 1, ESP_CTL_BREAK = 2 };
typedef struct {
	uint8_t op;   /* ESP_CTL_* */
	uint8_t dtr, rts; /* LINES: 1 asserted */
	uint8_t on;   /* BREAK */
	uint32_t ms;  /* BREAK: duration if the flasher asked for a timed break, else 0 */
} esp_ctl_msg;
#define ESP_CTL_ENV_FD "ESPTAP_CTL_FD"
#define ESP_CTL_ENV_PTY "ESPTAP_PTY"

typedef struct esp_proxy esp_proxy;

typedef struct {
	const char *port;      /* real port, pty path, or sim:CHIP[,...] */
	const char *link;      /* symlink for the pty; NULL: none */
	uint32_t baud;         /* initial rate, 0: 115200 */
	bool lines;            /* a shim will drive DTR/RTS (sim: needs a reset) */
	int ctl_fd;            /* the shim's control socket, -1 if none */
	esp_rec *rec;
} esp_proxy_opts;

typedef enum { ESP_PROXY_STOPPED, ESP_PROXY_SIGNAL, ESP_PROXY_GONE } esp_proxy_end;

/* Opens the port and then the pty: on failure nothing is left behind. */
esp_status esp_proxy_new(const esp_proxy_opts *o, esp_proxy **out, esp_error *e);
/* The path the flasher opens. */
const char *esp_proxy_path(const esp_proxy *px);
const esp_pty *esp_proxy_pty(const esp_proxy *px);
void esp_proxy_set_rec(esp_proxy *px, esp_rec *rec);
/* Runs until a signal, the port vanishing (e filled), an error, or
 * stop(user) returning true (checked at least every 100 ms). */
esp_status esp_proxy_run(esp_proxy *px, bool (*stop)(void *), void *user, esp_proxy_end *end, esp_error *e);
void esp_proxy_free(esp_proxy *px);

#endif
