/* test_decode_session.c: decoder tests for session-level verdicts: rejected detection probes and their repeats, READ_FLASH latency, image header plausibility, reboots, summary counts. */
#include "check.h"
#include "test_decode_util.h"

static const uint8_t ST_UNSUP[4] = {1, 5, 0, 0}; /* ROM: failed, INVALID_MESSAGE */

/* Up to the magic register: SYNC (with one extra reply), GET_SECURITY_INFO
 * rejected the way the ESP32 ROM does it (echoing opcode 0x08). */
static int connect_esp32(esp_decoder *d, int *gsi)
{
	sync_cmd(d, 0);
	rom_ok(d, 1, 0x08, 0x20120707);
	rom_ok(d, 1.1, 0x08, 0x20120707);
	*gsi = cmd(d, 2, 0x14, NULL, 0, 0);
	return resp(d, 3, 0x08, 0x20120707, NULL, 0, ST_UNSUP, 4);
}

static void test_detection_probe(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_UNKNOWN, false);
	int gsi;
	int j = connect_esp32(d, &gsi);
	CHECK_EQ_U(recs[j].reply_to, recs[gsi].frame);
	CHECK_EQ_S(recs[j].op, "GET_SECURITY_INFO");
	CHECK_EQ_S(recs[j].status, "INVALID_MESSAGE");
	CHECK_EQ_U(note_level(&recs[j], "unsupported-command"), ESP_NOTE_INFO);
	CHECK_EQ_U(note_level(&recs[j], "error-status"), -1);
	CHECK_EQ_U(recs[j].unit_flags & ESP_UF_STATUS_ERR, 0);
	/* the ROM repeats the reply: pointed at the probe, not an error either */
	j = resp(d, 3.1, 0x08, 0x20120707, NULL, 0, ST_UNSUP, 4);
	CHECK_EQ_U(recs[j].reply_to, recs[gsi].frame);
	CHECK_EQ_U(note_level(&recs[j], "unsupported-extra-reply"), ESP_NOTE_INFO);
	CHECK_EQ_U(recs[j].unit_flags & ESP_UF_STATUS_ERR, 0);
	/* the same probe answered with its own opcode (the simulator's form) */
	int k = cmd(d, 4, 0x14, NULL, 0, 0);
	j = resp(d, 5, 0x14, 0, NULL, 0, ST_UNSUP, 4);
	CHECK_EQ_U(recs[j].reply_to, recs[k].frame);
	CHECK_EQ_U(note_level(&recs[j], "unsupported-command"), ESP_NOTE_INFO);
	CHECK_EQ_U(recs[j].unit_flags & ESP_UF_STATUS_ERR, 0);

	const esp_summary *s = esp_decoder_summary(d);
	CHECK_EQ_U(s->error_statuses, 0);
	CHECK_EQ_U(s->probe_rejections, 2);
	CHECK_EQ_U(s->extra_replies, 2); /* one SYNC extra, one repeat */

	/* after detection, the same reply to a flash command is a real error */
	cmdw(d, 6, 0x0A, (uint32_t[]){0x40001000}, 1);
	rom_ok(d, 7, 0x0A, 0x00F01D83);
	cmdw(d, 8, 0x02, (uint32_t[]){0x1000, 1, 0x400, 0x10000}, 4);
	j = resp(d, 9, 0x02, 0, NULL, 0, ST_UNSUP, 4);
	CHECK_EQ_U(note_level(&recs[j], "error-status"), ESP_NOTE_ERROR);
	CHECK_EQ_U(note_level(&recs[j], "unsupported-command"), -1); /* opcode echoed: nothing more to say */
	CHECK(recs[j].unit_flags & ESP_UF_STATUS_ERR);
	CHECK_EQ_U(s->error_statuses, 1);
	CHECK_EQ_U(s->probe_rejections, 2);
	esp_decoder_free(d);

	/* the first rejection while the chip is being identified is expected,
	 * whatever the probe; a second, different one is not */
	d = dec_new(ESP_CHIP_UNKNOWN, false);
	sync_cmd(d, 0);
	rom_ok(d, 1, 0x08, 0x20120707);
	cmdw(d, 2, 0x0A, (uint32_t[]){0x3ff00050}, 1);
	j = resp(d, 3, 0x0A, 0, NULL, 0, ST_UNSUP, 4);
	CHECK_EQ_U(note_level(&recs[j], "unsupported-command"), ESP_NOTE_INFO);
	CHECK_EQ_U(recs[j].unit_flags & ESP_UF_STATUS_ERR, 0);
	cmdw(d, 4, 0x0B, (uint32_t[]){0, 0x400000, 0x10000, 0x1000, 0x100, 0xffff}, 6);
	j = resp(d, 5, 0x0B, 0, NULL, 0, ST_UNSUP, 4);
	CHECK_EQ_U(note_level(&recs[j], "error-status"), ESP_NOTE_ERROR);
	CHECK_EQ_U(esp_decoder_summary(d)->error_statuses, 1);
	esp_decoder_free(d);
}

/* esptool 3.3.3: a copy of the rejection arrives after the host's next SYNC;
 * it is no answer to that SYNC, which the host re-sends. */
static void test_leftover_repeat(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_UNKNOWN, false);
	int gsi;
	connect_esp32(d, &gsi);
	int s1 = sync_cmd(d, 12);
	int j = resp(d, 13, 0x08, 0x20120707, NULL, 0, ST_UNSUP, 4);
	CHECK_EQ_U(recs[j].reply_to, recs[gsi].frame);
	CHECK_EQ_S(recs[j].op, "GET_SECURITY_INFO");
	CHECK_EQ_U(note_level(&recs[j], "unsupported-extra-reply"), ESP_NOTE_INFO);
	CHECK_EQ_U(recs[j].unit_flags & ESP_UF_STATUS_ERR, 0);
	int s2 = sync_cmd(d, 63);
	const rcopy *t = &recs[s2 - 1];
	CHECK_EQ_U(t->type, ESP_REC_TIMEOUT);
	CHECK_EQ_U(t->frame, recs[s1].frame);
	CHECK_EQ_U(note_level(t, "timeout"), ESP_NOTE_WARNING);
	j = rom_ok(d, 64, 0x08, 0x20120707);
	CHECK_EQ_U(recs[j].reply_to, recs[s2].frame);
	CHECK_EQ_U(esp_decoder_summary(d)->error_statuses, 0);
	CHECK_EQ_U(esp_decoder_summary(d)->timeouts, 1);
	esp_decoder_free(d);
}

/* esptool 4.x: only the first bytes of the next copy made it into the trace */
static void test_leftover_partial(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_UNKNOWN, false);
	int gsi;
	connect_esp32(d, &gsi);
	esp_unit u;
	memset(&u, 0, sizeof u);
	u.frame_no = next_frame++;
	u.ts_ns = 200000000;
	u.dir = ESP_DIR_C2H;
	u.kind = ESP_UNIT_FRAME;
	u.flags = ESP_UF_UNTERMINATED;
	static const uint8_t part[2] = {0x01, 0x08};
	u.payload = u.wire = part;
	u.payload_len = u.wire_len = 2;
	esp_decoder_unit(d, &u);
	const rcopy *r = &recs[nrecs - 1];
	CHECK_EQ_U(r->type, ESP_REC_RAW);
	CHECK_EQ_U(note_level(r, "unsupported-extra-reply"), ESP_NOTE_INFO);
	CHECK_EQ_U(note_level(r, "malformed"), -1);
	CHECK_EQ_U(r->unit_flags & ESP_UF_MALFORMED, 0);
	/* the same bytes without a rejection before them stay malformed */
	const esp_summary *s = esp_decoder_summary(d);
	CHECK_EQ_U(s->malformed, 0);
	CHECK_EQ_U(s->undecoded, 1);
	esp_decoder_free(d);
	d = dec_new(ESP_CHIP_UNKNOWN, false);
	esp_decoder_unit(d, &u);
	CHECK_EQ_U(note_level(&recs[nrecs - 1], "malformed"), ESP_NOTE_ERROR);
	esp_decoder_free(d);
}

/* A capture made by an older decoder carries its verdicts in the unit flags */
static void test_flags_recomputed(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, false);
	sync_cmd(d, 0);
	uint8_t b[12] = {1, 0x08, 4, 0, 0x07, 0x07, 0x12, 0x20, 0, 0, 0, 0};
	esp_unit u;
	memset(&u, 0, sizeof u);
	u.frame_no = next_frame++;
	u.ts_ns = 1000000;
	u.dir = ESP_DIR_C2H;
	u.kind = ESP_UNIT_FRAME;
	u.flags = ESP_UF_STATUS_ERR | ESP_UF_MALFORMED | ESP_UF_CHECKSUM_BAD | ESP_UF_LINE_ERR;
	u.payload = u.wire = b;
	u.payload_len = u.wire_len = sizeof b;
	esp_decoder_unit(d, &u);
	CHECK_EQ_U(recs[nrecs - 1].unit_flags, ESP_UF_LINE_ERR); /* the line's flag is kept */
	esp_decoder_free(d);
}

static void test_read_flash_latency(void)
{
	static uint8_t data[0x1000];
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, true);
	int rq = cmdw(d, 10, 0xD2, (uint32_t[]){0, 0x2000, 0x1000, 64}, 4);
	stub_ok(d, 12, 0xD2, 0);
	int i = feed(d, ESP_DIR_C2H, 50, data, sizeof data);
	CHECK_EQ_U(recs[i].reply_to, recs[rq].frame);
	CHECK(recs[i].latency > 37.99 && recs[i].latency < 38.01); /* since the READ_FLASH reply */
	uint8_t ack[4];
	esp_put_u32le(ack, 0x1000);
	feed(d, ESP_DIR_H2C, 51, ack, 4);
	i = feed(d, ESP_DIR_C2H, 90, data, sizeof data);
	CHECK_EQ_U(recs[i].reply_to, recs[rq].frame);
	CHECK(recs[i].latency > 38.99 && recs[i].latency < 39.01); /* since the host's ack */
	uint8_t dg[16] = {0};
	i = feed(d, ESP_DIR_C2H, 91.5, dg, 16);
	CHECK_EQ_S(recs[i].op, "READ_FLASH_DIGEST");
	CHECK(recs[i].latency > 1.49 && recs[i].latency < 1.51); /* since the last packet */
	/* every frame is a command or a response record, and counted as one */
	const esp_summary *s = esp_decoder_summary(d);
	CHECK_EQ_U(s->commands, 2);  /* READ_FLASH, one ack */
	CHECK_EQ_U(s->responses, 4); /* reply, two packets, digest */
	CHECK_EQ_U(s->frames, s->commands + s->responses);
	esp_decoder_free(d);
}

static void test_image_plausible(void)
{
	static const struct {
		uint8_t h[4];
		bool image;
	} cases[] = {
		{{0xE9, 3, 2, 0x20}, true},   /* DIO, 4MB, 40m */
		{{0xE9, 3, 7, 0x20}, false},  /* no flash mode 7 */
		{{0xE9, 0, 2, 0x20}, false},  /* no segments */
		{{0xE9, 40, 2, 0x20}, false}, /* too many segments */
		{{0xE9, 3, 2, 0xF0}, false},  /* no size 0xF */
		{{0xE9, 3, 2, 0x2B}, false},  /* no frequency 0xB */
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		esp_decoder *d = dec_new(ESP_CHIP_ESP32, true);
		uint8_t blk[16] = {0};
		memcpy(blk, cases[c].h, 4);
		cmdw(d, 0, 0x02, (uint32_t[]){16, 1, 0x4000, 0x10000}, 4);
		stub_ok(d, 1, 0x02, 0);
		int i = datacmd(d, 2, 0x03, 0, blk, 16, 0);
		CHECK_EQ_U(fld(&recs[i], "image_flash_mode") != NULL, cases[c].image);
		CHECK_EQ_U(fld(&recs[i], "image_segments") != NULL, cases[c].image);
		if (cases[c].image) {
			CHECK_EQ_S(FS(&recs[i], "image_flash_mode"), "DIO");
			CHECK_EQ_U(FU(&recs[i], "image_segments"), 3);
		}
		const esp_summary *s = esp_decoder_summary(d);
		CHECK_EQ_U(s->n_regions, 1);
		CHECK_EQ_U(s->regions[0].has_image, cases[c].image);
		esp_decoder_free(d);
	}
}

static int raw_text(esp_decoder *d, double t, const char *s)
{
	esp_unit u;
	memset(&u, 0, sizeof u);
	u.frame_no = next_frame++;
	u.ts_ns = (uint64_t)(t * 1e6);
	u.dir = ESP_DIR_C2H;
	u.kind = ESP_UNIT_RAW;
	u.payload = u.wire = (const uint8_t *)s;
	u.payload_len = u.wire_len = strlen(s);
	esp_decoder_unit(d, &u);
	return nrecs - 1;
}

static void test_chip_reboot(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, true);
	cmdw(d, 0, 0x10, (uint32_t[]){0x8000, 2, 0x4000, 0x10000}, 4);
	stub_ok(d, 1, 0x10, 0);
	uint8_t blk[64] = {0};
	int data = datacmd(d, 2, 0x11, 0, blk, sizeof blk, 0);
	int i = raw_text(d, 20, "Brownout detector was triggered\r\n");
	CHECK_EQ_U(recs[i].nn, 0);
	i = raw_text(d, 22, "rst:0xf (RTCWDT_BROWN_OUT_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\n");
	CHECK_EQ_U(note_level(&recs[i], "chip-reboot"), ESP_NOTE_WARNING);
	int again = datacmd(d, 150, 0x11, 0, blk, sizeof blk, 0);
	const rcopy *t = &recs[again - 1];
	CHECK_EQ_U(t->type, ESP_REC_TIMEOUT);
	CHECK_EQ_U(t->frame, recs[data].frame);
	CHECK_EQ_S(recs[again].mode, ""); /* not known until the chip answers */
	i = resp(d, 151, 0x11, 0, NULL, 0, ST_UNSUP, 4);
	CHECK_EQ_S(recs[i].mode, "rom");
	CHECK_EQ_U(note_level(&recs[i], "error-status"), ESP_NOTE_ERROR);
	/* the ESP8266 banner says "rst cause" */
	esp_decoder_free(d);
	d = dec_new(ESP_CHIP_ESP8266, false);
	i = raw_text(d, 0, "\r\n ets Jan  8 2013,rst cause:2, boot mode:(1,6)\r\n");
	CHECK_EQ_U(note_level(&recs[i], "chip-reboot"), ESP_NOTE_INFO); /* nothing before it */
	esp_decoder_free(d);
}

static void test_summary_counts(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, false);
	sync_cmd(d, 0);
	for (int k = 0; k < 8; k++)
		rom_ok(d, 1 + k * 0.1, 0x08, 0x20120707);
	cmdw(d, 2, 0x05, (uint32_t[]){4, 1, 0x1800, 0x3ffe0000}, 4);
	rom_ok(d, 3, 0x05, 0);
	cmdw(d, 4, 0x06, (uint32_t[]){0, 0x40080000}, 2);
	feed(d, ESP_DIR_C2H, 5, (const uint8_t *)"OHAI", 4);
	stub_ok(d, 6, 0x0A, 0); /* nothing asked */
	const esp_summary *s = esp_decoder_summary(d);
	CHECK_EQ_U(s->frames, 14);
	CHECK_EQ_U(s->commands, 3);
	CHECK_EQ_U(s->responses, 11); /* 8 SYNC replies, MEM_BEGIN, OHAI, the unsolicited one */
	CHECK_EQ_U(s->extra_replies, 7);
	CHECK_EQ_U(s->unsolicited, 1);
	CHECK_EQ_U(s->undecoded, 0);
	CHECK_EQ_U(s->commands + s->responses, s->frames);
	esp_decoder_free(d);
}

/* Sessions: a SYNC after other commands starts one; detection probes and
 * SYNC retries do not; each ended session of several reports its own counts. */
static uint64_t ses_cmds[4], ses_regions[4], ses_first[4], ses_last[4];
static int n_ses;

static void ses_cb(const esp_record *r, void *user)
{
	if (r->type == ESP_REC_SESSION_END && n_ses < 4) {
		ses_cmds[n_ses] = r->summary->commands;
		ses_regions[n_ses] = r->summary->n_regions;
		ses_first[n_ses] = r->summary->first_frame;
		ses_last[n_ses] = r->summary->last_frame;
		n_ses++;
	}
	copy_cb(r, user);
}

static void test_sessions(void)
{
	nrecs = 0;
	next_frame = 1;
	esp_decoder_opts o = {.chip_hint = ESP_CHIP_UNKNOWN};
	esp_decoder *d = esp_decoder_new(&o, ses_cb, NULL);
	sync_cmd(d, 0);                                /* 1 */
	rom_ok(d, 1, 0x08, 0x20120707);                /* 2 */
	cmd(d, 2, 0x14, NULL, 0, 0);                   /* 3: a detection probe */
	resp(d, 3, 0x08, 0x20120707, NULL, 0, (const uint8_t[]){1, 5, 0, 0}, 4); /* 4 */
	sync_cmd(d, 4);                                /* 5: a re-SYNC after probes: same session */
	rom_ok(d, 5, 0x08, 0x20120707);                /* 6 */
	CHECK_EQ_U(n_ses, 0);
	cmdw(d, 6, 0x0A, (uint32_t[]){0x40001000}, 1); /* 7 */
	rom_ok(d, 7, 0x0A, 0x00F01D83);                /* 8 */
	cmdw(d, 8, 0x02, (uint32_t[]){0x400, 1, 0x400, 0x10000}, 4); /* 9 */
	rom_ok(d, 9, 0x02, 0);                         /* 10 */
	sync_cmd(d, 10);                               /* 11: a new session */
	CHECK_EQ_U(n_ses, 1);
	CHECK_EQ_U(ses_first[0], 1);
	CHECK_EQ_U(ses_last[0], 10);
	CHECK_EQ_U(ses_cmds[0], 5);
	CHECK_EQ_U(ses_regions[0], 1);
	rom_ok(d, 11, 0x08, 0);                         /* 12: the stub answers with value 0 */
	CHECK(note_level(&recs[nrecs - 1], "stub-already-running") == ESP_NOTE_INFO);
	CHECK_EQ_S(recs[nrecs - 1].mode, "stub");
	sync_cmd(d, 12);                               /* 13: a retry: nothing else was sent */
	CHECK_EQ_U(n_ses, 1);
	esp_decoder_finish(d, 14e6);
	CHECK_EQ_U(n_ses, 2); /* the last of several sessions is reported at the end */
	CHECK_EQ_U(ses_first[1], 11);
	CHECK_EQ_U(ses_last[1], 13);
	CHECK_EQ_U(ses_cmds[1], 2);
	CHECK_EQ_U(ses_regions[1], 0);
	const esp_summary *s = esp_decoder_summary(d);
	CHECK_EQ_U(s->sessions, 2);
	CHECK_EQ_U(s->commands, 7);
	CHECK_EQ_U(s->regions_total, 1);
	CHECK_EQ_U(s->n_regions, 1); /* the capture's summary still lists it */
	esp_decoder_free(d);
	n_ses = 0;
}

int main(void)
{
	test_sessions();
	test_detection_probe();
	test_leftover_repeat();
	test_leftover_partial();
	test_flags_recomputed();
	test_read_flash_latency();
	test_image_plausible();
	test_chip_reboot();
	test_summary_counts();
	CHECK_DONE(90);
}
