/* cmd_tap.c: the 'tap' verb: passive capture from two adapters on the target's TX and RX lines. */
#include <getopt.h>
#include <stdio.h>

#include "capture/tap.h"
#include "cli/cli.h"
#include "cli/live_common.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: esptap tap --tx-port PORT --rx-port PORT [-b RATE] [-w FILE] [-j FILE] [-q] [--progress]\n"
		   "  --tx-port PORT   adapter whose RX listens to the host's TX (host > chip)\n"
		   "  --rx-port PORT   adapter whose RX listens to the chip's TX (chip > host)\n"
		   "  -b RATE          initial rate (default 115200); CHANGE_BAUDRATE is followed after its OK\n"
		   "  -w FILE, -j FILE, -q, --progress: as for 'esptap proxy'\n");
}

int cmd_tap(int argc, char **argv)
{
	static const struct option lo[] = {
		{"tx-port", required_argument, NULL, 'T'}, {"rx-port", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'}, LIVE_LONG_OPTS, {NULL, 0, NULL, 0}};
	live_out out = {0};
	const char *tx = NULL, *rx = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h" LIVE_SHORT_OPTS, lo, NULL)) != -1) {
		int k = live_opt(&out, c, optarg);
		if (k < 0)
			return EXIT_USAGE;
		if (k)
			continue;
		switch (c) {
		case 'T': tx = optarg; break;
		case 'R': rx = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (!tx || !rx || optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	esp_rec_catch_signals();
	esp_error e = {0};
	esp_tap *t = NULL;
	esp_rec *rec = NULL;
	if (esp_tap_new(tx, rx, out.baud, &t, &e) != ESP_OK)
		return live_port_fail(&e);
	int code = live_rec_open(&out, "tap", tx, rx, esp_tap_on_record, t, &rec);
	if (code) {
		esp_tap_free(t);
		return code;
	}
	esp_tap_set_rec(t, rec);
	fprintf(stderr, "esptap: tap host>chip on %s, chip>host on %s\n", tx, rx);
	bool sig = false;
	esp_status st = esp_tap_run(t, &sig, &e);
	esp_tap_free(t);
	return live_finish(rec, st, &e, sig);
}
