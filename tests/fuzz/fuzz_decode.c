/* fuzz_decode.c: libFuzzer target for the decoder: the input is split into units and decoded. */
/*
 * Input layout: byte 0 picks the decoder options (bits 0-3 chip hint modulo
 * the chip count, bit 4 stub hint); then a sequence of units, each
 *   +------+------+------+---------- - -
 *   | kind | lenL | lenH | payload (len bytes, cut at the end of input)
 *   +------+------+------+---------- - -
 * kind bits 0-1: direction (0 none, 1 host>chip, 2 chip>host, 3 chip>host),
 * bit 2: raw run instead of frame, bits 3-7: milliseconds since the last unit
 * times 64 (so the timeout logic runs on both short and long gaps).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/esp_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the sink's sums go, so the reads it makes cannot be optimised away. */
static volatile size_t fuzz_decode_sink;

static void sink(const esp_record *r, void *user)
{
	/* touch what writers read, so sanitizers see bad pointers */
	size_t *acc = user;
	for (int i = 0; i < r->n_fields; i++) {
		const esp_field *f = &r->fields[i];
		*acc += strlen(f->name);
		if (f->type == ESP_F_STR)
			*acc += strlen(f->s);
		else if (f->type == ESP_F_BYTES && f->len)
			*acc += (uint8_t)f->s[f->len - 1];
	}
	for (int i = 0; i < r->n_notes; i++)
		*acc += strlen(r->notes[i].code) + strlen(r->notes[i].text);
	if (r->op)
		*acc += strlen(r->op);
	if (r->status)
		*acc += strlen(r->status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t acc = 0;
	esp_decoder_opts o = {(esp_chip)(data[0] & 15) % ESP_CHIP_COUNT, (data[0] & 16) != 0};
	esp_decoder *d = esp_decoder_new(&o, sink, &acc);
	if (!d)
		return 0;
	size_t pos = 1;
	uint64_t ts = 0, frame = 1;
	while (pos + 3 <= size) {
		uint8_t k = data[pos];
		size_t len = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;
		pos += 3;
		if (len > size - pos)
			len = size - pos;
		ts += (uint64_t)(k >> 3) * 64 * 1000000u;
		esp_unit u;
		memset(&u, 0, sizeof u);
		u.frame_no = frame++;
		u.ts_ns = ts;
		u.dir = (k & 3) == 0 ? ESP_DIR_NONE : (k & 3) == 1 ? ESP_DIR_H2C : ESP_DIR_C2H;
		u.kind = (k & 4) ? ESP_UNIT_RAW : ESP_UNIT_FRAME;
		u.baud = 115200;
		u.wire = u.payload = data + pos;
		u.wire_len = u.payload_len = len;
		esp_decoder_unit(d, &u);
		pos += len;
	}
	esp_decoder_finish(d, ts + 1000000000u);
	const esp_summary *s = esp_decoder_summary(d);
	for (size_t i = 0; i < s->n_regions; i++)
		acc += s->regions[i].bytes_written + strlen(s->regions[i].md5);
	esp_decoder_free(d);
	fuzz_decode_sink = acc;
	return 0;
}
