/* jsonl_rec.c: writes one record's JSON Lines text directly, byte for byte as the Jansson path would. */
#include "write/jsonl_rec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const esp_json_flag esp_json_unit_flags[ESP_JSON_N_UNIT_FLAGS] = {
	{ESP_UF_ESCAPE_ERR, "escape-error"}, {ESP_UF_TRUNCATED, "truncated"},
	{ESP_UF_CHECKSUM_BAD, "checksum-bad"}, {ESP_UF_LINE_ERR, "line-error"},
	{ESP_UF_UNTERMINATED, "unterminated"}, {ESP_UF_STATUS_ERR, "status-error"},
	{ESP_UF_MALFORMED, "malformed"},
};

static const char *const level_names[] = {"info", "warning", "error"};

long long esp_json_ms_k(double ms) { return (long long)(ms * 1000.0 + (ms < 0 ? -0.5 : 0.5)); }

/* Make room for k more bytes. */
static bool need(esp_jbuf *b, size_t k)
{
	if (b->n + k <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->n + k)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static void put(esp_jbuf *b, const char *s, size_t n)
{
	if (need(b, n)) {
		memcpy(b->p + b->n, s, n);
		b->n += n;
	}
}
#define PUTS(b, lit) put((b), (lit), sizeof(lit) - 1)

static void put_u64(esp_jbuf *b, unsigned long long v)
{
	char t[24];
	size_t i = sizeof t;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(b, t + i, sizeof t - i);
}

/* json_integer: a json_int_t (long long) printed in decimal. */
static void put_int(esp_jbuf *b, long long v)
{
	if (v < 0) {
		PUTS(b, "-");
		put_u64(b, 0ULL - (unsigned long long)v);
	} else {
		put_u64(b, (unsigned long long)v);
	}
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid:
 * no stray continuation bytes, no overlong forms, no surrogates, nothing
 * above U+10FFFF (what Jansson accepts in json_stringn). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned cp, min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, cp = c & 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, cp = c & 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static bool utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	while (p < e) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		size_t k = utf8_seq(p, (size_t)(e - p));
		if (!k)
			return false;
		p += k;
	}
	return true;
}

/* A JSON string as Jansson dumps it (no ENSURE_ASCII, no ESCAPE_SLASH), or
 * null when s is not valid UTF-8 (json_stringn fails, set() stores null). */
static void put_str(esp_jbuf *b, const char *s, size_t n)
{
	if (!s || !utf8_ok(s, n)) {
		PUTS(b, "null");
		return;
	}
	if (!need(b, 6 * n + 2))
		return;
	static const char hex[] = "0123456789ABCDEF";
	char *o = b->p + b->n;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 15];
			o += 5;
		}
	}
	*o++ = '"';
	b->n = (size_t)(o - b->p);
}

static void put_cstr(esp_jbuf *b, const char *s) { put_str(b, s, s ? strlen(s) : 0); }

/* ,"key": — keys here are fixed ASCII words. */
static void key(esp_jbuf *b, const char *k, size_t n)
{
	if (need(b, n + 4)) {
		char *o = b->p + b->n;
		o[0] = ',';
		o[1] = '"';
		memcpy(o + 2, k, n);
		o[n + 2] = '"';
		o[n + 3] = ':';
		b->n += n + 4;
	}
}
#define KEY(b, lit) key((b), (lit), sizeof(lit) - 1)

static void put_hex(esp_jbuf *b, const uint8_t *p, size_t n)
{
	static const char dig[] = "0123456789abcdef";
	if (!need(b, 2 * n + 2))
		return;
	char *o = b->p + b->n;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		*o++ = dig[p[i] >> 4];
		*o++ = dig[p[i] & 15];
	}
	*o++ = '"';
	b->n = (size_t)(o - b->p);
}

static void put_bool(esp_jbuf *b, bool v)
{
	if (v)
		PUTS(b, "true");
	else
		PUTS(b, "false");
}

/* A real as Jansson prints it with JSON_REAL_PRECISION(15): %.15g, ".0"
 * added when neither '.' nor 'e' shows, exponent without '+' or leading
 * zeros. Non-finite reals cannot be made, so they are null. */
void esp_json_put_real15(char *out, size_t cap, double v)
{
	if (!isfinite(v)) {
		snprintf(out, cap, "null");
		return;
	}
	int len = snprintf(out, cap, "%.15g", v);
	if (len < 0 || (size_t)len + 3 > cap) {
		snprintf(out, cap, "null");
		return;
	}
	if (!strchr(out, '.') && !strchr(out, 'e')) {
		memcpy(out + len, ".0", 3);
		len += 2;
	}
	char *ex = strchr(out, 'e');
	if (ex) {
		char *from = ex + 1, *to = ex + 1;
		if (*from == '-')
			from++, to++;
		else if (*from == '+')
			from++;
		while (*from == '0' && from[1])
			from++;
		memmove(to, from, strlen(from) + 1);
	}
}

/* Milliseconds rounded to the microsecond (k thousandths). Below 1e12 ms
 * %.15g prints k/1000 exactly as its decimal digits, trailing zeros dropped. */
static void put_ms(esp_jbuf *b, double ms)
{
	long long k = esp_json_ms_k(ms);
	if (k > -1000000000000000LL && k < 1000000000000000LL) {
		unsigned long long m = k < 0 ? (unsigned long long)-k : (unsigned long long)k;
		if (k < 0)
			PUTS(b, "-");
		put_u64(b, m / 1000);
		unsigned f = (unsigned)(m % 1000);
		char t[4] = {'.', (char)('0' + f / 100), (char)('0' + f / 10 % 10), (char)('0' + f % 10)};
		size_t n = 4;
		while (n > 2 && t[n - 1] == '0')
			n--;
		put(b, t, n);
		return;
	}
	char t[64];
	esp_json_put_real15(t, sizeof t, (double)k / 1000.0);
	put(b, t, strlen(t));
}

/* `t`: seconds with exactly six decimals (%.6f of whole microseconds / 1e6,
 * which below 1e9 s is the microsecond count's own digits). */
static void put_seconds(esp_jbuf *b, uint64_t ns)
{
	uint64_t us = ns / 1000;
	if (us < 1000000000000000ULL) {
		put_u64(b, us / 1000000);
		char t[7] = {'.'};
		unsigned f = (unsigned)(us % 1000000);
		for (int i = 6; i > 0; i--, f /= 10)
			t[i] = (char)('0' + f % 10);
		put(b, t, 7);
		return;
	}
	char t[64];
	int n = snprintf(t, sizeof t, "%.6f", (double)us / 1e6);
	put(b, t, n > 0 ? (size_t)n : 0);
}

/* Same field name twice: Jansson replaces the value where the key first
 * went. An invalid key is refused (the field is dropped). */
static void put_fields(esp_jbuf *b, const esp_record *r)
{
	int n = r->n_fields < ESP_REC_MAX_FIELDS ? r->n_fields : ESP_REC_MAX_FIELDS;
	const char *names[ESP_REC_MAX_FIELDS];
	for (int i = 0; i < n; i++)
		names[i] = r->fields[i].name ? r->fields[i].name : "?";
	PUTS(b, ",\"fields\":{");
	bool first = true;
	for (int i = 0; i < n; i++) {
		const char *nm = names[i];
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = names[j] == nm || !strcmp(names[j], nm);
		size_t nl = strlen(nm);
		if (seen || !utf8_ok(nm, nl))
			continue;
		int last = i;
		for (int j = i + 1; j < n; j++)
			if (names[j] == nm || !strcmp(names[j], nm))
				last = j;
		if (!first)
			PUTS(b, ",");
		first = false;
		put_str(b, nm, nl);
		PUTS(b, ":");
		const esp_field *f = &r->fields[last];
		switch (f->type) {
		case ESP_F_UINT:
		case ESP_F_HEX: put_int(b, (long long)f->u); break;
		case ESP_F_BOOL: put_bool(b, f->u != 0); break;
		case ESP_F_STR: put_str(b, f->s, f->s ? (f->len ? f->len : strlen(f->s)) : 0); break;
		case ESP_F_BYTES:
			if (f->s)
				put_hex(b, (const uint8_t *)f->s, f->len);
			else
				PUTS(b, "null");
			break;
		default: PUTS(b, "null"); break;
		}
	}
	PUTS(b, "}");
}

static void put_op(esp_jbuf *b, const esp_record *r)
{
	KEY(b, "op");
	put_cstr(b, r->op);
	KEY(b, "opcode");
	if (r->opcode >= 0)
		put_int(b, r->opcode);
	else
		PUTS(b, "null");
}

static void frame_fields(esp_jbuf *b, const esp_record *r)
{
	put_op(b, r);
	KEY(b, "mode");
	put_cstr(b, r->mode);
	if (r->has_seq) {
		KEY(b, "seq");
		put_int(b, r->seq);
	}
	if (r->has_checksum) {
		PUTS(b, ",\"checksum\":{\"declared\":");
		put_int(b, r->ck_declared);
		PUTS(b, ",\"computed\":");
		put_int(b, r->ck_computed);
		PUTS(b, ",\"ok\":");
		put_bool(b, r->ck_declared == r->ck_computed);
		PUTS(b, "}");
	}
	if (r->type == ESP_REC_RESPONSE) {
		if (r->has_status) {
			KEY(b, "status");
			put_cstr(b, r->status ? r->status : r->status_ok ? "ok" : "error");
			KEY(b, "error");
			put_int(b, r->error);
		}
		KEY(b, "value");
		put_int(b, r->value);
		KEY(b, "reply_to");
		if (r->reply_to)
			put_int(b, (long long)r->reply_to);
		else
			PUTS(b, "null");
		KEY(b, "latency_ms");
		if (r->reply_to)
			put_ms(b, r->latency_ms);
		else
			PUTS(b, "null");
	}
	if (r->n_fields)
		put_fields(b, r);
}

static void raw_fields(esp_jbuf *b, const esp_record *r)
{
	const esp_unit *u = r->unit;
	size_t n = u ? u->wire_len : 0;
	if (r->text) {
		KEY(b, "text");
		put_str(b, r->text, r->text_len);
	} else if (u) {
		KEY(b, "hex");
		put_hex(b, u->wire, n > ESP_JSON_HEX_MAX ? ESP_JSON_HEX_MAX : n);
	}
	KEY(b, "len");
	put_int(b, (long long)n);
}

static void event_fields(esp_jbuf *b, const esp_record *r)
{
	const esp_unit *u = r->unit;
	KEY(b, "event");
	if (!u) {
		PUTS(b, "\"note\"");
		if (r->text) {
			KEY(b, "text");
			put_str(b, r->text, r->text_len);
		}
		return;
	}
	put_cstr(b, esp_unit_kind_name(u->kind));
	switch (u->kind) {
	case ESP_UNIT_BAUD:
		KEY(b, "baud");
		put_int(b, u->value);
		break;
	case ESP_UNIT_MODEM:
		KEY(b, "dtr");
		put_bool(b, u->modem & ESP_MODEM_DTR);
		KEY(b, "rts");
		put_bool(b, u->modem & ESP_MODEM_RTS);
		KEY(b, "lines");
		put_int(b, u->modem);
		KEY(b, "changed");
		put_int(b, u->value);
		break;
	case ESP_UNIT_BREAK:
		KEY(b, "duration_ms");
		put_int(b, u->value);
		break;
	case ESP_UNIT_LINE_ERROR:
		KEY(b, "framing");
		put_bool(b, u->value & ESP_LINE_ERR_FRAMING);
		KEY(b, "parity");
		put_bool(b, u->value & ESP_LINE_ERR_PARITY);
		KEY(b, "overrun");
		put_bool(b, u->value & ESP_LINE_ERR_OVERRUN);
		break;
	case ESP_UNIT_GAP:
		KEY(b, "lost");
		put_int(b, u->value);
		break;
	case ESP_UNIT_NOTE:
		KEY(b, "text");
		if (r->text)
			put_str(b, r->text, r->text_len);
		else
			put_str(b, (const char *)u->wire, u->wire_len);
		break;
	default: break;
	}
}

static void notes(esp_jbuf *b, const esp_record *r)
{
	PUTS(b, ",\"notes\":[");
	for (int i = 0; i < r->n_notes && i < ESP_REC_MAX_NOTES; i++) {
		const esp_note *n = &r->notes[i];
		if (i)
			PUTS(b, ",");
		PUTS(b, "{\"level\":");
		put_cstr(b, level_names[(unsigned)n->level <= 2 ? n->level : 0]);
		KEY(b, "code");
		put_cstr(b, n->code);
		KEY(b, "text");
		put_str(b, n->text, strnlen(n->text, sizeof n->text));
		PUTS(b, "}");
	}
	PUTS(b, "]");
}

bool esp_json_record_write(esp_jbuf *b, const esp_record *r)
{
	b->n = 0;
	b->oom = false;
	PUTS(b, "{\"type\":");
	put_cstr(b, esp_rec_type_name(r->type));
	KEY(b, "frame");
	put_int(b, (long long)r->frame);
	KEY(b, "t");
	put_seconds(b, r->ts_ns);
	KEY(b, "dir");
	put_cstr(b, esp_dir_name(r->dir));
	switch (r->type) {
	case ESP_REC_COMMAND:
	case ESP_REC_RESPONSE: frame_fields(b, r); break;
	case ESP_REC_RAW: raw_fields(b, r); break;
	case ESP_REC_EVENT: event_fields(b, r); break;
	case ESP_REC_TIMEOUT:
		put_op(b, r);
		KEY(b, "waited_ms");
		put_ms(b, r->waited_ms);
		break;
	case ESP_REC_SESSION_END: break; /* written whole by the summary writer */
	}
	if (r->unit && r->unit->flags) {
		PUTS(b, ",\"flags\":[");
		bool first = true;
		for (size_t i = 0; i < ESP_JSON_N_UNIT_FLAGS; i++)
			if (r->unit->flags & esp_json_unit_flags[i].bit) {
				if (!first)
					PUTS(b, ",");
				first = false;
				put_cstr(b, esp_json_unit_flags[i].name);
			}
		PUTS(b, "]");
	}
	if (r->n_notes)
		notes(b, r);
	PUTS(b, "}");
	return !b->oom;
}

void esp_jbuf_free(esp_jbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}
