/* test_pipeline.c: unit numbering, events as units, unit sink before record, raw flushed at events. */
#include <stdlib.h>

#include "check.h"
#include "core/pipeline.h"

typedef struct {
	uint64_t frame_no, ts;
	esp_dir dir;
	esp_unit_kind kind;
	uint16_t flags;
	uint8_t modem;
	uint32_t baud, value;
	size_t wire_len, pay_len;
	uint8_t pay[64];
} seen_unit;

typedef struct {
	seen_unit u[64];
	int n;
	const esp_unit *last_sunk;
	int records, records_before_sink, records_foreign, timeouts;
} ctx;

static void unit_sink(const esp_unit *u, void *user)
{
	ctx *c = user;
	if (c->n >= 64)
		return;
	seen_unit *s = &c->u[c->n++];
	s->frame_no = u->frame_no;
	s->ts = u->ts_ns;
	s->dir = u->dir;
	s->kind = u->kind;
	s->flags = u->flags;
	s->modem = u->modem;
	s->baud = u->baud;
	s->value = u->value;
	s->wire_len = u->wire_len;
	s->pay_len = u->payload_len;
	if (u->payload_len && u->payload_len <= sizeof s->pay)
		memcpy(s->pay, u->payload, u->payload_len);
	c->last_sunk = u;
}

static void record_sink(const esp_record *r, void *user)
{
	ctx *c = user;
	c->records++;
	if (!r->unit) {
		c->timeouts++;
		return;
	}
	/* Every record's unit went to the unit sink just before it. */
	if (r->unit != c->last_sunk)
		c->records_foreign++;
	else if (c->n == 0 || c->u[c->n - 1].frame_no != r->unit->frame_no)
		c->records_before_sink++;
}

static void bytes(esp_pipeline *p, uint64_t ts, esp_dir d, const char *s, size_t n)
{
	esp_event ev = {ts, d, ESP_EV_BYTES, 0, 0, (const uint8_t *)s, n};
	esp_pipeline_event(p, &ev);
}

static void event(esp_pipeline *p, uint64_t ts, esp_dir d, esp_event_kind k, uint32_t value,
		  uint8_t modem, const char *data)
{
	esp_event ev = {ts, d, k, value, modem, (const uint8_t *)data, data ? strlen(data) : 0};
	esp_pipeline_event(p, &ev);
}

int main(void)
{
	static ctx c;
	esp_pipeline_opts o = {0};
	o.initial_baud = 115200;
	o.unit_sink = unit_sink;
	o.record_sink = record_sink;
	o.user = &c;
	esp_pipeline *p = esp_pipeline_new(&o);
	CHECK(p != NULL);

	bytes(p, 1, ESP_DIR_C2H, "ets Jun", 7);           /* raw, pending */
	bytes(p, 2, ESP_DIR_H2C, "\xC0\x00\x08", 3);       /* frame, open */
	event(p, 3, ESP_DIR_NONE, ESP_EV_BAUD, 460800, 0, NULL);
	/* unit 1: the raw run, flushed by the event; unit 2: the baud event */
	CHECK_EQ_U(c.n, 2);
	CHECK_EQ_U(c.u[0].kind, ESP_UNIT_RAW);
	CHECK_EQ_U(c.u[0].wire_len, 7);
	CHECK_EQ_U(c.u[0].baud, 115200);
	CHECK_EQ_U(c.u[1].kind, ESP_UNIT_BAUD);
	CHECK_EQ_U(c.u[1].value, 460800);
	CHECK_EQ_U(c.u[1].dir, ESP_DIR_NONE);

	/* the frame completes, not cut (8-byte body: shorter ones wait for the
	 * next byte, slip.h) */
	bytes(p, 4, ESP_DIR_H2C, "\x01\x02\x03\x04\x05\x06\xC0", 7);
	CHECK_EQ_U(c.n, 3);
	CHECK_EQ_U(c.u[2].kind, ESP_UNIT_FRAME);
	CHECK_EQ_U(c.u[2].wire_len, 10);
	CHECK_EQ_U(c.u[2].pay_len, 8);
	CHECK_EQ_U(c.u[2].flags & ~ESP_UF_MALFORMED, 0);
	CHECK_EQ_U(c.u[2].baud, 460800);
	CHECK_EQ_U(c.u[2].ts, 4);

	/* a baud change for one direction only */
	event(p, 5, ESP_DIR_C2H, ESP_EV_BAUD, 921600, 0, NULL);
	bytes(p, 6, ESP_DIR_C2H, "\xC0\x01\x02\x03\x04\x05\x06\x07\x08\xC0", 10);
	bytes(p, 7, ESP_DIR_H2C, "\xC0\x00\x02\x03\x04\x05\x06\x07\x08\xC0", 10);
	CHECK_EQ_U(c.n, 6);
	CHECK_EQ_U(c.u[3].baud, 921600);
	CHECK_EQ_U(c.u[4].dir, ESP_DIR_C2H);
	CHECK_EQ_U(c.u[4].baud, 921600);
	CHECK_EQ_U(c.u[5].dir, ESP_DIR_H2C);
	CHECK_EQ_U(c.u[5].baud, 460800);

	/* modem lines stay in force on later units; a note carries its text */
	event(p, 8, ESP_DIR_NONE, ESP_EV_MODEM, ESP_MODEM_DTR, ESP_MODEM_DTR | ESP_MODEM_RTS, NULL);
	event(p, 9, ESP_DIR_NONE, ESP_EV_NOTE, 0, 0, "hello");
	bytes(p, 10, ESP_DIR_C2H, "OHAI\n", 5);
	CHECK_EQ_U(c.n, 9);
	CHECK_EQ_U(c.u[6].kind, ESP_UNIT_MODEM);
	CHECK_EQ_U(c.u[6].modem, ESP_MODEM_DTR | ESP_MODEM_RTS);
	CHECK_EQ_U(c.u[6].value, ESP_MODEM_DTR);
	CHECK_EQ_U(c.u[7].kind, ESP_UNIT_NOTE);
	CHECK_EQ_U(c.u[7].pay_len, 5);
	CHECK_MEM(c.u[7].pay, "hello", 5);
	CHECK_EQ_U(c.u[8].kind, ESP_UNIT_RAW);
	CHECK_EQ_U(c.u[8].modem, ESP_MODEM_DTR | ESP_MODEM_RTS);

	/* other event kinds map onto their unit kinds */
	event(p, 11, ESP_DIR_C2H, ESP_EV_BREAK, 250, 0, NULL);
	event(p, 12, ESP_DIR_C2H, ESP_EV_LINE_ERROR, ESP_LINE_ERR_FRAMING, 0, NULL);
	event(p, 13, ESP_DIR_H2C, ESP_EV_GAP, 17, 0, NULL);
	CHECK_EQ_U(c.n, 12);
	CHECK_EQ_U(c.u[9].kind, ESP_UNIT_BREAK);
	CHECK_EQ_U(c.u[9].value, 250);
	CHECK_EQ_U(c.u[10].kind, ESP_UNIT_LINE_ERROR);
	CHECK_EQ_U(c.u[11].kind, ESP_UNIT_GAP);
	CHECK_EQ_U(c.u[11].dir, ESP_DIR_H2C);

	/* an already-framed unit (pcapng input) gets the next number */
	esp_unit ready = {0};
	ready.frame_no = 999;
	ready.ts_ns = 14;
	ready.dir = ESP_DIR_H2C;
	ready.kind = ESP_UNIT_FRAME;
	ready.baud = 74880;
	ready.wire = (const uint8_t *)"\xC0\x00\x0A\xC0";
	ready.wire_len = 4;
	ready.payload = ready.wire + 1;
	ready.payload_len = 2;
	esp_pipeline_unit(p, &ready);
	CHECK_EQ_U(c.n, 13);
	CHECK_EQ_U(c.u[12].baud, 74880);

	/* a raw run flushed by a one-direction event leaves the other alone */
	bytes(p, 15, ESP_DIR_H2C, "zz", 2);
	bytes(p, 15, ESP_DIR_C2H, "yy", 2);
	event(p, 16, ESP_DIR_C2H, ESP_EV_BREAK, 0, 0, NULL);
	CHECK_EQ_U(c.n, 15);
	CHECK_EQ_U(c.u[13].dir, ESP_DIR_C2H);
	CHECK_EQ_U(c.u[13].kind, ESP_UNIT_RAW);

	/* finish flushes both directions; a partial frame is unterminated */
	bytes(p, 17, ESP_DIR_C2H, "\xC0\x01\x02", 3);
	esp_pipeline_finish(p, 18);
	CHECK_EQ_U(c.n, 17);
	CHECK_EQ_U(c.u[15].dir, ESP_DIR_H2C);
	CHECK_EQ_U(c.u[15].wire_len, 2);
	CHECK_EQ_U(c.u[16].flags & ~ESP_UF_MALFORMED, ESP_UF_UNTERMINATED);
	CHECK_EQ_U(c.u[16].ts, 18);

	/* numbering: 1-based, in completion order, no gaps */
	int numbered = 1;
	for (int i = 0; i < c.n; i++)
		numbered &= c.u[i].frame_no == (uint64_t)i + 1;
	CHECK(numbered);
	CHECK(c.records >= c.n);
	CHECK_EQ_U(c.records_foreign, 0);
	CHECK_EQ_U(c.records_before_sink, 0);
	CHECK(esp_pipeline_summary(p) != NULL);
	esp_pipeline_free(p);

	/* The unit sink sees the flags the decoder set: the PROTOCOL.md §4
	 * MEM_DATA example, once with its checksum and once with a wrong one. */
	static ctx c2;
	o.user = &c2;
	p = esp_pipeline_new(&o);
	static const char good[] = "\xc0\x00\x07\x14\x00\xf7\x00\x00\x00\x04\x00\x00\x00\x00\x00"
				   "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xdb\xdc\xdb\xdd\x01\x02\xc0";
	char bad[sizeof good];
	memcpy(bad, good, sizeof good);
	bad[5] = (char)0xf6;
	bytes(p, 1, ESP_DIR_H2C, good, sizeof good - 1);
	bytes(p, 2, ESP_DIR_H2C, bad, sizeof bad - 1);
	esp_pipeline_finish(p, 3);
	CHECK(c2.n >= 2);
	CHECK_EQ_U(c2.u[0].flags & ESP_UF_CHECKSUM_BAD, 0);
	CHECK_EQ_U(c2.u[1].flags & ESP_UF_CHECKSUM_BAD, ESP_UF_CHECKSUM_BAD);
	CHECK_EQ_U(c2.records_foreign + c2.records_before_sink, 0);
	esp_pipeline_free(p);
	/* idle: text without a newline is emitted once its direction has been
	 * quiet long enough, at the time of its last byte; a frame is never cut */
	memset(&c, 0, sizeof c);
	o.user = &c;
	p = esp_pipeline_new(&o);
	bytes(p, 1000, ESP_DIR_C2H, "waiting for download", 20);
	bytes(p, 1000, ESP_DIR_H2C, "\xC0\x00\x08\x24", 4);
	esp_pipeline_idle(p, 1050, 100);
	CHECK_EQ_U(c.n, 0);
	esp_pipeline_idle(p, 1100, 100);
	CHECK_EQ_U(c.n, 1);
	CHECK_EQ_U(c.u[0].kind, ESP_UNIT_RAW);
	CHECK_EQ_U(c.u[0].dir, ESP_DIR_C2H);
	CHECK_EQ_U(c.u[0].wire_len, 20);
	CHECK_EQ_U(c.u[0].ts, 1000);
	esp_pipeline_idle(p, 5000, 100);
	CHECK_EQ_U(c.n, 1);
	esp_pipeline_finish(p, 6000);
	CHECK_EQ_U(c.n, 2);
	CHECK_EQ_U(c.u[1].flags & ESP_UF_UNTERMINATED, ESP_UF_UNTERMINATED);
	esp_pipeline_free(p);
	CHECK_DONE(63);
}
