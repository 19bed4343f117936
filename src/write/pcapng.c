/* pcapng.c: writes SHB, IDB and one EPB per unit, whole blocks at a time. */
#include "write/pcapng.h"
#include "write/outfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"

/* Block and option codes from the pcapng specification. */
enum {
	BT_SHB = 0x0A0D0D0A,
	BT_IDB = 0x00000001,
	BT_EPB = 0x00000006,
	BYTE_ORDER_MAGIC = 0x1A2B3C4D,
	OPT_END = 0,
	OPT_COMMENT = 1,
	SHB_USERAPPL = 4,
	IF_NAME = 2,
	IF_TSRESOL = 9,
	EPB_FLAGS = 2,
	EPB_INBOUND = 1,
	EPB_OUTBOUND = 2,
};

#define PCAPNG_BUFSIZE (256 * 1024)

struct esp_pcapng {
	FILE *f;
	bool is_stdout;
	char path[256];
	uint64_t start_ns;
	uint64_t packets;
	char *iobuf;  /* the file's stdio buffer, freed after fclose */
	uint8_t *buf; /* the block being built */
	size_t len, cap;
	bool failed;
};

static bool grow(esp_pcapng *w, size_t more)
{
	if (w->len + more <= w->cap)
		return true;
	size_t cap = w->cap ? w->cap : 4096;
	while (cap < w->len + more)
		cap *= 2;
	uint8_t *p = realloc(w->buf, cap);
	if (!p)
		return false;
	w->buf = p;
	w->cap = cap;
	return true;
}

/* Callers reserve space with grow() first; these only append. */
static void put32(esp_pcapng *w, uint32_t v)
{
	esp_put_u32le(w->buf + w->len, v);
	w->len += 4;
}

static void put16(esp_pcapng *w, uint16_t v)
{
	esp_put_u16le(w->buf + w->len, v);
	w->len += 2;
}

static void put_bytes_padded(esp_pcapng *w, const void *p, size_t n)
{
	if (n)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
	while (w->len % 4)
		w->buf[w->len++] = 0;
}

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

/* Option sizes: 4-byte header + value padded to 4. */
static size_t opt_size(size_t n) { return 4 + pad4(n); }

static void put_opt(esp_pcapng *w, uint16_t code, const void *p, size_t n)
{
	put16(w, code);
	put16(w, (uint16_t)n);
	put_bytes_padded(w, p, n);
}

/* Start a block: type and a length patched by end_block. */
static void begin_block(esp_pcapng *w, uint32_t type)
{
	w->len = 0;
	put32(w, type);
	put32(w, 0);
}

static esp_status end_block(esp_pcapng *w, esp_error *e)
{
	uint32_t total = (uint32_t)w->len + 4;
	put32(w, total);
	esp_put_u32le(w->buf + 4, total);
	if (fwrite(w->buf, 1, w->len, w->f) != w->len) {
		w->failed = true;
		return esp_error_set(e, ESP_E_IO, w->path, ESP_LOC_NONE, 0, errno, "cannot write pcapng");
	}
	return ESP_OK;
}

static size_t opt_len(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n > max ? max : n;
}

void esp_pseudo_header(const esp_unit *u, uint8_t out[ESP_PSEUDO_LEN])
{
	memcpy(out, ESP_PSEUDO_MAGIC, 4);
	out[4] = ESP_PSEUDO_VERSION;
	out[5] = ESP_PSEUDO_LEN;
	out[6] = (uint8_t)u->dir;
	out[7] = (uint8_t)u->kind;
	esp_put_u16le(out + 8, u->flags);
	out[10] = u->modem;
	out[11] = 0;
	esp_put_u32le(out + 12, u->baud);
	esp_put_u32le(out + 16, u->value);
}

static esp_status write_headers(esp_pcapng *w, const esp_pcapng_opts *o, esp_error *e)
{
	size_t ua = opt_len(o->userappl, 0xFFFF);
	if (!grow(w, 64 + opt_size(ua)))
		return esp_error_set(e, ESP_E_NOMEM, w->path, ESP_LOC_NONE, 0, 0, "out of memory");
	begin_block(w, BT_SHB);
	put32(w, BYTE_ORDER_MAGIC);
	put16(w, 1); /* major */
	put16(w, 0); /* minor */
	put32(w, 0xFFFFFFFFu); /* section length unknown: we stream */
	put32(w, 0xFFFFFFFFu);
	if (ua)
		put_opt(w, SHB_USERAPPL, o->userappl, ua);
	put_opt(w, OPT_END, NULL, 0);
	esp_status st = end_block(w, e);
	if (st != ESP_OK)
		return st;

	size_t in = opt_len(o->if_name, 0xFFFF);
	if (!grow(w, 64 + opt_size(in)))
		return esp_error_set(e, ESP_E_NOMEM, w->path, ESP_LOC_NONE, 0, 0, "out of memory");
	begin_block(w, BT_IDB);
	put16(w, (uint16_t)(o->linktype ? o->linktype : ESP_PCAPNG_LINKTYPE_DEFAULT));
	put16(w, 0);
	put32(w, 0); /* snaplen: no limit */
	if (in)
		put_opt(w, IF_NAME, o->if_name, in);
	uint8_t res = 9; /* nanoseconds */
	put_opt(w, IF_TSRESOL, &res, 1);
	put_opt(w, OPT_END, NULL, 0);
	return end_block(w, e);
}

esp_status esp_pcapng_open(const char *path, const esp_pcapng_opts *o, esp_pcapng **out, esp_error *e)
{
	*out = NULL;
	esp_pcapng *w = calloc(1, sizeof *w);
	if (!w)
		return esp_error_set(e, ESP_E_NOMEM, path, ESP_LOC_NONE, 0, 0, "out of memory");
	snprintf(w->path, sizeof w->path, "%s", path);
	w->start_ns = o->start_unix_ns;
	if (!strcmp(path, "-")) {
		w->f = stdout;
		w->is_stdout = true;
	} else if (esp_outfile_open(path, o->force, "pcapng file", &w->f, e) != ESP_OK) {
		free(w);
		return e ? e->status : ESP_E_IO;
	} else if ((w->iobuf = malloc(PCAPNG_BUFSIZE)) != NULL) {
		/* glibc's 4 KiB default costs a write() per few packets; live use
		 * still flushes every 100 ms. */
		setvbuf(w->f, w->iobuf, _IOFBF, PCAPNG_BUFSIZE);
	}
	esp_status st = write_headers(w, o, e);
	if (st != ESP_OK) {
		esp_pcapng_close(w, NULL);
		return st;
	}
	*out = w;
	return ESP_OK;
}

esp_status esp_pcapng_write(esp_pcapng *w, const esp_unit *u, const char *comment, esp_error *e)
{
	size_t cl = opt_len(comment, 0xFFFF);
	size_t data = ESP_PSEUDO_LEN + u->wire_len;
	if (data > 0xFFFFFFF0u || !grow(w, 64 + pad4(data) + opt_size(cl) + opt_size(4)))
		return esp_error_set(e, ESP_E_NOMEM, w->path, ESP_LOC_FRAME, u->frame_no, 0,
				     "packet too large for memory");
	uint64_t ts = w->start_ns + u->ts_ns;
	begin_block(w, BT_EPB);
	put32(w, 0); /* interface 0 */
	put32(w, (uint32_t)(ts >> 32));
	put32(w, (uint32_t)ts);
	put32(w, (uint32_t)data);
	put32(w, (uint32_t)data);
	esp_pseudo_header(u, w->buf + w->len);
	w->len += ESP_PSEUDO_LEN;
	put_bytes_padded(w, u->wire, u->wire_len);
	if (cl)
		put_opt(w, OPT_COMMENT, comment, cl);
	uint8_t fl[4] = {0};
	fl[0] = u->dir == ESP_DIR_C2H ? EPB_INBOUND : u->dir == ESP_DIR_H2C ? EPB_OUTBOUND : 0;
	put_opt(w, EPB_FLAGS, fl, 4);
	put_opt(w, OPT_END, NULL, 0);
	esp_status st = end_block(w, e);
	if (st == ESP_OK)
		w->packets++;
	return st;
}

esp_status esp_pcapng_flush(esp_pcapng *w, esp_error *e)
{
	if (fflush(w->f) != 0 || ferror(w->f)) {
		w->failed = true;
		return esp_error_set(e, ESP_E_IO, w->path, ESP_LOC_NONE, 0, errno, "cannot write pcapng");
	}
	return ESP_OK;
}

esp_status esp_pcapng_close(esp_pcapng *w, esp_error *e)
{
	if (!w)
		return ESP_OK;
	esp_status st = ESP_OK;
	if (fflush(w->f) != 0 || ferror(w->f))
		st = esp_error_set(e, ESP_E_IO, w->path, ESP_LOC_NONE, 0, errno, "cannot write pcapng");
	if (!w->is_stdout && fclose(w->f) != 0 && st == ESP_OK)
		st = esp_error_set(e, ESP_E_IO, w->path, ESP_LOC_NONE, 0, errno, "cannot write pcapng");
	free(w->buf);
	free(w->iobuf);
	free(w);
	return st;
}

uint64_t esp_pcapng_packets(const esp_pcapng *w) { return w->packets; }
