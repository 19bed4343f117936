/* cmd_report.c: the 'report' verb: a Markdown summary of a capture or trace log to paste into a bug tracker. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/offline.h"
#include "write/report.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: esptap report [OPTIONS] FILE\n"
		"Write a Markdown report of a capture or a flasher's trace log for a bug tracker: tool,\n"
		"chip, flasher, port and rates; a timeline (connect, stub, baud change, each region with\n"
		"size, time, throughput, verify); the findings with decoded lines around their frames.\n\n"
		"      --redact          leave out flash payloads, non-text chip output, register values and\n"
		"                        MAC addresses (lengths, checksums and MD5s stay)\n"
		"  -o, --output FILE     write the report to FILE (default stdout)\n"
		OFFLINE_HELP
		"  -h, --help            this help\n\n"
		"exit status: 0 written (whatever the findings), 2 usage, 3 input missing or output not\n"
		"writable, 4 unknown format, 5 input cut short (the report covers what came before), 8 internal\n");
}

int cmd_report(int argc, char **argv)
{
	offline_opts o = {.dir = ESP_DIR_NONE};
	bool redact = false;
	const char *outp = NULL;
	enum { O_REDACT = 256 };
	static const struct option lo[] = {
		{"redact", no_argument, NULL, O_REDACT}, {"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'}, OFFLINE_LONG_OPTS, {NULL, 0, NULL, 0},
	};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+ho:", lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == O_REDACT) {
			redact = true;
			continue;
		}
		if (c == 'o') {
			outp = optarg;
			continue;
		}
		int rc = offline_option(c, optarg, &o, "report");
		if (rc > 0)
			return rc;
		if (rc < 0)
			return cli_failf(EXIT_USAGE, "report: %s: unknown option or missing value (try --help)",
					 argv[optind - 1]);
	}
	if (optind != argc - 1)
		return cli_failf(EXIT_USAGE, "report: give exactly one input FILE (try --help)");
	o.input = argv[optind];

	/* Pass 1 finds the findings; pass 2 collects the timeline and the lines
	 * around the frames they rest on (the input is a file: it reads twice). */
	esp_error e = {0};
	esp_pipeline *p = NULL;
	offline_info info;
	(void)offline_run(&o, NULL, NULL, &p, &info, &e);
	if (!p)
		return cli_fail(&e);
	esp_report *rep = esp_report_new(redact);
	if (!rep) {
		esp_pipeline_free(p);
		return cli_failf(EXIT_INTERNAL, "report: out of memory");
	}
	esp_report_want(rep, esp_pipeline_summary(p));
	esp_pipeline_free(p);
	memset(&e, 0, sizeof e);
	esp_status st = offline_run(&o, esp_report_record, rep, &p, &info, &e);
	if (!p) {
		esp_report_free(rep);
		return cli_fail(&e);
	}
	int rc = st == ESP_OK ? 0 : cli_fail(&e);
	FILE *f = stdout;
	if (outp && strcmp(outp, "-") && !(f = fopen(outp, "w"))) {
		esp_report_free(rep);
		esp_pipeline_free(p);
		return cli_failf(EXIT_INPUT, "%s: cannot write the report", outp);
	}
	char tool[64];
	snprintf(tool, sizeof tool, "esptap %s", PACKAGE_VERSION);
	esp_report_info ri = {.tool = tool, .source = o.input, .format = info.format, .flasher = info.flasher,
			      .port = info.if_name};
	esp_report_write(rep, f, &ri, esp_pipeline_summary(p));
	if (f != stdout && fclose(f) != 0 && !rc)
		rc = cli_failf(EXIT_INPUT, "%s: cannot write the report", outp);
	esp_report_free(rep);
	esp_pipeline_free(p);
	return rc;
}
