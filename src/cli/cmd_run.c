/* cmd_run.c: the 'run' verb: a flasher run through the proxy, its DTR/RTS forwarded by the preload shim. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/proxy.h"
#include "cli/cli.h"
#include "cli/live_common.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: esptap run [OPTIONS] -- FLASHER [ARGS...]\n"
		   "Run FLASHER through a recording proxy: every '{port}' in its arguments becomes the proxy's\n"
		   "pty (also in $ESPTAP_PORT), and its DTR/RTS and break calls reach PORT through an\n"
		   "LD_PRELOAD shim, answered once applied, so the reset into the loader keeps its timing.\n"
		   "Ends when FLASHER exits.\n\n"
		   "  -p, --port PORT      the chip's port (default sim:esp32; forms below)\n"
		   "  -l, --link PATH      also publish the pty as a symlink at PATH (default: none)\n");
	live_usage_common(f, true);
	fprintf(f, "\nexit status: FLASHER's (127 if it cannot start, 128+N if killed by signal N), unless\n"
		   "esptap failed: 6 port missing, busy or not permitted, 7 port vanished mid-session (files\n"
		   "complete, FLASHER stopped), 9 esptap stopped by SIGINT/SIGTERM, 2 usage, 8 internal\n");
}

/* The shim: next to the binary (build tree), else where `make install` put it. */
static int find_shim(char *out, size_t n)
{
	char self[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
	if (k > 0) {
		self[k] = 0;
		snprintf(out, n, "%s/esptap-preload.so", dirname(self));
		if (access(out, R_OK) == 0)
			return 0;
		snprintf(out, n, "%s/.libs/esptap-preload.so", dirname(self));
		if (access(out, R_OK) == 0)
			return 0;
	}
	snprintf(out, n, "%s/esptap-preload.so", ESPTAP_PKGLIBEXECDIR);
	return access(out, R_OK) == 0 ? 0 : -1;
}

/* argv with every '{port}' replaced by path. */
static char **subst(char **argv, int argc, const char *path)
{
	char **v = calloc((size_t)argc + 1, sizeof *v);
	for (int i = 0; v && i < argc; i++) {
		const char *a = argv[i], *hit;
		size_t len = strlen(a) + 1;
		for (const char *q = a; (hit = strstr(q, "{port}")); q = hit + 6)
			len += strlen(path);
		char *s = malloc(len), *w = s;
		if (!s)
			return NULL;
		for (const char *q = a;;) {
			hit = strstr(q, "{port}");
			size_t pre = hit ? (size_t)(hit - q) : strlen(q);
			memcpy(w, q, pre);
			w += pre;
			if (!hit)
				break;
			w += sprintf(w, "%s", path);
			q = hit + 6;
		}
		*w = 0;
		v[i] = s;
	}
	return v;
}

typedef struct {
	pid_t child;
	int status;
	bool done;
} child_state;

static bool child_exited(void *user)
{
	child_state *c = user;
	if (!c->done && waitpid(c->child, &c->status, WNOHANG) == c->child)
		c->done = true;
	return c->done;
}

int cmd_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{"port", required_argument, NULL, 'p'}, {"link", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'}, LIVE_LONG_OPTS, {NULL, 0, NULL, 0}};
	live_out out = {0};
	const char *port = "sim:esp32", *link = NULL;
	/* '+': FLASHER's own options are its, not ours */
	const live_arg own[] = {{'p', &port, false}, {'l', &link, false}, {0}};
	const live_verb v = {"+p:l:h" LIVE_SHORT_OPTS, lo, own, true, usage};
	int code = live_parse(argc, argv, &v, &out);
	if (code != LIVE_GO)
		return code;
	char shim[PATH_MAX];
	if (find_shim(shim, sizeof shim) < 0)
		return cli_failf(EXIT_INTERNAL, "%s: the preload shim is missing (reinstall esptap)", shim);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		return cli_failf(EXIT_INTERNAL, "socketpair: %s", strerror(errno));
	fcntl(sv[0], F_SETFD, FD_CLOEXEC);
	esp_rec_catch_signals();
	esp_error e = {0};
	esp_proxy *px = NULL;
	esp_rec *rec = NULL;
	esp_proxy_opts po = {.port = port, .link = link, .baud = out.baud, .lines = true, .ctl_fd = sv[0]};
	if (esp_proxy_new(&po, &px, &e) != ESP_OK) {
		close(sv[0]);
		close(sv[1]);
		return live_open_fail(&out, "run", port, NULL, &e);
	}
	code = live_rec_open(&out, "run", port, NULL, NULL, NULL, &rec);
	if (code) {
		esp_proxy_free(px);
		return code;
	}
	esp_proxy_set_rec(px, rec);
	const char *path = esp_proxy_path(px);
	char **fargv = subst(argv + optind, argc - optind, path);
	if (!fargv)
		return cli_failf(EXIT_INTERNAL, "out of memory");
	fflush(NULL);
	child_state cs = {0};
	cs.child = fork();
	if (cs.child == 0) {
		char fdbuf[16], pre[PATH_MAX + 1024];
		snprintf(fdbuf, sizeof fdbuf, "%d", sv[1]);
		const char *old = getenv("LD_PRELOAD");
		snprintf(pre, sizeof pre, "%s%s%s", shim, old && *old ? " " : "", old && *old ? old : "");
		setenv(ESP_CTL_ENV_FD, fdbuf, 1);
		setenv(ESP_CTL_ENV_PTY, esp_pty_slave_path(esp_proxy_pty(px)), 1);
		setenv("ESPTAP_PORT", path, 1); /* for flashers whose port comes from the environment */
		setenv("LD_PRELOAD", pre, 1);
		signal(SIGPIPE, SIG_DFL);
		execvp(fargv[0], fargv);
		fprintf(stderr, "esptap: %s: %s\n", fargv[0], strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	if (cs.child < 0) {
		esp_proxy_free(px);
		esp_rec_close(rec, NULL);
		return cli_failf(EXIT_INTERNAL, "fork: %s", strerror(errno));
	}
	esp_proxy_end end;
	esp_status st = esp_proxy_run(px, child_exited, &cs, &end, &e);
	if (!cs.done) {
		if (st == ESP_E_GONE)
			usleep(300000); /* the flasher's side stays open a moment */
		kill(cs.child, SIGTERM);
		waitpid(cs.child, &cs.status, 0);
	}
	esp_proxy_free(px);
	for (int i = 0; fargv[i]; i++)
		free(fargv[i]);
	free(fargv);
	code = live_finish(rec, st, &e, end == ESP_PROXY_SIGNAL);
	if (code)
		return code;
	if (WIFEXITED(cs.status))
		return WEXITSTATUS(cs.status);
	return 128 + (WIFSIGNALED(cs.status) ? WTERMSIG(cs.status) : 0);
}
