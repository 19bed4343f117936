/* input.c: opens an offline input, detects its format and runs its reader. */
#include "capture/input.h"

#include <errno.h>
#include <stdio.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include "capture/feed.h"
#include "capture/pcapread.h"
#include "capture/rawin.h"
#include "capture/tracelog.h"

#define HEAD_MAX 65536 /* detection looks at this much of the file */

/* Big reads: a decode of a large capture otherwise makes a read call every
 * few KiB (glibc sizes its own buffer by st_blksize and ignores a size
 * given without a buffer). */
#define INPUT_BUFSIZE (256 * 1024)

struct esp_input {
	esp_input_format fmt;
	esp_input_opts o;
	esp_input_info info;
	char source[256];
	char flasher[64];
	FILE *f;            /* trace, raw, hex */
	esp_pcapread *pr;   /* pcap, pcapng */
	char *iobuf;        /* the stream's stdio buffer: freed after it is closed */
	esp_trace_flavour flavour;
	uint64_t end_ns;
};

/* A pipe cannot be rewound after detection looked at its head: the readers
 * get a stream that serves the head again, then the rest of the pipe. */
typedef struct {
	uint8_t *head;
	size_t len, pos;
	FILE *under;
} replay;

static ssize_t replay_read(void *c, char *buf, size_t n)
{
	replay *r = c;
	if (r->pos < r->len) {
		size_t k = r->len - r->pos < n ? r->len - r->pos : n;
		memcpy(buf, r->head + r->pos, k);
		r->pos += k;
		return (ssize_t)k;
	}
	size_t k = fread(buf, 1, n, r->under);
	return k == 0 && ferror(r->under) ? -1 : (ssize_t)k;
}

static int replay_close(void *c)
{
	replay *r = c;
	int rc = r->under == stdin ? 0 : fclose(r->under);
	free(r->head);
	free(r);
	return rc;
}

static FILE *replay_open(FILE *under, const uint8_t *head, size_t n)
{
	replay *r = calloc(1, sizeof *r);
	if (!r || !(r->head = malloc(n ? n : 1))) {
		free(r);
		return NULL;
	}
	memcpy(r->head, head, n);
	r->len = n;
	r->under = under;
	cookie_io_functions_t io = {.read = replay_read, .close = replay_close};
	FILE *f = fopencookie(r, "rb", io);
	if (!f) {
		free(r->head);
		free(r);
	}
	return f;
}

static bool pcap_magic(const uint8_t *h, size_t n)
{
	static const uint8_t magics[][4] = {
		{0x0A, 0x0D, 0x0D, 0x0A}, /* pcapng section header */
		{0xD4, 0xC3, 0xB2, 0xA1}, /* pcap, microseconds, LE */
		{0xA1, 0xB2, 0xC3, 0xD4}, /* pcap, microseconds, BE */
		{0x4D, 0x3C, 0xB2, 0xA1}, /* pcap, nanoseconds, LE */
		{0xA1, 0xB2, 0x3C, 0x4D}, /* pcap, nanoseconds, BE */
	};
	if (n < 4)
		return false;
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (memcmp(h, magics[i], 4) == 0)
			return true;
	return false;
}

static bool is_hex_digit(uint8_t c)
{
	return esp_hexval(c) >= 0;
}

/* Does the file start as hex text: only hex digits, blanks, commas, "0x"
 * prefixes and '#' comments (to the end of the line), with a digit somewhere?
 * Only the head is looked at; the hex reader reports a bad byte further on. */
static bool looks_hex(const uint8_t *h, size_t n)
{
	bool comment = false, digit = false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = h[i];
		if (comment) {
			comment = c != '\n';
		} else if (c == '#') {
			comment = true;
		} else if (is_hex_digit(c)) {
			digit = true;
		} else if (c == 'x' || c == 'X') {
			/* a prefix: "0x" starting a token */
			if (i == 0 || h[i - 1] != '0' || (i >= 2 && (is_hex_digit(h[i - 2]) || h[i - 2] == 'x' ||
								     h[i - 2] == 'X')))
				return false;
		} else if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',') {
			return false;
		}
	}
	return digit;
}

esp_status esp_input_open(const char *path, const esp_input_opts *o, esp_input **out, esp_error *e)
{
	*out = NULL;
	esp_input_opts dflt = {0};
	if (!o)
		o = &dflt;
	bool from_stdin = !strcmp(path, "-");
	if (from_stdin)
		path = "stdin";
	FILE *f = from_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return esp_error_set(e, ESP_E_IO, path, ESP_LOC_NONE, 0, errno, "cannot open");
	uint8_t *head = malloc(HEAD_MAX);
	esp_input *in = calloc(1, sizeof *in);
	if (!head || !in) {
		free(head);
		free(in);
		if (!from_stdin)
			fclose(f);
		return esp_error_set(e, ESP_E_NOMEM, path, ESP_LOC_NONE, 0, 0, "out of memory");
	}
	in->iobuf = from_stdin ? NULL : malloc(INPUT_BUFSIZE);
	if (in->iobuf)
		setvbuf(f, in->iobuf, _IOFBF, INPUT_BUFSIZE);
	esp_status st = ESP_OK;
	size_t n = fread(head, 1, HEAD_MAX, f);
	if (ferror(f)) {
		st = esp_error_set(e, ESP_E_IO, path, ESP_LOC_BYTE, n, errno, "read failed");
		goto fail;
	}
	if (from_stdin || fseek(f, 0, SEEK_SET) != 0) {
		/* stdin, a pipe or a FIFO: read on from where detection stopped */
		FILE *r = replay_open(f, head, n);
		if (!r) {
			st = esp_error_set(e, ESP_E_NOMEM, path, ESP_LOC_NONE, 0, 0, "out of memory");
			goto fail;
		}
		f = r;
	}
	in->o = *o;
	snprintf(in->source, sizeof in->source, "%s", path);
	esp_input_format fmt = o->format;
	if (fmt == ESP_IN_RAW || fmt == ESP_IN_HEX) {
		if (o->raw_dir != ESP_DIR_H2C && o->raw_dir != ESP_DIR_C2H) {
			st = esp_error_set(e, ESP_E_USAGE, path, ESP_LOC_NONE, 0, 0,
					   "raw and hex input need a direction (host>chip or chip>host)");
			goto fail;
		}
		in->info.format = fmt == ESP_IN_RAW ? "raw" : "hex";
	} else if (n == 0) {
		st = esp_error_set(e, ESP_E_FORMAT, path, ESP_LOC_NONE, 0, 0, "empty file");
		goto fail;
	} else if (fmt == ESP_IN_PCAP || (fmt == ESP_IN_AUTO && pcap_magic(head, n))) {
		fmt = ESP_IN_PCAP;
		if (!pcap_magic(head, n)) {
			st = esp_error_set(e, ESP_E_FORMAT, path, ESP_LOC_BYTE, 0, 0,
					   "not a pcap or pcapng file");
			goto fail;
		}
		st = esp_pcapread_open(f, path, head, n, o->linktype, &in->pr, e);
		f = NULL; /* the reader owns it now */
		if (st)
			goto fail;
		in->info.format = esp_pcapread_format(in->pr);
		in->info.if_name = esp_pcapread_if_name(in->pr);
		in->info.start_unix_ns = esp_pcapread_start_ns(in->pr);
	} else {
		in->flavour = esp_trace_sniff(head, n);
		bool dir = o->raw_dir == ESP_DIR_H2C || o->raw_dir == ESP_DIR_C2H;
		if (fmt == ESP_IN_AUTO && in->flavour == ESP_TRACE_NONE && dir) {
			/* One direction's bytes: hex text if it reads as hex, else binary. */
			fmt = looks_hex(head, n) ? ESP_IN_HEX : ESP_IN_RAW;
			in->info.format = fmt == ESP_IN_RAW ? "raw" : "hex";
			goto opened;
		}
		if (fmt == ESP_IN_AUTO && in->flavour == ESP_TRACE_NONE) {
			st = esp_error_set(e, ESP_E_FORMAT, path, ESP_LOC_NONE, 0, 0,
					   "no known format (not pcap, pcapng or an esptool trace "
					   "log; with --dir it is read as raw or hex bytes of that direction)");
			goto fail;
		}
		fmt = ESP_IN_TRACE;
		in->info.format = in->flavour == ESP_TRACE_ESPTOOL_JS ? "esptool-js-trace"
								      : "esptool-trace";
		esp_trace_flasher(head, n, in->flasher, sizeof in->flasher);
		if (in->flasher[0])
			in->info.flasher = in->flasher;
	}
opened:
	in->fmt = fmt;
	in->f = f;
	free(head);
	*out = in;
	return ESP_OK;
fail:
	if (f)
		fclose(f);
	free(head);
	free(in->iobuf);
	free(in);
	return st;
}

const esp_input_info *esp_input_info_get(const esp_input *in) { return &in->info; }

uint64_t esp_input_end_ns(const esp_input *in) { return in->end_ns; }

esp_status esp_input_run_feed(esp_input *in, const esp_feed *feed, esp_error *e)
{
	esp_status st = ESP_OK;
	switch (in->fmt) {
	case ESP_IN_PCAP:
		st = esp_pcapread_run(in->pr, feed, e);
		in->end_ns = esp_pcapread_end_ns(in->pr);
		break;
	case ESP_IN_TRACE: {
		esp_trace_result r;
		st = esp_trace_import(in->f, in->source, in->flavour, feed, &r, e);
		in->end_ns = r.end_ns;
		if (r.flasher[0] && !in->flasher[0]) {
			memcpy(in->flasher, r.flasher, sizeof in->flasher);
			in->info.flasher = in->flasher;
		}
		break;
	}
	case ESP_IN_RAW:
	case ESP_IN_HEX:
		st = esp_rawin_read(in->f, in->source, in->fmt == ESP_IN_HEX, in->o.raw_dir, feed,
				    NULL, e);
		in->end_ns = 0;
		break;
	default:
		st = esp_error_set(e, ESP_E_INTERNAL, in->source, ESP_LOC_NONE, 0, 0,
				   "input format %d has no reader", (int)in->fmt);
	}
	return st;
}

static void to_pipeline_event(const esp_event *ev, void *user) { esp_pipeline_event(user, ev); }
static void to_pipeline_unit(const esp_unit *u, void *user) { esp_pipeline_unit(user, u); }

esp_status esp_input_run(esp_input *in, esp_pipeline *p, esp_error *e)
{
	esp_feed feed = {to_pipeline_event, to_pipeline_unit, p};
	return esp_input_run_feed(in, &feed, e);
}

void esp_input_close(esp_input *in)
{
	if (!in)
		return;
	if (in->f)
		fclose(in->f);
	esp_pcapread_close(in->pr);
	free(in->iobuf);
	free(in);
}
