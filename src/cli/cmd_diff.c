/* cmd_diff.c: the 'diff' verb: two captures or trace logs aligned command by command. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "capture/input.h"
#include "cli/cli.h"
#include "core/diff.h"
#include "core/pipeline.h"
#include "write/diffout.h"

/* Every option's default in one place. */
typedef struct {
	const char *in[2];
	bool json;
	int colour; /* -1 auto */
	double ratio, min_ms;
	esp_chip chip;
	bool stub;
} diff_opts;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: esptap diff [OPTIONS] A B\n"
		"Align two sessions (pcapng/pcap captures, esptool or esptool-js trace logs) command by\n"
		"command and show where they part: commands one side sends and the other does not,\n"
		"different parameters, different answers, timing outliers. Frames are Wireshark's numbers.\n\n"
		"      --json            one JSON object on stdout instead of text\n"
		"      --color WHEN      auto|always|never (default auto: a terminal and NO_COLOR unset)\n"
		"      --ratio N         latency ratio that makes a timing outlier (default 10)\n"
		"      --min-ms MS       ... when the slower answer also took MS longer (default 20)\n"
		"      --chip NAME       chip hint for both inputs, e.g. esp32 (default: learn it)\n"
		"      --stub            both captures start with the stub already running\n"
		"  -h, --help            this help\n\n"
		"Not differences (info only): timestamps, SYNC retries, chip-detect probes, the stub's\n"
		"build and MEM_DATA contents, register reads/writes, compressed vs plain transfer.\n"
		"exit status: 0 sessions match (info only), 1 they differ (a warning or error), 2 usage,\n"
		"3 input missing, 4 unknown format, 5 input cut short (compared up to the cut), 8 internal\n");
}

static int parse_num(const char *s, double max, double *v)
{
	char *end;
	errno = 0;
	double x = strtod(s, &end);
	if (!*s || *end || errno || !(x >= 0) || x > max)
		return -1;
	*v = x;
	return 0;
}

/* Returns -1 to go on, otherwise the exit status. */
static int parse(int argc, char **argv, diff_opts *o)
{
	enum { O_JSON = 256, O_COLOR, O_RATIO, O_MINMS, O_CHIP, O_STUB };
	static const struct option lo[] = {
		{"json", no_argument, NULL, O_JSON}, {"color", required_argument, NULL, O_COLOR},
		{"colour", required_argument, NULL, O_COLOR}, {"ratio", required_argument, NULL, O_RATIO},
		{"min-ms", required_argument, NULL, O_MINMS}, {"chip", required_argument, NULL, O_CHIP},
		{"stub", no_argument, NULL, O_STUB}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return 0;
		case O_JSON: o->json = true; break;
		case O_COLOR:
			if (!strcmp(optarg, "auto"))
				o->colour = -1;
			else if (!strcmp(optarg, "always"))
				o->colour = 1;
			else if (!strcmp(optarg, "never"))
				o->colour = 0;
			else
				return cli_failf(EXIT_USAGE, "diff: --color: '%s' is not auto, always or never", optarg);
			break;
		case O_RATIO:
			if (parse_num(optarg, 1e9, &o->ratio) || o->ratio < 1)
				return cli_failf(EXIT_USAGE, "diff: --ratio: '%s' is not a ratio of 1 or more", optarg);
			break;
		case O_MINMS:
			if (parse_num(optarg, 1e9, &o->min_ms))
				return cli_failf(EXIT_USAGE, "diff: --min-ms: '%s' is not a time in ms", optarg);
			break;
		case O_CHIP: {
			const esp_chip_info *ci = esp_chip_by_name(optarg);
			if (!ci || ci->chip == ESP_CHIP_UNKNOWN)
				return cli_failf(EXIT_USAGE, "diff: --chip: unknown chip '%s'", optarg);
			o->chip = ci->chip;
			break;
		}
		case O_STUB: o->stub = true; break;
		default:
			if (optopt)
				return cli_failf(EXIT_USAGE, "diff: option -%c: unknown or missing its value (try --help)", optopt);
			return cli_failf(EXIT_USAGE, "diff: %s: unknown option or missing value (try --help)",
					 argv[optind - 1]);
		}
	}
	if (optind != argc - 2)
		return cli_failf(EXIT_USAGE, "diff: give exactly two inputs, A and B (try --help)");
	o->in[0] = argv[optind];
	o->in[1] = argv[optind + 1];
	return -1;
}

static void to_side(const esp_record *r, void *user) { esp_diff_side_record(user, r); }

/* One input reduced to its steps. Returns -1 when it went through (possibly
 * cut short: *cut set, the error printed), else the exit status. */
static int load(const diff_opts *o, const char *path, esp_diff_side *side, esp_diffout_side *view, char *flasher,
		size_t flasher_n, bool *cut)
{
	esp_error e = {0};
	esp_input *in = NULL;
	esp_input_opts io = {0};
	if (esp_input_open(path, &io, &in, &e) != ESP_OK)
		return cli_fail(&e);
	esp_pipeline_opts po = {
		.decoder = {.chip_hint = o->chip, .stub_hint = o->stub},
		.record_sink = to_side,
		.user = side,
	};
	esp_pipeline *p = esp_pipeline_new(&po);
	if (!p) {
		esp_input_close(in);
		return cli_failf(EXIT_INTERNAL, "out of memory");
	}
	esp_status st = esp_input_run(in, p, &e);
	esp_pipeline_finish(p, esp_input_end_ns(in));
	const esp_summary *sum = esp_pipeline_summary(p);
	esp_diff_side_finish(side, sum);
	const esp_input_info *info = esp_input_info_get(in);
	view->source = path;
	view->format = info->format;
	snprintf(flasher, flasher_n, "%s", info->flasher ? info->flasher : "");
	view->flasher = flasher[0] ? flasher : NULL;
	view->chip = sum->chip != ESP_CHIP_UNKNOWN ? esp_chip_get(sum->chip)->pretty : NULL;
	view->commands = esp_diff_side_commands(side);
	view->steps = esp_diff_side_steps(side);
	view->capped = esp_diff_side_capped(side);
	esp_pipeline_free(p);
	esp_input_close(in);
	if (st == ESP_E_TRUNCATED) {
		cli_fail(&e);
		*cut = view->truncated = true;
		return -1;
	}
	return st == ESP_OK ? -1 : cli_fail(&e);
}

int cmd_diff(int argc, char **argv)
{
	diff_opts o = {.colour = -1, .ratio = 10, .min_ms = 20};
	int rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	esp_diff_side *side[2] = {esp_diff_side_new(), esp_diff_side_new()};
	esp_diffout_side view[2] = {{0}, {0}};
	char flasher[2][64];
	bool cut = false;
	if (!side[0] || !side[1]) {
		rc = cli_failf(EXIT_INTERNAL, "out of memory");
		goto out;
	}
	for (int i = 0; i < 2; i++)
		if ((rc = load(&o, o.in[i], side[i], &view[i], flasher[i], sizeof flasher[i], &cut)) >= 0)
			goto out;
	esp_diff_opts dopt = {.ratio = o.ratio, .min_ms = o.min_ms};
	esp_diff_result *r = esp_diff_run(side[0], side[1], &dopt);
	if (!r) {
		rc = cli_failf(EXIT_INTERNAL, "out of memory");
		goto out;
	}
	if (o.json) {
		if (esp_diffout_json(stdout, &view[0], &view[1], r) != 0)
			rc = cli_failf(EXIT_INTERNAL, "diff: cannot write the JSON result");
	} else {
		esp_diffout_text(stdout, &view[0], &view[1], r, o.colour < 0 ? cli_use_colour(stdout) : o.colour);
	}
	if (fflush(stdout) != 0 && rc < 0)
		rc = cli_failf(EXIT_INPUT, "diff: stdout: %s", strerror(errno));
	if (rc < 0)
		rc = cut ? EXIT_TRUNCATED : r->counts[ESP_DIFF_ERROR] || r->counts[ESP_DIFF_WARNING] ? EXIT_DIFFER : EXIT_OK_;
	esp_diff_result_free(r);
out:
	esp_diff_side_free(side[0]);
	esp_diff_side_free(side[1]);
	return rc;
}
