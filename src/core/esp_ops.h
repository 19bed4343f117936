/* esp_ops.h: THE tables of protocol facts: opcodes, ROM and stub error codes,
 * chips (detect magic, security-info chip id, status-byte count, bootloader
 * offset), image header fields, reset reasons. Decoder, simulator, writers
 * and the tests against the Lua dissector all read these and nothing else.
 * Pure data and lookups; no state, no I/O. Sources: ../shared/PROTOCOL.md.
 */
#ifndef ESPTAP_CORE_ESP_OPS_H
#define ESPTAP_CORE_ESP_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	ESP_FLASH_BEGIN = 0x02,
	ESP_FLASH_DATA = 0x03,
	ESP_FLASH_END = 0x04,
	ESP_MEM_BEGIN = 0x05,
	ESP_MEM_END = 0x06,
	ESP_MEM_DATA = 0x07,
	ESP_SYNC = 0x08,
	ESP_WRITE_REG = 0x09,
	ESP_READ_REG = 0x0A,
	ESP_SPI_SET_PARAMS = 0x0B,
	ESP_PIN_READ = 0x0C,
	ESP_SPI_ATTACH = 0x0D,
	ESP_READ_FLASH_SLOW = 0x0E,
	ESP_CHANGE_BAUDRATE = 0x0F,
	ESP_FLASH_DEFL_BEGIN = 0x10,
	ESP_FLASH_DEFL_DATA = 0x11,
	ESP_FLASH_DEFL_END = 0x12,
	ESP_SPI_FLASH_MD5 = 0x13,
	ESP_GET_SECURITY_INFO = 0x14,
	ESP_SDC_VERIF_BEGIN = 0x19,
	ESP_SDC_VERIF_DATA = 0x1A,
	ESP_SDC_VERIF_END = 0x1B,
	ESP_SDC_GEN_BEGIN = 0x1C,
	ESP_SDC_GEN_DATA = 0x1D,
	ESP_SDC_GEN_END = 0x1E,
	ESP_ERASE_FLASH = 0xD0,
	ESP_ERASE_REGION = 0xD1,
	ESP_READ_FLASH = 0xD2,
	ESP_RUN_USER_CODE = 0xD3,
	ESP_FLASH_ENCRYPT_DATA = 0xD4,
	ESP_SPI_NAND_ATTACH = 0xD5,
	ESP_SPI_NAND_READ_SPARE = 0xD6,
	ESP_SPI_NAND_WRITE_SPARE = 0xD7,
	ESP_SPI_NAND_READ_FLASH = 0xD8,
	ESP_SPI_NAND_WRITE_FLASH_BEGIN = 0xD9,
	ESP_SPI_NAND_WRITE_FLASH_DATA = 0xDA,
	ESP_SPI_NAND_ERASE_FLASH = 0xDB,
	ESP_SPI_NAND_ERASE_REGION = 0xDC,
	ESP_SPI_NAND_READ_PAGE_DEBUG = 0xDD,
	ESP_SPI_NAND_WRITE_FLASH_END = 0xDE,
};

/* Who accepts an opcode. */
enum {
	ESP_WHO_ROM8266 = 0x01, /* ESP8266 ROM */
	ESP_WHO_ROM32 = 0x02,   /* ESP32 ROM */
	ESP_WHO_ROMNEW = 0x04,  /* ESP32-S2 and later ROMs */
	ESP_WHO_STUB = 0x08,
	ESP_WHO_ROM = ESP_WHO_ROM8266 | ESP_WHO_ROM32 | ESP_WHO_ROMNEW,
	ESP_WHO_ALL = ESP_WHO_ROM | ESP_WHO_STUB,
};

typedef struct {
	uint8_t opcode;
	const char *name;      /* esptool's name, e.g. "FLASH_DEFL_DATA" */
	uint8_t who;           /* ESP_WHO_* */
	bool has_checksum;     /* *_DATA commands: XOR checksum over the data */
	bool no_reply;         /* the chip may never answer (RUN_USER_CODE) */
	uint32_t timeout_ms;   /* esptool's default wait for the reply (size-scaled ops: minimum) */
	uint16_t resp_data_rom; /* response data bytes before the status, from a ROM */
	uint16_t resp_data_stub;/* ... from the stub */
	const char *summary;   /* a few words for --help and the text view */
} esp_op_info;

/* NULL for an opcode not in the table. */
const esp_op_info *esp_op_lookup(uint8_t opcode);
/* Opcode by esptool name (case-insensitive), -1 if unknown. */
int esp_op_by_name(const char *name);
/* The whole table, ended by an entry with name == NULL. */
extern const esp_op_info esp_ops[];

/* Error codes: ROM (status byte 1 when byte 0 != 0) and stub (byte 0). */
typedef struct {
	uint8_t code;
	const char *name;  /* stable identifier, e.g. "CHECKSUM_ERROR", "BAD_DATA_CHECKSUM" */
	const char *text;  /* short sentence */
} esp_err_info;

extern const esp_err_info esp_rom_errors[];  /* ended by name == NULL */
extern const esp_err_info esp_stub_errors[]; /* ended by name == NULL */
const esp_err_info *esp_rom_error(uint8_t code);  /* NULL if unknown */
const esp_err_info *esp_stub_error(uint8_t code); /* NULL if unknown */

typedef enum {
	ESP_CHIP_UNKNOWN = 0,
	ESP_CHIP_ESP8266,
	ESP_CHIP_ESP32,
	ESP_CHIP_ESP32S2,
	ESP_CHIP_ESP32S3,
	ESP_CHIP_ESP32C3,
	ESP_CHIP_ESP32C2,
	ESP_CHIP_ESP32C6,
	ESP_CHIP_ESP32H2,
	ESP_CHIP_ESP32P4,
	ESP_CHIP_ESP32C61,
	ESP_CHIP_ESP32C5,
	ESP_CHIP_COUNT
} esp_chip;

typedef struct {
	esp_chip chip;
	const char *name;        /* esptool's --chip name: "esp32s3" */
	const char *pretty;      /* "ESP32-S3" */
	int sec_info_chip_id;    /* GET_SECURITY_INFO chip_id, -1 if none */
	uint32_t magic[4];       /* READ_REG(0x40001000) values; 0 ends the list */
	uint8_t rom_status_len;  /* 2 (ESP8266) or 4 */
	uint32_t bootloader_offset;
	uint32_t rom_console_baud; /* rate of the ROM boot banner */
	const char *rom_banner;  /* first banner line(s), for the simulator */
} esp_chip_info;

#define ESP_CHIP_DETECT_MAGIC_REG 0x40001000u
#define ESP_SYNC_VALUE_ROM 0x20120707u

extern const esp_chip_info esp_chips[]; /* indexed by esp_chip; [0] is unknown */
const esp_chip_info *esp_chip_get(esp_chip c);
const esp_chip_info *esp_chip_by_name(const char *name); /* "esp32", "ESP32-S3" ... */
const esp_chip_info *esp_chip_by_magic(uint32_t magic);  /* NULL if none */
const esp_chip_info *esp_chip_by_sec_id(uint32_t chip_id);

/* Image header (first bytes written at the bootloader offset). */
#define ESP_IMAGE_MAGIC 0xE9
const char *esp_flash_mode_name(uint8_t mode);             /* "QIO", "QOUT", "DIO", "DOUT", NULL */
const char *esp_flash_size_name(esp_chip c, uint8_t nib);  /* "4MB", NULL */
const char *esp_flash_freq_name(esp_chip c, uint8_t nib);  /* "40m", NULL */

/* ESP32 reset reasons as the ROM prints them after "rst:". */
const char *esp_reset_reason_name(uint8_t code);

/* XOR checksum of a data payload, seeded with 0xEF. */
uint8_t esp_checksum(const uint8_t *p, size_t n);

#endif
