/* diagnose.h: the analyzers and the diagnosis. Sees the decoder's records in
 * order, once (the same code live and offline), annotates them with notes of
 * stable codes (boot log, checksum cause, baud, retries, the flasher's own
 * mistakes) and, when the session ends, turns what it saw into findings: one
 * per code of ../shared/TROUBLESHOOTING.md plus `host-...` codes, each with a
 * severity, the frames it rests on, a summary and a remedy.
 *
 * Memory is bounded: a fixed table of findings (one per code, at most
 * ESP_FINDING_MAX_FRAMES frames each, further occurrences only counted), a
 * line buffer for the chip's console text and a few counters. Pure: no I/O.
 * The context owns its findings; pointers returned stay valid until the next
 * esp_diag_reset or esp_diag_free. Analyzers live in analyze_boot.c (console
 * text), analyze_baud.c (the rate garbage fits) and analyze_proto.c
 * (checksums, sequence numbers, timeouts, baud changes, host checks);
 * diagnose.c holds the findings.
 */
#ifndef ESPTAP_CORE_DIAGNOSE_H
#define ESPTAP_CORE_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/esp_decode.h"

typedef enum { ESP_SEV_INFO = 0, ESP_SEV_WARNING = 1, ESP_SEV_ERROR = 2 } esp_severity;

#define ESP_FINDING_MAX_FRAMES 8

typedef struct esp_finding {
	const char *code;      /* stable: "no-sync", "baud-mismatch", "host-checksum", ... */
	esp_severity severity;
	uint64_t frames[ESP_FINDING_MAX_FRAMES]; /* ascending, the first ones it rests on */
	int n_frames;
	uint64_t occurrences;  /* how many times the evidence was seen (frames beyond the cap included) */
	char summary[320];     /* one line, esptap's words */
	const char *remedy;    /* one or two sentences (static) */
} esp_finding;

typedef struct esp_diag esp_diag;

esp_diag *esp_diag_new(void);
void esp_diag_free(esp_diag *g);
/* Forget everything: a new session starts (findings included). */
void esp_diag_reset(esp_diag *g);
/* One record, in order. Notes for it go into out[0..max) and their number is
 * returned; the caller appends them to the record before writing it. */
int esp_diag_record(esp_diag *g, const esp_record *r, esp_note *out, int max);
/* The session ended: weigh the evidence (and the decoder's summary s, may be
 * NULL) into findings. Calling it again recomputes from the same evidence. */
void esp_diag_finish(esp_diag *g, const esp_summary *s);
/* Findings of the last esp_diag_finish, errors first, then warnings, infos. */
const esp_finding *esp_diag_findings(const esp_diag *g, size_t *n);
/* Whether any finding is an error (the diagnose verb's exit status). */
bool esp_diag_has_error(const esp_diag *g);
const char *esp_severity_name(esp_severity s); /* "info", "warning", "error" */

/* Exposed for tests: the usual rate below `read_baud` at which text, sent
 * back to back, reads as exactly these bytes at `read_baud` under the 8N1
 * line model (core/uart.h); 0 when none does (analyze_baud.c). Bounded work. */
uint32_t esp_baud_estimate(const uint8_t *p, size_t n, uint32_t read_baud);

#endif
