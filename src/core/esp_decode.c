/* esp_decode.c: the decoder's driver: frame classification, status bytes, request/response pairing, session state, timeouts. */
#include "core/esp_decode_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ROM error 0x05, INVALID_MESSAGE: also what the ROM answers to a command it does not know */
enum { ROM_ERR_UNSUPPORTED = 0x05 };

static const char *mode_name(int m) { return m == MODE_ROM ? "rom" : m == MODE_STUB ? "stub" : NULL; }

void esp_dec_set_chip(esp_decoder *d, esp_record *r, esp_chip c, const char *how)
{
	const esp_chip_info *ci = esp_chip_get(c);
	esp_dec_field_s(d, r, "chip", "%s", ci->name);
	d->detecting = false;
	if (d->chip == c)
		return;
	if (d->chip != ESP_CHIP_UNKNOWN)
		esp_dec_note(r, ESP_NOTE_WARNING, "chip-changed", "chip is %s by %s, was %s", ci->pretty, how,
			     esp_chip_get(d->chip)->pretty);
	else
		esp_dec_note(r, ESP_NOTE_INFO, "chip-detected", "chip is %s (by %s)", ci->pretty, how);
	d->chip = c;
	d->detecting = false;
	d->sum.chip = c;
}

static void set_mode(esp_decoder *d, int m)
{
	d->mode = m;
	if (m == MODE_STUB)
		d->sum.stub = d->ses_stub = true;
}

/* Unit flags were set in place while decoding, so the unit is final here. */
static void emit(esp_decoder *d, esp_record *r) { d->cb(r, d->user); }

/* ---- lifecycle ---------------------------------------------------------- */

esp_decoder *esp_decoder_new(const esp_decoder_opts *o, esp_record_cb cb, void *user)
{
	esp_decoder *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->cb = cb;
	d->user = user;
	if (o)
		d->opts = *o;
	d->chip = d->opts.chip_hint;
	d->sum.chip = d->chip;
	d->mode = d->opts.stub_hint ? MODE_STUB : MODE_UNKNOWN;
	d->sum.stub = d->opts.stub_hint;
	d->cur = -1;
	d->late_op = -1;
	d->last_data_op = -1;
	d->detecting = true;
	esp_session_start(d, 1, 0);
	return d;
}

void esp_decoder_free(esp_decoder *d)
{
	if (!d)
		return;
	esp_flash_free(d);
	free(d);
}

const esp_summary *esp_decoder_summary(const esp_decoder *d) { return &d->sum; }

/* ---- pending requests and timeouts -------------------------------------- */

double esp_dec_ms_between(uint64_t a, uint64_t b) { return b > a ? (double)(b - a) / 1e6 : 0.0; }

static void emit_timeout(esp_decoder *d, const esp_pending *p, uint64_t ts, const char *why, bool retry)
{
	esp_record t;
	memset(&t, 0, offsetof(esp_record, fields));
	t.n_fields = 0;
	t.n_notes = 0;
	t.type = ESP_REC_TIMEOUT;
	t.frame = p->frame;
	t.ts_ns = ts;
	t.dir = ESP_DIR_H2C;
	const esp_op_info *oi = esp_op_lookup(p->op);
	t.op = oi ? oi->name : NULL;
	t.opcode = p->op;
	t.mode = mode_name(d->mode);
	t.waited_ms = esp_dec_ms_between(p->ts_ns, ts);
	char stray[96] = "";
	if (p->stray)
		snprintf(stray, sizeof stray, "; only a leftover reply (frame %llu) arrived meanwhile",
			 (unsigned long long)p->stray);
	/* A SYNC the host sends again is a connection attempt being retried: what
	 * matters is whether a later one is answered, so it is not an error yet. */
	esp_note_level lv = p->op == ESP_SYNC && retry ? ESP_NOTE_WARNING : ESP_NOTE_ERROR;
	esp_dec_note(&t, lv, "timeout", "%s (frame %llu) got no reply: %s%s after %.1f ms (limit %u ms)%s",
		     t.op ? t.op : "command", (unsigned long long)p->frame, p->reset ? "the chip rebooted; " : "", why,
		     t.waited_ms, p->timeout_ms, stray);
	d->sum.timeouts++;
	d->late_frame = p->frame;
	d->late_ts = p->ts_ns;
	d->late_op = p->op;
	d->cb(&t, d->user);
}

/* The host sent a new command (or input ended): every request still waiting
 * is given up on. At the end of input only those past their limit count. */
static void give_up(esp_decoder *d, esp_record *cur, uint64_t ts, int new_op, bool at_end)
{
	for (int i = 0; i < ESP_PENDING_MAX; i++) {
		esp_pending *p = &d->pend[i];
		if (!p->used)
			continue;
		double waited = esp_dec_ms_between(p->ts_ns, ts);
		if (p->reply_optional) {
			if (cur)
				esp_dec_note(cur, ESP_NOTE_INFO, "mem-end-unanswered",
					     "MEM_END (frame %llu) got no reply; the loader jumps to the entry point",
					     (unsigned long long)p->frame);
		} else if (!at_end || waited > p->timeout_ms) {
			const char *why = waited > p->timeout_ms ? "limit exceeded"
					  : at_end		  ? "input ended"
					  : new_op == p->op	  ? "host re-sent it"
								  : "host moved on";
			emit_timeout(d, p, ts, why, !at_end && new_op == p->op);
		}
		p->used = false;
	}
}

static esp_pending *new_pending(esp_decoder *d, uint8_t op, const esp_unit *u)
{
	esp_pending *slot = NULL;
	for (int i = 0; i < ESP_PENDING_MAX && !slot; i++)
		if (!d->pend[i].used)
			slot = &d->pend[i];
	if (!slot) { /* cannot happen after give_up, but stay bounded */
		slot = &d->pend[0];
		for (int i = 1; i < ESP_PENDING_MAX; i++)
			if (d->pend[i].ts_ns < slot->ts_ns)
				slot = &d->pend[i];
		emit_timeout(d, slot, u->ts_ns, "too many requests pending", false);
	}
	memset(slot, 0, sizeof *slot);
	slot->used = true;
	slot->op = op;
	slot->frame = u->frame_no;
	slot->ts_ns = u->ts_ns;
	const esp_op_info *oi = esp_op_lookup(op);
	slot->timeout_ms = oi ? oi->timeout_ms : 3000;
	slot->region = -1;
	return slot;
}

esp_pending *esp_dec_find_pending(esp_decoder *d, uint8_t op)
{
	esp_pending *best = NULL;
	for (int i = 0; i < ESP_PENDING_MAX; i++)
		if (d->pend[i].used && d->pend[i].op == op && (!best || d->pend[i].ts_ns < best->ts_ns))
			best = &d->pend[i];
	return best;
}

esp_pending *esp_dec_latest_pending(esp_decoder *d)
{
	esp_pending *best = NULL;
	for (int i = 0; i < ESP_PENDING_MAX; i++)
		if (d->pend[i].used && !d->pend[i].reply_optional && (!best || d->pend[i].ts_ns > best->ts_ns))
			best = &d->pend[i];
	return best;
}

/* ---- frames ------------------------------------------------------------- */

static void malformed(esp_decoder *d, esp_record *r, const char *why)
{
	r->type = ESP_REC_RAW;
	d->unit->flags |= ESP_UF_MALFORMED;
	d->sum.malformed++;
	d->sum.undecoded++;
	esp_dec_note(r, ESP_NOTE_ERROR, "malformed", "%s", why);
}

/* Header size field against the bytes present: use what is really there. */
static size_t body_len(esp_record *r, uint16_t size, size_t have)
{
	if (size > have) {
		esp_dec_note(r, ESP_NOTE_WARNING, "size-mismatch", "size field says %u bytes, frame holds %zu",
			     size, have);
		return have;
	}
	if (size < have)
		esp_dec_note(r, ESP_NOTE_WARNING, "trailing-bytes", "%zu bytes after the %u the size field declares",
			     have - size, size);
	return size;
}

static void do_command(esp_decoder *d, esp_record *r, const uint8_t *p, size_t n)
{
	esp_cursor c = esp_cursor_make(p, n);
	(void)esp_u8(&c);
	uint8_t op = esp_u8(&c);
	uint16_t size = esp_u16le(&c);
	(void)esp_u32le(&c);
	const esp_op_info *oi = esp_op_lookup(op);

	if (op == ESP_SYNC && d->ses_cmds) {
		give_up(d, r, d->unit->ts_ns, op, false);
		esp_session_sync(d, r);
	} else if (op != ESP_SYNC && (!d->detecting || (op != ESP_READ_REG && op != ESP_GET_SECURITY_INFO))) {
		d->ses_cmds++; /* chip-detection probes belong to the connect: flashers re-SYNC after them */
	}
	r->type = ESP_REC_COMMAND;
	r->opcode = op;
	d->sum.commands++;
	d->sum.op_count[op]++;
	if (d->rf.active || d->rf.awaiting) {
		esp_dec_note(r, ESP_NOTE_WARNING, "read-flash-aborted",
			     "READ_FLASH flow ended after %u of %u bytes", d->rf.received, d->rf.length);
		d->rf.active = d->rf.awaiting = false;
	}
	give_up(d, r, d->unit->ts_ns, op, false);
	if (op != ESP_SYNC && op != ESP_READ_REG && op != ESP_GET_SECURITY_INFO)
		d->detecting = false;
	r->mode = mode_name(d->mode);
	if (oi) {
		r->op = oi->name;
	} else {
		char nm[24];
		int k = snprintf(nm, sizeof nm, "UNKNOWN_0x%02X", op);
		r->op = esp_dec_strdup(d, nm, (size_t)k);
		esp_dec_note(r, ESP_NOTE_WARNING, "unknown-opcode", "opcode 0x%02x is not in the protocol table", op);
	}
	size_t bl = body_len(r, size, n - 8);
	esp_pending *pd = (oi && oi->no_reply) ? NULL : new_pending(d, op, d->unit);
	esp_dec_command_fields(d, r, op, p + 8, bl, pd);
	if (pd && (d->opts.timeout_ms[op] || d->opts.timeout_all_ms)) /* the user's limit wins */
		pd->timeout_ms = d->opts.timeout_ms[op] ? d->opts.timeout_ms[op] : d->opts.timeout_all_ms;
	if (op == ESP_MEM_END && pd && pd->reply_optional) {
		d->mem_end_frame = r->frame;
		d->mem_end_ts = r->ts_ns;
	}
	if (op == ESP_READ_FLASH && pd) {
		memset(&d->rf, 0, sizeof d->rf);
		d->rf.awaiting = true;
		d->rf.offset = pd->a[0];
		d->rf.length = pd->a[1];
		d->rf.packet_size = pd->a[2];
		d->rf.frame = r->frame;
	}
}

/* Status bytes: 2 or 4, ROM order [status, error] or stub order [error, status],
 * chosen by which layout makes the size field add up, then by session state. */
typedef struct {
	int slen;
	bool stub;
	size_t rd;
} st_fmt;

static st_fmt pick_format(esp_decoder *d, const esp_op_info *oi, size_t n, const uint8_t *b)
{
	size_t rd_rom = oi ? oi->resp_data_rom : 0, rd_stub = oi ? oi->resp_data_stub : 0;
	st_fmt rom4 = {4, false, rd_rom}, rom2 = {2, false, rd_rom}, stub = {2, true, rd_stub};
	st_fmt order[3];
	if (d->mode == MODE_STUB) {
		order[0] = stub, order[1] = rom4, order[2] = rom2;
	} else if (d->mode == MODE_ROM) {
		if (d->chip == ESP_CHIP_ESP8266)
			order[0] = rom2, order[1] = rom4, order[2] = stub;
		else
			order[0] = rom4, order[1] = rom2, order[2] = stub;
	} else {
		order[0] = rom4, order[1] = stub, order[2] = rom2;
	}
	for (int i = 0; i < 3; i++) {
		if (n == order[i].rd + (size_t)order[i].slen) {
			st_fmt f = order[i];
			/* two bytes and nothing else to go by: the error code's range tells */
			if (d->mode == MODE_UNKNOWN && f.slen == 2 && rd_rom == rd_stub)
				f.stub = b[n - 2] >= 0xC0;
			return f;
		}
	}
	st_fmt f = order[0];
	if (d->mode == MODE_UNKNOWN) /* nothing fits: the trailing bytes are the status */
		f = n >= 4 + rd_rom ? rom4 : stub;
	if (f.rd + (size_t)f.slen > n)
		f.rd = n > (size_t)f.slen ? n - (size_t)f.slen : 0;
	return f;
}

/* Decodes the status bytes and returns whether they are in the stub's order.
 * A failure is not counted here: the caller knows whether it is expected. */
static bool do_status(esp_decoder *d, esp_record *r, const esp_op_info *oi, const uint8_t *b, size_t n,
		      size_t *data_len)
{
	st_fmt f = pick_format(d, oi, n, b);
	*data_len = f.rd;
	if (n < f.rd + 2) {
		esp_dec_note(r, ESP_NOTE_ERROR, "short-status", "only %zu status byte(s) in the response",
			     n > f.rd ? n - f.rd : 0);
		*data_len = n;
		d->unit->flags |= ESP_UF_MALFORMED;
		d->sum.malformed++;
		return false;
	}
	int sl = n - f.rd >= (size_t)f.slen ? f.slen : 2;
	r->has_status = true;
	r->n_status = (uint8_t)sl;
	memcpy(r->status_bytes, b + f.rd, (size_t)sl);
	uint8_t s0 = b[f.rd], s1 = b[f.rd + 1];
	r->status_ok = s0 == 0;
	if (f.stub) {
		r->error = s0;
		const esp_err_info *e = esp_stub_error(s0);
		r->status = s0 == 0 ? "ok" : e ? e->name : NULL;
	} else {
		r->error = s1;
		const esp_err_info *e = esp_rom_error(s1);
		r->status = s0 == 0 ? "ok" : e ? e->name : NULL;
	}
	if (!r->status) {
		char nm[24];
		int k = snprintf(nm, sizeof nm, "ERROR_0x%02X", r->error);
		r->status = esp_dec_strdup(d, nm, (size_t)k);
	}
	if (d->mode == MODE_UNKNOWN && (f.slen == 4 || (!f.stub && !r->status_ok)))
		set_mode(d, MODE_ROM);
	else if (d->mode == MODE_UNKNOWN && f.stub && !r->status_ok)
		set_mode(d, MODE_STUB);
	r->mode = mode_name(d->mode);
	return f.stub;
}

void esp_dec_status_error(esp_decoder *d, esp_record *r, bool stub)
{
	d->unit->flags |= ESP_UF_STATUS_ERR;
	d->sum.error_statuses++;
	const esp_err_info *e = stub ? esp_stub_error(r->error) : esp_rom_error(r->error);
	esp_dec_note(r, ESP_NOTE_ERROR, "error-status", "%s reported %s (0x%02x%s%s)", stub ? "stub" : "ROM",
		     r->status, r->error, e ? ": " : "", e ? e->text : "");
}

void esp_dec_pair(esp_record *r, uint64_t frame, uint64_t ts)
{
	r->reply_to = frame;
	r->latency_ms = esp_dec_ms_between(ts, r->ts_ns);
}

const char *esp_dec_op_name(int op)
{
	const esp_op_info *oi = op >= 0 ? esp_op_lookup((uint8_t)op) : NULL;
	return oi ? oi->name : "an unknown command";
}

static void do_response(esp_decoder *d, esp_record *r, const uint8_t *p, size_t n)
{
	esp_cursor c = esp_cursor_make(p, n);
	(void)esp_u8(&c);
	uint8_t op = esp_u8(&c);
	uint16_t size = esp_u16le(&c);
	r->value = esp_u32le(&c);
	const esp_op_info *oi = esp_op_lookup(op);

	r->type = ESP_REC_RESPONSE;
	r->opcode = op;
	r->op = oi ? oi->name : NULL;
	r->mode = mode_name(d->mode);
	d->sum.responses++;
	size_t bl = body_len(r, size, n - 8);
	size_t dl = 0;
	bool stubfmt = do_status(d, r, oi, p + 8, bl, &dl);
	bool failed = r->has_status && !r->status_ok;
	bool unsup = failed && !stubfmt && r->error == ROM_ERR_UNSUPPORTED;

	if (unsup && esp_dec_unsup_repeat(d, r, op, p, n))
		return;
	esp_pending *req = esp_dec_find_pending(d, op);
	if (!req && unsup) /* the ROM need not echo the opcode it rejects */
		req = esp_dec_latest_pending(d);
	if (req) {
		esp_dec_pair(r, req->frame, req->ts_ns);
		if (req->op != op) {
			const esp_op_info *ri = esp_op_lookup(req->op);
			r->op = ri ? ri->name : r->op;
		}
		if (unsup)
			esp_dec_unsupported(d, r, req, op, p, n);
		else if (failed)
			esp_dec_status_error(d, r, stubfmt);
		esp_dec_response_fields(d, r, req->op, req, p + 8, dl);
		if (req->op == ESP_SYNC) {
			d->sync_frame = req->frame;
			d->sync_ts = req->ts_ns;
		}
		if (req->op == ESP_READ_FLASH && r->status_ok && d->rf.awaiting) {
			d->rf.awaiting = false;
			d->rf.active = true;
			d->rf.last_ts = r->ts_ns;
			esp_md5_init(&d->rf.md5);
		}
		req->used = false;
		return;
	}
	if (failed)
		esp_dec_status_error(d, r, stubfmt);
	if (op == ESP_SYNC && d->sync_frame) {
		esp_dec_pair(r, d->sync_frame, d->sync_ts);
		d->sum.extra_replies++;
		esp_dec_note(r, ESP_NOTE_INFO, "sync-extra-reply", "further reply to the SYNC of frame %llu",
			     (unsigned long long)d->sync_frame);
	} else if (d->late_op == op) {
		esp_dec_pair(r, d->late_frame, d->late_ts);
		esp_dec_note(r, ESP_NOTE_WARNING, "late-reply", "reply arrived after the host gave up on frame %llu",
			     (unsigned long long)d->late_frame);
		d->late_op = -1;
		esp_dec_response_fields(d, r, op, NULL, p + 8, dl);
	} else {
		d->sum.unsolicited++;
		esp_dec_note(r, ESP_NOTE_WARNING, "unsolicited", "response to %s with no request pending",
			     r->op ? r->op : "an unknown opcode");
		esp_dec_response_fields(d, r, op, NULL, p + 8, dl);
	}
}

static void do_ohai(esp_decoder *d, esp_record *r)
{
	r->type = ESP_REC_RESPONSE;
	r->op = "OHAI";
	d->sum.responses++;
	set_mode(d, MODE_STUB);
	r->mode = "stub";
	for (int i = 0; i < ESP_PENDING_MAX; i++)
		if (d->pend[i].used && d->pend[i].reply_optional)
			d->pend[i].used = false;
	if (d->expect_ohai) {
		esp_dec_pair(r, d->mem_end_frame, d->mem_end_ts);
		esp_dec_note(r, ESP_NOTE_INFO, "stub-running", "the flasher stub is running");
	} else {
		esp_dec_note(r, ESP_NOTE_WARNING, "unexpected-ohai", "stub greeting without a stub upload seen");
	}
	d->expect_ohai = false;
}

static void do_frame(esp_decoder *d, esp_record *r)
{
	const esp_unit *u = d->unit;
	const uint8_t *p = u->payload;
	size_t n = u->payload_len;
	d->sum.frames++;
	if (u->dir == ESP_DIR_C2H) {
		if (d->rf.active && (d->rf.received < d->rf.length || n == 16)) {
			esp_dec_read_data(d, r, p, n);
		} else if (n == 4 && memcmp(p, "OHAI", 4) == 0) {
			do_ohai(d, r);
		} else if (n >= 8 && p[0] == 0x01) {
			if (d->rf.active) {
				esp_dec_note(r, ESP_NOTE_ERROR, "read-digest-mismatch",
					     "READ_FLASH data ended without a 16-byte digest");
				d->rf.active = false;
			}
			do_response(d, r, p, n);
		} else if (n < 8) {
			if (!esp_dec_unsup_leftover(d, r, p, n))
				malformed(d, r, "response shorter than its 8-byte header");
		} else {
			malformed(d, r, "response direction byte is not 0x01");
		}
	} else if (u->dir == ESP_DIR_H2C) {
		if (d->rf.active && n == 4)
			esp_dec_read_ack(d, r, p);
		else if (n >= 8 && p[0] == 0x00)
			do_command(d, r, p, n);
		else if (n < 8)
			malformed(d, r, "command shorter than its 8-byte header");
		else
			malformed(d, r, "command direction byte is not 0x00");
	} else {
		malformed(d, r, "frame without a direction");
	}
}

static bool printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 ? (p[i] != '\n' && p[i] != '\r' && p[i] != '\t') : p[i] >= 0x7F)
			return false;
	return true;
}

void esp_decoder_unit(esp_decoder *d, esp_unit *u)
{
	esp_record *r = &d->rec;
	/* verdicts are the decoder's own: a capture recorded by an older decoder
	 * brings its flags, which are recomputed here */
	u->flags &= (uint16_t) ~(ESP_UF_STATUS_ERR | ESP_UF_CHECKSUM_BAD | ESP_UF_MALFORMED);
	memset(r, 0, offsetof(esp_record, fields));
	r->n_fields = 0;
	r->n_notes = 0;
	d->spos = 0;
	d->unit = u;
	r->unit = u;
	r->frame = u->frame_no;
	r->ts_ns = u->ts_ns;
	r->dir = u->dir;
	r->opcode = -1;

	esp_summary *s = &d->sum;
	s->units++;
	s->duration_ns = u->ts_ns;
	if (s->units == 1)
		d->ses_start_ns = u->ts_ns;
	d->ses_last_ns = u->ts_ns;
	if (u->dir == ESP_DIR_H2C)
		s->bytes_h2c += u->wire_len;
	else if (u->dir == ESP_DIR_C2H)
		s->bytes_c2h += u->wire_len;
	if (u->baud && !s->baud_initial)
		s->baud_initial = u->baud;
	if (u->baud && !d->baud)
		d->baud = u->baud;
	if (u->flags & ESP_UF_ESCAPE_ERR)
		s->escape_errors++;

	switch (u->kind) {
	case ESP_UNIT_FRAME:
		do_frame(d, r);
		break;
	case ESP_UNIT_RAW:
		r->type = ESP_REC_RAW;
		s->raw_runs++;
		if (printable(u->payload, u->payload_len)) {
			r->text = (const char *)u->payload;
			r->text_len = u->payload_len;
		}
		if (u->dir == ESP_DIR_C2H)
			esp_dec_boot_banner(d, r, u->payload, u->payload_len);
		break;
	default:
		r->type = ESP_REC_EVENT;
		s->events++;
		if (u->kind == ESP_UNIT_BAUD && u->value)
			d->baud = u->value;
		if (u->kind == ESP_UNIT_NOTE && printable(u->payload, u->payload_len)) {
			r->text = (const char *)u->payload;
			r->text_len = u->payload_len;
		}
		break;
	}
	s->baud_final = d->baud;
	emit(d, r);
}

void esp_decoder_finish(esp_decoder *d, uint64_t ts_ns)
{
	give_up(d, NULL, ts_ns, -1, true);
	esp_flash_end(d);
	if (ts_ns > d->sum.duration_ns)
		d->sum.duration_ns = ts_ns;
	d->sum.regions = d->regions;
	d->sum.baud_final = d->baud;
	esp_session_finish(d);
}
