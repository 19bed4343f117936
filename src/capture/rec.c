/* rec.c: the live verbs' recorder: clock, pipeline, sinks and stop flag. */
#include "capture/rec.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile atomic_int esp_rec_stop;

struct esp_rec {
	uint64_t t0;
	esp_pipeline *pipe;
	esp_sinks *sinks;
	void (*on_record)(const esp_record *r, void *user);
	void *user;
};

uint64_t esp_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_unit(const esp_unit *u, void *user)
{
	esp_sinks_unit(u, ((esp_rec *)user)->sinks);
}

static void on_record(const esp_record *rec, void *user)
{
	esp_rec *r = user;
	esp_sinks_record(rec, r->sinks);
	if (r->on_record)
		r->on_record(rec, r->user);
}

esp_status esp_rec_open(const esp_rec_opts *o, esp_rec **out, esp_error *e)
{
	esp_rec *r = calloc(1, sizeof *r);
	if (!r)
		return esp_error_set(e, ESP_E_NOMEM, "esptap", ESP_LOC_NONE, 0, 0, "out of memory");
	struct timespec wall;
	clock_gettime(CLOCK_REALTIME, &wall);
	r->t0 = esp_mono_ns();
	esp_session_info si = o->info;
	si.start_unix_ns = (uint64_t)wall.tv_sec * 1000000000u + (uint64_t)wall.tv_nsec;
	if (!si.format)
		si.format = "live";
	esp_sinks_opts so = o->sinks;
	so.live = true;
	esp_status st = esp_sinks_open(&so, &si, &r->sinks, e);
	if (st != ESP_OK) {
		free(r);
		return st;
	}
	r->on_record = o->on_record;
	r->user = o->user;
	esp_pipeline_opts po = {.initial_baud = si.baud,
				.unit_sink = on_unit,
				.record_sink = on_record,
				.user = r};
	r->pipe = esp_pipeline_new(&po);
	if (!r->pipe) {
		esp_sinks_close(r->sinks, NULL, NULL);
		free(r);
		return esp_error_set(e, ESP_E_NOMEM, "esptap", ESP_LOC_NONE, 0, 0, "out of memory");
	}
	*out = r;
	return ESP_OK;
}

uint64_t esp_rec_now(const esp_rec *r)
{
	return esp_mono_ns() - r->t0;
}

void esp_rec_event(esp_rec *r, const esp_event *ev)
{
	esp_pipeline_event(r->pipe, ev);
}

void esp_rec_bytes(esp_rec *r, esp_dir dir, const uint8_t *p, size_t n)
{
	if (!n)
		return;
	esp_event ev = {.ts_ns = esp_rec_now(r), .dir = dir, .kind = ESP_EV_BYTES, .data = p, .len = n};
	esp_pipeline_event(r->pipe, &ev);
}

void esp_rec_line(esp_rec *r, esp_event_kind kind, esp_dir dir, uint32_t value, uint8_t modem)
{
	esp_event ev = {.ts_ns = esp_rec_now(r), .dir = dir, .kind = kind, .value = value, .modem = modem};
	esp_pipeline_event(r->pipe, &ev);
}

void esp_rec_note(esp_rec *r, const char *text)
{
	esp_event ev = {.ts_ns = esp_rec_now(r), .dir = ESP_DIR_NONE, .kind = ESP_EV_NOTE,
			.data = (const uint8_t *)text, .len = strlen(text)};
	esp_pipeline_event(r->pipe, &ev);
}

void esp_rec_tick(esp_rec *r)
{
	/* Console text without a newline is written after 100 ms of quiet, like
	 * everything else the files carry. */
	esp_pipeline_idle(r->pipe, esp_rec_now(r), 100000000ull);
	esp_sinks_tick(r->sinks);
}

esp_status esp_rec_close(esp_rec *r, esp_error *e)
{
	if (!r)
		return ESP_OK;
	/* The capture's last unit marks when it ended, so a request still waiting
	 * then shows as a timeout when the file is decoded again. */
	static const char end[] = "end of capture";
	esp_event ev = {.ts_ns = esp_rec_now(r), .kind = ESP_EV_NOTE, .data = (const uint8_t *)end,
			.len = sizeof end - 1};
	esp_pipeline_event(r->pipe, &ev);
	esp_pipeline_finish(r->pipe, ev.ts_ns);
	esp_status st = esp_sinks_close(r->sinks, esp_pipeline_summary(r->pipe), e);
	esp_pipeline_free(r->pipe);
	free(r);
	return st;
}

static void on_signal(int sig)
{
	(void)sig;
	esp_rec_stop = 1;
}

void esp_rec_catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
