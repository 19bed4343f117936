/* tracelog.h: the esptool / esptool-js --trace log importer. Reads a log line
 * by line and turns its `Write N bytes` / `Read N bytes` / `Remaining data`
 * dumps into byte events, its other lines into note events, and `Changed.`
 * after `Changing baud rate to N` into a baud event. Handles esptool 2.2-2.3.1
 * (Python repr), 2.4-4.x, 5.x and esptool-js 0.7 layouts. Repeated bytes
 * (`Read invalid data`, esptool-js re-reads) are fed once; command and
 * full-packet lines are only counted, to cross-check the wire. Never parses
 * the protocol beyond counting SLIP delimiters. Owns nothing the caller sees.
 */
#ifndef ESPTAP_CAPTURE_TRACELOG_H
#define ESPTAP_CAPTURE_TRACELOG_H

#include <stdio.h>

#include "capture/feed.h"
#include "core/err.h"

typedef enum { ESP_TRACE_NONE = 0, ESP_TRACE_ESPTOOL, ESP_TRACE_ESPTOOL_JS } esp_trace_flavour;

typedef struct {
	esp_trace_flavour flavour;
	char flasher[64];    /* first line "esptool.py vX" / "esptool vX", or "" */
	uint64_t end_ns;     /* time of the last event fed */
	uint64_t lines;      /* lines read */
	uint64_t h2c_bytes, c2h_bytes;
	uint64_t notes;
} esp_trace_result;

/* Which trace flavour the start of a file looks like (ESP_TRACE_NONE if none). */
esp_trace_flavour esp_trace_sniff(const uint8_t *buf, size_t n);
/* The flasher named on the first non-blank line, into out ("" if none). */
void esp_trace_flasher(const uint8_t *buf, size_t n, char *out, size_t outsz);

/* Read the whole log from f and feed it. source names the file in errors.
 * flavour: ESP_TRACE_NONE = decide from the first TRACE line. */
esp_status esp_trace_import(FILE *f, const char *source, esp_trace_flavour flavour,
			    const esp_feed *feed, esp_trace_result *r, esp_error *e);

#endif
