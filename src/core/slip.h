/* slip.h: the SLIP deframer (one per direction) and the SLIP encoder.
 *
 * The deframer is incremental (any chunking of the input gives the same
 * units), lossless (the concatenation of the wire bytes of the units it emits
 * equals its input exactly) and bounded (a frame longer than max_frame wire
 * bytes is cut and flagged ESP_UF_TRUNCATED). Bytes outside frames come out as
 * ESP_UNIT_RAW runs, ended by a newline, a 0xC0, a length limit or a flush.
 * Back-to-back 0xC0 0xC0 between frames is normal; an empty frame is never
 * emitted (the extra 0xC0 joins the next frame's wire bytes).
 * Resync after lost bytes: a closed frame whose body is shorter than 8 bytes
 * and not 4 (no command or response is; OHAI and the READ_FLASH ack are 4)
 * is held until the next byte. If that byte is not 0xC0, the closing 0xC0
 * was really the opening of the next frame (the flasher dropped bytes unseen):
 * the short piece comes out without that 0xC0, flagged ESP_UF_UNTERMINATED,
 * and the 0xC0 opens the next frame. At a flush the held frame comes out as
 * closed. A held frame keeps the ts and baud of the bytes that closed it.
 * It emits units through a callback; frame_no is left 0 (the pipeline
 * numbers units). It owns its buffers; unit pointers are valid only during
 * the callback. No I/O.
 */
#ifndef ESPTAP_CORE_SLIP_H
#define ESPTAP_CORE_SLIP_H

#include "core/event.h"

#define ESP_SLIP_END 0xC0
#define ESP_SLIP_ESC 0xDB
#define ESP_SLIP_ESC_END 0xDC
#define ESP_SLIP_ESC_ESC 0xDD

#define ESP_SLIP_DEFAULT_MAX_FRAME (2 * (65535 + 8) + 2) /* largest legal frame, fully escaped */
#define ESP_SLIP_RAW_MAX 1024 /* longest raw run before it is emitted */

typedef void (*esp_unit_cb)(const esp_unit *u, void *user);

typedef struct esp_slip esp_slip;

esp_slip *esp_slip_new(esp_dir dir, size_t max_frame, esp_unit_cb cb, void *user);
void esp_slip_free(esp_slip *s);
/* Feed bytes that arrived at ts_ns with the given baud in force. A unit gets
 * the ts and baud of the feed call that completed it. */
void esp_slip_feed(esp_slip *s, uint64_t ts_ns, const uint8_t *p, size_t n, uint32_t baud);
/* Emit whatever is buffered: a raw run as is, a partial frame flagged
 * ESP_UF_UNTERMINATED. Called at end of input only: cutting a frame at a
 * line event would make the frame undecodable. */
void esp_slip_flush(esp_slip *s, uint64_t ts_ns);
/* Emit only a pending raw run; a frame in progress is left alone. Called at
 * line events so that text before the event is not joined to text after it. */
void esp_slip_flush_raw(esp_slip *s, uint64_t ts_ns);
/* True while inside a frame (a 0xC0 opened one and no closing 0xC0 yet). */
int esp_slip_in_frame(const esp_slip *s);

/* Unescape one frame's wire bytes taken whole (pcapng input) into out
 * (capacity >= n): every 0xC0 is dropped, DB DC and DB DD become C0 and DB,
 * any other 0xDB is kept as is, as the deframer keeps it. Returns the
 * payload length. */
size_t esp_slip_unescape(const uint8_t *wire, size_t n, uint8_t *out);

/* Encode payload as one SLIP frame into out (capacity >= 2*n+2); returns the
 * number of bytes written. */
size_t esp_slip_encode(const uint8_t *payload, size_t n, uint8_t *out);

#endif
