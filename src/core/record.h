/* record.h: a decoded record, what the decoder hands to analyzers and writers.
 *
 * One record per unit (command, response, raw run, line event), plus timeout
 * records (a request that got no answer) that point at their request's frame.
 * Payload fields are a flat list of named, typed values so that writers can
 * serialise every opcode without knowing the protocol. All pointers are owned
 * by the decoder and valid only for the duration of the record callback.
 */
#ifndef ESPTAP_CORE_RECORD_H
#define ESPTAP_CORE_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"

typedef enum {
	ESP_REC_COMMAND = 1, /* host > chip SLIP frame (incl. READ_FLASH acks) */
	ESP_REC_RESPONSE,    /* chip > host SLIP frame (incl. OHAI, READ_FLASH data/digest) */
	ESP_REC_RAW,         /* bytes outside frames, or a frame too broken to decode */
	ESP_REC_EVENT,       /* baud, modem lines, break, line error, gap, note */
	ESP_REC_TIMEOUT,     /* a request without an answer */
	ESP_REC_SESSION_END, /* a flashing session ended (captures holding several): its summary */
} esp_rec_type;

struct esp_summary;

typedef enum {
	ESP_F_UINT,  /* u: decimal */
	ESP_F_HEX,   /* u: "0x%08x" in text, number in JSON */
	ESP_F_BOOL,  /* u */
	ESP_F_STR,   /* s */
	ESP_F_BYTES, /* s/len: shown as hex */
} esp_field_type;

typedef struct {
	const char *name; /* JSON key, stable: "offset", "size", "entry", ... */
	esp_field_type type;
	uint64_t u;
	const char *s;
	size_t len;
} esp_field;

typedef enum { ESP_NOTE_INFO = 0, ESP_NOTE_WARNING = 1, ESP_NOTE_ERROR = 2 } esp_note_level;

typedef struct {
	esp_note_level level;
	const char *code; /* stable identifier: "checksum-mismatch", "timeout", ... */
	char text[200];
} esp_note;

#define ESP_REC_MAX_FIELDS 24
#define ESP_REC_MAX_NOTES 6

typedef struct {
	esp_rec_type type;
	const esp_unit *unit; /* the unit this record decodes; for timeouts, NULL */
	uint64_t frame;       /* unit's frame_no; for timeouts, the request's */
	uint64_t ts_ns;       /* for timeouts, when the wait ran out (or was cut short) */
	esp_dir dir;

	const char *op; /* esptool's name, or a pseudo-op: OHAI, READ_FLASH_DATA, READ_FLASH_ACK, READ_FLASH_DIGEST */
	int opcode;     /* -1 for pseudo-ops and non-frames */
	const char *mode; /* "rom" or "stub": the loader this frame talks to, NULL if unknown */

	bool has_seq;
	uint32_t seq;
	bool has_checksum;
	uint32_t ck_declared, ck_computed;

	/* responses */
	bool has_status;
	bool status_ok;
	const char *status; /* "ok" or the error's name */
	uint8_t error;      /* error code (ROM: status byte 1; stub: byte 0) */
	uint8_t status_bytes[4];
	uint8_t n_status;
	uint32_t value;     /* header value field */
	uint64_t reply_to;  /* frame of the request, 0 if unpaired */
	double latency_ms;

	/* timeouts */
	double waited_ms;

	/* session ends: that session's own counts and regions */
	const struct esp_summary *summary;

	/* raw runs and notes: printable text (valid UTF-8/ASCII), else NULL */
	const char *text;
	size_t text_len;

	esp_field fields[ESP_REC_MAX_FIELDS];
	int n_fields;
	esp_note notes[ESP_REC_MAX_NOTES];
	int n_notes;
} esp_record;

const char *esp_rec_type_name(esp_rec_type t); /* "command", "response", ... */

#endif
