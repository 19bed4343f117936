/* sim.h: the built-in chip simulator, usable in-process.
 *
 * A simulated ESP ROM serial loader and flasher stub behind a UART. The host
 * side hands it bytes, line changes (DTR/RTS), breaks and baud changes exactly
 * as a real port would deliver them; the simulator answers through the tx
 * callback, at the time it would on a real chip (esp_sim_poll releases output
 * whose time has come). It models the auto-reset circuit, the ROM boot banner,
 * flash (in memory or a file), the stub, and deterministic faults.
 * Owns its flash and buffers; esp_sim_free releases everything.
 * No file descriptors except the optional --flash file.
 */
#ifndef ESPTAP_SIM_SIM_H
#define ESPTAP_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/esp_ops.h"
#include "core/uart.h"

typedef struct esp_sim esp_sim;

#define ESP_SIM_MAX_FAULTS 16

typedef struct {
	esp_chip chip;
	const char *flash_path;   /* NULL: in memory */
	uint32_t flash_size;      /* bytes; 0: 4 MB */
	const char *faults[ESP_SIM_MAX_FAULTS]; /* "drop:FLASH_DATA:3", ... */
	int n_faults;
	const char *flash_modes;  /* modes the module can run, e.g. "dio"; NULL: all */
	bool start_in_download;   /* true: begin waiting for download (no reset needed) */
	/* Chip > host bytes. Called from esp_sim_rx / esp_sim_poll. */
	void (*tx)(const uint8_t *p, size_t n, void *user);
	void *user;
	/* Optional (NULL: none). The same output as the chip put it on its TX
	 * line, at the chip's UART rate `baud`: before the host's receiver
	 * garbles it for a wrong rate and before --fault noise. For a listener
	 * other than the host (a tap on the RX line). Called just before tx,
	 * with the same user. */
	void (*line_tx)(const uint8_t *p, size_t n, uint32_t baud, void *user);
} esp_sim_opts;

/* Parses faults; on a bad spec fills e naming it. */
esp_status esp_sim_new(const esp_sim_opts *o, esp_sim **out, esp_error *e);
void esp_sim_free(esp_sim *s);

/* Host > chip bytes, arriving at now_ns at host_baud (the rate the host's UART
 * uses; bytes sent at a rate other than the chip's are garbled as a real UART
 * would garble them). */
void esp_sim_rx(esp_sim *s, uint64_t now_ns, const uint8_t *p, size_t n, uint32_t host_baud);
/* DTR/RTS as the host sets them (true = asserted). */
void esp_sim_lines(esp_sim *s, uint64_t now_ns, bool dtr, bool rts);
void esp_sim_break(esp_sim *s, uint64_t now_ns);
/* Reset as if EN were pulsed; download selects the ROM loader. */
void esp_sim_reset(esp_sim *s, uint64_t now_ns, bool download);
/* Release output due by now_ns; returns ns until the next pending output, or UINT64_MAX. */
uint64_t esp_sim_poll(esp_sim *s, uint64_t now_ns);
/* The rate the chip's UART currently runs at. */
uint32_t esp_sim_baud(const esp_sim *s);
/* Flash contents, for tests. */
const uint8_t *esp_sim_flash(const esp_sim *s, size_t *size);

/* The host's UART rate, when it changes without bytes (a pty's termios). The
 * chip's output is garbled for a host listening at a rate other than the
 * chip's. esp_sim_rx also updates it. */
void esp_sim_host_baud(esp_sim *s, uint32_t host_baud);
/* Commands received since esp_sim_new (any opcode, any mode). */
uint64_t esp_sim_commands(const esp_sim *s);
/* "off", "app", "rom" or "stub": what the chip runs now. */
const char *esp_sim_mode(const esp_sim *s);

/* esp_uart_resample (the 8N1 line model) lives in core/uart.h. */

/* Recording without third-party code: if the SLIP frame wire[0..n) (0xC0 to
 * 0xC0) is a MEM_DATA command, write to out (capacity >= 2*n+16) the same
 * frame with its data replaced by zero filler of the same length and the
 * checksum that filler has, and return its length; otherwise return 0. */
size_t esp_sim_redact_frame(const uint8_t *wire, size_t n, uint8_t *out, size_t cap);

/* The --fault help text: one line per fault kind. */
extern const char esp_sim_fault_help[];

#endif
