/* diff.h: two sessions side by side (`esptap diff`).
 *
 * Owns the reduction of one session's records to a compact sequence of
 * steps, and the alignment of two such sequences into an ordered list of
 * differences. A step is one command exchange, or a collapsed stretch that
 * would otherwise be thousands of records: a run of data blocks of one op
 * (count, block size, first/last seq, bytes, errors, retries), the connect
 * phase (SYNCs and chip-detect probes), a RAM load (MEM_BEGIN..MEM_END, the
 * stub when OHAI follows), a stretch of register reads and writes. So memory
 * grows with the number of steps, never with the size of the capture, and is
 * capped (ESP_DIFF_MAX_STEPS); the alignment (Myers over step keys: op, and a
 * flash write's offset; stretches left unmatched are then paired by op) keeps
 * (d+1)^2 ints for an edit distance d, capped at ESP_DIFF_MAX_EDITS, past which
 * the rest is compared step by step. Payload bytes are never kept.
 *
 * What legitimately differs is reported as info and does not make two
 * sessions differ: timestamps, SYNC retries, chip-detect probes, the stub's
 * build (sizes, addresses, entry, MEM_DATA contents), register housekeeping,
 * READ_REG values, compressed vs plain transfer of the same region, and
 * latencies (an outlier is info). Host-side differences (a command one side
 * sends and the other does not, different parameters) are warnings; different
 * answers from the chip, data written or verified differently, are errors.
 *
 * Pure: no I/O. Records go in through esp_diff_side_record (the pipeline's
 * record callback); the caller frees sides and results with their _free.
 */
#ifndef ESPTAP_CORE_DIFF_H
#define ESPTAP_CORE_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/esp_decode.h"
#include "core/record.h"

#define ESP_DIFF_MAX_STEPS 20000 /* per side; further records are counted, not kept */
#define ESP_DIFF_MAX_ITEMS 2000  /* differences kept; more are only counted */
#define ESP_DIFF_MAX_EDITS 2000  /* alignment gives up (position by position) beyond this */

typedef struct esp_diff_side esp_diff_side;

esp_diff_side *esp_diff_side_new(void);
void esp_diff_side_free(esp_diff_side *s);
/* Feed one record (in order). */
void esp_diff_side_record(esp_diff_side *s, const esp_record *r);
/* After the last record; sum (may be NULL) gives the regions written. */
void esp_diff_side_finish(esp_diff_side *s, const esp_summary *sum);
size_t esp_diff_side_steps(const esp_diff_side *s);
uint64_t esp_diff_side_commands(const esp_diff_side *s);
bool esp_diff_side_capped(const esp_diff_side *s); /* hit ESP_DIFF_MAX_STEPS */
/* Text of step i ("FLASH_DEFL_DATA x5 (16384 B blocks, seq 0-4)"), for tests and the text view. */
void esp_diff_side_step_text(const esp_diff_side *s, size_t i, char *buf, size_t n);

typedef enum { ESP_DIFF_INFO = 0, ESP_DIFF_WARNING = 1, ESP_DIFF_ERROR = 2 } esp_diff_level;

typedef struct {
	esp_diff_level level;
	const char *kind;  /* "only-a", "only-b", "moved", "param", "answer", "count", "timing", "region" */
	char what[32];     /* the step: an op name, "connect", "stub", "registers", "ram-load", "region" */
	char field[24];    /* the parameter or answer part that differs, "" if none */
	char a[64], b[64]; /* each side's value as text, "" when that side has none */
	uint64_t a_frame, b_frame; /* frames (Wireshark packet numbers) where it shows, 0 = none */
	char text[200];    /* one sentence */
} esp_diff_item;

typedef struct {
	double ratio;   /* latency ratio that makes an outlier (default 10) */
	double min_ms;  /* ... when the slower side also took at least this much longer (default 20 ms) */
} esp_diff_opts;

typedef struct {
	esp_diff_item *items;
	size_t n_items;
	size_t counts[3];        /* by level, including items not kept */
	size_t matched;          /* aligned step pairs */
	size_t steps_a, steps_b;
	bool gave_up;            /* edit distance beyond ESP_DIFF_MAX_EDITS: rest compared by position */
	const esp_diff_item *first; /* first warning or error, NULL if none */
} esp_diff_result;

/* NULL on out of memory. o may be NULL (defaults). */
esp_diff_result *esp_diff_run(const esp_diff_side *a, const esp_diff_side *b, const esp_diff_opts *o);
void esp_diff_result_free(esp_diff_result *r);
const char *esp_diff_level_name(esp_diff_level l); /* "info", "warning", "error" */

#endif
