/* fuzz_diagnose.c: libFuzzer target for the analyzers and the diagnosis (boot-log parser, baud estimate, host checks): bytes through the whole pipeline, findings bounded. */
/*
 * Input layout: byte 0 picks the options (bits 0-3 chip hint modulo the chip
 * count, bit 4 stub hint, bits 5-7 the initial rate from a table); then
 * events, each
 *   +------+------+------+---------- - -
 *   | kind | lenL | lenH | bytes (len, cut at the end of input)
 *   +------+------+------+---------- - -
 * kind bit 0: direction (0 host>chip, 1 chip>host), bit 1: a baud change to
 * the rate table[bits 2-4] instead of bytes, bits 5-7: milliseconds since
 * the last event times 256. Chip bytes are mostly console text and frames,
 * so the corpus seeds with boot logs reach the boot-log parser at once.
 */
#include <stdlib.h>
#include <string.h>

#include "core/diagnose.h"
#include "core/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t fuzz_diag_sink;

static void sink(const esp_record *r, void *user)
{
	size_t *acc = user;
	for (int i = 0; i < r->n_notes; i++)
		*acc += strlen(r->notes[i].code) + strlen(r->notes[i].text);
	if (r->type == ESP_REC_SESSION_END && r->summary)
		for (size_t i = 0; i < r->summary->n_findings; i++)
			*acc += strlen(r->summary->findings[i].summary);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t rates[8] = {115200, 74880, 921600, 460800, 230400, 1500000, 9600, 0};
	if (size < 1)
		return 0;
	size_t acc = 0;
	esp_pipeline_opts o = {
		.decoder = {.chip_hint = (esp_chip)((data[0] & 15) % ESP_CHIP_COUNT), .stub_hint = (data[0] & 16) != 0},
		.initial_baud = rates[data[0] >> 5],
		.record_sink = sink,
		.user = &acc,
	};
	esp_pipeline *p = esp_pipeline_new(&o);
	if (!p)
		return 0;
	size_t pos = 1;
	uint64_t ts = 0;
	while (pos + 3 <= size) {
		uint8_t k = data[pos];
		size_t len = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;
		pos += 3;
		if (len > size - pos)
			len = size - pos;
		ts += (uint64_t)(k >> 5) * 256 * 1000000u;
		esp_event ev = {.ts_ns = ts, .dir = (k & 1) ? ESP_DIR_C2H : ESP_DIR_H2C};
		if (k & 2) {
			ev.kind = ESP_EV_BAUD;
			ev.value = rates[(k >> 2) & 7];
			ev.dir = ESP_DIR_NONE;
		} else {
			ev.kind = ESP_EV_BYTES;
			ev.data = data + pos;
			ev.len = len;
			pos += len;
		}
		if (ev.kind != ESP_EV_BYTES || ev.len)
			esp_pipeline_event(p, &ev);
	}
	esp_pipeline_finish(p, ts + 1000000000u);
	const esp_summary *s = esp_pipeline_summary(p);
	if (s->n_findings > 64)
		abort(); /* one finding per code at most */
	for (size_t i = 0; i < s->n_findings; i++) {
		const esp_finding *f = &s->findings[i];
		if (f->n_frames < 0 || f->n_frames > ESP_FINDING_MAX_FRAMES || !f->code || !f->remedy ||
		    memchr(f->summary, 0, sizeof f->summary) == NULL)
			abort();
		acc += strlen(f->summary) + strlen(f->remedy);
	}
	esp_pipeline_free(p);
	fuzz_diag_sink = acc;
	return 0;
}
