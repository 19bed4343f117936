/* cmd_rfc2217.c: the 'rfc2217' verb: a recording RFC 2217 server in front of a port. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "capture/rfc2217.h"
#include "cli/cli.h"
#include "cli/live_common.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: esptap rfc2217 --port PORT [OPTIONS]\n"
		   "Serve PORT over RFC 2217 (Telnet COM-PORT-OPTION) to one client at a time, recording\n"
		   "everything, rate changes, DTR/RTS and breaks included. Flashers built on pyserial connect\n"
		   "with rfc2217://HOST:PORT, e.g. esptool --port rfc2217://127.0.0.1:4000.\n\n"
		   "  -p, --port PORT      the chip's port (required; forms below)\n"
		   "  -L, --listen HOST:PORT  IPv4 address and TCP port to listen on (default 127.0.0.1:4000;\n"
		   "                       port 0 picks a free one; the URL is printed on stderr)\n");
	live_usage_common(f, true);
	fprintf(f, "\nexit status: 9 stopped by SIGINT/SIGTERM (files complete), 6 port missing, busy or not\n"
		   "permitted, or the address taken, 7 port vanished mid-session, 2 usage, 8 internal\n");
}

int cmd_rfc2217(int argc, char **argv)
{
	static const struct option lo[] = {
		{"port", required_argument, NULL, 'p'}, {"listen", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'}, LIVE_LONG_OPTS, {NULL, 0, NULL, 0}};
	live_out out = {0};
	const char *port = NULL, *listen = "127.0.0.1:4000";
	const live_arg own[] = {{'p', &port, true}, {'L', &listen, false}, {0}};
	const live_verb v = {"p:L:h" LIVE_SHORT_OPTS, lo, own, false, usage};
	int code = live_parse(argc, argv, &v, &out);
	if (code != LIVE_GO)
		return code;
	esp_rec_catch_signals();
	esp_error e = {0};
	esp_rfc2217 *s = NULL;
	esp_rec *rec = NULL;
	esp_rfc2217_opts so = {.port = port, .listen = listen, .baud = out.baud};
	if (esp_rfc2217_new(&so, &s, &e) != ESP_OK)
		return live_open_fail(&out, "rfc2217", port, NULL, &e);
	code = live_rec_open(&out, "rfc2217", port, NULL, NULL, NULL, &rec);
	if (code) {
		esp_rfc2217_free(s);
		return code;
	}
	esp_rfc2217_set_rec(s, rec);
	/* the URL a client on this machine uses: the listen host, or loopback for a wildcard */
	const char *colon = strrchr(listen, ':');
	int hl = colon ? (int)(colon - listen) : 0;
	if (!hl || !strncmp(listen, "0.0.0.0", (size_t)hl))
		fprintf(stderr, "esptap: rfc2217://127.0.0.1:%d <-> %s\n", esp_rfc2217_bound_port(s), port);
	else
		fprintf(stderr, "esptap: rfc2217://%.*s:%d <-> %s\n", hl, listen, esp_rfc2217_bound_port(s), port);
	bool sig = false;
	esp_status st = esp_rfc2217_run(s, &sig, &e);
	esp_rfc2217_free(s);
	return live_finish(rec, st, &e, sig);
}
