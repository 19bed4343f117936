/* cmd_proxy.c: the 'proxy' verb: a pty for the flasher, forwarded to a port and recorded. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capture/proxy.h"
#include "cli/cli.h"
#include "cli/live_common.h"
#include "cli/proxy_multi.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: esptap proxy --port PORT [OPTIONS]\n"
		   "       esptap proxy [OPTIONS] --port PORT --link PATH [-w FILE] [-j FILE] --port PORT --link PATH ...\n"
		   "Publish a pty for the flasher and relay it both ways to PORT, recording everything:\n"
		   "bytes go through first, then into the capture. The flasher's rate changes are followed on\n"
		   "PORT; a pty has no DTR/RTS, so use 'run' or 'rfc2217' when the flasher must reset the chip.\n\n"
		   "  -p, --port PORT      the chip's port (required; forms below)\n"
		   "  -l, --link PATH      publish the pty's slave as a symlink at PATH (default /tmp/ttyESP);\n"
		   "                       an existing file there is refused, a dangling symlink reused\n"
		   "Several --port: one process relays them all, each port with the --link, -w and -j given\n"
		   "after it (a --link each is required); options before the first --port apply to all;\n"
		   "no text view. A port that vanishes ends only its own relay.\n");
	live_usage_common(f, true);
	fprintf(f, "\nexit status: 9 stopped by SIGINT/SIGTERM (files complete), 6 port missing, busy or not\n"
		   "permitted, or link taken, 7 port vanished mid-session (files complete), 2 usage, 3 output\n"
		   "not writable, 8 internal\n");
}

int cmd_proxy(int argc, char **argv)
{
	static const struct option lo[] = {
		{"port", required_argument, NULL, 'p'}, {"link", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'}, LIVE_LONG_OPTS, {NULL, 0, NULL, 0}};
	live_out out = {0};
	const char *port = NULL, *link = "/tmp/ttyESP";
	const live_arg own[] = {{'p', &port, true}, {'l', &link, false}, {0}};
	const live_verb v = {"p:l:h" LIVE_SHORT_OPTS, lo, own, false, usage};
	if (proxy_count_ports(argc, argv) > 1)
		return proxy_multi(argc, argv, &v);
	int code = live_parse(argc, argv, &v, &out);
	if (code != LIVE_GO)
		return code;
	esp_rec_catch_signals();
	esp_error e = {0};
	esp_proxy *px = NULL;
	esp_rec *rec = NULL;
	/* port and link first: a fault there leaves no files behind */
	esp_proxy_opts po = {.port = port, .link = link, .baud = out.baud, .lines = false, .ctl_fd = -1};
	if (esp_proxy_new(&po, &px, &e) != ESP_OK)
		return live_open_fail(&out, "proxy", port, NULL, &e);
	code = live_rec_open(&out, "proxy", port, NULL, NULL, NULL, &rec);
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
