/* test_decode_util.h: helpers for the decoder tests: build command and
 * response payloads with a filled header, feed them as units, and keep a
 * deep copy of every record the decoder emits (its pointers die after the
 * callback). Test-only; static functions, included by one .c each. */
#ifndef ESPTAP_TESTS_DECODE_UTIL_H
#define ESPTAP_TESTS_DECODE_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/esp_decode.h"

typedef struct {
	char name[32];
	esp_field_type t;
	uint64_t u;
	char s[160];
	size_t len;
} fcopy;

typedef struct {
	esp_rec_type type;
	char op[40];
	int opcode;
	char mode[8];
	uint64_t frame, reply_to;
	double latency, waited;
	bool has_status, status_ok;
	char status[40];
	uint8_t error, n_status, status_bytes[4];
	uint32_t value;
	bool has_checksum, has_seq;
	uint32_t ck_declared, ck_computed, seq;
	uint16_t unit_flags;
	bool has_unit;
	int nf, nn;
	fcopy f[ESP_REC_MAX_FIELDS];
	struct {
		int level;
		char code[48];
	} n[ESP_REC_MAX_NOTES];
} rcopy;

#define MAX_RECS 4096
static rcopy recs[MAX_RECS];
static int nrecs;
static uint64_t next_frame = 1;

static void copy_cb(const esp_record *r, void *user)
{
	(void)user;
	if (nrecs >= MAX_RECS)
		return;
	rcopy *c = &recs[nrecs++];
	memset(c, 0, sizeof *c);
	c->type = r->type;
	snprintf(c->op, sizeof c->op, "%s", r->op ? r->op : "");
	c->opcode = r->opcode;
	snprintf(c->mode, sizeof c->mode, "%s", r->mode ? r->mode : "");
	c->frame = r->frame;
	c->reply_to = r->reply_to;
	c->latency = r->latency_ms;
	c->waited = r->waited_ms;
	c->has_status = r->has_status;
	c->status_ok = r->status_ok;
	snprintf(c->status, sizeof c->status, "%s", r->status ? r->status : "");
	c->error = r->error;
	c->n_status = r->n_status;
	memcpy(c->status_bytes, r->status_bytes, 4);
	c->value = r->value;
	c->has_checksum = r->has_checksum;
	c->ck_declared = r->ck_declared;
	c->ck_computed = r->ck_computed;
	c->has_seq = r->has_seq;
	c->seq = r->seq;
	c->has_unit = r->unit != NULL;
	c->unit_flags = r->unit ? r->unit->flags : 0;
	c->nf = r->n_fields;
	for (int i = 0; i < r->n_fields; i++) {
		fcopy *f = &c->f[i];
		snprintf(f->name, sizeof f->name, "%s", r->fields[i].name);
		f->t = r->fields[i].type;
		f->u = r->fields[i].u;
		f->len = r->fields[i].len;
		if (r->fields[i].type == ESP_F_STR)
			snprintf(f->s, sizeof f->s, "%s", r->fields[i].s);
		else if (r->fields[i].type == ESP_F_BYTES)
			memcpy(f->s, r->fields[i].s, f->len < sizeof f->s ? f->len : sizeof f->s);
	}
	c->nn = r->n_notes;
	for (int i = 0; i < r->n_notes; i++) {
		c->n[i].level = (int)r->notes[i].level;
		snprintf(c->n[i].code, sizeof c->n[i].code, "%s", r->notes[i].code);
	}
}

static const fcopy *fld(const rcopy *c, const char *name)
{
	for (int i = 0; i < c->nf; i++)
		if (strcmp(c->f[i].name, name) == 0)
			return &c->f[i];
	return NULL;
}

static uint64_t FU(const rcopy *c, const char *name)
{
	const fcopy *f = fld(c, name);
	return f ? f->u : 0xDEADBEEFDEADull;
}

static const char *FS(const rcopy *c, const char *name)
{
	const fcopy *f = fld(c, name);
	return f && f->t == ESP_F_STR ? f->s : "(none)";
}

static int note_level(const rcopy *c, const char *code) /* -1 if absent */
{
	for (int i = 0; i < c->nn; i++)
		if (strcmp(c->n[i].code, code) == 0)
			return c->n[i].level;
	return -1;
}

static esp_decoder *dec_new(esp_chip hint, bool stub)
{
	nrecs = 0;
	next_frame = 1;
	esp_decoder_opts o = {hint, stub};
	return esp_decoder_new(&o, copy_cb, NULL);
}

/* Feed one frame payload; returns the index of its record (the last emitted). */
static int feed(esp_decoder *d, esp_dir dir, double t_ms, const uint8_t *p, size_t n)
{
	esp_unit u;
	memset(&u, 0, sizeof u);
	u.frame_no = next_frame++;
	u.ts_ns = (uint64_t)(t_ms * 1e6);
	u.dir = dir;
	u.kind = ESP_UNIT_FRAME;
	u.baud = 115200;
	u.wire = p;
	u.wire_len = n;
	u.payload = p;
	u.payload_len = n;
	esp_decoder_unit(d, &u);
	return nrecs - 1;
}

static uint8_t fbuf[70000];

/* Command: 00 op size(le16) checksum(le32) data */
static int cmd(esp_decoder *d, double t, uint8_t op, const uint8_t *data, size_t n, uint32_t ck)
{
	fbuf[0] = 0;
	fbuf[1] = op;
	esp_put_u16le(fbuf + 2, (uint16_t)n);
	esp_put_u32le(fbuf + 4, ck);
	if (n)
		memcpy(fbuf + 8, data, n);
	return feed(d, ESP_DIR_H2C, t, fbuf, 8 + n);
}

static int cmdw(esp_decoder *d, double t, uint8_t op, const uint32_t *w, int nw)
{
	uint8_t b[64];
	for (int i = 0; i < nw; i++)
		esp_put_u32le(b + 4 * i, w[i]);
	return cmd(d, t, op, b, 4 * (size_t)nw, 0);
}

/* *_DATA command: 16-byte block header then data; ck_delta spoils the checksum. */
static int datacmd(esp_decoder *d, double t, uint8_t op, uint32_t seq, const uint8_t *data, size_t n, uint8_t ck_delta)
{
	static uint8_t b[70000];
	esp_put_u32le(b, (uint32_t)n);
	esp_put_u32le(b + 4, seq);
	memset(b + 8, 0, 8);
	memcpy(b + 16, data, n);
	return cmd(d, t, op, b, 16 + n, (uint32_t)(esp_checksum(data, n) ^ ck_delta));
}

/* Response: 01 op size value data status */
static int resp(esp_decoder *d, double t, uint8_t op, uint32_t value, const uint8_t *data, size_t n,
		const uint8_t *st, size_t sn)
{
	fbuf[0] = 1;
	fbuf[1] = op;
	esp_put_u16le(fbuf + 2, (uint16_t)(n + sn));
	esp_put_u32le(fbuf + 4, value);
	if (n)
		memcpy(fbuf + 8, data, n);
	memcpy(fbuf + 8 + n, st, sn);
	return feed(d, ESP_DIR_C2H, t, fbuf, 8 + n + sn);
}

static const uint8_t ST_ROM_OK[4] = {0, 0, 0, 0};
static const uint8_t ST_2_OK[2] = {0, 0};

static int rom_ok(esp_decoder *d, double t, uint8_t op, uint32_t value)
{
	return resp(d, t, op, value, NULL, 0, ST_ROM_OK, 4);
}

static int stub_ok(esp_decoder *d, double t, uint8_t op, uint32_t value)
{
	return resp(d, t, op, value, NULL, 0, ST_2_OK, 2);
}

static int sync_cmd(esp_decoder *d, double t)
{
	uint8_t s[36] = {0x07, 0x07, 0x12, 0x20};
	memset(s + 4, 0x55, 32);
	return cmd(d, t, 0x08, s, 36, 0);
}

#endif
