/* live_common.h: what the live verbs (proxy, run, rfc2217, tap) share on the
 * command line: the output options (-w, -j, -q, --progress, -b), opening the
 * recorder from them, and turning how a session ended into an exit status.
 * Prints only errors, on stderr.
 */
#ifndef ESPTAP_CLI_LIVE_COMMON_H
#define ESPTAP_CLI_LIVE_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/rec.h"
#include "core/err.h"

typedef struct {
	const char *pcapng, *jsonl;
	bool quiet, progress;
	uint32_t baud;
} live_out;

/* Long options shared by the live verbs: ids above 256. */
enum { LIVE_OPT_PROGRESS = 300 };
#define LIVE_SHORT_OPTS "w:j:qb:"
#define LIVE_LONG_OPTS \
	{"write", required_argument, NULL, 'w'}, {"jsonl", required_argument, NULL, 'j'}, \
	{"quiet", no_argument, NULL, 'q'}, {"progress", no_argument, NULL, LIVE_OPT_PROGRESS}, \
	{"baud", required_argument, NULL, 'b'}

/* 1: handled, 0: not a shared option, -1: bad value (message printed). */
int live_opt(live_out *o, int c, const char *arg);
/* "115200", "1500000" -> rate; 0 if invalid. */
uint32_t live_parse_baud(const char *s);
/* Open the recorder; on failure prints and returns the exit code, else 0. */
int live_rec_open(const live_out *o, const char *verb, const char *source, const char *port2,
		  void (*on_record)(const esp_record *, void *), void *user, esp_rec **rec);
/* A port or link could not be opened: one line, EXIT_PORT (usage errors keep theirs). */
int live_port_fail(const esp_error *e);
/* Close the recorder and choose the exit status from how the session ended:
 * st/e: the loop's result; signalled: stopped by SIGINT/SIGTERM. */
int live_finish(esp_rec *rec, esp_status st, const esp_error *e, bool signalled);

#endif
