/* test_slip.c: the SLIP deframer is incremental, lossless and bounded; the encoder round-trips. */
#include <stdlib.h>

#include "check.h"
#include "core/slip.h"

/* A copy of every unit the deframer emitted, wire and payload bytes in one
 * growing store. */
typedef struct {
	esp_unit_kind kind;
	uint16_t flags;
	uint64_t ts;
	uint32_t baud;
	size_t wire_off, wire_len, pay_off, pay_len;
} rec_unit;

typedef struct {
	rec_unit *u;
	size_t n, cap;
	uint8_t *bytes;
	size_t nbytes, bcap;
} rec;

static size_t rec_bytes(rec *r, const uint8_t *p, size_t n)
{
	if (r->nbytes + n > r->bcap) {
		r->bcap = (r->nbytes + n) * 2 + 64;
		r->bytes = realloc(r->bytes, r->bcap);
	}
	if (n)
		memcpy(r->bytes + r->nbytes, p, n);
	r->nbytes += n;
	return r->nbytes - n;
}

static void on_unit(const esp_unit *u, void *user)
{
	rec *r = user;
	if (r->n == r->cap) {
		r->cap = r->cap * 2 + 16;
		r->u = realloc(r->u, r->cap * sizeof *r->u);
	}
	rec_unit *x = &r->u[r->n++];
	x->kind = u->kind;
	x->flags = u->flags;
	x->ts = u->ts_ns;
	x->baud = u->baud;
	x->wire_len = u->wire_len;
	x->wire_off = rec_bytes(r, u->wire, u->wire_len);
	x->pay_len = u->payload_len;
	x->pay_off = rec_bytes(r, u->payload, u->payload_len);
}

static void rec_free(rec *r)
{
	free(r->u);
	free(r->bytes);
	memset(r, 0, sizeof *r);
}

/* Feed in the given chunks (sizes summing to n), flush, collect. */
static void run(rec *r, size_t max_frame, const uint8_t *p, size_t n, const size_t *chunks,
		size_t nchunks)
{
	memset(r, 0, sizeof *r);
	esp_slip *s = esp_slip_new(ESP_DIR_C2H, max_frame, on_unit, r);
	size_t off = 0;
	for (size_t i = 0; i < nchunks; i++) {
		esp_slip_feed(s, 7, p + off, chunks[i], 115200);
		off += chunks[i];
	}
	if (off < n)
		esp_slip_feed(s, 7, p + off, n - off, 115200);
	esp_slip_flush(s, 7);
	esp_slip_free(s);
}

static int same_units(const rec *a, const rec *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const rec_unit *x = &a->u[i], *y = &b->u[i];
		if (x->kind != y->kind || x->flags != y->flags || x->wire_len != y->wire_len ||
		    x->pay_len != y->pay_len || x->baud != y->baud ||
		    memcmp(a->bytes + x->wire_off, b->bytes + y->wire_off, x->wire_len) ||
		    memcmp(a->bytes + x->pay_off, b->bytes + y->pay_off, x->pay_len))
			return 0;
	}
	return 1;
}

/* Concatenated wire bytes equal the input. */
static int lossless(const rec *r, const uint8_t *p, size_t n)
{
	size_t off = 0;
	for (size_t i = 0; i < r->n; i++) {
		const rec_unit *x = &r->u[i];
		if (off + x->wire_len > n || memcmp(p + off, r->bytes + x->wire_off, x->wire_len))
			return 0;
		off += x->wire_len;
	}
	return off == n;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* PROTOCOL.md §4 worked example: MEM_DATA seq 0, data c0 db 01 02. */
static const uint8_t ex_packet[] = {0x00, 0x07, 0x14, 0x00, 0xf7, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
				    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				    0x00, 0x00, 0xc0, 0xdb, 0x01, 0x02};
static const uint8_t ex_wire[] = {0xc0, 0x00, 0x07, 0x14, 0x00, 0xf7, 0x00, 0x00, 0x00, 0x04, 0x00,
				  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				  0x00, 0x00, 0x00, 0xdb, 0xdc, 0xdb, 0xdd, 0x01, 0x02, 0xc0};

static void test_encode(void)
{
	uint8_t out[2 * sizeof ex_packet + 2];
	size_t n = esp_slip_encode(ex_packet, sizeof ex_packet, out);
	CHECK_EQ_U(n, sizeof ex_wire);
	CHECK_MEM(out, ex_wire, sizeof ex_wire);
	CHECK_EQ_U(esp_slip_encode(NULL, 0, out), 2);

	rec r;
	size_t whole = sizeof ex_wire;
	run(&r, 0, ex_wire, sizeof ex_wire, &whole, 1);
	CHECK_EQ_U(r.n, 1);
	CHECK_EQ_U(r.u[0].kind, ESP_UNIT_FRAME);
	CHECK_EQ_U(r.u[0].flags, 0);
	CHECK_EQ_U(r.u[0].pay_len, sizeof ex_packet);
	CHECK_MEM(r.bytes + r.u[0].pay_off, ex_packet, sizeof ex_packet);
	rec_free(&r);

	/* Random payloads, dense in 0xC0/0xDB, decode to themselves. */
	int ok = 1;
	for (int t = 0; t < 200 && ok; t++) {
		uint8_t pay[300], wire[602];
		size_t len = 1 + rnd(300);
		for (size_t i = 0; i < len; i++) {
			uint32_t k = rnd(4);
			pay[i] = k == 0 ? 0xC0 : k == 1 ? 0xDB : (uint8_t)rnd(256);
		}
		size_t wl = esp_slip_encode(pay, len, wire);
		run(&r, 0, wire, wl, NULL, 0);
		ok = r.n == 1 && r.u[0].flags == 0 && r.u[0].pay_len == len &&
		     !memcmp(r.bytes + r.u[0].pay_off, pay, len) && r.u[0].wire_len == wl;
		rec_free(&r);
	}
	CHECK(ok);
}

/* Raw text, the worked example, a stray C0 C0, another frame, text. */
static size_t build_small(uint8_t *buf)
{
	size_t n = 0;
	memcpy(buf + n, "ets Jun  8 2016\r\n", 17);
	n += 17;
	memcpy(buf + n, ex_wire, sizeof ex_wire);
	n += sizeof ex_wire;
	static const uint8_t tail[] = {0xC0, 0xC0, 0x01, 0x08, 0x02, 0x00, 0x05, 0x06,
				       0x07, 0xDB, 0xDD, 0xC0, 'o',  'k'};
	memcpy(buf + n, tail, sizeof tail);
	return n + sizeof tail;
}

static void test_split_points(void)
{
	uint8_t buf[128];
	size_t n = build_small(buf);
	rec ref, r;
	run(&ref, 0, buf, n, NULL, 0);
	/* raw line, frame, frame (with the stray C0 kept), raw "ok" */
	CHECK_EQ_U(ref.n, 4);
	CHECK_EQ_U(ref.u[0].kind, ESP_UNIT_RAW);
	CHECK_EQ_U(ref.u[0].wire_len, 17);
	CHECK_EQ_U(ref.u[1].kind, ESP_UNIT_FRAME);
	CHECK_EQ_U(ref.u[1].wire_len, sizeof ex_wire);
	CHECK_EQ_U(ref.u[2].kind, ESP_UNIT_FRAME);
	CHECK_EQ_U(ref.u[2].wire_len, 12);
	CHECK_EQ_U(ref.u[2].pay_len, 8);
	CHECK_EQ_U(ref.bytes[ref.u[2].pay_off + 7], 0xDB);
	CHECK_EQ_U(ref.u[3].kind, ESP_UNIT_RAW);
	CHECK_EQ_U(ref.u[3].wire_len, 2);
	CHECK(lossless(&ref, buf, n));

	int all_same = 1, all_lossless = 1;
	for (size_t i = 0; i <= n; i++)
		for (size_t j = i; j <= n; j++) {
			size_t ch[3] = {i, j - i, n - j};
			run(&r, 0, buf, n, ch, 3);
			all_same &= same_units(&ref, &r);
			all_lossless &= lossless(&r, buf, n);
			rec_free(&r);
		}
	CHECK(all_same);
	CHECK(all_lossless);
	rec_free(&ref);
}

/* A long stream of everything the wire can carry. */
static size_t build_mixed(uint8_t *buf, size_t cap)
{
	size_t n = 0;
	while (n + 3000 < cap) {
		switch (rnd(8)) {
		case 0: { /* frame */
			uint8_t pay[1100];
			size_t len = rnd(1100);
			for (size_t i = 0; i < len; i++)
				pay[i] = rnd(16) == 0 ? (rnd(2) ? 0xC0 : 0xDB) : (uint8_t)rnd(256);
			n += esp_slip_encode(pay, len, buf + n);
			break;
		}
		case 1: { /* text line */
			size_t len = rnd(80);
			for (size_t i = 0; i < len; i++)
				buf[n++] = (uint8_t)(' ' + rnd(90));
			buf[n++] = '\n';
			break;
		}
		case 2:
			buf[n++] = 0xC0;
			buf[n++] = 0xC0;
			break;
		case 3: /* bad escape inside a frame */
			buf[n++] = 0xC0;
			buf[n++] = 0x01;
			buf[n++] = 0xDB;
			buf[n++] = (uint8_t)rnd(256);
			buf[n++] = 0xC0;
			break;
		case 4: { /* garbage */
			size_t len = rnd(40);
			for (size_t i = 0; i < len; i++)
				buf[n++] = (uint8_t)rnd(256);
			break;
		}
		case 5: { /* a long run of text without newline (beyond RAW_MAX) */
			size_t len = rnd(2500);
			for (size_t i = 0; i < len; i++)
				buf[n++] = 'x';
			break;
		}
		case 6: /* escape byte right before the end */
			buf[n++] = 0xC0;
			buf[n++] = 0xDB;
			buf[n++] = 0xC0;
			break;
		default: { /* frame body of 0xDB escapes only */
			size_t len = rnd(50);
			buf[n++] = 0xC0;
			for (size_t i = 0; i < len; i++) {
				buf[n++] = 0xDB;
				buf[n++] = 0xDD;
			}
			buf[n++] = 0xC0;
		}
		}
	}
	return n;
}

static void test_random_chunks(size_t max_frame)
{
	size_t cap = 600000;
	uint8_t *buf = malloc(cap);
	size_t n = build_mixed(buf, cap);
	rec ref, r;
	run(&ref, max_frame, buf, n, NULL, 0);
	CHECK(ref.n > 1000);
	CHECK(lossless(&ref, buf, n));

	size_t kinds[3] = {0, 0, 0}, flagged = 0, trunc = 0, longest = 0;
	for (size_t i = 0; i < ref.n; i++) {
		kinds[ref.u[i].kind == ESP_UNIT_FRAME] += 1;
		flagged += (ref.u[i].flags & ESP_UF_ESCAPE_ERR) != 0;
		trunc += (ref.u[i].flags & ESP_UF_TRUNCATED) != 0;
		if (ref.u[i].kind == ESP_UNIT_RAW && ref.u[i].wire_len > longest)
			longest = ref.u[i].wire_len;
		if (ref.u[i].kind == ESP_UNIT_FRAME && ref.u[i].wire_len > (max_frame ? max_frame : ESP_SLIP_DEFAULT_MAX_FRAME))
			longest = (size_t)-1;
	}
	CHECK(kinds[0] > 100 && kinds[1] > 100);
	CHECK(flagged > 10);
	CHECK_EQ_U(longest, ESP_SLIP_RAW_MAX);
	if (max_frame)
		CHECK(trunc > 10);
	else
		CHECK_EQ_U(trunc, 0);

	size_t *ch = malloc(n * sizeof *ch);
	int all_same = 1, all_lossless = 1;
	for (int t = 0; t < 30; t++) {
		size_t nch = 0, off = 0, maxc = t < 5 ? 1 : t < 15 ? 17 : 5000;
		while (off < n) {
			size_t c = 1 + rnd((uint32_t)maxc);
			if (c > n - off)
				c = n - off;
			ch[nch++] = c;
			off += c;
		}
		run(&r, max_frame, buf, n, ch, nch);
		all_same &= same_units(&ref, &r);
		all_lossless &= lossless(&r, buf, n);
		rec_free(&r);
	}
	CHECK(all_same);
	CHECK(all_lossless);
	free(ch);
	free(buf);
	rec_free(&ref);
}

static void test_escapes(void)
{
	rec r;
	static const uint8_t a[] = {0xC0, 0x01, 0xDB, 0x41, 0x02, 0xC0};
	run(&r, 0, a, sizeof a, NULL, 0);
	CHECK_EQ_U(r.n, 1);
	CHECK_EQ_U(r.u[0].flags, ESP_UF_ESCAPE_ERR);
	CHECK_EQ_U(r.u[0].pay_len, 4);
	CHECK_MEM(r.bytes + r.u[0].pay_off, "\x01\xDB\x41\x02", 4);
	rec_free(&r);

	/* 0xDB then 0xC0: the frame ends, the 0xDB stays in the payload. */
	static const uint8_t b[] = {0xC0, 1, 2, 3, 4, 5, 6, 7, 0xDB, 0xC0, 0x02};
	run(&r, 0, b, sizeof b, NULL, 0);
	CHECK_EQ_U(r.n, 2);
	CHECK_EQ_U(r.u[0].flags, ESP_UF_ESCAPE_ERR);
	CHECK_EQ_U(r.u[0].wire_len, 10);
	CHECK_EQ_U(r.u[0].pay_len, 8);
	CHECK_MEM(r.bytes + r.u[0].pay_off + 6, "\x07\xDB", 2);
	CHECK_EQ_U(r.u[1].kind, ESP_UNIT_RAW);
	rec_free(&r);

	/* 0xDB 0xDB: both kept, the second does not start an escape. */
	static const uint8_t c[] = {0xC0, 0xDB, 0xDB, 0xDC, 0xC0};
	run(&r, 0, c, sizeof c, NULL, 0);
	CHECK_EQ_U(r.n, 1);
	CHECK_EQ_U(r.u[0].flags, ESP_UF_ESCAPE_ERR);
	CHECK_EQ_U(r.u[0].pay_len, 3);
	CHECK_MEM(r.bytes + r.u[0].pay_off, "\xDB\xDB\xDC", 3);
	rec_free(&r);

	/* good escapes are not flagged */
	static const uint8_t d[] = {0xC0, 0xDB, 0xDC, 0xDB, 0xDD, 0xC0};
	run(&r, 0, d, sizeof d, NULL, 0);
	CHECK_EQ_U(r.n, 1);
	CHECK_EQ_U(r.u[0].flags, 0);
	CHECK_MEM(r.bytes + r.u[0].pay_off, "\xC0\xDB", 2);
	rec_free(&r);
}

static void test_truncation(void)
{
	uint8_t buf[64];
	size_t n = 0;
	buf[n++] = 0xC0;
	for (int i = 0; i < 20; i++)
		buf[n++] = (uint8_t)(0x10 + i);
	buf[n++] = 0xC0;
	buf[n++] = 0xC0; /* a good frame follows */
	buf[n++] = 0x33;
	buf[n++] = 0xC0;
	rec r;
	run(&r, 8, buf, n, NULL, 0);
	CHECK(lossless(&r, buf, n));
	CHECK_EQ_U(r.n, 4);
	CHECK_EQ_U(r.u[0].wire_len, 8);
	CHECK_EQ_U(r.u[0].flags, ESP_UF_TRUNCATED);
	CHECK_EQ_U(r.u[0].pay_len, 7);
	CHECK_EQ_U(r.u[1].wire_len, 8);
	CHECK_EQ_U(r.u[1].flags, ESP_UF_TRUNCATED);
	CHECK_EQ_U(r.u[2].wire_len, 6); /* 5 bytes and the closing 0xC0 */
	CHECK_EQ_U(r.u[2].flags, ESP_UF_TRUNCATED);
	CHECK_EQ_U(r.u[3].flags, 0);
	CHECK_EQ_U(r.u[3].pay_len, 1);
	rec_free(&r);

	/* A frame of exactly max_frame wire bytes is whole. */
	static const uint8_t e[] = {0xC0, 1, 2, 3, 4, 5, 6, 0xC0};
	run(&r, 8, e, sizeof e, NULL, 0);
	CHECK_EQ_U(r.n, 1);
	CHECK_EQ_U(r.u[0].flags, 0);
	rec_free(&r);
}

static void test_flush_and_raw(void)
{
	rec r;
	static const uint8_t a[] = {0xC0, 0x01, 0x02};
	run(&r, 0, a, sizeof a, NULL, 0);
	CHECK_EQ_U(r.n, 1);
	CHECK_EQ_U(r.u[0].flags, ESP_UF_UNTERMINATED);
	CHECK_EQ_U(r.u[0].wire_len, 3);
	CHECK_EQ_U(r.u[0].pay_len, 2);
	rec_free(&r);

	/* Empty frames are never emitted: C0 C0 C0 01 C0 is one frame. */
	static const uint8_t b[] = {0xC0, 0xC0, 0xC0, 0x01, 0xC0, 0xC0, 0x02, 0xC0};
	run(&r, 0, b, sizeof b, NULL, 0);
	CHECK_EQ_U(r.n, 2);
	CHECK_EQ_U(r.u[0].wire_len, 5);
	CHECK_EQ_U(r.u[0].pay_len, 1);
	CHECK_EQ_U(r.u[1].wire_len, 3);
	rec_free(&r);

	/* Raw runs end at newline, at 0xC0 and at ESP_SLIP_RAW_MAX. */
	uint8_t big[2600];
	memset(big, 'a', sizeof big);
	memcpy(big, "boot\nxy", 7);
	big[2599] = 0xC0;
	run(&r, 0, big, sizeof big, NULL, 0);
	CHECK(lossless(&r, big, sizeof big));
	CHECK_EQ_U(r.n, 5);
	CHECK_EQ_U(r.u[0].wire_len, 5);
	CHECK_EQ_U(r.u[1].wire_len, ESP_SLIP_RAW_MAX);
	CHECK_EQ_U(r.u[2].wire_len, ESP_SLIP_RAW_MAX);
	CHECK_EQ_U(r.u[3].wire_len, 2599 - 5 - 2 * ESP_SLIP_RAW_MAX);
	CHECK_EQ_U(r.u[4].kind, ESP_UNIT_FRAME);
	CHECK_EQ_U(r.u[4].flags, ESP_UF_UNTERMINATED);
	rec_free(&r);

	/* flush_raw emits pending text but never cuts a frame; ts and baud
	 * are those of the feed that completed the unit. */
	memset(&r, 0, sizeof r);
	esp_slip *s = esp_slip_new(ESP_DIR_H2C, 0, on_unit, &r);
	esp_slip_feed(s, 10, (const uint8_t *)"ab", 2, 9600);
	esp_slip_flush_raw(s, 11);
	CHECK_EQ_U(r.n, 1);
	CHECK_EQ_U(r.u[0].ts, 11);
	esp_slip_feed(s, 12, (const uint8_t *)"\xC0\x01", 2, 9600);
	CHECK(esp_slip_in_frame(s));
	esp_slip_flush_raw(s, 13);
	CHECK_EQ_U(r.n, 1);
	esp_slip_feed(s, 14, (const uint8_t *)"\x02\x03\x04\x05\x06\x07\x08\xC0", 8, 460800);
	CHECK_EQ_U(r.n, 2);
	CHECK(!esp_slip_in_frame(s));
	CHECK_EQ_U(r.u[1].ts, 14);
	CHECK_EQ_U(r.u[1].baud, 460800);
	CHECK_EQ_U(r.u[1].pay_len, 8);
	esp_slip_flush(s, 15);
	CHECK_EQ_U(r.n, 2);
	esp_slip_free(s);
	rec_free(&r);
}

/* Every split of buf into three chunks gives ref's units, losslessly. */
static int all_splits_same(const rec *ref, const uint8_t *buf, size_t n, size_t max_frame)
{
	int ok = 1;
	rec r;
	for (size_t i = 0; i <= n; i++)
		for (size_t j = i; j <= n; j++) {
			size_t ch[3] = {i, j - i, n - j};
			run(&r, max_frame, buf, n, ch, 3);
			ok &= same_units(ref, &r) && lossless(&r, buf, n);
			rec_free(&r);
		}
	/* and byte by byte */
	size_t *ones = malloc((n ? n : 1) * sizeof *ones);
	for (size_t i = 0; i < n; i++)
		ones[i] = 1;
	run(&r, max_frame, buf, n, ones, n);
	ok &= same_units(ref, &r) && lossless(&r, buf, n);
	rec_free(&r);
	free(ones);
	return ok;
}

/* esptool flushed its input without tracing it (samples/esptool-clean-write-
 * stub.log, ESP32 READ_REG): the chip>host stream lost "c0 01 08 04 00 ...".
 * What is left, c0 01 08 c0 01 0a ..., must resync at the second 0xC0. */
static void test_resync(void)
{
	static const uint8_t lost[] = {
		0xc0, 0x01, 0x08, 0x04, 0x00, 0x07, 0x07, 0x12, 0x20, 0x01, 0x05, 0x00, 0x00, 0xc0,
		0xc0, 0x01, 0x08, /* the rest of this reply was flushed unseen */
		0xc0, 0x01, 0x0a, 0x04, 0x00, 0x83, 0x1d, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0};
	rec ref;
	run(&ref, 0, lost, sizeof lost, NULL, 0);
	CHECK_EQ_U(ref.n, 3);
	CHECK_EQ_U(ref.u[0].kind, ESP_UNIT_FRAME);
	CHECK_EQ_U(ref.u[0].flags, 0);
	CHECK_EQ_U(ref.u[0].pay_len, 12);
	CHECK_EQ_U(ref.u[1].kind, ESP_UNIT_FRAME);
	CHECK_EQ_U(ref.u[1].flags, ESP_UF_UNTERMINATED);
	CHECK_EQ_U(ref.u[1].wire_len, 3);
	CHECK_MEM(ref.bytes + ref.u[1].wire_off, "\xc0\x01\x08", 3);
	CHECK_EQ_U(ref.u[1].pay_len, 2);
	CHECK_MEM(ref.bytes + ref.u[1].pay_off, "\x01\x08", 2);
	CHECK_EQ_U(ref.u[2].kind, ESP_UNIT_FRAME);
	CHECK_EQ_U(ref.u[2].flags, 0);
	CHECK_EQ_U(ref.u[2].wire_len, 14);
	CHECK_EQ_U(ref.u[2].pay_len, 12);
	CHECK_MEM(ref.bytes + ref.u[2].pay_off, "\x01\x0a\x04\x00\x83\x1d\xf0", 7);
	CHECK(lossless(&ref, lost, sizeof lost));
	CHECK(all_splits_same(&ref, lost, sizeof lost, 0));
	rec_free(&ref);

	/* A short frame followed by 0xC0 was closed; so is one at the end. */
	static const uint8_t closed[] = {0xc0, 0x01, 0x02, 0xc0, 0xc0, 1, 2, 3, 4, 5, 6, 7, 8, 0xc0,
					 0xc0, 0x05, 0xc0};
	run(&ref, 0, closed, sizeof closed, NULL, 0);
	CHECK_EQ_U(ref.n, 3);
	CHECK_EQ_U(ref.u[0].flags, 0);
	CHECK_EQ_U(ref.u[0].wire_len, 4);
	CHECK_EQ_U(ref.u[1].flags, 0);
	CHECK_EQ_U(ref.u[1].pay_len, 8);
	CHECK_EQ_U(ref.u[2].flags, 0);
	CHECK_EQ_U(ref.u[2].wire_len, 3);
	CHECK(all_splits_same(&ref, closed, sizeof closed, 0));
	rec_free(&ref);

	/* 4-byte bodies (OHAI, READ_FLASH ack) and 8-byte ones are never held:
	 * text after them stays text. */
	static const uint8_t four[] = {0xc0, 'O', 'H', 'A', 'I', 0xc0, 'x', '\n',
				       0xc0, 1, 2, 3, 4, 5, 6, 7, 8, 0xc0, 'y'};
	run(&ref, 0, four, sizeof four, NULL, 0);
	CHECK_EQ_U(ref.n, 4);
	CHECK_EQ_U(ref.u[0].flags, 0);
	CHECK_EQ_U(ref.u[0].pay_len, 4);
	CHECK_EQ_U(ref.u[1].kind, ESP_UNIT_RAW);
	CHECK_EQ_U(ref.u[1].wire_len, 2);
	CHECK_EQ_U(ref.u[2].flags, 0);
	CHECK_EQ_U(ref.u[3].kind, ESP_UNIT_RAW);
	CHECK(all_splits_same(&ref, four, sizeof four, 0));
	rec_free(&ref);

	/* Bodies of 1..7 bytes but 4 all resync, also when they end in a lone 0xDB
	 * (kept in the payload): the short piece keeps its escape flag. */
	int ok = 1;
	for (size_t k = 0; k < 14; k++) {
		size_t len = 1 + k / 2;
		int bad = (int)(k & 1);
		if (len == 4)
			continue;
		uint8_t b[32];
		size_t n = 0;
		b[n++] = 0xc0;
		for (size_t i = 0; i < len; i++)
			b[n++] = (uint8_t)(0x10 + i);
		if (bad)
			b[n - 1] = 0xdb;
		b[n++] = 0xc0;
		memcpy(b + n, "\x01\x02\x03\x04\x05\x06\x07\x08\xc0", 9);
		n += 9;
		run(&ref, 0, b, n, NULL, 0);
		uint16_t want = ESP_UF_UNTERMINATED | (bad ? ESP_UF_ESCAPE_ERR : 0);
		ok &= ref.n == 2 && ref.u[0].flags == want && ref.u[0].wire_len == len + 1 &&
		      ref.u[0].pay_len == len && ref.u[1].flags == 0 && ref.u[1].wire_len == 10 &&
		      ref.u[1].pay_len == 8 && ref.bytes[ref.u[1].wire_off] == 0xc0;
		ok &= all_splits_same(&ref, b, n, 0);
		rec_free(&ref);
	}
	CHECK(ok);

	/* With a small max_frame: the new frame's 0xC0 counts toward the
	 * limit, and a short last piece of a cut frame is never held. */
	static const uint8_t cut[] = {0xc0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xc0, 'z', 0xc0, 1, 2, 0xc0, 7};
	run(&ref, 7, cut, sizeof cut, NULL, 0);
	CHECK(lossless(&ref, cut, sizeof cut));
	CHECK_EQ_U(ref.n, 5);
	CHECK_EQ_U(ref.u[0].flags, ESP_UF_TRUNCATED);
	CHECK_EQ_U(ref.u[1].flags, ESP_UF_TRUNCATED); /* 7 8 9 c0: a cut frame's end */
	CHECK_EQ_U(ref.u[1].wire_len, 4);
	CHECK_EQ_U(ref.u[2].kind, ESP_UNIT_RAW);      /* 'z' */
	CHECK_EQ_U(ref.u[3].flags, ESP_UF_UNTERMINATED);
	CHECK_EQ_U(ref.u[3].wire_len, 3);             /* c0 1 2 */
	CHECK_EQ_U(ref.u[4].flags, ESP_UF_UNTERMINATED); /* c0 7, at flush */
	CHECK(all_splits_same(&ref, cut, sizeof cut, 7));
	rec_free(&ref);
	run(&ref, 1, cut, sizeof cut, NULL, 0);
	CHECK(lossless(&ref, cut, sizeof cut));
	CHECK(all_splits_same(&ref, cut, sizeof cut, 1));
	rec_free(&ref);

	/* A held frame keeps the ts and baud of the bytes that closed it,
	 * is not text to flush_raw, and is settled by the next feed or flush. */
	memset(&ref, 0, sizeof ref);
	esp_slip *s = esp_slip_new(ESP_DIR_C2H, 0, on_unit, &ref);
	esp_slip_feed(s, 20, (const uint8_t *)"\xc0\x01\x08\xc0", 4, 115200);
	CHECK_EQ_U(ref.n, 0);
	CHECK(!esp_slip_in_frame(s));
	esp_slip_flush_raw(s, 21);
	CHECK_EQ_U(ref.n, 0);
	esp_slip_feed(s, 22, (const uint8_t *)"\x01", 1, 921600);
	CHECK_EQ_U(ref.n, 1);
	CHECK_EQ_U(ref.u[0].ts, 20);
	CHECK_EQ_U(ref.u[0].baud, 115200);
	CHECK_EQ_U(ref.u[0].flags, ESP_UF_UNTERMINATED);
	CHECK(esp_slip_in_frame(s));
	esp_slip_feed(s, 23, (const uint8_t *)"\x02\xc0", 2, 921600);
	CHECK_EQ_U(ref.n, 1);
	esp_slip_flush(s, 24);
	CHECK_EQ_U(ref.n, 2);
	CHECK_EQ_U(ref.u[1].ts, 23);
	CHECK_EQ_U(ref.u[1].baud, 921600);
	CHECK_EQ_U(ref.u[1].flags, 0);
	CHECK_EQ_U(ref.u[1].wire_len, 4);
	esp_slip_free(s);
	rec_free(&ref);
}

/* The plain definition of unescaping a whole frame's wire bytes. */
static size_t unescape_ref(const uint8_t *w, size_t n, uint8_t *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = w[i];
		if (b == 0xC0)
			continue;
		if (b == 0xDB && i + 1 < n && (w[i + 1] == 0xDC || w[i + 1] == 0xDD))
			b = w[++i] == 0xDC ? 0xC0 : 0xDB;
		out[k++] = b;
	}
	return k;
}

static void test_unescape(void)
{
	uint8_t out[2 * sizeof ex_packet + 2];
	CHECK_EQ_U(esp_slip_unescape(ex_wire, sizeof ex_wire, out), sizeof ex_packet);
	CHECK_MEM(out, ex_packet, sizeof ex_packet);
	CHECK_EQ_U(esp_slip_unescape(NULL, 0, out), 0);
	static const uint8_t odd[] = {0xC0, 0xDB, 0xC0, 0x01, 0xDB, 0xDB, 0xDC, 0xDB};
	CHECK_EQ_U(esp_slip_unescape(odd, sizeof odd, out), 5);
	CHECK_MEM(out, "\xDB\x01\xDB\xC0\xDB", 5);

	/* Random wires dense in the four special bytes, at every length and
	 * alignment the vector loop can meet; and what the deframer makes of
	 * an encoded frame. */
	int same = 1, framed = 1;
	static uint8_t w[3000], a[3000], b[3000], pay[1400];
	for (int t = 0; t < 3000; t++) {
		size_t n = t < 200 ? (size_t)t : rnd(3000);
		size_t off = rnd(16);
		for (size_t i = 0; i + off < sizeof w && i < n; i++) {
			uint32_t k = rnd(8);
			w[off + i] = k == 0 ? 0xC0 : k == 1 ? 0xDB : k == 2 ? 0xDC : k == 3 ? 0xDD : (uint8_t)rnd(256);
		}
		if (off + n > sizeof w)
			n = sizeof w - off;
		size_t la = esp_slip_unescape(w + off, n, a), lb = unescape_ref(w + off, n, b);
		same &= la == lb && !memcmp(a, b, la);

		size_t pl = rnd(sizeof pay);
		for (size_t i = 0; i < pl; i++)
			pay[i] = rnd(4) ? (uint8_t)rnd(256) : rnd(2) ? 0xC0 : 0xDB;
		size_t wl = esp_slip_encode(pay, pl, w);
		framed &= esp_slip_unescape(w, wl, a) == pl && !memcmp(a, pay, pl);
	}
	CHECK(same);
	CHECK(framed);
}

int main(void)
{
	test_encode();
	test_split_points();
	test_random_chunks(0);
	test_random_chunks(64);
	test_escapes();
	test_truncation();
	test_flush_and_raw();
	test_resync();
	test_unescape();
	CHECK_DONE(140);
}
