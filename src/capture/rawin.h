/* rawin.h: raw input of one direction: a binary file fed as is, or a hex
 * dump (pairs of hex digits; blanks, commas and `0x` prefixes tolerated;
 * `#` starts a comment to the end of the line). No timing: every byte event
 * is at time 0. Never interprets the bytes. Owns nothing the caller sees.
 */
#ifndef ESPTAP_CAPTURE_RAWIN_H
#define ESPTAP_CAPTURE_RAWIN_H

#include <stdbool.h>
#include <stdio.h>

#include "capture/feed.h"
#include "core/err.h"

/* Feed all of f as bytes in direction dir (hex: decode first). *nbytes (if
 * non-NULL) gets the count fed. A bad hex digit: ESP_E_CORRUPT at its byte
 * offset in the file, after feeding the bytes before it. */
esp_status esp_rawin_read(FILE *f, const char *source, bool hex, esp_dir dir,
			  const esp_feed *feed, uint64_t *nbytes, esp_error *e);

#endif
