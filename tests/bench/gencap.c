/* gencap.c: writes a large, valid esptap pcapng of repeated flashing sessions for the decode benchmark.
 *
 *   gencap OUT.pcapng IMAGE_DIR [MB] [SEED] [IMAGE_KB]
 *
 * Each session writes a 4 MB (or IMAGE_KB) pseudo-random image (seeded, mostly incompressible):
 * even sessions through the ESP32 ROM (FLASH_BEGIN/FLASH_DATA 0x400 blocks,
 * 4-byte statuses, MD5 answered as 32 ASCII hex digits), odd ones through the
 * stub (OHAI, FLASH_DEFL_BEGIN/DATA 0x4000 blocks of zlib data, 2-byte
 * statuses, MD5 answered as 16 raw bytes). Checksums and MD5s are correct.
 * Sessions are written until the capture reaches MB megabytes (default 256);
 * each image goes to IMAGE_DIR/image-NNN.bin so md5sum can be timed on them.
 * Images under 1 MB are written as three regions each (a production line
 * flashing bootloader, partition table and app thousands of times).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/cursor.h"
#include "core/esp_ops.h"
#include "core/md5.h"
#include "core/slip.h"
#include "write/pcapng.h"

static uint32_t image_size = 4u << 20;
#define FLASH_OFFSET 0x10000u

typedef struct {
	esp_pcapng *w;
	uint64_t frame, t_ns;
	uint32_t baud;
	uint8_t *wire;
	uint64_t bytes;
} gen;

static void die(const char *what, const esp_error *e)
{
	char b[600] = "";
	if (e)
		esp_error_format(e, b, sizeof b);
	fprintf(stderr, "gencap: %s %s\n", what, b);
	exit(1);
}

/* One unit: SLIP-encode payload, advance time by its wire time at the rate in force. */
static void emit(gen *g, esp_dir dir, esp_unit_kind kind, const uint8_t *payload, size_t n)
{
	esp_unit u = {.frame_no = ++g->frame, .dir = dir, .kind = kind, .baud = g->baud};
	size_t wl = kind == ESP_UNIT_FRAME ? esp_slip_encode(payload, n, g->wire) : n;
	if (kind != ESP_UNIT_FRAME)
		memcpy(g->wire, payload, n);
	g->t_ns += (uint64_t)wl * 10u * 1000000000u / g->baud + 20000; /* + turnaround */
	u.ts_ns = g->t_ns;
	u.wire = g->wire;
	u.wire_len = wl;
	u.payload = payload;
	u.payload_len = n;
	esp_error e;
	if (esp_pcapng_write(g->w, &u, NULL, &e) != ESP_OK)
		die("write", &e);
	g->bytes += 28 + 20 + ((wl + 3) & ~3u) + 20;
}

static void command(gen *g, uint8_t op, const uint8_t *data, size_t n, uint32_t ck)
{
	static uint8_t buf[8 + 0x4000 + 64];
	buf[0] = 0;
	buf[1] = op;
	esp_put_u16le(buf + 2, (uint16_t)n);
	esp_put_u32le(buf + 4, ck);
	memcpy(buf + 8, data, n);
	emit(g, ESP_DIR_H2C, ESP_UNIT_FRAME, buf, 8 + n);
}

static void response(gen *g, uint8_t op, uint32_t value, const uint8_t *data, size_t n, int status_len)
{
	uint8_t buf[8 + 64] = {1, op};
	esp_put_u16le(buf + 2, (uint16_t)(n + (size_t)status_len));
	esp_put_u32le(buf + 4, value);
	memcpy(buf + 8, data, n);
	memset(buf + 8 + n, 0, (size_t)status_len); /* status ok */
	emit(g, ESP_DIR_C2H, ESP_UNIT_FRAME, buf, 8 + n + (size_t)status_len);
}

static void words(uint8_t *p, const uint32_t *w, int n)
{
	for (int i = 0; i < n; i++)
		esp_put_u32le(p + 4 * i, w[i]);
}

static void data_block(gen *g, uint8_t op, uint32_t seq, const uint8_t *d, size_t n, int status_len)
{
	static uint8_t buf[16 + 0x4000];
	uint32_t hdr[4] = {(uint32_t)n, seq, 0, 0};
	words(buf, hdr, 4);
	memcpy(buf + 16, d, n);
	command(g, op, buf, 16 + n, esp_checksum(d, n));
	response(g, op, 0, NULL, 0, status_len);
}

static void connect(gen *g, bool rom)
{
	static const char banner[] = "ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x3 "
				     "(DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n";
	g->baud = 115200;
	emit(g, ESP_DIR_C2H, ESP_UNIT_RAW, (const uint8_t *)banner, sizeof banner - 1);
	uint8_t sync[36] = {0x07, 0x07, 0x12, 0x20};
	memset(sync + 4, 0x55, 32);
	command(g, ESP_SYNC, sync, sizeof sync, 0);
	for (int i = 0; i < 8; i++)
		response(g, ESP_SYNC, ESP_SYNC_VALUE_ROM, NULL, 0, 4);
	uint8_t a[8];
	esp_put_u32le(a, ESP_CHIP_DETECT_MAGIC_REG);
	command(g, ESP_READ_REG, a, 4, 0);
	response(g, ESP_READ_REG, esp_chip_get(ESP_CHIP_ESP32)->magic[0], NULL, 0, 4);
	if (!rom) {
		/* A stand-in stub upload: MEM_BEGIN, two blocks, MEM_END, then OHAI. */
		uint8_t blk[0x1800];
		for (size_t i = 0; i < sizeof blk; i++)
			blk[i] = (uint8_t)(i * 7);
		uint32_t mb[4] = {2 * sizeof blk, 2, sizeof blk, 0x40080000};
		uint8_t w[16];
		words(w, mb, 4);
		command(g, ESP_MEM_BEGIN, w, 16, 0);
		response(g, ESP_MEM_BEGIN, 0, NULL, 0, 4);
		data_block(g, ESP_MEM_DATA, 0, blk, sizeof blk, 4);
		data_block(g, ESP_MEM_DATA, 1, blk, sizeof blk, 4);
		uint32_t me[2] = {0, 0x4008a000};
		words(w, me, 2);
		command(g, ESP_MEM_END, w, 8, 0);
		response(g, ESP_MEM_END, 0, NULL, 0, 4);
		emit(g, ESP_DIR_C2H, ESP_UNIT_FRAME, (const uint8_t *)"OHAI", 4);
		uint32_t cb[2] = {921600, 115200};
		words(w, cb, 2);
		command(g, ESP_CHANGE_BAUDRATE, w, 8, 0);
		response(g, ESP_CHANGE_BAUDRATE, 0, NULL, 0, 2);
		g->baud = 921600;
	}
	uint8_t att[8] = {0};
	command(g, ESP_SPI_ATTACH, att, rom ? 8 : 4, 0);
	response(g, ESP_SPI_ATTACH, 0, NULL, 0, rom ? 4 : 2);
}

static void md5_answer(gen *g, const uint8_t *img, uint32_t off, uint32_t size, bool rom)
{
	uint8_t req[16];
	uint32_t w[4] = {off, size, 0, 0};
	words(req, w, 4);
	command(g, ESP_SPI_FLASH_MD5, req, 16, 0);
	esp_md5 m;
	uint8_t d[16];
	char hex[33];
	esp_md5_init(&m);
	esp_md5_update(&m, img, size);
	esp_md5_final(&m, d);
	esp_md5_hex(d, hex);
	if (rom)
		response(g, ESP_SPI_FLASH_MD5, 0, (const uint8_t *)hex, 32, 4);
	else
		response(g, ESP_SPI_FLASH_MD5, 0, d, 16, 2);
}

/* Regions of the image: one, or three for small images (sizes multiples of 0x400). */
static int regions(uint32_t *off, uint32_t *size)
{
	if (image_size >= (1u << 20)) {
		off[0] = 0, size[0] = image_size;
		return 1;
	}
	uint32_t a = image_size / 4 & ~0x3ffu, b = image_size / 8 & ~0x3ffu;
	off[0] = 0, size[0] = a;
	off[1] = a, size[1] = b;
	off[2] = a + b, size[2] = image_size - a - b;
	return 3;
}

static void session_rom(gen *g, const uint8_t *img)
{
	connect(g, true);
	uint32_t ro[3], rs[3];
	int nr = regions(ro, rs);
	for (int r = 0; r < nr; r++) {
		uint32_t nblk = rs[r] / 0x400, at = FLASH_OFFSET * (uint32_t)(r + 1);
		uint32_t fb[4] = {rs[r], nblk, 0x400, at};
		uint8_t w[16];
		words(w, fb, 4);
		command(g, ESP_FLASH_BEGIN, w, 16, 0);
		response(g, ESP_FLASH_BEGIN, 0, NULL, 0, 4);
		for (uint32_t i = 0; i < nblk; i++)
			data_block(g, ESP_FLASH_DATA, i, img + ro[r] + (size_t)i * 0x400, 0x400, 4);
		md5_answer(g, img + ro[r], at, rs[r], true);
	}
}

static void session_stub(gen *g, const uint8_t *img, uint8_t *z, size_t zcap)
{
	connect(g, false);
	uint32_t ro[3], rs[3];
	int nr = regions(ro, rs);
	for (int r = 0; r < nr; r++) {
		uint32_t at = FLASH_OFFSET * (uint32_t)(r + 1);
		uLongf zl = zcap;
		if (compress2(z, &zl, img + ro[r], rs[r], 1) != Z_OK)
			die("zlib compress failed", NULL);
		uint32_t nblk = (uint32_t)((zl + 0x3fff) / 0x4000);
		uint32_t fb[4] = {rs[r], nblk, 0x4000, at};
		uint8_t w[16];
		words(w, fb, 4);
		command(g, ESP_FLASH_DEFL_BEGIN, w, 16, 0);
		response(g, ESP_FLASH_DEFL_BEGIN, 0, NULL, 0, 2);
		for (uint32_t i = 0; i < nblk; i++) {
			size_t off = (size_t)i * 0x4000, n = zl - off < 0x4000 ? zl - off : 0x4000;
			data_block(g, ESP_FLASH_DEFL_DATA, i, z + off, n, 2);
		}
		md5_answer(g, img + ro[r], at, rs[r], false);
	}
	uint8_t fe[4] = {1, 0, 0, 0}; /* stay in the loader */
	command(g, ESP_FLASH_DEFL_END, fe, 4, 0);
	response(g, ESP_FLASH_DEFL_END, 0, NULL, 0, 2);
}

/* xorshift64*: fast, seeded; every 16th 4 KB page is 0xFF padding, as real images have. */
static void make_image(uint8_t *img, uint64_t *state)
{
	for (size_t p = 0; p < image_size; p += 4096) {
		if ((p / 4096) % 16 == 15) {
			memset(img + p, 0xFF, 4096);
			continue;
		}
		for (size_t i = 0; i < 4096; i += 8) {
			uint64_t x = *state;
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
			*state = x;
			x *= 0x2545F4914F6CDD1Dull;
			memcpy(img + p + i, &x, 8);
		}
	}
	/* A plausible header: 3 segments, DIO, 4MB at 40m. */
	img[0] = ESP_IMAGE_MAGIC;
	img[1] = 3;
	img[2] = 2;
	img[3] = 0x20;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: gencap OUT.pcapng IMAGE_DIR [MB] [SEED] [IMAGE_KB]\n");
		return 2;
	}
	if (argc > 5 && strtoul(argv[5], NULL, 10) >= 8)
		image_size = (uint32_t)strtoul(argv[5], NULL, 10) / 4 * 4 << 10; /* whole 4 KB pages */
	uint64_t target = (argc > 3 ? strtoull(argv[3], NULL, 10) : 256) << 20;
	uint64_t state = argc > 4 ? strtoull(argv[4], NULL, 10) : 0x9E3779B97F4A7C15ull;
	if (!state)
		state = 1;
	gen g = {.baud = 115200};
	g.wire = malloc(2 * (8 + 0x4000 + 64) + 2);
	uint8_t *img = malloc(image_size);
	size_t zcap = compressBound(image_size);
	uint8_t *z = malloc(zcap);
	if (!g.wire || !img || !z)
		die("out of memory", NULL);
	esp_pcapng_opts po = {.if_name = "gencap", .userappl = "esptap gencap"};
	esp_error e;
	if (esp_pcapng_open(argv[1], &po, &g.w, &e) != ESP_OK)
		die("open", &e);
	int n = 0;
	while (g.bytes < target) {
		make_image(img, &state);
		char path[4096];
		snprintf(path, sizeof path, "%s/image-%03d.bin", argv[2], n);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(img, 1, image_size, f) != image_size || fclose(f) != 0)
			die(path, NULL);
		if (n % 2 == 0)
			session_rom(&g, img);
		else
			session_stub(&g, img, z, zcap);
		n++;
	}
	if (esp_pcapng_close(g.w, &e) != ESP_OK)
		die("close", &e);
	printf("gencap: %d sessions, %llu packets, %.1f MB\n", n, (unsigned long long)g.frame, (double)g.bytes / 1048576.0);
	free(g.wire);
	free(img);
	free(z);
	return 0;
}
