/* cmd_diagnose.c: the 'diagnose' verb: a capture or trace log in, findings with remedies out (text or one JSON object). */
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/offline.h"
#include "write/jsonl.h"
#include "write/text.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: esptap diagnose [OPTIONS] FILE\n"
		"Say what went wrong in a capture or a flasher's trace log: findings with the frames\n"
		"they rest on and a remedy, errors first (codes as in the summary record's findings).\n\n"
		"      --json            print one JSON object {\"findings\": [...], ...} instead of text\n"
		OFFLINE_HELP
		"  -h, --help            this help\n\n"
		"exit status: 0 no error finding, 1 an error finding, 2 usage, 3 input missing,\n"
		"4 unknown format, 5 input cut short (and no error finding in what came before), 8 internal\n");
}

static void print_text(const offline_opts *o, const offline_info *info, const esp_summary *s, bool colour)
{
	const esp_chip_info *ci = s->chip != ESP_CHIP_UNKNOWN ? esp_chip_get(s->chip) : NULL;
	printf("%s: %s%s%s, chip %s\n", o->input, info->format, info->flasher[0] ? ", " : "", info->flasher,
	       ci ? ci->pretty : "unknown");
	if (!s->n_findings) {
		printf("no findings\n");
		return;
	}
	for (size_t i = 0; i < s->n_findings; i++) {
		const esp_finding *f = &s->findings[i];
		char frames[96];
		esp_text_frames(f, frames, sizeof frames);
		const char *on = !colour ? "" : f->severity == ESP_SEV_ERROR ? "\033[1;31m" : f->severity ? "\033[33m" : "";
		printf("%s%-7s%s %s: %s%s\n        remedy: %s\n", on, esp_severity_name(f->severity), colour ? "\033[0m" : "",
		       f->code, f->summary, frames, f->remedy);
	}
}

static int print_json(const offline_opts *o, const offline_info *info, const esp_summary *s)
{
	json_t *j = json_object();
	const esp_chip_info *ci = s->chip != ESP_CHIP_UNKNOWN ? esp_chip_get(s->chip) : NULL;
	json_object_set_new(j, "findings", esp_json_findings(s));
	json_object_set_new(j, "source", json_string(o->input));
	json_object_set_new(j, "format", json_string(info->format));
	json_object_set_new(j, "flasher", info->flasher[0] ? json_string(info->flasher) : json_null());
	json_object_set_new(j, "chip", ci ? json_string(ci->name) : json_null());
	json_object_set_new(j, "stub", json_boolean(s->stub));
	char *txt = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!txt)
		return cli_failf(EXIT_INTERNAL, "diagnose: out of memory");
	puts(txt);
	free(txt);
	return 0;
}

int cmd_diagnose(int argc, char **argv)
{
	offline_opts o = {.dir = ESP_DIR_NONE};
	bool json = false;
	enum { O_JSON = 256 };
	static const struct option lo[] = {
		{"json", no_argument, NULL, O_JSON}, {"help", no_argument, NULL, 'h'}, OFFLINE_LONG_OPTS, {NULL, 0, NULL, 0},
	};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == O_JSON) {
			json = true;
			continue;
		}
		int rc = offline_option(c, optarg, &o, "diagnose");
		if (rc > 0)
			return rc;
		if (rc < 0)
			return cli_failf(EXIT_USAGE, "diagnose: %s: unknown option or missing value (try --help)",
					 argv[optind - 1]);
	}
	if (optind != argc - 1)
		return cli_failf(EXIT_USAGE, "diagnose: give exactly one input FILE (try --help)");
	o.input = argv[optind];

	esp_error e = {0};
	esp_pipeline *p = NULL;
	offline_info info;
	esp_status st = offline_run(&o, NULL, NULL, &p, &info, &e);
	if (!p)
		return cli_fail(&e);
	int in_rc = st == ESP_OK ? 0 : cli_fail(&e);
	const esp_summary *s = esp_pipeline_summary(p);
	int rc = json ? print_json(&o, &info, s) : (print_text(&o, &info, s, cli_use_colour(stdout)), 0);
	bool err = esp_diag_has_error(esp_pipeline_diag(p));
	esp_pipeline_free(p);
	if (rc)
		return rc;
	return err ? EXIT_FINDINGS : in_rc;
}
