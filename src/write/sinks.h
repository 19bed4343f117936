/* sinks.h: the writers behind one door. Opens whichever of pcapng (-w),
 * JSON Lines (-j) and the text view are asked for, and gives the pipeline its
 * unit and record callbacks. Used alike by `decode` and the live verbs, so
 * offline and live output are the same. Owns the writers; closing writes the
 * summary and leaves every file complete and valid.
 */
#ifndef ESPTAP_WRITE_SINKS_H
#define ESPTAP_WRITE_SINKS_H

#include <stdbool.h>
#include <stdio.h>

#include "core/err.h"
#include "core/pipeline.h"

typedef struct {
	const char *tool;        /* "esptap 0.1.0" */
	const char *verb;        /* "decode", "proxy", "run", "rfc2217", "tap", "sim" */
	const char *source;      /* input file, or the real port */
	const char *format;      /* input format, or "live" */
	const char *flasher;     /* what the trace or the command line says, or NULL */
	const char *ports[2];    /* port names (tap: TX and RX), NULL if none */
	uint64_t start_unix_ns;  /* wall clock at the start, 0 if unknown (trace imports) */
	uint32_t baud;           /* initial rate, 0 if unknown */
} esp_session_info;

typedef enum { ESP_TEXT_OFF = 0, ESP_TEXT_FRAMES, ESP_TEXT_PROGRESS } esp_text_mode;

typedef struct {
	const char *pcapng_path; /* NULL: none */
	const char *jsonl_path;  /* NULL: none; "-": stdout */
	int linktype;            /* 0: 147 */
	esp_text_mode text;      /* text view on text_out */
	FILE *text_out;          /* stdout if NULL */
	int colour;              /* -1 auto (tty and NO_COLOR unset), 0 off, 1 on */
	bool live;               /* flush files at least every 100 ms */
	bool force;              /* --force: overwrite files write/outfile.h refuses */
} esp_sinks_opts;

typedef struct esp_sinks esp_sinks;

esp_status esp_sinks_open(const esp_sinks_opts *o, const esp_session_info *si, esp_sinks **out, esp_error *e);
/* Plug into esp_pipeline_opts: unit_sink = esp_sinks_unit, record_sink = esp_sinks_record, user = sinks. */
void esp_sinks_unit(const esp_unit *u, void *sinks);
void esp_sinks_record(const esp_record *r, void *sinks);
/* Flush files if at least 100 ms passed since the last flush (live use). */
void esp_sinks_tick(esp_sinks *s);
/* The first write error, if any (ESP_OK otherwise). */
esp_status esp_sinks_status(const esp_sinks *s, esp_error *e);
/* Write the summary record, close every file. summary may be NULL. */
esp_status esp_sinks_close(esp_sinks *s, const esp_summary *summary, esp_error *e);

#endif
