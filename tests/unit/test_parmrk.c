/* test_parmrk.c: the PARMRK mark parser: data, 0xFF 0xFF, errors, breaks, marks split across reads. */
#include "capture/parmrk.h"
#include <stdlib.h>

#include "check.h"

typedef struct {
	uint8_t data[256];
	size_t n;
	int errors, breaks;
	uint8_t last_err;
	char order[64]; /* d, e, b in the order reported */
	size_t no;
} seen;

static void cb(esp_parmrk_kind k, const uint8_t *p, size_t n, void *user)
{
	seen *s = user;
	if (k == ESP_PARMRK_DATA) {
		memcpy(s->data + s->n, p, n);
		s->n += n;
	} else if (k == ESP_PARMRK_ERROR) {
		s->errors++;
		s->last_err = p[0];
	} else {
		s->breaks++;
	}
	if (s->no < sizeof s->order - 1 && (k != ESP_PARMRK_DATA || !s->no || s->order[s->no - 1] != 'd'))
		s->order[s->no++] = k == ESP_PARMRK_DATA ? 'd' : k == ESP_PARMRK_ERROR ? 'e' : 'b';
}

/* Feed `in` split at every pair of points; every split must give the same result. */
static void run(const uint8_t *in, size_t n, const uint8_t *want, size_t wn, int errs, int brks, const char *order)
{
	for (size_t a = 0; a <= n; a++)
		for (size_t b = a; b <= n; b++) {
			seen s = {0};
			esp_parmrk st = {0};
			esp_parmrk_feed(&st, in, a, cb, &s);
			esp_parmrk_feed(&st, in + a, b - a, cb, &s);
			esp_parmrk_feed(&st, in + b, n - b, cb, &s);
			if (s.n != wn || memcmp(s.data, want, wn) || s.errors != errs || s.breaks != brks ||
			    strcmp(s.order, order)) {
				CHECK_EQ_U(s.n, wn);
				CHECK(s.n == wn && memcmp(s.data, want, wn) == 0);
				CHECK_EQ_U(s.errors, errs);
				CHECK_EQ_U(s.breaks, brks);
				CHECK_EQ_S(s.order, order);
				return;
			}
		}
	CHECK(1);
}

static uint8_t got_buf[10000];

static void collect(esp_parmrk_kind k, const uint8_t *p, size_t n, void *user)
{
	size_t *gn = user;
	if (k == ESP_PARMRK_DATA && *gn + n <= sizeof got_buf) {
		memcpy(got_buf + *gn, p, n);
		*gn += n;
	}
}

int main(void)
{
	/* plain data passes through */
	run((const uint8_t *)"\xC0\x01\x02\xC0", 4, (const uint8_t *)"\xC0\x01\x02\xC0", 4, 0, 0, "d");
	/* a doubled 0xFF is one data byte */
	run((const uint8_t *)"\x01\xFF\xFF\x02", 4, (const uint8_t *)"\x01\xFF\x02", 3, 0, 0, "d");
	/* 0xFF 0x00 X: X received with a framing/parity error */
	run((const uint8_t *)"\x01\xFF\x00\x55\x02", 5, (const uint8_t *)"\x01\x02", 2, 1, 0, "ded");
	/* 0xFF 0x00 0x00: a break */
	run((const uint8_t *)"\x01\xFF\x00\x00\x02", 5, (const uint8_t *)"\x01\x02", 2, 0, 1, "dbd");
	/* 0xFF then anything else: not a mark, both bytes are data */
	run((const uint8_t *)"\xFF\x41", 2, (const uint8_t *)"\xFF\x41", 2, 0, 0, "d");
	/* a break, an error and an escaped 0xFF in a row */
	run((const uint8_t *)"\xFF\x00\x00\xFF\x00\x7F\xFF\xFF", 8, (const uint8_t *)"\xFF", 1, 1, 1, "bed");

	/* the byte in error is reported */
	seen s = {0};
	esp_parmrk st = {0};
	esp_parmrk_feed(&st, (const uint8_t *)"\xFF\x00\x9A", 3, cb, &s);
	CHECK_EQ_U(s.last_err, 0x9A);

	/* long runs (past the parser's 4 KiB chunk) come out whole and in order */
	static uint8_t big[10000];
	uint8_t *got = got_buf;
	static size_t gn;
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i % 251); /* never 0xFF */
	esp_parmrk s3 = {0};
	esp_parmrk_feed(&s3, big, sizeof big, collect, &gn);
	CHECK_EQ_U(gn, sizeof big);
	CHECK_MEM(got, big, sizeof big);
	CHECK_DONE(9);
}
