/* fuzz_slip.c: fuzz target for the SLIP deframer: any chunking gives the same units, losslessly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/slip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	uint8_t *wire; /* concatenated wire bytes */
	size_t n;
	uint64_t hash; /* over every unit's kind, flags, lengths and payload */
	size_t units, max_frame;
	/* What the previous unit obliges this one to be: after a closed frame
	 * shorter than any command (body < 8, not 4) or after a piece cut off
	 * by a resync, only a frame opened by 0xC0 may follow. */
	int need_c0;
} sink;

static uint64_t mix(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001B3ULL;
	return h;
}

static void on_unit(const esp_unit *u, void *user)
{
	sink *s = user;
	if (u->wire_len == 0 || (u->kind != ESP_UNIT_FRAME && u->kind != ESP_UNIT_RAW))
		abort();
	if (u->kind == ESP_UNIT_RAW && (u->wire_len > ESP_SLIP_RAW_MAX || u->flags ||
					u->payload != u->wire || u->payload_len != u->wire_len))
		abort();
	if (u->kind == ESP_UNIT_FRAME && (u->wire_len > s->max_frame || u->payload_len > u->wire_len + 1))
		abort();
	/* A complete, uncut frame starts and ends with 0xC0 and has a body. */
	if (u->kind == ESP_UNIT_FRAME && !(u->flags & (ESP_UF_TRUNCATED | ESP_UF_UNTERMINATED)) &&
	    (u->wire_len < 3 || u->wire[0] != ESP_SLIP_END || u->wire[u->wire_len - 1] != ESP_SLIP_END ||
	     u->payload_len == 0))
		abort();
	if (s->need_c0 && (u->kind != ESP_UNIT_FRAME || u->wire[0] != ESP_SLIP_END))
		abort(); /* a short frame was not followed by 0xC0 */
	s->need_c0 = u->kind == ESP_UNIT_FRAME &&
		     (((u->flags & (ESP_UF_TRUNCATED | ESP_UF_UNTERMINATED)) == 0 && u->payload_len < 8 &&
		       u->payload_len != 4) ||
		      (u->flags & (ESP_UF_TRUNCATED | ESP_UF_UNTERMINATED)) == ESP_UF_UNTERMINATED);
	memcpy(s->wire + s->n, u->wire, u->wire_len);
	s->n += u->wire_len;
	uint8_t meta[1 + 2 + 8 + 8] = {(uint8_t)u->kind, (uint8_t)u->flags, (uint8_t)(u->flags >> 8)};
	memcpy(meta + 3, &u->wire_len, sizeof(size_t) < 8 ? sizeof(size_t) : 8);
	s->hash = mix(s->hash, meta, sizeof meta);
	s->hash = mix(s->hash, u->payload, u->payload_len);
	s->units++;
}

/* Feed data[0..size) in chunks whose sizes come from `sizes`, then flush. */
static void run(sink *s, size_t max_frame, const uint8_t *data, size_t size, const uint8_t *sizes,
		size_t nsizes)
{
	memset(s, 0, sizeof *s);
	s->wire = malloc(size ? size : 1);
	s->hash = 0xCBF29CE484222325ULL;
	esp_slip *d = esp_slip_new(ESP_DIR_H2C, max_frame, on_unit, s);
	s->max_frame = max_frame ? max_frame : ESP_SLIP_DEFAULT_MAX_FRAME;
	size_t off = 0, i = 0;
	while (off < size) {
		size_t k = nsizes ? (size_t)sizes[i++ % nsizes] + 1 : size - off;
		if (k > size - off)
			k = size - off;
		esp_slip_feed(d, 0, data + off, k, 115200);
		off += k;
	}
	esp_slip_flush(d, 0);
	esp_slip_free(d);
	if (s->n != size || (size && memcmp(s->wire, data, size)))
		abort(); /* not lossless */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Byte 0: max_frame choice; byte 1: how many chunk-size bytes follow. */
	if (size < 2)
		return 0;
	static const size_t frames[4] = {0, 1, 7, 64};
	size_t max_frame = frames[data[0] & 3];
	size_t nsizes = data[1] & 15;
	if (size < 2 + nsizes)
		return 0;
	const uint8_t *sizes = data + 2;
	const uint8_t *p = data + 2 + nsizes;
	size_t n = size - 2 - nsizes;

	sink whole, chunked, bytewise;
	run(&whole, max_frame, p, n, NULL, 0);
	run(&chunked, max_frame, p, n, sizes, nsizes);
	static const uint8_t one = 0;
	run(&bytewise, max_frame, p, n, &one, 1);
	if (whole.units != chunked.units || whole.hash != chunked.hash ||
	    whole.units != bytewise.units || whole.hash != bytewise.hash)
		abort(); /* chunking changed the units */
	free(whole.wire);
	free(chunked.wire);
	free(bytewise.wire);
	return 0;
}
