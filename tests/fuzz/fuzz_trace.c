/* fuzz_trace.c: fuzz target for the --trace log importer: any text imports or fails cleanly, bytes fed are bounded by the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/tracelog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	uint64_t bytes, hash;
	uint64_t last_ts;
} sink;

static void on_event(const esp_event *ev, void *user)
{
	sink *s = user;
	if ((ev->len && !ev->data) || ev->ts_ns < s->last_ts)
		abort(); /* times never go back */
	s->last_ts = ev->ts_ns;
	for (size_t i = 0; i < ev->len; i++)
		s->hash = (s->hash ^ ev->data[i]) * 0x100000001B3ULL;
	if (ev->kind == ESP_EV_BYTES) {
		if (!ev->len || (ev->dir != ESP_DIR_H2C && ev->dir != ESP_DIR_C2H))
			abort();
		s->bytes += ev->len;
	} else if (ev->dir != ESP_DIR_NONE && ev->kind != ESP_EV_GAP) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char flasher[64];
	esp_trace_sniff(data, size);
	esp_trace_flasher(data, size, flasher, sizeof flasher);
	if (strlen(flasher) >= sizeof flasher)
		abort();
	if (!size)
		return 0;
	FILE *f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	sink s = {0};
	esp_feed feed = {on_event, NULL, &s};
	esp_trace_result r;
	esp_error e;
	esp_status st = esp_trace_import(f, "fuzz", ESP_TRACE_NONE, &feed, &r, &e);
	fclose(f);
	/* two hex digits per byte at least, or one repr character */
	if (s.bytes > size || r.h2c_bytes + r.c2h_bytes != s.bytes)
		abort();
	if (st != ESP_OK && (st != ESP_E_TRUNCATED && st != ESP_E_CORRUPT && st != ESP_E_IO))
		abort();
	if (st != ESP_OK && (e.loc != ESP_LOC_LINE || strchr(e.text, '\n')))
		abort();
	return 0;
}
