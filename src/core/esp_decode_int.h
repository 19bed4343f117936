/* esp_decode_int.h: the decoder's context, shared by its four source files
 * (esp_decode.c: framing, pairing, session, timeouts; esp_fields.c: payload
 * fields per opcode; esp_flash.c: flash regions, inflate, MD5, image header;
 * esp_replies.c: unsupported-command replies and their repeats, the
 * READ_FLASH stream, reboots).
 * Internal to src/core: nothing outside the decoder includes it. The context
 * owns every buffer it points to; esp_decoder_free releases them. Strings put
 * into a record live in the context's scratch buffer until the next record.
 */
#ifndef ESPTAP_CORE_ESP_DECODE_INT_H
#define ESPTAP_CORE_ESP_DECODE_INT_H

#include <zlib.h>

#include "core/cursor.h"
#include "core/esp_decode.h"
#include "core/md5.h"

enum { MODE_UNKNOWN = 0, MODE_ROM = 1, MODE_STUB = 2 };

/* esptool waits for one reply at a time; a few slots cover re-sends and
 * interleaved SYNCs, and the oldest is given up on when they run out. */
#define ESP_PENDING_MAX 8
#define ESP_INFLATE_CHUNK 65536

typedef struct {
	bool used;
	uint8_t op;
	uint64_t frame, ts_ns;
	uint32_t timeout_ms;
	uint32_t a[4];      /* request words the reply needs (addr, size, new baud ...) */
	bool reply_optional; /* MEM_END with an entry point: the code may start at once */
	int region;         /* SPI_FLASH_MD5: region it checks, -1 if none */
	uint64_t stray;     /* a leftover reply that arrived while waiting, not its own */
	bool reset;         /* the chip rebooted while this request waited */
} esp_pending;

typedef struct {
	bool active;       /* READ_FLASH answered OK, data flowing */
	bool awaiting;     /* READ_FLASH sent, reply not yet seen */
	uint32_t offset, length, packet_size, received;
	uint64_t frame;    /* the READ_FLASH request */
	uint64_t last_ts;  /* last frame of the flow (reply, ack or data): data packets' latency */
	esp_md5 md5;
} esp_readflash;

struct esp_decoder {
	esp_record_cb cb;
	void *user;
	esp_decoder_opts opts;
	esp_summary sum;

	int mode;
	esp_chip chip;
	uint32_t baud;
	bool expect_ohai;
	uint64_t mem_end_frame, mem_end_ts;

	esp_pending pend[ESP_PENDING_MAX];

	/* the SYNC whose first reply paired: later identical replies point at it */
	uint64_t sync_frame, sync_ts;
	/* the request a ROM "unsupported command" reply answered: repeats point at it.
	 * The ROM sends the same reply bytes again; a copy is kept to recognise them. */
	uint64_t unsup_frame, unsup_ts;
	uint8_t unsup_op, unsup_req_op;
	bool unsup_expected;  /* it answered a detection probe: not an error */
	uint8_t unsup_bytes[16];
	size_t unsup_len;     /* 0: none seen, or too long to keep */
	/* chip detection in progress: only SYNC, READ_REG and GET_SECURITY_INFO so far */
	bool detecting;

	/* last data block seen, for retries */
	int last_data_op;
	uint32_t last_data_seq;
	bool last_data_fed;

	esp_readflash rf;

	/* flash regions: the open one keeps a running MD5 and an inflater */
	esp_region *regions;
	size_t cap_regions;
	int cur;              /* open region index, -1 if none */
	bool cur_closed;      /* END seen or superseded: md5_written final */
	esp_md5 fmd5;
	z_stream z;
	bool z_init, z_done;
	uint8_t *zbuf;
	uint8_t head[4];
	int head_len;

	/* the request given up on last: a late reply still finds it */
	uint64_t late_frame, late_ts;
	int late_op;

	/* sessions (esp_session.c): the capture's counts when the current one began */
	esp_summary base;
	esp_summary ses;      /* an ended session's summary, while its record is out */
	uint64_t ses_no;      /* current session, 1-based */
	uint64_t ses_cmds;    /* commands other than SYNC in the current session */
	size_t ses_region0;   /* its first region in regions[] */
	uint64_t ses_dropped; /* its regions no longer listed (over ESP_SESSION_REGIONS) */
	uint64_t ses_first_frame, ses_start_ns, ses_last_ns;
	uint32_t ses_baud0;
	bool ses_stub, ses_sync_noted;
	uint64_t regions_total;

	esp_unit *unit;       /* the unit being decoded (its flags get set) */
	esp_record rec;
	char sbuf[4096];
	size_t spos;
};

/* Record building (esp_decode.c). Strings are copied into the scratch buffer. */
void esp_dec_field_u(esp_record *r, const char *name, esp_field_type t, uint64_t v);
void esp_dec_field_s(esp_decoder *d, esp_record *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void esp_dec_field_bytes(esp_record *r, const char *name, const uint8_t *p, size_t n);
void esp_dec_note(esp_record *r, esp_note_level lv, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
char *esp_dec_strdup(esp_decoder *d, const char *s, size_t n);
void esp_dec_set_chip(esp_decoder *d, esp_record *r, esp_chip c, const char *how);

/* Driver helpers (esp_decode.c). */
double esp_dec_ms_between(uint64_t a, uint64_t b);
void esp_dec_pair(esp_record *r, uint64_t frame, uint64_t ts); /* reply_to and latency */
void esp_dec_status_error(esp_decoder *d, esp_record *r, bool stub); /* flag, count, note */
esp_pending *esp_dec_find_pending(esp_decoder *d, uint8_t op);  /* oldest waiting for op */
esp_pending *esp_dec_latest_pending(esp_decoder *d);           /* newest that needs a reply */
const char *esp_dec_op_name(int op);

/* Chip output beyond one reply per request (esp_replies.c). */
void esp_dec_unsupported(esp_decoder *d, esp_record *r, const esp_pending *req, uint8_t op, const uint8_t *p,
			 size_t n);
bool esp_dec_unsup_repeat(esp_decoder *d, esp_record *r, uint8_t op, const uint8_t *p, size_t n);
bool esp_dec_unsup_leftover(esp_decoder *d, esp_record *r, const uint8_t *p, size_t n);
void esp_dec_read_data(esp_decoder *d, esp_record *r, const uint8_t *p, size_t n);
void esp_dec_read_ack(esp_decoder *d, esp_record *r, const uint8_t *p);
void esp_dec_boot_banner(esp_decoder *d, esp_record *r, const uint8_t *p, size_t n);

/* Sessions (esp_session.c). */
void esp_session_start(esp_decoder *d, uint64_t frame, uint64_t ts);
/* A SYNC after other commands: ends the current session (emitting its
 * summary record) before the SYNC counts towards the next one. */
void esp_session_sync(esp_decoder *d, esp_record *cur);
void esp_session_finish(esp_decoder *d);
/* Room for one more region: drops the session's oldest when it holds too many. */
bool esp_session_region_room(esp_decoder *d);

/* Payload fields (esp_fields.c). */
void esp_dec_command_fields(esp_decoder *d, esp_record *r, uint8_t op, const uint8_t *body, size_t n,
			    esp_pending *p);
void esp_dec_response_fields(esp_decoder *d, esp_record *r, uint8_t op, const esp_pending *req,
			     const uint8_t *data, size_t n);

/* Flash regions (esp_flash.c). */
int esp_flash_begin(esp_decoder *d, esp_record *r, uint32_t offset, uint32_t size, uint32_t blocks,
		    uint32_t block_size, bool compressed, bool encrypted);
void esp_flash_data(esp_decoder *d, esp_record *r, const uint8_t *p, size_t n, bool compressed);
void esp_flash_end(esp_decoder *d);
int esp_flash_find(esp_decoder *d, uint32_t addr, uint32_t size);
void esp_flash_verify(esp_decoder *d, esp_record *r, int region, uint32_t size, const char *md5_chip);
void esp_flash_free(esp_decoder *d);
void esp_md5_hex_of(const esp_md5 *m, char out[33]); /* finalises a copy */

#endif
