/* pipeline.h: events in, records out. Owns one deframer per direction and the
 * decoder, numbers units in the order they complete (their pcapng packet
 * number), tracks the baud and modem lines in force, and hands every unit to
 * an optional unit sink (the pcapng writer) before its record goes to the
 * record sink (JSON, text, live view). Between the decoder and the record
 * sink run the analyzers (core/diagnose.h): their notes are added to the
 * record, and at the end their findings go into the summary. Pure: no I/O.
 */
#ifndef ESPTAP_CORE_PIPELINE_H
#define ESPTAP_CORE_PIPELINE_H

#include "core/diagnose.h"
#include "core/esp_decode.h"
#include "core/slip.h"

typedef struct esp_pipeline esp_pipeline;

typedef struct {
	esp_decoder_opts decoder;
	uint32_t initial_baud; /* 0 if unknown */
	size_t max_frame;      /* 0: ESP_SLIP_DEFAULT_MAX_FRAME */
	/* Called with each unit after decoding (flags such as CHECKSUM_BAD set),
	 * before its record. */
	void (*unit_sink)(const esp_unit *u, void *user);
	esp_record_cb record_sink;
	void *user;
} esp_pipeline_opts;

esp_pipeline *esp_pipeline_new(const esp_pipeline_opts *o);
void esp_pipeline_free(esp_pipeline *p);
void esp_pipeline_event(esp_pipeline *p, const esp_event *ev);
/* A unit that is already framed (pcapng input): numbered and decoded as is. */
void esp_pipeline_unit(esp_pipeline *p, const esp_unit *u);
/* Live use: emit text held in a raw run (a boot log line still missing its
 * newline) once no byte came in that direction for max_age_ns. Frames in
 * progress are never cut. */
void esp_pipeline_idle(esp_pipeline *p, uint64_t now_ns, uint64_t max_age_ns);
void esp_pipeline_finish(esp_pipeline *p, uint64_t ts_ns);
/* The decoder's summary; after esp_pipeline_finish with the findings in it. */
const esp_summary *esp_pipeline_summary(const esp_pipeline *p);
/* The analyzers' state: findings after esp_pipeline_finish. */
const esp_diag *esp_pipeline_diag(const esp_pipeline *p);

#endif
