/* sim_internal.h: the simulator's state, shared by its source files only.
 *
 * sim.c owns the UART side (bytes in and out, rates, resets, boot logs),
 * sim_cmd.c the loader (ROM and stub command handlers), sim_flash.c the
 * flash store and the registers, sim_uart.c the line models (re-sampling at a
 * wrong rate, bit noise) and the fault specs. Nothing here does I/O except
 * the flash file in sim_flash.c.
 */
#ifndef ESPTAP_SIM_SIM_INTERNAL_H
#define ESPTAP_SIM_SIM_INTERNAL_H

#include <zlib.h>

#include "sim/sim.h"

typedef enum { SIM_OFF = 0, SIM_APP, SIM_ROM, SIM_STUB } sim_mode;

typedef enum {
	FAULT_DROP = 1,
	FAULT_ERROR,
	FAULT_CORRUPT,
	FAULT_BROWNOUT,
	FAULT_BOOT_TO_FLASH,
	FAULT_IGNORE_BAUD,
	FAULT_NOISE,
	FAULT_PANIC,     /* the program in flash crashes right after it starts */
	FAULT_SPI_PINS,  /* something on the flash pins: flash boot reads fail */
} sim_fault_kind;

typedef struct {
	sim_fault_kind kind;
	int op;          /* opcode, -1 when the fault has none */
	uint32_t n;      /* which occurrence (1-based) */
	uint8_t code;    /* FAULT_ERROR */
	double rate;     /* FAULT_NOISE: bit error rate */
	uint64_t seed;   /* FAULT_NOISE */
} sim_fault;

/* Output waiting for its time: bytes the chip sends at `baud`. */
typedef struct sim_chunk {
	uint64_t due_ns;
	uint32_t baud;
	size_t n;
	struct sim_chunk *next;
	uint8_t p[];
} sim_chunk;

#define SIM_MAX_REGS 64
#define SIM_FRAME_MAX (65536 + 64)

struct esp_sim {
	esp_sim_opts o;
	const esp_chip_info *ci;

	/* flash */
	uint8_t *flash;
	uint32_t flash_size;
	int flash_fd;

	/* UART */
	uint32_t chip_baud;
	uint32_t host_baud;  /* the host's rate as last seen, 0 if unknown */
	bool autobaud;       /* ROM loader: adopt the host's rate until SYNC */
	sim_chunk *out_head, *out_tail;
	uint64_t now_ns;

	/* SLIP receiver */
	bool in_frame, esc;
	uint8_t *frame;
	size_t frame_len;
	bool frame_overflow;

	/* lines and boot */
	sim_mode mode;
	bool dtr, rts;
	bool en_low;

	/* loader state */
	uint32_t last_value;     /* the ROM leaves the last READ_REG (or SYNC) value in replies */
	uint8_t last_op;         /* ...and its opcode, which its unsupported-command reply carries */
	uint64_t op_count[256];  /* commands received, by opcode */
	bool flash_active;       /* FLASH_BEGIN or FLASH_DEFL_BEGIN seen */
	bool flash_defl;
	uint32_t fl_offset, fl_size, fl_blocks, fl_block_size, fl_written, fl_erased_to;
	uint32_t fl_next_seq;
	z_stream zs;
	bool zs_live;
	bool mem_active;
	uint32_t mem_size, mem_blocks, mem_block_size, mem_addr;
	uint32_t mem_entry_seen;
	uint8_t stub_pending_err; /* stub: a write error reported with the next command */

	/* stub READ_FLASH flow */
	bool rf_active;
	uint32_t rf_offset, rf_len, rf_sent, rf_acked, rf_packet, rf_inflight;

	/* registers written (SPI controller, scratch) */
	uint32_t reg_addr[SIM_MAX_REGS], reg_val[SIM_MAX_REGS];
	int n_regs;

	/* faults */
	sim_fault faults[ESP_SIM_MAX_FAULTS];
	int n_faults;
	bool boot_to_flash, ignore_baud;
	bool app_panics, spi_pins_busy;
	double noise_rate;
	uint64_t noise_state;
};

/* sim.c */
void sim_send_raw(esp_sim *s, uint64_t delay_ns, const uint8_t *p, size_t n);
void sim_send_text(esp_sim *s, uint64_t delay_ns, const char *text);
void sim_send_frame(esp_sim *s, const uint8_t *payload, size_t n);
/* Reset and boot: banner, then the loader (download) or the flash's boot log.
 * `before` (may be NULL) is printed first, e.g. the brownout warning. */
void sim_boot(esp_sim *s, uint8_t rst_reason, bool download, const char *before);
void sim_set_chip_baud(esp_sim *s, uint32_t baud); /* takes effect after queued output */

/* sim_cmd.c */
void sim_handle_frame(esp_sim *s, const uint8_t *p, size_t n);
void sim_loader_reset(esp_sim *s);
void sim_read_flash_pump(esp_sim *s);

/* sim_flash.c */
esp_status sim_flash_open(esp_sim *s, esp_error *e);
void sim_flash_close(esp_sim *s);
void sim_flash_erase(esp_sim *s, uint32_t off, uint32_t len);
void sim_flash_program(esp_sim *s, uint32_t off, const uint8_t *p, size_t n);
bool sim_reg_read(esp_sim *s, uint32_t addr, uint32_t *val);
void sim_reg_write(esp_sim *s, uint32_t addr, uint32_t val, uint32_t mask);
uint32_t sim_flash_id(const esp_sim *s);

/* sim_uart.c */
esp_status sim_faults_parse(esp_sim *s, esp_error *e);
/* Does a fault of this kind hit the n-th `op`? Returns it or NULL. */
const sim_fault *sim_fault_hit(const esp_sim *s, sim_fault_kind kind, uint8_t op, uint64_t n);
void sim_noise(esp_sim *s, uint8_t *p, size_t n);

#endif
