/* cmd_rfc2217.c: the 'rfc2217' verb: a recording RFC 2217 server in front of a port. */
#include <getopt.h>
#include <stdio.h>

#include "capture/rfc2217.h"
#include "cli/cli.h"
#include "cli/live_common.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: esptap rfc2217 --port PORT [--listen HOST:PORT] [-b RATE] [-w FILE] [-j FILE] [-q] [--progress]\n"
		   "  -p, --port PORT       real port, pty path or sim:CHIP[,fault=SPEC][,flash=FILE]\n"
		   "  -L, --listen ADDR     where to listen (default 127.0.0.1:4000; loopback unless told)\n"
		   "  flashers connect with rfc2217://127.0.0.1:4000 (e.g. esptool --port rfc2217://...)\n"
		   "  -b RATE, -w FILE, -j FILE, -q, --progress: as for 'esptap proxy'\n");
}

int cmd_rfc2217(int argc, char **argv)
{
	static const struct option lo[] = {
		{"port", required_argument, NULL, 'p'}, {"listen", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'}, LIVE_LONG_OPTS, {NULL, 0, NULL, 0}};
	live_out out = {0};
	const char *port = NULL, *listen = "127.0.0.1:4000";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:L:h" LIVE_SHORT_OPTS, lo, NULL)) != -1) {
		int k = live_opt(&out, c, optarg);
		if (k < 0)
			return EXIT_USAGE;
		if (k)
			continue;
		switch (c) {
		case 'p': port = optarg; break;
		case 'L': listen = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (!port || optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	esp_rec_catch_signals();
	esp_error e = {0};
	esp_rfc2217 *s = NULL;
	esp_rec *rec = NULL;
	esp_rfc2217_opts so = {.port = port, .listen = listen, .baud = out.baud};
	if (esp_rfc2217_new(&so, &s, &e) != ESP_OK)
		return live_port_fail(&e);
	int code = live_rec_open(&out, "rfc2217", port, NULL, NULL, NULL, &rec);
	if (code) {
		esp_rfc2217_free(s);
		return code;
	}
	esp_rfc2217_set_rec(s, rec);
	fprintf(stderr, "esptap: rfc2217://127.0.0.1:%d <-> %s\n", esp_rfc2217_bound_port(s), port);
	bool sig = false;
	esp_status st = esp_rfc2217_run(s, &sig, &e);
	esp_rfc2217_free(s);
	return live_finish(rec, st, &e, sig);
}
