/* cmd_tap.c: the 'tap' verb: passive capture from two adapters on the target's TX and RX lines. */
#include <getopt.h>
#include <stdio.h>

#include "capture/tap.h"
#include "cli/cli.h"
#include "cli/live_common.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: esptap tap --tx-port PORT --rx-port PORT [OPTIONS]\n"
		   "Listen passively with two adapters on the target's UART lines, merge by time, record.\n"
		   "CHANGE_BAUDRATE is followed on both once the chip has answered it; framing and parity\n"
		   "errors and breaks are recorded as line events.\n\n"
		   "  --tx-port PORT       adapter (serial port or pty path) whose RX hears the host's TX\n"
		   "                       (host > chip); required\n"
		   "  --rx-port PORT       adapter whose RX hears the chip's TX (chip > host); required\n");
	live_usage_common(f, false);
	fprintf(f, "\nexit status: 9 stopped by SIGINT/SIGTERM (files complete), 6 a port missing, busy or\n"
		   "not permitted, 7 a port vanished, 2 usage, 8 internal\n");
}

int cmd_tap(int argc, char **argv)
{
	static const struct option lo[] = {
		{"tx-port", required_argument, NULL, 'T'}, {"rx-port", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'}, LIVE_LONG_OPTS, {NULL, 0, NULL, 0}};
	live_out out = {0};
	const char *tx = NULL, *rx = NULL;
	const live_arg own[] = {{'T', &tx, true}, {'R', &rx, true}, {0}};
	const live_verb v = {"h" LIVE_SHORT_OPTS, lo, own, false, usage};
	int code = live_parse(argc, argv, &v, &out);
	if (code != LIVE_GO)
		return code;
	esp_rec_catch_signals();
	esp_error e = {0};
	esp_tap *t = NULL;
	esp_rec *rec = NULL;
	if (esp_tap_new(tx, rx, out.baud, &t, &e) != ESP_OK)
		return live_open_fail(&out, "tap", tx, rx, &e);
	code = live_rec_open(&out, "tap", tx, rx, esp_tap_on_record, t, &rec);
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
