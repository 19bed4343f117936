/* test_partial.c: esptool --trace logs as they reach bug reports: cut at a line, cut inside a line, started
 * part-way, with CRLF endings, two runs pasted one after the other. Every case decodes what precedes and
 * follows the damage. Each sample is cut at every STRIDE-th line (ESPTAP_PARTIAL_STRIDE, default chosen so
 * that the whole test takes seconds; 1 = every line).
 */
#include <stdlib.h>

#include "capture/tracelog.h"
#include "check.h"
#include "core/pipeline.h"

/* What a decode gave: the commands in order (opcode and sequence number), sessions, status. */
typedef struct {
	uint32_t *sig;
	size_t n, cap;
	int sessions;
	esp_status st;
	esp_error e;
} run;

static void on_record(const esp_record *r, void *user)
{
	run *g = user;
	if (r->type == ESP_REC_SESSION_END)
		g->sessions++;
	if (r->type != ESP_REC_COMMAND || r->opcode < 0)
		return;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 1024;
		g->sig = realloc(g->sig, g->cap * sizeof *g->sig);
	}
	g->sig[g->n++] = (uint32_t)r->opcode << 24 | (r->has_seq ? (r->seq & 0xffffffu) : 0xffffffu);
}

static void to_pipe(const esp_event *ev, void *p) { esp_pipeline_event(p, ev); }

static void decode(const char *text, size_t len, run *g)
{
	free(g->sig);
	memset(g, 0, sizeof *g);
	esp_pipeline_opts po = {.record_sink = on_record, .user = g};
	esp_pipeline *p = esp_pipeline_new(&po);
	FILE *f = fmemopen((void *)text, len, "r");
	esp_feed feed = {.event = to_pipe, .user = p};
	esp_trace_result res;
	g->st = esp_trace_import(f, "cut.log", ESP_TRACE_NONE, &feed, &res, &g->e);
	esp_pipeline_finish(p, res.end_ns);
	esp_pipeline_free(p);
	fclose(f);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long k = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)k + 1);
	*n = fread(b, 1, (size_t)k, f);
	b[*n] = 0;
	fclose(f);
	return b;
}

static bool same_op(uint32_t a, uint32_t b);

/* Is a the sequence b with at most `drop` elements left out? */
static bool subseq(const run *a, const run *b, size_t drop)
{
	if (a->n > b->n || b->n - a->n > drop)
		return false;
	size_t i = 0;
	/* a command cut before its sequence number still has its opcode */
	for (size_t j = 0; j < b->n && i < a->n; j++)
		if (a->sig[i] == b->sig[j] || (drop && (a->sig[i] & 0xffffffu) == 0xffffffu && same_op(a->sig[i], b->sig[j])))
			i++;
	return i == a->n;
}

/* The last command of a prefix may have lost its sequence number with its bytes. */
static bool same_op(uint32_t a, uint32_t b) { return a >> 24 == b >> 24; }

static bool is_prefix(const run *a, const run *full)
{
	if (a->n > full->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->sig[i] != full->sig[i] && !(i + 1 == a->n && same_op(a->sig[i], full->sig[i])))
			return false;
	return true;
}

static bool is_suffix(const run *a, const run *full)
{
	if (a->n > full->n)
		return false;
	size_t off = full->n - a->n;
	for (size_t i = 0; i < a->n; i++)
		if (a->sig[i] != full->sig[off + i] && !(i == 0 && same_op(a->sig[i], full->sig[off])))
			return false;
	return true;
}

static bool ok_or_cut(esp_status st) { return st == ESP_OK || st == ESP_E_TRUNCATED; }

static int cases, bad;

static void one_sample(const char *dir, const char *name, size_t stride)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	size_t n;
	char *text = slurp(path, &n);
	CHECK(text != NULL);
	if (!text)
		return;
	/* line starts */
	size_t *ls = malloc((n + 2) * sizeof *ls), nl = 0;
	ls[nl++] = 0;
	for (size_t i = 0; i < n; i++)
		if (text[i] == '\n' && i + 1 < n)
			ls[nl++] = i + 1;
	ls[nl] = n;
	run full = {0}, g = {0};
	decode(text, n, &full);
	CHECK_EQ_U(full.st, ESP_OK);
	CHECK(full.n > 50);
	char *buf = malloc(2 * n + 16);
	int fails_before = bad;
	for (size_t l = 1; l < nl; l += stride) {
		size_t len = ls[l + 1] - ls[l], half = len / 2;
		/* 1. the log ends in the middle of line l */
		decode(text, ls[l] + half, &g);
		cases++;
		if (!ok_or_cut(g.st) || !is_prefix(&g, &full)) {
			bad++;
			fprintf(stderr, "%s: cut inside line %zu: status %d, %zu of %zu commands, not a prefix\n", name,
				l + 1, (int)g.st, g.n, full.n);
		}
		/* 2. line l loses its second half, the rest of the log follows */
		memcpy(buf, text, ls[l] + half);
		buf[ls[l] + half] = '\n';
		memcpy(buf + ls[l] + half + 1, text + ls[l + 1], n - ls[l + 1]);
		size_t m = ls[l] + half + 1 + (n - ls[l + 1]);
		decode(buf, m, &g);
		cases++;
		bool good = g.st == ESP_OK ? subseq(&g, &full, 0) && g.n == full.n
			  : g.st == ESP_E_TRUNCATED ? subseq(&g, &full, 1) && g.e.where <= l + 2 /* the cut line or, for a cut header, the first of its lines */
						     : false;
		if (!good) {
			bad++;
			fprintf(stderr, "%s: line %zu cut in half: status %d (line %llu), %zu of %zu commands\n", name,
				l + 1, (int)g.st, (unsigned long long)g.e.where, g.n, full.n);
		}
		/* 3. an excerpt: the first l lines are missing */
		decode(text + ls[l], n - ls[l], &g);
		cases++;
		if (!ok_or_cut(g.st) || !is_suffix(&g, &full)) {
			bad++;
			fprintf(stderr, "%s: from line %zu on: status %d, %zu of %zu commands, not a suffix\n", name,
				l + 1, (int)g.st, g.n, full.n);
		}
		if (bad - fails_before > 10)
			break;
	}
	CHECK_EQ_U(bad - fails_before, 0);

	/* CRLF endings: the same commands, nothing cut */
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n')
			buf[m++] = '\r';
		buf[m++] = text[i];
	}
	decode(buf, m, &g);
	CHECK_EQ_U(g.st, ESP_OK);
	CHECK(g.n == full.n && memcmp(g.sig, full.sig, full.n * sizeof *g.sig) == 0);

	/* two runs pasted one after the other: both decode, as two sessions */
	memcpy(buf, text, n);
	memcpy(buf + n, text, n);
	decode(buf, 2 * n, &g);
	CHECK_EQ_U(g.st, ESP_OK);
	CHECK_EQ_U(g.n, 2 * full.n);
	CHECK(g.n == 2 * full.n && memcmp(g.sig + full.n, full.sig, full.n * sizeof *g.sig) == 0);
	CHECK_EQ_U(g.sessions, 2 * (full.sessions ? full.sessions : 1));
	free(full.sig);
	free(g.sig);
	free(buf);
	free(ls);
	free(text);
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	char dir[512];
	snprintf(dir, sizeof dir, "%s/tests/data/samples", top ? top : "..");
	const char *st = getenv("ESPTAP_PARTIAL_STRIDE");
	size_t stride = st ? strtoul(st, NULL, 10) : 0;
	static const char *const samples[] = {
		"esptool-clean-write-stub.log",     "esptool-clean-write-stub-3.3.3.log",
		"esptool-clean-write-stub-5.3.1.log", "esptool-clean-write-nostub.log",
		"esptool-read-flash.log",
	};
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		/* default: a prime stride, so cuts fall on every kind of line */
		one_sample(dir, samples[i], stride ? stride : 97);
	printf("%d cuts decoded, %d wrong\n", cases, bad);
	CHECK(cases > 100);
	CHECK_DONE(5 * 9 + 1);
}
