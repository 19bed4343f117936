/* jsonl.h: the JSON Lines trace writer (docs/trace.schema.json). One object
 * per line, keys in a fixed order: a `session` record first, one record per
 * esp_record, a `summary` record last. Builds each object with Jansson and
 * writes it in one piece (`t` with exactly six decimals), so a file cut between lines is valid up to
 * its last line. Never decodes the protocol: it serialises what the decoder
 * put in the record. Session and summary are built with Jansson; records,
 * the hot path, are written directly by jsonl_rec.c to the same bytes.
 * The writer owns its FILE (stdout is flushed, not
 * closed); esp_jsonl_close frees it. The esp_json_* builders return new
 * references the caller must json_decref.
 */
#ifndef ESPTAP_WRITE_JSONL_H
#define ESPTAP_WRITE_JSONL_H

#include <jansson.h>

#include "core/err.h"
#include "core/diagnose.h"
#include "core/esp_decode.h"
#include "write/jsonl_rec.h"
#include "write/sinks.h"

typedef struct esp_jsonl esp_jsonl;

/* Create path ("-" is stdout). */
esp_status esp_jsonl_open(const char *path, esp_jsonl **out, esp_error *e);
/* The same; force: overwrite what write/outfile.h refuses (never a symlink). */
esp_status esp_jsonl_open_force(const char *path, bool force, esp_jsonl **out, esp_error *e);
esp_status esp_jsonl_session(esp_jsonl *j, const esp_session_info *si, esp_error *e);
esp_status esp_jsonl_record(esp_jsonl *j, const esp_record *r, esp_error *e);
/* s may be NULL (a session cut before the pipeline could summarise). */
esp_status esp_jsonl_summary(esp_jsonl *j, const esp_summary *s, uint64_t records, esp_error *e);
esp_status esp_jsonl_flush(esp_jsonl *j, esp_error *e);
/* Flush and close; frees j even on error. */
esp_status esp_jsonl_close(esp_jsonl *j, esp_error *e);

json_t *esp_json_session(const esp_session_info *si);
json_t *esp_json_record(const esp_record *r);
json_t *esp_json_summary(const esp_summary *s, uint64_t records);
json_t *esp_json_session_summary(const esp_summary *s); /* one session of several */
/* The summary's findings as an array of {code, severity, frames, summary,
 * remedy, occurrences}; [] when s is NULL or has none. */
json_t *esp_json_findings(const esp_summary *s);
/* One line's text as the file carries it (no newline): o dumped compactly in
 * key order, `t` rewritten with six decimals. Takes the reference to o;
 * the caller frees the string. NULL if out of memory. Records are written
 * by esp_json_record_write (jsonl_rec.h), held to produce exactly
 * esp_json_line(esp_json_record(r)). */
char *esp_json_line(json_t *o);
/* Seconds since start with microsecond resolution, as `t` carries it. */
double esp_json_seconds(uint64_t ns);

#endif
