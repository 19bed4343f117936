/* text.h: the human view. In frames mode, one line per record: time, an
 * arrow for the direction, the op, its key fields and the verdict, notes
 * indented below, and summary lines at the end. In progress mode, one status
 * line per flash region that rewrites itself in place (live verbs). Colour
 * is decided by the caller. It prints what the record says and never decodes
 * bytes itself. Does not own the FILE it writes to; esp_text_free frees only
 * the view.
 */
#ifndef ESPTAP_WRITE_TEXT_H
#define ESPTAP_WRITE_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/diagnose.h"
#include "core/esp_decode.h"
#include "write/sinks.h"

typedef struct esp_text esp_text;

esp_text *esp_text_new(FILE *out, esp_text_mode mode, bool colour);
void esp_text_free(esp_text *t);
void esp_text_record(esp_text *t, const esp_record *r);
/* Ends any progress line, then (frames mode) prints the summary; s may be NULL. */
void esp_text_summary(esp_text *t, const esp_summary *s);
/* One record as a line without colour or newline, into buf (for tests and comments). */
void esp_text_format(const esp_record *r, char *buf, size_t n);
/* " (frame 3, 7)" for a finding's frames, "" if it has none. */
void esp_text_frames(const esp_finding *f, char *buf, size_t n);
/* The verdict alone: "FLASH_DATA seq 3 checksum bad", used as the pcapng packet comment. */
void esp_text_verdict(const esp_record *r, char *buf, size_t n);

#endif
