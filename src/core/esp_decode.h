/* esp_decode.h: the ESP ROM/stub protocol decoder.
 *
 * Takes units in order (from the deframer or a pcapng reader) and emits one
 * record per unit, plus timeout records, through a callback. It keeps all
 * session state in one context: ROM or stub mode, chip, baud, pending
 * requests, the READ_FLASH flow, and the flash regions written (with their
 * data inflated and hashed as it streams by, never buffered whole). At the
 * end it offers a summary. Pure: no I/O; allocates only bounded state.
 */
#ifndef ESPTAP_CORE_ESP_DECODE_H
#define ESPTAP_CORE_ESP_DECODE_H

#include "core/esp_ops.h"
#include "core/record.h"

typedef void (*esp_record_cb)(const esp_record *r, void *user);

typedef struct esp_decoder esp_decoder;

typedef struct {
	esp_chip chip_hint; /* ESP_CHIP_UNKNOWN: learn it from the session */
	bool stub_hint;     /* capture starts with the stub already running */
	/* How long a request may wait for its reply before it counts as a timeout,
	 * in ms: per opcode, then for every op; 0 keeps esptool's own limits (3 s,
	 * erase and MD5 growing with the size). */
	uint32_t timeout_ms[256];
	uint32_t timeout_all_ms;
} esp_decoder_opts;

typedef struct {
	uint32_t offset;
	uint32_t size;           /* bytes announced (uncompressed) */
	uint32_t blocks_announced;
	uint32_t blocks_seen;
	uint32_t block_size;
	bool compressed;
	bool encrypted;
	uint64_t bytes_written;  /* after inflate */
	char md5[33];            /* MD5 of the first `size` bytes written, "" if incomplete */
	char md5_written[33];    /* MD5 of every byte written (padding included), "" while open */
	char md5_chip[33];       /* what SPI_FLASH_MD5 answered, "" if not asked */
	int verify;              /* -1 not checked, 0 mismatch, 1 match */
	bool has_image;          /* data began with an image header (0xE9) */
	uint8_t image_mode, image_size_nib, image_freq_nib;
	uint64_t first_frame, last_frame; /* BEGIN command, last DATA command */
	uint32_t md5_size;       /* size the chip was asked to hash, 0 if not asked */
	bool inflate_error;      /* compressed data did not inflate */
	uint64_t number;         /* 0-based, in the order written over the whole capture */
} esp_region;

/* The whole capture's summary, or one session's (ESP_REC_SESSION_END). A
 * session starts at a SYNC sent after other commands (the flasher reset the
 * chip or a new flasher connected); counts are the session's own there. */
typedef struct esp_summary {
	esp_chip chip;
	bool stub;               /* stub seen running (OHAI, or SYNC answered with value 0) */
	uint32_t baud_initial, baud_final;
	uint64_t units, frames, commands, responses, raw_runs, events, timeouts;
	uint64_t checksum_errors, error_statuses, escape_errors, malformed;
	/* Breakdown so the counts add up: frames = commands + responses + undecoded.
	 * commands and responses count every record of that type (READ_FLASH acks,
	 * OHAI, READ_FLASH data and digest included). */
	uint64_t extra_replies;    /* responses repeating an answer already given (ROM's further SYNC
				      replies, repeats of an unsupported-command reply) */
	uint64_t probe_rejections; /* unsupported-command replies to chip-detection probes: expected,
				      not in error_statuses */
	uint64_t unsolicited;      /* responses with no request to pair with */
	uint64_t undecoded;        /* frames too short, cut off or with a bad direction byte */
	uint64_t op_count[256];  /* commands by opcode */
	uint64_t read_flash_packets;
	const esp_region *regions; /* whole capture: the last ESP_SUMMARY_REGIONS only */
	size_t n_regions;
	uint64_t regions_total;    /* regions written, listed or not */
	uint64_t sessions;         /* whole capture: how many; one session's: its number (1-based) */
	uint64_t first_frame, last_frame, start_ns; /* one session's span (whole capture: 1, last, 0) */
	uint64_t bytes_h2c, bytes_c2h;
	uint64_t duration_ns;
	/* diagnosis (core/diagnose.h): set by the pipeline when the session ends */
	const struct esp_finding *findings;
	size_t n_findings;
} esp_summary;

/* Bounds that keep memory flat however many sessions a capture holds: the
 * final summary lists the last few regions; one session lists at most
 * ESP_SESSION_REGIONS (the oldest are counted, not kept). */
#define ESP_SUMMARY_REGIONS 16
#define ESP_SESSION_REGIONS 1024

esp_decoder *esp_decoder_new(const esp_decoder_opts *o, esp_record_cb cb, void *user);
void esp_decoder_free(esp_decoder *d);
/* Decode u, setting its flags (checksum, status, malformed) before emitting its
 * record; may first emit timeout records for requests it gives up on. */
void esp_decoder_unit(esp_decoder *d, esp_unit *u);
/* Emit timeouts for requests still pending at ts_ns (end of input). */
void esp_decoder_finish(esp_decoder *d, uint64_t ts_ns);
const esp_summary *esp_decoder_summary(const esp_decoder *d);

#endif
