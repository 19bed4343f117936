/* analyze_proto.c: analyzers over decoded frames: checksum causes, sequence numbers and retries, timeouts and what came instead, baud changes on both sides, reboots, and the flasher's departures from the protocol. */
#include "core/diagnose_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool is_flash_data(int op) { return op == ESP_FLASH_DATA || op == ESP_FLASH_DEFL_DATA || op == ESP_FLASH_ENCRYPT_DATA; }

static bool op_is(const esp_record *r, const char *name) { return r->op && !strcmp(r->op, name); }

/* Rates within 5% are the same: esptool scales the ESP32 ROM's new rate by the
 * crystal it measured, and UARTs tolerate a few percent. */
static bool same_rate(uint32_t a, uint32_t b)
{
	uint64_t d = a > b ? a - b : b - a;
	return d * 20 <= (uint64_t)b;
}

/* ---- data commands ------------------------------------------------------ */

/* The frame reached us whole: no escape error, no cut, sizes add up. Only
 * then is a wrong checksum the flasher's own arithmetic. */
static bool frame_intact(const esp_record *r)
{
	const esp_unit *u = r->unit;
	if (!u || (u->flags & (ESP_UF_ESCAPE_ERR | ESP_UF_TRUNCATED | ESP_UF_UNTERMINATED | ESP_UF_LINE_ERR)))
		return false;
	return !diag_has_note(r, "size-mismatch") && !diag_has_note(r, "data-len-mismatch") &&
	       !diag_has_note(r, "trailing-bytes");
}

static int checksum(esp_diag *g, const esp_record *r, esp_note *out, int max, int n)
{
	g->data_last_ck_ok = r->ck_declared == r->ck_computed;
	g->data_last_ck_frame = r->frame;
	if (g->data_last_ck_ok)
		return n;
	if (r->unit && (r->unit->flags & (ESP_UF_UNTERMINATED | ESP_UF_TRUNCATED)))
		return diag_note(out, max, n, ESP_NOTE_INFO, "checksum-cause",
				 "the frame was cut short (end of input or length limit): its checksum cannot be judged");
	diag_ev(g, F_CHECKSUM, r->frame);
	if (!frame_intact(r)) {
		g->ck_line++;
		return diag_note(out, max, n, ESP_NOTE_ERROR, "checksum-cause",
				 "the frame was damaged on the line (escape error, cut or sizes that disagree): "
				 "its checksum cannot be trusted");
	}
	g->ck_host++;
	diag_ev(g, F_HOST_CHECKSUM, r->frame);
	const uint8_t *body = r->unit->payload + 8;
	size_t bn = r->unit->payload_len - 8;
	const char *why = "";
	if ((r->ck_declared ^ 0xEFu) == r->ck_computed)
		why = ": it is the XOR of the data without the 0xEF seed";
	else if (bn >= 16 && esp_checksum(body, bn) == r->ck_declared)
		why = ": it covers the 16-byte header too, not only the data";
	else if (r->ck_declared > 0xFF)
		why = ": it does not fit in one byte";
	return diag_note(out, max, n, ESP_NOTE_ERROR, "checksum-cause",
			 "the frame arrived whole: the flasher computed the checksum wrong%s", why);
}

static int data_command(esp_diag *g, const esp_record *r, esp_note *out, int max, int n)
{
	if (r->has_checksum)
		n = checksum(g, r, out, max, n);
	if (!r->has_seq)
		return n;
	uint32_t seq = r->seq;
	if (g->data_op != r->opcode) {
		g->data_op = r->opcode;
		g->data_expect_valid = seq == 0;
		g->data_expect = seq;
	}
	if (g->data_expect_valid && seq + 1 == g->data_expect) {
		g->retries++; /* the decoder's "retry" note marks it; a retry after a failure is the protocol */
		if (!g->data_last_failed) {
			diag_ev(g, F_HOST_SEQ, r->frame);
			n = diag_note(out, max, n, ESP_NOTE_WARNING, "host-seq",
				      "block %u sent again though the chip had accepted it", seq);
		}
	} else if (g->data_expect_valid && seq != g->data_expect) {
		diag_ev(g, F_HOST_SEQ, r->frame);
		n = diag_note(out, max, n, ESP_NOTE_WARNING, "host-seq", "sequence number %u where %u was due", seq,
			      g->data_expect);
		g->data_expect = seq + 1;
	} else {
		g->data_expect = seq + 1;
		g->data_expect_valid = true;
	}
	g->data_last_failed = false;
	g->data_last_frame = r->frame;
	g->data_last_seq = seq;
	if (!is_flash_data(r->opcode))
		return n;
	g->blocks_sent++;
	uint64_t dl = diag_field_u(r, "data_len", 0);
	/* the ROM writes whole blocks: esptool pads the last with 0xFF */
	if (g->begin_rom && r->opcode == ESP_FLASH_DATA && g->begin_block_size && dl < g->begin_block_size) {
		diag_ev(g, F_HOST_PADDING, r->frame);
		n = diag_note(out, max, n, ESP_NOTE_WARNING, "host-padding",
			      "block of %llu bytes to the ROM: not padded with 0xFF to the block size %u",
			      (unsigned long long)dl, g->begin_block_size);
	}
	return n;
}

/* ESP8266 ROM FLASH_BEGIN erase size (PROTOCOL.md §3.1): the ROM erases
 * more than asked, so esptool sends less. */
static uint32_t esp8266_erase_size(uint32_t offset, uint32_t size)
{
	uint32_t sectors = (size + 4095) / 4096, start = offset / 4096;
	uint32_t head = 16 - start % 16;
	if (head > sectors)
		head = sectors;
	return sectors < 2 * head ? (sectors + 1) / 2 * 4096 : (sectors - head) * 4096;
}

/* A write ends (END, a new BEGIN, or the end of input): did it send what
 * its BEGIN announced? */
static void end_write(esp_diag *g)
{
	if (g->begin_frame && !g->write_errors && g->begin_blocks && g->blocks_sent &&
	    g->blocks_sent != g->begin_blocks)
		diag_ev(g, F_HOST_BEGIN_SIZE, g->begin_frame);
	g->begin_frame = 0;
}

static int begin(esp_diag *g, const esp_record *r, esp_note *out, int max, int n)
{
	end_write(g);
	bool compressed = r->opcode == ESP_FLASH_DEFL_BEGIN;
	uint32_t size = (uint32_t)diag_field_u(r, compressed ? "size" : "erase_size", 0);
	g->begin_frame = r->frame;
	g->begin_blocks = (uint32_t)diag_field_u(r, "num_blocks", 0);
	g->begin_block_size = (uint32_t)diag_field_u(r, "block_size", 0);
	g->begin_size = size;
	g->begin_rom = r->mode && !strcmp(r->mode, "rom");
	g->blocks_sent = 0;
	g->write_errors = false;
	g->data_op = -1;
	g->data_expect = 0;
	g->data_expect_valid = true;
	if (!g->begin_blocks && !size)
		g->begin_frame = 0; /* esptool's "run user code" / attach: no data follows */
	uint32_t off = (uint32_t)diag_field_u(r, "offset", 0);
	g->begin_offset = off;
	if (g->begin_frame && !compressed && g->begin_block_size &&
	    (uint64_t)g->begin_blocks * g->begin_block_size < size) {
		diag_ev(g, F_HOST_BEGIN_SIZE, r->frame);
		n = diag_note(out, max, n, ESP_NOTE_WARNING, "host-begin-size",
			      "%u blocks of %u bytes cannot carry the %u bytes announced", g->begin_blocks,
			      g->begin_block_size, size);
	}
	if (g->begin_frame && g->begin_rom && g->chip == ESP_CHIP_ESP8266 && !compressed && size &&
	    size > (g->begin_blocks ? (g->begin_blocks - 1) * g->begin_block_size : 0) &&
	    esp8266_erase_size(off, size) != size) {
		diag_ev(g, F_HOST_BEGIN_SIZE, r->frame);
		n = diag_note(out, max, n, ESP_NOTE_WARNING, "host-begin-size",
			      "ESP8266 ROM: erase size %u sent as is; the ROM erases more than asked, esptool sends %u", size,
			      esp8266_erase_size(off, size));
	}
	return n;
}

/* ---- commands ----------------------------------------------------------- */

static int command(esp_diag *g, const esp_record *r, esp_note *out, int max, int n)
{
	const esp_unit *u = r->unit;
	size_t body = u && u->payload_len >= 8 ? u->payload_len - 8 : 0;
	g->instead_raw = g->instead_frames = 0;
	g->last_cmd_frame = r->frame;
	/* the host after an acknowledged baud change */
	if (g->baud_ack_frame && !g->baud_host_followed && u) {
		if (same_rate(u->baud, g->baud_acked_rate))
			g->baud_host_followed = true;
		else if (u->baud && !g->baud_early_frame) {
			g->baud_early_frame = r->frame;
			g->baud_stayed_rate = u->baud;
		}
	}
	if (op_is(r, "READ_FLASH_ACK")) {
		g->rf_in_flight = 0;
		if (diag_has_note(r, "ack-mismatch"))
			diag_ev(g, F_HOST_READ_ACK, r->frame);
		return n;
	}
	if (r->opcode < 0)
		return n;
	g->awaiting = r->opcode == ESP_RUN_USER_CODE ? 0 : r->frame;
	g->rf_active = false;
	switch (r->opcode) {
	case ESP_SYNC:
		g->sync_cmds++;
		if (!g->first_sync)
			g->first_sync = r->frame;
		if (!g->synced_once)
			diag_ev(g, F_NO_SYNC, r->frame);
		return n;
	case ESP_FLASH_BEGIN:
	case ESP_FLASH_DEFL_BEGIN:
		return begin(g, r, out, max, n);
	case ESP_MEM_BEGIN:
		g->data_op = -1;
		g->data_expect = 0;
		g->data_expect_valid = true;
		return n;
	case ESP_FLASH_END:
	case ESP_FLASH_DEFL_END:
		end_write(g);
		if (diag_field_u(r, "flag", 1) == 0) {
			g->reboot_requested = true;
			g->reboot_request_ts = r->ts_ns;
		}
		return n;
	case ESP_RUN_USER_CODE:
		g->reboot_requested = true;
		g->reboot_request_ts = r->ts_ns;
		return n;
	case ESP_SPI_ATTACH: {
		bool stub = r->mode && !strcmp(r->mode, "stub");
		if (body != 4 && body != 8) {
			diag_ev(g, F_HOST_SPI_ATTACH, r->frame);
			return diag_note(out, max, n, ESP_NOTE_WARNING, "host-spi-attach",
					 "SPI_ATTACH carries %zu bytes: 4 (stub) or 8 (ROM) expected", body);
		}
		if (stub && body == 8) {
			diag_ev(g, F_HOST_SPI_ATTACH, r->frame);
			return diag_note(out, max, n, ESP_NOTE_WARNING, "host-spi-attach",
					 "8-byte SPI_ATTACH to the stub: the ROM form; stubs take one word");
		}
		if (!stub && body == 4 && r->mode)
			return diag_note(out, max, n, ESP_NOTE_INFO, "spi-attach-short",
					 "4-byte SPI_ATTACH to the ROM (esptool adds a fifth to eighth byte, 0)");
		return n;
	}
	case ESP_CHANGE_BAUDRATE: {
		g->baud_cmd_frame = r->frame;
		g->baud_new = (uint32_t)diag_field_u(r, "new_baud", 0);
		uint32_t old = (uint32_t)diag_field_u(r, "old_baud", 0);
		bool stub = r->mode && !strcmp(r->mode, "stub"), rom = r->mode && !strcmp(r->mode, "rom");
		if (body != 8) {
			diag_ev(g, F_HOST_CHANGE_BAUD, r->frame);
			return diag_note(out, max, n, ESP_NOTE_WARNING, "host-change-baud",
					 "CHANGE_BAUDRATE carries %zu bytes, not 8 (new rate, old rate)", body);
		}
		if (rom && old != 0) {
			diag_ev(g, F_HOST_CHANGE_BAUD, r->frame);
			return diag_note(out, max, n, ESP_NOTE_WARNING, "host-change-baud",
					 "second argument %u to the ROM: the ROM form is 0", old);
		}
		if (stub && old == 0) {
			diag_ev(g, F_HOST_CHANGE_BAUD, r->frame);
			return diag_note(out, max, n, ESP_NOTE_WARNING, "host-change-baud",
					 "second argument 0 to the stub: the stub needs the current rate to rescale");
		}
		return n;
	}
	case ESP_READ_FLASH:
		g->rf_active = true;
		g->rf_in_flight = 0;
		g->rf_max_in_flight = (uint32_t)diag_field_u(r, "max_in_flight", 1);
		if (!g->rf_max_in_flight)
			g->rf_max_in_flight = 1;
		return n;
	default:
		break;
	}
	if (r->has_seq || r->has_checksum)
		return data_command(g, r, out, max, n);
	return n;
}

/* ---- responses ---------------------------------------------------------- */

static void first_failure(esp_diag *g, uint64_t frame)
{
	if (g->write_fail_frame)
		return;
	g->write_fail_frame = frame;
	g->fail_seq = g->data_last_seq;
	g->fail_blocks = g->begin_blocks;
	g->fail_offset = g->begin_offset;
}

static bool checksum_status(const esp_record *r)
{
	return r->status && (!strcmp(r->status, "CHECKSUM_ERROR") || !strcmp(r->status, "BAD_DATA_CHECKSUM"));
}

static int response(esp_diag *g, const esp_record *r, esp_note *out, int max, int n)
{
	g->frames_c2h++;
	g->c2h_units++;
	g->instead_frames++;
	if (op_is(r, "READ_FLASH_DATA")) {
		if (g->rf_active && ++g->rf_in_flight > g->rf_max_in_flight + 1)
			diag_ev(g, F_HOST_READ_ACK, r->frame);
		return n;
	}
	const esp_field *chip = diag_field(r, "chip");
	if (chip && chip->s) {
		const esp_chip_info *ci = esp_chip_by_name(chip->s);
		if (ci)
			g->chip = ci->chip;
	}
	if (!r->reply_to)
		return n;
	if (r->reply_to == g->awaiting)
		g->awaiting = 0;
	if (r->status_ok)
		g->last_answer_frame = r->frame;
	if (r->opcode == ESP_SYNC && r->status_ok) {
		g->sync_ok++;
		g->synced_once = true;
	}
	if (r->opcode == ESP_CHANGE_BAUDRATE && r->status_ok && r->reply_to == g->baud_cmd_frame) {
		g->baud_ack_frame = r->frame;
		g->baud_ack_ts = r->ts_ns;
		g->baud_acked_rate = g->baud_new;
		g->baud_host_followed = false;
		g->baud_early_frame = 0;
		g->after_change_answers = g->after_change_timeouts = 0;
		return n;
	}
	if (g->baud_ack_frame && r->frame > g->baud_ack_frame && r->status_ok)
		g->after_change_answers++;
	if (diag_has_note(r, "verify-mismatch"))
		diag_ev(g, F_VERIFY_FAILED, r->frame);
	if (diag_has_note(r, "verify-ok"))
		g->writes_verified++;
	if (diag_has_note(r, "verify-ok") || diag_has_note(r, "verify-mismatch")) {
		g->last_verify_frame = r->frame;
		g->last_verify_ok = diag_has_note(r, "verify-ok");
	}
	if (!r->has_status || r->status_ok || !diag_has_note(r, "error-status"))
		return n;
	bool data = r->reply_to == g->data_last_frame && is_flash_data(g->data_op);
	if (checksum_status(r)) {
		diag_ev(g, F_CHECKSUM, r->frame);
		if (r->reply_to == g->data_last_ck_frame && g->data_last_ck_ok) {
			g->ck_chip_line++;
			n = diag_note(out, max, n, ESP_NOTE_ERROR, "checksum-cause",
				      "the block left the host with a right checksum: its bytes changed on the way to "
				      "the chip");
		} else {
			n = diag_note(out, max, n, ESP_NOTE_ERROR, "checksum-cause",
				      "the chip confirms the block's checksum is wrong");
		}
	}
	if (data || (g->begin_frame && g->blocks_sent && r->reply_to > g->begin_frame)) {
		g->write_errors = true;
		g->data_last_failed = true;
		diag_ev(g, F_WRITE_FAILED, r->frame);
		first_failure(g, r->frame);
	}
	return n;
}

/* ---- timeouts, events, raw ---------------------------------------------- */

static int timeout(esp_diag *g, const esp_record *r, esp_note *out, int max, int n)
{
	const esp_note *tn = NULL;
	for (int i = 0; i < r->n_notes; i++)
		if (r->notes[i].code && !strcmp(r->notes[i].code, "timeout"))
			tn = &r->notes[i];
	bool rebooted = (tn && strstr(tn->text, "the chip rebooted")) || (g->reset_frame && g->reset_frame > r->frame);
	if (r->frame == g->awaiting)
		g->awaiting = 0;
	if (r->opcode == ESP_SYNC)
		return n; /* connection attempts: no-sync weighs them */
	if (!rebooted && r->waited_ms < 20.0 && r->opcode != ESP_MEM_END) {
		diag_ev(g, F_HOST_NO_WAIT, r->frame);
		n = diag_note(out, max, n, ESP_NOTE_WARNING, "host-no-wait",
			      "the host sent its next command %.1f ms after this one, without waiting for the answer",
			      r->waited_ms);
	}
	char instead[96];
	if (g->instead_frames)
		snprintf(instead, sizeof instead, "%llu other frame(s) from the chip",
			 (unsigned long long)g->instead_frames);
	else if (g->instead_raw)
		snprintf(instead, sizeof instead, "%llu run(s) of console text or garbage",
			 (unsigned long long)g->instead_raw);
	else
		snprintf(instead, sizeof instead, "nothing at all");
	n = diag_note(out, max, n, ESP_NOTE_INFO, "timeout-instead", "while it waited the chip sent %s", instead);
	if (r->frame == g->data_last_frame)
		g->data_last_failed = true; /* a block sent again now is a retry */
	if (rebooted) {
		diag_ev(g, F_CHIP_RESET, r->frame); /* the request the reboot cut off */
		return n;
	}
	if (is_flash_data(r->opcode) && r->frame == g->data_last_frame) {
		g->write_errors = true;
		g->data_last_failed = true;
		diag_ev(g, F_WRITE_FAILED, r->frame);
		first_failure(g, r->frame);
	}
	if (g->baud_ack_frame && r->frame > g->baud_ack_frame && !g->after_change_answers) {
		g->after_change_timeouts++;
		if (!g->mismatch_frame)
			g->mismatch_frame = r->frame;
		diag_ev(g, F_BAUD_MISMATCH, r->frame);
		return diag_note(out, max, n, ESP_NOTE_WARNING, "baud-suspect",
				 "unanswered since the change to %u baud", g->baud_acked_rate);
	}
	if (!g->first_timeout_op) {
		g->first_timeout_op = r->op ? r->op : "a command";
		g->first_timeout_ms = r->waited_ms;
		snprintf(g->first_timeout_instead, sizeof g->first_timeout_instead, "%s", instead);
	}
	diag_ev(g, F_TIMEOUT, r->frame);
	return n;
}

static int event(esp_diag *g, const esp_record *r, esp_note *out, int max, int n)
{
	const esp_unit *u = r->unit;
	if (!u)
		return n;
	if (u->kind == ESP_UNIT_MODEM) {
		g->any_modem = true;
		g->rts_ts = r->ts_ns;
		return n;
	}
	if (u->kind == ESP_UNIT_BAUD && u->dir != ESP_DIR_C2H) {
		g->host_rate_known = true;
		g->host_rate = u->value;
		if (!g->baud_ack_frame || g->baud_host_followed)
			return n;
		if (same_rate(u->value, g->baud_acked_rate)) {
			g->baud_host_followed = true;
			if (g->baud_early_frame) {
				diag_ev(g, F_HOST_EARLY_DATA, g->baud_early_frame);
				return diag_note(out, max, n, ESP_NOTE_WARNING, "host-early-data",
						 "the host changed its rate only now: frame %llu went out at the old rate "
						 "after the chip had switched",
						 (unsigned long long)g->baud_early_frame);
			}
			return n;
		}
		g->mismatch_host_other = true;
		g->mismatch_host_rate = u->value;
		if (!g->mismatch_frame)
			g->mismatch_frame = r->frame;
		diag_ev(g, F_BAUD_MISMATCH, r->frame);
		return diag_note(out, max, n, ESP_NOTE_WARNING, "baud-host-other",
				 "the chip switched to %u baud, the host port to %u", g->baud_acked_rate, u->value);
	}
	if (u->kind == ESP_UNIT_NOTE && r->text) {
		char msg[160];
		size_t k = r->text_len < sizeof msg - 1 ? r->text_len : sizeof msg - 1;
		memcpy(msg, r->text, k);
		msg[k] = 0;
		/* esptap's own notes about the port (cli/live_common.c): "esptap: CODE: TEXT" */
		for (int i = 0; i < 3 && !strncmp(msg, "esptap: ", 8); i++) {
			const char *code = diag_code_name((diag_code)(F_PORT_BUSY + i));
			size_t cl = strlen(code);
			if (strncmp(msg + 8, code, cl) || strncmp(msg + 8 + cl, ": ", 2))
				continue;
			if (!g->port_text[i][0])
				snprintf(g->port_text[i], sizeof g->port_text[i], "%s", msg + 10 + cl);
			diag_ev(g, (diag_code)(F_PORT_BUSY + i), r->frame);
			return n;
		}
		if (strstr(msg, "Operation timed out") && (strstr(msg, "0107") || strstr(msg, "result was 0x107"))) {
			g->msg_timeout_frame = r->frame;
			diag_ev(g, F_CHECKSUM, r->frame);
			return diag_note(out, max, n, ESP_NOTE_WARNING, "flasher-message-misleading",
					 "esptool 3.2 to 5.0 print the ROM's error 0x07 as \"Operation timed out\": it is a "
					 "checksum error, not a timeout");
		}
		/* the flasher's verify against the chip's own answer */
		const char *fm = strstr(msg, "Flash md5: ");
		size_t hex = 0;
		while (fm && isxdigit((unsigned char)fm[11 + hex]))
			hex++;
		if (fm && hex == 64) {
			diag_ev(g, F_HOST_MD5, r->frame);
			return diag_note(out, max, n, ESP_NOTE_WARNING, "flasher-message-misleading",
					 "64 hex digits: the flasher hex-encoded the ROM's 32-character hex MD5 once more");
		}
		if ((strstr(msg, "MD5 of file does not match") || strstr(msg, "Digest mismatch")) && g->last_verify_frame &&
		    g->last_verify_ok) {
			diag_ev(g, F_HOST_MD5, r->frame);
			return diag_note(out, max, n, ESP_NOTE_WARNING, "flasher-message-misleading",
					 "the chip's MD5 (frame %llu) matches the data written: the flash is good, the "
					 "flasher misread the answer",
					 (unsigned long long)g->last_verify_frame);
		}
		if (strstr(msg, "Wrong boot mode detected") || strstr(msg, "Failed to connect"))
			diag_ev(g, F_NO_SYNC, r->frame);
		if (strstr(msg, "Invalid head of packet") || strstr(msg, "stopped responding after changing baud")) {
			if (!g->mismatch_frame && g->baud_ack_frame)
				g->mismatch_frame = r->frame;
			if (g->baud_ack_frame)
				diag_ev(g, F_BAUD_MISMATCH, r->frame);
		}
	}
	return n;
}

/* A reboot the host did not ask for: no FLASH_END/RUN_USER_CODE asking for
 * one, no modem-line change (the reset circuit) just before. */
static int reboot(esp_diag *g, const esp_record *r, esp_note *out, int max, int n)
{
	const uint64_t s = 1000000000ull;
	bool asked = g->reboot_requested && r->ts_ns <= g->reboot_request_ts + 5 * s;
	bool lines = g->any_modem && r->ts_ns <= g->rts_ts + s;
	if (asked || lines)
		return diag_note(out, max, n, ESP_NOTE_INFO, "reset-expected", "%s",
				 asked ? "the host asked for this reboot" : "the host toggled the reset lines");
	const boot_state *b = &g->boot;
	bool writing = g->begin_frame && g->blocks_sent < g->begin_blocks;
	bool brownout = b->brownout_msg_frame > b->prev_boot_frame || b->brownout_frame == r->frame;
	if (!g->awaiting && !writing && !brownout)
		return diag_note(out, max, n, ESP_NOTE_INFO, "reset-idle",
				 "the chip rebooted with no request waiting and no write in progress: a new session, "
				 "or the reset button");
	if (!g->reset_frame) {
		g->reset_frame = r->frame;
		g->reset_ts = r->ts_ns;
		g->reset_during_write = g->begin_frame && g->blocks_sent < g->begin_blocks;
		g->reset_write_offset = g->begin_offset;
		g->reset_blocks_sent = g->blocks_sent;
		g->reset_blocks = g->begin_blocks;
	}
	diag_ev(g, F_CHIP_RESET, r->frame);
	return n;
}

int diag_proto(esp_diag *g, const esp_record *r, esp_note *out, int max, int n)
{
	g->last_ts = r->ts_ns;
	switch (r->type) {
	case ESP_REC_COMMAND:
		return command(g, r, out, max, n);
	case ESP_REC_RESPONSE:
		return response(g, r, out, max, n);
	case ESP_REC_TIMEOUT:
		return timeout(g, r, out, max, n);
	case ESP_REC_EVENT:
		return event(g, r, out, max, n);
	case ESP_REC_RAW:
		if (r->dir == ESP_DIR_C2H) {
			g->c2h_units++;
			g->instead_raw++;
		}
		{
			/* the decoder's banner check, or the console parser's (a banner
			 * split across runs, or only the brownout line left: a flasher
			 * that flushes its input keeps no more) */
			bool banner = g->boot.banner_pending;
			g->boot.banner_pending = false;
			for (int i = 0; i < r->n_notes; i++)
				banner |= r->notes[i].code && !strcmp(r->notes[i].code, "chip-reboot") &&
					  r->notes[i].level == ESP_NOTE_WARNING;
			if (banner && (g->frames_c2h || g->sync_cmds))
				n = reboot(g, r, out, max, n);
		}
		return n;
	case ESP_REC_SESSION_END: /* the pipeline's business */
		return n;
	}
	return n;
}

/* End of input: a write still open was cut, not mis-announced. */
void diag_proto_finish(esp_diag *g) { g->begin_frame = 0; }
