/* tracelog_int.h: what the trace importer's two files share: the reader's
 * state (tr) and its byte side (tracelog_dump.c: hex and repr dumps, what a
 * cut dump leaves, bytes and notes fed to the pipeline). Internal to
 * src/capture/tracelog*.c; the state owns its buffers, which
 * esp_trace_import frees.
 */
#ifndef ESPTAP_CAPTURE_TRACELOG_INT_H
#define ESPTAP_CAPTURE_TRACELOG_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/tracelog.h"

/* What a wire or dump line carries. */
enum { W_NONE, W_WRITE, W_READ, W_REMAIN, W_SKIP };

#define WANT_ANY ((size_t)-1) /* `Remaining data` says no count */

/* Counts SLIP frames on one direction, only to cross-check the log's own
 * command / full-packet lines; the pipeline's deframer does the real work. */
typedef struct {
	size_t len;
	uint8_t first;
	uint64_t frames, cmds;
} frame_count;

typedef struct {
	const char *source;
	const esp_feed *feed;
	esp_error *e;
	esp_trace_result *r;
	bool js, flavour_known, any_msg;
	uint64_t ms; /* current time, ms since start */
	uint64_t line;

	int dump;        /* W_* of a hex dump continuing on the next lines */
	size_t want;     /* bytes the dump's header announced */
	uint64_t dump_line;
	bool wrap;       /* the dump's header line held bytes but too few: a wrapped line may follow */
	uint8_t *buf;
	size_t len, cap;

	uint64_t cmd_lines, full_packets;
	frame_count h2c, c2h;
	uint32_t pending_baud;

	/* esptool-js puts the bytes after a packet's end back in its buffer and
	 * shows them again at the head of its next `Read`: those already fed. */
	uint8_t *pend;
	size_t pend_len, pend_cap;
	bool in_pkt, esc;

	char *scratch;
	size_t scratch_cap;

	/* pasted logs: dumps cut short or holding other counts than announced */
	uint64_t cuts, cut_line;
	bool orphan;     /* inside a run of headerless dump lines */
	char cut_what[120]; /* the first one, for the error line */
} tr;

/* tracelog_dump.c. trace_grow: room for need bytes in *pp (capacity *cap). */
bool trace_grow(void *pp, size_t *cap, size_t need);
uint64_t trace_now_ns(const tr *t);
void trace_count_frames(frame_count *fc, const uint8_t *p, size_t n, bool h2c);
void trace_emit_event(tr *t, esp_event_kind k, esp_dir d, uint32_t value, const void *p, size_t n);
void trace_emit_bytes(tr *t, esp_dir d, const uint8_t *p, size_t n);
size_t trace_hex_append(tr *t, const char *s, size_t n, bool cut);
int trace_repr_append(tr *t, const char *s, size_t n);
void trace_js_reset(tr *t);
void trace_js_read(tr *t, const uint8_t *b, size_t n);
void trace_deliver(tr *t, int kind, const uint8_t *b, size_t n);
/* A dump of got bytes where want were announced: fed, gap, note, counted. */
void trace_damaged(tr *t, int k, uint64_t line, size_t got, size_t want);
esp_status trace_finish_dump(tr *t);
bool trace_is_wrapped_hex(const char *s, size_t n);
bool trace_is_continuation(const char *s, size_t n, bool nl);
/* A line cut so that its bytes are lost: a note, counted for the exit status. */
void trace_cut_note(tr *t, const char *what);

#endif
