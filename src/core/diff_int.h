/* diff_int.h: the step and side structures shared by diff.c (records to
 * steps) and diff_align.c (alignment and comparison). Internal to the core. */
#ifndef ESPTAP_CORE_DIFF_INT_H
#define ESPTAP_CORE_DIFF_INT_H

#include "core/diff.h"

typedef enum {
	STEP_CMD = 1, /* one command and its answer */
	STEP_RUN,     /* consecutive data blocks of one op */
	STEP_CONNECT, /* SYNCs and chip-detect probes */
	STEP_RAM,     /* MEM_BEGIN..MEM_END; the stub when OHAI followed */
	STEP_REGS,    /* consecutive READ_REG / WRITE_REG */
} step_kind;

#define STEP_MAX_PARAMS 7

typedef struct {
	char name[15];
	uint8_t hex;
	uint64_t v;
} step_param;

typedef struct {
	uint8_t kind;
	int16_t op;            /* opcode of the (first) command, -1 for none */
	char op_name[24];
	uint64_t frame_first, frame_last, frame_resp;
	uint8_t n_params;
	step_param params[STEP_MAX_PARAMS];
	bool has_where;
	uint32_t where;         /* flash writes and MD5: the region's offset */

	/* answers */
	uint32_t answered, errors, timeouts;
	bool has_answer, ok;
	char status[24];        /* first answer's status, or the first error's */
	uint8_t err_code;
	uint64_t err_frame;     /* the first error answer (or timeout's request) */
	uint32_t err_index;     /* ... in block order within a run */
	uint32_t value;         /* header value of the answer */
	char md5[33];           /* SPI_FLASH_MD5 answer */
	double lat_max;
	uint64_t lat_frame;     /* command whose answer took lat_max */
	uint64_t ans_frame;     /* request last answered: further replies to it are repeats */
	uint64_t err_resp;      /* frame of the first error answer */

	/* runs */
	uint32_t count, block_size, seq_first, seq_last, retries, gaps;
	uint64_t bytes, retry_frame, gap_frame;
	uint64_t stride;        /* frames between consecutive blocks, if regular */
	bool regular;

	/* connect */
	uint32_t syncs, sync_answered, probes;
	uint32_t magic;         /* chip-detect register value, 0 if not read */

	/* RAM load */
	uint32_t segments, ram_bytes, entry, first_addr;
	bool stub;

	/* registers */
	uint32_t reads, writes;

	/* READ_FLASH flow */
	uint32_t packets;
	uint64_t packet_bytes;
} diff_step;

typedef struct {
	uint32_t offset, size;
	char md5[33];
	int verify;
	uint64_t frame;
} diff_region;

struct esp_diff_side {
	diff_step *steps;
	size_t n, cap;
	uint64_t commands, dropped;
	bool capped;
	bool ram_open; /* last step is a RAM load not yet ended by MEM_END */
	uint32_t region; /* offset of the last FLASH_*BEGIN */
	diff_region *regions;
	size_t n_regions;
};

/* The key two steps must share to be aligned: kind, op (compressed and plain
 * writes alike) and, for flash writes and MD5s, the region's offset. The loose
 * key leaves the offset out: change hunks are paired by it. */
uint64_t esp_diff_step_key(const diff_step *s);
uint64_t esp_diff_step_loose_key(const diff_step *s);

typedef struct {
	int32_t a, b; /* step indices, -1 for none */
} diff_pair;

/* The alignment, in order; NULL on out of memory. *gave_up when the edit
 * distance passed ESP_DIFF_MAX_EDITS (the rest paired by position). */
diff_pair *esp_diff_align(const esp_diff_side *A, const esp_diff_side *B, size_t *np, bool *gave_up);
void esp_diff_step_describe(const diff_step *s, char *buf, size_t n);

#endif
