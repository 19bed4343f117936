/* tracelog_dump.c: the trace importer's byte side: hex and repr dumps, cuts, bytes and notes fed on. */
#include "capture/tracelog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/slip.h"

bool trace_grow(void *pp, size_t *cap, size_t need)
{
	uint8_t **p = pp;
	if (need <= *cap)
		return true;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	uint8_t *q = realloc(*p, c);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

uint64_t trace_now_ns(const tr *t) { return t->ms * 1000000u; }

void trace_count_frames(frame_count *fc, const uint8_t *p, size_t n, bool h2c)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == ESP_SLIP_END) {
			if (fc->len) {
				fc->frames++;
				if (h2c && fc->len >= 8 && fc->first == 0x00)
					fc->cmds++;
			}
			fc->len = 0;
		} else if (p[i] != ESP_SLIP_ESC) {
			if (!fc->len)
				fc->first = p[i];
			fc->len++;
		}
	}
}

void trace_emit_event(tr *t, esp_event_kind k, esp_dir d, uint32_t value, const void *p, size_t n)
{
	esp_event ev = {.ts_ns = trace_now_ns(t), .dir = d, .kind = k, .value = value,
			.data = p, .len = n};
	if (t->feed->event)
		t->feed->event(&ev, t->feed->user);
	t->r->end_ns = ev.ts_ns;
}

void trace_emit_bytes(tr *t, esp_dir d, const uint8_t *p, size_t n)
{
	if (!n)
		return;
	trace_emit_event(t, ESP_EV_BYTES, d, 0, p, n);
	trace_count_frames(d == ESP_DIR_H2C ? &t->h2c : &t->c2h, p, n, d == ESP_DIR_H2C);
	if (d == ESP_DIR_H2C)
		t->r->h2c_bytes += n;
	else
		t->r->c2h_bytes += n;
}

/* Hex pairs separated by blanks, up to a '|' or the end, appended to buf.
 * Returns 0, or the offset (1-based) of the bad character. A cut line (cut)
 * may end in half a pair, which is dropped. */
size_t trace_hex_append(tr *t, const char *s, size_t n, bool cut)
{
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (s[i] == '|')
			break;
		int hi = esp_hexval((unsigned char)s[i]);
		if (hi < 0)
			return i + 1;
		if (i + 1 >= n) /* half a pair: the line was cut there (reported as a short dump) */
			break;
		int lo = esp_hexval((unsigned char)s[i + 1]);
		if (lo < 0)
			return i + 2;
		if (!trace_grow(&t->buf, &t->cap, t->len + 1))
			return i + 1;
		t->buf[t->len++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return 0;
}

/* A Python repr of bytes (b'..', '..' or ".."), appended to buf.
 * Returns 0, 1 malformed, 2 no closing quote. */
int trace_repr_append(tr *t, const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && s[i] == 'b')
		i++;
	if (i >= n || (s[i] != '\'' && s[i] != '"'))
		return 1;
	char q = s[i++];
	while (i < n && s[i] != q) {
		int c = (unsigned char)s[i++];
		if (c == '\\') {
			if (i >= n)
				return 2;
			char x = s[i++];
			switch (x) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case '\\': case '\'': case '"': c = x; break;
			case 'x': {
				if (i + 2 > n)
					return 2;
				int hi = esp_hexval((unsigned char)s[i]), lo = esp_hexval((unsigned char)s[i + 1]);
				if (hi < 0 || lo < 0)
					return 1;
				c = hi << 4 | lo;
				i += 2;
				break;
			}
			default: return 1;
			}
		}
		if (!trace_grow(&t->buf, &t->cap, t->len + 1))
			return 1;
		t->buf[t->len++] = (uint8_t)c;
	}
	return i < n ? 0 : 2;
}

void trace_js_reset(tr *t)
{
	t->pend_len = 0;
	t->in_pkt = t->esc = false;
}

/* esptool-js `Read`: skip what it shows again, then follow its SLIP reader
 * to know which bytes it puts back. */
void trace_js_read(tr *t, const uint8_t *b, size_t n)
{
	size_t skip = 0;
	if (!n)
		return;
	if (t->pend_len && n >= t->pend_len && memcmp(b, t->pend, t->pend_len) == 0)
		skip = t->pend_len;
	t->pend_len = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = b[i];
		if (!t->in_pkt) {
			if (c != ESP_SLIP_END)
				break; /* invalid head: read() throws, buffer dropped */
			t->in_pkt = true;
		} else if (t->esc) {
			t->esc = false;
			if (c != ESP_SLIP_ESC_END && c != ESP_SLIP_ESC_ESC) {
				t->in_pkt = false;
				break;
			}
		} else if (c == ESP_SLIP_ESC) {
			t->esc = true;
		} else if (c == ESP_SLIP_END) {
			t->in_pkt = false;
			size_t rest = n - i - 1;
			if (rest && trace_grow(&t->pend, &t->pend_cap, rest)) {
				memcpy(t->pend, b + i + 1, rest);
				t->pend_len = rest;
			}
			break;
		}
	}
	trace_emit_bytes(t, ESP_DIR_C2H, b + skip, n - skip);
}

void trace_deliver(tr *t, int kind, const uint8_t *b, size_t n)
{
	if (kind == W_WRITE) {
		trace_emit_bytes(t, ESP_DIR_H2C, b, n);
	} else if (kind == W_READ) {
		if (t->js)
			trace_js_read(t, b, n);
		else
			trace_emit_bytes(t, ESP_DIR_C2H, b, n);
	} else if (kind == W_REMAIN) {
		trace_emit_bytes(t, ESP_DIR_C2H, b, n);
		if (t->js) { /* left in its buffer: its next Read shows them again */
			t->in_pkt = t->esc = false;
			t->pend_len = 0;
			if (n && trace_grow(&t->pend, &t->pend_cap, n)) {
				memcpy(t->pend, b, n);
				t->pend_len = n;
			}
		}
	}
}

/* A dump holding other than the bytes its header announced (a log cut or
 * pasted in part): what is there is fed; the bytes missing are a gap, so the
 * frame they cut shows as truncated and the next one decodes; a note says
 * where. Decoding goes on; the import ends with ESP_E_TRUNCATED. */
void trace_damaged(tr *t, int k, uint64_t line, size_t got, size_t want)
{
	esp_dir d = k == W_WRITE ? ESP_DIR_H2C : ESP_DIR_C2H;
	trace_deliver(t, k, t->buf, got);
	char what[120], msg[160];
	if (got < want) {
		trace_emit_event(t, ESP_EV_GAP, d, (uint32_t)(want - got > 0xffffffffu ? 0xffffffffu : want - got), NULL, 0);
		snprintf(what, sizeof what, "hex dump cut: %zu of the %zu bytes announced, %zu missing", got, want,
			 want - got);
	} else {
		snprintf(what, sizeof what, "hex dump holds %zu bytes, %zu announced", got, want);
	}
	int m = snprintf(msg, sizeof msg, "trace line %llu: %s", (unsigned long long)line, what);
	trace_emit_event(t, ESP_EV_NOTE, ESP_DIR_NONE, 0, msg, m > 0 && (size_t)m < sizeof msg ? (size_t)m : 0);
	if (!t->cuts++) {
		t->cut_line = line;
		memcpy(t->cut_what, what, sizeof what);
	}
}

/* The dump ended (a line that is not its continuation). */
esp_status trace_finish_dump(tr *t)
{
	int k = t->dump;
	t->dump = W_NONE;
	t->wrap = false;
	if (k == W_NONE || k == W_SKIP)
		return ESP_OK;
	if (t->want != WANT_ANY && t->len != t->want)
		trace_damaged(t, k, t->dump_line, t->len, t->want);
	else
		trace_deliver(t, k, t->buf, t->len);
	return ESP_OK;
}

/* A line of bare hex pairs: the rest of a dump line a terminal or a mail
 * client wrapped. */
bool trace_is_wrapped_hex(const char *s, size_t n)
{
	bool digit = false;
	for (size_t i = 0; i < n; i++)
		if (esp_hexval((unsigned char)s[i]) >= 0)
			digit = true;
		else if (s[i] != ' ' && s[i] != '\t')
			return false;
	return digit;
}

bool trace_is_continuation(const char *s, size_t n, bool nl)
{
	if (n < 5 || memcmp(s, "    ", 4) != 0 || esp_hexval((unsigned char)s[4]) < 0)
		return false;
	return memchr(s, '|', n) != NULL || !nl;
}

/* A line cut so that its bytes are lost: a note where, counted for the exit status. */
void trace_cut_note(tr *t, const char *what)
{
	char msg[160];
	int m = snprintf(msg, sizeof msg, "trace line %llu: %s", (unsigned long long)t->line, what);
	trace_emit_event(t, ESP_EV_NOTE, ESP_DIR_NONE, 0, msg, m > 0 && (size_t)m < sizeof msg ? (size_t)m : 0);
	if (!t->cuts++) {
		t->cut_line = t->line;
		snprintf(t->cut_what, sizeof t->cut_what, "%s", what);
	}
}
