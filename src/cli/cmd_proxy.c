/* cmd_proxy.c: the 'proxy' verb: a pty for the flasher, forwarded to a port and recorded. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capture/proxy.h"
#include "cli/cli.h"
#include "cli/live_common.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: esptap proxy --port PORT [--link PATH] [-b RATE] [-w FILE.pcapng] [-j FILE.jsonl] [-q] [--progress]\n"
		   "  -p, --port PORT   the real port (/dev/ttyUSB0), a pty path, or sim:CHIP[,fault=SPEC][,flash=FILE]\n"
		   "  -l, --link PATH   publish the pty here (default /tmp/ttyESP)\n"
		   "  -b, --baud RATE   initial rate (default 115200); the flasher's changes are followed\n"
		   "  -w, --write FILE  record a pcapng capture\n"
		   "  -j, --jsonl FILE  record a JSON Lines trace ('-' for stdout)\n"
		   "  -q, --quiet       no live view;  --progress: one line per flash block group\n");
}

int cmd_proxy(int argc, char **argv)
{
	static const struct option lo[] = {
		{"port", required_argument, NULL, 'p'}, {"link", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'}, LIVE_LONG_OPTS, {NULL, 0, NULL, 0}};
	live_out out = {0};
	const char *port = NULL, *link = "/tmp/ttyESP";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:l:h" LIVE_SHORT_OPTS, lo, NULL)) != -1) {
		int k = live_opt(&out, c, optarg);
		if (k < 0)
			return EXIT_USAGE;
		if (k)
			continue;
		switch (c) {
		case 'p': port = optarg; break;
		case 'l': link = optarg; break;
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
	esp_proxy *px = NULL;
	esp_rec *rec = NULL;
	/* port and link first: a fault there leaves no files behind */
	esp_proxy_opts po = {.port = port, .link = link, .baud = out.baud, .lines = false, .ctl_fd = -1};
	if (esp_proxy_new(&po, &px, &e) != ESP_OK)
		return live_port_fail(&e);
	int code = live_rec_open(&out, "proxy", port, NULL, NULL, NULL, &rec);
	if (code) {
		esp_proxy_free(px);
		return code;
	}
	/* the proxy was made before the recorder: hand it over now */
	esp_proxy_set_rec(px, rec);
	fprintf(stderr, "esptap: proxy %s <-> %s (%s)\n", esp_proxy_path(px), port, esp_pty_slave_path(esp_proxy_pty(px)));
	esp_proxy_end end;
	esp_status st = esp_proxy_run(px, NULL, NULL, &end, &e);
	if (st == ESP_E_GONE) {
		/* let the flasher see its side still open a moment, then close */
		usleep(300000);
	}
	esp_proxy_free(px);
	return live_finish(rec, st, &e, end == ESP_PROXY_SIGNAL);
}
