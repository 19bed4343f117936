/* test_jsonl_rec.c: the direct record writer produces exactly what Jansson makes of the same record. */
#include <float.h>
#include <stdlib.h>

#include "check.h"
#include "write/jsonl.h"

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint64_t r64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static uint32_t rn(uint32_t n) { return (uint32_t)(r64() % n); }

/* Bytes that stress escaping and UTF-8 checks: ASCII, quotes, controls,
 * NUL, DEL, valid 2/3/4-byte sequences, and broken ones. */
static size_t rand_text(char *out, size_t cap)
{
	static const char *const bits[] = {
		"a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\x01", "\x1b", "\x1f",
		"\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc0\x80", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\xe0\x80\xaf", "\x80", "\xff", "\xc3", "\xf5\x80\x80\x80",
		"hello world", "0x1234"};
	size_t n = 0;
	size_t parts = rn(12);
	for (size_t i = 0; i < parts; i++) {
		const char *b = bits[rn(sizeof bits / sizeof bits[0])];
		size_t k = strlen(b);
		if (rn(40) == 0) { /* an embedded NUL */
			b = "\0";
			k = 1;
		}
		if (n + k > cap)
			break;
		memcpy(out + n, b, k);
		n += k;
	}
	/* mostly valid text: drop the broken pieces two times in three */
	return n;
}

static double rand_ms(void)
{
	switch (rn(8)) {
	case 0: return 0;
	case 1: return (double)rn(100000) / 1000.0;
	case 2: return -(double)rn(5000) / 1000.0;
	case 3: return (double)r64() / (double)UINT64_MAX * 1e6;
	case 4: return (double)(r64() % 9000000000000000ULL); /* k beyond 1e15: the slow path */
	case 5: return 1e12 - 0.0004;
	case 6: return (double)rn(1000) * 1e-7;
	default: return (double)rn(3000) + 0.0005;
	}
}

static const char *rand_name(char *store, size_t cap)
{
	static const char *const pool[] = {"offset", "size", "region", "data_len", "seq", "chip",
					   "md5", "verify", "x\"y", "\xff", "caf\xc3\xa9"};
	if (rn(30) == 0)
		return NULL;
	if (rn(10) == 0) {
		size_t n = rand_text(store, cap - 1);
		store[n] = 0; /* a C string: up to the first NUL */
		return store;
	}
	return pool[rn(sizeof pool / sizeof pool[0])];
}

typedef struct {
	esp_record r;
	esp_unit u;
	uint8_t wire[700];
	char text[64];
	char names[ESP_REC_MAX_FIELDS][32];
	char svals[ESP_REC_MAX_FIELDS][64];
	char op[32], mode[32], status[32];
} gen;

static void rand_record(gen *g)
{
	memset(g, 0, sizeof *g);
	esp_record *r = &g->r;
	r->type = (esp_rec_type)(1 + rn(5));
	r->frame = rn(4) ? rn(100000) : r64();
	r->ts_ns = rn(4) ? (uint64_t)rn(1000000) * 1000000u + rn(1000000) : r64();
	r->dir = (esp_dir)rn(3);
	size_t k;
	switch (rn(4)) {
	case 0: r->op = NULL; break;
	case 1: r->op = "FLASH_DEFL_DATA"; break;
	case 2: k = rand_text(g->op, sizeof g->op - 1); g->op[k] = 0; r->op = g->op; break;
	default: r->op = "READ_REG";
	}
	r->opcode = (int)rn(300) - 1;
	r->mode = rn(3) == 0 ? NULL : rn(2) ? "rom" : "stub";
	if (rn(8) == 0) {
		k = rand_text(g->mode, sizeof g->mode - 1);
		g->mode[k] = 0;
		r->mode = g->mode;
	}
	r->has_seq = rn(2);
	r->seq = (uint32_t)r64();
	r->has_checksum = rn(2);
	r->ck_declared = rn(256);
	r->ck_computed = rn(3) ? r->ck_declared : rn(256);
	r->has_status = rn(3) != 0;
	r->status_ok = rn(2);
	r->status = rn(3) == 0 ? NULL : "FAILED";
	if (rn(8) == 0) {
		k = rand_text(g->status, sizeof g->status - 1);
		g->status[k] = 0;
		r->status = g->status;
	}
	r->error = (uint8_t)rn(256);
	r->value = (uint32_t)r64();
	r->reply_to = rn(3) ? rn(100000) : 0;
	if (rn(20) == 0)
		r->reply_to = r64();
	r->latency_ms = rand_ms();
	r->waited_ms = rand_ms();
	if (rn(2)) {
		r->text_len = rand_text(g->text, sizeof g->text);
		r->text = g->text;
	}
	r->n_fields = rn(5) ? (int)rn(8) : (int)rn(ESP_REC_MAX_FIELDS + 1);
	for (int i = 0; i < r->n_fields; i++) {
		esp_field *f = &r->fields[i];
		f->name = rand_name(g->names[i], sizeof g->names[i]);
		f->type = (esp_field_type)rn(6); /* 5: not a type, null */
		f->u = rn(3) ? rn(1u << 31) : r64();
		if (rn(6)) {
			f->len = rand_text(g->svals[i], sizeof g->svals[i] - 1);
			g->svals[i][f->len] = 0;
			f->s = g->svals[i];
			if (f->type == ESP_F_STR && rn(3) == 0)
				f->len = 0; /* strlen is used */
		}
	}
	r->n_notes = rn(3) ? 0 : (int)rn(ESP_REC_MAX_NOTES + 1);
	for (int i = 0; i < r->n_notes; i++) {
		esp_note *n = &r->notes[i];
		n->level = (esp_note_level)rn(4);
		n->code = rn(5) ? "checksum-mismatch" : NULL;
		if (rn(4) == 0)
			memset(n->text, 'x', sizeof n->text); /* no NUL: strnlen stops at 200 */
		else
			rand_text(n->text, sizeof n->text - 1);
	}
	if (rn(6)) {
		esp_unit *u = &g->u;
		u->kind = (esp_unit_kind)(1 + rn(9));
		u->flags = rn(2) ? 0 : (uint16_t)rn(65536);
		u->modem = (uint8_t)rn(64);
		u->value = rn(2) ? rn(8) : (uint32_t)r64();
		u->wire_len = rn(4) ? rn(40) : rn(sizeof g->wire);
		for (size_t i = 0; i < u->wire_len; i++)
			g->wire[i] = (uint8_t)(rn(3) ? 'a' + rn(26) : rn(256));
		u->wire = g->wire;
		r->unit = u;
	}
}

static int same_as_jansson(const esp_record *r, esp_jbuf *b, int *shown)
{
	char *want = esp_json_line(esp_json_record(r));
	int ok = want && esp_json_record_write(b, r) && b->n == strlen(want) && !memcmp(b->p, want, b->n);
	if (!ok && (*shown)++ < 3)
		fprintf(stderr, "mismatch:\n jansson %s\n direct  %.*s\n", want ? want : "(null)",
			(int)b->n, b->p ? b->p : "");
	free(want);
	return ok;
}

int main(void)
{
	esp_jbuf b = {0};
	int shown = 0;

	/* Hand-picked: escapes, a duplicate field, invalid UTF-8, big numbers. */
	esp_unit u = {.kind = ESP_UNIT_FRAME, .flags = ESP_UF_MALFORMED | ESP_UF_UNTERMINATED | 0x8000,
		      .wire = (const uint8_t *)"\xc0\x01", .wire_len = 2};
	esp_record r = {.type = ESP_REC_RESPONSE, .unit = &u, .frame = UINT64_MAX, .ts_ns = 123456789,
			.dir = ESP_DIR_C2H, .op = "READ_REG", .opcode = 10, .mode = "rom", .has_status = true,
			.status_ok = true, .value = 0xffffffffu, .reply_to = 3, .latency_ms = 2.0};
	r.fields[r.n_fields++] = (esp_field){.name = "region", .type = ESP_F_UINT, .u = 1};
	r.fields[r.n_fields++] = (esp_field){.name = "s", .type = ESP_F_STR, .s = "q\"\\\x01\x1f\x7f"};
	r.fields[r.n_fields++] = (esp_field){.name = "bad", .type = ESP_F_STR, .s = "\xff\xfe", .len = 2};
	r.fields[r.n_fields++] = (esp_field){.name = "\xff", .type = ESP_F_UINT, .u = 5};
	r.fields[r.n_fields++] = (esp_field){.name = "region", .type = ESP_F_HEX, .u = UINT64_MAX};
	r.notes[r.n_notes++] = (esp_note){.level = ESP_NOTE_WARNING, .code = NULL, .text = "tab\there"};
	CHECK(same_as_jansson(&r, &b, &shown));
	CHECK(b.n > 0 && strstr(b.p, "\"region\":-1,\"s\":\"q\\\"\\\\\\u0001\\u001F\x7f\",\"bad\":null}") != NULL);
	CHECK(strstr(b.p, "\"flags\":[\"unterminated\",\"malformed\"]") != NULL);

	/* Every record type with its branches, many times over. */
	static gen g;
	int all = 1, n = 0;
	for (int i = 0; i < 200000; i++) {
		rand_record(&g);
		all &= same_as_jansson(&g.r, &b, &shown);
		n++;
	}
	CHECK(all);
	CHECK_EQ_U(n, 200000);

	/* Reals beyond the fast path print as Jansson prints them. */
	int reals = 1;
	static const double fixed[] = {0.0, -0.0, 1e15, 1e16, 1.5e-7, 123456789012345678.0, -2.5e300,
				       DBL_MAX, DBL_MIN, 1e-5, 0.1, 100.0};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0] + 20000; i++) {
		double v = i < sizeof fixed / sizeof fixed[0] ? fixed[i] : 0;
		if (i >= sizeof fixed / sizeof fixed[0]) {
			uint64_t bits = r64();
			memcpy(&v, &bits, sizeof v);
			if (v != v || v - v != 0) /* NaN or infinite: Jansson has no such real */
				continue;
		}
		json_t *a = json_array();
		json_array_append_new(a, json_real(v));
		char *s = json_dumps(a, JSON_COMPACT | JSON_REAL_PRECISION(15));
		json_decref(a);
		char mine[64];
		esp_json_put_real15(mine, sizeof mine, v);
		size_t ml = strlen(mine);
		int ok = s && strlen(s) == ml + 2 && !memcmp(s + 1, mine, ml);
		if (!ok && shown++ < 6)
			fprintf(stderr, "real %.17g: jansson %s, mine %s\n", v, s ? s : "(null)", mine);
		reals &= ok;
		free(s);
	}
	CHECK(reals);
	esp_jbuf_free(&b);
	CHECK_DONE(6);
}
