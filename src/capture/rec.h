/* rec.h: the recording side shared by the live back-ends (proxy, run,
 * rfc2217, tap). Owns the capture clock (ns since start, monotonic), the
 * pipeline and the sinks, and the SIGINT/SIGTERM flag the poll loops watch.
 * Back-ends hand it events after they have forwarded the bytes, so recording
 * never adds latency to the link. Never touches a port; esp_rec_close writes
 * the summary and leaves every file valid.
 */
#ifndef ESPTAP_CAPTURE_REC_H
#define ESPTAP_CAPTURE_REC_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/event.h"
#include "core/record.h"
#include "write/sinks.h"

typedef struct esp_rec esp_rec;

typedef struct {
	esp_sinks_opts sinks;   /* paths, text mode, live forced on */
	esp_session_info info;  /* verb, source, ports; start time filled here */
	/* Optional: sees every record after the sinks (tap follows CHANGE_BAUDRATE). */
	void (*on_record)(const esp_record *r, void *user);
	void *user;
} esp_rec_opts;

esp_status esp_rec_open(const esp_rec_opts *o, esp_rec **out, esp_error *e);
/* Time since the capture's start, ns. */
uint64_t esp_rec_now(const esp_rec *r);
void esp_rec_event(esp_rec *r, const esp_event *ev);
/* Shorthands. */
void esp_rec_bytes(esp_rec *r, esp_dir dir, const uint8_t *p, size_t n);
void esp_rec_line(esp_rec *r, esp_event_kind kind, esp_dir dir, uint32_t value, uint8_t modem);
void esp_rec_note(esp_rec *r, const char *text);
/* Flush files if due; call from the poll loop at least every 100 ms. */
void esp_rec_tick(esp_rec *r);
esp_status esp_rec_close(esp_rec *r, esp_error *e);

/* Signal handling for live loops: SIGINT/SIGTERM set the flag (no restart). */
void esp_rec_catch_signals(void);
/* Set by SIGINT/SIGTERM, read by every relay thread (proxy with several
 * ports): a lock-free atomic, safe in a signal handler and across threads. */
extern volatile atomic_int esp_rec_stop;

/* Monotonic clock, ns. */
uint64_t esp_mono_ns(void);

#endif
