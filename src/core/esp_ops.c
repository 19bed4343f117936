/* esp_ops.c: the protocol fact tables declared in esp_ops.h. */
#include "core/esp_ops.h"

#include <string.h>
#include <strings.h>

#define R ESP_WHO_ROM
#define R32 (ESP_WHO_ROM32 | ESP_WHO_ROMNEW)
#define RN ESP_WHO_ROMNEW
#define S ESP_WHO_STUB

/* timeout_ms: esptool's DEFAULT_TIMEOUT (3 s) unless the op has its own; for
 * ops whose wait scales with size, the minimum. */
const esp_op_info esp_ops[] = {
	{0x02, "FLASH_BEGIN", R | S, false, false, 3000, 0, 0, "start a flash write (ROM erases here)"},
	{0x03, "FLASH_DATA", R | S, true, false, 3000, 0, 0, "one block of flash data"},
	{0x04, "FLASH_END", R | S, false, false, 3000, 0, 0, "finish a flash write, reboot or stay"},
	{0x05, "MEM_BEGIN", R | S, false, false, 3000, 0, 0, "start a RAM download"},
	{0x06, "MEM_END", R | S, false, false, 200, 0, 0, "finish a RAM download, jump to entry"},
	{0x07, "MEM_DATA", R | S, true, false, 3000, 0, 0, "one block of RAM data"},
	{0x08, "SYNC", R | S, false, false, 100, 0, 0, "synchronise and auto-baud"},
	{0x09, "WRITE_REG", R | S, false, false, 3000, 0, 0, "write a 32-bit register"},
	{0x0A, "READ_REG", R | S, false, false, 3000, 0, 0, "read a 32-bit register"},
	{0x0B, "SPI_SET_PARAMS", R32 | S, false, false, 3000, 0, 0, "set SPI flash geometry"},
	{0x0C, "PIN_READ", 0, false, false, 3000, 0, 0, "(listed by the legacy stub, unused)"},
	{0x0D, "SPI_ATTACH", R32 | S, false, false, 3000, 0, 0, "attach the SPI flash"},
	{0x0E, "READ_FLASH_SLOW", R32, false, false, 3000, 64, 64, "read 64 bytes of flash (ROM)"},
	{0x0F, "CHANGE_BAUDRATE", R32 | S, false, false, 3000, 0, 0, "switch the UART rate"},
	{0x10, "FLASH_DEFL_BEGIN", R32 | S, false, false, 3000, 0, 0, "start a compressed flash write"},
	{0x11, "FLASH_DEFL_DATA", R32 | S, true, false, 3000, 0, 0, "one block of compressed flash data"},
	{0x12, "FLASH_DEFL_END", R32 | S, false, false, 3000, 0, 0, "finish a compressed flash write"},
	{0x13, "SPI_FLASH_MD5", R32 | S, false, false, 3000, 32, 16, "MD5 of a flash region"},
	{0x14, "GET_SECURITY_INFO", RN | S, false, false, 3000, 20, 20, "security flags and chip id"},
	{0x19, "SDC_VERIF_BEGIN", RN, false, false, 3000, 0, 0, "secure debug: begin verification"},
	{0x1A, "SDC_VERIF_DATA", RN, true, false, 3000, 0, 0, "secure debug: verification data"},
	{0x1B, "SDC_VERIF_END", RN, false, false, 3000, 0, 0, "secure debug: end verification"},
	{0x1C, "SDC_GEN_BEGIN", RN, false, false, 3000, 0, 0, "secure debug: begin generation"},
	{0x1D, "SDC_GEN_DATA", RN, true, false, 3000, 0, 0, "secure debug: generation data"},
	{0x1E, "SDC_GEN_END", RN, false, false, 3000, 64, 64, "secure debug: end generation"},
	{0xD0, "ERASE_FLASH", S, false, false, 120000, 0, 0, "erase the whole flash"},
	{0xD1, "ERASE_REGION", S, false, false, 3000, 0, 0, "erase a flash region"},
	{0xD2, "READ_FLASH", S, false, false, 3000, 0, 0, "read flash as a stream of packets"},
	{0xD3, "RUN_USER_CODE", S, false, true, 3000, 0, 0, "leave the stub, run the application"},
	{0xD4, "FLASH_ENCRYPT_DATA", S, true, false, 3000, 0, 0, "one block of data the chip encrypts"},
	{0xD5, "SPI_NAND_ATTACH", S, false, false, 3000, 0, 0, "attach SPI NAND flash"},
	{0xD6, "SPI_NAND_READ_SPARE", S, false, false, 3000, 0, 0, "read a NAND spare area"},
	{0xD7, "SPI_NAND_WRITE_SPARE", S, false, false, 3000, 0, 0, "write a NAND spare area"},
	{0xD8, "SPI_NAND_READ_FLASH", S, false, false, 3000, 0, 0, "read NAND flash as a stream"},
	{0xD9, "SPI_NAND_WRITE_FLASH_BEGIN", S, false, false, 3000, 0, 0, "start a NAND write"},
	{0xDA, "SPI_NAND_WRITE_FLASH_DATA", S, true, false, 3000, 0, 0, "one block of NAND data"},
	{0xDB, "SPI_NAND_ERASE_FLASH", S, false, false, 120000, 0, 0, "erase all NAND flash"},
	{0xDC, "SPI_NAND_ERASE_REGION", S, false, false, 3000, 0, 0, "erase a NAND region"},
	{0xDD, "SPI_NAND_READ_PAGE_DEBUG", S, false, false, 3000, 0, 0, "read a NAND page (debug)"},
	{0xDE, "SPI_NAND_WRITE_FLASH_END", S, false, false, 3000, 0, 0, "finish a NAND write"},
	{0, NULL, 0, false, false, 0, 0, 0, NULL},
};

static const esp_op_info *op_index[256];
static int op_index_ready;

const esp_op_info *esp_op_lookup(uint8_t opcode)
{
	if (!op_index_ready) {
		for (const esp_op_info *o = esp_ops; o->name; o++)
			op_index[o->opcode] = o;
		op_index_ready = 1;
	}
	return op_index[opcode];
}

int esp_op_by_name(const char *name)
{
	for (const esp_op_info *o = esp_ops; o->name; o++)
		if (strcasecmp(o->name, name) == 0)
			return o->opcode;
	return -1;
}

const esp_err_info esp_rom_errors[] = {
	{0x00, "UNDEFINED", "undefined error"},
	{0x01, "INVALID_INPUT", "the input parameter is invalid"},
	{0x02, "MALLOC_FAILED", "failed to allocate memory"},
	{0x03, "SEND_FAILED", "failed to send out message"},
	{0x04, "RECV_FAILED", "failed to receive message"},
	{0x05, "INVALID_MESSAGE", "invalid message format (or unsupported command)"},
	{0x06, "RESULT_WRONG", "message is ok, but the running result is wrong"},
	{0x07, "CHECKSUM_ERROR", "checksum error"},
	{0x08, "FLASH_WRITE_ERROR", "flash write error"},
	{0x09, "FLASH_READ_ERROR", "flash read error"},
	{0x0A, "FLASH_READ_LENGTH_ERROR", "flash read length error"},
	{0x0B, "DEFLATE_ERROR", "deflate failed"},
	{0x0C, "DEFLATE_ADLER32_ERROR", "deflate Adler32 error"},
	{0x0D, "DEFLATE_PARAM_ERROR", "deflate parameter error"},
	{0x0E, "INVALID_RAM_SIZE", "invalid RAM binary size"},
	{0x0F, "INVALID_RAM_ADDR", "invalid RAM binary address"},
	{0x64, "INVALID_PARAMETER", "invalid parameter"},
	{0x65, "INVALID_FORMAT", "invalid format"},
	{0x66, "DESCRIPTION_TOO_LONG", "description too long"},
	{0x67, "BAD_ENCODING", "bad encoding description"},
	{0x69, "INSUFFICIENT_STORAGE", "insufficient storage"},
	{0, NULL, NULL},
};

const esp_err_info esp_stub_errors[] = {
	{0xC0, "BAD_DATA_LEN", "bad data length"},
	{0xC1, "BAD_DATA_CHECKSUM", "bad data checksum"},
	{0xC2, "BAD_BLOCKSIZE", "bad block size"},
	{0xC3, "INVALID_COMMAND", "invalid command"},
	{0xC4, "FAILED_SPI_OP", "failed SPI operation"},
	{0xC5, "FAILED_SPI_UNLOCK", "failed SPI unlock"},
	{0xC6, "NOT_IN_FLASH_MODE", "not in flash mode"},
	{0xC7, "INFLATE_ERROR", "inflate error"},
	{0xC8, "NOT_ENOUGH_DATA", "not enough data"},
	{0xC9, "TOO_MUCH_DATA", "too much data"},
	{0xCA, "NAND_PROGRAM_FAILED", "NAND program failed"},
	{0xCB, "NAND_ERASE_FAILED", "NAND erase failed"},
	{0xFF, "CMD_NOT_IMPLEMENTED", "command not implemented"},
	{0, NULL, NULL},
};

static const esp_err_info *err_find(const esp_err_info *t, uint8_t code)
{
	for (; t->name; t++)
		if (t->code == code)
			return t;
	return NULL;
}

const esp_err_info *esp_rom_error(uint8_t code) { return err_find(esp_rom_errors, code); }
const esp_err_info *esp_stub_error(uint8_t code) { return err_find(esp_stub_errors, code); }

const esp_chip_info esp_chips[] = {
	[ESP_CHIP_UNKNOWN] = {ESP_CHIP_UNKNOWN, "unknown", "unknown chip", -1, {0}, 4, 0, 115200, ""},
	[ESP_CHIP_ESP8266] = {ESP_CHIP_ESP8266, "esp8266", "ESP8266", -1, {0xFFF0C101}, 2, 0x0, 74880,
			      "\r\n ets Jan  8 2013,rst cause:2, boot mode:(1,6)\r\n\r\n"},
	[ESP_CHIP_ESP32] = {ESP_CHIP_ESP32, "esp32", "ESP32", -1, {0x00F01D83}, 4, 0x1000, 115200,
			    "ets Jul 29 2019 12:21:46\r\n\r\n"},
	[ESP_CHIP_ESP32S2] = {ESP_CHIP_ESP32S2, "esp32s2", "ESP32-S2", -1, {0x000007C6}, 4, 0x1000, 115200,
			      "ESP-ROM:esp32s2-rc4-20191025\r\nBuild:Oct 25 2019\r\n"},
	[ESP_CHIP_ESP32S3] = {ESP_CHIP_ESP32S3, "esp32s3", "ESP32-S3", 9, {0x00000009}, 4, 0x0, 115200,
			      "ESP-ROM:esp32s3-20210327\r\nBuild:Mar 27 2021\r\n"},
	[ESP_CHIP_ESP32C3] = {ESP_CHIP_ESP32C3, "esp32c3", "ESP32-C3", 5,
			      {0x6921506F, 0x1B31506F, 0x4881606F, 0x4361606F}, 4, 0x0, 115200,
			      "ESP-ROM:esp32c3-api1-20210207\r\nBuild:Feb  7 2021\r\n"},
	[ESP_CHIP_ESP32C2] = {ESP_CHIP_ESP32C2, "esp32c2", "ESP32-C2", 12,
			      {0x6F51306F, 0x7C41A06F, 0x0C21E06F}, 4, 0x0, 115200,
			      "ESP-ROM:esp8684-api2-20220127\r\n"},
	[ESP_CHIP_ESP32C6] = {ESP_CHIP_ESP32C6, "esp32c6", "ESP32-C6", 13, {0x2CE0806F}, 4, 0x0, 115200,
			      "ESP-ROM:esp32c6-20220919\r\nBuild:Sep 19 2022\r\n"},
	[ESP_CHIP_ESP32H2] = {ESP_CHIP_ESP32H2, "esp32h2", "ESP32-H2", 16, {0xD7B73E80}, 4, 0x0, 115200,
			      "ESP-ROM:esp32h2-20221101\r\n"},
	[ESP_CHIP_ESP32P4] = {ESP_CHIP_ESP32P4, "esp32p4", "ESP32-P4", 18, {0x0ADDBAD0}, 4, 0x2000, 115200,
			      "ESP-ROM:esp32p4\r\n"},
	[ESP_CHIP_ESP32C61] = {ESP_CHIP_ESP32C61, "esp32c61", "ESP32-C61", 20, {0x33F0206F, 0x2421606F}, 4,
			       0x0, 115200, "ESP-ROM:esp32c61\r\n"},
	[ESP_CHIP_ESP32C5] = {ESP_CHIP_ESP32C5, "esp32c5", "ESP32-C5", 23, {0x1101406F}, 4, 0x2000, 115200,
			      "ESP-ROM:esp32c5-eco2-20250121\r\nBuild:Jan 21 2025\r\n"},
};

const esp_chip_info *esp_chip_get(esp_chip c)
{
	return (c > ESP_CHIP_UNKNOWN && c < ESP_CHIP_COUNT) ? &esp_chips[c] : &esp_chips[0];
}

const esp_chip_info *esp_chip_by_name(const char *name)
{
	for (int c = 1; c < ESP_CHIP_COUNT; c++)
		if (strcasecmp(esp_chips[c].name, name) == 0 || strcasecmp(esp_chips[c].pretty, name) == 0)
			return &esp_chips[c];
	return NULL;
}

const esp_chip_info *esp_chip_by_magic(uint32_t magic)
{
	for (int c = 1; c < ESP_CHIP_COUNT; c++)
		for (int i = 0; i < 4 && esp_chips[c].magic[i]; i++)
			if (esp_chips[c].magic[i] == magic)
				return &esp_chips[c];
	return NULL;
}

const esp_chip_info *esp_chip_by_sec_id(uint32_t chip_id)
{
	for (int c = 1; c < ESP_CHIP_COUNT; c++)
		if (esp_chips[c].sec_info_chip_id >= 0 && (uint32_t)esp_chips[c].sec_info_chip_id == chip_id)
			return &esp_chips[c];
	return NULL;
}

const char *esp_flash_mode_name(uint8_t mode)
{
	static const char *const n[] = {"QIO", "QOUT", "DIO", "DOUT"};
	return mode < 4 ? n[mode] : NULL;
}

const char *esp_flash_size_name(esp_chip c, uint8_t nib)
{
	static const char *const s8266[16] = {"512KB", "256KB", "1MB", "2MB", "4MB", "2MB-c1", "4MB-c1", NULL,
					      "8MB", "16MB"};
	static const char *const s32[16] = {"1MB", "2MB", "4MB", "8MB", "16MB", "32MB", "64MB", "128MB"};
	return (c == ESP_CHIP_ESP8266 ? s8266 : s32)[nib & 15];
}

const char *esp_flash_freq_name(esp_chip c, uint8_t nib)
{
	nib &= 15;
	switch (c) {
	case ESP_CHIP_ESP32C2:
		return nib == 0xF ? "60m" : nib == 0 ? "30m" : nib == 1 ? "20m" : nib == 2 ? "15m" : NULL;
	case ESP_CHIP_ESP32H2:
		return nib == 0xF ? "48m" : nib == 0 ? "24m" : nib == 1 ? "16m" : nib == 2 ? "12m" : NULL;
	case ESP_CHIP_ESP32C6:
		return nib == 0 ? "80m" : nib == 2 ? "20m" : NULL;
	case ESP_CHIP_ESP32C5:
	case ESP_CHIP_ESP32C61:
		return nib == 0xF ? "80m" : nib == 0 ? "40m" : nib == 2 ? "20m" : NULL;
	default:
		return nib == 0xF ? "80m" : nib == 0 ? "40m" : nib == 1 ? "26m" : nib == 2 ? "20m" : NULL;
	}
}

const char *esp_reset_reason_name(uint8_t code)
{
	static const char *const n[] = {
		[0x1] = "POWERON_RESET",     [0x3] = "SW_RESET",         [0x4] = "OWDT_RESET",
		[0x5] = "DEEPSLEEP_RESET",   [0x6] = "SDIO_RESET",       [0x7] = "TG0WDT_SYS_RESET",
		[0x8] = "TG1WDT_SYS_RESET",  [0x9] = "RTCWDT_SYS_RESET", [0xa] = "INTRUSION_RESET",
		[0xb] = "TGWDT_CPU_RESET",   [0xc] = "SW_CPU_RESET",     [0xd] = "RTCWDT_CPU_RESET",
		[0xe] = "EXT_CPU_RESET",     [0xf] = "RTCWDT_BROWN_OUT_RESET", [0x10] = "RTCWDT_RTC_RESET",
	};
	return code < sizeof n / sizeof n[0] ? n[code] : NULL;
}

/* Runs over every data block of a capture, so it XORs 8 bytes at a time and
 * folds the word at the end (XOR is byte-position independent). */
uint8_t esp_checksum(const uint8_t *p, size_t n)
{
	uint64_t acc = 0;
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		uint64_t a, b, c, e;
		memcpy(&a, p + i, 8);
		memcpy(&b, p + i + 8, 8);
		memcpy(&c, p + i + 16, 8);
		memcpy(&e, p + i + 24, 8);
		acc ^= a ^ b ^ c ^ e;
	}
	for (; i + 8 <= n; i += 8) {
		uint64_t a;
		memcpy(&a, p + i, 8);
		acc ^= a;
	}
	acc ^= acc >> 32;
	acc ^= acc >> 16;
	acc ^= acc >> 8;
	uint8_t c = (uint8_t)(0xEF ^ acc);
	for (; i < n; i++)
		c ^= p[i];
	return c;
}
