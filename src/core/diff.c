/* diff.c: one session's records reduced to a compact, bounded sequence of steps. */
#include "core/diff_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

esp_diff_side *esp_diff_side_new(void) { return calloc(1, sizeof(esp_diff_side)); }

void esp_diff_side_free(esp_diff_side *s)
{
	if (!s)
		return;
	free(s->steps);
	free(s->regions);
	free(s);
}

size_t esp_diff_side_steps(const esp_diff_side *s) { return s->n; }
uint64_t esp_diff_side_commands(const esp_diff_side *s) { return s->commands; }
bool esp_diff_side_capped(const esp_diff_side *s) { return s->capped; }

static void copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static const esp_field *field(const esp_record *r, const char *name)
{
	for (int i = 0; i < r->n_fields; i++)
		if (r->fields[i].name && !strcmp(r->fields[i].name, name))
			return &r->fields[i];
	return NULL;
}

static uint64_t field_u(const esp_record *r, const char *name, uint64_t dflt)
{
	const esp_field *f = field(r, name);
	return f && f->type != ESP_F_STR && f->type != ESP_F_BYTES ? f->u : dflt;
}

static diff_step *last(esp_diff_side *s) { return s->n ? &s->steps[s->n - 1] : NULL; }

/* A new step for command r, NULL once the side is capped. */
static diff_step *push(esp_diff_side *s, step_kind kind, const esp_record *r)
{
	s->ram_open = false;
	if (s->n >= ESP_DIFF_MAX_STEPS) {
		s->capped = true;
		s->dropped++;
		return NULL;
	}
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		if (nc > ESP_DIFF_MAX_STEPS)
			nc = ESP_DIFF_MAX_STEPS;
		diff_step *ns = realloc(s->steps, nc * sizeof *ns);
		if (!ns) {
			s->capped = true;
			s->dropped++;
			return NULL;
		}
		s->steps = ns;
		s->cap = nc;
	}
	diff_step *st = &s->steps[s->n++];
	memset(st, 0, sizeof *st);
	st->kind = (uint8_t)kind;
	st->op = (int16_t)r->opcode;
	copy_str(st->op_name, sizeof st->op_name, r->op);
	st->frame_first = st->frame_last = r->frame;
	return st;
}

/* Fields that restate another field or number the decoder's own bookkeeping. */
static bool derived(const char *name)
{
	static const char *const skip[] = {"region", "reboot", "jump", "pattern_ok", "count", NULL};
	for (int i = 0; skip[i]; i++)
		if (!strcmp(name, skip[i]))
			return true;
	return !strncmp(name, "image_", 6);
}

static void copy_params(diff_step *st, const esp_record *r)
{
	for (int i = 0; i < r->n_fields && st->n_params < STEP_MAX_PARAMS; i++) {
		const esp_field *f = &r->fields[i];
		if (!f->name || derived(f->name) || f->type == ESP_F_STR || f->type == ESP_F_BYTES)
			continue;
		step_param *p = &st->params[st->n_params++];
		copy_str(p->name, sizeof p->name, f->name);
		p->hex = f->type == ESP_F_HEX;
		p->v = f->u;
	}
}

static bool is_run_op(int op)
{
	const esp_op_info *oi = op >= 0 ? esp_op_lookup((uint8_t)op) : NULL;
	return (oi && oi->has_checksum) || op == ESP_READ_FLASH_SLOW;
}

static void run_block(diff_step *st, const esp_record *r)
{
	uint32_t len = (uint32_t)field_u(r, "data_len", field_u(r, "length", 0));
	if (st->count > 0) {
		uint64_t delta = r->frame - st->frame_last;
		if (st->count == 1) {
			st->stride = delta;
			st->regular = true;
		} else if (delta != st->stride) {
			st->regular = false;
		}
	}
	st->count++;
	st->frame_last = r->frame;
	if (len > st->block_size)
		st->block_size = len;
	if (r->has_seq && st->count == 1) {
		st->seq_first = st->seq_last = r->seq;
	} else if (r->has_seq && r->seq <= st->seq_last) {
		/* a block sent again: counted as a retry, not as more data */
		if (!st->retries++)
			st->retry_frame = r->frame;
		st->seq_last = r->seq;
		return;
	} else if (r->has_seq) {
		if (r->seq != st->seq_last + 1 && !st->gaps++)
			st->gap_frame = r->frame;
		st->seq_last = r->seq;
	}
	st->bytes += len;
}

static void on_command(esp_diff_side *s, const esp_record *r)
{
	s->commands++;
	if (r->opcode < 0)
		return; /* READ_FLASH acks: part of the READ_FLASH flow */
	int op = r->opcode;
	diff_step *l = last(s);
	bool in_connect = l && l->kind == STEP_CONNECT;

	if (op == ESP_SYNC) {
		if (!in_connect && !(l = push(s, STEP_CONNECT, r)))
			return;
		l->syncs++;
		l->frame_last = r->frame;
		return;
	}
	bool magic = op == ESP_READ_REG && field_u(r, "addr", 0) == ESP_CHIP_DETECT_MAGIC_REG;
	if ((op == ESP_GET_SECURITY_INFO || magic) && (in_connect || !l)) {
		if (!l && !(l = push(s, STEP_CONNECT, r)))
			return;
		l->probes++;
		l->frame_last = r->frame;
		return;
	}
	if (op == ESP_READ_REG || op == ESP_WRITE_REG) {
		if ((!l || l->kind != STEP_REGS) && !(l = push(s, STEP_REGS, r)))
			return;
		if (op == ESP_READ_REG)
			l->reads++;
		else
			l->writes++;
		l->frame_last = r->frame;
		return;
	}
	if (op == ESP_MEM_BEGIN || ((op == ESP_MEM_DATA || op == ESP_MEM_END) && s->ram_open)) {
		if (op == ESP_MEM_BEGIN && !s->ram_open) {
			if (!(l = push(s, STEP_RAM, r)))
				return;
			l->first_addr = (uint32_t)field_u(r, "addr", 0);
			s->ram_open = true;
		}
		l->frame_last = r->frame;
		if (op == ESP_MEM_BEGIN) {
			l->segments++;
			l->ram_bytes += (uint32_t)field_u(r, "size", 0);
		} else if (op == ESP_MEM_DATA) {
			l->count++;
			l->bytes += field_u(r, "data_len", 0);
		} else {
			l->entry = (uint32_t)field_u(r, "entry", 0);
			s->ram_open = false;
		}
		return;
	}
	if (is_run_op(op)) {
		if (!l || l->kind != STEP_RUN || l->op != op) {
			if (!(l = push(s, STEP_RUN, r)))
				return;
			l->has_where = op != ESP_READ_FLASH_SLOW && op != ESP_MEM_DATA;
			l->where = s->region;
		}
		run_block(l, r);
		return;
	}
	if (!(l = push(s, STEP_CMD, r)))
		return;
	copy_params(l, r);
	if (op == ESP_FLASH_BEGIN || op == ESP_FLASH_DEFL_BEGIN)
		s->region = (uint32_t)field_u(r, "offset", 0);
	if (op == ESP_FLASH_BEGIN || op == ESP_FLASH_DEFL_BEGIN || op == ESP_FLASH_END || op == ESP_FLASH_DEFL_END) {
		l->has_where = true;
		l->where = s->region;
	} else if (op == ESP_SPI_FLASH_MD5) {
		l->has_where = true;
		l->where = (uint32_t)field_u(r, "addr", 0);
	}
}

/* The step that holds request frame f: the requests of a step are contiguous. */
static diff_step *step_of(esp_diff_side *s, uint64_t f)
{
	for (size_t i = s->n, k = 0; i > 0 && k < 16; i--, k++) {
		diff_step *st = &s->steps[i - 1];
		if (f >= st->frame_first && f <= st->frame_last)
			return st;
		if (f > st->frame_last)
			return NULL;
	}
	return NULL;
}

static uint32_t block_index(const diff_step *st, uint64_t f)
{
	if (st->kind != STEP_RUN || st->count < 2)
		return 0;
	if (f == st->frame_last)
		return st->count - 1;
	if (st->regular && st->stride)
		return (uint32_t)((f - st->frame_first) / st->stride);
	return st->count - 1;
}

static void first_error(diff_step *st, uint64_t req, uint64_t resp, const char *status, uint8_t code)
{
	if (st->err_frame)
		return;
	st->err_frame = req;
	st->err_resp = resp;
	st->err_index = block_index(st, req);
	st->err_code = code;
	copy_str(st->status, sizeof st->status, status);
}

static void on_response(esp_diff_side *s, const esp_record *r)
{
	if (r->opcode < 0) {
		diff_step *l = last(s);
		if (r->op && !strcmp(r->op, "OHAI")) {
			for (size_t i = s->n, k = 0; i > 0 && k < 4; i--, k++)
				if (s->steps[i - 1].kind == STEP_RAM) {
					s->steps[i - 1].stub = true;
					break;
				}
		} else if (l && l->op == ESP_READ_FLASH && r->op && !strcmp(r->op, "READ_FLASH_DATA")) {
			l->packets++;
			l->packet_bytes += r->unit ? r->unit->payload_len : 0;
		}
		return;
	}
	if (!r->reply_to)
		return;
	diff_step *st = step_of(s, r->reply_to);
	if (!st || st->ans_frame == r->reply_to)
		return; /* unpaired, or a repeat of an answer already counted */
	st->ans_frame = r->reply_to;
	st->answered++;
	if (r->latency_ms > st->lat_max) {
		st->lat_max = r->latency_ms;
		st->lat_frame = r->reply_to;
	}
	bool ok = !r->has_status || r->status_ok;
	switch ((step_kind)st->kind) {
	case STEP_CONNECT:
		if (r->opcode == ESP_SYNC && ok)
			st->sync_answered++;
		else if (r->opcode == ESP_READ_REG && ok)
			st->magic = r->value;
		return;
	case STEP_CMD:
		st->has_answer = true;
		st->ok = ok;
		st->frame_resp = r->frame;
		st->value = r->value;
		st->err_code = ok ? 0 : r->error;
		copy_str(st->status, sizeof st->status, r->has_status ? r->status : "ok");
		{
			const esp_field *f = field(r, "md5");
			if (f && f->type == ESP_F_STR)
				copy_str(st->md5, sizeof st->md5, f->s);
		}
		if (!ok)
			st->errors++;
		return;
	default:
		if (!ok) {
			st->errors++;
			first_error(st, r->reply_to, r->frame, r->status, r->error);
		}
		return;
	}
}

static void on_timeout(esp_diff_side *s, const esp_record *r)
{
	diff_step *st = step_of(s, r->frame);
	if (!st || st->kind == STEP_CONNECT)
		return; /* unanswered SYNCs are connect retries */
	st->timeouts++;
	if (st->kind == STEP_CMD) {
		if (!st->has_answer)
			copy_str(st->status, sizeof st->status, "timeout");
		return;
	}
	first_error(st, r->frame, 0, "timeout", 0);
}

void esp_diff_side_record(esp_diff_side *s, const esp_record *r)
{
	switch (r->type) {
	case ESP_REC_COMMAND: on_command(s, r); break;
	case ESP_REC_RESPONSE: on_response(s, r); break;
	case ESP_REC_TIMEOUT: on_timeout(s, r); break;
	default: break;
	}
}

void esp_diff_side_finish(esp_diff_side *s, const esp_summary *sum)
{
	if (!sum || !sum->n_regions || s->regions)
		return;
	s->regions = calloc(sum->n_regions, sizeof *s->regions);
	if (!s->regions)
		return;
	s->n_regions = sum->n_regions;
	for (size_t i = 0; i < sum->n_regions; i++) {
		const esp_region *g = &sum->regions[i];
		diff_region *d = &s->regions[i];
		d->offset = g->offset;
		d->size = g->size;
		copy_str(d->md5, sizeof d->md5, g->md5);
		d->verify = g->verify;
		d->frame = g->first_frame;
	}
}

static bool is_zero(const diff_step *s, const char *name)
{
	for (uint8_t i = 0; i < s->n_params; i++)
		if (!strcmp(s->params[i].name, name))
			return s->params[i].v == 0;
	return false;
}

/* FLASH_DEFL_* and FLASH_* write the same thing, compressed or not: one key.
 * A FLASH_BEGIN of nothing is esptool's way to leave the loader: its own key. */
uint64_t esp_diff_step_key(const diff_step *s)
{
	return esp_diff_step_loose_key(s) | (s->has_where ? (uint64_t)1 << 32 | s->where : 0);
}

uint64_t esp_diff_step_loose_key(const diff_step *s)
{
	uint32_t op = s->op < 0 ? 0xFFF : (uint32_t)s->op;
	if (s->kind == STEP_CONNECT || s->kind == STEP_RAM || s->kind == STEP_REGS)
		op = 0;
	else if (op == ESP_FLASH_DEFL_BEGIN || op == ESP_FLASH_DEFL_DATA || op == ESP_FLASH_DEFL_END)
		op -= ESP_FLASH_DEFL_BEGIN - ESP_FLASH_BEGIN;
	if (op == ESP_FLASH_BEGIN && s->kind == STEP_CMD && (is_zero(s, "erase_size") || is_zero(s, "size")) &&
	    is_zero(s, "num_blocks"))
		op = 0x100 | ESP_FLASH_BEGIN;
	return ((uint64_t)s->kind << 16 | op) << 40;
}

void esp_diff_step_describe(const diff_step *s, char *buf, size_t n)
{
	switch ((step_kind)s->kind) {
	case STEP_CONNECT:
		snprintf(buf, n, "connect (%u SYNC, %u answered, %u probes)", s->syncs, s->sync_answered, s->probes);
		break;
	case STEP_RAM:
		snprintf(buf, n, "%s (%u segments, %u bytes, entry 0x%08x)", s->stub ? "stub upload" : "RAM load",
			 s->segments, s->ram_bytes, s->entry);
		break;
	case STEP_REGS:
		snprintf(buf, n, "registers (%u reads, %u writes)", s->reads, s->writes);
		break;
	case STEP_RUN:
		snprintf(buf, n, "%s x%u (%u-byte blocks, seq %u-%u, %llu bytes)", s->op_name, s->count,
			 s->block_size, s->seq_first, s->seq_last, (unsigned long long)s->bytes);
		break;
	case STEP_CMD: {
		size_t k = (size_t)snprintf(buf, n, "%s", s->op_name);
		for (uint8_t i = 0; i < s->n_params && k < n; i++)
			k += (size_t)snprintf(buf + k, n - k, s->params[i].hex ? " %s=0x%llx" : " %s=%llu",
					      s->params[i].name, (unsigned long long)s->params[i].v);
		if (s->packets && k < n)
			snprintf(buf + k, n - k, " (%u packets back)", s->packets);
		break;
	}
	default: snprintf(buf, n, "?");
	}
}

void esp_diff_side_step_text(const esp_diff_side *s, size_t i, char *buf, size_t n)
{
	if (i >= s->n) {
		snprintf(buf, n, "-");
		return;
	}
	esp_diff_step_describe(&s->steps[i], buf, n);
}
