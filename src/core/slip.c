/* slip.c: the SLIP deframer (incremental, lossless, bounded) and the SLIP encoder. */
#include "core/slip.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

struct esp_slip {
	esp_dir dir;
	size_t max_frame;
	esp_unit_cb cb;
	void *user;
	bool in_frame; /* a 0xC0 opened a frame, or a cut frame goes on */
	bool cont;     /* this piece continues a frame cut at max_frame */
	bool esc;      /* the frame's last byte so far was an unresolved 0xDB */
	bool pend;     /* a short frame closed; its fate waits for the next byte */
	uint16_t flags;
	uint32_t baud; /* rate passed with the latest bytes */
	uint64_t pend_ts; /* ts and baud of the call that closed the pending frame */
	uint32_t pend_baud;
	/* Bytes of the pending unit (raw run or frame) that arrived in earlier
	 * feed calls. Bytes of the current call are referenced in place and
	 * copied only if the unit is still open when the call returns. */
	uint8_t *held;
	size_t held_len;
	uint8_t *pay; /* unescaped body of the pending frame */
	size_t pay_len;
};

/* First byte in [p, e) equal to a or b, or e. The deframer spends its time
 * here: frame bodies are long runs without 0xC0/0xDB. */
static const uint8_t *scan2(const uint8_t *p, const uint8_t *e, uint8_t a, uint8_t b)
{
#if defined(__SSE2__)
	const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b);
	while (e - p >= 32) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
		__m128i mx = _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb));
		__m128i my = _mm_or_si128(_mm_cmpeq_epi8(y, va), _mm_cmpeq_epi8(y, vb));
		unsigned m = (unsigned)_mm_movemask_epi8(mx) | (unsigned)_mm_movemask_epi8(my) << 16;
		if (m)
			return p + __builtin_ctz(m);
		p += 32;
	}
	if (e - p >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)));
		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
#else
	/* Word at a time: a byte of w^k is zero where w holds the byte k. */
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	const uint64_t ka = ones * a, kb = ones * b;
	while (e - p >= 8) {
		uint64_t w, x, y;
		memcpy(&w, p, 8);
		x = w ^ ka;
		y = w ^ kb;
		if (((x - ones) & ~x & highs) | ((y - ones) & ~y & highs))
			break;
		p += 8;
	}
#endif
	while (p < e && *p != a && *p != b)
		p++;
	return p;
}

esp_slip *esp_slip_new(esp_dir dir, size_t max_frame, esp_unit_cb cb, void *user)
{
	esp_slip *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->dir = dir;
	s->max_frame = max_frame ? max_frame : ESP_SLIP_DEFAULT_MAX_FRAME;
	s->cb = cb;
	s->user = user;
	size_t held_cap = s->max_frame > ESP_SLIP_RAW_MAX ? s->max_frame : ESP_SLIP_RAW_MAX;
	s->held = malloc(held_cap);
	/* +2: a 0xDB left over from a cut piece resolves in the next one and
	 * can add two payload bytes for one wire byte. */
	s->pay = malloc(s->max_frame + 2);
	if (!s->held || !s->pay) {
		esp_slip_free(s);
		return NULL;
	}
	return s;
}

void esp_slip_free(esp_slip *s)
{
	if (!s)
		return;
	free(s->held);
	free(s->pay);
	free(s);
}

int esp_slip_in_frame(const esp_slip *s) { return s->in_frame; }

/* Emit the pending unit: held bytes followed by [start, p). */
static void emit_at(esp_slip *s, const uint8_t *start, size_t n, esp_unit_kind kind, uint16_t flags,
		    uint64_t ts_ns, uint32_t baud)
{
	esp_unit u;
	memset(&u, 0, sizeof u);
	if (s->held_len) {
		if (n)
			memcpy(s->held + s->held_len, start, n);
		u.wire = s->held;
		u.wire_len = s->held_len + n;
		s->held_len = 0;
	} else {
		u.wire = start;
		u.wire_len = n;
	}
	if (!u.wire_len)
		return;
	u.ts_ns = ts_ns;
	u.dir = s->dir;
	u.kind = kind;
	u.flags = flags;
	u.baud = baud;
	if (kind == ESP_UNIT_FRAME) {
		u.payload = s->pay;
		u.payload_len = s->pay_len;
		s->pay_len = 0;
	} else {
		u.payload = u.wire;
		u.payload_len = u.wire_len;
	}
	s->cb(&u, s->user);
}

static void emit(esp_slip *s, const uint8_t *start, size_t n, esp_unit_kind kind, uint16_t flags,
		 uint64_t ts_ns)
{
	emit_at(s, start, n, kind, flags, ts_ns, s->baud);
}

static void open_frame(esp_slip *s)
{
	s->in_frame = true;
	s->cont = false;
	s->esc = false;
	s->flags = 0;
	s->pay_len = 0;
}

/* A closed frame this short is no command or response (every one has an
 * 8-byte header; only the OHAI greeting and READ_FLASH's ack are 4 bytes):
 * its closing 0xC0 may really open the next frame, the start of which the
 * flasher never saw (esptool flushes its input unlogged). */
static bool too_short(const esp_slip *s) { return !s->cont && s->pay_len < 8 && s->pay_len != 4; }

/* Settle the pending short frame given the byte after its closing 0xC0. A
 * 0xC0 next means it really was closed; anything else means that 0xC0 opened
 * a new frame: the piece before it comes out unterminated and the 0xC0
 * stays held as the new frame's first byte. */
static void settle(esp_slip *s, uint8_t next)
{
	s->pend = false;
	if (next == ESP_SLIP_END) {
		emit_at(s, NULL, 0, ESP_UNIT_FRAME, s->flags, s->pend_ts, s->pend_baud);
		return;
	}
	s->held_len--;
	emit_at(s, NULL, 0, ESP_UNIT_FRAME, s->flags | ESP_UF_UNTERMINATED, s->pend_ts, s->pend_baud);
	s->held[0] = ESP_SLIP_END;
	s->held_len = 1;
	open_frame(s);
}

void esp_slip_feed(esp_slip *s, uint64_t ts_ns, const uint8_t *p, size_t n, uint32_t baud)
{
	if (!n)
		return;
	s->baud = baud;
	const uint8_t *e = p + n;
	const uint8_t *start = p; /* where the pending unit's bytes in this call begin */

	while (p < e) {
		if (s->pend) {
			settle(s, *p);
			if (s->in_frame)
				goto check_full;
		}
		if (!s->in_frame) {
			size_t room = ESP_SLIP_RAW_MAX - s->held_len - (size_t)(p - start);
			const uint8_t *lim = (size_t)(e - p) > room ? p + room : e;
			const uint8_t *q = scan2(p, lim, ESP_SLIP_END, '\n');
			if (q == lim) {
				p = lim;
				if (s->held_len + (size_t)(p - start) == ESP_SLIP_RAW_MAX) {
					emit(s, start, (size_t)(p - start), ESP_UNIT_RAW, 0, ts_ns);
					start = p;
				}
			} else if (*q == '\n') {
				p = q + 1;
				emit(s, start, (size_t)(p - start), ESP_UNIT_RAW, 0, ts_ns);
				start = p;
			} else {
				emit(s, start, (size_t)(q - start), ESP_UNIT_RAW, 0, ts_ns);
				start = q;
				p = q + 1;
				open_frame(s);
				goto check_full;
			}
			continue;
		}

		if (s->esc) {
			uint8_t c = *p;
			s->esc = false;
			if (c == ESP_SLIP_ESC_END) {
				s->pay[s->pay_len++] = ESP_SLIP_END;
				p++;
			} else if (c == ESP_SLIP_ESC_ESC) {
				s->pay[s->pay_len++] = ESP_SLIP_ESC;
				p++;
			} else {
				/* Keep both bytes; a 0xC0 still ends the frame. */
				s->flags |= ESP_UF_ESCAPE_ERR;
				s->pay[s->pay_len++] = ESP_SLIP_ESC;
				if (c == ESP_SLIP_END)
					continue;
				s->pay[s->pay_len++] = c;
				p++;
			}
			goto check_full;
		}

		{
			size_t room = s->max_frame - s->held_len - (size_t)(p - start);
			const uint8_t *lim = (size_t)(e - p) > room ? p + room : e;
			const uint8_t *q = scan2(p, lim, ESP_SLIP_END, ESP_SLIP_ESC);
			if (q > p) {
				memcpy(s->pay + s->pay_len, p, (size_t)(q - p));
				s->pay_len += (size_t)(q - p);
				p = q;
			}
			if (q == lim)
				goto check_full;
			p = q + 1;
			if (*q == ESP_SLIP_ESC) {
				s->esc = true;
				goto check_full;
			}
			/* 0xC0 with nothing before it opened a frame: the earlier
			 * 0xC0 was a stray, the frame starts here (and keeps it). */
			if (!s->cont && s->pay_len == 0)
				goto check_full;
			s->in_frame = false;
			if (too_short(s)) {
				/* Held (wire and payload) until the next byte. */
				memcpy(s->held + s->held_len, start, (size_t)(p - start));
				s->held_len += (size_t)(p - start);
				start = p;
				s->pend = true;
				s->pend_ts = ts_ns;
				s->pend_baud = baud;
				continue;
			}
			emit(s, start, (size_t)(p - start), ESP_UNIT_FRAME, s->flags, ts_ns);
			start = p;
			continue;
		}

	check_full:
		/* A frame that reached max_frame without closing is cut here;
		 * what follows up to the next 0xC0 comes out in more pieces. */
		if (s->in_frame && s->held_len + (size_t)(p - start) >= s->max_frame) {
			s->flags |= ESP_UF_TRUNCATED;
			emit(s, start, (size_t)(p - start), ESP_UNIT_FRAME, s->flags, ts_ns);
			start = p;
			s->cont = true;
			s->flags = ESP_UF_TRUNCATED;
		}
	}

	if (p > start) {
		memcpy(s->held + s->held_len, start, (size_t)(p - start));
		s->held_len += (size_t)(p - start);
	}
}

void esp_slip_flush_raw(esp_slip *s, uint64_t ts_ns)
{
	if (!s->in_frame && !s->pend && s->held_len)
		emit(s, NULL, 0, ESP_UNIT_RAW, 0, ts_ns);
}

void esp_slip_flush(esp_slip *s, uint64_t ts_ns)
{
	if (s->pend) {
		/* No byte follows: the short frame was closed after all. */
		settle(s, ESP_SLIP_END);
		return;
	}
	if (!s->in_frame) {
		esp_slip_flush_raw(s, ts_ns);
		return;
	}
	if (s->esc) {
		s->flags |= ESP_UF_ESCAPE_ERR;
		s->pay[s->pay_len++] = ESP_SLIP_ESC;
		s->esc = false;
	}
	emit(s, NULL, 0, ESP_UNIT_FRAME, s->flags | ESP_UF_UNTERMINATED, ts_ns);
	s->in_frame = false;
	s->cont = false;
	s->pay_len = 0;
}

size_t esp_slip_unescape(const uint8_t *wire, size_t n, uint8_t *out)
{
	uint8_t *o = out;
	const uint8_t *p = wire, *e = n ? wire + n : wire;
	while (p < e) {
		const uint8_t *q = scan2(p, e, ESP_SLIP_END, ESP_SLIP_ESC);
		if (q > p) {
			memcpy(o, p, (size_t)(q - p));
			o += q - p;
		}
		if (q == e)
			break;
		p = q + 1;
		if (*q == ESP_SLIP_END)
			continue;
		if (p < e && (*p == ESP_SLIP_ESC_END || *p == ESP_SLIP_ESC_ESC)) {
			*o++ = *p++ == ESP_SLIP_ESC_END ? ESP_SLIP_END : ESP_SLIP_ESC;
		} else {
			*o++ = ESP_SLIP_ESC;
		}
	}
	return (size_t)(o - out);
}

size_t esp_slip_encode(const uint8_t *payload, size_t n, uint8_t *out)
{
	uint8_t *o = out;
	*o++ = ESP_SLIP_END;
	const uint8_t *p = payload, *e = n ? payload + n : payload;
	while (p < e) {
		const uint8_t *q = scan2(p, e, ESP_SLIP_END, ESP_SLIP_ESC);
		if (q > p) {
			memcpy(o, p, (size_t)(q - p));
			o += q - p;
			p = q;
		}
		if (p < e) {
			*o++ = ESP_SLIP_ESC;
			*o++ = *p++ == ESP_SLIP_END ? ESP_SLIP_ESC_END : ESP_SLIP_ESC_ESC;
		}
	}
	*o++ = ESP_SLIP_END;
	return (size_t)(o - out);
}
