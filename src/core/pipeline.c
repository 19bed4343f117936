/* pipeline.c: events in, numbered units through the decoder, records out. */
#include "core/pipeline.h"

#include <stdbool.h>
#include <stdlib.h>

_Static_assert(ESP_EV_BAUD + 1 == (int)ESP_UNIT_BAUD && ESP_EV_MODEM + 1 == (int)ESP_UNIT_MODEM &&
		       ESP_EV_BREAK + 1 == (int)ESP_UNIT_BREAK &&
		       ESP_EV_LINE_ERROR + 1 == (int)ESP_UNIT_LINE_ERROR &&
		       ESP_EV_GAP + 1 == (int)ESP_UNIT_GAP && ESP_EV_NOTE + 1 == (int)ESP_UNIT_NOTE,
	       "event kinds map onto unit kinds by +1");

struct esp_pipeline {
	esp_pipeline_opts o;
	esp_slip *slip[2]; /* [dir - 1]: host>chip, chip>host */
	esp_decoder *dec;
	uint64_t next_no;
	uint32_t baud[2];
	uint8_t modem;
	uint64_t last_bytes_ns[2]; /* when bytes last arrived, per direction */
	/* The unit being decoded, and whether unit_sink has seen it yet. */
	const esp_unit *cur;
	bool cur_sunk;
	/* analyzers: a record they annotate is copied here with their notes */
	esp_diag *diag;
	esp_record rec;
	esp_summary sum;
	bool finished;
	/* the same analyzers over the current session alone, for its summary record */
	esp_diag *sdiag;
	esp_summary ssum;
};

/* The decoder's record callback: the unit goes to the unit sink right before
 * its first record, so the pcapng packet precedes anything that cites it. */
static void on_record(const esp_record *r, void *user)
{
	esp_pipeline *p = user;
	if (r->unit && r->unit == p->cur && !p->cur_sunk) {
		p->cur_sunk = true;
		if (p->o.unit_sink)
			p->o.unit_sink(r->unit, p->o.user);
	}
	if (r->type == ESP_REC_SESSION_END && r->summary) {
		/* one session of several ended: its own findings, then a fresh start */
		p->ssum = *r->summary;
		esp_diag_finish(p->sdiag, &p->ssum);
		p->ssum.findings = esp_diag_findings(p->sdiag, &p->ssum.n_findings);
		p->rec = *r;
		p->rec.summary = &p->ssum;
		if (p->o.record_sink)
			p->o.record_sink(&p->rec, p->o.user);
		esp_diag_reset(p->sdiag);
		return;
	}
	esp_note extra[ESP_REC_MAX_NOTES], ignored[ESP_REC_MAX_NOTES];
	esp_diag_record(p->sdiag, r, ignored, ESP_REC_MAX_NOTES);
	int k = esp_diag_record(p->diag, r, extra, ESP_REC_MAX_NOTES);
	if (k > 0) {
		p->rec = *r;
		for (int i = 0; i < k && p->rec.n_notes < ESP_REC_MAX_NOTES; i++)
			p->rec.notes[p->rec.n_notes++] = extra[i];
		r = &p->rec;
	}
	if (p->o.record_sink)
		p->o.record_sink(r, p->o.user);
}

/* Number u and decode it; the decoder may set its flags. */
static void dispatch(esp_pipeline *p, esp_unit *u)
{
	u->frame_no = ++p->next_no;
	p->cur = u;
	p->cur_sunk = false;
	esp_decoder_unit(p->dec, u);
	if (!p->cur_sunk && p->o.unit_sink)
		p->o.unit_sink(u, p->o.user);
	p->cur = NULL;
}

static void on_slip_unit(const esp_unit *su, void *user)
{
	esp_pipeline *p = user;
	esp_unit u = *su;
	u.modem = p->modem;
	dispatch(p, &u);
}

esp_pipeline *esp_pipeline_new(const esp_pipeline_opts *o)
{
	esp_pipeline *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->o = *o;
	p->baud[0] = p->baud[1] = o->initial_baud;
	p->slip[0] = esp_slip_new(ESP_DIR_H2C, o->max_frame, on_slip_unit, p);
	p->slip[1] = esp_slip_new(ESP_DIR_C2H, o->max_frame, on_slip_unit, p);
	p->dec = esp_decoder_new(&o->decoder, on_record, p);
	p->diag = esp_diag_new();
	p->sdiag = esp_diag_new();
	if (!p->slip[0] || !p->slip[1] || !p->dec || !p->diag || !p->sdiag) {
		esp_pipeline_free(p);
		return NULL;
	}
	return p;
}

void esp_pipeline_free(esp_pipeline *p)
{
	if (!p)
		return;
	esp_slip_free(p->slip[0]);
	esp_slip_free(p->slip[1]);
	if (p->dec)
		esp_decoder_free(p->dec);
	esp_diag_free(p->diag);
	esp_diag_free(p->sdiag);
	free(p);
}

void esp_pipeline_event(esp_pipeline *p, const esp_event *ev)
{
	int d = ev->dir == ESP_DIR_H2C ? 0 : ev->dir == ESP_DIR_C2H ? 1 : -1;

	if (ev->kind == ESP_EV_BYTES) {
		/* Bytes without a direction cannot belong to either stream. */
		if (d >= 0) {
			esp_slip_feed(p->slip[d], ev->ts_ns, ev->data, ev->len, p->baud[d]);
			p->last_bytes_ns[d] = ev->ts_ns;
		}
		return;
	}
	if (ev->kind < ESP_EV_BAUD || ev->kind > ESP_EV_NOTE)
		return;

	/* Text before the event stays apart from text after it; a frame in
	 * progress is never cut (a baud change can follow the frame's start). */
	if (d != 1)
		esp_slip_flush_raw(p->slip[0], ev->ts_ns);
	if (d != 0)
		esp_slip_flush_raw(p->slip[1], ev->ts_ns);
	/* Bytes lost in one direction: the frame they cut ends here, truncated,
	 * and the next 0xC0 opens a frame again instead of closing this one. */
	if (ev->kind == ESP_EV_GAP && ev->value && d >= 0)
		esp_slip_flush(p->slip[d], ev->ts_ns);

	if (ev->kind == ESP_EV_BAUD) {
		if (d != 1)
			p->baud[0] = ev->value;
		if (d != 0)
			p->baud[1] = ev->value;
	} else if (ev->kind == ESP_EV_MODEM) {
		p->modem = ev->modem;
	}

	esp_unit u = {0};
	u.ts_ns = ev->ts_ns;
	u.dir = ev->dir;
	u.kind = (esp_unit_kind)(ev->kind + 1); /* EV_BAUD..EV_NOTE map onto UNIT_BAUD..UNIT_NOTE */
	u.modem = p->modem;
	u.baud = p->baud[d == 1 ? 1 : 0];
	u.value = ev->value;
	u.wire = u.payload = ev->data;
	u.wire_len = u.payload_len = ev->data ? ev->len : 0;
	dispatch(p, &u);
}

void esp_pipeline_unit(esp_pipeline *p, const esp_unit *in)
{
	esp_unit u = *in;
	dispatch(p, &u);
}

void esp_pipeline_finish(esp_pipeline *p, uint64_t ts_ns)
{
	esp_slip_flush(p->slip[0], ts_ns);
	esp_slip_flush(p->slip[1], ts_ns);
	esp_decoder_finish(p->dec, ts_ns);
	p->sum = *esp_decoder_summary(p->dec);
	esp_diag_finish(p->diag, &p->sum);
	p->sum.findings = esp_diag_findings(p->diag, &p->sum.n_findings);
	p->finished = true;
}

const esp_summary *esp_pipeline_summary(const esp_pipeline *p)
{
	return p->finished ? &p->sum : esp_decoder_summary(p->dec);
}

const esp_diag *esp_pipeline_diag(const esp_pipeline *p) { return p->diag; }

void esp_pipeline_idle(esp_pipeline *p, uint64_t now_ns, uint64_t max_age_ns)
{
	for (int d = 0; d < 2; d++)
		if (now_ns >= p->last_bytes_ns[d] + max_age_ns)
			esp_slip_flush_raw(p->slip[d], p->last_bytes_ns[d]);
}
