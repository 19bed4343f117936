/* tracelog.c: the esptool / esptool-js --trace log importer (see tracelog.h). */
#include "capture/tracelog_int.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/slip.h"

static bool starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(s, lit, k) == 0;
}

static uint32_t first_number(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] < '0' || s[i] > '9'))
		i++;
	uint64_t v = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9' && v < 0xffffffffu; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v > 0xffffffffu ? 0xffffffffu : (uint32_t)v;
}

/* One message, ANSI codes gone: a note, and maybe a baud change. */
static void note(tr *t, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n)
		return;
	if (!t->any_msg && !t->r->flasher[0] && starts(s, n, "esptool")) {
		size_t k = n < sizeof t->r->flasher - 1 ? n : sizeof t->r->flasher - 1;
		memcpy(t->r->flasher, s, k);
		t->r->flasher[k] = 0;
	}
	t->any_msg = true;
	trace_emit_event(t, ESP_EV_NOTE, ESP_DIR_NONE, 0, s, n);
	t->r->notes++;
	if (starts(s, n, "Changing baud rate to ") || starts(s, n, "Changing baudrate to ")) {
		t->pending_baud = first_number(s, n);
	} else if (starts(s, n, "Changed") && t->pending_baud) {
		trace_emit_event(t, ESP_EV_BAUD, ESP_DIR_NONE, t->pending_baud, NULL, 0);
		t->pending_baud = 0;
	}
}

/* Free text (a non-TRACE line, or what is glued before a TRACE): drop ANSI
 * escapes; a carriage return separates progress messages. */
static void message(tr *t, const char *s, size_t n)
{
	if (!trace_grow(&t->scratch, &t->scratch_cap, n + 1))
		return;
	char *o = t->scratch;
	size_t k = 0, start = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == 0x1b) {
			if (i + 1 < n && s[i + 1] == '[') {
				i += 2;
				while (i < n && !(s[i] >= 0x40 && s[i] <= 0x7e))
					i++;
			} else {
				i++;
			}
			continue;
		}
		if (s[i] == '\r') {
			note(t, o + start, k - start);
			start = k;
			continue;
		}
		o[k++] = s[i];
	}
	note(t, o + start, k - start);
}

/* Classify a TRACE message: W_* and the announced count (WANT_ANY if none);
 * *rest points after the colon. */
static int classify(tr *t, const char *m, size_t n, size_t *want, size_t *off)
{
	*want = WANT_ANY;
	size_t i = 0;
	int k = W_NONE;
	if (starts(m, n, "Write "))
		k = W_WRITE, i = 6;
	else if (starts(m, n, "Read ") && n > 5 && m[5] >= '0' && m[5] <= '9')
		k = W_READ, i = 5;
	if (k != W_NONE) {
		uint64_t v = 0;
		size_t d = i;
		while (i < n && m[i] >= '0' && m[i] <= '9' && v < ((uint64_t)1 << 40))
			v = v * 10 + (uint64_t)(m[i++] - '0');
		if (i == d || !starts(m + i, n - i, " bytes:"))
			return W_NONE;
		*want = (size_t)v;
		*off = i + 7;
		return k;
	}
	static const struct {
		const char *lit;
		int kind;
		bool packet;
	} fixed[] = {
		{"Remaining data in serial buffer:", W_REMAIN, false},
		{"Read invalid data:", W_SKIP, false},
		{"Received full packet:", W_SKIP, true},
		{"Full packet:", W_SKIP, true},
	};
	for (size_t j = 0; j < sizeof fixed / sizeof fixed[0]; j++)
		if (starts(m, n, fixed[j].lit)) {
			t->full_packets += fixed[j].packet;
			*off = strlen(fixed[j].lit);
			return fixed[j].kind;
		}
	if (starts(m, n, "command op") || starts(m, n, "--- Cmd ")) {
		t->cmd_lines++;
		if (t->js) /* esptool-js flushes its input before each command */
			trace_js_reset(t);
		const char *d = memmem(m, n, "data=", 5);
		if (d)
			*off = (size_t)(d - m) + 5;
		else if ((d = memmem(m, n, "| data ", 7)) != NULL)
			*off = (size_t)(d - m) + 7;
		else
			*off = n;
		return W_SKIP;
	}
	return W_NONE;
}

/* "Write 10 byt", "Rea": a dump's header cut short, its bytes gone with it. */
static bool cut_header(const char *m, size_t n)
{
	static const char *const heads[] = {"Write ", "Read "};
	for (size_t i = 0; i < 2; i++) {
		size_t k = strlen(heads[i]);
		if (n < k ? memcmp(m, heads[i], n) == 0 && n > 0
			  : memcmp(m, heads[i], k) == 0 && (n == k || (m[k] >= '0' && m[k] <= '9')))
			return true;
	}
	return false;
}

/* The message after a TRACE stamp. */
static esp_status trace_msg(tr *t, const char *m, size_t n, bool nl)
{
	size_t want, off = 0;
	int k = classify(t, m, n, &want, &off);
	if (k == W_NONE && cut_header(m, n)) {
		trace_cut_note(t, "a dump's header line cut short, its bytes lost");
		return ESP_OK;
	}
	if (k == W_NONE) {
		if (t->js) {
			if (starts(m, n, "Drained ")) {
				uint32_t had = first_number(m, n);
				if (had > t->pend_len) /* bytes it dropped without showing */
					trace_emit_event(t, ESP_EV_GAP, ESP_DIR_C2H, had - (uint32_t)t->pend_len, NULL, 0);
				trace_js_reset(t);
			} else if (starts(m, n, "No serial data") || starts(m, n, "Serial data stream")) {
				t->in_pkt = t->esc = false;
			}
		}
		message(t, m, n);
		return ESP_OK;
	}
	const char *r = m + off;
	size_t rn = n - off;
	while (rn && (*r == ' ' || *r == '\t'))
		r++, rn--;
	/* v5 closes a command's dump with " ---" */
	if (rn >= 3 && memcmp(r + rn - 3, "---", 3) == 0)
		for (rn -= 3; rn && r[rn - 1] == ' ';)
			rn--;
	while (rn && (r[rn - 1] == ' ' || r[rn - 1] == '\t'))
		rn--;
	t->len = 0;
	if (k == W_SKIP) {
		t->dump = rn ? W_NONE : W_SKIP;
		return ESP_OK;
	}
	if (!rn) {
		if (want == 0)
			return ESP_OK;
		t->dump = k;
		t->want = want;
		t->dump_line = t->line;
		return ESP_OK;
	}
	if (r[0] == '\'' || r[0] == '"' || (rn > 1 && r[0] == 'b' && (r[1] == '\'' || r[1] == '"'))) {
		int rc = trace_repr_append(t, r, rn);
		if (rc == 2 && !nl)
			goto cut;
		if (rc)
			return esp_error_set(t->e, ESP_E_CORRUPT, t->source, ESP_LOC_LINE, t->line, 0,
					     "malformed byte string");
	} else {
		size_t bad = trace_hex_append(t, r, rn, !nl);
		if (bad)
			return esp_error_set(t->e, ESP_E_CORRUPT, t->source, ESP_LOC_LINE, t->line, 0,
					     "bad hex digit at column %zu",
					     (size_t)(r - m) + bad);
	}
	if (want != WANT_ANY && t->len < want) {
		/* short: the line may go on wrapped on the next one; if not, it was cut */
		t->dump = k;
		t->want = want;
		t->dump_line = t->line;
		t->wrap = true;
		return ESP_OK;
	}
	if (want != WANT_ANY && t->len != want)
		trace_damaged(t, k, t->line, t->len, want);
	else
		trace_deliver(t, k, t->buf, t->len);
	return ESP_OK;
cut:
	/* a byte string without its closing quote: the log was cut in it */
	trace_damaged(t, k, t->line, t->len, want == WANT_ANY || want < t->len ? t->len + 1 : want);
	return ESP_OK;
}

/* Where "TRACE " followed by a stamp starts, or NULL. */
static const char *find_trace(const char *s, size_t n)
{
	const char *end = s + n, *p = s;
	while ((p = memmem(p, (size_t)(end - p), "TRACE ", 6)) != NULL) {
		const char *q = p + 6;
		if (q < end && *q == '+')
			q++;
		if (q < end && *q >= '0' && *q <= '9')
			return p;
		p += 6;
	}
	return NULL;
}

static esp_status line(tr *t, char *s, size_t n, bool nl)
{
	if (n && s[n - 1] == '\r')
		n--;
	if (t->dump != W_NONE) {
		bool wrapped = t->wrap && trace_is_wrapped_hex(s, n);
		if (wrapped || trace_is_continuation(s, n, nl)) {
			if (t->dump == W_SKIP)
				return ESP_OK;
			size_t before = t->len;
			if (!trace_hex_append(t, wrapped ? s : s + 4, wrapped ? n : n - 4, !nl)) {
				if (t->wrap && t->want != WANT_ANY && t->len >= t->want)
					return trace_finish_dump(t);
				return ESP_OK;
			}
			t->len = before; /* a garbled line: the dump ends before it */
		}
		esp_status st = trace_finish_dump(t);
		if (st)
			return st;
	}
	const char *p = find_trace(s, n);
	if (!p && trace_is_continuation(s, n, true)) {
		/* a dump's lines whose header is gone (an excerpt starting inside
		 * it, or a cut header line): their direction is unknown */
		if (!t->orphan)
			trace_cut_note(t, "hex dump lines without their header, skipped");
		t->orphan = true;
		return ESP_OK;
	}
	t->orphan = false;
	if (!p && n >= 7 && !memcmp(s, "TRACE +", 7)) {
		if (n == 7) { /* the line was cut right after the stamp's sign */
			trace_cut_note(t, "a trace line cut inside its time stamp");
			return ESP_OK;
		}
		return esp_error_set(t->e, ESP_E_CORRUPT, t->source, ESP_LOC_LINE, t->line, 0,
				     "trace time stamp is not a number");
	}
	if (!p) {
		message(t, s, n);
		return ESP_OK;
	}
	if (p > s)
		message(t, s, (size_t)(p - s));
	const char *end = s + n, *q = p + 6;
	bool plus = *q == '+';
	if (plus)
		q++;
	uint64_t whole = 0, frac = 0;
	int fd = 0;
	for (; q < end && *q >= '0' && *q <= '9'; q++)
		if (whole < ((uint64_t)1 << 40))
			whole = whole * 10 + (uint64_t)(*q - '0');
	if (q < end && *q == '.')
		for (q++; q < end && *q >= '0' && *q <= '9'; q++)
			if (fd < 3)
				frac = frac * 10 + (uint64_t)(*q - '0'), fd++;
	for (; fd < 3; fd++)
		frac *= 10;
	/* a stamp is digits, a point and digits, then a blank: "+1e9" or
	 * "+0.5s" is not esptool's; nor is a session longer than 1e6 s (11 days) */
	if ((q < end && *q != ' ') || whole > (plus ? 1000000u : 1000000000u))
		return esp_error_set(t->e, ESP_E_CORRUPT, t->source, ESP_LOC_LINE, t->line, 0,
				     "impossible trace time stamp");
	if (!t->flavour_known) {
		t->js = !plus;
		t->flavour_known = true;
	}
	/* esptool prints seconds since its previous trace line; esptool-js
	 * milliseconds since its transport opened */
	const uint64_t ms_max = UINT64_MAX / 1000000u; /* keeps ns from wrapping */
	uint64_t v = plus ? whole * 1000 + frac : whole;
	if (plus)
		t->ms = v > ms_max - t->ms ? ms_max : t->ms + v;
	else if (v > t->ms)
		t->ms = v < ms_max ? v : ms_max;
	while (q < end && *q == ' ')
		q++;
	return trace_msg(t, q, (size_t)(end - q), nl);
}

esp_trace_flavour esp_trace_sniff(const uint8_t *buf, size_t n)
{
	const char *s = (const char *)buf;
	if (memmem(s, n, "TRACE +", 7))
		return ESP_TRACE_ESPTOOL;
	for (size_t i = 0; i + 7 <= n; i++)
		if ((i == 0 || s[i - 1] == '\n') && memcmp(s + i, "TRACE ", 6) == 0 &&
		    s[i + 6] >= '0' && s[i + 6] <= '9')
			return ESP_TRACE_ESPTOOL_JS;
	return ESP_TRACE_NONE;
}

void esp_trace_flasher(const uint8_t *buf, size_t n, char *out, size_t outsz)
{
	const char *s = (const char *)buf, *end = s + n;
	out[0] = 0;
	while (s < end && (*s == '\n' || *s == '\r' || *s == ' '))
		s++;
	const char *e = memchr(s, '\n', (size_t)(end - s));
	if (!e)
		e = end;
	while (e > s && (e[-1] == '\r' || e[-1] == ' '))
		e--;
	if ((size_t)(e - s) < 7 || memcmp(s, "esptool", 7) != 0 || find_trace(s, (size_t)(e - s)))
		return;
	size_t k = (size_t)(e - s) < outsz - 1 ? (size_t)(e - s) : outsz - 1;
	memcpy(out, s, k);
	out[k] = 0;
}

esp_status esp_trace_import(FILE *f, const char *source, esp_trace_flavour flavour,
			    const esp_feed *feed, esp_trace_result *r, esp_error *e)
{
	esp_trace_result dummy;
	if (!r)
		r = &dummy;
	memset(r, 0, sizeof *r);
	tr t = {.source = source, .feed = feed, .e = e, .r = r};
	if (flavour != ESP_TRACE_NONE) {
		t.js = flavour == ESP_TRACE_ESPTOOL_JS;
		t.flavour_known = true;
	}
	char *lb = NULL;
	size_t lcap = 0;
	ssize_t k;
	esp_status st = ESP_OK;
	bool nl = true;
	while ((k = getline(&lb, &lcap, f)) > 0) {
		t.line++;
		nl = lb[k - 1] == '\n';
		st = line(&t, lb, (size_t)k - nl, nl);
		if (st)
			break;
	}
	if (!st && ferror(f))
		st = esp_error_set(e, ESP_E_IO, source, ESP_LOC_LINE, t.line, errno, "read failed");
	if (!st)
		st = trace_finish_dump(&t);
	if (!st && t.cuts)
		st = esp_error_set(e, ESP_E_TRUNCATED, source, ESP_LOC_LINE, t.cut_line, 0,
				   "%s%s; everything else is decoded", t.cut_what,
				   t.cuts > 1 ? " (and more cuts after it)" : "");
	if (!st && (t.cmd_lines || t.full_packets) &&
	    (t.cmd_lines != t.h2c.cmds || t.full_packets > t.c2h.frames)) {
		char msg[200];
		int m = snprintf(msg, sizeof msg,
				 "trace cross-check: %llu command lines, %llu commands written; "
				 "%llu full packets reported, %llu frames read",
				 (unsigned long long)t.cmd_lines, (unsigned long long)t.h2c.cmds,
				 (unsigned long long)t.full_packets, (unsigned long long)t.c2h.frames);
		trace_emit_event(&t, ESP_EV_NOTE, ESP_DIR_NONE, 0, msg, (size_t)m < sizeof msg ? (size_t)m : sizeof msg - 1);
		r->notes++;
	}
	r->flavour = t.js ? ESP_TRACE_ESPTOOL_JS : ESP_TRACE_ESPTOOL;
	r->lines = t.line;
	free(lb);
	free(t.buf);
	free(t.pend);
	free(t.scratch);
	return st;
}
