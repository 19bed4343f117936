/* diagnose_int.h: the diagnosis context, shared by diagnose.c (findings),
 * analyze_boot.c (console text), analyze_baud.c (rate estimate) and
 * analyze_proto.c (frames, timeouts, baud changes, host checks). Internal to
 * src/core. Every field is fixed
 * size: the context never grows with the input.
 */
#ifndef ESPTAP_CORE_DIAGNOSE_INT_H
#define ESPTAP_CORE_DIAGNOSE_INT_H

#include "core/diagnose.h"

/* Finding codes: the order is the tie-break after severity. */
typedef enum {
	F_NO_SYNC,
	F_BAUD_MISMATCH,
	F_WRITE_FAILED,
	F_CHECKSUM,
	F_TIMEOUT,
	F_CHIP_RESET,
	F_FLASH_MODE,
	F_MISSING_BOOTLOADER,
	F_SPI_PINS,
	F_EARLY_CRASH,
	F_VERIFY_FAILED,
	F_HOST_CHECKSUM,
	F_HOST_SEQ,
	F_HOST_PADDING,
	F_HOST_BEGIN_SIZE,
	F_HOST_NO_WAIT,
	F_HOST_SPI_ATTACH,
	F_HOST_CHANGE_BAUD,
	F_HOST_EARLY_DATA,
	F_HOST_READ_ACK,
	F_HOST_MD5,
	F_PORT_BUSY,       /* live evidence: esptap's own notes (cli/live_common.c) */
	F_PORT_PERMISSION,
	F_PORT_VANISHED,
	F_COUNT
} diag_code;

/* Evidence gathered while records flow: frames kept per code until finish. */
typedef struct {
	uint64_t frames[ESP_FINDING_MAX_FRAMES];
	int n;
	uint64_t count;
} evidence;

/* What the chip's console said (analyze_boot.c). */
typedef struct {
	char line[256];
	size_t len;
	uint64_t line_frame;   /* raw record where the line started */
	bool overflow;
	/* per boot: the latest banner */
	uint64_t boot_frame;   /* last "rst:" / "rst cause:" line */
	uint64_t prev_boot_frame; /* the one before it */
	int reset_cause;       /* -1 unknown */
	char reset_name[40];
	int boot_mode;         /* strap value, -1 unknown */
	bool download;         /* the boot went to the serial loader */
	bool flash_boot;       /* the boot went to flash */
	bool brownout;         /* reset cause or app message */
	uint64_t brownout_frame;       /* reset cause line naming a brownout */
	uint64_t brownout_msg_frame;   /* "Brownout detector was triggered" */
	uint64_t download_frame, flash_boot_frame;
	uint64_t invalid_header_frame, flash_read_err_frame, csum_err_frame, panic_frame, entry_frame, app_frame;
	uint32_t invalid_header_value;
	char panic_text[96];
	uint64_t garbage_frame;  /* chip bytes that are neither SLIP nor text */
	uint64_t garbage_bytes;
	uint32_t garbage_fit;    /* esp_baud_estimate of the largest garbage run */
	uint32_t garbage_read_at;
	size_t garbage_best;
	uint64_t text_frames;    /* raw chip runs that were text */
	uint64_t boots;          /* banners seen */
	bool banner_pending;     /* a reset line or brownout line just parsed */
} boot_state;

struct esp_diag {
	evidence ev[F_COUNT];
	esp_finding out[F_COUNT];
	size_t n_out;

	boot_state boot;

	/* connection */
	uint64_t sync_cmds, sync_ok, first_sync;
	uint64_t c2h_units;          /* anything at all from the chip */
	uint64_t frames_c2h;
	bool synced_once;

	/* baud */
	bool host_rate_known;        /* the capture records the host's rate (baud events) */
	uint32_t host_rate;
	uint64_t baud_cmd_frame;     /* CHANGE_BAUDRATE awaiting its answer */
	uint32_t baud_new, baud_old_arg;
	uint64_t baud_ack_frame;     /* acked change still to be followed by the host */
	uint64_t baud_ack_ts;
	uint32_t baud_acked_rate;
	bool baud_host_followed;
	uint64_t baud_early_frame;   /* host frame between the ack and the host's own change */
	uint32_t baud_stayed_rate;   /* the rate that frame went out at */
	uint64_t after_change_timeouts, after_change_answers;
	uint64_t mismatch_frame;     /* first sign the two sides disagree */
	bool mismatch_host_other;
	uint32_t mismatch_host_rate;

	/* data commands of the write in progress */
	int data_op;                 /* -1: none yet */
	bool data_expect_valid;
	uint32_t data_expect;        /* next sequence number expected */
	uint64_t data_last_frame;
	uint32_t data_last_seq;
	bool data_last_failed;       /* its answer was an error, or it timed out */
	bool data_last_ck_ok;
	uint64_t data_last_ck_frame;
	uint32_t begin_block_size;
	uint32_t begin_blocks, begin_size;
	uint64_t begin_frame;
	uint32_t begin_offset;
	bool begin_rom;
	uint32_t blocks_sent;
	int last_data_len;           /* data_len of the last block, -1 none */
	uint64_t last_block_frame;
	bool write_errors;           /* error statuses or timeouts on data commands */
	uint64_t retries;
	uint64_t write_fail_frame;
	uint32_t fail_seq, fail_blocks, fail_offset; /* where the first failure hit */

	/* pending requests seen, to say what came instead of an answer */
	uint64_t awaiting;           /* the request waiting for its answer, 0 if none */
	uint64_t last_cmd_frame;
	uint64_t instead_raw, instead_frames;

	/* reboots the host asked for */
	uint64_t reboot_request_ts;
	bool reboot_requested;
	uint64_t rts_ts;             /* last modem event */
	bool any_modem;
	uint64_t reset_frame;        /* unexpected reboot mid-session */
	uint64_t reset_ts;
	bool reset_during_write;
	bool session_busy;           /* frames were exchanged before the reboot */

	/* READ_FLASH flow */
	uint32_t rf_in_flight, rf_max_in_flight;
	bool rf_active;

	/* the flasher's own words (trace logs) */
	uint64_t msg_timeout_frame;   /* "Operation timed out" with result 0107 */
	uint64_t msg_frame;           /* last flasher message with an error */
	char msg_text[120];

	/* what only a live session knows: esptap's own notes about the port, the first of
	 * each code (F_PORT_BUSY.. order) */
	char port_text[3][160];

	uint64_t last_ts;
	uint64_t writes_verified;     /* regions with verify == 1 */
	uint64_t last_verify_frame;   /* last SPI_FLASH_MD5 answer compared */
	bool last_verify_ok;
	esp_chip chip;                /* as the decoder learnt it */
	uint64_t last_answer_frame;   /* last OK response paired with a request */
	uint64_t ck_host, ck_line, ck_chip_line; /* checksum errors by cause */
	const char *first_timeout_op;
	double first_timeout_ms;
	char first_timeout_instead[96];
	uint32_t reset_write_offset, reset_blocks_sent, reset_blocks;
};

/* evidence bookkeeping (diagnose.c) */
void diag_ev(esp_diag *g, diag_code c, uint64_t frame);
const char *diag_code_name(diag_code c); /* "no-sync", ..., the finding's code */
/* note helpers */
int diag_note(esp_note *out, int max, int n, esp_note_level lv, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
const esp_field *diag_field(const esp_record *r, const char *name);
uint64_t diag_field_u(const esp_record *r, const char *name, uint64_t dflt);
bool diag_has_note(const esp_record *r, const char *code);

/* analyzers */
int diag_boot_raw(esp_diag *g, const esp_record *r, esp_note *out, int max, int n);
int diag_proto(esp_diag *g, const esp_record *r, esp_note *out, int max, int n);
void diag_boot_reset(boot_state *b);
void diag_proto_finish(esp_diag *g);
void diag_boot_flush(esp_diag *g); /* a last console line without its newline */

#endif
