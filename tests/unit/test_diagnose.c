/* test_diagnose.c: the analyzers and the diagnosis on byte vectors: SLIP frames fed through the pipeline, notes and findings checked. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/diagnose.h"
#include "core/pipeline.h"
#include "core/uart.h"

/* ---- a session built from frames ---------------------------------------- */

static char notes[512][64]; /* "frame:code" of every note the sink saw */
static int n_notes;

static void sink(const esp_record *r, void *user)
{
	(void)user;
	for (int i = 0; i < r->n_notes && n_notes < 512; i++)
		snprintf(notes[n_notes++], sizeof notes[0], "%llu:%s", (unsigned long long)r->frame, r->notes[i].code);
}

static bool noted(uint64_t frame, const char *code)
{
	char want[64];
	snprintf(want, sizeof want, "%llu:%s", (unsigned long long)frame, code);
	for (int i = 0; i < n_notes; i++)
		if (!strcmp(notes[i], want))
			return true;
	return false;
}

static esp_pipeline *start(uint32_t baud)
{
	n_notes = 0;
	esp_pipeline_opts o = {.initial_baud = baud, .record_sink = sink};
	return esp_pipeline_new(&o);
}

static void bytes(esp_pipeline *p, uint64_t ms, esp_dir dir, const uint8_t *b, size_t n)
{
	esp_event ev = {.ts_ns = ms * 1000000ull, .dir = dir, .kind = ESP_EV_BYTES, .data = b, .len = n};
	esp_pipeline_event(p, &ev);
}

static void frame(esp_pipeline *p, uint64_t ms, esp_dir dir, const uint8_t *b, size_t n)
{
	uint8_t w[4200];
	size_t k = 0;
	w[k++] = 0xC0;
	for (size_t i = 0; i < n && k < sizeof w - 3; i++) {
		if (b[i] == 0xC0) {
			w[k++] = 0xDB;
			w[k++] = 0xDC;
		} else if (b[i] == 0xDB) {
			w[k++] = 0xDB;
			w[k++] = 0xDD;
		} else {
			w[k++] = b[i];
		}
	}
	w[k++] = 0xC0;
	bytes(p, ms, dir, w, k);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* command op with body; ck is the header's checksum word */
static void cmd(esp_pipeline *p, uint64_t ms, uint8_t op, const uint8_t *body, size_t n, uint32_t ck)
{
	uint8_t b[4200] = {0, op, (uint8_t)n, (uint8_t)(n >> 8)};
	put32(b + 4, ck);
	memcpy(b + 8, body, n);
	frame(p, ms, ESP_DIR_H2C, b, 8 + n);
}

/* ROM (4 status bytes) reply: ok, or status 1 with error err */
static void rom_reply(esp_pipeline *p, uint64_t ms, uint8_t op, uint32_t value, int err)
{
	uint8_t b[12] = {1, op, 4, 0};
	put32(b + 4, value);
	b[8] = err >= 0 ? 1 : 0;
	b[9] = err >= 0 ? (uint8_t)err : 0;
	frame(p, ms, ESP_DIR_C2H, b, 12);
}

static void sync_ok(esp_pipeline *p, uint64_t ms)
{
	uint8_t s[36] = {7, 7, 0x12, 0x20};
	memset(s + 4, 0x55, 32);
	cmd(p, ms, ESP_SYNC, s, 36, 0);
	rom_reply(p, ms + 1, ESP_SYNC, 0x20120707, -1);
}

static void flash_begin(esp_pipeline *p, uint64_t ms, uint32_t size, uint32_t blocks, uint32_t bs, uint32_t off)
{
	uint8_t b[16];
	put32(b, size);
	put32(b + 4, blocks);
	put32(b + 8, bs);
	put32(b + 12, off);
	cmd(p, ms, ESP_FLASH_BEGIN, b, 16, 0);
	rom_reply(p, ms + 1, ESP_FLASH_BEGIN, 0, -1);
}

/* FLASH_DATA: seq, len data bytes of value fill; ck_mode 0 right, 1 unseeded */
static void flash_data(esp_pipeline *p, uint64_t ms, uint32_t seq, size_t len, uint8_t fill, int ck_mode)
{
	uint8_t b[4200] = {0};
	put32(b, (uint32_t)len);
	put32(b + 4, seq);
	memset(b + 16, fill, len);
	uint8_t ck = esp_checksum(b + 16, len);
	cmd(p, ms, ESP_FLASH_DATA, b, 16 + len, ck_mode ? ck ^ 0xEFu : ck);
}

static const esp_finding *finding(const esp_pipeline *p, const char *code)
{
	const esp_summary *s = esp_pipeline_summary(p);
	for (size_t i = 0; i < s->n_findings; i++)
		if (!strcmp(s->findings[i].code, code))
			return &s->findings[i];
	return NULL;
}

static bool has_frame(const esp_finding *f, uint64_t fr)
{
	for (int i = 0; f && i < f->n_frames; i++)
		if (f->frames[i] == fr)
			return true;
	return false;
}

static size_t count_at_least(const esp_pipeline *p, esp_severity sev)
{
	const esp_summary *s = esp_pipeline_summary(p);
	size_t k = 0;
	for (size_t i = 0; i < s->n_findings; i++)
		k += s->findings[i].severity >= sev;
	return k;
}

/* ---- tests ------------------------------------------------------------- */

static void test_estimate(void)
{
	const char *t = "\r\n ets Jan  8 2013,rst cause:2, boot mode:(3,6)\r\n\r\n";
	uint8_t g[256];
	size_t n = esp_uart_resample((const uint8_t *)t, strlen(t), 74880, 115200, g, sizeof g);
	CHECK(n > 20);
	CHECK_EQ_U(esp_baud_estimate(g, n, 115200), 74880);
	const char *u = "I (31) boot: ESP-IDF v5.1 2nd stage bootloader\r\n";
	n = esp_uart_resample((const uint8_t *)u, strlen(u), 57600, 115200, g, sizeof g);
	CHECK_EQ_U(esp_baud_estimate(g, n, 115200), 57600);
	n = esp_uart_resample((const uint8_t *)u, strlen(u), 38400, 115200, g, sizeof g);
	CHECK_EQ_U(esp_baud_estimate(g, n, 115200), 38400);
	n = esp_uart_resample((const uint8_t *)u, strlen(u), 460800, 921600, g, sizeof g);
	CHECK_EQ_U(esp_baud_estimate(g, n, 921600), 460800);
	/* a port slower than the sender lost bits: nothing to recover */
	n = esp_uart_resample((const uint8_t *)u, strlen(u), 921600, 115200, g, sizeof g);
	CHECK_EQ_U(esp_baud_estimate(g, n, 115200), 0);
	/* noise fits no rate, in 500 tries of every length */
	uint32_t x = 12345;
	int fits = 0;
	for (int k = 0; k < 500; k++) {
		int len = 8 + k % 56;
		for (int i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			g[i] = (uint8_t)(x >> 16);
		}
		fits += esp_baud_estimate(g, (size_t)len, 115200) != 0;
	}
	CHECK_EQ_U(fits, 0);
	/* text at the port's own rate is not garbage: no other rate claims it */
	CHECK_EQ_U(esp_baud_estimate((const uint8_t *)"hello world, this is text", 25, 115200), 0);
}

static void test_clean_rom_write(void)
{
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);                                     /* frames 1, 2 */
	flash_begin(p, 10, 2048, 2, 1024, 0x10000);        /* 3, 4 */
	flash_data(p, 20, 0, 1024, 0x11, 0);               /* 5 */
	rom_reply(p, 21, ESP_FLASH_DATA, 0, -1);           /* 6 */
	flash_data(p, 30, 1, 1024, 0x22, 0);               /* 7 */
	rom_reply(p, 31, ESP_FLASH_DATA, 0, -1);           /* 8 */
	esp_pipeline_finish(p, 40 * 1000000ull);
	CHECK_EQ_U(count_at_least(p, ESP_SEV_WARNING), 0);
	CHECK(!esp_diag_has_error(esp_pipeline_diag(p)));
	esp_pipeline_free(p);
}

static void test_host_checksum_unseeded(void)
{
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);
	flash_begin(p, 10, 1024, 1, 1024, 0x10000);
	flash_data(p, 20, 0, 1024, 0x5A, 1);               /* 5: XOR without 0xEF */
	rom_reply(p, 21, ESP_FLASH_DATA, 0, 0x07);         /* 6: the ROM says checksum error */
	esp_pipeline_finish(p, 30 * 1000000ull);
	CHECK(noted(5, "checksum-cause"));
	const esp_finding *h = finding(p, "host-checksum"), *c = finding(p, "checksum-error");
	CHECK(h && h->severity == ESP_SEV_ERROR && has_frame(h, 5));
	CHECK(c && has_frame(c, 5) && has_frame(c, 6));
	CHECK(c && strstr(c->summary, "flasher computed"));
	CHECK(esp_diag_has_error(esp_pipeline_diag(p)));
	esp_pipeline_free(p);
}

static void test_line_corruption(void)
{
	/* the block's checksum is right, the chip still answers 0x07: bytes changed on the way */
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);
	flash_begin(p, 10, 1024, 1, 1024, 0x0);
	flash_data(p, 20, 0, 1024, 0x33, 0);               /* 5 */
	rom_reply(p, 21, ESP_FLASH_DATA, 0, 0x07);         /* 6 */
	esp_pipeline_finish(p, 30 * 1000000ull);
	const esp_finding *c = finding(p, "checksum-error");
	CHECK(c && has_frame(c, 6) && strstr(c->summary, "on the line"));
	CHECK(!finding(p, "host-checksum"));
	CHECK(finding(p, "write-failed-midway") != NULL);
	esp_pipeline_free(p);
}

static void test_host_sequence_and_padding(void)
{
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);
	flash_begin(p, 10, 3000, 3, 1024, 0x10000);        /* 3, 4 */
	flash_data(p, 20, 0, 1024, 1, 0);                  /* 5 */
	rom_reply(p, 21, ESP_FLASH_DATA, 0, -1);
	flash_data(p, 30, 2, 1024, 2, 0);                  /* 7: seq 1 skipped */
	rom_reply(p, 31, ESP_FLASH_DATA, 0, -1);
	flash_data(p, 40, 3, 952, 3, 0);                   /* 9: short last ROM block */
	rom_reply(p, 41, ESP_FLASH_DATA, 0, -1);
	esp_pipeline_finish(p, 50 * 1000000ull);
	CHECK(noted(7, "host-seq"));
	CHECK(noted(9, "host-padding"));
	const esp_finding *s = finding(p, "host-sequence"), *pad = finding(p, "host-padding");
	CHECK(s && s->severity == ESP_SEV_WARNING && has_frame(s, 7));
	CHECK(pad && has_frame(pad, 9));
	CHECK(!esp_diag_has_error(esp_pipeline_diag(p)));
	esp_pipeline_free(p);
}

static void test_retry_is_not_a_mistake(void)
{
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);
	flash_begin(p, 10, 2048, 2, 1024, 0x10000);
	flash_data(p, 20, 0, 1024, 1, 0);                  /* 5 */
	rom_reply(p, 21, ESP_FLASH_DATA, 0, 0x08);         /* 6: flash write error */
	flash_data(p, 30, 0, 1024, 1, 0);                  /* 7: retry */
	rom_reply(p, 31, ESP_FLASH_DATA, 0, -1);
	esp_pipeline_finish(p, 50 * 1000000ull);
	CHECK(noted(7, "retry"));
	CHECK(!noted(7, "host-seq"));
	CHECK(!finding(p, "host-sequence"));
	const esp_finding *w = finding(p, "write-failed-midway");
	CHECK(w && has_frame(w, 6) && strstr(w->summary, "1 retry"));
	esp_pipeline_free(p);
}

static void test_baud_and_attach_args(void)
{
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);
	uint8_t a[12] = {0};
	cmd(p, 10, ESP_SPI_ATTACH, a, 12, 0);              /* 3: 12 bytes */
	rom_reply(p, 11, ESP_SPI_ATTACH, 0, -1);
	uint8_t b[8];
	put32(b, 921600);
	put32(b + 4, 115200);                              /* ROM wants 0 */
	cmd(p, 20, ESP_CHANGE_BAUDRATE, b, 8, 0);          /* 5 */
	rom_reply(p, 21, ESP_CHANGE_BAUDRATE, 0, -1);      /* 6 */
	/* the host sends before changing its own rate, then changes */
	cmd(p, 22, ESP_READ_REG, (const uint8_t *)"\0\x10\0\x40", 4, 0); /* 7 */
	esp_event ev = {.ts_ns = 80 * 1000000ull, .dir = ESP_DIR_NONE, .kind = ESP_EV_BAUD, .value = 921600};
	esp_pipeline_event(p, &ev);                        /* 8, and 7 times out: 9 */
	esp_pipeline_finish(p, 100 * 1000000ull);
	CHECK(noted(3, "host-spi-attach"));
	CHECK(noted(5, "host-change-baud"));
	const esp_finding *e = finding(p, "host-early-data");
	CHECK(e && has_frame(e, 7));
	CHECK(finding(p, "host-spi-attach") && finding(p, "host-change-baudrate"));
	esp_pipeline_free(p);
}

static void test_host_rate_unchanged(void)
{
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);
	uint8_t b[8];
	put32(b, 460800);
	put32(b + 4, 0);
	cmd(p, 20, ESP_CHANGE_BAUDRATE, b, 8, 0);          /* 3 */
	rom_reply(p, 21, ESP_CHANGE_BAUDRATE, 0, -1);      /* 4 */
	uint8_t r[4] = {0, 0x10, 0, 0x40};
	cmd(p, 100, ESP_READ_REG, r, 4, 0);                /* 5: still at 115200, never answered */
	esp_pipeline_finish(p, 5000 * 1000000ull);
	const esp_finding *f = finding(p, "baud-mismatch");
	CHECK(f && f->severity == ESP_SEV_ERROR && has_frame(f, 4) && has_frame(f, 5));
	CHECK(f && strstr(f->summary, "stayed at 115200"));
	CHECK(!finding(p, "host-early-data"));
	esp_pipeline_free(p);
}

static void test_host_no_wait_and_timeout(void)
{
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);
	uint8_t r[4] = {0, 0x10, 0, 0x40};
	cmd(p, 10, ESP_READ_REG, r, 4, 0);                 /* 3: the host moves on after 1 ms */
	cmd(p, 11, ESP_READ_REG, r, 4, 0);                 /* 4: never answered */
	esp_pipeline_finish(p, 5000 * 1000000ull);
	CHECK(noted(3, "host-no-wait"));
	CHECK(noted(4, "timeout-instead"));
	const esp_finding *t = finding(p, "timeout"), *w = finding(p, "host-no-wait");
	CHECK(t && t->severity == ESP_SEV_ERROR && has_frame(t, 4));
	CHECK(w && has_frame(w, 3));
	esp_pipeline_free(p);
}

static void test_no_sync_and_boot_log(void)
{
	esp_pipeline *p = start(115200);
	uint8_t s[36] = {7, 7, 0x12, 0x20};
	memset(s + 4, 0x55, 32);
	const char *log = "ets Jul 29 2019 12:21:46\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n"
			  "invalid header: 0xffffffff\r\n";
	bytes(p, 0, ESP_DIR_C2H, (const uint8_t *)log, strlen(log)); /* raw runs */
	for (int i = 0; i < 5; i++)
		cmd(p, 100 + 100 * (uint64_t)i, ESP_SYNC, s, 36, 0);
	esp_pipeline_finish(p, 1000 * 1000000ull);
	const esp_finding *f = finding(p, "no-sync");
	CHECK(f && f->severity == ESP_SEV_ERROR);
	CHECK(f && strstr(f->summary, "booted from flash") && strstr(f->summary, "0x13"));
	bool reset_note = false;
	for (int i = 0; i < n_notes; i++)
		reset_note |= strstr(notes[i], ":boot-reset") != NULL;
	CHECK(reset_note);
	const esp_finding *m = finding(p, "missing-bootloader");
	CHECK(m && m->severity == ESP_SEV_INFO);
	esp_pipeline_free(p);
}

static void test_flasher_message(void)
{
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);
	const char *msg = "A fatal error occurred: Failed to write to target RAM (result was 01070000: Operation timed out)";
	esp_event ev = {.ts_ns = 10 * 1000000ull, .kind = ESP_EV_NOTE, .data = (const uint8_t *)msg, .len = strlen(msg)};
	esp_pipeline_event(p, &ev); /* 3 */
	esp_pipeline_finish(p, 20 * 1000000ull);
	CHECK(noted(3, "flasher-message-misleading"));
	const esp_finding *c = finding(p, "checksum-error");
	CHECK(c && has_frame(c, 3) && strstr(c->summary, "calls it a timeout"));
	CHECK(!finding(p, "timeout"));
	esp_pipeline_free(p);

	/* a flasher printing the ROM's hex MD5 hex-encoded again */
	p = start(115200);
	sync_ok(p, 0);
	const char *md5 = "Flash md5: 3934633166373831386461626666306161336531373863343838613162623161";
	esp_event e2 = {.ts_ns = 10 * 1000000ull, .kind = ESP_EV_NOTE, .data = (const uint8_t *)md5, .len = strlen(md5)};
	esp_pipeline_event(p, &e2); /* 3 */
	esp_pipeline_finish(p, 20 * 1000000ull);
	const esp_finding *h = finding(p, "host-md5");
	CHECK(h && h->severity == ESP_SEV_WARNING && has_frame(h, 3));
	esp_pipeline_free(p);
}

static void test_bounded(void)
{
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);
	flash_begin(p, 10, 1024 * 1000, 1000, 1024, 0x10000);
	for (uint32_t i = 0; i < 1000; i++) {
		flash_data(p, 20 + 2 * (uint64_t)i, i, 1024, (uint8_t)i, 1);
		rom_reply(p, 21 + 2 * (uint64_t)i, ESP_FLASH_DATA, 0, -1);
	}
	esp_pipeline_finish(p, 5000 * 1000000ull);
	const esp_finding *h = finding(p, "host-checksum");
	CHECK(h && h->n_frames == ESP_FINDING_MAX_FRAMES && h->occurrences == 1000);
	CHECK(h && h->frames[0] == 5);
	esp_pipeline_free(p);
}

static void test_begin_size_and_read_ack(void)
{
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);
	flash_begin(p, 10, 4096, 2, 1024, 0x10000);        /* 3: 2 blocks of 1024 cannot hold 4096 */
	flash_data(p, 20, 0, 1024, 1, 0);
	rom_reply(p, 21, ESP_FLASH_DATA, 0, -1);
	/* READ_FLASH (stub form): the host acknowledges a wrong byte count */
	uint8_t rf[16];
	put32(rf, 0);
	put32(rf + 4, 8);
	put32(rf + 8, 4);
	put32(rf + 12, 1);
	cmd(p, 30, ESP_READ_FLASH, rf, 16, 0);             /* 7 */
	uint8_t ok2[10] = {1, ESP_READ_FLASH, 2, 0, 0, 0, 0, 0, 0, 0};
	frame(p, 31, ESP_DIR_C2H, ok2, 10);                /* 8 */
	frame(p, 32, ESP_DIR_C2H, (const uint8_t *)"abcd", 4); /* 9: data */
	uint8_t ack[4];
	put32(ack, 3);
	frame(p, 33, ESP_DIR_H2C, ack, 4);                 /* 10: 3, not 4 */
	esp_pipeline_finish(p, 50 * 1000000ull);
	CHECK(noted(3, "host-begin-size"));
	const esp_finding *b = finding(p, "host-begin-size"), *a = finding(p, "host-read-flash-ack");
	CHECK(b && has_frame(b, 3));
	CHECK(a && has_frame(a, 10));
	esp_pipeline_free(p);
}

static void test_reboots(void)
{
	const char *banner = "ets Jul 29 2019 12:21:46\r\nrst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1))\r\n";
	/* idle between two sessions: not a fault */
	esp_pipeline *p = start(115200);
	sync_ok(p, 0);
	bytes(p, 100, ESP_DIR_C2H, (const uint8_t *)banner, strlen(banner));
	sync_ok(p, 200);
	esp_pipeline_finish(p, 300 * 1000000ull);
	CHECK(!finding(p, "chip-reset"));
	esp_pipeline_free(p);
	/* while a request waits for its answer: the session died */
	p = start(115200);
	sync_ok(p, 0);
	uint8_t r[4] = {0, 0x10, 0, 0x40};
	cmd(p, 10, ESP_READ_REG, r, 4, 0);                 /* 3 */
	bytes(p, 20, ESP_DIR_C2H, (const uint8_t *)banner, strlen(banner));
	esp_pipeline_finish(p, 5000 * 1000000ull);
	const esp_finding *f = finding(p, "chip-reset");
	CHECK(f && f->severity == ESP_SEV_ERROR && has_frame(f, 3) && strstr(f->summary, "POWERON_RESET"));
	CHECK(!finding(p, "timeout")); /* the reboot explains the missing answer */
	esp_pipeline_free(p);
}

static void test_boot_lines(void)
{
	esp_pipeline *p = start(74880);
	/* ESP8266 banner, split across two chunks in the middle of a line */
	const char *a = "\r\n ets Jan  8 2013,rst cause:2, boot mo", *b = "de:(3,6)\r\n\r\nflash read err, 0\r\n";
	bytes(p, 0, ESP_DIR_C2H, (const uint8_t *)a, strlen(a));
	bytes(p, 5, ESP_DIR_C2H, (const uint8_t *)b, strlen(b));
	const char *c = "Brownout detector was triggered\r\n";
	bytes(p, 50, ESP_DIR_C2H, (const uint8_t *)c, strlen(c));
	esp_pipeline_finish(p, 100 * 1000000ull);
	bool reset = false, read_err = false, brown = false;
	for (int i = 0; i < n_notes; i++) {
		reset |= strstr(notes[i], ":boot-reset") != NULL;
		read_err |= strstr(notes[i], ":boot-flash-read-error") != NULL;
		brown |= strstr(notes[i], ":boot-brownout") != NULL;
	}
	CHECK(reset && read_err && brown);
	/* nothing was written in this session: no spi-pins, no chip-reset (no session to cut) */
	CHECK(!finding(p, "spi-pins") && !finding(p, "chip-reset"));
	esp_pipeline_free(p);
}

static void test_reset(void)
{
	/* the same session reset: findings are gone */
	esp_diag *g = esp_diag_new();
	esp_record r;
	memset(&r, 0, sizeof r);
	r.type = ESP_REC_COMMAND;
	r.opcode = ESP_SYNC;
	r.op = "SYNC";
	r.frame = 1;
	esp_note out[6];
	CHECK_EQ_U(esp_diag_record(g, &r, out, 6), 0);
	esp_diag_finish(g, NULL);
	size_t n;
	esp_diag_findings(g, &n);
	CHECK_EQ_U(n, 1);
	esp_diag_reset(g);
	esp_diag_finish(g, NULL);
	esp_diag_findings(g, &n);
	CHECK_EQ_U(n, 0);
	esp_diag_free(g);
}

/* esptap's own notes about the port become findings naming what the live side saw; a
 * flasher's message that merely mentions a busy port does not. */
static void note_ev(esp_pipeline *p, uint64_t ms, const char *text)
{
	esp_event e = {.ts_ns = ms * 1000000ull, .kind = ESP_EV_NOTE, .data = (const uint8_t *)text, .len = strlen(text)};
	esp_pipeline_event(p, &e);
}

static void test_port_notes(void)
{
	esp_pipeline *p = start(115200);
	note_ev(p, 1, "Could not open /dev/ttyUSB0, the port is busy or doesn't exist."); /* 1: a flasher's words */
	sync_ok(p, 2);                                                                      /* 2, 3 */
	note_ev(p, 5, "esptap: port-vanished: /dev/ttyUSB0: the port went away (unplugged?)"); /* 4 */
	note_ev(p, 6, "esptap: port-vanished: /dev/ttyUSB0: again");                           /* 5 */
	esp_pipeline_finish(p, 10 * 1000000ull);
	const esp_finding *v = finding(p, "port-vanished");
	CHECK(v && v->severity == ESP_SEV_ERROR && has_frame(v, 4) && v->occurrences == 2);
	CHECK(v && !strcmp(v->summary, "/dev/ttyUSB0: the port went away (unplugged?)"));
	CHECK(finding(p, "port-busy") == NULL && finding(p, "port-permission") == NULL);
	esp_pipeline_free(p);
}

int main(void)
{
	test_estimate();
	test_clean_rom_write();
	test_host_checksum_unseeded();
	test_line_corruption();
	test_host_sequence_and_padding();
	test_retry_is_not_a_mistake();
	test_baud_and_attach_args();
	test_host_no_wait_and_timeout();
	test_host_rate_unchanged();
	test_no_sync_and_boot_log();
	test_flasher_message();
	test_bounded();
	test_begin_size_and_read_ack();
	test_reboots();
	test_boot_lines();
	test_reset();
	test_port_notes();
	CHECK_DONE(62);
}
