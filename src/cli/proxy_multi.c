/* proxy_multi.c: 'proxy' with several --port: one relay thread per port, each with its own link and files. */
#include "cli/proxy_multi.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/proxy.h"
#include "cli/cli.h"
#include "core/esp_ops.h"

typedef struct {
	const char *port, *link;
	live_out out;
	esp_proxy *px;
	esp_rec *rec;
	pthread_t th;
	int code;
} slot;

static bool is_port_opt(const char *a) { return !strcmp(a, "-p") || !strcmp(a, "--port"); }

int proxy_count_ports(int argc, char **argv)
{
	int n = 0;
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		n += is_port_opt(argv[i]) || !strncmp(argv[i], "--port=", 7);
	return n;
}

/* Options that belong to one port: they must follow its --port. */
static bool per_port(const char *a)
{
	static const char *const own[] = {"-l", "--link", "-w", "--write", "-j", "--jsonl", "--json", NULL};
	for (const char *const *o = own; *o; o++) {
		size_t k = strlen(*o);
		if (!strncmp(a, *o, k) && (a[k] == 0 || a[k] == '=' || (k == 2 && a[1] != '-')))
			return true;
	}
	return false;
}

static void *relay(void *arg)
{
	slot *s = arg;
	esp_error e = {0};
	esp_proxy_end end;
	esp_status st = esp_proxy_run(s->px, NULL, NULL, &end, &e);
	if (st == ESP_E_GONE)
		usleep(300000); /* the flasher sees its side open a moment longer, as with one port */
	esp_proxy_free(s->px);
	s->px = NULL;
	/* this port's files are closed now; the other ports go on */
	s->code = live_finish(s->rec, st, &e, end == ESP_PROXY_SIGNAL);
	return NULL;
}

static void free_slots(slot *sl, int n)
{
	for (int i = 0; i < n; i++) {
		esp_proxy_free(sl[i].px);
		if (sl[i].rec)
			esp_rec_close(sl[i].rec, NULL);
	}
	free(sl);
}

int proxy_multi(int argc, char **argv, const live_verb *v)
{
	int n = proxy_count_ports(argc, argv);
	slot *sl = calloc((size_t)n, sizeof *sl);
	char **sub = calloc((size_t)argc + 1, sizeof *sub);
	if (!sl || !sub) {
		free(sl);
		free(sub);
		return cli_failf(EXIT_INTERNAL, "out of memory");
	}
	/* argv = [proxy] GLOBAL... (--port P PER-PORT...)...: each port parses as
	 * its own command line, the global options followed by its group */
	int first = 1;
	while (first < argc && !is_port_opt(argv[first]) && strncmp(argv[first], "--port=", 7))
		first++;
	for (int i = 1; i < first; i++)
		if (per_port(argv[i])) {
			free(sl);
			free(sub);
			return cli_failf(EXIT_USAGE, "proxy: %s: with several --port, give it after the --port it belongs to",
					 argv[i]);
		}
	int code = 0, k = 0;
	for (int g = first; g < argc && k < n; k++) {
		int end = g + 1 + (is_port_opt(argv[g]) ? 1 : 0);
		while (end < argc && !is_port_opt(argv[end]) && strncmp(argv[end], "--port=", 7))
			end++;
		int m = 0;
		sub[m++] = argv[0];
		for (int i = 1; i < first; i++)
			sub[m++] = argv[i];
		for (int i = g; i < end; i++)
			sub[m++] = argv[i];
		sub[m] = NULL;
		const char *port = NULL, *link = NULL;
		const live_arg own[] = {{'p', &port, true}, {'l', &link, false}, {0}};
		live_verb pv = *v;
		pv.own = own;
		if ((code = live_parse(m, sub, &pv, &sl[k].out)) != LIVE_GO)
			break;
		code = 0;
		if (!link) {
			code = cli_failf(EXIT_USAGE, "proxy: --port %s: with several ports each needs its own --link", port);
			break;
		}
		sl[k].port = port;
		sl[k].link = link;
		sl[k].out.quiet = true; /* several text views would interleave: -j per port instead */
		g = end;
	}
	free(sub);
	if (code) {
		free(sl);
		return code;
	}
	esp_rec_catch_signals();
	esp_op_lookup(0); /* build the shared opcode index before the threads read it */
	esp_error e = {0};
	for (int i = 0; i < n; i++) {
		esp_proxy_opts po = {.port = sl[i].port, .link = sl[i].link, .baud = sl[i].out.baud, .ctl_fd = -1};
		if (esp_proxy_new(&po, &sl[i].px, &e) != ESP_OK) {
			/* the other ports' relays are released first: nothing of theirs is written */
			live_out o = sl[i].out;
			const char *port = sl[i].port;
			free_slots(sl, n);
			return live_open_fail(&o, "proxy", port, NULL, &e);
		}
	}
	for (int i = 0; i < n; i++) {
		if ((code = live_rec_open(&sl[i].out, "proxy", sl[i].port, NULL, NULL, NULL, &sl[i].rec)) != 0) {
			free_slots(sl, n);
			return code;
		}
		esp_proxy_set_rec(sl[i].px, sl[i].rec);
		fprintf(stderr, "esptap: proxy %s <-> %s (%s)\n", esp_proxy_path(sl[i].px), sl[i].port,
			esp_pty_slave_path(esp_proxy_pty(sl[i].px)));
	}
	int started = 0;
	for (; started < n; started++)
		if (pthread_create(&sl[started].th, NULL, relay, &sl[started]) != 0)
			break;
	if (started < n) {
		esp_rec_stop = 1; /* stop those running, then fail */
		code = EXIT_INTERNAL;
		cli_failf(EXIT_INTERNAL, "proxy: cannot start a thread for port %d of %d", started + 1, n);
	}
	/* the worst ending wins: a fault over an interruption over success */
	int worst = 0;
	for (int i = 0; i < started; i++) {
		pthread_join(sl[i].th, NULL);
		int c = sl[i].code;
		if (c && (!worst || worst == EXIT_INTERRUPTED))
			worst = c;
	}
	for (int i = started; i < n; i++) {
		esp_proxy_free(sl[i].px);
		esp_rec_close(sl[i].rec, NULL);
	}
	free(sl);
	return code ? code : worst;
}
