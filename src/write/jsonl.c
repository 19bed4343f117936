/* jsonl.c: builds session, record and summary objects and writes one per line. */
#include "write/jsonl.h"
#include "write/outfile.h"

#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* 15 significant digits print any value rounded to 1e-6 s (up to 1e9 s)
 * exactly as its decimal, without the %.17g noise Jansson uses by default. */
#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

struct esp_jsonl {
	FILE *f;
	bool is_stdout;
	char path[256];
	esp_jbuf line; /* the record being written (jsonl_rec.c) */
	char *iobuf;   /* the file's stdio buffer, freed after fclose */
	size_t bufsize, buffered; /* stdio's buffer, and how much of it holds lines */
	off_t good;    /* the file's length after the last whole flush */
	bool failed;   /* a write failed: the file was cut back to `good` */
};

/* Bigger than stdio's default so a long decode makes few write calls (glibc
 * ignores a size given without a buffer). */
#define JSONL_BUFSIZE (256 * 1024)

double esp_json_seconds(uint64_t ns) { return (double)(ns / 1000) / 1e6; }

/* Milliseconds kept to the microsecond, for stable output. */
static double ms3(double ms) { return (double)esp_json_ms_k(ms) / 1000.0; }

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *hex_string(const uint8_t *p, size_t n)
{
	static const char dig[] = "0123456789abcdef";
	char *s = malloc(2 * n + 1);
	if (!s)
		return json_null();
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = dig[p[i] >> 4];
		s[2 * i + 1] = dig[p[i] & 15];
	}
	s[2 * n] = 0;
	json_t *j = json_string(s);
	free(s);
	return j;
}

/* Text that is not valid UTF-8 would make Jansson refuse the string. */
static json_t *text_value(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	return j ? j : json_null();
}

static void set(json_t *o, const char *k, json_t *v) { json_object_set_new(o, k, v ? v : json_null()); }

static json_t *fields_json(const esp_record *r)
{
	json_t *o = json_object();
	for (int i = 0; i < r->n_fields && i < ESP_REC_MAX_FIELDS; i++) {
		const esp_field *f = &r->fields[i];
		json_t *v;
		switch (f->type) {
		case ESP_F_UINT:
		case ESP_F_HEX: v = json_integer((json_int_t)f->u); break;
		case ESP_F_BOOL: v = json_boolean(f->u != 0); break;
		case ESP_F_STR: v = f->s ? text_value(f->s, f->len ? f->len : strlen(f->s)) : json_null(); break;
		case ESP_F_BYTES: v = f->s ? hex_string((const uint8_t *)f->s, f->len) : json_null(); break;
		default: v = json_null(); break;
		}
		set(o, f->name ? f->name : "?", v);
	}
	return o;
}

static const char *const level_names[] = {"info", "warning", "error"};

static json_t *notes_json(const esp_record *r)
{
	json_t *a = json_array();
	for (int i = 0; i < r->n_notes && i < ESP_REC_MAX_NOTES; i++) {
		const esp_note *n = &r->notes[i];
		json_t *o = json_object();
		set(o, "level", json_string(level_names[(unsigned)n->level <= 2 ? n->level : 0]));
		set(o, "code", str_or_null(n->code));
		set(o, "text", text_value(n->text, strnlen(n->text, sizeof n->text)));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *flags_json(uint16_t fl)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ESP_JSON_N_UNIT_FLAGS; i++)
		if (fl & esp_json_unit_flags[i].bit)
			json_array_append_new(a, json_string(esp_json_unit_flags[i].name));
	return a;
}

static void add_frame_fields(json_t *o, const esp_record *r)
{
	set(o, "op", str_or_null(r->op));
	set(o, "opcode", r->opcode >= 0 ? json_integer(r->opcode) : json_null());
	set(o, "mode", str_or_null(r->mode));
	if (r->has_seq)
		set(o, "seq", json_integer(r->seq));
	if (r->has_checksum) {
		json_t *c = json_object();
		set(c, "declared", json_integer(r->ck_declared));
		set(c, "computed", json_integer(r->ck_computed));
		set(c, "ok", json_boolean(r->ck_declared == r->ck_computed));
		set(o, "checksum", c);
	}
	if (r->type == ESP_REC_RESPONSE) {
		if (r->has_status) {
			set(o, "status", json_string(r->status ? r->status : r->status_ok ? "ok" : "error"));
			set(o, "error", json_integer(r->error));
		}
		set(o, "value", json_integer(r->value));
		set(o, "reply_to", r->reply_to ? json_integer((json_int_t)r->reply_to) : json_null());
		set(o, "latency_ms", r->reply_to ? json_real(ms3(r->latency_ms)) : json_null());
	}
}

static void add_raw_fields(json_t *o, const esp_record *r)
{
	const esp_unit *u = r->unit;
	size_t n = u ? u->wire_len : 0;
	if (r->text)
		set(o, "text", text_value(r->text, r->text_len));
	else if (u)
		set(o, "hex", hex_string(u->wire, n > ESP_JSON_HEX_MAX ? ESP_JSON_HEX_MAX : n));
	set(o, "len", json_integer((json_int_t)n));
}

static void add_event_fields(json_t *o, const esp_record *r)
{
	const esp_unit *u = r->unit;
	if (!u) {
		set(o, "event", json_string("note"));
		if (r->text)
			set(o, "text", text_value(r->text, r->text_len));
		return;
	}
	set(o, "event", json_string(esp_unit_kind_name(u->kind)));
	switch (u->kind) {
	case ESP_UNIT_BAUD: set(o, "baud", json_integer(u->value)); break;
	case ESP_UNIT_MODEM:
		set(o, "dtr", json_boolean(u->modem & ESP_MODEM_DTR));
		set(o, "rts", json_boolean(u->modem & ESP_MODEM_RTS));
		set(o, "lines", json_integer(u->modem));
		set(o, "changed", json_integer(u->value));
		break;
	case ESP_UNIT_BREAK: set(o, "duration_ms", json_integer(u->value)); break;
	case ESP_UNIT_LINE_ERROR:
		set(o, "framing", json_boolean(u->value & ESP_LINE_ERR_FRAMING));
		set(o, "parity", json_boolean(u->value & ESP_LINE_ERR_PARITY));
		set(o, "overrun", json_boolean(u->value & ESP_LINE_ERR_OVERRUN));
		break;
	case ESP_UNIT_GAP: set(o, "lost", json_integer(u->value)); break;
	case ESP_UNIT_NOTE:
		if (r->text)
			set(o, "text", text_value(r->text, r->text_len));
		else
			set(o, "text", text_value((const char *)u->wire, u->wire_len));
		break;
	default: break;
	}
}

json_t *esp_json_record(const esp_record *r)
{
	json_t *o = json_object();
	set(o, "type", json_string(esp_rec_type_name(r->type)));
	set(o, "frame", json_integer((json_int_t)r->frame));
	set(o, "t", json_real(esp_json_seconds(r->ts_ns)));
	set(o, "dir", json_string(esp_dir_name(r->dir)));
	switch (r->type) {
	case ESP_REC_COMMAND:
	case ESP_REC_RESPONSE:
		add_frame_fields(o, r);
		if (r->n_fields)
			set(o, "fields", fields_json(r));
		break;
	case ESP_REC_RAW: add_raw_fields(o, r); break;
	case ESP_REC_EVENT: add_event_fields(o, r); break;
	case ESP_REC_TIMEOUT:
		set(o, "op", str_or_null(r->op));
		set(o, "opcode", r->opcode >= 0 ? json_integer(r->opcode) : json_null());
		set(o, "waited_ms", json_real(ms3(r->waited_ms)));
		break;
	case ESP_REC_SESSION_END: break; /* written whole by the summary writer */
	}
	if (r->unit && r->unit->flags)
		set(o, "flags", flags_json(r->unit->flags));
	if (r->n_notes)
		set(o, "notes", notes_json(r));
	return o;
}

static json_t *iso_time(uint64_t ns)
{
	if (!ns)
		return json_null();
	time_t sec = (time_t)(ns / 1000000000u);
	struct tm tm;
	if (!gmtime_r(&sec, &tm))
		return json_null();
	char b[64];
	snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ns % 1000000000u / 1000));
	return json_string(b);
}

json_t *esp_json_session(const esp_session_info *si)
{
	json_t *o = json_object();
	set(o, "type", json_string("session"));
	/* si->tool is "NAME VERSION": split so consumers need not parse it. */
	const char *tool = si->tool ? si->tool : "esptap";
	const char *sp = strchr(tool, ' ');
	set(o, "tool", sp ? json_stringn(tool, (size_t)(sp - tool)) : json_string(tool));
	set(o, "version", json_string(sp ? sp + 1 : PACKAGE_VERSION));
	set(o, "verb", str_or_null(si->verb));
	set(o, "source", str_or_null(si->source));
	set(o, "format", str_or_null(si->format));
	set(o, "flasher", str_or_null(si->flasher));
	json_t *ports = json_array();
	for (int i = 0; i < 2; i++)
		if (si->ports[i])
			json_array_append_new(ports, json_string(si->ports[i]));
	set(o, "ports", ports);
	set(o, "start", iso_time(si->start_unix_ns));
	set(o, "baud", si->baud ? json_integer(si->baud) : json_null());
	return o;
}

static json_t *region_json(const esp_region *g, esp_chip chip)
{
	json_t *o = json_object();
	set(o, "offset", json_integer(g->offset));
	set(o, "size", json_integer(g->size));
	set(o, "blocks", json_integer(g->blocks_seen));
	set(o, "blocks_announced", json_integer(g->blocks_announced));
	set(o, "block_size", json_integer(g->block_size));
	set(o, "compressed", json_boolean(g->compressed));
	set(o, "encrypted", json_boolean(g->encrypted));
	set(o, "bytes_written", json_integer((json_int_t)g->bytes_written));
	set(o, "md5", g->md5[0] ? json_string(g->md5) : json_null());
	set(o, "md5_chip", g->md5_chip[0] ? json_string(g->md5_chip) : json_null());
	set(o, "verify", json_string(g->verify < 0 ? "unchecked" : g->verify ? "ok" : "mismatch"));
	if (g->has_image) {
		json_t *im = json_object();
		set(im, "mode", str_or_null(esp_flash_mode_name(g->image_mode)));
		set(im, "size", str_or_null(esp_flash_size_name(chip, g->image_size_nib)));
		set(im, "freq", str_or_null(esp_flash_freq_name(chip, g->image_freq_nib)));
		set(o, "image", im);
	} else {
		set(o, "image", json_null());
	}
	set(o, "first_frame", json_integer((json_int_t)g->first_frame));
	set(o, "last_frame", json_integer((json_int_t)g->last_frame));
	return o;
}

static void summary_body(json_t *o, const esp_summary *s)
{
	{
		set(o, "duration", json_real(esp_json_seconds(s->duration_ns)));
		json_t *t = json_object();
		set(t, "units", json_integer((json_int_t)s->units));
		set(t, "frames", json_integer((json_int_t)s->frames));
		set(t, "commands", json_integer((json_int_t)s->commands));
		set(t, "responses", json_integer((json_int_t)s->responses));
		set(t, "raw", json_integer((json_int_t)s->raw_runs));
		set(t, "events", json_integer((json_int_t)s->events));
		set(t, "timeouts", json_integer((json_int_t)s->timeouts));
		set(t, "checksum_errors", json_integer((json_int_t)s->checksum_errors));
		set(t, "error_statuses", json_integer((json_int_t)s->error_statuses));
		set(t, "escape_errors", json_integer((json_int_t)s->escape_errors));
		set(t, "malformed", json_integer((json_int_t)s->malformed));
		set(t, "read_flash_packets", json_integer((json_int_t)s->read_flash_packets));
		set(t, "extra_replies", json_integer((json_int_t)s->extra_replies));
		set(t, "probe_rejections", json_integer((json_int_t)s->probe_rejections));
		set(t, "unsolicited", json_integer((json_int_t)s->unsolicited));
		set(t, "undecoded", json_integer((json_int_t)s->undecoded));
		set(t, "bytes_host_to_chip", json_integer((json_int_t)s->bytes_h2c));
		set(t, "bytes_chip_to_host", json_integer((json_int_t)s->bytes_c2h));
		set(o, "totals", t);
		json_t *ops = json_object();
		for (int i = 0; i < 256; i++) {
			if (!s->op_count[i])
				continue;
			const esp_op_info *oi = esp_op_lookup((uint8_t)i);
			char unk[8];
			snprintf(unk, sizeof unk, "0x%02X", i);
			set(ops, oi ? oi->name : unk, json_integer((json_int_t)s->op_count[i]));
		}
		set(o, "ops", ops);
		const esp_chip_info *ci = s->chip != ESP_CHIP_UNKNOWN ? esp_chip_get(s->chip) : NULL;
		set(o, "chip", ci ? json_string(ci->name) : json_null());
		set(o, "stub", json_boolean(s->stub));
		json_t *b = json_object();
		set(b, "initial", s->baud_initial ? json_integer(s->baud_initial) : json_null());
		set(b, "final", s->baud_final ? json_integer(s->baud_final) : json_null());
		set(o, "baud", b);
		json_t *rg = json_array();
		for (size_t i = 0; s->regions && i < s->n_regions; i++)
			json_array_append_new(rg, region_json(&s->regions[i], s->chip));
		set(o, "regions", rg);
		set(o, "regions_total", json_integer((json_int_t)s->regions_total));
	}
	set(o, "findings", esp_json_findings(s));
}

json_t *esp_json_summary(const esp_summary *s, uint64_t records)
{
	json_t *o = json_object();
	set(o, "type", json_string("summary"));
	set(o, "records", json_integer((json_int_t)records));
	if (s) {
		set(o, "sessions", json_integer((json_int_t)s->sessions));
		summary_body(o, s);
	} else {
		set(o, "findings", json_array());
	}
	return o;
}

/* One session of several: its number and frame span first, then the same
 * fields as the capture's summary, counting this session alone. */
json_t *esp_json_session_summary(const esp_summary *s)
{
	json_t *o = json_object();
	set(o, "type", json_string("session_summary"));
	set(o, "frame", json_integer((json_int_t)s->last_frame));
	set(o, "t", json_real(esp_json_seconds(s->start_ns)));
	set(o, "session", json_integer((json_int_t)s->sessions));
	set(o, "first_frame", json_integer((json_int_t)s->first_frame));
	set(o, "last_frame", json_integer((json_int_t)s->last_frame));
	summary_body(o, s);
	return o;
}

json_t *esp_json_findings(const esp_summary *s)
{
	json_t *a = json_array();
	for (size_t i = 0; s && s->findings && i < s->n_findings; i++) {
		const esp_finding *f = &s->findings[i];
		json_t *o = json_object();
		set(o, "code", json_string(f->code));
		set(o, "severity", json_string(esp_severity_name(f->severity)));
		json_t *fr = json_array();
		for (int k = 0; k < f->n_frames; k++)
			json_array_append_new(fr, json_integer((json_int_t)f->frames[k]));
		set(o, "frames", fr);
		set(o, "summary", json_string(f->summary));
		set(o, "remedy", json_string(f->remedy));
		set(o, "occurrences", json_integer((json_int_t)f->occurrences));
		json_array_append_new(a, o);
	}
	return a;
}

esp_status esp_jsonl_open(const char *path, esp_jsonl **out, esp_error *e)
{
	return esp_jsonl_open_force(path, false, out, e);
}

esp_status esp_jsonl_open_force(const char *path, bool force, esp_jsonl **out, esp_error *e)
{
	*out = NULL;
	esp_jsonl *j = calloc(1, sizeof *j);
	if (!j)
		return esp_error_set(e, ESP_E_NOMEM, path, ESP_LOC_NONE, 0, 0, "out of memory");
	snprintf(j->path, sizeof j->path, "%s", path);
	if (!strcmp(path, "-")) {
		j->f = stdout;
		j->is_stdout = true;
	} else if (esp_outfile_open(path, force, "JSON Lines file", &j->f, e) != ESP_OK) {
		free(j);
		return e ? e->status : ESP_E_IO;
	} else if ((j->iobuf = malloc(JSONL_BUFSIZE)) != NULL) {
		setvbuf(j->f, j->iobuf, _IOFBF, JSONL_BUFSIZE);
	}
	/* stdio's buffer: ours, or glibc's (the file's block size) */
	struct stat fs;
	j->bufsize = j->iobuf ? JSONL_BUFSIZE : fstat(fileno(j->f), &fs) == 0 && fs.st_blksize > 0 ? (size_t)fs.st_blksize : BUFSIZ;
	if (j->is_stdout && j->bufsize > 4096)
		j->bufsize = 4096; /* stdout may be buffered already, by the smaller size */
	*out = j;
	return ESP_OK;
}

char *esp_json_line(json_t *o)
{
	if (!o)
		return NULL;
	json_t *t = json_object_get(o, "t");
	double tv = json_is_real(t) ? json_real_value(t) : -1;
	char *s = json_dumps(o, DUMP_FLAGS);
	json_decref(o);
	/* type (a plain word) and frame (an integer) come first, so the first
	 * ,"t": is the key itself. */
	char *k = s && tv >= 0 ? strstr(s, ",\"t\":") : NULL;
	if (!k)
		return s;
	char *v = k + 5, *end = v + strcspn(v, ",}");
	char num[64];
	int nn = snprintf(num, sizeof num, "%.6f", tv);
	size_t head = (size_t)(v - s), tail = strlen(end);
	char *out = nn > 0 ? malloc(head + (size_t)nn + tail + 1) : NULL;
	if (out) {
		memcpy(out, s, head);
		memcpy(out + head, num, (size_t)nn);
		memcpy(out + head + (size_t)nn, end, tail + 1);
	}
	free(s);
	return out;
}

/* A write failed (disk full, reader gone): drop what stdio still holds and
 * cut a file back to its last whole line, so it stays valid JSON Lines. */
static esp_status write_failed(esp_jsonl *j, int err, esp_error *e)
{
	if (!j->failed) {
		j->failed = true;
		__fpurge(j->f);
		if (!j->is_stdout && ftruncate(fileno(j->f), j->good) == 0)
			lseek(fileno(j->f), j->good, SEEK_SET);
	}
	return esp_error_set(e, ESP_E_IO, j->path, ESP_LOC_NONE, 0, err, "cannot write JSON Lines");
}

/* Lines reach the file whole: stdio is flushed before a line would not fit
 * in its buffer, and a longer line goes out in one write() of its own, so a
 * SIGKILL or a full disk leaves the file ending on a whole line. */
static esp_status write_line(esp_jsonl *j, const char *s, size_t n, esp_error *e)
{
	if (j->failed)
		return esp_error_set(e, ESP_E_IO, j->path, ESP_LOC_NONE, 0, 0, "cannot write JSON Lines");
	if (j->buffered + n + 1 > j->bufsize && j->buffered) {
		esp_status st = esp_jsonl_flush(j, e);
		if (st != ESP_OK)
			return st;
	}
	if (n + 1 > j->bufsize) {
		char *l = malloc(n + 1);
		if (!l)
			return esp_error_set(e, ESP_E_NOMEM, j->path, ESP_LOC_NONE, 0, 0, "out of memory");
		memcpy(l, s, n);
		l[n] = '\n';
		size_t done = 0;
		while (done < n + 1) {
			ssize_t k = write(fileno(j->f), l + done, n + 1 - done);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				int err = k < 0 ? errno : EIO;
				free(l);
				return write_failed(j, err, e);
			}
			done += (size_t)k;
		}
		free(l);
		j->good += (off_t)(n + 1);
		return ESP_OK;
	}
	if (fwrite(s, 1, n, j->f) != n || fputc('\n', j->f) == EOF)
		return write_failed(j, errno, e);
	j->buffered += n + 1;
	return ESP_OK;
}

/* Takes the reference to o. */
static esp_status emit(esp_jsonl *j, json_t *o, esp_error *e)
{
	char *s = esp_json_line(o);
	if (!s)
		return esp_error_set(e, ESP_E_NOMEM, j->path, ESP_LOC_NONE, 0, 0, "out of memory");
	esp_status st = write_line(j, s, strlen(s), e);
	free(s);
	return st;
}

esp_status esp_jsonl_session(esp_jsonl *j, const esp_session_info *si, esp_error *e)
{
	return emit(j, esp_json_session(si), e);
}

/* The hot path: no Jansson object per record (jsonl_rec.h), same bytes. */
esp_status esp_jsonl_record(esp_jsonl *j, const esp_record *r, esp_error *e)
{
	if (r->type == ESP_REC_SESSION_END)
		return r->summary ? emit(j, esp_json_session_summary(r->summary), e) : ESP_OK;
	if (!esp_json_record_write(&j->line, r))
		return esp_error_set(e, ESP_E_NOMEM, j->path, ESP_LOC_NONE, 0, 0, "out of memory");
	return write_line(j, j->line.p, j->line.n, e);
}

esp_status esp_jsonl_summary(esp_jsonl *j, const esp_summary *s, uint64_t records, esp_error *e)
{
	return emit(j, esp_json_summary(s, records), e);
}

esp_status esp_jsonl_flush(esp_jsonl *j, esp_error *e)
{
	if (j->failed)
		return esp_error_set(e, ESP_E_IO, j->path, ESP_LOC_NONE, 0, 0, "cannot write JSON Lines");
	if (fflush(j->f) != 0 || ferror(j->f))
		return write_failed(j, errno, e);
	j->good += (off_t)j->buffered;
	j->buffered = 0;
	return ESP_OK;
}

esp_status esp_jsonl_close(esp_jsonl *j, esp_error *e)
{
	if (!j)
		return ESP_OK;
	esp_status st = esp_jsonl_flush(j, e);
	if (j->failed)
		__fpurge(j->f); /* nothing more after the last whole line */
	if (!j->is_stdout && fclose(j->f) != 0 && st == ESP_OK)
		st = esp_error_set(e, ESP_E_IO, j->path, ESP_LOC_NONE, 0, errno, "cannot write JSON Lines");
	esp_jbuf_free(&j->line);
	free(j->iobuf);
	free(j);
	return st;
}
