/* event.h: the two units of data that flow through esptap.
 *
 * An esp_event is what a capture back-end produces: a timestamped chunk of
 * bytes in one direction, or a line event (baud change, modem lines, break,
 * line error, gap, note). An esp_unit is what becomes one pcapng packet and
 * one trace record: a whole SLIP frame, a run of non-SLIP bytes, or one line
 * event. The deframer turns events into units; the pcapng reader yields units
 * directly. Neither struct owns its bytes: pointers are valid for the duration
 * of the call that hands them over.
 */
#ifndef ESPTAP_CORE_EVENT_H
#define ESPTAP_CORE_EVENT_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	ESP_DIR_NONE = 0,
	ESP_DIR_H2C = 1, /* host > chip */
	ESP_DIR_C2H = 2, /* chip > host */
} esp_dir;

typedef enum {
	ESP_EV_BYTES = 1,
	ESP_EV_BAUD = 2,       /* value = new rate in baud */
	ESP_EV_MODEM = 3,      /* modem = new line state, value = mask of lines changed */
	ESP_EV_BREAK = 4,      /* value = duration in ms, 0 if unknown */
	ESP_EV_LINE_ERROR = 5, /* value = ESP_LINE_ERR_* bits */
	ESP_EV_GAP = 6,        /* value = bytes lost or 0 */
	ESP_EV_NOTE = 7,       /* data = UTF-8 text (a flasher's own message, a comment) */
} esp_event_kind;

/* Modem line bits, in esp_event.modem and the pseudo-header. */
enum {
	ESP_MODEM_DTR = 0x01,
	ESP_MODEM_RTS = 0x02,
	ESP_MODEM_CTS = 0x04,
	ESP_MODEM_DSR = 0x08,
	ESP_MODEM_DCD = 0x10,
	ESP_MODEM_RI = 0x20,
};

enum {
	ESP_LINE_ERR_FRAMING = 0x01,
	ESP_LINE_ERR_PARITY = 0x02,
	ESP_LINE_ERR_OVERRUN = 0x04,
};

typedef struct {
	uint64_t ts_ns; /* nanoseconds since the capture's start */
	esp_dir dir;
	esp_event_kind kind;
	uint32_t value;
	uint8_t modem;
	const uint8_t *data;
	size_t len;
} esp_event;

/* Unit kinds: these numbers are the pseudo-header's `kind` (docs/linktype.md). */
typedef enum {
	ESP_UNIT_FRAME = 1,      /* one SLIP frame, delimiters included */
	ESP_UNIT_RAW = 2,        /* a run of bytes outside SLIP frames */
	ESP_UNIT_BAUD = 3,
	ESP_UNIT_MODEM = 4,
	ESP_UNIT_BREAK = 5,
	ESP_UNIT_LINE_ERROR = 6,
	ESP_UNIT_GAP = 7,
	ESP_UNIT_NOTE = 8,
} esp_unit_kind;

/* Unit flags: the pseudo-header's `flags` (docs/linktype.md). */
enum {
	ESP_UF_ESCAPE_ERR = 0x0001,   /* 0xDB followed by something other than DC/DD */
	ESP_UF_TRUNCATED = 0x0002,    /* frame cut at the length limit */
	ESP_UF_CHECKSUM_BAD = 0x0004, /* data command whose checksum does not match */
	ESP_UF_LINE_ERR = 0x0008,     /* bytes carried a UART framing/parity error */
	ESP_UF_UNTERMINATED = 0x0010, /* input ended inside the frame */
	ESP_UF_STATUS_ERR = 0x0020,   /* response with a failure status */
	ESP_UF_MALFORMED = 0x0040,    /* frame too short or with an unknown direction byte */
};

typedef struct {
	uint64_t frame_no; /* 1-based packet number in the pcapng */
	uint64_t ts_ns;    /* time the unit completed, ns since start */
	esp_dir dir;
	esp_unit_kind kind;
	uint16_t flags;
	uint8_t modem;   /* modem lines in force */
	uint32_t baud;   /* rate in force in this direction (0 = unknown) */
	uint32_t value;  /* kind-specific, as esp_event.value */
	const uint8_t *wire;    /* bytes as on the wire (frames: with 0xC0s and escapes) */
	size_t wire_len;
	const uint8_t *payload; /* frames: unescaped contents; others: same as wire */
	size_t payload_len;
} esp_unit;

const char *esp_dir_name(esp_dir d);          /* "host>chip", "chip>host", "none" */
const char *esp_unit_kind_name(esp_unit_kind k); /* "frame", "raw", "baud", ... */

#endif
