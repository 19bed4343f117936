/* test_inputs.c: offline inputs: trace logs of every esptool layout, pcap(ng), raw and hex. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <unistd.h>

#include "capture/feed.h"
#include "capture/input.h"
#include "check.h"
#include "core/cursor.h"

/* ---- what a reader fed ---- */

typedef struct {
	uint8_t *h2c, *c2h;
	size_t nh, nc, caph, capc;
	int notes, bauds, gaps, units;
	uint32_t last_baud, last_gap;
	uint64_t last_ts;
	char note_text[64][160];
	esp_unit u[16];
	uint8_t wire[16][64], pay[16][64];
} got;

static void append(uint8_t **b, size_t *n, size_t *cap, const uint8_t *p, size_t k)
{
	if (*n + k > *cap) {
		*cap = (*n + k) * 2 + 64;
		*b = realloc(*b, *cap);
	}
	memcpy(*b + *n, p, k);
	*n += k;
}

static void on_event(const esp_event *ev, void *user)
{
	got *g = user;
	g->last_ts = ev->ts_ns;
	if (ev->kind == ESP_EV_BYTES) {
		if (ev->dir == ESP_DIR_H2C)
			append(&g->h2c, &g->nh, &g->caph, ev->data, ev->len);
		else
			append(&g->c2h, &g->nc, &g->capc, ev->data, ev->len);
	} else if (ev->kind == ESP_EV_NOTE) {
		if (g->notes < 64)
			snprintf(g->note_text[g->notes], sizeof g->note_text[0], "%.*s", (int)ev->len,
				 (const char *)ev->data);
		g->notes++;
	} else if (ev->kind == ESP_EV_BAUD) {
		g->bauds++;
		g->last_baud = ev->value;
	} else if (ev->kind == ESP_EV_GAP) {
		g->gaps++;
		g->last_gap = ev->value;
	}
}

static void on_unit(const esp_unit *u, void *user)
{
	got *g = user;
	if (g->units < 16) {
		g->u[g->units] = *u;
		memcpy(g->wire[g->units], u->wire, u->wire_len < 64 ? u->wire_len : 64);
		memcpy(g->pay[g->units], u->payload, u->payload_len < 64 ? u->payload_len : 64);
	}
	g->units++;
	g->last_ts = u->ts_ns;
}

static void got_free(got *g)
{
	free(g->h2c);
	free(g->c2h);
	memset(g, 0, sizeof *g);
}

static bool has_note(const got *g, const char *prefix)
{
	for (int i = 0; i < g->notes && i < 64; i++)
		if (strncmp(g->note_text[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* Open and run path; returns run's (or open's) status; *in_out closed. */
static esp_status import(const char *path, const esp_input_opts *o, got *g, esp_error *e,
			 esp_input_info *info, uint64_t *end_ns)
{
	esp_input *in = NULL;
	memset(e, 0, sizeof *e);
	esp_status st = esp_input_open(path, o, &in, e);
	if (st)
		return st;
	esp_feed feed = {on_event, on_unit, g};
	st = esp_input_run_feed(in, &feed, e);
	if (info) { /* strings copied: they live as long as the input */
		static char fl[64], ifn[128];
		*info = *esp_input_info_get(in);
		snprintf(fl, sizeof fl, "%s", info->flasher ? info->flasher : "");
		snprintf(ifn, sizeof ifn, "%s", info->if_name ? info->if_name : "");
		info->flasher = info->flasher ? fl : NULL;
		info->if_name = info->if_name ? ifn : NULL;
	}
	if (end_ns)
		*end_ns = esp_input_end_ns(in);
	esp_input_close(in);
	return st;
}

static char tmpdir[256];

static const char *write_file(const char *name, const void *p, size_t n)
{
	static char path[8][512];
	static int k;
	char *out = path[k++ % 8];
	snprintf(out, 512, "%s/%s", tmpdir, name);
	FILE *f = fopen(out, "wb");
	fwrite(p, 1, n, f);
	fclose(f);
	return out;
}

static const char *write_text(const char *name, const char *s) { return write_file(name, s, strlen(s)); }

/* ---- an independent scan of a sample: counts and times from the text ---- */

typedef struct {
	uint64_t h2c, c2h, ms;
	char first[64];
} scan;

static void scan_log(const char *path, scan *s)
{
	memset(s, 0, sizeof *s);
	FILE *f = fopen(path, "r");
	char l[4096];
	while (f && fgets(l, sizeof l, f)) {
		if (!s->first[0])
			sscanf(l, "%63[^\n]", s->first);
		char *t = strstr(l, "TRACE +");
		if (!t)
			continue;
		unsigned a, b;
		if (sscanf(t, "TRACE +%u.%u", &a, &b) == 2)
			s->ms += a * 1000u + b;
		unsigned long n;
		char *w;
		if ((w = strstr(t, "Write ")) && sscanf(w, "Write %lu bytes:", &n) == 1)
			s->h2c += n;
		else if ((w = strstr(t, "Read ")) && sscanf(w, "Read %lu bytes:", &n) == 1)
			s->c2h += n;
		else if ((w = strstr(t, "Remaining data in serial buffer:"))) {
			w += strlen("Remaining data in serial buffer:");
			size_t digits = 0;
			for (; *w; w++)
				digits += (*w >= '0' && *w <= '9') || (*w >= 'a' && *w <= 'f');
			s->c2h += digits / 2;
		}
	}
	if (f)
		fclose(f);
}

static char srcdir[512];

static void sample_path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/tests/data/samples/%s", srcdir, name);
}

static void test_samples(void)
{
	static const char *const names[] = {
		"esptool-clean-write-stub.log", "esptool-clean-write-stub-3.3.3.log",
		"esptool-clean-write-stub-5.3.1.log", "esptool-clean-write-nostub.log",
		"esptool-read-flash.log",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[600];
		sample_path(path, sizeof path, names[i]);
		scan s;
		scan_log(path, &s);
		CHECK(s.h2c > 1000 && s.c2h > 500); /* the scan itself found the dumps */
		got g = {0};
		esp_error e;
		esp_input_info info;
		uint64_t end = 0;
		esp_status st = import(path, NULL, &g, &e, &info, &end);
		CHECK_EQ_U(st, ESP_OK);
		CHECK_EQ_U(g.nh, s.h2c);
		CHECK_EQ_U(g.nc, s.c2h);
		CHECK_EQ_U(end, s.ms * 1000000u);
		CHECK_EQ_U(g.last_ts, s.ms * 1000000u);
		CHECK_EQ_S(info.format, "esptool-trace");
		CHECK_EQ_S(info.flasher, s.first);
		CHECK(has_note(&g, "Connecting..."));
		CHECK(!has_note(&g, "trace cross-check"));
		/* every Write starts a SLIP frame */
		CHECK(g.nh && g.h2c[0] == 0xC0 && g.h2c[g.nh - 1] == 0xC0);
		if (strstr(names[i], "3.3.3")) {
			CHECK(has_note(&g, "Unsupported detection protocol"));
			CHECK(has_note(&g, ".")); /* glued before a TRACE */
			CHECK(has_note(&g, "Detecting chip type..."));
		}
		if (strstr(names[i], "5.3.1")) {
			CHECK(has_note(&g, "Note: Pre-connection")); /* ANSI colour gone */
			CHECK(has_note(&g, "Writing at 0x00010000 ["));
		}
		got_free(&g);
	}
}

/* ---- v4 rewritten in v5's layout carries the same bytes ---- */

static bool is_cont(const char *l) { return strncmp(l, "    ", 4) == 0 && strchr(l, '|'); }

static char *to_v5(const char *path, size_t *len)
{
	char *buf = NULL;
	FILE *f = fopen(path, "r"), *o = open_memstream(&buf, len);
	char l[4096];
	bool cmd_dump = false;
	while (fgets(l, sizeof l, f)) {
		l[strcspn(l, "\n")] = 0;
		if (cmd_dump && !is_cont(l)) {
			fputs(" ---\n", o);
			cmd_dump = false;
		} else if (cmd_dump) {
			fprintf(o, "\n%s", l);
			continue;
		}
		char *t = strstr(l, "TRACE +");
		if (!t) {
			fprintf(o, "%s\n", l);
			continue;
		}
		*t = 0;
		if (l[0])
			fprintf(o, "%s\n", l);
		unsigned a, b;
		int k = 0;
		sscanf(t + 5, " +%u.%u %n", &a, &b, &k);
		char *m = t + 5 + k;
		fprintf(o, "  TRACE +%u.%03u   ", a, b);
		unsigned op, dl;
		char *d;
		if (sscanf(m, "command op=0x%x data len=%u", &op, &dl) == 2 && (d = strstr(m, "data="))) {
			fprintf(o, "--- Cmd OP (0x%02x) | data_len %u | wait_response 1 | timeout 3.000 | data %s",
				op, dl, d + 5);
			if (d[5])
				fputs(" ---\n", o);
			else
				cmd_dump = true;
			continue;
		}
		char *colon = strstr(m, "bytes:");
		if ((strncmp(m, "Write ", 6) == 0 || strncmp(m, "Read ", 5) == 0) && colon) {
			colon[6] = 0;
			fprintf(o, "%-21s %s\n", m, colon + 7);
			continue;
		}
		fprintf(o, "%s\n", m);
	}
	if (cmd_dump)
		fputs(" ---\n", o);
	fclose(f);
	fclose(o);
	return buf;
}

static void test_v5_same_as_v4(void)
{
	char path[600];
	sample_path(path, sizeof path, "esptool-clean-write-stub.log");
	size_t n;
	char *v5 = to_v5(path, &n);
	CHECK(strstr(v5, "  TRACE +0.000   --- Cmd OP (0x08)") != NULL);
	CHECK(strstr(v5, "| UUUU ---\n") != NULL);
	const char *p5 = write_file("v5.log", v5, n);
	got g4 = {0}, g5 = {0};
	esp_error e;
	uint64_t end4 = 0, end5 = 1;
	CHECK_EQ_U(import(path, NULL, &g4, &e, NULL, &end4), ESP_OK);
	CHECK_EQ_U(import(p5, NULL, &g5, &e, NULL, &end5), ESP_OK);
	CHECK_EQ_U(g5.nh, g4.nh);
	CHECK_EQ_U(g5.nc, g4.nc);
	CHECK(g4.nh == g5.nh && memcmp(g4.h2c, g5.h2c, g4.nh) == 0);
	CHECK(g4.nc == g5.nc && memcmp(g4.c2h, g5.c2h, g4.nc) == 0);
	CHECK_EQ_U(end5, end4);
	CHECK(!has_note(&g5, "trace cross-check"));
	CHECK(!has_note(&g5, "0707122055555555")); /* command dumps are not notes */
	got_free(&g4);
	got_free(&g5);
	free(v5);
}

/* ---- esptool 2.2: Python repr byte strings ---- */

static void repr(char *out, const uint8_t *p, size_t n, bool py3)
{
	char q = '\'';
	out += sprintf(out, "%s'", py3 ? "b" : "");
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '\\' || c == (uint8_t)q)
			out += sprintf(out, "\\%c", c);
		else if (c == '\n')
			out += sprintf(out, "\\n");
		else if (c == '\r')
			out += sprintf(out, "\\r");
		else if (c >= 0x20 && c < 0x7f)
			*out++ = (char)c;
		else
			out += sprintf(out, "\\x%02x", c);
	}
	sprintf(out, "'");
}

static void test_repr(void)
{
	static const uint8_t w[] = {0xc0, 0x00, 0x08, 0x24, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x07,
				    0x12, 0x20, 'U', 'U', '\'', '\\', '\n', '\r', '"', 0xdb, 0xdc, 0xc0};
	static const uint8_t r1[] = {0xc0}, r2[] = {0x01, 0x08, 0x04, 0x00, 0x07, 0x07, 0x12, 0x20,
						   0x00, 0x00, 0x00, 0x00, 0xc0};
	for (int py3 = 0; py3 < 2; py3++) {
		char a[256], b[256], c[256], d[256], log[2048];
		repr(a, w, sizeof w, py3);
		repr(b, r1, sizeof r1, py3);
		repr(c, r2, sizeof r2, py3);
		repr(d, r2, sizeof r2 - 1, py3);
		snprintf(log, sizeof log,
			 "esptool.py v2.2\nConnecting...\n"
			 "TRACE +0.000 command op=0x08 data len=36 wait_response=1 timeout=0.100 data=%s\n"
			 "TRACE +0.001 Write %zu bytes: %s\n"
			 "TRACE +0.012 Read %zu bytes: %s\n"
			 "TRACE +0.000 Read %zu bytes: %s\n"
			 "TRACE +0.000 Full packet: %s\n",
			 a, sizeof w, a, sizeof r1, b, sizeof r2, c, d);
		const char *path = write_text("repr.log", log);
		got g = {0};
		esp_error e;
		esp_input_info info;
		CHECK_EQ_U(import(path, NULL, &g, &e, &info, NULL), ESP_OK);
		CHECK_EQ_U(g.nh, sizeof w);
		CHECK(g.nh == sizeof w && memcmp(g.h2c, w, sizeof w) == 0);
		CHECK_EQ_U(g.nc, sizeof r1 + sizeof r2);
		CHECK(g.nc == 14 && g.c2h[0] == 0xc0 && memcmp(g.c2h + 1, r2, sizeof r2) == 0);
		CHECK_EQ_U(g.last_ts, 13000000u);
		CHECK_EQ_S(info.flasher, "esptool.py v2.2");
		CHECK(!has_note(&g, "trace cross-check"));
		got_free(&g);
	}
}

/* ---- errors in trace logs ---- */

static void test_trace_errors(void)
{
	got g = {0};
	esp_error e;
	/* cut in the middle of a same-line dump, no final newline */
	const char *p = write_text("cut1.log", "TRACE +0.000 Write 10 bytes: c00014000000000000c0\n"
					       "TRACE +0.002 Read 14 bytes: 0108040007");
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_E_TRUNCATED);
	CHECK_EQ_U(e.loc, ESP_LOC_LINE);
	CHECK_EQ_U(e.where, 2);
	CHECK_EQ_U(g.nh, 10);
	CHECK_EQ_U(g.nc, 5); /* the complete bytes of the cut line */
	CHECK(strstr(e.source, "cut1.log") != NULL);
	got_free(&g);

	/* cut inside a multi-line dump */
	p = write_text("cut2.log", "TRACE +0.000 Write 46 bytes: \n"
				   "    c000082400000000 0007071220555555 | ...$........ UUU\n"
				   "    5555555555555555 5555");
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_E_TRUNCATED);
	CHECK_EQ_U(e.where, 1); /* the line that announced the count */
	CHECK_EQ_U(g.nh, 26);
	got_free(&g);

	/* a dump shorter than its header says, then more lines (a pasted log):
	 * what is there is fed, the rest is a gap, the lines after it go on */
	p = write_text("count1.log", "TRACE +0.000 Write 10 bytes: c00014000000000000c0\n"
				     "TRACE +0.002 Read 11 bytes: 0102\n"
				     "TRACE +0.000 Read 1 bytes: c0\n");
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_E_TRUNCATED);
	CHECK_EQ_U(e.where, 2);
	CHECK_EQ_U(g.nh, 10);
	CHECK_EQ_U(g.nc, 3);
	CHECK_EQ_U(g.gaps, 1);
	CHECK_EQ_U(g.last_gap, 9);
	CHECK(strchr(e.text, '\n') == NULL);
	CHECK(strstr(e.text, "2 of the 11 bytes") != NULL);
	got_free(&g);

	p = write_text("count2.log", "TRACE +0.000 Write 46 bytes: \n"
				     "    c000082400000000 0007071220555555 | ...$........ UUU\n"
				     "    5555555555555555 5555555555555555 | UUUUUUUUUUUUUUUU\n"
				     "TRACE +0.009 Read 1 bytes: c0\n");
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_E_TRUNCATED);
	CHECK_EQ_U(e.where, 1);
	CHECK_EQ_U(g.nh, 32);
	CHECK_EQ_U(g.last_gap, 14);
	CHECK_EQ_U(g.nc, 1);
	got_free(&g);

	/* a line wrapped by a mail client: its rest on the next line, bare */
	p = write_text("wrap.log", "TRACE +0.000 Write 10 bytes: c000140000\n"
				   "00000000c0\n"
				   "TRACE +0.002 Read 1 bytes: c0\n");
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_OK);
	CHECK_EQ_U(g.nh, 10);
	CHECK_EQ_U(g.gaps, 0);
	CHECK_EQ_U(g.nc, 1);
	got_free(&g);

	/* CRLF endings read as LF */
	p = write_text("crlf.log", "TRACE +0.000 Write 10 bytes: c00014000000000000c0\r\n"
				   "TRACE +0.002 Read 2 bytes: c001\r\n");
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_OK);
	CHECK_EQ_U(g.nh, 10);
	CHECK_EQ_U(g.nc, 2);
	got_free(&g);

	/* an excerpt starting inside a dump: its headerless lines are skipped and said to be */
	p = write_text("orphan.log", "    5555555555555555 5555555555555555 | UUUUUUUUUUUUUUUU\n"
				     "TRACE +0.009 Read 1 bytes: c0\n");
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_E_TRUNCATED);
	CHECK_EQ_U(e.where, 1);
	CHECK_EQ_U(g.nh, 0);
	CHECK_EQ_U(g.nc, 1);
	got_free(&g);

	p = write_text("badhex.log", "TRACE +0.000 Write 2 bytes: c0zz\n");
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_E_CORRUPT);
	got_free(&g);

	p = write_text("unknown.txt", "hello world\nnothing to see\n");
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_E_FORMAT);
	CHECK(strstr(e.text, "no known format") != NULL);
	p = write_text("empty.log", "");
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_E_FORMAT);
	CHECK_EQ_U(import("/nonexistent/dir/x.log", NULL, &g, &e, NULL, NULL), ESP_E_IO);
	CHECK_EQ_U(e.sys_errno, ENOENT);
	CHECK_EQ_S(e.source, "/nonexistent/dir/x.log");
	got_free(&g);
}

/* ---- messages, baud, cross-check ---- */

static void test_messages(void)
{
	got g = {0};
	esp_error e;
	const char *p = write_text(
		"msg.log", "esptool.py v4.8.1\n"
			   "\x1b[1;31mA fatal error occurred: \x1b[0mboom\n"
			   "Changing baud rate to 460800\n"
			   "TRACE +0.100 command op=0x0f data len=8 wait_response=1 timeout=3.000 data=0008070000000000\n"
			   "TRACE +0.000 Write 18 bytes: c0000f0800000000000008070000000000c0\n"
			   "TRACE +0.002 Read 11 bytes: 010f0200000000000000c0\n"
			   "Changed.\n"
			   "TRACE +0.050 Timed out waiting for packet header\n"
			   "Detecting chip type...TRACE +0.001 command op=0x14 data len=0 wait_response=1 timeout=3.000 data=\n"
			   "TRACE +0.001 No serial data received.\n");
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_OK);
	CHECK(has_note(&g, "A fatal error occurred: boom"));
	CHECK(has_note(&g, "Timed out waiting for packet header"));
	CHECK(has_note(&g, "Detecting chip type..."));
	CHECK(has_note(&g, "No serial data received."));
	CHECK_EQ_U(g.bauds, 1);
	CHECK_EQ_U(g.last_baud, 460800);
	/* two command lines, one command written: the importer says so once */
	CHECK(has_note(&g, "trace cross-check: 2 command lines, 1 commands written"));
	CHECK_EQ_U(g.last_ts, 154000000u);
	got_free(&g);
}

/* ---- esptool-js 0.7: absolute ms stamps, re-read bytes ---- */

static void test_esptool_js(void)
{
	got g = {0};
	esp_error e;
	esp_input_info info;
	/* Two packets arrive in one read; the reader puts the second back and
	 * shows it again at the head of its next Read. */
	const char *p = write_text(
		"js.log",
		"TRACE 5.000 command op:0x0a data len=4 wait_response=1 timeout=3.000 data=00100040        \n"
		"TRACE 5.000 Write 14 bytes: c0000a04000000000000100040c0\n"
		"TRACE 9.000 Read 16 bytes: \n"
		"    c0010a0400831df0 00000000c0c00102 | ................\n"
		"TRACE 9.000 Received full packet: 010a0400831df00000000000\n"
		"TRACE 12.000 Read 6 bytes: c0010200c0aa    \n"
		"TRACE 12.000 Received full packet: 010200\n"
		"TRACE 20.000 Drained 3 bytes from serial buffer\n");
	CHECK_EQ_U(import(p, NULL, &g, &e, &info, NULL), ESP_OK);
	CHECK_EQ_S(info.format, "esptool-js-trace");
	static const uint8_t want[] = {0xc0, 0x01, 0x0a, 0x04, 0x00, 0x83, 0x1d, 0xf0, 0x00, 0x00,
				       0x00, 0x00, 0xc0, 0xc0, 0x01, 0x02, 0x00, 0xc0, 0xaa};
	CHECK_EQ_U(g.nh, 14);
	CHECK_EQ_U(g.nc, sizeof want);
	CHECK(g.nc == sizeof want && memcmp(g.c2h, want, sizeof want) == 0);
	CHECK_EQ_U(g.gaps, 1);
	CHECK_EQ_U(g.last_gap, 2); /* 3 drained, 1 (0xaa) already shown */
	CHECK_EQ_U(g.last_ts, 20000000u);
	got_free(&g);
}

/* ---- raw and hex ---- */

static void test_raw_hex(void)
{
	got g = {0};
	esp_error e;
	esp_input_opts o = {.format = ESP_IN_HEX, .raw_dir = ESP_DIR_C2H};
	const char *p = write_text("x.hex", "# boot log\nc0 01 0x08,0X04 # comment 99\n  0a0B\n");
	CHECK_EQ_U(import(p, &o, &g, &e, NULL, NULL), ESP_OK);
	static const uint8_t want[] = {0xc0, 0x01, 0x08, 0x04, 0x0a, 0x0b};
	CHECK_EQ_U(g.nc, sizeof want);
	CHECK(g.nc == 6 && memcmp(g.c2h, want, 6) == 0);
	got_free(&g);
	p = write_text("bad.hex", "c0 01\nzz\n");
	CHECK_EQ_U(import(p, &o, &g, &e, NULL, NULL), ESP_E_CORRUPT);
	CHECK_EQ_U(e.loc, ESP_LOC_BYTE);
	CHECK_EQ_U(e.where, 6);
	CHECK_EQ_U(g.nc, 2);
	got_free(&g);
	o.format = ESP_IN_RAW;
	o.raw_dir = ESP_DIR_H2C;
	static const uint8_t bin[] = {0xc0, 0x00, 0x0a, 'h', 'i', '\n', 0xff};
	p = write_file("x.bin", bin, sizeof bin);
	CHECK_EQ_U(import(p, &o, &g, &e, NULL, NULL), ESP_OK);
	CHECK(g.nh == sizeof bin && memcmp(g.h2c, bin, sizeof bin) == 0);
	got_free(&g);
	/* the same bytes without --format: not a known format */
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_E_FORMAT);
	got_free(&g);
}

/* ---- pcapng written by hand per docs/linktype.md ---- */

static size_t put_block(uint8_t *o, uint32_t type, const uint8_t *body, size_t n)
{
	size_t pad = (4 - n % 4) % 4, total = 12 + n + pad;
	esp_put_u32le(o, type);
	esp_put_u32le(o + 4, (uint32_t)total);
	memcpy(o + 8, body, n);
	memset(o + 8 + n, 0, pad);
	esp_put_u32le(o + 8 + n + pad, (uint32_t)total);
	return total;
}

static size_t put_epb(uint8_t *o, uint64_t ts, uint8_t dir, uint8_t kind, uint16_t flags,
		      uint32_t baud, uint32_t value, const uint8_t *data, size_t n, const char *magic)
{
	uint8_t b[256];
	size_t cap = 20 + n;
	esp_put_u32le(b, 0);
	esp_put_u32le(b + 4, (uint32_t)(ts >> 32));
	esp_put_u32le(b + 8, (uint32_t)ts);
	esp_put_u32le(b + 12, (uint32_t)cap);
	esp_put_u32le(b + 16, (uint32_t)cap);
	uint8_t *h = b + 20;
	memcpy(h, magic, 4);
	h[4] = 1;
	h[5] = 20;
	h[6] = dir;
	h[7] = kind;
	esp_put_u16le(h + 8, flags);
	h[10] = 0x03;
	h[11] = 0;
	esp_put_u32le(h + 12, baud);
	esp_put_u32le(h + 16, value);
	if (n)
		memcpy(h + 20, data, n);
	size_t body = 20 + cap;
	while (body % 4)
		b[body++] = 0;
	return put_block(o, 6, b, body);
}

static size_t make_pcapng(uint8_t *o, const char *bad_magic_on_third)
{
	size_t k = 0;
	uint8_t shb[16];
	esp_put_u32le(shb, 0x1A2B3C4D);
	esp_put_u16le(shb + 4, 1);
	esp_put_u16le(shb + 6, 0);
	memset(shb + 8, 0xff, 8);
	k += put_block(o + k, 0x0A0D0D0A, shb, sizeof shb);
	uint8_t idb[8 + 20 + 8 + 4] = {0};
	esp_put_u16le(idb, 147);
	esp_put_u16le(idb + 8, 2); /* if_name */
	esp_put_u16le(idb + 10, 12);
	memcpy(idb + 12, "/dev/ttyUSB0", 12);
	esp_put_u16le(idb + 24, 9); /* if_tsresol */
	esp_put_u16le(idb + 26, 1);
	idb[28] = 9;
	k += put_block(o + k, 1, idb, 36);
	uint64_t t0 = 1700000000ull * 1000000000ull + 123;
	static const uint8_t frame[] = {0xc0, 0x01, 0xdb, 0xdc, 0xdb, 0xdd, 0x02, 0xc0};
	static const uint8_t raw[] = {'e', 't', 's', '\n'};
	k += put_epb(o + k, t0, 2, 1, 0x0004, 115200, 0, frame, sizeof frame, "ESPT");
	k += put_epb(o + k, t0 + 1500, 2, 2, 0, 115200, 0, raw, sizeof raw, "ESPT");
	k += put_epb(o + k, t0 + 2000000, 0, 3, 0, 115200, 460800, NULL, 0,
		     bad_magic_on_third ? bad_magic_on_third : "ESPT");
	return k;
}

static void test_pcapng(void)
{
	uint8_t file[1024];
	size_t n = make_pcapng(file, NULL);
	const char *p = write_file("hand.pcapng", file, n);
	got g = {0};
	esp_error e;
	esp_input_info info;
	uint64_t end = 0;
	CHECK_EQ_U(import(p, NULL, &g, &e, &info, &end), ESP_OK);
	CHECK_EQ_S(info.format, "pcapng");
	CHECK_EQ_S(info.if_name, "/dev/ttyUSB0");
	CHECK_EQ_U(info.start_unix_ns, 1700000000ull * 1000000000ull + 123);
	CHECK_EQ_U(g.units, 3);
	CHECK_EQ_U(g.u[0].kind, ESP_UNIT_FRAME);
	CHECK_EQ_U(g.u[0].dir, ESP_DIR_C2H);
	CHECK_EQ_U(g.u[0].flags, 0x0004);
	CHECK_EQ_U(g.u[0].baud, 115200);
	CHECK_EQ_U(g.u[0].modem, 0x03);
	CHECK_EQ_U(g.u[0].ts_ns, 0);
	CHECK_EQ_U(g.u[0].frame_no, 1);
	CHECK_EQ_U(g.u[0].wire_len, 8);
	static const uint8_t pay[] = {0x01, 0xc0, 0xdb, 0x02};
	CHECK_EQ_U(g.u[0].payload_len, 4);
	CHECK_MEM(g.pay[0], pay, 4);
	CHECK_EQ_U(g.u[1].kind, ESP_UNIT_RAW);
	CHECK_EQ_U(g.u[1].ts_ns, 1500);
	CHECK_EQ_U(g.u[1].payload_len, 4);
	CHECK_MEM(g.pay[1], "ets\n", 4);
	CHECK_EQ_U(g.u[2].kind, ESP_UNIT_BAUD);
	CHECK_EQ_U(g.u[2].dir, ESP_DIR_NONE);
	CHECK_EQ_U(g.u[2].value, 460800);
	CHECK_EQ_U(g.u[2].wire_len, 0);
	CHECK_EQ_U(end, 2000000);
	got_free(&g);

	/* cut in the middle of the last block */
	p = write_file("cut.pcapng", file, n - 10);
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_E_TRUNCATED);
	CHECK_EQ_U(e.loc, ESP_LOC_BYTE);
	CHECK(e.where > 0 && e.where <= n);
	CHECK_EQ_U(g.units, 2);
	got_free(&g);

	/* a packet that is not esptap's */
	n = make_pcapng(file, "XXXX");
	p = write_file("magic.pcapng", file, n);
	CHECK_EQ_U(import(p, NULL, &g, &e, NULL, NULL), ESP_E_CORRUPT);
	CHECK_EQ_U(e.loc, ESP_LOC_FRAME);
	CHECK_EQ_U(e.where, 3);
	CHECK_EQ_U(g.units, 2);
	got_free(&g);
}

static void test_wrong_linktype(void)
{
	char path[600];
	snprintf(path, sizeof path, "%s/eth.pcap", tmpdir);
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(pd, path);
	CHECK(d != NULL);
	uint8_t pkt[60] = {0};
	struct pcap_pkthdr h = {.ts = {1, 0}, .caplen = sizeof pkt, .len = sizeof pkt};
	pcap_dump((u_char *)d, &h, pkt);
	pcap_dump_close(d);
	pcap_close(pd);
	got g = {0};
	esp_error e;
	CHECK_EQ_U(import(path, NULL, &g, &e, NULL, NULL), ESP_E_FORMAT);
	CHECK_EQ_S(e.text, "link type 1 is not esptap's (147)");
	CHECK_EQ_U(g.units, 0);
	/* accepted when asked for */
	esp_input_opts o = {.linktype = 1};
	CHECK_EQ_U(import(path, &o, &g, &e, NULL, NULL), ESP_E_CORRUPT);
	got_free(&g);
}

/* ---- the real pipeline takes what the importer feeds ---- */

static int records;
static void on_record(const esp_record *r, void *user) { records++; }

static void test_pipeline(void)
{
	char path[600];
	sample_path(path, sizeof path, "esptool-clean-write-stub.log");
	esp_pipeline_opts po = {.record_sink = on_record};
	esp_pipeline *pl = esp_pipeline_new(&po);
	esp_input *in = NULL;
	esp_error e;
	CHECK_EQ_U(esp_input_open(path, NULL, &in, &e), ESP_OK);
	CHECK_EQ_U(esp_input_run(in, pl, &e), ESP_OK);
	esp_pipeline_finish(pl, esp_input_end_ns(in));
	CHECK(records > 100);
	esp_input_close(in);
	esp_pipeline_free(pl);
}

int main(void)
{
	const char *s = getenv("top_srcdir");
	snprintf(srcdir, sizeof srcdir, "%s", s ? s : "..");
	snprintf(tmpdir, sizeof tmpdir, "%s/esptap-inputs-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_samples();
	test_v5_same_as_v4();
	test_repr();
	test_trace_errors();
	test_messages();
	test_esptool_js();
	test_raw_hex();
	test_pcapng();
	test_wrong_linktype();
	test_pipeline();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	CHECK_DONE(170);
}
