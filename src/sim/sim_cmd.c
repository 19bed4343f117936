/* sim_cmd.c: the simulated loader: ROM and stub command handlers, replies, and the faults that bend them. */
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/md5.h"
#include "sim/sim_internal.h"

/* Error codes the handlers use, ROM (status byte 1) and stub (byte 0). */
enum {
	ROM_INVALID_INPUT = 0x01,
	ROM_INVALID_MSG = 0x05,
	ROM_RESULT_WRONG = 0x06,
	ROM_CHECKSUM = 0x07,
	ROM_READ_LEN = 0x0A,
	ROM_DEFLATE = 0x0B,
	STUB_BAD_LEN = 0xC0,
	STUB_BAD_CHECKSUM = 0xC1,
	STUB_BAD_BLOCKSIZE = 0xC2,
	STUB_INVALID_CMD = 0xC3,
	STUB_SPI_FAILED = 0xC4,
	STUB_NOT_IN_FLASH_MODE = 0xC6,
	STUB_INFLATE = 0xC7,
	STUB_TOO_MUCH = 0xC9,
};

#define STUB_BLOCK_MAX 0x4000u

typedef struct {
	uint8_t op;
	uint32_t value;
	uint8_t data[64];
	size_t dlen;
	uint8_t err; /* 0: success */
	bool silent; /* no reply at all */
	int repeat;  /* replies sent (SYNC: 8) */
	/* what happens once the reply is on its way */
	uint32_t new_baud;
	bool enter_stub, reboot;
} reply;

void sim_loader_reset(esp_sim *s)
{
	if (s->zs_live)
		inflateEnd(&s->zs);
	s->zs_live = false;
	s->flash_active = s->mem_active = s->rf_active = false;
	s->stub_pending_err = 0;
	s->autobaud = false;
	s->n_regs = 0;
	s->last_op = 0;
	s->last_value = 0;
}

static bool is_stub(const esp_sim *s) { return s->mode == SIM_STUB; }

static uint8_t err_code(const esp_sim *s, uint8_t rom, uint8_t stub) { return is_stub(s) ? stub : rom; }

static void send_reply(esp_sim *s, const reply *r, bool corrupt)
{
	uint8_t pkt[8 + 64 + 4];
	size_t nstat = is_stub(s) ? 2 : s->ci->rom_status_len;
	size_t size = r->dlen + nstat;
	pkt[0] = 0x01;
	pkt[1] = r->op;
	esp_put_u16le(pkt + 2, (uint16_t)size);
	esp_put_u32le(pkt + 4, r->value);
	memcpy(pkt + 8, r->data, r->dlen);
	uint8_t *st = pkt + 8 + r->dlen;
	memset(st, 0, nstat);
	if (r->err) {
		if (is_stub(s))
			st[0] = r->err; /* stub: [error, 0] */
		else {
			st[0] = 1; /* ROM: [failed, error, 0, 0] */
			st[1] = r->err;
		}
	}
	if (corrupt) {
		/* Damage what the host checks: the data, else the value it reads, else the status. */
		if (r->dlen)
			pkt[8] ^= 0x5A;
		else if (r->op == ESP_READ_REG || r->op == ESP_SYNC)
			pkt[4] ^= 0x5A;
		else
			st[0] ^= 0xA5;
	}
	sim_send_frame(s, pkt, 8 + size);
}

static bool flash_range_ok(const esp_sim *s, uint32_t off, uint32_t len)
{
	return (uint64_t)off + len <= s->flash_size;
}

/* Stub: erase sectors just ahead of the write pointer, as the stub does. */
static void lazy_erase(esp_sim *s, uint32_t upto)
{
	while (s->fl_erased_to < upto && s->fl_erased_to < s->flash_size) {
		sim_flash_erase(s, s->fl_erased_to, 0x1000);
		s->fl_erased_to += 0x1000;
	}
}

static void write_stream(esp_sim *s, const uint8_t *p, size_t n)
{
	uint32_t at = s->fl_offset + s->fl_written;
	if (is_stub(s))
		lazy_erase(s, at + (uint32_t)n);
	sim_flash_program(s, at, p, n);
	s->fl_written += (uint32_t)n;
}

static void cmd_flash_begin(esp_sim *s, esp_cursor *c, size_t len, bool defl, reply *r)
{
	uint32_t size = esp_u32le(c), blocks = esp_u32le(c), bsize = esp_u32le(c), off = esp_u32le(c);
	if (len != 16 && len != 20) {
		r->err = err_code(s, ROM_INVALID_MSG, STUB_BAD_LEN);
		return;
	}
	if (is_stub(s) && bsize > STUB_BLOCK_MAX) {
		r->err = STUB_BAD_BLOCKSIZE;
		return;
	}
	if (!flash_range_ok(s, off, size)) {
		r->err = err_code(s, ROM_INVALID_INPUT, STUB_SPI_FAILED);
		return;
	}
	if (s->zs_live)
		inflateEnd(&s->zs);
	s->zs_live = false;
	s->flash_active = true;
	s->flash_defl = defl;
	s->fl_offset = off;
	s->fl_size = size;
	s->fl_blocks = blocks;
	s->fl_block_size = bsize;
	s->fl_written = 0;
	s->fl_next_seq = 0;
	s->fl_erased_to = off & ~0xFFFu;
	if (!is_stub(s))
		sim_flash_erase(s, off, size); /* the ROM erases up front */
	if (defl) {
		memset(&s->zs, 0, sizeof s->zs);
		if (inflateInit(&s->zs) != Z_OK) {
			r->err = err_code(s, ROM_DEFLATE, STUB_INFLATE);
			s->flash_active = false;
			return;
		}
		s->zs_live = true;
	}
}

static void cmd_flash_data(esp_sim *s, uint32_t chk, esp_cursor *c, size_t len, bool defl, reply *r)
{
	uint32_t dlen = esp_u32le(c), seq = esp_u32le(c);
	esp_u32le(c);
	esp_u32le(c);
	const uint8_t *d = c->short_read ? NULL : esp_bytes(c, dlen);
	if (!d || len != 16 + (size_t)dlen) {
		r->err = err_code(s, ROM_INVALID_MSG, STUB_BAD_LEN);
		return;
	}
	if (esp_checksum(d, dlen) != (chk & 0xFF)) {
		r->err = err_code(s, ROM_CHECKSUM, STUB_BAD_CHECKSUM);
		return;
	}
	if (!s->flash_active || s->flash_defl != defl) {
		r->err = err_code(s, ROM_INVALID_MSG, STUB_NOT_IN_FLASH_MODE);
		return;
	}
	(void)seq;
	if (!defl) {
		if (is_stub(s) && s->fl_written + dlen > s->fl_size + s->fl_block_size) {
			r->err = STUB_TOO_MUCH;
			return;
		}
		write_stream(s, d, dlen);
		return;
	}
	s->zs.next_in = (Bytef *)d;
	s->zs.avail_in = dlen;
	uint8_t out[16384];
	int zr = Z_OK;
	while (zr == Z_OK && (s->zs.avail_in > 0 || s->zs.avail_out == 0)) {
		s->zs.next_out = out;
		s->zs.avail_out = sizeof out;
		zr = inflate(&s->zs, Z_NO_FLUSH);
		size_t got = sizeof out - s->zs.avail_out;
		if (got) {
			if (s->fl_written + got > s->fl_size && is_stub(s)) {
				s->stub_pending_err = STUB_TOO_MUCH;
				return;
			}
			write_stream(s, out, got);
		}
		if (zr == Z_BUF_ERROR && s->zs.avail_in == 0)
			zr = Z_OK;
		if (got == 0 && s->zs.avail_in == 0)
			break;
	}
	if (zr != Z_OK && zr != Z_STREAM_END) {
		/* The stub has already acknowledged the block: it owns up with the next command. */
		if (is_stub(s))
			s->stub_pending_err = STUB_INFLATE;
		else
			r->err = ROM_DEFLATE;
	}
}

static void cmd_flash_end(esp_sim *s, esp_cursor *c, reply *r)
{
	uint32_t flag = esp_u32le(c);
	if (s->zs_live)
		inflateEnd(&s->zs);
	s->zs_live = false;
	s->flash_active = false;
	/* flag 0 asks for a reboot; the ROM leaves the loader either way. */
	r->reboot = flag == 0 || !is_stub(s);
}

static void cmd_md5(esp_sim *s, esp_cursor *c, reply *r)
{
	uint32_t off = esp_u32le(c), len = esp_u32le(c);
	if (c->short_read || !flash_range_ok(s, off, len)) {
		r->err = err_code(s, ROM_INVALID_INPUT, STUB_SPI_FAILED);
		return;
	}
	esp_md5 m;
	uint8_t d[16];
	esp_md5_init(&m);
	esp_md5_update(&m, s->flash + off, len);
	esp_md5_final(&m, d);
	if (is_stub(s)) {
		memcpy(r->data, d, 16);
		r->dlen = 16;
	} else {
		char hex[33];
		esp_md5_hex(d, hex);
		memcpy(r->data, hex, 32);
		r->dlen = 32;
	}
}

static void cmd_security_info(esp_sim *s, reply *r)
{
	/* flags u32, flash_crypt_cnt u8, key_purposes[7], chip_id u32, api_version u32: all clear. */
	memset(r->data, 0, 20);
	if (s->ci->sec_info_chip_id < 0) {
		r->dlen = 12; /* ESP32-S2: no chip id */
		return;
	}
	esp_put_u32le(r->data + 12, (uint32_t)s->ci->sec_info_chip_id);
	r->dlen = 20;
}

static void cmd_read_flash(esp_sim *s, esp_cursor *c, reply *r)
{
	uint32_t off = esp_u32le(c), len = esp_u32le(c), packet = esp_u32le(c), inflight = esp_u32le(c);
	if (c->short_read) {
		r->err = STUB_BAD_LEN;
		return;
	}
	if (!flash_range_ok(s, off, len) || packet == 0 || packet > 0x10000) {
		r->err = STUB_SPI_FAILED;
		return;
	}
	s->rf_active = true;
	s->rf_offset = off;
	s->rf_len = len;
	s->rf_sent = s->rf_acked = 0;
	s->rf_packet = packet;
	/* Both stubs send one packet and wait for its ack whatever max_in_flight
	 * says (the legacy stub by a bug, the new one on purpose). */
	(void)inflight;
	s->rf_inflight = 1;
}

void sim_read_flash_pump(esp_sim *s)
{
	if (!s->rf_active)
		return;
	while (s->rf_sent < s->rf_len &&
	       (uint64_t)(s->rf_sent - s->rf_acked) < (uint64_t)s->rf_inflight * s->rf_packet) {
		uint32_t n = s->rf_len - s->rf_sent < s->rf_packet ? s->rf_len - s->rf_sent : s->rf_packet;
		sim_send_frame(s, s->flash + s->rf_offset + s->rf_sent, n);
		s->rf_sent += n;
	}
	if (s->rf_sent >= s->rf_len && s->rf_acked >= s->rf_len) {
		esp_md5 m;
		uint8_t d[16];
		esp_md5_init(&m);
		esp_md5_update(&m, s->flash + s->rf_offset, s->rf_len);
		esp_md5_final(&m, d);
		sim_send_frame(s, d, 16);
		s->rf_active = false;
	}
}

static bool op_supported(const esp_sim *s, uint8_t op)
{
	const esp_op_info *oi = esp_op_lookup(op);
	if (!oi)
		return false;
	if (is_stub(s))
		return (oi->who & ESP_WHO_STUB) != 0;
	uint8_t who = s->ci->chip == ESP_CHIP_ESP8266 ? ESP_WHO_ROM8266
		      : s->ci->chip == ESP_CHIP_ESP32 ? ESP_WHO_ROM32
						       : ESP_WHO_ROMNEW;
	return (oi->who & who) != 0;
}

static void execute(esp_sim *s, uint8_t op, uint32_t chk, esp_cursor *c, size_t len, reply *r)
{
	switch (op) {
	case ESP_SYNC:
		r->value = is_stub(s) ? 0 : ESP_SYNC_VALUE_ROM;
		if (!is_stub(s))
			s->last_value = r->value;
		r->repeat = 8;
		s->autobaud = false; /* rate locked */
		break;
	case ESP_READ_REG: {
		uint32_t addr = esp_u32le(c);
		if (c->short_read) {
			r->err = err_code(s, ROM_INVALID_MSG, STUB_BAD_LEN);
			break;
		}
		sim_reg_read(s, addr, &r->value);
		s->last_value = r->value;
		break;
	}
	case ESP_WRITE_REG:
		if (len == 0 || len % 16) {
			r->err = err_code(s, ROM_INVALID_MSG, STUB_BAD_LEN);
			break;
		}
		while (esp_cursor_left(c) >= 16) {
			uint32_t addr = esp_u32le(c), val = esp_u32le(c), mask = esp_u32le(c);
			esp_u32le(c); /* delay_us: time is not modelled that finely */
			sim_reg_write(s, addr, val, mask);
		}
		break;
	case ESP_SPI_ATTACH:
	case ESP_SPI_SET_PARAMS:
		if (len < 4)
			r->err = err_code(s, ROM_INVALID_MSG, STUB_BAD_LEN);
		break;
	case ESP_FLASH_BEGIN:
	case ESP_FLASH_DEFL_BEGIN:
		cmd_flash_begin(s, c, len, op == ESP_FLASH_DEFL_BEGIN, r);
		break;
	case ESP_FLASH_DATA:
	case ESP_FLASH_DEFL_DATA:
		cmd_flash_data(s, chk, c, len, op == ESP_FLASH_DEFL_DATA, r);
		break;
	case ESP_FLASH_END:
	case ESP_FLASH_DEFL_END:
		cmd_flash_end(s, c, r);
		break;
	case ESP_MEM_BEGIN:
		s->mem_size = esp_u32le(c);
		s->mem_blocks = esp_u32le(c);
		s->mem_block_size = esp_u32le(c);
		s->mem_addr = esp_u32le(c);
		if (c->short_read)
			r->err = err_code(s, ROM_INVALID_MSG, STUB_BAD_LEN);
		else
			s->mem_active = true;
		break;
	case ESP_MEM_DATA: {
		uint32_t dlen = esp_u32le(c);
		esp_bytes(c, 12);
		const uint8_t *d = c->short_read ? NULL : esp_bytes(c, dlen);
		if (!d || len != 16 + (size_t)dlen)
			r->err = err_code(s, ROM_INVALID_MSG, STUB_BAD_LEN);
		else if (esp_checksum(d, dlen) != (chk & 0xFF))
			r->err = err_code(s, ROM_CHECKSUM, STUB_BAD_CHECKSUM);
		else if (!s->mem_active)
			r->err = err_code(s, ROM_INVALID_MSG, STUB_NOT_IN_FLASH_MODE);
		break;
	}
	case ESP_MEM_END: {
		uint32_t flag = esp_u32le(c), entry = esp_u32le(c);
		s->mem_active = false;
		r->enter_stub = flag == 0 && entry != 0; /* the ROM or a running stub jumps to the code */
		break;
	}
	case ESP_CHANGE_BAUDRATE: {
		uint32_t nb = esp_u32le(c);
		esp_u32le(c);
		if (c->short_read || nb < 300) {
			r->err = err_code(s, ROM_INVALID_MSG, STUB_BAD_LEN);
			break;
		}
		if (!s->ignore_baud)
			r->new_baud = nb; /* after the reply, which goes at the old rate */
		break;
	}
	case ESP_SPI_FLASH_MD5:
		cmd_md5(s, c, r);
		break;
	case ESP_GET_SECURITY_INFO:
		cmd_security_info(s, r);
		break;
	case ESP_READ_FLASH_SLOW: {
		uint32_t off = esp_u32le(c), n = esp_u32le(c);
		if (c->short_read || n > 64)
			r->err = ROM_READ_LEN;
		else if (!flash_range_ok(s, off, 64))
			r->err = ROM_INVALID_INPUT;
		else {
			memcpy(r->data, s->flash + off, 64); /* always 64 bytes */
			r->dlen = 64;
		}
		break;
	}
	case ESP_ERASE_FLASH:
		sim_flash_erase(s, 0, s->flash_size);
		break;
	case ESP_ERASE_REGION: {
		uint32_t off = esp_u32le(c), n = esp_u32le(c);
		if (c->short_read)
			r->err = STUB_BAD_LEN;
		else if ((off | n) & 0xFFF || !flash_range_ok(s, off, n))
			r->err = STUB_SPI_FAILED;
		else
			sim_flash_erase(s, off, n);
		break;
	}
	case ESP_READ_FLASH:
		cmd_read_flash(s, c, r);
		break;
	case ESP_RUN_USER_CODE:
		r->silent = true;
		r->reboot = true;
		break;
	default:
		r->err = err_code(s, ROM_INVALID_MSG, STUB_INVALID_CMD);
		break;
	}
}

static void brownout(esp_sim *s)
{
	sim_boot(s, 0xF, true, "\r\nBrownout detector was triggered\r\n\r\n");
}

void sim_handle_frame(esp_sim *s, const uint8_t *p, size_t n)
{
	if (s->mode == SIM_STUB && s->rf_active && n == 4) {
		esp_cursor a = esp_cursor_make(p, n);
		s->rf_acked = esp_u32le(&a); /* the host's running total */
		sim_read_flash_pump(s);
		return;
	}
	esp_cursor c = esp_cursor_make(p, n);
	uint8_t dir = esp_u8(&c), op = esp_u8(&c);
	uint16_t size = esp_u16le(&c);
	uint32_t chk = esp_u32le(&c);
	if (c.short_read || dir != 0x00)
		return; /* not a command: the loader ignores it */
	uint64_t nth = ++s->op_count[op];
	reply r = {.op = op, .value = is_stub(s) ? 0 : s->last_value};
	if (sim_fault_hit(s, FAULT_BROWNOUT, op, nth)) {
		brownout(s);
		return;
	}
	if (s->boot_to_flash && op == ESP_SYNC)
		return;
	const sim_fault *f = sim_fault_hit(s, FAULT_ERROR, op, nth);
	if (f) {
		r.err = f->code;
	} else if (is_stub(s) && s->stub_pending_err) {
		r.err = s->stub_pending_err; /* a failed write, reported now; this command is not run */
		s->stub_pending_err = 0;
	} else if (size != esp_cursor_left(&c)) {
		r.err = err_code(s, ROM_INVALID_MSG, STUB_BAD_LEN);
	} else if (!op_supported(s, op)) {
		r.err = err_code(s, ROM_INVALID_MSG, STUB_INVALID_CMD);
		if (!is_stub(s)) {
			/* The ROM answers a command it lacks with a stale header (the
			 * last reply's opcode and value), eight times: flashers tell it
			 * from a failed command by the opcode that does not match. */
			r.op = s->last_op ? s->last_op : ESP_SYNC;
			r.repeat = 8;
		}
	} else {
		execute(s, op, chk, &c, size, &r);
	}
	if (!is_stub(s) && !r.err)
		s->last_op = r.op;
	if (!r.silent && !sim_fault_hit(s, FAULT_DROP, op, nth)) {
		bool corrupt = sim_fault_hit(s, FAULT_CORRUPT, op, nth) != NULL;
		int times = r.repeat ? r.repeat : 1;
		for (int i = 0; i < times; i++)
			send_reply(s, &r, corrupt && i == 0);
	}
	if (r.new_baud)
		sim_set_chip_baud(s, r.new_baud);
	if (r.enter_stub) {
		/* The uploaded stub starts and greets: the only unsolicited frame. */
		uint32_t baud = s->chip_baud;
		sim_loader_reset(s);
		s->mode = SIM_STUB;
		s->chip_baud = baud;
		sim_send_frame(s, (const uint8_t *)"OHAI", 4);
	}
	if (r.reboot) {
		sim_boot(s, 0xC, false, NULL);
		return;
	}
	if (s->rf_active)
		sim_read_flash_pump(s);
}
