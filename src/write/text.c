/* text.c: the one-line-per-record console view and the live progress line. */
#include "write/text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "write/jsonl.h"

#define C_RESET "\033[0m"
#define C_RED "\033[1;31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"
#define C_MAGENTA "\033[35m"
#define C_DIM "\033[2m"

struct esp_text {
	FILE *out;
	esp_text_mode mode;
	bool colour;
	/* progress: the flash region being written */
	bool in_region;
	const char *region_op;
	uint64_t offset, size, blocks, blocks_done, bytes_sent, errors;
	uint64_t t0_ns, last_ns;
	int last_pct;
};

/* A bounded appender: keeps writing into buf, never past n. */
typedef struct {
	char *p;
	size_t n, k;
} sbuf;

static void ap(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ap(sbuf *b, const char *fmt, ...)
{
	if (b->k >= b->n)
		return;
	va_list a;
	va_start(a, fmt);
	int w = vsnprintf(b->p + b->k, b->n - b->k, fmt, a);
	va_end(a);
	if (w > 0)
		b->k = b->k + (size_t)w < b->n ? b->k + (size_t)w : b->n - 1;
}

static const char *arrow(esp_dir d) { return d == ESP_DIR_H2C ? "->" : d == ESP_DIR_C2H ? "<-" : "--"; }

static void quoted(sbuf *b, const uint8_t *p, size_t n, size_t max)
{
	ap(b, "\"");
	for (size_t i = 0; i < n && i < max; i++) {
		uint8_t c = p[i];
		if (c == '\n')
			ap(b, "\\n");
		else if (c == '\r')
			ap(b, "\\r");
		else if (c == '\t')
			ap(b, "\\t");
		else if (c == '"' || c == '\\')
			ap(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			ap(b, "\\x%02x", c);
		else
			ap(b, "%c", c);
	}
	ap(b, n > max ? "\"..." : "\"");
}

static void hexdump_short(sbuf *b, const uint8_t *p, size_t n, size_t max)
{
	ap(b, "<%zu bytes:", n);
	for (size_t i = 0; i < n && i < max; i++)
		ap(b, " %02x", p[i]);
	ap(b, n > max ? " ...>" : ">");
}

static void field_text(sbuf *b, const esp_field *f)
{
	const char *name = f->name ? f->name : "?";
	switch (f->type) {
	case ESP_F_UINT: ap(b, " %s=%llu", name, (unsigned long long)f->u); break;
	case ESP_F_HEX: ap(b, " %s=0x%08llx", name, (unsigned long long)f->u); break;
	case ESP_F_BOOL: ap(b, " %s=%s", name, f->u ? "yes" : "no"); break;
	case ESP_F_STR:
		ap(b, " %s=", name);
		if (f->s)
			quoted(b, (const uint8_t *)f->s, f->len ? f->len : strlen(f->s), 64);
		break;
	case ESP_F_BYTES:
		if (f->len > 16)
			ap(b, " %s=<%zu bytes>", name, f->len);
		else {
			ap(b, " %s=", name);
			for (size_t i = 0; i < f->len && f->s; i++)
				ap(b, "%02x", (uint8_t)f->s[i]);
		}
		break;
	}
}

static bool checksum_bad(const esp_record *r) { return r->has_checksum && r->ck_declared != r->ck_computed; }

static void flag_text(sbuf *b, uint16_t fl)
{
	if (fl & ESP_UF_ESCAPE_ERR)
		ap(b, " [escape error]");
	if (fl & ESP_UF_TRUNCATED)
		ap(b, " [truncated]");
	if (fl & ESP_UF_UNTERMINATED)
		ap(b, " [unterminated]");
	if (fl & ESP_UF_LINE_ERR)
		ap(b, " [line error]");
	if (fl & ESP_UF_MALFORMED)
		ap(b, " [malformed]");
}

static void event_text(sbuf *b, const esp_record *r)
{
	const esp_unit *u = r->unit;
	if (!u) {
		ap(b, "note");
		return;
	}
	switch (u->kind) {
	case ESP_UNIT_BAUD: ap(b, "baud %u", u->value); break;
	case ESP_UNIT_MODEM:
		ap(b, "modem DTR=%d RTS=%d", !!(u->modem & ESP_MODEM_DTR), !!(u->modem & ESP_MODEM_RTS));
		break;
	case ESP_UNIT_BREAK: ap(b, "break %u ms", u->value); break;
	case ESP_UNIT_LINE_ERROR:
		ap(b, "line-error%s%s%s", u->value & ESP_LINE_ERR_FRAMING ? " framing" : "",
		   u->value & ESP_LINE_ERR_PARITY ? " parity" : "", u->value & ESP_LINE_ERR_OVERRUN ? " overrun" : "");
		break;
	case ESP_UNIT_GAP: ap(b, "gap %u bytes lost", u->value); break;
	case ESP_UNIT_NOTE:
		ap(b, "note ");
		if (r->text)
			quoted(b, (const uint8_t *)r->text, r->text_len, 200);
		else
			quoted(b, u->wire, u->wire_len, 200);
		break;
	default: ap(b, "%s", esp_unit_kind_name(u->kind)); break;
	}
}

/* The line body after the arrow; colour codes only when col is set. */
static void body(sbuf *b, const esp_record *r, bool col)
{
	const char *red = col ? C_RED : "", *green = col ? C_GREEN : "", *yel = col ? C_YELLOW : "";
	const char *dim = col ? C_DIM : "", *rst = col ? C_RESET : "";
	switch (r->type) {
	case ESP_REC_COMMAND:
	case ESP_REC_RESPONSE: {
		ap(b, "%s", r->op ? r->op : r->type == ESP_REC_COMMAND ? "command" : "response");
		bool seq_field = false;
		for (int i = 0; i < r->n_fields; i++)
			seq_field |= r->fields[i].name && !strcmp(r->fields[i].name, "seq");
		if (r->has_seq && !seq_field)
			ap(b, " seq=%u", r->seq);
		for (int i = 0; i < r->n_fields && i < ESP_REC_MAX_FIELDS; i++)
			field_text(b, &r->fields[i]);
		if (checksum_bad(r))
			ap(b, " %schecksum BAD%s (declared 0x%02x, computed 0x%02x)", red, rst, r->ck_declared,
			   r->ck_computed);
		if (r->type == ESP_REC_RESPONSE) {
			if (r->has_status && r->status_ok)
				ap(b, " %sok%s", green, rst);
			else if (r->has_status)
				ap(b, " %s%s%s (0x%02x)", red, r->status ? r->status : "error", rst, r->error);
			if (r->reply_to)
				ap(b, " %s(#%llu, %.3f ms)%s", dim, (unsigned long long)r->reply_to, r->latency_ms, rst);
		}
		if (r->unit)
			flag_text(b, r->unit->flags);
		break;
	}
	case ESP_REC_RAW:
		ap(b, "%s", dim);
		if (r->text)
			quoted(b, (const uint8_t *)r->text, r->text_len, 200);
		else if (r->unit)
			hexdump_short(b, r->unit->wire, r->unit->wire_len, 24);
		ap(b, "%s", rst);
		if (r->unit)
			flag_text(b, r->unit->flags);
		break;
	case ESP_REC_EVENT: event_text(b, r); break;
	case ESP_REC_TIMEOUT:
		ap(b, "%sTIMEOUT%s %s (#%llu) after %.3f ms", yel, rst, r->op ? r->op : "request",
		   (unsigned long long)r->frame, r->waited_ms);
		break;
	case ESP_REC_SESSION_END: ap(b, "end of session"); break;
	}
}

void esp_text_format(const esp_record *r, char *buf, size_t n)
{
	sbuf b = {buf, n, 0};
	if (n)
		buf[0] = 0;
	ap(&b, "%9.3f %s ", (double)(r->ts_ns / 1000000) / 1e3, arrow(r->dir));
	body(&b, r, false);
}

void esp_text_verdict(const esp_record *r, char *buf, size_t n)
{
	sbuf b = {buf, n, 0};
	if (n)
		buf[0] = 0;
	if (r->type != ESP_REC_COMMAND && r->type != ESP_REC_RESPONSE)
		return;
	ap(&b, "%s", r->op ? r->op : esp_rec_type_name(r->type));
	if (r->has_seq)
		ap(&b, " seq %u", r->seq);
	if (r->has_checksum)
		ap(&b, checksum_bad(r) ? " checksum bad" : " checksum ok");
	if (r->has_status)
		ap(&b, " %s", r->status_ok ? "ok" : r->status ? r->status : "error");
	if (r->reply_to)
		ap(&b, " (reply to %llu, %.3f ms)", (unsigned long long)r->reply_to, r->latency_ms);
	for (int i = 0; i < r->n_notes; i++)
		if (r->notes[i].level != ESP_NOTE_INFO && r->notes[i].code)
			ap(&b, "; %s", r->notes[i].code);
}

esp_text *esp_text_new(FILE *out, esp_text_mode mode, bool colour)
{
	esp_text *t = calloc(1, sizeof *t);
	if (t) {
		t->out = out ? out : stdout;
		t->mode = mode;
		t->colour = colour;
		t->last_pct = -1;
	}
	return t;
}

void esp_text_free(esp_text *t) { free(t); }

static const char *level_colour(esp_note_level l)
{
	return l == ESP_NOTE_ERROR ? C_RED : l == ESP_NOTE_WARNING ? C_YELLOW : C_DIM;
}

static void print_frames(esp_text *t, const esp_record *r)
{
	char line[1024];
	sbuf b = {line, sizeof line, 0};
	line[0] = 0;
	const char *ac = r->dir == ESP_DIR_H2C ? C_CYAN : r->dir == ESP_DIR_C2H ? C_MAGENTA : C_DIM;
	ap(&b, "%9.3f %s%s%s ", (double)(r->ts_ns / 1000000) / 1e3, t->colour ? ac : "", arrow(r->dir),
	   t->colour ? C_RESET : "");
	body(&b, r, t->colour);
	fprintf(t->out, "%s\n", line);
	static const char *const lv[] = {"info", "warning", "error"};
	for (int i = 0; i < r->n_notes && i < ESP_REC_MAX_NOTES; i++) {
		const esp_note *no = &r->notes[i];
		unsigned l = (unsigned)no->level <= 2 ? no->level : 0;
		fprintf(t->out, "%12s%s! %s %s%s: %.*s\n", "", t->colour ? level_colour(no->level) : "", lv[l],
			no->code ? no->code : "", t->colour ? C_RESET : "", (int)sizeof no->text, no->text);
	}
}

/* ---- progress mode ---- */

static uint64_t field_u(const esp_record *r, const char *const *names, uint64_t dflt)
{
	for (const char *const *n = names; *n; n++)
		for (int i = 0; i < r->n_fields; i++)
			if (r->fields[i].name && !strcmp(r->fields[i].name, *n))
				return r->fields[i].u;
	return dflt;
}

static void progress_draw(esp_text *t, bool final)
{
	double secs = (double)(t->last_ns - t->t0_ns) / 1e9;
	double rate = secs > 0 ? (double)t->bytes_sent / secs : 0;
	int pct = t->blocks ? (int)(t->blocks_done * 100 / t->blocks) : 0;
	if (pct > 100)
		pct = 100;
	if (!final && pct == t->last_pct)
		return;
	t->last_pct = pct;
	fprintf(t->out, "\r%s 0x%08llx %3d%% %9.1f KB/s %llu error%s%s", t->region_op,
		(unsigned long long)t->offset, pct, rate / 1024.0, (unsigned long long)t->errors,
		t->errors == 1 ? "" : "s", final ? "\n" : "");
	fflush(t->out);
}

static void progress_end(esp_text *t)
{
	if (t->in_region)
		progress_draw(t, true);
	t->in_region = false;
}

static void progress(esp_text *t, const esp_record *r)
{
	static const char *const k_offset[] = {"offset", NULL};
	static const char *const k_size[] = {"size", "erase_size", "total_size", NULL};
	static const char *const k_blocks[] = {"num_blocks", "blocks", NULL};
	t->last_ns = r->ts_ns;
	if (r->type == ESP_REC_COMMAND && (r->opcode == ESP_FLASH_BEGIN || r->opcode == ESP_FLASH_DEFL_BEGIN)) {
		progress_end(t);
		t->in_region = true;
		t->region_op = r->opcode == ESP_FLASH_BEGIN ? "write" : "write (compressed)";
		t->offset = field_u(r, k_offset, 0);
		t->size = field_u(r, k_size, 0);
		t->blocks = field_u(r, k_blocks, 0);
		t->blocks_done = t->bytes_sent = t->errors = 0;
		t->t0_ns = r->ts_ns;
		t->last_pct = -1;
		progress_draw(t, false);
		return;
	}
	if (!t->in_region)
		return;
	if (r->type == ESP_REC_COMMAND && (r->opcode == ESP_FLASH_DATA || r->opcode == ESP_FLASH_DEFL_DATA)) {
		t->blocks_done = r->has_seq ? r->seq + 1 : t->blocks_done + 1;
		if (r->unit && r->unit->payload_len > 24)
			t->bytes_sent += r->unit->payload_len - 24;
		if (checksum_bad(r))
			t->errors++;
	} else if ((r->type == ESP_REC_RESPONSE && r->has_status && !r->status_ok) || r->type == ESP_REC_TIMEOUT) {
		t->errors++;
	} else if (r->type == ESP_REC_COMMAND && (r->opcode == ESP_FLASH_END || r->opcode == ESP_FLASH_DEFL_END ||
						  r->opcode == ESP_SPI_FLASH_MD5)) {
		progress_end(t);
		return;
	}
	progress_draw(t, false);
}

static void summary_lines(esp_text *t, const esp_summary *s, const char *who);

void esp_text_record(esp_text *t, const esp_record *r)
{
	if (!t || t->mode == ESP_TEXT_OFF)
		return;
	if (r->type == ESP_REC_SESSION_END) {
		if (r->summary) {
			char who[64];
			progress_end(t);
			snprintf(who, sizeof who, "session %llu (frames %llu-%llu)",
				 (unsigned long long)r->summary->sessions, (unsigned long long)r->summary->first_frame,
				 (unsigned long long)r->summary->last_frame);
			summary_lines(t, r->summary, who);
		}
		return;
	}
	if (t->mode == ESP_TEXT_PROGRESS)
		progress(t, r);
	else
		print_frames(t, r);
}

void esp_text_summary(esp_text *t, const esp_summary *s)
{
	if (!t || t->mode == ESP_TEXT_OFF)
		return;
	progress_end(t);
	if (!s)
		return;
	char who[48] = "summary";
	if (s->sessions > 1)
		snprintf(who, sizeof who, "summary of %llu sessions", (unsigned long long)s->sessions);
	summary_lines(t, s, who);
}

static void summary_lines(esp_text *t, const esp_summary *s, const char *who)
{
	FILE *f = t->out;
	/* the breakdown shows only when non-zero, so that the counts add up */
	char rep[64] = "", und[48] = "", uns[48] = "", probes[96] = "";
	if (s->extra_replies)
		snprintf(rep, sizeof rep, " incl. %llu repeated repl%s", (unsigned long long)s->extra_replies,
			 s->extra_replies == 1 ? "y" : "ies");
	if (s->undecoded)
		snprintf(und, sizeof und, ", %llu undecoded", (unsigned long long)s->undecoded);
	if (s->unsolicited)
		snprintf(uns, sizeof uns, ", %llu unsolicited", (unsigned long long)s->unsolicited);
	if (s->probe_rejections)
		snprintf(probes, sizeof probes, " (+%llu expected unsupported-command repl%s in chip detection)",
			 (unsigned long long)s->probe_rejections, s->probe_rejections == 1 ? "y" : "ies");
	fprintf(f, "-- %s: %llu frames (%llu commands, %llu responses%s%s%s), %llu raw, %llu events, %llu timeouts, "
		   "%llu checksum errors, %llu error statuses%s\n",
		who, (unsigned long long)s->frames, (unsigned long long)s->commands, (unsigned long long)s->responses, rep,
		uns, und, (unsigned long long)s->raw_runs, (unsigned long long)s->events,
		(unsigned long long)s->timeouts, (unsigned long long)s->checksum_errors,
		(unsigned long long)s->error_statuses, probes);
	const esp_chip_info *ci = s->chip != ESP_CHIP_UNKNOWN ? esp_chip_get(s->chip) : NULL;
	char baud[48] = "baud unknown";
	if (s->baud_initial || s->baud_final)
		snprintf(baud, sizeof baud, "baud %u -> %u", s->baud_initial, s->baud_final);
	fprintf(f, "-- chip %s, %s, %s, %.3f s\n", ci ? ci->pretty : "unknown", s->stub ? "stub" : "ROM", baud,
		esp_json_seconds(s->duration_ns));
	for (size_t i = 0; s->regions && i < s->n_regions; i++) {
		const esp_region *g = &s->regions[i];
		const char *v = g->verify < 0 ? "unchecked" : g->verify ? "ok" : "MISMATCH";
		const char *vc = !t->colour ? "" : g->verify < 0 ? C_YELLOW : g->verify ? C_GREEN : C_RED;
		fprintf(f, "-- region 0x%08x: %u bytes, %u of %u blocks%s, md5 %s, verify %s%s%s\n", g->offset, g->size,
			g->blocks_seen, g->blocks_announced, g->compressed ? " (compressed)" : "",
			g->md5[0] ? g->md5 : "-", vc, v, t->colour ? C_RESET : "");
	}
	if (s->regions_total > s->n_regions)
		fprintf(f, "-- (%llu regions written in all; the last %zu are listed)\n",
			(unsigned long long)s->regions_total, s->n_regions);
	for (size_t i = 0; s->findings && i < s->n_findings; i++) {
		const esp_finding *fd = &s->findings[i];
		char frames[96];
		esp_text_frames(fd, frames, sizeof frames);
		const char *fc = !t->colour ? "" : fd->severity == ESP_SEV_ERROR ? C_RED : fd->severity ? C_YELLOW : "";
		fprintf(f, "-- %s%s %s%s: %s%s\n     remedy: %s\n", fc, esp_severity_name(fd->severity), fd->code,
			t->colour ? C_RESET : "", fd->summary, frames, fd->remedy);
	}
}

void esp_text_frames(const esp_finding *fd, char *buf, size_t n)
{
	size_t k = 0;
	buf[0] = 0;
	for (int i = 0; i < fd->n_frames && k + 24 < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%s%llu", i ? ", " : " (frame ", (unsigned long long)fd->frames[i]);
	if (fd->n_frames && k + 2 < n)
		snprintf(buf + k, n - k, ")");
}
