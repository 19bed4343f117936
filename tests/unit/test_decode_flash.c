/* test_decode_flash.c: decoder tests for flash regions: ROM plain write + ROM MD5 verify, stub compressed write + stub MD5 verify, READ_FLASH flow, image header. */
#include <zlib.h>

#include "check.h"
#include "core/md5.h"
#include "test_decode_util.h"

/* A bootloader-like image: header E9, 3 segments, DIO, 4MB/40m, then a byte
 * pattern. Its MD5 (first 3000 bytes) was computed independently with
 * python3 hashlib: see make_image's comment. */
static uint8_t image[1 << 20];

static void make_image(size_t n)
{
	/* python3: b = bytes([0xE9,3,2,0x20]) + bytes((i*7+i//251)&255 for i in range(4,n)) */
	for (size_t i = 0; i < n; i++)
		image[i] = (uint8_t)((i * 7 + i / 251) & 255);
	image[0] = 0xE9, image[1] = 3, image[2] = 2, image[3] = 0x20;
}

static void md5_of(const uint8_t *p, size_t n, char hex[33])
{
	esp_md5 m;
	uint8_t dg[16];
	esp_md5_init(&m);
	esp_md5_update(&m, p, n);
	esp_md5_final(&m, dg);
	esp_md5_hex(dg, hex);
}

static void test_rom_plain_write(void)
{
	const size_t n = 3000;
	make_image(n);
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, false);
	sync_cmd(d, 0);
	rom_ok(d, 1, 0x08, 0x20120707);
	int b = cmdw(d, 2, 0x02, (uint32_t[]){(uint32_t)n, 3, 0x400, 0x1000}, 4);
	CHECK_EQ_U(FU(&recs[b], "region"), 0);
	rom_ok(d, 3, 0x02, 0);
	uint8_t blk[0x400];
	int first = -1;
	for (uint32_t s = 0; s < 3; s++) {
		size_t k = n - s * 0x400 < 0x400 ? n - s * 0x400 : 0x400;
		memset(blk, 0xFF, sizeof blk); /* esptool pads the last block */
		memcpy(blk, image + s * 0x400, k);
		int i = datacmd(d, 4 + s, 0x03, s, blk, sizeof blk, 0);
		if (s == 0)
			first = i;
		CHECK_EQ_U(recs[i].unit_flags & ESP_UF_CHECKSUM_BAD, 0);
		rom_ok(d, 4.5 + s, 0x03, 0);
	}
	CHECK_EQ_S(FS(&recs[first], "image_flash_mode"), "DIO");
	CHECK_EQ_S(FS(&recs[first], "image_flash_size"), "4MB");
	CHECK_EQ_S(FS(&recs[first], "image_flash_freq"), "40m");
	CHECK_EQ_U(FU(&recs[first], "image_segments"), 3);
	CHECK_EQ_U(FU(&recs[first], "region"), 0);

	/* ROM answers MD5 as 32 ASCII hex characters (upper case here) */
	char hex[33];
	md5_of(image, n, hex);
	const char *want = "7932743211944806040efcec8c4a9f15";
	CHECK_EQ_S(hex, want);
	int q = cmdw(d, 10, 0x13, (uint32_t[]){0x1000, (uint32_t)n, 0, 0}, 4);
	CHECK_EQ_U(FU(&recs[q], "region"), 0);
	char up[33];
	for (int i = 0; i < 33; i++)
		up[i] = (char)(want[i] >= 'a' && want[i] <= 'f' ? want[i] - 32 : want[i]);
	int j = resp(d, 11, 0x13, 0, (const uint8_t *)up, 32, ST_ROM_OK, 4);
	CHECK_EQ_S(FS(&recs[j], "md5"), want);
	CHECK_EQ_U(FU(&recs[j], "verify"), 1);
	CHECK_EQ_U(note_level(&recs[j], "verify-ok"), ESP_NOTE_INFO);
	CHECK_EQ_U(recs[j].reply_to, recs[q].frame);

	/* the same question answered with another digest */
	cmdw(d, 12, 0x13, (uint32_t[]){0x1000, (uint32_t)n, 0, 0}, 4);
	j = resp(d, 13, 0x13, 0, (const uint8_t *)"00000000000000000000000000000000", 32, ST_ROM_OK, 4);
	CHECK_EQ_U(FU(&recs[j], "verify"), 0);
	CHECK_EQ_U(note_level(&recs[j], "verify-mismatch"), ESP_NOTE_ERROR);

	esp_decoder_finish(d, 14000000);
	const esp_summary *s = esp_decoder_summary(d);
	CHECK_EQ_U(s->n_regions, 1);
	const esp_region *g = &s->regions[0];
	CHECK_EQ_U(g->offset, 0x1000);
	CHECK_EQ_U(g->size, n);
	CHECK_EQ_U(g->blocks_announced, 3);
	CHECK_EQ_U(g->blocks_seen, 3);
	CHECK_EQ_U(g->bytes_written, 3 * 0x400);
	CHECK_EQ_S(g->md5, want);
	CHECK_EQ_U(g->verify, 0); /* last answer wins */
	CHECK(g->has_image);
	CHECK_EQ_U(g->image_mode, 2);
	CHECK_EQ_U(g->image_size_nib, 2);
	CHECK(!g->compressed);
	/* everything written = the image padded with 0xFF */
	static uint8_t padded[3 * 0x400];
	memset(padded, 0xFF, sizeof padded);
	memcpy(padded, image, n);
	md5_of(padded, sizeof padded, hex);
	CHECK_EQ_S(g->md5_written, hex);
	CHECK_EQ_U(s->op_count[0x03], 3);
	esp_decoder_free(d);
}

static uint8_t zbuf_c[1 << 21];

static size_t deflate_image(const uint8_t *p, size_t n)
{
	uLongf out = sizeof zbuf_c;
	int rc = compress2(zbuf_c, &out, p, n, 9);
	CHECK_EQ_U(rc, Z_OK);
	return out;
}

static void stub_write(esp_decoder *d, double *t, uint32_t offset, const uint8_t *p, size_t n, uint32_t defl_size)
{
	size_t zn = deflate_image(p, n);
	uint32_t blocks = (uint32_t)((zn + 0x3FFF) / 0x4000);
	cmdw(d, (*t)++, 0x10, (uint32_t[]){defl_size, blocks, 0x4000, offset}, 4);
	stub_ok(d, (*t)++, 0x10, 0);
	for (uint32_t s = 0; s < blocks; s++) {
		size_t k = zn - s * 0x4000 < 0x4000 ? zn - s * 0x4000 : 0x4000;
		datacmd(d, (*t)++, 0x11, s, zbuf_c + s * 0x4000, k, 0);
		stub_ok(d, (*t)++, 0x11, 0);
	}
}

static void test_stub_compressed_write(void)
{
	const size_t n = 200000;
	/* compressible but not trivial: bytes repeat with a long period */
	for (size_t i = 0; i < n; i++)
		image[i] = (uint8_t)((i % 977) * 31 ^ (i / 4096));
	char want[33];
	md5_of(image, n, want);

	esp_decoder *d = dec_new(ESP_CHIP_ESP32C3, true);
	double t = 0;
	stub_write(d, &t, 0x10000, image, n, (uint32_t)n);
	int e = cmdw(d, t++, 0x12, (uint32_t[]){1}, 1);
	CHECK_EQ_U(FU(&recs[e], "reboot"), 0);
	stub_ok(d, t++, 0x12, 0);
	cmdw(d, t++, 0x13, (uint32_t[]){0x10000, (uint32_t)n, 0, 0}, 4);
	uint8_t raw[16];
	for (int i = 0; i < 16; i++) {
		unsigned v;
		sscanf(want + 2 * i, "%2x", &v);
		raw[i] = (uint8_t)v;
	}
	int j = resp(d, t++, 0x13, 0, raw, 16, ST_2_OK, 2);
	CHECK_EQ_S(FS(&recs[j], "md5"), want);
	CHECK_EQ_U(FU(&recs[j], "verify"), 1);
	CHECK_EQ_U(note_level(&recs[j], "verify-ok"), ESP_NOTE_INFO);

	/* 1 MB of one byte: one compressed block inflates to more than the 64 KB buffer */
	memset(image, 0x5A, 1 << 20);
	stub_write(d, &t, 0x100000, image, 1 << 20, 1 << 20);
	cmdw(d, t++, 0x13, (uint32_t[]){0x100000, 1 << 20, 0, 0}, 4);
	md5_of(image, 1 << 20, want);
	for (int i = 0; i < 16; i++) {
		unsigned v;
		sscanf(want + 2 * i, "%2x", &v);
		raw[i] = (uint8_t)(v ^ (i == 5)); /* one bit off */
	}
	j = resp(d, t++, 0x13, 0, raw, 16, ST_2_OK, 2);
	CHECK_EQ_U(FU(&recs[j], "verify"), 0);
	CHECK_EQ_U(note_level(&recs[j], "verify-mismatch"), ESP_NOTE_ERROR);
	CHECK_EQ_S(FS(&recs[j], "md5_expected"), want);

	esp_decoder_finish(d, (uint64_t)(t * 1e6));
	const esp_summary *s = esp_decoder_summary(d);
	CHECK_EQ_U(s->n_regions, 2);
	CHECK_EQ_U(s->regions[0].bytes_written, n);
	CHECK(s->regions[0].compressed);
	CHECK_EQ_U(s->regions[0].verify, 1);
	CHECK_EQ_U(s->regions[1].bytes_written, 1 << 20);
	CHECK_EQ_S(s->regions[1].md5, want);
	CHECK_EQ_S(s->regions[1].md5_written, want);
	CHECK_EQ_U(s->regions[1].verify, 0);
	CHECK(!s->regions[0].has_image);
	CHECK_EQ_U(s->timeouts, 0);
	esp_decoder_free(d);
}

/* ROM compressed write: BEGIN announces the size rounded up to 0x400 blocks,
 * the MD5 question uses the exact size = everything written. Also a garbled
 * stream reports an inflate error. */
static void test_rom_compressed_write(void)
{
	const size_t n = 5000;
	make_image(n);
	char want[33];
	md5_of(image, n, want);
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, false);
	size_t zn = deflate_image(image, n);
	cmdw(d, 0, 0x10, (uint32_t[]){5 * 0x400, 1, 0x400, 0x0}, 4);
	rom_ok(d, 1, 0x10, 0);
	int i = datacmd(d, 2, 0x11, 0, zbuf_c, zn, 0);
	CHECK_EQ_S(FS(&recs[i], "image_flash_mode"), "DIO");
	rom_ok(d, 3, 0x11, 0);
	cmdw(d, 4, 0x13, (uint32_t[]){0, (uint32_t)n, 0, 0}, 4);
	int j = resp(d, 5, 0x13, 0, (const uint8_t *)want, 32, ST_ROM_OK, 4);
	CHECK_EQ_U(FU(&recs[j], "verify"), 1);

	uint8_t junk[64];
	memset(junk, 0x42, sizeof junk);
	cmdw(d, 6, 0x10, (uint32_t[]){0x400, 1, 0x400, 0x8000}, 4);
	rom_ok(d, 7, 0x10, 0);
	i = datacmd(d, 8, 0x11, 0, junk, sizeof junk, 0);
	CHECK_EQ_U(note_level(&recs[i], "inflate-error"), ESP_NOTE_ERROR);
	esp_decoder_finish(d, 9000000);
	CHECK(esp_decoder_summary(d)->regions[1].inflate_error);
	CHECK_EQ_S(esp_decoder_summary(d)->regions[0].md5_written, want);
	CHECK_EQ_S(esp_decoder_summary(d)->regions[0].md5, ""); /* never reached the rounded size */
	esp_decoder_free(d);
}

static void test_read_flash(bool good)
{
	const uint32_t len = 0x2800;
	for (uint32_t i = 0; i < len; i++)
		image[i] = (uint8_t)(i ^ (i >> 8));
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, true);
	int rq = cmdw(d, 0, 0xD2, (uint32_t[]){0x1000, len, 0x1000, 64}, 4);
	int r0 = stub_ok(d, 1, 0xD2, 0);
	CHECK_EQ_U(recs[r0].reply_to, recs[rq].frame);
	uint32_t got = 0;
	double t = 2;
	while (got < len) {
		uint32_t k = len - got < 0x1000 ? len - got : 0x1000;
		int i = feed(d, ESP_DIR_C2H, t++, image + got, k);
		CHECK_EQ_S(recs[i].op, "READ_FLASH_DATA");
		CHECK_EQ_U(recs[i].type, ESP_REC_RESPONSE);
		CHECK_EQ_U(recs[i].opcode, -1);
		CHECK_EQ_U(FU(&recs[i], "offset"), 0x1000 + got);
		CHECK_EQ_U(FU(&recs[i], "len"), k);
		CHECK_EQ_U(recs[i].reply_to, recs[rq].frame);
		got += k;
		uint8_t ack[4];
		esp_put_u32le(ack, got);
		i = feed(d, ESP_DIR_H2C, t++, ack, 4);
		CHECK_EQ_S(recs[i].op, "READ_FLASH_ACK");
		CHECK_EQ_U(recs[i].type, ESP_REC_COMMAND);
		CHECK_EQ_U(FU(&recs[i], "acked"), got);
		CHECK_EQ_U(note_level(&recs[i], "ack-mismatch"), -1);
	}
	esp_md5 m;
	uint8_t dg[16];
	esp_md5_init(&m);
	esp_md5_update(&m, image, len);
	esp_md5_final(&m, dg);
	if (!good)
		dg[0] ^= 1;
	int i = feed(d, ESP_DIR_C2H, t++, dg, 16);
	CHECK_EQ_S(recs[i].op, "READ_FLASH_DIGEST");
	if (good) {
		CHECK_EQ_U(note_level(&recs[i], "read-digest-ok"), ESP_NOTE_INFO);
		CHECK_EQ_S(FS(&recs[i], "md5"), FS(&recs[i], "md5_data"));
	} else {
		CHECK_EQ_U(note_level(&recs[i], "read-digest-mismatch"), ESP_NOTE_ERROR);
	}
	/* back to normal framing */
	i = cmdw(d, t++, 0x0A, (uint32_t[]){0x3ff5a00c}, 1);
	CHECK_EQ_S(recs[i].op, "READ_REG");
	i = stub_ok(d, t++, 0x0A, 7);
	CHECK_EQ_S(recs[i].op, "READ_REG");
	CHECK_EQ_U(recs[i].value, 7);
	esp_decoder_finish(d, (uint64_t)(t * 1e6));
	CHECK_EQ_U(esp_decoder_summary(d)->read_flash_packets, 3);
	esp_decoder_free(d);
}

static void test_image_header_names(void)
{
	/* ESP8266 size table and a plain FLASH_DATA write with the stub */
	esp_decoder *d = dec_new(ESP_CHIP_ESP8266, true);
	uint8_t hdr[16] = {0xE9, 1, 3, 0x4F};
	cmdw(d, 0, 0x02, (uint32_t[]){16, 1, 0x4000, 0}, 4);
	stub_ok(d, 1, 0x02, 0);
	int i = datacmd(d, 2, 0x03, 0, hdr, 16, 0);
	CHECK_EQ_S(FS(&recs[i], "image_flash_mode"), "DOUT");
	CHECK_EQ_S(FS(&recs[i], "image_flash_size"), "4MB");
	CHECK_EQ_S(FS(&recs[i], "image_flash_freq"), "80m");
	CHECK_EQ_U(FU(&recs[i], "image_flash_params"), 0x034F);
	/* data not starting with E9: no image fields */
	cmdw(d, 3, 0x02, (uint32_t[]){16, 1, 0x4000, 0x8000}, 4);
	stub_ok(d, 4, 0x02, 0);
	hdr[0] = 0xAA;
	i = datacmd(d, 5, 0x03, 0, hdr, 16, 0);
	CHECK(fld(&recs[i], "image_flash_mode") == NULL);
	/* data with no write in progress */
	cmdw(d, 6, 0x04, (uint32_t[]){1}, 1);
	stub_ok(d, 7, 0x04, 0);
	i = datacmd(d, 8, 0x03, 1, hdr, 16, 0);
	CHECK_EQ_U(note_level(&recs[i], "data-without-begin"), ESP_NOTE_WARNING);
	esp_decoder_free(d);
}

int main(void)
{
	test_rom_plain_write();
	test_stub_compressed_write();
	test_rom_compressed_write();
	test_read_flash(true);
	test_read_flash(false);
	test_image_header_names();
	CHECK_DONE(100);
}
