/* test_decode.c: decoder unit tests on byte vectors: every opcode, status formats, pairing, session state, timeouts, malformed frames. */
#include "check.h"
#include "test_decode_util.h"

/* Every opcode in the table: a command with a payload of its usual size and
 * an OK reply come out named, paired and timed. */
static void test_every_opcode(void)
{
	for (const esp_op_info *o = esp_ops; o->name; o++) {
		esp_decoder *d = dec_new(ESP_CHIP_ESP32S3, false);
		uint8_t data[64] = {0};
		size_t n = o->opcode == 0x0B ? 24 : 16; /* SPI_SET_PARAMS takes 6 words */
		int i = o->has_checksum ? datacmd(d, 10, o->opcode, 0, data, 4, 0) : cmd(d, 10, o->opcode, data, n, 0);
		CHECK_EQ_U(recs[i].type, ESP_REC_COMMAND);
		CHECK_EQ_S(recs[i].op, o->name);
		CHECK_EQ_U(recs[i].opcode, o->opcode);
		CHECK_EQ_U(recs[i].unit_flags & (ESP_UF_MALFORMED | ESP_UF_CHECKSUM_BAD), 0);
		if (o->no_reply) {
			esp_decoder_free(d);
			continue;
		}
		uint8_t rd[64] = {0};
		int j = resp(d, 12.5, o->opcode, 0x1234, rd, o->resp_data_rom, ST_ROM_OK, 4);
		CHECK_EQ_U(recs[j].type, ESP_REC_RESPONSE);
		CHECK_EQ_S(recs[j].op, o->name);
		CHECK_EQ_U(recs[j].reply_to, recs[i].frame);
		CHECK(recs[j].latency > 2.49 && recs[j].latency < 2.51);
		CHECK(recs[j].status_ok);
		CHECK_EQ_U(recs[j].n_status, 4);
		CHECK_EQ_U(recs[j].value, 0x1234);
		CHECK_EQ_S(recs[j].status, "ok");
		esp_decoder_finish(d, 100000000);
		CHECK_EQ_U(esp_decoder_summary(d)->op_count[o->opcode], 1);
		CHECK_EQ_U(esp_decoder_summary(d)->timeouts, 0);
		esp_decoder_free(d);
	}
}

static void test_command_fields(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, false);
	int i;
	i = cmdw(d, 1, 0x02, (uint32_t[]){0x2000, 8, 0x400, 0x1000}, 4);
	CHECK_EQ_U(FU(&recs[i], "erase_size"), 0x2000);
	CHECK_EQ_U(FU(&recs[i], "num_blocks"), 8);
	CHECK_EQ_U(FU(&recs[i], "block_size"), 0x400);
	CHECK_EQ_U(FU(&recs[i], "offset"), 0x1000);
	CHECK(fld(&recs[i], "encrypted") == NULL);
	CHECK_EQ_U(FU(&recs[i], "region"), 0);
	i = cmdw(d, 2, 0x10, (uint32_t[]){5000, 2, 0x4000, 0x8000, 1}, 5);
	CHECK_EQ_U(FU(&recs[i], "size"), 5000);
	CHECK_EQ_U(FU(&recs[i], "encrypted"), 1);
	CHECK_EQ_U(FU(&recs[i], "region"), 1);
	i = cmdw(d, 3, 0x04, (uint32_t[]){1}, 1);
	CHECK_EQ_U(FU(&recs[i], "flag"), 1);
	CHECK_EQ_U(FU(&recs[i], "reboot"), 0);
	i = cmdw(d, 4, 0x05, (uint32_t[]){0xdd4, 1, 0x1800, 0x400be000}, 4);
	CHECK_EQ_U(FU(&recs[i], "addr"), 0x400be000);
	CHECK_EQ_U(FU(&recs[i], "size"), 0xdd4);
	i = cmdw(d, 5, 0x06, (uint32_t[]){0, 0x4008d2c0}, 2);
	CHECK_EQ_U(FU(&recs[i], "flag"), 0);
	CHECK_EQ_U(FU(&recs[i], "entry"), 0x4008d2c0);
	CHECK_EQ_U(FU(&recs[i], "jump"), 1);
	i = cmdw(d, 6, 0x09, (uint32_t[]){0x3ff00044, 7, 0xffffffff, 0, 0x60000078, 0, 0, 100}, 8);
	CHECK_EQ_U(FU(&recs[i], "count"), 2);
	CHECK_EQ_U(FU(&recs[i], "addr"), 0x3ff00044);
	CHECK_EQ_U(FU(&recs[i], "value"), 7);
	CHECK_EQ_U(FU(&recs[i], "mask"), 0xffffffff);
	CHECK_EQ_S(FS(&recs[i], "writes"), "0x3ff00044=0x00000007/0xffffffff/0;0x60000078=0x00000000/0x00000000/100");
	i = cmdw(d, 7, 0x0A, (uint32_t[]){0x3ff5a00c}, 1);
	CHECK_EQ_U(FU(&recs[i], "addr"), 0x3ff5a00c);
	i = cmdw(d, 8, 0x0B, (uint32_t[]){0, 0x400000, 0x10000, 0x1000, 0x100, 0xffff}, 6);
	CHECK_EQ_U(FU(&recs[i], "total_size"), 0x400000);
	CHECK_EQ_U(FU(&recs[i], "block_size"), 0x10000);
	CHECK_EQ_U(FU(&recs[i], "sector_size"), 0x1000);
	CHECK_EQ_U(FU(&recs[i], "page_size"), 0x100);
	CHECK_EQ_U(FU(&recs[i], "status_mask"), 0xffff);
	i = cmdw(d, 9, 0x0D, (uint32_t[]){0, 0}, 2);
	CHECK_EQ_U(FU(&recs[i], "config"), 0);
	CHECK_EQ_S(FS(&recs[i], "spi_pins"), "default");
	CHECK_EQ_U(FU(&recs[i], "rom_extra"), 0);
	/* clk=6 q=7 d=8 hd=9 cs=11 */
	i = cmdw(d, 10, 0x0D, (uint32_t[]){6u | 11u << 6 | 8u << 12 | 7u << 18 | 9u << 24}, 1);
	CHECK_EQ_S(FS(&recs[i], "spi_pins"), "clk=6,q=7,d=8,hd=9,cs=11");
	CHECK(fld(&recs[i], "rom_extra") == NULL);
	i = cmdw(d, 11, 0x0E, (uint32_t[]){0x1000, 64}, 2);
	CHECK_EQ_U(FU(&recs[i], "offset"), 0x1000);
	CHECK_EQ_U(FU(&recs[i], "length"), 64);
	i = cmdw(d, 12, 0x13, (uint32_t[]){0x10000, 0x1234, 0, 0}, 4);
	CHECK_EQ_U(FU(&recs[i], "addr"), 0x10000);
	CHECK_EQ_U(FU(&recs[i], "size"), 0x1234);
	i = cmdw(d, 13, 0xD1, (uint32_t[]){0x10000, 0x4000}, 2);
	CHECK_EQ_U(FU(&recs[i], "offset"), 0x10000);
	CHECK_EQ_U(FU(&recs[i], "size"), 0x4000);
	i = cmdw(d, 14, 0xD2, (uint32_t[]){0x0, 0x3000, 0x1000, 64}, 4);
	CHECK_EQ_U(FU(&recs[i], "length"), 0x3000);
	CHECK_EQ_U(FU(&recs[i], "packet_size"), 0x1000);
	CHECK_EQ_U(FU(&recs[i], "max_in_flight"), 64);
	i = cmdw(d, 15, 0x19, (uint32_t[]){1, 32}, 2);
	CHECK_EQ_U(FU(&recs[i], "ena_nonce"), 1);
	CHECK_EQ_U(FU(&recs[i], "size"), 32);
	i = cmd(d, 16, 0xD5, (const uint8_t *)"\x01\x02\x03", 3, 0);
	CHECK_EQ_U(FU(&recs[i], "data_len"), 3);
	CHECK_MEM(fld(&recs[i], "data")->s, "\x01\x02\x03", 3);
	i = cmd(d, 17, 0x77, NULL, 0, 0);
	CHECK_EQ_S(recs[i].op, "UNKNOWN_0x77");
	CHECK_EQ_U(note_level(&recs[i], "unknown-opcode"), ESP_NOTE_WARNING);
	/* short payload: READ_REG without its address */
	i = cmd(d, 18, 0x0A, NULL, 0, 0);
	CHECK(recs[i].unit_flags & ESP_UF_MALFORMED);
	CHECK_EQ_U(note_level(&recs[i], "short-payload"), ESP_NOTE_ERROR);
	esp_decoder_free(d);
}

static void test_status_formats(void)
{
	/* ESP32 ROM: 4 status bytes [status, error, 0, 0] */
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, false);
	uint8_t blk[4] = {1, 2, 3, 4};
	datacmd(d, 0, 0x07, 0, blk, 4, 0);
	int j = resp(d, 1, 0x07, 0, NULL, 0, (const uint8_t[]){1, 7, 0, 0}, 4);
	CHECK(!recs[j].status_ok);
	CHECK_EQ_U(recs[j].error, 7);
	CHECK_EQ_S(recs[j].status, "CHECKSUM_ERROR");
	CHECK_EQ_U(recs[j].n_status, 4);
	CHECK(recs[j].unit_flags & ESP_UF_STATUS_ERR);
	CHECK_EQ_U(note_level(&recs[j], "error-status"), ESP_NOTE_ERROR);
	CHECK_EQ_S(recs[j].mode, "rom");
	esp_decoder_free(d);

	/* ESP8266 ROM: 2 status bytes [status, error] */
	d = dec_new(ESP_CHIP_ESP8266, false);
	sync_cmd(d, 0);
	j = resp(d, 1, 0x08, 0x20120707, NULL, 0, ST_2_OK, 2);
	CHECK_EQ_U(recs[j].n_status, 2);
	CHECK(recs[j].status_ok);
	CHECK_EQ_S(recs[j].mode, "rom");
	cmdw(d, 2, 0x02, (uint32_t[]){0x1000, 1, 0x400, 0}, 4);
	j = resp(d, 3, 0x02, 0, NULL, 0, (const uint8_t[]){1, 0x06}, 2);
	CHECK_EQ_U(recs[j].n_status, 2);
	CHECK_EQ_S(recs[j].status, "RESULT_WRONG");
	CHECK_EQ_U(recs[j].reply_to, 3);
	esp_decoder_free(d);

	/* stub: [error, status], error codes 0xC0.. */
	d = dec_new(ESP_CHIP_ESP32, true);
	datacmd(d, 0, 0x03, 5, blk, 4, 0);
	j = resp(d, 1, 0x03, 0, NULL, 0, (const uint8_t[]){0xC1, 0x00}, 2);
	CHECK(!recs[j].status_ok);
	CHECK_EQ_U(recs[j].error, 0xC1);
	CHECK_EQ_S(recs[j].status, "BAD_DATA_CHECKSUM");
	CHECK_EQ_S(recs[j].mode, "stub");
	CHECK(recs[j].unit_flags & ESP_UF_STATUS_ERR);
	/* an error code missing from the tables still gets a name */
	cmdw(d, 2, 0x0A, (uint32_t[]){0}, 1);
	j = resp(d, 3, 0x0A, 0, NULL, 0, (const uint8_t[]){0xBB, 0x00}, 2);
	CHECK_EQ_S(recs[j].status, "ERROR_0xBB");
	esp_decoder_free(d);

	/* mode unknown: the size field decides (4 => ROM, stub code => stub) */
	d = dec_new(ESP_CHIP_UNKNOWN, false);
	cmdw(d, 0, 0x0A, (uint32_t[]){0x40001000}, 1);
	j = resp(d, 1, 0x0A, 0xFFF0C101, NULL, 0, ST_2_OK, 2); /* ESP8266 ROM */
	CHECK_EQ_U(recs[j].n_status, 2);
	CHECK_EQ_S(FS(&recs[j], "chip"), "esp8266");
	esp_decoder_free(d);
	d = dec_new(ESP_CHIP_UNKNOWN, false);
	cmdw(d, 0, 0xD1, (uint32_t[]){0, 0x1000}, 2);
	j = resp(d, 1, 0xD1, 0, NULL, 0, (const uint8_t[]){0xC4, 0}, 2);
	CHECK_EQ_S(recs[j].status, "FAILED_SPI_OP");
	CHECK_EQ_S(recs[j].mode, "stub");
	esp_decoder_free(d);

	/* response data length decides: stub MD5 (16 + 2) vs ROM MD5 (32 + 4) */
	d = dec_new(ESP_CHIP_ESP32, false);
	cmdw(d, 0, 0x13, (uint32_t[]){0, 16, 0, 0}, 4);
	j = resp(d, 1, 0x13, 0, (const uint8_t *)"0123456789ABCDEF0123456789abcdef", 32, ST_ROM_OK, 4);
	CHECK_EQ_S(FS(&recs[j], "md5"), "0123456789abcdef0123456789abcdef");
	cmdw(d, 2, 0x13, (uint32_t[]){0, 16, 0, 0}, 4);
	uint8_t raw[16];
	for (int k = 0; k < 16; k++)
		raw[k] = (uint8_t)(k * 17);
	j = resp(d, 3, 0x13, 0, raw, 16, ST_2_OK, 2);
	CHECK_EQ_U(recs[j].n_status, 2);
	CHECK_EQ_S(FS(&recs[j], "md5"), "00112233445566778899aabbccddeeff");
	esp_decoder_free(d);
}

static void test_sync(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_UNKNOWN, false);
	int i = sync_cmd(d, 0);
	CHECK_EQ_U(FU(&recs[i], "pattern_ok"), 1);
	int first = rom_ok(d, 3, 0x08, 0x20120707);
	for (int k = 1; k < 8; k++)
		rom_ok(d, 3 + k * 0.1, 0x08, 0x20120707);
	CHECK_EQ_U(recs[first].reply_to, recs[i].frame);
	CHECK_EQ_U(note_level(&recs[first], "sync-extra-reply"), -1);
	CHECK_EQ_S(recs[first].mode, "rom");
	int extras = 0;
	for (int k = first + 1; k < nrecs; k++) {
		extras += note_level(&recs[k], "sync-extra-reply") == ESP_NOTE_INFO;
		CHECK_EQ_U(recs[k].reply_to, recs[i].frame);
	}
	CHECK_EQ_U(extras, 7);
	/* a bad pattern is flagged */
	uint8_t bad[36] = {7, 7, 0x12, 0x20};
	i = cmd(d, 10, 0x08, bad, 36, 0);
	CHECK_EQ_U(FU(&recs[i], "pattern_ok"), 0);
	CHECK_EQ_U(note_level(&recs[i], "sync-pattern"), ESP_NOTE_WARNING);
	esp_decoder_free(d);

	/* stub answers SYNC with value 0 */
	d = dec_new(ESP_CHIP_ESP32, false);
	sync_cmd(d, 0);
	int j = stub_ok(d, 1, 0x08, 0);
	CHECK_EQ_S(recs[j].mode, "stub");
	CHECK_EQ_U(note_level(&recs[j], "stub-already-running"), ESP_NOTE_INFO);
	CHECK(esp_decoder_summary(d)->stub);
	esp_decoder_free(d);
}

static void test_ohai_and_chip(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_UNKNOWN, false);
	sync_cmd(d, 0);
	rom_ok(d, 1, 0x08, 0x20120707);
	/* ESP32 ROM rejects GET_SECURITY_INFO: reply echoes another opcode, error 0x05 */
	int i = cmd(d, 2, 0x14, NULL, 0, 0);
	int j = resp(d, 3, 0x08, 0x20120707, NULL, 0, (const uint8_t[]){1, 5, 0, 0}, 4);
	CHECK_EQ_U(recs[j].reply_to, recs[i].frame);
	CHECK_EQ_S(recs[j].op, "GET_SECURITY_INFO");
	CHECK_EQ_S(recs[j].status, "INVALID_MESSAGE");
	CHECK_EQ_U(note_level(&recs[j], "unsupported-command"), ESP_NOTE_INFO); /* detection probe */
	j = resp(d, 3.1, 0x08, 0x20120707, NULL, 0, (const uint8_t[]){1, 5, 0, 0}, 4);
	CHECK_EQ_U(note_level(&recs[j], "unsupported-extra-reply"), ESP_NOTE_INFO);
	CHECK_EQ_U(recs[j].reply_to, recs[i].frame);
	/* magic register */
	i = cmdw(d, 4, 0x0A, (uint32_t[]){0x40001000}, 1);
	j = rom_ok(d, 5, 0x0A, 0x00F01D83);
	CHECK_EQ_S(FS(&recs[j], "chip"), "esp32");
	CHECK_EQ_U(FU(&recs[j], "value"), 0x00F01D83);
	CHECK_EQ_U(note_level(&recs[j], "chip-detected"), ESP_NOTE_INFO);
	CHECK_EQ_U(esp_decoder_summary(d)->chip, ESP_CHIP_ESP32);
	/* stub upload: MEM_END(0, entry) may go unanswered; OHAI switches to stub */
	i = cmdw(d, 6, 0x06, (uint32_t[]){0, 0x4008d2c0}, 2);
	j = feed(d, ESP_DIR_C2H, 7, (const uint8_t *)"OHAI", 4);
	CHECK_EQ_S(recs[j].op, "OHAI");
	CHECK_EQ_U(recs[j].type, ESP_REC_RESPONSE);
	CHECK_EQ_U(recs[j].opcode, -1);
	CHECK_EQ_S(recs[j].mode, "stub");
	CHECK_EQ_U(recs[j].reply_to, recs[i].frame);
	CHECK(esp_decoder_summary(d)->stub);
	/* now 2-byte stub statuses; no timeout was produced for MEM_END */
	cmdw(d, 8, 0xD1, (uint32_t[]){0, 0x1000}, 2);
	j = stub_ok(d, 9, 0xD1, 0);
	CHECK_EQ_U(recs[j].n_status, 2);
	CHECK_EQ_U(esp_decoder_summary(d)->timeouts, 0);
	esp_decoder_free(d);

	/* MEM_END to ROM without a reply and no OHAI: info, not timeout */
	d = dec_new(ESP_CHIP_ESP32, false);
	cmdw(d, 0, 0x06, (uint32_t[]){0, 0x4008d2c0}, 2);
	i = sync_cmd(d, 500);
	CHECK_EQ_U(note_level(&recs[i], "mem-end-unanswered"), ESP_NOTE_INFO);
	CHECK_EQ_U(esp_decoder_summary(d)->timeouts, 0);
	esp_decoder_free(d);

	/* security info, 20-byte form: chip id */
	d = dec_new(ESP_CHIP_UNKNOWN, false);
	cmd(d, 0, 0x14, NULL, 0, 0);
	uint8_t si[20] = {0};
	esp_put_u32le(si, 0x5);               /* secure boot + secure download */
	si[4] = 3;                            /* flash_crypt_cnt */
	si[5] = 1, si[11] = 7;                /* key purposes */
	esp_put_u32le(si + 12, 9);            /* ESP32-S3 */
	esp_put_u32le(si + 16, 2);
	j = resp(d, 1, 0x14, 0, si, 20, ST_ROM_OK, 4);
	CHECK_EQ_U(FU(&recs[j], "flags"), 5);
	CHECK_EQ_U(FU(&recs[j], "secure_boot"), 1);
	CHECK_EQ_U(FU(&recs[j], "secure_download"), 1);
	CHECK_EQ_U(FU(&recs[j], "flash_crypt_cnt"), 3);
	CHECK_EQ_S(FS(&recs[j], "key_purposes"), "1,0,0,0,0,0,7");
	CHECK_EQ_U(FU(&recs[j], "chip_id"), 9);
	CHECK_EQ_U(FU(&recs[j], "api_version"), 2);
	CHECK_EQ_S(FS(&recs[j], "chip"), "esp32s3");
	CHECK_EQ_U(esp_decoder_summary(d)->chip, ESP_CHIP_ESP32S3);
	CHECK_EQ_U(recs[j].n_status, 4);
	esp_decoder_free(d);

	/* ESP32-S2: 12-byte form, no chip id; then the magic says S2 */
	d = dec_new(ESP_CHIP_UNKNOWN, false);
	cmd(d, 0, 0x14, NULL, 0, 0);
	j = resp(d, 1, 0x14, 0, si, 12, ST_ROM_OK, 4);
	CHECK_EQ_U(FU(&recs[j], "flags"), 5);
	CHECK(fld(&recs[j], "chip_id") == NULL);
	CHECK_EQ_S(FS(&recs[j], "form"), "short (ESP32-S2)");
	cmdw(d, 2, 0x0A, (uint32_t[]){0x40001000}, 1);
	j = rom_ok(d, 3, 0x0A, 0x000007C6);
	CHECK_EQ_S(FS(&recs[j], "chip"), "esp32s2");
	esp_decoder_free(d);
}

static void test_baud(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, false);
	int i = cmdw(d, 0, 0x0F, (uint32_t[]){460800, 0}, 2);
	CHECK_EQ_U(FU(&recs[i], "new_baud"), 460800);
	CHECK_EQ_U(FU(&recs[i], "old_baud"), 0);
	CHECK_EQ_S(FS(&recs[i], "semantics"), "rom");
	int j = rom_ok(d, 1, 0x0F, 0);
	CHECK_EQ_U(FU(&recs[j], "new_baud"), 460800);
	CHECK_EQ_U(note_level(&recs[j], "baud-changed"), ESP_NOTE_INFO);
	/* stub semantics; an error reply leaves the rate alone */
	i = cmdw(d, 2, 0x0F, (uint32_t[]){921600, 460800}, 2);
	CHECK_EQ_S(FS(&recs[i], "semantics"), "stub");
	j = resp(d, 3, 0x0F, 0, NULL, 0, (const uint8_t[]){1, 1, 0, 0}, 4);
	CHECK(fld(&recs[j], "new_baud") == NULL);
	esp_decoder_finish(d, 4000000);
	const esp_summary *s = esp_decoder_summary(d);
	CHECK_EQ_U(s->baud_initial, 115200);
	CHECK_EQ_U(s->baud_final, 460800);
	esp_decoder_free(d);
}

static void test_checksum(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, false);
	/* the PROTOCOL.md worked example: c0 db 01 02 => 0xF7 */
	const uint8_t ex[4] = {0xc0, 0xdb, 0x01, 0x02};
	CHECK_EQ_U(esp_checksum(ex, 4), 0xF7);
	int i = datacmd(d, 0, 0x07, 0, ex, 4, 0);
	CHECK(recs[i].has_checksum);
	CHECK_EQ_U(recs[i].ck_declared, 0xF7);
	CHECK_EQ_U(recs[i].ck_computed, 0xF7);
	CHECK_EQ_U(recs[i].unit_flags & ESP_UF_CHECKSUM_BAD, 0);
	CHECK_EQ_U(FU(&recs[i], "data_len"), 4);
	CHECK_EQ_U(FU(&recs[i], "seq"), 0);
	rom_ok(d, 1, 0x07, 0);
	i = datacmd(d, 2, 0x07, 1, ex, 4, 0x10);
	CHECK(recs[i].unit_flags & ESP_UF_CHECKSUM_BAD);
	CHECK_EQ_U(note_level(&recs[i], "checksum-mismatch"), ESP_NOTE_ERROR);
	CHECK_EQ_U(recs[i].ck_declared, 0xE7);
	resp(d, 3, 0x07, 0, NULL, 0, (const uint8_t[]){1, 7, 0, 0}, 4);
	i = datacmd(d, 4, 0x07, 1, ex, 4, 0);
	CHECK_EQ_U(note_level(&recs[i], "retry"), ESP_NOTE_INFO);
	CHECK_EQ_U(recs[i].unit_flags & ESP_UF_CHECKSUM_BAD, 0);
	/* data_len disagreeing with the bytes present */
	uint8_t b[20] = {8, 0, 0, 0};
	i = cmd(d, 5, 0x07, b, 20, 0xEF);
	CHECK_EQ_U(note_level(&recs[i], "data-len-mismatch"), ESP_NOTE_WARNING);
	/* long blocks: word-at-a-time checksum agrees with the byte loop */
	static uint8_t big[16389];
	uint8_t ref = 0xEF;
	for (size_t k = 0; k < sizeof big; k++) {
		big[k] = (uint8_t)(k * 131 + 7);
		ref ^= big[k];
	}
	CHECK_EQ_U(esp_checksum(big, sizeof big), ref);
	CHECK_EQ_U(esp_checksum(big + 3, 17), esp_checksum(big + 3, 8) ^ esp_checksum(big + 11, 9) ^ 0xEF);
	esp_decoder_finish(d, 6000000);
	CHECK_EQ_U(esp_decoder_summary(d)->checksum_errors, 1);
	esp_decoder_free(d);
}

static void test_timeouts(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, false);
	/* SYNC unanswered, host re-sends after 100 ms */
	int s1 = sync_cmd(d, 0);
	int n0 = nrecs;
	int s2 = sync_cmd(d, 150);
	CHECK_EQ_U(nrecs, n0 + 2); /* timeout record, then the new SYNC */
	const rcopy *t = &recs[s2 - 1];
	CHECK_EQ_U(t->type, ESP_REC_TIMEOUT);
	CHECK(!t->has_unit);
	CHECK_EQ_U(t->frame, recs[s1].frame);
	CHECK_EQ_S(t->op, "SYNC");
	CHECK(t->waited > 149.9 && t->waited < 150.1);
	CHECK_EQ_U(note_level(t, "timeout"), ESP_NOTE_WARNING); /* a connection attempt the host retries */
	rom_ok(d, 151, 0x08, 0x20120707);
	/* a late reply after the host moved on is paired, with a warning */
	cmdw(d, 200, 0x0A, (uint32_t[]){0x3ff5a00c}, 1);
	int m = cmdw(d, 3300, 0x0A, (uint32_t[]){0x3ff5a010}, 1);
	CHECK_EQ_U(recs[m - 1].type, ESP_REC_TIMEOUT);
	CHECK_EQ_S(recs[m - 1].op, "READ_REG");
	int j = rom_ok(d, 3301, 0x0A, 5);
	CHECK_EQ_U(recs[j].reply_to, recs[m].frame);
	/* the ROM's erase makes FLASH_BEGIN wait 30 s/MB: 4 MB => 120 s; at the end
	 * of input only a request past its limit is a timeout */
	cmdw(d, 4000, 0x02, (uint32_t[]){4000000, 4000, 0x400, 0}, 4);
	n0 = nrecs;
	esp_decoder_finish(d, (uint64_t)(100000 * 1e6));
	CHECK_EQ_U(nrecs, n0);
	esp_decoder_free(d);

	d = dec_new(ESP_CHIP_ESP32, false);
	cmdw(d, 4000, 0x02, (uint32_t[]){4000000, 4000, 0x400, 0}, 4);
	n0 = nrecs;
	esp_decoder_finish(d, (uint64_t)(125000 * 1e6));
	CHECK_EQ_U(nrecs, n0 + 1);
	CHECK_EQ_U(recs[n0].type, ESP_REC_TIMEOUT);
	CHECK_EQ_S(recs[n0].op, "FLASH_BEGIN");
	CHECK_EQ_U(esp_decoder_summary(d)->timeouts, 1);
	esp_decoder_free(d);

	/* SPI_FLASH_MD5 waits 8 s/MB; RUN_USER_CODE never waits */
	d = dec_new(ESP_CHIP_ESP32, true);
	cmdw(d, 0, 0x13, (uint32_t[]){0, 2000000, 0, 0}, 4);
	n0 = nrecs;
	esp_decoder_finish(d, (uint64_t)(15000 * 1e6));
	CHECK_EQ_U(nrecs, n0);
	esp_decoder_free(d);
	d = dec_new(ESP_CHIP_ESP32, true);
	cmd(d, 0, 0xD3, NULL, 0, 0);
	n0 = nrecs;
	esp_decoder_finish(d, (uint64_t)(60000 * 1e6));
	CHECK_EQ_U(nrecs, n0);
	esp_decoder_free(d);
}

static void test_unsolicited_and_malformed(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_ESP32, false);
	int j = rom_ok(d, 0, 0x0A, 0);
	CHECK_EQ_U(note_level(&recs[j], "unsolicited"), ESP_NOTE_WARNING);
	CHECK_EQ_U(recs[j].reply_to, 0);
	j = feed(d, ESP_DIR_C2H, 1, (const uint8_t *)"\x01\x0a\x02", 3);
	CHECK_EQ_U(recs[j].type, ESP_REC_RAW);
	CHECK(recs[j].unit_flags & ESP_UF_MALFORMED);
	CHECK_EQ_U(note_level(&recs[j], "malformed"), ESP_NOTE_ERROR);
	j = feed(d, ESP_DIR_C2H, 2, (const uint8_t *)"\x07\x0a\x02\x00\x00\x00\x00\x00\x00\x00", 10);
	CHECK(recs[j].unit_flags & ESP_UF_MALFORMED);
	j = feed(d, ESP_DIR_H2C, 3, (const uint8_t *)"\x01\x0a\x00\x00\x00\x00\x00\x00", 8);
	CHECK(recs[j].unit_flags & ESP_UF_MALFORMED);
	j = feed(d, ESP_DIR_H2C, 4, (const uint8_t *)"\x00\x0a", 2);
	CHECK(recs[j].unit_flags & ESP_UF_MALFORMED);
	/* size field larger than the frame: decoded with a warning */
	j = feed(d, ESP_DIR_H2C, 5, (const uint8_t *)"\x00\x0a\x08\x00\x00\x00\x00\x00\x00\x10\x00\x40", 12);
	CHECK_EQ_U(note_level(&recs[j], "size-mismatch"), ESP_NOTE_WARNING);
	CHECK_EQ_U(FU(&recs[j], "addr"), 0x40001000);
	/* response with too few status bytes */
	j = feed(d, ESP_DIR_C2H, 6, (const uint8_t *)"\x01\x0a\x01\x00\x00\x00\x00\x00\x00", 9);
	CHECK_EQ_U(note_level(&recs[j], "short-status"), ESP_NOTE_ERROR);
	CHECK(!recs[j].has_status);
	esp_decoder_finish(d, 7000000);
	CHECK_EQ_U(esp_decoder_summary(d)->malformed, 5);
	esp_decoder_free(d);
}

static void test_non_frames(void)
{
	esp_decoder *d = dec_new(ESP_CHIP_UNKNOWN, false);
	esp_unit u;
	memset(&u, 0, sizeof u);
	u.frame_no = 1;
	u.kind = ESP_UNIT_RAW;
	u.dir = ESP_DIR_C2H;
	u.payload = u.wire = (const uint8_t *)"ets Jun  8 2016\r\n";
	u.payload_len = u.wire_len = 17;
	esp_decoder_unit(d, &u);
	CHECK_EQ_U(recs[0].type, ESP_REC_RAW);
	u.frame_no = 2;
	u.kind = ESP_UNIT_BAUD;
	u.value = 921600;
	u.payload_len = u.wire_len = 0;
	esp_decoder_unit(d, &u);
	CHECK_EQ_U(recs[1].type, ESP_REC_EVENT);
	esp_decoder_finish(d, 1000);
	CHECK_EQ_U(esp_decoder_summary(d)->raw_runs, 1);
	CHECK_EQ_U(esp_decoder_summary(d)->events, 1);
	CHECK_EQ_U(esp_decoder_summary(d)->baud_final, 921600);
	esp_decoder_free(d);
}

int main(void)
{
	test_every_opcode();
	test_command_fields();
	test_status_formats();
	test_sync();
	test_ohai_and_chip();
	test_baud();
	test_checksum();
	test_timeouts();
	test_unsolicited_and_malformed();
	test_non_frames();
	CHECK_DONE(600);
}
