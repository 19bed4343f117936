/* fuzz_rfc2217.c: fuzz target for the RFC 2217 server's Telnet parser: any chunking gives the same events and verdict, all bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/telnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	uint64_t hash;
	size_t data_bytes, events;
} sink;

static uint64_t mix(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001B3ULL;
	return h;
}

static int on_data(void *user, const uint8_t *p, size_t n)
{
	sink *s = user;
	if (n == 0)
		abort(); /* empty runs are never handed over */
	s->hash = mix(s->hash, p, n); /* runs may be split differently: hash bytes only */
	s->data_bytes += n;
	return 0;
}

static int on_neg(void *user, uint8_t cmd, uint8_t opt)
{
	sink *s = user;
	if (cmd < ESP_TN_WILL)
		abort();
	uint8_t m[3] = {0xA5, cmd, opt};
	s->hash = mix(s->hash, m, 3);
	s->events++;
	return 0;
}

static int on_sb(void *user, const uint8_t *p, size_t n)
{
	sink *s = user;
	if (n > ESP_TN_SB_MAX)
		abort(); /* the bound */
	esp_cpo_req r;
	if (esp_cpo_parse(p, n, &r)) {
		if (r.code > 12 || n < 2 || p[0] != ESP_TN_OPT_COMPORT || r.has_value != (n > 2) ||
		    (r.code == 1 && n < 6 && r.baud != 0))
			abort();
	}
	uint8_t m[2] = {0x5A, (uint8_t)n};
	s->hash = mix(s->hash, m, 2);
	s->hash = mix(s->hash, p, n);
	s->events++;
	return 0;
}

static const esp_telnet_cb cb = {on_data, on_neg, on_sb};

/* Feed p[0..n) in chunks whose sizes come from sizes[] (cycled; none: whole),
 * with the clock at 0 (the command budget never refills: deterministic). */
static const char *run(sink *s, const uint8_t *p, size_t n, const uint8_t *sizes, size_t nsizes)
{
	esp_telnet t;
	esp_telnet_reset(&t);
	memset(s, 0, sizeof *s);
	s->hash = 0xCBF29CE484222325ULL;
	const char *why = NULL;
	size_t off = 0, i = 0;
	while (off < n && !why) {
		size_t k = nsizes ? (size_t)sizes[i++ % nsizes] + 1 : n - off;
		if (k > n - off)
			k = n - off;
		int rc;
		why = esp_telnet_feed(&t, p + off, k, 0, &cb, s, &rc);
		if (rc)
			abort(); /* the callbacks never stop it */
		off += k;
	}
	if (s->data_bytes > n)
		abort();
	return why;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t nsizes = data[0] & 15;
	if (size < 1 + nsizes)
		return 0;
	const uint8_t *sizes = data + 1, *p = data + 1 + nsizes;
	size_t n = size - 1 - nsizes;
	static const uint8_t one = 0;
	sink a, b, c;
	const char *wa = run(&a, p, n, NULL, 0);
	const char *wb = run(&b, p, n, sizes, nsizes);
	const char *wc = run(&c, p, n, &one, 1);
	if (wa != wb || wa != wc || a.hash != b.hash || a.hash != c.hash || a.events != b.events ||
	    a.events != c.events || a.data_bytes != b.data_bytes || a.data_bytes != c.data_bytes)
		abort(); /* chunking changed what the server sees */
	return 0;
}
