/* live_common.c: options, recorder opening and exit status shared by the live verbs. */
#include "cli/live_common.h"

#include <stdio.h>
#include <stdlib.h>
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

int live_opt(live_out *o, int c, const char *arg)
{
	switch (c) {
	case 'w': o->pcapng = arg; return 1;
	case 'j': o->jsonl = arg; return 1;
	case 'q': o->quiet = true; return 1;
	case LIVE_OPT_PROGRESS: o->progress = true; return 1;
	case 'b':
		o->baud = live_parse_baud(arg);
		if (!o->baud) {
			cli_failf(EXIT_USAGE, "bad baud rate '%s'", arg);
			return -1;
		}
		return 1;
	}
	return 0;
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
			  .colour = -1,
			  .live = true},
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

int live_finish(esp_rec *rec, esp_status st, const esp_error *e, bool signalled)
{
	int code = 0;
	if (st == ESP_E_GONE) {
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
