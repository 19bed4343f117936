/* pcapread.c: pcap / pcapng reader for esptap's link type, through libpcap. */
#include "capture/pcapread.h"

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/slip.h"

struct esp_pcapread {
	pcap_t *pc;
	char source[256];
	bool ng;
	char if_name[128];
	bool has_if_name;
	uint64_t start_ns, end_ns, packets;
	/* The first packet is read at open (for start_ns) and fed first by run. */
	int first_rc;
	struct pcap_pkthdr *first_h;
	const u_char *first_d;
	char first_err[PCAP_ERRBUF_SIZE];
	long first_off;
	uint8_t *pay; /* unescaped SLIP payload, reused */
	size_t pay_cap;
};

/*
 * pcapng Section Header Block, then Interface Description Block (LE):
 *   SHB: type 0x0A0D0D0A | total len | BOM 0x1A2B3C4D | ver | section len | options | total len
 *   IDB: type 1 | total len | linktype u16 | reserved u16 | snaplen u32 | options | total len
 *   option: code u16 | len u16 | value padded to 4; code 2 = if_name, 0 = end
 * Only little-endian files from the start of the buffer; a miss leaves NULL.
 */
static void find_if_name(esp_pcapread *r, const uint8_t *p, size_t n)
{
	esp_cursor c = esp_cursor_make(p, n);
	if (esp_u32le(&c) != 0x0A0D0D0Au)
		return;
	uint32_t shb_len = esp_u32le(&c);
	if (esp_u32le(&c) != 0x1A2B3C4Du || shb_len < 28 || shb_len % 4 || shb_len > n)
		return;
	c.pos = shb_len;
	while (!c.short_read && esp_cursor_left(&c) >= 20) {
		size_t blk = c.pos;
		uint32_t type = esp_u32le(&c), len = esp_u32le(&c);
		if (len < 12 || len % 4 || len > n - blk)
			return;
		if (type != 1) {
			c.pos = blk + len;
			continue;
		}
		esp_cursor o = esp_cursor_make(p + blk + 16, len - 20);
		while (esp_cursor_left(&o) >= 4) {
			uint16_t code = esp_u16le(&o), olen = esp_u16le(&o);
			const uint8_t *v = esp_bytes(&o, olen);
			if (!v || code == 0)
				return;
			if (code == 2) {
				size_t k = olen < sizeof r->if_name - 1 ? olen : sizeof r->if_name - 1;
				memcpy(r->if_name, v, k);
				r->if_name[k] = 0;
				r->if_name[strnlen(r->if_name, k)] = 0;
				r->has_if_name = true;
				return;
			}
			esp_bytes(&o, (4 - olen % 4) % 4);
		}
		return;
	}
}

/* Where the link type field is, for the error message: byte 20 of a pcap's
 * header, byte 8 of a little-endian pcapng's first IDB; 0 when not found. */
static uint64_t linktype_offset(bool ng, const uint8_t *p, size_t n)
{
	if (!ng)
		return 20;
	esp_cursor c = esp_cursor_make(p, n);
	esp_u32le(&c);
	uint32_t shb_len = esp_u32le(&c);
	if (esp_u32le(&c) != 0x1A2B3C4Du || shb_len < 28 || shb_len % 4 || shb_len > n)
		return 0;
	c.pos = shb_len;
	while (!c.short_read && esp_cursor_left(&c) >= 12) {
		size_t blk = c.pos;
		uint32_t type = esp_u32le(&c), len = esp_u32le(&c);
		if (type == 1)
			return blk + 8;
		if (len < 12 || len % 4 || len > n - blk)
			return 0;
		c.pos = blk + len;
	}
	return 0;
}

esp_status esp_pcapread_open(FILE *f, const char *source, const uint8_t *head, size_t nhead,
			     int linktype, esp_pcapread **out, esp_error *e)
{
	*out = NULL;
	if (!linktype)
		linktype = 147;
	esp_pcapread *r = calloc(1, sizeof *r);
	if (!r) {
		fclose(f);
		return esp_error_set(e, ESP_E_NOMEM, source, ESP_LOC_NONE, 0, 0, "out of memory");
	}
	snprintf(r->source, sizeof r->source, "%s", source);
	r->ng = nhead >= 4 && head[0] == 0x0A && head[1] == 0x0D && head[2] == 0x0D && head[3] == 0x0A;
	char err[PCAP_ERRBUF_SIZE] = "";
	r->pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!r->pc) {
		long off = ftell(f);
		fclose(f);
		free(r);
		bool cut = strstr(err, "truncated") != NULL;
		return esp_error_set(e, cut ? ESP_E_TRUNCATED : ESP_E_FORMAT, source,
				     ESP_LOC_BYTE, off < 0 ? 0 : (uint64_t)off, 0, "%s", err);
	}
	int lt = pcap_datalink(r->pc);
	if (lt != linktype) {
		uint64_t at = linktype_offset(r->ng, head, nhead);
		esp_status st = esp_error_set(e, ESP_E_FORMAT, source, at ? ESP_LOC_BYTE : ESP_LOC_NONE, at, 0,
					      "link type %d is not esptap's (%d)", lt, linktype);
		esp_pcapread_close(r);
		return st;
	}
	if (r->ng)
		find_if_name(r, head, nhead);
	r->first_rc = pcap_next_ex(r->pc, &r->first_h, &r->first_d);
	if (r->first_rc == 1) {
		r->start_ns = (uint64_t)r->first_h->ts.tv_sec * 1000000000u + (uint64_t)r->first_h->ts.tv_usec;
	} else if (r->first_rc == PCAP_ERROR) {
		snprintf(r->first_err, sizeof r->first_err, "%s", pcap_geterr(r->pc));
		r->first_off = ftell(pcap_file(r->pc));
	}
	*out = r;
	return ESP_OK;
}

const char *esp_pcapread_format(const esp_pcapread *r) { return r->ng ? "pcapng" : "pcap"; }
const char *esp_pcapread_if_name(const esp_pcapread *r) { return r->has_if_name ? r->if_name : NULL; }
uint64_t esp_pcapread_start_ns(const esp_pcapread *r) { return r->start_ns; }
uint64_t esp_pcapread_end_ns(const esp_pcapread *r) { return r->end_ns; }
uint64_t esp_pcapread_packets(const esp_pcapread *r) { return r->packets; }

static long file_off(esp_pcapread *r)
{
	long off = ftell(pcap_file(r->pc));
	return off < 0 ? 0 : off;
}

/* SLIP payload: delimiters dropped, escapes undone; a bad escape keeps both
 * bytes, as the deframer does (esp_slip_unescape). */
static bool unescape(esp_pcapread *r, const uint8_t *w, size_t n, size_t *out_len)
{
	if (n > r->pay_cap) {
		size_t c = r->pay_cap ? r->pay_cap : 4096;
		while (c < n)
			c *= 2;
		uint8_t *q = realloc(r->pay, c);
		if (!q)
			return false;
		r->pay = q;
		r->pay_cap = c;
	}
	size_t k = esp_slip_unescape(w, n, r->pay);
	*out_len = k;
	return true;
}

/* One packet: the pseudo-header (docs/linktype.md), then the unit. */
static esp_status packet(esp_pcapread *r, const struct pcap_pkthdr *h, const u_char *d,
			 const esp_feed *feed, esp_error *e)
{
	uint64_t no = ++r->packets;
	esp_cursor c = esp_cursor_make(d, h->caplen);
	uint32_t magic = esp_u32le(&c);
	if (!c.short_read && magic != ESP_PSEUDO_MAGIC)
		return esp_error_set(e, ESP_E_CORRUPT, r->source, ESP_LOC_FRAME, no, 0,
				     "packet ending at byte %ld has no esptap header (magic 0x%08x)",
				     file_off(r), magic);
	uint8_t ver = esp_u8(&c), hlen = esp_u8(&c), dir = esp_u8(&c), kind = esp_u8(&c);
	uint16_t flags = esp_u16le(&c);
	uint8_t modem = esp_u8(&c);
	esp_u8(&c);
	uint32_t baud = esp_u32le(&c), value = esp_u32le(&c);
	if (c.short_read || (ver == ESP_PSEUDO_VERSION && hlen > h->caplen))
		return esp_error_set(e, ESP_E_TRUNCATED, r->source, ESP_LOC_BYTE,
				     (uint64_t)file_off(r), 0,
				     "packet %llu is cut inside its esptap header (%u bytes)",
				     (unsigned long long)no, h->caplen);
	const char *bad = ver != ESP_PSEUDO_VERSION ? "version"
			  : hlen < ESP_PSEUDO_LEN   ? "header length"
			  : dir > ESP_DIR_C2H       ? "direction"
			  : kind < ESP_UNIT_FRAME || kind > ESP_UNIT_NOTE ? "kind"
								  : NULL;
	if (bad)
		return esp_error_set(e, ESP_E_CORRUPT, r->source, ESP_LOC_FRAME, no, 0,
				     "packet ending at byte %ld: bad esptap header %s (version %u, "
				     "length %u, direction %u, kind %u)",
				     file_off(r), bad, ver, hlen, dir, kind);
	uint64_t t = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
	esp_unit u = {
		.frame_no = no,
		.ts_ns = t > r->start_ns ? t - r->start_ns : 0,
		.dir = (esp_dir)dir,
		.kind = (esp_unit_kind)kind,
		.flags = flags,
		.modem = modem,
		.baud = baud,
		.value = value,
		.wire = d + hlen,
		.wire_len = h->caplen - hlen,
	};
	if (h->caplen < h->len) /* cut by the capture's snap length */
		u.flags |= ESP_UF_TRUNCATED;
	u.payload = u.wire;
	u.payload_len = u.wire_len;
	if (kind == ESP_UNIT_FRAME) {
		if (!unescape(r, u.wire, u.wire_len, &u.payload_len))
			return esp_error_set(e, ESP_E_NOMEM, r->source, ESP_LOC_FRAME, no, 0,
					     "out of memory");
		u.payload = r->pay;
	}
	r->end_ns = u.ts_ns;
	if (feed->unit)
		feed->unit(&u, feed->user);
	return ESP_OK;
}

static esp_status read_error(esp_pcapread *r, const char *msg, long off, esp_error *e)
{
	bool cut = strstr(msg, "truncated") != NULL;
	return esp_error_set(e, cut ? ESP_E_TRUNCATED : ESP_E_CORRUPT, r->source, ESP_LOC_BYTE,
			     off < 0 ? 0 : (uint64_t)off, 0, "after packet %llu: %s",
			     (unsigned long long)r->packets, msg);
}

esp_status esp_pcapread_run(esp_pcapread *r, const esp_feed *feed, esp_error *e)
{
	if (r->first_rc == PCAP_ERROR)
		return read_error(r, r->first_err, r->first_off, e);
	if (r->first_rc != 1)
		return ESP_OK;
	esp_status st = packet(r, r->first_h, r->first_d, feed, e);
	r->first_rc = 0;
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc = 0;
	while (!st && (rc = pcap_next_ex(r->pc, &h, &d)) == 1)
		st = packet(r, h, d, feed, e);
	if (!st && rc == PCAP_ERROR)
		st = read_error(r, pcap_geterr(r->pc), file_off(r), e);
	return st;
}

void esp_pcapread_close(esp_pcapread *r)
{
	if (!r)
		return;
	if (r->pc)
		pcap_close(r->pc);
	free(r->pay);
	free(r);
}
