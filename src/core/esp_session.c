/* esp_session.c: splits a capture into flashing sessions and reports each one's own summary, keeping memory flat. */
#include "core/esp_decode_int.h"

#include <string.h>

void esp_session_start(esp_decoder *d, uint64_t frame, uint64_t ts)
{
	d->ses_no++;
	d->ses_cmds = 0;
	d->ses_region0 = d->sum.n_regions;
	d->ses_dropped = 0;
	d->ses_first_frame = frame;
	d->ses_start_ns = d->ses_last_ns = ts;
	d->ses_baud0 = d->baud;
	d->ses_stub = d->mode == MODE_STUB;
	d->ses_sync_noted = false;
	d->detecting = true; /* a new connect probes the chip again */
}

#define SUB(f) s->f = d->sum.f - d->base.f

/* The current session's summary: the capture's counts less those at its start. */
static void build(esp_decoder *d, esp_summary *s)
{
	memset(s, 0, sizeof *s);
	SUB(units); SUB(frames); SUB(commands); SUB(responses); SUB(raw_runs); SUB(events); SUB(timeouts);
	SUB(checksum_errors); SUB(error_statuses); SUB(escape_errors); SUB(malformed);
	SUB(extra_replies); SUB(probe_rejections); SUB(unsolicited); SUB(undecoded);
	SUB(read_flash_packets); SUB(bytes_h2c); SUB(bytes_c2h);
	for (int i = 0; i < 256; i++)
		SUB(op_count[i]);
	s->chip = d->chip;
	s->stub = d->ses_stub;
	s->baud_initial = d->ses_baud0 ? d->ses_baud0 : d->sum.baud_initial;
	s->baud_final = d->baud;
	s->regions = d->regions ? d->regions + d->ses_region0 : NULL;
	s->n_regions = d->sum.n_regions - d->ses_region0;
	s->regions_total = s->n_regions + d->ses_dropped;
	s->sessions = d->ses_no;
	s->first_frame = d->ses_first_frame;
	s->last_frame = d->sum.units ? d->sum.units : 0;
	s->start_ns = d->ses_start_ns;
	s->duration_ns = d->ses_last_ns > d->ses_start_ns ? d->ses_last_ns - d->ses_start_ns : 0;
}

static void emit_end(esp_decoder *d, uint64_t last_frame)
{
	build(d, &d->ses);
	d->ses.last_frame = last_frame;
	esp_record t;
	memset(&t, 0, sizeof t);
	t.type = ESP_REC_SESSION_END;
	t.frame = last_frame;
	t.ts_ns = d->ses_last_ns;
	t.dir = ESP_DIR_NONE;
	t.opcode = -1;
	t.summary = &d->ses;
	d->cb(&t, d->user);
}

/* Keep the last few regions for the capture's summary; the rest is counted. */
static void compact(esp_decoder *d)
{
	size_t n = d->sum.n_regions;
	if (n > ESP_SUMMARY_REGIONS) {
		memmove(d->regions, d->regions + (n - ESP_SUMMARY_REGIONS), ESP_SUMMARY_REGIONS * sizeof *d->regions);
		d->sum.n_regions = ESP_SUMMARY_REGIONS;
	}
	d->cur = -1;
	for (int i = 0; i < ESP_PENDING_MAX; i++)
		d->pend[i].region = -1;
}

void esp_session_sync(esp_decoder *d, esp_record *cur)
{
	if (d->ses_cmds == 0)
		return;
	const esp_unit *u = d->unit;
	/* The SYNC is already counted as a unit and a frame: it belongs to the next session. */
	esp_summary one;
	memset(&one, 0, sizeof one);
	one.units = 1;
	one.frames = 1;
	one.bytes_h2c = u ? u->wire_len : 0;
	d->sum.units -= one.units, d->sum.frames -= one.frames, d->sum.bytes_h2c -= one.bytes_h2c;
	esp_flash_end(d);
	emit_end(d, cur->frame ? cur->frame - 1 : 0);
	d->base = d->sum;
	compact(d);
	d->sum.units += one.units, d->sum.frames += one.frames, d->sum.bytes_h2c += one.bytes_h2c;
	esp_session_start(d, cur->frame, cur->ts_ns);
}

void esp_session_finish(esp_decoder *d)
{
	if (d->ses_no > 1)
		emit_end(d, d->sum.units);
	d->sum.sessions = d->ses_no ? d->ses_no : 1;
	d->sum.regions_total = d->regions_total;
	d->sum.first_frame = 1;
	d->sum.last_frame = d->sum.units;
	size_t n = d->sum.n_regions;
	d->sum.regions = d->regions ? d->regions + (n > ESP_SUMMARY_REGIONS ? n - ESP_SUMMARY_REGIONS : 0) : NULL;
	d->sum.n_regions = n > ESP_SUMMARY_REGIONS ? ESP_SUMMARY_REGIONS : n;
}

bool esp_session_region_room(esp_decoder *d)
{
	size_t n = d->sum.n_regions;
	if (n - d->ses_region0 < ESP_SESSION_REGIONS)
		return true;
	/* A session writing more regions than anyone flashes: drop its oldest. */
	size_t drop = d->ses_region0;
	memmove(d->regions + drop, d->regions + drop + 1, (n - drop - 1) * sizeof *d->regions);
	d->sum.n_regions = n - 1;
	d->ses_dropped++;
	for (int i = 0; i < ESP_PENDING_MAX; i++)
		if (d->pend[i].region > (int)drop)
			d->pend[i].region--;
		else if (d->pend[i].region == (int)drop)
			d->pend[i].region = -1;
	return true;
}
