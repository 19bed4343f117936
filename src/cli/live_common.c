/* live_common.c: options, recorder opening and exit status shared by the live verbs. */
#include "cli/live_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

uint32_t live_parse_baud(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || v < 50 || v > 20000000)
		return 0;
	return (uint32_t)v;
}

static void live_usage_port(FILE *f)
{
	fprintf(f, "PORT is one of:\n"
		   "  /dev/ttyUSB0, /dev/ttyACM0, ...  a serial port, opened exclusively ('esptap ports' lists them)\n"
		   "  PATH                      a pty or a symlink to one (e.g. what 'esptap sim --link PATH' made)\n"
		   "  sim:CHIP[,flash=FILE][,fault=SPEC]...[,download]\n"
		   "                            the simulator, in-process. CHIP: esp8266, esp32, esp32s2, esp32s3,\n"
		   "                            esp32c3, esp32c6, ...; flash=FILE keeps its flash in FILE (default:\n"
		   "                            memory); fault=SPEC as 'esptap sim --fault' (repeatable); download:\n"
		   "                            start waiting in the loader ('proxy' always does; under 'run' and\n"
		   "                            'rfc2217' the flasher's DTR/RTS reset sequence puts it there)\n");
}

void live_usage_common(FILE *f, bool port_forms)
{
	fprintf(f, "  -w, --write FILE     record a pcapng capture to FILE (default: none)\n"
		   "  -j, --jsonl FILE     record a JSON Lines trace to FILE, '-' for stdout (then no text view);\n"
		   "                       also --json (default: none)\n"
		   "  -q, --quiet          no text view (default: one line per frame on stdout)\n"
		   "      --progress       text view: one status line per flash region (offset, %%, KB/s, errors)\n"
		   "  -b, --baud RATE      initial rate, 50..20000000 (default 115200)\n"
		   "      --linktype N     pcapng USER link type, 147..162 (default 147)\n"
		   "      --color WHEN     auto|always|never (default auto: stdout a terminal and NO_COLOR unset)\n"
		   "      --force          overwrite a -w/-j file that is not a plain file of yours (never a symlink)\n"
		   "  -h, --help           this help\n");
	if (port_forms) {
		fputc('\n', f);
		live_usage_port(f);
	}
}

/* 1: handled, 0: not a shared option, -1: bad value (message printed). */
static int live_opt(live_out *o, int c, const char *arg)
{
	switch (c) {
	case LIVE_OPT_LINKTYPE: {
		char *end;
		unsigned long v = strtoul(arg, &end, 10);
		if (*end || v < 147 || v > 162) {
			cli_failf(EXIT_USAGE, "--linktype: '%s' is not a USER link type (147..162)", arg);
			return -1;
		}
		o->linktype = (int)v;
		return 1;
	}
	case LIVE_OPT_COLOR:
		if (!strcmp(arg, "auto"))
			o->colour = 0;
		else if (!strcmp(arg, "always"))
			o->colour = 1;
		else if (!strcmp(arg, "never"))
			o->colour = 2;
		else {
			cli_failf(EXIT_USAGE, "--color: '%s' is not auto, always or never", arg);
			return -1;
		}
		return 1;
	case 'w': o->pcapng = arg; return 1;
	case 'j': o->jsonl = arg; return 1;
	case 'q': o->quiet = true; return 1;
	case LIVE_OPT_PROGRESS: o->progress = true; return 1;
	case LIVE_OPT_FORCE: o->force = true; return 1;
	case 'b':
		o->baud = live_parse_baud(arg);
		if (!o->baud) {
			cli_failf(EXIT_USAGE, "--baud: '%s' is not a rate from 50 to 20000000", arg);
			return -1;
		}
		return 1;
	}
	return 0;
}

int live_parse(int argc, char **argv, const live_verb *v, live_out *o)
{
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, v->shortopts, v->longopts, NULL)) != -1) {
		int k = live_opt(o, c, optarg);
		if (k < 0)
			return EXIT_USAGE;
		if (k)
			continue;
		if (c == 'h') {
			v->usage(stdout);
			return 0;
		}
		const live_arg *a = v->own;
		while (a->c && a->c != c)
			a++;
		if (!a->c) { /* getopt's '?': it has named the option */
			v->usage(stderr);
			return EXIT_USAGE;
		}
		*a->dest = optarg;
	}
	bool ok = v->command ? optind < argc : optind == argc;
	for (const live_arg *a = v->own; a->c; a++)
		ok = ok && (!a->required || *a->dest);
	if (!ok) {
		v->usage(stderr);
		return EXIT_USAGE;
	}
	return LIVE_GO;
}

int live_rec_open(const live_out *o, const char *verb, const char *source, const char *port2,
		  void (*on_record)(const esp_record *, void *), void *user, esp_rec **rec)
{
	static char tool[64];
	snprintf(tool, sizeof tool, "esptap %s", PACKAGE_VERSION);
	esp_rec_opts ro = {
		.sinks = {.pcapng_path = o->pcapng,
			  .jsonl_path = o->jsonl,
			  .text = o->quiet ? ESP_TEXT_OFF : o->progress ? ESP_TEXT_PROGRESS : ESP_TEXT_FRAMES,
			  .text_out = stdout,
			  .linktype = o->linktype,
			  .colour = o->colour == 0 ? -1 : o->colour == 1 ? 1 : 0,
			  .live = true,
			  .force = o->force},
		.info = {.tool = tool, .verb = verb, .source = source, .format = "live",
			 .ports = {source, port2}, .baud = o->baud ? o->baud : 115200},
		.on_record = on_record,
		.user = user,
	};
	/* the JSON Lines trace on stdout and the text view would mix */
	if (o->jsonl && o->jsonl[0] == '-' && !o->jsonl[1])
		ro.sinks.text = ESP_TEXT_OFF;
	esp_error e = {0};
	if (esp_rec_open(&ro, rec, &e) != ESP_OK)
		return cli_fail(&e);
	return 0;
}

int live_port_fail(const esp_error *e)
{
	cli_fail(e);
	if (e->status == ESP_E_USAGE || e->status == ESP_E_NOMEM || e->status == ESP_E_INTERNAL)
		return esp_exit_code(e->status);
	return EXIT_PORT;
}

/* esptap's own note about the port: the diagnosis reads "esptap: CODE: TEXT" (analyze_proto.c). */
static void port_note(esp_rec *rec, const char *code, const esp_error *e)
{
	char msg[700], note[760];
	esp_error_format(e, msg, sizeof msg);
	snprintf(note, sizeof note, "esptap: %s: %s", code, msg);
	esp_rec_note(rec, note);
}

int live_open_fail(const live_out *o, const char *verb, const char *port, const char *port2, const esp_error *e)
{
	int code = live_port_fail(e);
	bool is_port = (port && !strcmp(e->source, port)) || (port2 && !strcmp(e->source, port2));
	if ((e->status != ESP_E_PORT_BUSY && e->status != ESP_E_PERM) || !is_port || (!o->pcapng && !o->jsonl))
		return code;
	live_out q = *o;
	q.quiet = true; /* the fault is on stderr already */
	esp_rec *rec = NULL;
	if (live_rec_open(&q, verb, e->source, NULL, NULL, NULL, &rec) != 0)
		return code;
	port_note(rec, e->status == ESP_E_PORT_BUSY ? "port-busy" : "port-permission", e);
	esp_rec_close(rec, NULL);
	return code;
}

int live_finish(esp_rec *rec, esp_status st, const esp_error *e, bool signalled)
{
	int code = 0;
	if (st == ESP_E_GONE) {
		port_note(rec, "port-vanished", e);
		cli_fail(e);
		code = EXIT_PORT_GONE;
	} else if (st != ESP_OK) {
		code = cli_fail(e);
	} else if (signalled) {
		code = EXIT_INTERRUPTED;
	}
	esp_error ce = {0};
	if (esp_rec_close(rec, &ce) != ESP_OK) {
		int c2 = cli_fail(&ce);
		if (!code)
			code = c2;
	}
	return code;
}
