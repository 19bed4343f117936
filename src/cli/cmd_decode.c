/* cmd_decode.c: the 'decode' verb: any supported input to text, JSON Lines and/or pcapng. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#include "capture/input.h"
#include "cli/cli.h"
#include "core/pipeline.h"
#include "write/sinks.h"

/* Every option's default in one place. */
typedef struct {
	const char *jsonl, *pcapng, *input;
	bool quiet, text, stats, stub, progress, force;
	esp_input_format format;
	esp_dir dir;
	uint32_t baud;
	int linktype;
	int colour; /* -1 auto */
	esp_chip chip;
	uint32_t timeout_ms[256], timeout_all_ms;
} decode_opts;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: esptap decode [OPTIONS] FILE\n"
		"Decode a capture or a flasher's trace log into text, JSON Lines and/or pcapng.\n"
		"FILE '-' is standard input; pipes and FIFOs work too (the format is detected from the start).\n\n"
		"  -j, --json FILE       write the JSON Lines trace to FILE ('-' = stdout)\n"
		"  -w, --write FILE      write a pcapng capture to FILE\n"
		"                        (with -j or -w the text view is off, as tcpdump -w: see --text)\n"
		"  -q, --quiet           no text view on stdout\n"
		"      --text            the text view on stdout even with -j/-w to files\n"
		"      --format FMT      auto|pcap|trace|raw|hex (default auto: detect)\n"
		"      --dir DIR         direction of raw/hex input: host>chip|chip>host|h2c|c2h\n"
		"                        (with --format raw|hex default chip>host; with auto, a file that is\n"
		"                        not pcap(ng) or a trace log is read as hex when it starts with only hex\n"
		"                        digits, blanks, commas, 0x and # comments, else as raw bytes; without\n"
		"                        --dir such a file is of no known format)\n"
		"      --baud N          rate to assume when the input does not say (default unknown)\n"
		"      --linktype N      pcap link type to read and write, 147..162 (default 147, USER0)\n"
		"      --color WHEN      auto|always|never (default auto: a terminal and NO_COLOR unset)\n"
		"      --chip NAME       chip hint, e.g. esp32, esp32s3, esp8266 (default: learn it)\n"
		"      --stub            the capture starts with the stub already running\n"
		"      --timeout [OP=]MS a request unanswered after MS ms is a timeout: for OP (e.g.\n"
		"                        FLASH_DATA, repeatable), or for every op (default: esptool's own\n"
		"                        limits: 3000, SYNC 100, erase 30 s/MB, MD5 8 s/MB, ...)\n"
		"      --progress        text view as one progress line per flash region (as live verbs)\n"
		"      --stats           print peak memory and CPU time on stderr at the end\n"
		"      --force           overwrite an output that is not a plain file of yours (never a symlink)\n"
		"  -h, --help            this help\n\n"
		"exit status: 0 ok, 2 usage, 3 input missing or output not writable, 4 unknown format\n"
		"or link type, 5 input cut short or cut in places (the rest is decoded and written), 8 internal\n");
}

static int parse_format(const char *s, esp_input_format *f)
{
	static const struct { const char *n; esp_input_format f; } t[] = {
		{"auto", ESP_IN_AUTO}, {"pcap", ESP_IN_PCAP}, {"pcapng", ESP_IN_PCAP},
		{"trace", ESP_IN_TRACE}, {"raw", ESP_IN_RAW}, {"hex", ESP_IN_HEX},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcasecmp(s, t[i].n)) {
			*f = t[i].f;
			return 0;
		}
	return -1;
}

static int parse_dir(const char *s, esp_dir *d)
{
	if (!strcmp(s, "host>chip") || !strcasecmp(s, "h2c") || !strcasecmp(s, "tx"))
		*d = ESP_DIR_H2C;
	else if (!strcmp(s, "chip>host") || !strcasecmp(s, "c2h") || !strcasecmp(s, "rx"))
		*d = ESP_DIR_C2H;
	else
		return -1;
	return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;
	errno = 0;
	unsigned long x = strtoul(s, &end, 10);
	if (!*s || *end || errno || x > max || s[0] == '-')
		return -1;
	*v = x;
	return 0;
}

/* Returns -1 to go on, otherwise the exit status. */
static int parse(int argc, char **argv, decode_opts *o)
{
	enum { O_FORMAT = 256, O_DIR, O_BAUD, O_LINKTYPE, O_COLOR, O_CHIP, O_STUB, O_STATS, O_PROGRESS, O_TEXT, O_TIMEOUT, O_FORCE };
	static const struct option lo[] = {
		{"json", required_argument, NULL, 'j'}, {"write", required_argument, NULL, 'w'},
		{"quiet", no_argument, NULL, 'q'}, {"format", required_argument, NULL, O_FORMAT},
		{"dir", required_argument, NULL, O_DIR}, {"baud", required_argument, NULL, O_BAUD},
		{"linktype", required_argument, NULL, O_LINKTYPE}, {"color", required_argument, NULL, O_COLOR},
		{"colour", required_argument, NULL, O_COLOR}, {"chip", required_argument, NULL, O_CHIP},
		{"stub", no_argument, NULL, O_STUB}, {"stats", no_argument, NULL, O_STATS},
		{"progress", no_argument, NULL, O_PROGRESS}, {"text", no_argument, NULL, O_TEXT},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"force", no_argument, NULL, O_FORCE},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	optind = 1;
	opterr = 0;
	int c;
	unsigned long v;
	while ((c = getopt_long(argc, argv, "+j:w:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'j': o->jsonl = optarg; break;
		case 'w': o->pcapng = optarg; break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); return 0;
		case O_FORMAT:
			if (parse_format(optarg, &o->format))
				return cli_failf(EXIT_USAGE, "decode: --format: '%s' is not one of auto, pcap, trace, raw, hex", optarg);
			break;
		case O_DIR:
			if (parse_dir(optarg, &o->dir))
				return cli_failf(EXIT_USAGE, "decode: --dir: '%s' is not host>chip, chip>host, h2c or c2h", optarg);
			break;
		case O_BAUD:
			if (parse_uint(optarg, 100000000, &v) || v == 0)
				return cli_failf(EXIT_USAGE, "decode: --baud: '%s' is not a rate in baud", optarg);
			o->baud = (uint32_t)v;
			break;
		case O_LINKTYPE:
			if (parse_uint(optarg, 1000, &v) || v < 147 || v > 162)
				return cli_failf(EXIT_USAGE, "decode: --linktype: '%s' is not a USER link type (147..162)", optarg);
			o->linktype = (int)v;
			break;
		case O_COLOR:
			if (!strcmp(optarg, "auto"))
				o->colour = -1;
			else if (!strcmp(optarg, "always"))
				o->colour = 1;
			else if (!strcmp(optarg, "never"))
				o->colour = 0;
			else
				return cli_failf(EXIT_USAGE, "decode: --color: '%s' is not auto, always or never", optarg);
			break;
		case O_CHIP: {
			const esp_chip_info *ci = esp_chip_by_name(optarg);
			if (!ci || ci->chip == ESP_CHIP_UNKNOWN) {
				fprintf(stderr, "esptap: decode: --chip: unknown chip '%s'; known:", optarg);
				for (int i = 1; i < ESP_CHIP_COUNT; i++)
					fprintf(stderr, " %s", esp_chip_get((esp_chip)i)->name);
				fputc('\n', stderr);
				return EXIT_USAGE;
			}
			o->chip = ci->chip;
			break;
		}
		case O_STUB: o->stub = true; break;
		case O_STATS: o->stats = true; break;
		case O_PROGRESS: o->progress = true; break;
		case O_TEXT: o->text = true; break;
		case O_TIMEOUT: {
			int rc = cli_timeout_option("decode", optarg, o->timeout_ms, &o->timeout_all_ms);
			if (rc)
				return rc;
			break;
		}
		case O_FORCE: o->force = true; break;
		default:
			if (optopt)
				return cli_failf(EXIT_USAGE, "decode: option -%c: unknown or missing its value (try --help)", optopt);
			return cli_failf(EXIT_USAGE, "decode: %s: unknown option or missing value (try --help)",
					 argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_failf(EXIT_USAGE, "decode: give exactly one input FILE (try --help)");
	o->input = argv[optind];
	/* --format raw|hex without --dir: the chip's side, as documented. With
	 * auto detection no --dir means no direction: an unknown file is then an
	 * error rather than bytes of a guessed side. */
	if (o->dir == ESP_DIR_NONE && (o->format == ESP_IN_RAW || o->format == ESP_IN_HEX))
		o->dir = ESP_DIR_C2H;
	return -1;
}

static void print_stats(const struct timespec *t0)
{
	struct rusage ru;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	double wall = (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
		     (double)ru.ru_stime.tv_usec / 1e6;
	fprintf(stderr, "esptap: stats: peak RSS %ld KiB, %.3f s wall, %.3f s cpu\n", ru.ru_maxrss, wall, cpu);
}

int cmd_decode(int argc, char **argv)
{
	decode_opts o = {.colour = -1, .dir = ESP_DIR_NONE};
	int rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	esp_error e = {0};
	esp_input *in = NULL;
	esp_input_opts io = {.format = o.format, .raw_dir = o.dir, .baud = o.baud, .linktype = o.linktype};
	esp_status st = esp_input_open(o.input, &io, &in, &e);
	if (st != ESP_OK)
		return cli_fail(&e);
	const esp_input_info *info = esp_input_info_get(in);

	char tool[64];
	snprintf(tool, sizeof tool, "esptap %s", PACKAGE_VERSION);
	esp_session_info si = {
		.tool = tool, .verb = "decode", .source = o.input, .format = info->format,
		.flasher = info->flasher, .ports = {info->if_name, NULL},
		.start_unix_ns = info->start_unix_ns, .baud = o.baud,
	};
	/* Text and a stream on stdout would interleave: the stream wins. Writing
	 * files, the user asked for files: no text unless --text (tcpdump -w). */
	bool stdout_taken = (o.jsonl && !strcmp(o.jsonl, "-")) || (o.pcapng && !strcmp(o.pcapng, "-"));
	if ((o.jsonl || o.pcapng) && !o.text)
		o.quiet = true;
	esp_sinks_opts so = {
		.pcapng_path = o.pcapng, .jsonl_path = o.jsonl, .linktype = o.linktype,
		.text = o.quiet || stdout_taken ? ESP_TEXT_OFF : o.progress ? ESP_TEXT_PROGRESS : ESP_TEXT_FRAMES, .text_out = stdout,
		.colour = o.colour < 0 ? cli_use_colour(stdout) : o.colour,
		.force = o.force,
	};
	esp_sinks *sinks = NULL;
	st = esp_sinks_open(&so, &si, &sinks, &e);
	if (st != ESP_OK) {
		esp_input_close(in);
		return cli_fail(&e);
	}

	esp_pipeline_opts po = {
		.decoder = {.chip_hint = o.chip, .stub_hint = o.stub, .timeout_all_ms = o.timeout_all_ms},
		.initial_baud = o.baud,
		.unit_sink = esp_sinks_unit,
		.record_sink = esp_sinks_record,
		.user = sinks,
	};
	memcpy(po.decoder.timeout_ms, o.timeout_ms, sizeof po.decoder.timeout_ms);
	esp_pipeline *p = esp_pipeline_new(&po);
	if (!p) {
		esp_sinks_close(sinks, NULL, NULL);
		esp_input_close(in);
		return cli_failf(EXIT_INTERNAL, "out of memory");
	}
	/* On an input fault, what came before is still decoded, summarised and
	 * written: the outputs stay valid files. */
	esp_error in_err = {0};
	esp_status in_st = esp_input_run(in, p, &in_err);
	esp_pipeline_finish(p, esp_input_end_ns(in));
	esp_error out_err = {0};
	esp_status out_st = esp_sinks_close(sinks, esp_pipeline_summary(p), &out_err);
	esp_pipeline_free(p);
	esp_input_close(in);
	if (o.stats)
		print_stats(&t0);
	if (in_st != ESP_OK)
		rc = cli_fail(&in_err);
	if (out_st != ESP_OK) {
		int orc = cli_fail(&out_err);
		if (in_st == ESP_OK)
			rc = orc;
	}
	return rc < 0 ? EXIT_OK_ : rc;
}
