/* test_pcapng.c: the pcapng writer against docs/linktype.md, read back by hand and by libpcap. */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "core/cursor.h"
#include "write/pcapng.h"

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *b = malloc(1 << 20);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

static uint32_t rd32(const uint8_t *p) { esp_cursor c = esp_cursor_make(p, 4); return esp_u32le(&c); }
static uint16_t rd16(const uint8_t *p) { esp_cursor c = esp_cursor_make(p, 2); return esp_u16le(&c); }

/* Find option `code` in an option list; returns its value and length. */
static const uint8_t *find_opt(const uint8_t *p, const uint8_t *end, uint16_t code, uint16_t *len)
{
	while (p + 4 <= end) {
		uint16_t c = rd16(p), l = rd16(p + 2);
		if (c == 0)
			return NULL;
		if (c == code) {
			*len = l;
			return p + 4;
		}
		p += 4 + ((l + 3u) & ~3u);
	}
	return NULL;
}

static int count_with_libpcap(const char *path, int *dlt, uint64_t *first_ts, uint8_t *first, size_t *first_len)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, eb);
	if (!p)
		return -1;
	*dlt = pcap_datalink(p);
	struct pcap_pkthdr *h;
	const u_char *d;
	int n = 0, rc;
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		if (n == 0 && first) {
			*first_ts = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
			*first_len = h->caplen;
			memcpy(first, d, h->caplen < 256 ? h->caplen : 256);
		}
		n++;
	}
	pcap_close(p);
	return rc == PCAP_ERROR_BREAK ? n : -2 - n;
}

int main(void)
{
	char path[] = "/tmp/esptap-test-pcapng-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);

	uint8_t frame[] = {0xC0, 0x00, 0x08, 0x24, 0x00, 0x00, 0x00, 0x00, 0x00, 0xDB, 0xDC, 0xC0};
	esp_unit u[3] = {
		{.frame_no = 1, .ts_ns = 1500, .dir = ESP_DIR_H2C, .kind = ESP_UNIT_FRAME, .flags = ESP_UF_CHECKSUM_BAD,
		 .modem = ESP_MODEM_DTR, .baud = 115200, .wire = frame, .wire_len = sizeof frame},
		{.frame_no = 2, .ts_ns = 2000000000ull, .dir = ESP_DIR_C2H, .kind = ESP_UNIT_RAW, .baud = 115200,
		 .wire = (const uint8_t *)"boot\n", .wire_len = 5},
		{.frame_no = 3, .ts_ns = 3000000000ull, .dir = ESP_DIR_NONE, .kind = ESP_UNIT_BAUD, .value = 460800},
	};
	esp_pcapng_opts o = {.linktype = 0, .if_name = "/dev/ttyUSB0", .userappl = "esptap 9.9",
			     .start_unix_ns = 1700000000ull * 1000000000ull};
	esp_pcapng *w = NULL;
	esp_error e = {0};
	CHECK_EQ_U(esp_pcapng_open(path, &o, &w, &e), ESP_OK);
	CHECK_EQ_U(esp_pcapng_write(w, &u[0], "SYNC checksum bad", &e), ESP_OK);
	CHECK_EQ_U(esp_pcapng_write(w, &u[1], NULL, &e), ESP_OK);
	CHECK_EQ_U(esp_pcapng_write(w, &u[2], "", &e), ESP_OK);
	CHECK_EQ_U(esp_pcapng_packets(w), 3);
	CHECK_EQ_U(esp_pcapng_close(w, &e), ESP_OK);

	size_t n = 0;
	uint8_t *b = slurp(path, &n);
	CHECK(b != NULL);
	/* Walk the blocks: SHB, IDB, 3 EPBs; every length a multiple of 4 and repeated at the end. */
	size_t off = 0, boundaries[8];
	int blocks = 0;
	uint32_t types[8];
	while (off + 12 <= n && blocks < 8) {
		uint32_t len = rd32(b + off + 4);
		CHECK(len % 4 == 0 && off + len <= n);
		CHECK_EQ_U(rd32(b + off + len - 4), len);
		types[blocks] = rd32(b + off);
		boundaries[blocks++] = off + len;
		off += len;
	}
	CHECK_EQ_U(off, n);
	CHECK_EQ_U(blocks, 5);
	CHECK_EQ_U(types[0], 0x0A0D0D0A);
	CHECK_EQ_U(types[1], 1);
	CHECK_EQ_U(types[2], 6);
	CHECK_EQ_U(rd32(b + 8), 0x1A2B3C4D);
	uint16_t ol = 0;
	const uint8_t *v = find_opt(b + 24, b + boundaries[0] - 4, 4, &ol);
	CHECK(v && ol == 10 && !memcmp(v, "esptap 9.9", 10));
	/* IDB */
	const uint8_t *idb = b + boundaries[0];
	CHECK_EQ_U(rd16(idb + 8), 147);
	CHECK_EQ_U(rd32(idb + 12), 0);
	v = find_opt(idb + 16, b + boundaries[1] - 4, 9, &ol);
	CHECK(v && ol == 1 && v[0] == 9);
	v = find_opt(idb + 16, b + boundaries[1] - 4, 2, &ol);
	CHECK(v && ol == 12 && !memcmp(v, "/dev/ttyUSB0", 12));
	/* First EPB: timestamp, lengths, pseudo-header, data, comment, flags. */
	const uint8_t *epb = b + boundaries[1];
	uint64_t ts = (uint64_t)rd32(epb + 12) << 32 | rd32(epb + 16);
	CHECK_EQ_U(ts, o.start_unix_ns + 1500);
	CHECK_EQ_U(rd32(epb + 20), 20 + sizeof frame);
	CHECK_EQ_U(rd32(epb + 24), 20 + sizeof frame);
	const uint8_t *ph = epb + 28;
	CHECK(!memcmp(ph, "ESPT", 4));
	CHECK_EQ_U(ph[4], 1);
	CHECK_EQ_U(ph[5], 20);
	CHECK_EQ_U(ph[6], 1);
	CHECK_EQ_U(ph[7], 1);
	CHECK_EQ_U(rd16(ph + 8), ESP_UF_CHECKSUM_BAD);
	CHECK_EQ_U(ph[10], ESP_MODEM_DTR);
	CHECK_EQ_U(ph[11], 0);
	CHECK_EQ_U(rd32(ph + 12), 115200);
	CHECK_EQ_U(rd32(ph + 16), 0);
	CHECK_MEM(ph + 20, frame, sizeof frame);
	const uint8_t *opts = ph + ((20 + sizeof frame + 3) & ~3u);
	v = find_opt(opts, b + boundaries[2] - 4, 1, &ol);
	CHECK(v && ol == 17 && !memcmp(v, "SYNC checksum bad", 17));
	v = find_opt(opts, b + boundaries[2] - 4, 2, &ol);
	CHECK(v && ol == 4 && rd32(v) == 2); /* outbound */
	/* Second EPB: inbound, no comment. */
	epb = b + boundaries[2];
	opts = epb + 28 + ((20 + 5 + 3) & ~3u);
	CHECK(find_opt(opts, b + boundaries[3] - 4, 1, &ol) == NULL);
	v = find_opt(opts, b + boundaries[3] - 4, 2, &ol);
	CHECK(v && rd32(v) == 1);
	/* Third: event, no data, direction none, value = new rate. */
	epb = b + boundaries[3];
	CHECK_EQ_U(rd32(epb + 20), 20);
	CHECK_EQ_U(epb[28 + 7], ESP_UNIT_BAUD);
	CHECK_EQ_U(rd32(epb + 28 + 16), 460800);
	v = find_opt(epb + 48, b + boundaries[4] - 4, 2, &ol);
	CHECK(v && rd32(v) == 0);

	/* libpcap reads it whole, and every prefix cut at a block boundary. */
	int dlt = 0;
	uint64_t fts = 0;
	uint8_t first[256];
	size_t flen = 0;
	CHECK_EQ_U(count_with_libpcap(path, &dlt, &fts, first, &flen), 3);
	CHECK_EQ_U(dlt, 147);
	CHECK_EQ_U(fts, o.start_unix_ns + 1500);
	CHECK_EQ_U(flen, 20 + sizeof frame);
	CHECK_MEM(first + 20, frame, sizeof frame);
	for (int k = 1; k < blocks; k++) {
		FILE *f = fopen(path, "wb");
		fwrite(b, 1, boundaries[k], f);
		fclose(f);
		CHECK_EQ_U(count_with_libpcap(path, &dlt, NULL, NULL, NULL), k - 1);
	}

	/* Another USER slot; an unwritable path names itself. */
	o.linktype = 150;
	CHECK_EQ_U(esp_pcapng_open(path, &o, &w, &e), ESP_OK);
	CHECK_EQ_U(esp_pcapng_close(w, &e), ESP_OK);
	CHECK_EQ_U(count_with_libpcap(path, &dlt, NULL, NULL, NULL), 0);
	CHECK_EQ_U(dlt, 150);
	CHECK_EQ_U(esp_pcapng_open("/nonexistent-dir/x.pcapng", &o, &w, &e), ESP_E_IO);
	CHECK_EQ_S(e.source, "/nonexistent-dir/x.pcapng");
	CHECK(w == NULL);

	free(b);
	unlink(path);
	CHECK_DONE(55);
}
