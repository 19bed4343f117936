/* rawin.c: raw binary or hex text of one direction, fed as byte events. */
#include "capture/rawin.h"

#include <errno.h>
#include <stdlib.h>

#define CHUNK 65536

static void feed_bytes(const esp_feed *feed, esp_dir dir, const uint8_t *p, size_t n)
{
	if (!n || !feed->event)
		return;
	esp_event ev = {.ts_ns = 0, .dir = dir, .kind = ESP_EV_BYTES, .data = p, .len = n};
	feed->event(&ev, feed->user);
}

esp_status esp_rawin_read(FILE *f, const char *source, bool hex, esp_dir dir,
			  const esp_feed *feed, uint64_t *nbytes, esp_error *e)
{
	uint8_t *in = malloc(CHUNK), *out = malloc(CHUNK / 2 + 1);
	if (!in || !out) {
		free(in);
		free(out);
		return esp_error_set(e, ESP_E_NOMEM, source, ESP_LOC_NONE, 0, 0, "out of memory");
	}
	uint64_t off = 0, total = 0, digit_off = 0;
	int hi = -1;              /* first digit of a pair, -1 if none */
	bool comment = false, x_ok = false; /* x_ok: an 'x' here may be a 0x prefix */
	size_t k;
	esp_status st = ESP_OK;
	while ((k = fread(in, 1, CHUNK, f)) > 0) {
		if (!hex) {
			feed_bytes(feed, dir, in, k);
			total += k;
			off += k;
			continue;
		}
		size_t o = 0;
		for (size_t i = 0; i < k; i++, off++) {
			int c = in[i];
			if (comment) {
				comment = c != '\n';
				continue;
			}
			int v = esp_hexval(c);
			if (v >= 0) {
				if (hi < 0) {
					hi = v;
					digit_off = off;
					x_ok = v == 0;
				} else {
					out[o++] = (uint8_t)(hi << 4 | v);
					hi = -1;
					x_ok = false;
				}
				continue;
			}
			if ((c == 'x' || c == 'X') && hi == 0 && x_ok && off == digit_off + 1) {
				hi = -1; /* "0x" */
				x_ok = false;
				continue;
			}
			if (hi >= 0) {
				feed_bytes(feed, dir, out, o);
				total += o;
				st = esp_error_set(e, ESP_E_CORRUPT, source, ESP_LOC_BYTE, digit_off, 0,
						   "odd number of hex digits");
				goto done;
			}
			if (c == '#') {
				comment = true;
			} else if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',') {
				feed_bytes(feed, dir, out, o);
				total += o;
				st = esp_error_set(e, ESP_E_CORRUPT, source, ESP_LOC_BYTE, off, 0,
						   "bad hex digit 0x%02x", (unsigned)c);
				goto done;
			}
		}
		feed_bytes(feed, dir, out, o);
		total += o;
	}
	if (ferror(f))
		st = esp_error_set(e, ESP_E_IO, source, ESP_LOC_BYTE, off, errno, "read failed");
	else if (hex && hi >= 0)
		st = esp_error_set(e, ESP_E_TRUNCATED, source, ESP_LOC_BYTE, digit_off, 0,
				   "odd number of hex digits at the end");
done:
	free(in);
	free(out);
	if (nbytes)
		*nbytes = total;
	return st;
}
