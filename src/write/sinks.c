/* sinks.c: opens the asked-for writers and routes units and records to them. */
#include "write/sinks.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "write/jsonl.h"
#include "write/pcapng.h"
#include "write/text.h"

struct esp_sinks {
	esp_pcapng *pcap;
	esp_jsonl *json;
	esp_text *text;
	bool live;
	uint64_t records;
	uint64_t last_flush_ms;
	/* The unit waits here until its record arrives, so its EPB can carry the
	 * decoded verdict as a comment; the next unit or close writes it anyway. */
	bool pending;
	esp_unit pu;
	uint8_t *pbuf;
	size_t pcap_cap;
	esp_error err; /* first failure */
	bool pcap_failed;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void keep(esp_sinks *s, esp_status st, const esp_error *e)
{
	if (st != ESP_OK && s->err.status == ESP_OK)
		s->err = *e;
}

static void write_pending(esp_sinks *s, const char *comment)
{
	if (!s->pending)
		return;
	s->pending = false;
	/* only the pcapng's own failure stops it: a JSON Lines reader that went
	 * away must not cost the capture its end */
	if (s->pcap_failed)
		return;
	esp_error e = {0};
	esp_status st = esp_pcapng_write(s->pcap, &s->pu, comment, &e);
	s->pcap_failed = st != ESP_OK;
	keep(s, st, &e);
}

esp_status esp_sinks_open(const esp_sinks_opts *o, const esp_session_info *si, esp_sinks **out, esp_error *e)
{
	*out = NULL;
	esp_sinks *s = calloc(1, sizeof *s);
	if (!s)
		return esp_error_set(e, ESP_E_NOMEM, "", ESP_LOC_NONE, 0, 0, "out of memory");
	s->live = o->live;
	s->last_flush_ms = now_ms();
	esp_status st = ESP_OK;
	if (o->pcapng_path) {
		esp_pcapng_opts po = {
			.linktype = o->linktype,
			.if_name = si->ports[0] ? si->ports[0] : si->source,
			.userappl = si->tool,
			.start_unix_ns = si->start_unix_ns,
			.force = o->force,
		};
		st = esp_pcapng_open(o->pcapng_path, &po, &s->pcap, e);
	}
	if (st == ESP_OK && o->jsonl_path) {
		st = esp_jsonl_open_force(o->jsonl_path, o->force, &s->json, e);
		if (st == ESP_OK)
			st = esp_jsonl_session(s->json, si, e);
	}
	if (st == ESP_OK && o->text != ESP_TEXT_OFF) {
		FILE *f = o->text_out ? o->text_out : stdout;
		bool col = o->colour > 0;
		if (o->colour < 0) {
			const char *nc = getenv("NO_COLOR");
			col = !(nc && *nc) && isatty(fileno(f));
		}
		s->text = esp_text_new(f, o->text, col);
		if (!s->text)
			st = esp_error_set(e, ESP_E_NOMEM, "", ESP_LOC_NONE, 0, 0, "out of memory");
	}
	if (st != ESP_OK) {
		esp_pcapng_close(s->pcap, NULL);
		esp_jsonl_close(s->json, NULL);
		esp_text_free(s->text);
		free(s);
		return st;
	}
	*out = s;
	return ESP_OK;
}

void esp_sinks_unit(const esp_unit *u, void *sinks)
{
	esp_sinks *s = sinks;
	if (!s->pcap)
		return;
	write_pending(s, NULL);
	if (u->wire_len > s->pcap_cap) {
		size_t cap = s->pcap_cap ? s->pcap_cap : 256;
		while (cap < u->wire_len)
			cap *= 2;
		uint8_t *p = realloc(s->pbuf, cap);
		if (!p) {
			esp_error e;
			keep(s, esp_error_set(&e, ESP_E_NOMEM, "", ESP_LOC_FRAME, u->frame_no, 0, "out of memory"), &e);
			return;
		}
		s->pbuf = p;
		s->pcap_cap = cap;
	}
	s->pu = *u;
	if (u->wire_len)
		memcpy(s->pbuf, u->wire, u->wire_len);
	s->pu.wire = s->pbuf;
	/* payload is not written to the file; drop the dangling pointer. */
	s->pu.payload = NULL;
	s->pu.payload_len = 0;
	s->pending = true;
	if (s->live)
		esp_sinks_tick(s);
}

void esp_sinks_record(const esp_record *r, void *sinks)
{
	esp_sinks *s = sinks;
	s->records++;
	if (s->pending && r->unit && r->frame == s->pu.frame_no) {
		char verdict[256];
		esp_text_verdict(r, verdict, sizeof verdict);
		write_pending(s, verdict);
	}
	if (s->json) {
		esp_error e = {0};
		keep(s, esp_jsonl_record(s->json, r, &e), &e);
	}
	esp_text_record(s->text, r);
	if (s->live)
		esp_sinks_tick(s);
}

void esp_sinks_tick(esp_sinks *s)
{
	uint64_t t = now_ms();
	if (t - s->last_flush_ms < 100)
		return;
	s->last_flush_ms = t;
	/* A unit waiting for its record may wait no longer than a flush period. */
	write_pending(s, NULL);
	esp_error e = {0};
	if (s->pcap)
		keep(s, esp_pcapng_flush(s->pcap, &e), &e);
	if (s->json)
		keep(s, esp_jsonl_flush(s->json, &e), &e);
}

esp_status esp_sinks_status(const esp_sinks *s, esp_error *e)
{
	if (s->err.status != ESP_OK && e)
		*e = s->err;
	return s->err.status;
}

esp_status esp_sinks_close(esp_sinks *s, const esp_summary *summary, esp_error *e)
{
	if (!s)
		return ESP_OK;
	write_pending(s, NULL);
	esp_error le = {0};
	if (s->json) {
		keep(s, esp_jsonl_summary(s->json, summary, s->records, &le), &le);
		keep(s, esp_jsonl_close(s->json, &le), &le);
	}
	if (s->pcap)
		keep(s, esp_pcapng_close(s->pcap, &le), &le);
	esp_text_summary(s->text, summary);
	esp_text_free(s->text);
	esp_status st = esp_sinks_status(s, e);
	free(s->pbuf);
	free(s);
	return st;
}
