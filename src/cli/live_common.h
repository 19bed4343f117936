/* live_common.h: what the live verbs (proxy, run, rfc2217, tap) share on the
 * command line: the output options (-w, -j, -q, --progress, -b, --linktype,
 * --color), the getopt loop that takes them with each verb's own, opening the
 * recorder from them, and turning how a session ended into an exit status.
 * Prints only errors (stderr) and the verb's usage; never exits: it returns
 * the status for the verb to return. Every string it stores points into argv.
 */
#ifndef ESPTAP_CLI_LIVE_COMMON_H
#define ESPTAP_CLI_LIVE_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/rec.h"
#include "core/err.h"

/* Defaults in one place: a zeroed live_out is them (colour 0 here means auto). */
typedef struct {
	const char *pcapng, *jsonl;
	bool quiet, progress;
	uint32_t baud;     /* 0: 115200 */
	int linktype;      /* 0: 147 */
	int colour;        /* 0 auto, 1 always, 2 never */
	bool force;        /* --force: see write/outfile.h */
} live_out;

/* Long options shared by the live verbs: ids above 256. --json is decode's
 * name for -j, so both spellings work everywhere. */
enum { LIVE_OPT_PROGRESS = 300, LIVE_OPT_LINKTYPE, LIVE_OPT_COLOR, LIVE_OPT_FORCE };
#define LIVE_SHORT_OPTS "w:j:qb:"
#define LIVE_LONG_OPTS \
	{"write", required_argument, NULL, 'w'}, {"jsonl", required_argument, NULL, 'j'}, \
	{"json", required_argument, NULL, 'j'}, \
	{"quiet", no_argument, NULL, 'q'}, {"progress", no_argument, NULL, LIVE_OPT_PROGRESS}, \
	{"baud", required_argument, NULL, 'b'}, {"linktype", required_argument, NULL, LIVE_OPT_LINKTYPE}, \
	{"color", required_argument, NULL, LIVE_OPT_COLOR}, {"colour", required_argument, NULL, LIVE_OPT_COLOR}, \
	{"force", no_argument, NULL, LIVE_OPT_FORCE}

/* --help: the shared options, then (port_forms) a blank line and the PORT
 * forms the verbs with --port accept. */
void live_usage_common(FILE *f, bool port_forms);

/* A verb's own option: its getopt value and where its argument goes; the
 * list ends with {0}. */
typedef struct {
	int c;
	const char **dest;
	bool required;
} live_arg;

/* One verb's command line: its tables hold its own options, "h"/"help" and
 * LIVE_SHORT_OPTS/LIVE_LONG_OPTS; command: operands are a command to run (at
 * least one), else none are allowed. */
typedef struct {
	const char *shortopts;
	const struct option *longopts;
	const live_arg *own;
	bool command;
	void (*usage)(FILE *);
} live_verb;

/* Parse argv into o and the verb's own dests. LIVE_GO: go on (optind is at the
 * first operand); else the exit status to return: 0 after --help (usage on
 * stdout), EXIT_USAGE for a bad value (one line) or a bad command line (usage
 * on stderr). */
enum { LIVE_GO = -1 };
int live_parse(int argc, char **argv, const live_verb *v, live_out *o);
/* "115200", "1500000" -> rate; 0 if invalid. */
uint32_t live_parse_baud(const char *s);
/* Open the recorder; on failure prints and returns the exit code, else 0. */
int live_rec_open(const live_out *o, const char *verb, const char *source, const char *port2,
		  void (*on_record)(const esp_record *, void *), void *user, esp_rec **rec);
/* A port or link could not be opened: one line, EXIT_PORT (usage errors keep theirs). */
int live_port_fail(const esp_error *e);
/* The same, and when the port was busy or not permitted and -w/-j were given,
 * those files are still written, holding the fault as esptap's note, so the
 * capture's diagnosis (port-busy, port-permission) names the holder or group.
 * port, port2 (may be NULL): the ports; a link or address in the way writes nothing. */
int live_open_fail(const live_out *o, const char *verb, const char *port, const char *port2, const esp_error *e);
/* Close the recorder and choose the exit status from how the session ended:
 * st/e: the loop's result; signalled: stopped by SIGINT/SIGTERM. */
int live_finish(esp_rec *rec, esp_status st, const esp_error *e, bool signalled);

#endif
