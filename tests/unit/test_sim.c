/* test_sim.c: the simulator in-process: ROM and stub answers, flash contents, line resets, faults, the UART model. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "core/cursor.h"
#include "core/md5.h"
#include "sim/sim.h"

typedef struct {
	uint8_t buf[1 << 21];
	size_t n;
} sink;

static void on_tx(const uint8_t *p, size_t n, void *user)
{
	sink *k = user;
	if (k->n + n <= sizeof k->buf) {
		memcpy(k->buf + k->n, p, n);
		k->n += n;
	}
}

static sink out;
static uint64_t now;

static esp_sim *mk(esp_chip chip, const char *fault, bool download)
{
	esp_sim_opts o = {.chip = chip, .start_in_download = download, .tx = on_tx, .user = &out};
	if (fault) {
		o.faults[0] = fault;
		o.n_faults = 1;
	}
	esp_sim *s = NULL;
	esp_error e;
	CHECK(esp_sim_new(&o, &s, &e) == ESP_OK);
	out.n = 0;
	return s;
}

/* Send one command (SLIP-encoded) at 115200 and release the answer. */
static void cmd(esp_sim *s, uint8_t op, const uint8_t *data, size_t n, uint32_t chk)
{
	static uint8_t pkt[70000], wire[140100];
	pkt[0] = 0;
	pkt[1] = op;
	esp_put_u16le(pkt + 2, (uint16_t)n);
	esp_put_u32le(pkt + 4, chk);
	if (n)
		memcpy(pkt + 8, data, n);
	size_t k = 0;
	wire[k++] = 0xC0;
	for (size_t i = 0; i < n + 8; i++) {
		if (pkt[i] == 0xC0 || pkt[i] == 0xDB) {
			wire[k++] = 0xDB;
			wire[k++] = pkt[i] == 0xC0 ? 0xDC : 0xDD;
		} else
			wire[k++] = pkt[i];
	}
	wire[k++] = 0xC0;
	now += 1000000;
	esp_sim_rx(s, now, wire, k, esp_sim_baud(s));
	now += 1000000000ull;
	esp_sim_poll(s, now);
}

/* The i-th SLIP frame in out (0-based), unescaped into f; its length or -1. */
static int frame(int idx, uint8_t *f, size_t cap)
{
	int cur = -1;
	bool in = false, esc = false;
	size_t m = 0;
	for (size_t i = 0; i < out.n; i++) {
		uint8_t b = out.buf[i];
		if (b == 0xC0) {
			if (in && m > 0) {
				if (++cur == idx)
					return (int)m;
				in = false;
			} else
				in = true;
			m = 0;
			continue;
		}
		if (!in)
			continue;
		if (esc) {
			b = b == 0xDC ? 0xC0 : 0xDB;
			esc = false;
		} else if (b == 0xDB) {
			esc = true;
			continue;
		}
		if (m < cap)
			f[m++] = b;
	}
	return -1;
}

static int nframes(void)
{
	static uint8_t f[70000];
	int i = 0;
	while (frame(i, f, sizeof f) >= 0)
		i++;
	return i;
}

static bool out_has(const char *text) { return memmem(out.buf, out.n, text, strlen(text)) != NULL; }

static uint8_t rbuf[70000];
/* The first reply's fields. */
static uint32_t r_value(void)
{
	if (frame(0, rbuf, sizeof rbuf) < 8)
		return 0xDEADBEEF;
	esp_cursor c = esp_cursor_make(rbuf + 4, 4);
	return esp_u32le(&c);
}
static int r_len(void) { return frame(0, rbuf, sizeof rbuf); }

static void test_rom_basics(void)
{
	uint8_t sync[36] = {0x07, 0x07, 0x12, 0x20};
	memset(sync + 4, 0x55, 32);
	esp_sim *s = mk(ESP_CHIP_ESP32, NULL, true);
	cmd(s, ESP_SYNC, sync, 36, 0);
	CHECK_EQ_U(nframes(), 8);
	CHECK_EQ_U(r_value(), 0x20120707);
	CHECK_EQ_U(r_len(), 12); /* 8 header + 4 status bytes */
	out.n = 0;
	uint8_t a[4];
	esp_put_u32le(a, ESP_CHIP_DETECT_MAGIC_REG);
	cmd(s, ESP_READ_REG, a, 4, 0);
	CHECK_EQ_U(r_value(), 0x00F01D83);
	out.n = 0;
	cmd(s, ESP_GET_SECURITY_INFO, NULL, 0, 0);
	CHECK_EQ_U(r_len(), 12);
	CHECK_EQ_U(rbuf[8], 1); /* ESP32 ROM: unsupported */
	CHECK_EQ_U(rbuf[9], 0x05);
	/* the ROM's stale header (the READ_REG before: opcode and value), eight times */
	CHECK_EQ_U(rbuf[1], ESP_READ_REG);
	CHECK_EQ_U(r_value(), 0x00F01D83);
	CHECK_EQ_U(nframes(), 8);
	out.n = 0;
	cmd(s, ESP_ERASE_FLASH, NULL, 0, 0); /* stub-only */
	r_len();
	CHECK_EQ_U(rbuf[8], 1);
	CHECK_EQ_U(rbuf[9], 0x05);
	CHECK(rbuf[1] != ESP_ERASE_FLASH); /* never the opcode it rejects */
	/* MAC words esptool-js reads for an ESP32 */
	out.n = 0;
	esp_put_u32le(a, 0x3FF5A004);
	cmd(s, ESP_READ_REG, a, 4, 0);
	CHECK_EQ_U(r_value(), 0xC4123456);
	esp_sim_free(s);

	s = mk(ESP_CHIP_ESP8266, NULL, true);
	cmd(s, ESP_SYNC, sync, 36, 0);
	CHECK_EQ_U(r_len(), 10); /* 2 status bytes */
	esp_sim_free(s);

	s = mk(ESP_CHIP_ESP32S3, NULL, true);
	cmd(s, ESP_GET_SECURITY_INFO, NULL, 0, 0);
	CHECK_EQ_U(r_len(), 8 + 20 + 4);
	CHECK_EQ_U(rbuf[8 + 12], 9); /* chip id */
	CHECK_EQ_U(rbuf[8 + 20], 0);
	esp_sim_free(s);
}

/* The JEDEC id through the SPI registers, as esptool-js 0.7.0 drives it on an ESP32. */
static void test_flash_id(void)
{
	esp_sim *s = mk(ESP_CHIP_ESP32, NULL, true);
	uint8_t w[16];
	const uint32_t base = 0x3FF42000;
	esp_put_u32le(w, base + 0x24);
	esp_put_u32le(w + 4, 7u << 28 | 0x9F);
	esp_put_u32le(w + 8, 0xFFFFFFFF);
	esp_put_u32le(w + 12, 0);
	cmd(s, ESP_WRITE_REG, w, 16, 0);
	esp_put_u32le(w, base);
	esp_put_u32le(w + 4, 1u << 18);
	cmd(s, ESP_WRITE_REG, w, 16, 0);
	out.n = 0;
	uint8_t a[4];
	esp_put_u32le(a, base + 0x80);
	cmd(s, ESP_READ_REG, a, 4, 0);
	CHECK_EQ_U(r_value(), 0x1640C8); /* GigaDevice, 4 MB */
	esp_sim_free(s);
}

static void flash_begin(esp_sim *s, uint8_t op, uint32_t size, uint32_t blocks, uint32_t bs, uint32_t off)
{
	uint8_t b[16];
	esp_put_u32le(b, size);
	esp_put_u32le(b + 4, blocks);
	esp_put_u32le(b + 8, bs);
	esp_put_u32le(b + 12, off);
	cmd(s, op, b, 16, 0);
}

static void data_block(esp_sim *s, uint8_t op, const uint8_t *d, uint32_t n, uint32_t seq, int bad_ck)
{
	static uint8_t b[70000];
	esp_put_u32le(b, n);
	esp_put_u32le(b + 4, seq);
	memset(b + 8, 0, 8);
	memcpy(b + 16, d, n);
	cmd(s, op, b, 16 + n, esp_checksum(d, n) ^ (uint32_t)bad_ck);
}

static void test_rom_write(void)
{
	esp_sim *s = mk(ESP_CHIP_ESP32, NULL, true);
	uint8_t d[1024];
	for (int i = 0; i < 1024; i++)
		d[i] = (uint8_t)(i * 7 + 1);
	flash_begin(s, ESP_FLASH_BEGIN, 2048, 2, 1024, 0x10000);
	CHECK_EQ_U(rbuf[8], 0);
	out.n = 0;
	data_block(s, ESP_FLASH_DATA, d, 1024, 0, 0);
	r_len();
	CHECK_EQ_U(rbuf[8], 0);
	out.n = 0;
	data_block(s, ESP_FLASH_DATA, d, 1024, 1, 0x11); /* bad checksum */
	r_len();
	CHECK_EQ_U(rbuf[8], 1);
	CHECK_EQ_U(rbuf[9], 0x07);
	size_t fs;
	const uint8_t *fl = esp_sim_flash(s, &fs);
	CHECK_EQ_U(fs, 4u << 20);
	CHECK_MEM(fl + 0x10000, d, 1024);
	CHECK_EQ_U(fl[0x10400], 0xFF); /* the bad block was not written */
	/* ROM MD5: 32 ASCII hex digits */
	out.n = 0;
	uint8_t m[16];
	esp_put_u32le(m, 0x10000);
	esp_put_u32le(m + 4, 1024);
	memset(m + 8, 0, 8);
	cmd(s, ESP_SPI_FLASH_MD5, m, 16, 0);
	CHECK_EQ_U(r_len(), 8 + 32 + 4);
	esp_md5 ctx;
	uint8_t dg[16];
	char hex[33];
	esp_md5_init(&ctx);
	esp_md5_update(&ctx, d, 1024);
	esp_md5_final(&ctx, dg);
	esp_md5_hex(dg, hex);
	CHECK_MEM(rbuf + 8, hex, 32);
	/* READ_FLASH_SLOW: always 64 bytes */
	out.n = 0;
	esp_put_u32le(m + 4, 16);
	cmd(s, ESP_READ_FLASH_SLOW, m, 8, 0);
	CHECK_EQ_U(r_len(), 8 + 64 + 4);
	CHECK_MEM(rbuf + 8, d, 64);
	esp_sim_free(s);
}

static esp_sim *to_stub(esp_chip chip, const char *fault)
{
	esp_sim *s = mk(chip, fault, true);
	uint8_t b[16] = {0}, blk[64];
	memset(blk, 0xA5, sizeof blk);
	esp_put_u32le(b, 64);
	esp_put_u32le(b + 4, 1);
	esp_put_u32le(b + 8, 0x1800);
	esp_put_u32le(b + 12, 0x40080000);
	cmd(s, ESP_MEM_BEGIN, b, 16, 0);
	data_block(s, ESP_MEM_DATA, blk, 64, 0, 0);
	out.n = 0;
	esp_put_u32le(b, 0);
	esp_put_u32le(b + 4, 0x40080010);
	cmd(s, ESP_MEM_END, b, 8, 0);
	return s;
}

static void test_stub(void)
{
	esp_sim *s = to_stub(ESP_CHIP_ESP32, NULL);
	uint8_t f[64];
	CHECK_EQ_U(nframes(), 2); /* MEM_END reply, then OHAI */
	CHECK_EQ_U(frame(1, f, sizeof f), 4);
	CHECK_MEM(f, "OHAI", 4);
	CHECK_EQ_S(esp_sim_mode(s), "stub");
	uint8_t sync[36] = {0x07, 0x07, 0x12, 0x20};
	memset(sync + 4, 0x55, 32);
	out.n = 0;
	cmd(s, ESP_SYNC, sync, 36, 0);
	CHECK_EQ_U(r_value(), 0);
	CHECK_EQ_U(r_len(), 10); /* stub: 2 status bytes */

	/* compressed write, real zlib */
	static uint8_t img[100000], z[120000];
	for (size_t i = 0; i < sizeof img; i++)
		img[i] = (uint8_t)(i % 251 ^ (i >> 8));
	uLongf zn = sizeof z;
	CHECK(compress2(z, &zn, img, sizeof img, 9) == Z_OK);
	uint32_t nb = (uint32_t)((zn + 0x3FFF) / 0x4000);
	out.n = 0;
	flash_begin(s, ESP_FLASH_DEFL_BEGIN, sizeof img, nb, 0x4000, 0x20000);
	for (uint32_t i = 0; i < nb; i++) {
		uint32_t n = (uint32_t)(zn - i * 0x4000u < 0x4000 ? zn - i * 0x4000u : 0x4000);
		data_block(s, ESP_FLASH_DEFL_DATA, z + i * 0x4000, n, i, 0);
	}
	uint8_t one[4] = {1, 0, 0, 0};
	cmd(s, ESP_FLASH_DEFL_END, one, 4, 0);
	size_t fs;
	const uint8_t *fl = esp_sim_flash(s, &fs);
	CHECK_MEM(fl + 0x20000, img, sizeof img);
	/* bad checksum: stub code 0xC1 */
	out.n = 0;
	flash_begin(s, ESP_FLASH_BEGIN, 16, 1, 0x4000, 0x30000);
	out.n = 0;
	data_block(s, ESP_FLASH_DATA, img, 16, 0, 1);
	r_len();
	CHECK_EQ_U(rbuf[8], 0xC1);
	/* MD5: 16 raw bytes */
	out.n = 0;
	uint8_t m[16];
	esp_put_u32le(m, 0x20000);
	esp_put_u32le(m + 4, sizeof img);
	memset(m + 8, 0, 8);
	cmd(s, ESP_SPI_FLASH_MD5, m, 16, 0);
	CHECK_EQ_U(r_len(), 8 + 16 + 2);
	esp_md5 ctx;
	uint8_t dg[16];
	esp_md5_init(&ctx);
	esp_md5_update(&ctx, img, sizeof img);
	esp_md5_final(&ctx, dg);
	CHECK_MEM(rbuf + 8, dg, 16);
	/* READ_FLASH: each packet waits for the host's ack of the one before,
	 * whatever max_in_flight asks for (2 here), as both stubs do */
	out.n = 0;
	uint8_t rf[16];
	esp_put_u32le(rf, 0x20000);
	esp_put_u32le(rf + 4, 0x5000);
	esp_put_u32le(rf + 8, 0x1000);
	esp_put_u32le(rf + 12, 2);
	cmd(s, ESP_READ_FLASH, rf, 16, 0);
	CHECK_EQ_U(nframes(), 2); /* reply + 1 packet */
	static uint8_t pk[0x1000];
	CHECK_EQ_U(frame(1, pk, sizeof pk), 0x1000);
	CHECK_MEM(pk, img, 0x1000);
	for (uint32_t got = 0x1000; got <= 0x5000; got += 0x1000) {
		uint8_t ack[6] = {0xC0};
		esp_put_u32le(ack + 1, got);
		ack[5] = 0xC0;
		now += 1000;
		esp_sim_rx(s, now, ack, 6, esp_sim_baud(s));
	}
	CHECK_EQ_U(nframes(), 7); /* reply + 5 packets + digest */
	CHECK_EQ_U(frame(6, pk, sizeof pk), 16);
	esp_md5_init(&ctx);
	esp_md5_update(&ctx, img, 0x5000);
	esp_md5_final(&ctx, dg);
	CHECK_MEM(pk, dg, 16);
	/* ERASE_REGION */
	out.n = 0;
	uint8_t er[8];
	esp_put_u32le(er, 0x20000);
	esp_put_u32le(er + 4, 0x1000);
	cmd(s, ESP_ERASE_REGION, er, 8, 0);
	CHECK_EQ_U(fl[0x20000], 0xFF);
	CHECK_EQ_U(fl[0x20FFF], 0xFF);
	CHECK_EQ_U(fl[0x21000], img[0x1000]);
	/* CHANGE_BAUDRATE: reply at the old rate, then switch */
	uint8_t cb[8];
	esp_put_u32le(cb, 921600);
	esp_put_u32le(cb + 4, 115200);
	cmd(s, ESP_CHANGE_BAUDRATE, cb, 8, 0);
	CHECK_EQ_U(esp_sim_baud(s), 921600);
	/* unknown opcode: stub's INVALID_COMMAND */
	out.n = 0;
	esp_sim_host_baud(s, 921600);
	now += 1000000;
	cmd(s, 0x55, NULL, 0, 0);
	r_len();
	CHECK_EQ_U(rbuf[8], 0xC3);
	esp_sim_free(s);
}

static void test_lines_and_boot(void)
{
	esp_sim *s = mk(ESP_CHIP_ESP32, NULL, false);
	CHECK_EQ_S(esp_sim_mode(s), "off");
	/* classic reset: EN low, then GPIO0 low as EN rises */
	esp_sim_lines(s, now += 1000000, false, true);
	esp_sim_lines(s, now += 100000000, true, false);
	esp_sim_poll(s, now += 100000000);
	CHECK(out_has("boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download"));
	CHECK_EQ_S(esp_sim_mode(s), "rom");
	/* hard reset: RTS pulse with DTR off: GPIO0 high, boot from (erased) flash */
	out.n = 0;
	esp_sim_lines(s, now += 1000000, false, false);
	esp_sim_lines(s, now += 1000000, false, true);
	esp_sim_lines(s, now += 100000000, false, false);
	esp_sim_poll(s, now += 1000000000);
	CHECK(out_has("boot:0x13 (SPI_FAST_FLASH_BOOT)"));
	CHECK(out_has("invalid header: 0xffffffff"));
	CHECK_EQ_S(esp_sim_mode(s), "app");
	esp_sim_free(s);
}

static void test_faults(void)
{
	uint8_t a[4];
	esp_put_u32le(a, ESP_CHIP_DETECT_MAGIC_REG);
	esp_sim *s = mk(ESP_CHIP_ESP32, "drop:READ_REG:2", true);
	cmd(s, ESP_READ_REG, a, 4, 0);
	CHECK_EQ_U(nframes(), 1);
	out.n = 0;
	cmd(s, ESP_READ_REG, a, 4, 0);
	CHECK_EQ_U(nframes(), 0);
	esp_sim_free(s);

	s = mk(ESP_CHIP_ESP32, "error:READ_REG:1:0x07", true);
	cmd(s, ESP_READ_REG, a, 4, 0);
	r_len();
	CHECK_EQ_U(rbuf[8], 1);
	CHECK_EQ_U(rbuf[9], 7);
	esp_sim_free(s);

	s = mk(ESP_CHIP_ESP32, "corrupt:READ_REG:1", true);
	cmd(s, ESP_READ_REG, a, 4, 0);
	CHECK(r_value() != 0x00F01D83);
	esp_sim_free(s);

	s = to_stub(ESP_CHIP_ESP32, "brownout:FLASH_BEGIN:1");
	out.n = 0;
	flash_begin(s, ESP_FLASH_BEGIN, 16, 1, 0x4000, 0x30000);
	esp_sim_poll(s, now += 1000000000);
	CHECK(out_has("Brownout detector was triggered"));
	CHECK(out_has("rst:0xf (RTCWDT_BROWN_OUT_RESET)"));
	CHECK_EQ_S(esp_sim_mode(s), "rom");
	esp_sim_free(s);

	esp_sim_opts o = {.chip = ESP_CHIP_ESP32, .tx = on_tx, .faults = {"drop:NOPE:1"}, .n_faults = 1};
	esp_error e;
	CHECK(esp_sim_new(&o, &s, &e) == ESP_E_USAGE);
	CHECK(strstr(e.text, "NOPE") != NULL);
	o.faults[0] = "noise:2:1";
	CHECK(esp_sim_new(&o, &s, &e) == ESP_E_USAGE);
}

/* The banner of a reset through noise:RATE:SEED (NULL: no noise), copied to dst. */
static size_t noisy_banner(const char *fault, uint8_t *dst, size_t cap)
{
	esp_sim *s = mk(ESP_CHIP_ESP32, fault, true);
	esp_sim_reset(s, now += 1000000, true);
	esp_sim_poll(s, now += 1000000000ull);
	size_t n = out.n < cap ? out.n : cap;
	memcpy(dst, out.buf, n);
	esp_sim_free(s);
	return n;
}

static void test_noise(void)
{
	static uint8_t clean[512], a[512], b[512], c[512];
	size_t nc = noisy_banner(NULL, clean, sizeof clean);
	size_t na = noisy_banner("noise:0.01:7", a, sizeof a);
	size_t nb = noisy_banner("noise:0.01:7", b, sizeof b);
	size_t nx = noisy_banner("noise:0.01:8", c, sizeof c);
	CHECK(nc > 50 && na == nc && nb == nc && nx == nc); /* bit errors, not lost bytes */
	CHECK(memcmp(a, clean, nc) != 0);                    /* the noise does hit */
	CHECK(memcmp(a, b, nc) == 0);                        /* the same seed, the same damage */
	CHECK(memcmp(a, c, nc) != 0);                        /* another seed, other damage */
}

static void test_resample(void)
{
	uint8_t in[64], o[1024];
	for (int i = 0; i < 64; i++)
		in[i] = (uint8_t)(i * 37 + 5);
	CHECK_EQ_U(esp_uart_resample(in, 64, 115200, 115200, o, sizeof o), 64);
	CHECK_MEM(o, in, 64);
	/* 2% apart: a UART still samples every bit right */
	CHECK_EQ_U(esp_uart_resample(in, 64, 115200, 117500, o, sizeof o), 64);
	CHECK_MEM(o, in, 64);
	/* 8x too fast for the receiver: far fewer, different bytes */
	size_t n = esp_uart_resample(in, 64, 921600, 115200, o, sizeof o);
	CHECK(n > 0 && n < 20);
	/* 8x too slow: each sent bit becomes eight received ones; 0x55 at 115200 read at 921600 */
	uint8_t u = 0x55;
	n = esp_uart_resample(&u, 1, 115200, 921600, o, sizeof o);
	CHECK(n >= 1);
	CHECK_EQ_U(o[0], 0x80); /* the start bit spans the receiver's start and 7 data bits; bit 7 hears data bit 0 */
	/* a 0xFF sent at half the rate: start bit lasts two received bits */
	u = 0xFF;
	n = esp_uart_resample(&u, 1, 57600, 115200, o, sizeof o);
	CHECK_EQ_U(n, 1);
	CHECK_EQ_U(o[0], 0xFE);
}

/* The line_tx hook: what the chip put on its TX line, at its rate, whatever the host hears. */
static sink line;
static uint32_t line_baud;
static int line_calls;
static void on_line(const uint8_t *p, size_t n, uint32_t baud, void *user)
{
	CHECK(user == &out);
	line_baud = baud;
	line_calls++;
	if (line.n + n <= sizeof line.buf) {
		memcpy(line.buf + line.n, p, n);
		line.n += n;
	}
}

static void test_line_tx(void)
{
	esp_sim_opts o = {.chip = ESP_CHIP_ESP32, .tx = on_tx, .user = &out, .line_tx = on_line};
	esp_sim *s = NULL;
	esp_error e;
	CHECK(esp_sim_new(&o, &s, &e) == ESP_OK);
	/* host at the chip's rate: both hear the same bytes */
	out.n = line.n = 0;
	esp_sim_host_baud(s, 115200);
	esp_sim_reset(s, now += 1000000, true);
	esp_sim_poll(s, now += 1000000000ull);
	CHECK(line.n > 40 && line_calls > 0);
	CHECK_EQ_U(line_baud, 115200);
	CHECK_EQ_U(out.n, line.n);
	CHECK_MEM(out.buf, line.buf, line.n);
	/* host at 460800: it hears garbage, the line still carries the banner */
	out.n = line.n = 0;
	esp_sim_host_baud(s, 460800);
	esp_sim_reset(s, now += 1000000, true);
	esp_sim_poll(s, now += 1000000000ull);
	line.buf[line.n < sizeof line.buf ? line.n : 0] = 0;
	CHECK(strstr((const char *)line.buf, "waiting for download\r\n") != NULL);
	CHECK_EQ_U(line_baud, 115200);
	CHECK(out.n != line.n || memcmp(out.buf, line.buf, line.n) != 0);
	esp_sim_free(s);
	/* without the hook nothing changes for tx */
	int calls = line_calls;
	s = mk(ESP_CHIP_ESP32, NULL, true);
	esp_sim_reset(s, now += 1000000, true);
	esp_sim_poll(s, now += 1000000000ull);
	CHECK(out.n > 40);
	CHECK_EQ_U(line_calls, calls);
	esp_sim_free(s);
}

static void test_redact(void)
{
	uint8_t pkt[8 + 16 + 4] = {0x00, ESP_MEM_DATA, 20, 0};
	esp_put_u32le(pkt + 8, 4);
	pkt[24] = 0xC0;
	pkt[25] = 0xDB;
	pkt[26] = 1;
	pkt[27] = 2;
	esp_put_u32le(pkt + 4, esp_checksum(pkt + 24, 4));
	uint8_t wire[80], red[200];
	size_t k = 0;
	wire[k++] = 0xC0;
	for (size_t i = 0; i < sizeof pkt; i++) {
		if (pkt[i] == 0xC0 || pkt[i] == 0xDB) {
			wire[k++] = 0xDB;
			wire[k++] = pkt[i] == 0xC0 ? 0xDC : 0xDD;
		} else
			wire[k++] = pkt[i];
	}
	wire[k++] = 0xC0;
	size_t m = esp_sim_redact_frame(wire, k, red, sizeof red);
	CHECK_EQ_U(m, 2 + sizeof pkt); /* filler needs no escapes */
	CHECK_EQ_U(red[1 + 4], 0xEF);  /* checksum of four zero bytes */
	CHECK_EQ_U(red[1 + 24], 0);
	CHECK_EQ_U(esp_sim_redact_frame((uint8_t[]){0xC0, 0, 3, 0, 0, 0, 0, 0, 0, 0xC0}, 10, red, sizeof red), 0);
}

int main(void)
{
	test_rom_basics();
	test_flash_id();
	test_rom_write();
	test_stub();
	test_lines_and_boot();
	test_faults();
	test_noise();
	test_resample();
	test_redact();
	test_line_tx();
	CHECK_DONE(90);
}
