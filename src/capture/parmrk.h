/* parmrk.h: splits what a tty with PARMRK|INPCK delivers into data, line
 * errors and breaks. The tty marks a byte received with a framing or parity
 * error as 0xFF 0x00 X, a break as 0xFF 0x00 0x00, and a real 0xFF as
 * 0xFF 0xFF. Incremental: a mark split across reads is still recognised.
 * Pure: no I/O; the caller owns the state struct.
 */
#ifndef ESPTAP_CAPTURE_PARMRK_H
#define ESPTAP_CAPTURE_PARMRK_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	int mark; /* 0 plain, 1 after 0xFF, 2 after 0xFF 0x00 */
} esp_parmrk;

typedef enum { ESP_PARMRK_DATA, ESP_PARMRK_ERROR, ESP_PARMRK_BREAK } esp_parmrk_kind;

/* data: p/n are data bytes; error: p[0] is the byte received in error; break: n == 0. */
typedef void (*esp_parmrk_cb)(esp_parmrk_kind kind, const uint8_t *p, size_t n, void *user);

void esp_parmrk_feed(esp_parmrk *s, const uint8_t *p, size_t n, esp_parmrk_cb cb, void *user);

#endif
