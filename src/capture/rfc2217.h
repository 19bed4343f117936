/* rfc2217.h: an RFC 2217 (Telnet COM-PORT-OPTION) server in front of a port
 * (real, pty or sim:). One client at a time: while one is connected the
 * server does not listen, so a second is refused at once; it listens again
 * when the client leaves. Binds loopback unless told.
 * Applies the client's baud, data format, DTR/RTS, break and purge requests
 * to the port, answers each (code + 100), sends the modem state when a
 * client arrives and when CTS/DSR/RI/DCD change, escapes 0xFF both ways, and
 * records bytes and line changes after forwarding them. Owns the sockets and
 * the port; not the recorder.
 */
#ifndef ESPTAP_CAPTURE_RFC2217_H
#define ESPTAP_CAPTURE_RFC2217_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/rec.h"
#include "core/err.h"

typedef struct esp_rfc2217 esp_rfc2217;

typedef struct {
	const char *port;    /* real port, pty path or sim:... */
	const char *listen;  /* "127.0.0.1:4000", "4000", "0.0.0.0:4000" */
	uint32_t baud;       /* initial rate, 0: 115200 */
	esp_rec *rec;        /* may be set later with esp_rfc2217_set_rec */
} esp_rfc2217_opts;

esp_status esp_rfc2217_new(const esp_rfc2217_opts *o, esp_rfc2217 **out, esp_error *e);
void esp_rfc2217_set_rec(esp_rfc2217 *s, esp_rec *rec);
/* The port actually bound (useful with port 0). */
int esp_rfc2217_bound_port(const esp_rfc2217 *s);
/* Until a signal (*signalled set) or the port vanishing (ESP_E_GONE). */
esp_status esp_rfc2217_run(esp_rfc2217 *s, bool *signalled, esp_error *e);
void esp_rfc2217_free(esp_rfc2217 *s);

#endif
