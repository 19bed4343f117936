/* esp_fields.c: record fields and notes, and the payload fields of every command and response by opcode (layouts in PROTOCOL.md §3). */
#include "core/esp_decode_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- record building: fields and notes ---------------------------------- */

char *esp_dec_strdup(esp_decoder *d, const char *s, size_t n)
{
	if (d->spos + n + 1 > sizeof d->sbuf)
		return (char *)"";
	char *o = d->sbuf + d->spos;
	memcpy(o, s, n);
	o[n] = 0;
	d->spos += n + 1;
	return o;
}

void esp_dec_field_u(esp_record *r, const char *name, esp_field_type t, uint64_t v)
{
	if (r->n_fields >= ESP_REC_MAX_FIELDS)
		return;
	esp_field *f = &r->fields[r->n_fields++];
	f->name = name;
	f->type = t;
	f->u = v;
	f->s = NULL;
	f->len = 0;
}

void esp_dec_field_s(esp_decoder *d, esp_record *r, const char *name, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (k < 0)
		k = 0;
	if ((size_t)k >= sizeof tmp)
		k = sizeof tmp - 1;
	if (r->n_fields >= ESP_REC_MAX_FIELDS)
		return;
	esp_field *f = &r->fields[r->n_fields++];
	f->name = name;
	f->type = ESP_F_STR;
	f->s = esp_dec_strdup(d, tmp, (size_t)k);
	f->len = strlen(f->s);
	f->u = 0;
}

void esp_dec_field_bytes(esp_record *r, const char *name, const uint8_t *p, size_t n)
{
	if (r->n_fields >= ESP_REC_MAX_FIELDS)
		return;
	esp_field *f = &r->fields[r->n_fields++];
	f->name = name;
	f->type = ESP_F_BYTES;
	f->s = (const char *)p;
	f->len = n;
	f->u = 0;
}

void esp_dec_note(esp_record *r, esp_note_level lv, const char *code, const char *fmt, ...)
{
	if (r->n_notes >= ESP_REC_MAX_NOTES)
		return;
	esp_note *n = &r->notes[r->n_notes++];
	n->level = lv;
	n->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(n->text, sizeof n->text, fmt, ap);
	va_end(ap);
}

#define MB 1000000.0 /* esptool's timeout_per_mb divides by 1e6 */

static uint32_t per_mb(uint32_t min_ms, double s_per_mb, uint32_t size)
{
	double ms = s_per_mb * 1000.0 * (double)size / MB;
	return ms > min_ms ? (uint32_t)ms : min_ms;
}

static void generic(esp_record *r, const uint8_t *b, size_t n)
{
	esp_dec_field_u(r, "data_len", ESP_F_UINT, n);
	if (n)
		esp_dec_field_bytes(r, "data", b, n > 32 ? 32 : n);
}

static void short_payload(esp_decoder *d, esp_record *r, size_t n)
{
	d->unit->flags |= ESP_UF_MALFORMED;
	d->sum.malformed++;
	esp_dec_note(r, ESP_NOTE_ERROR, "short-payload", "%s needs more than the %zu data bytes present", r->op, n);
}

/* *_DATA commands:
 *   0        4        8        12       16
 *   +--------+--------+--------+--------+---------------- - -
 *   |data_len|  seq   |   0    |   0    | data (checksummed)
 *   +--------+--------+--------+--------+---------------- - -
 * The XOR checksum of the data sits in the frame header (bytes 4-7). */
static void data_command(esp_decoder *d, esp_record *r, uint8_t op, const uint8_t *b, size_t n)
{
	esp_cursor c = esp_cursor_make(b, n);
	uint32_t dlen = esp_u32le(&c);
	uint32_t seq = esp_u32le(&c);
	(void)esp_u32le(&c);
	(void)esp_u32le(&c);
	if (c.short_read) {
		short_payload(d, r, n);
		return;
	}
	const uint8_t *data = b + 16;
	size_t dn = n - 16;
	esp_dec_field_u(r, "data_len", ESP_F_UINT, dlen);
	esp_dec_field_u(r, "seq", ESP_F_UINT, seq);
	r->has_seq = true;
	r->seq = seq;
	if (dlen != dn)
		esp_dec_note(r, ESP_NOTE_WARNING, "data-len-mismatch", "data_len %u but %zu data bytes follow", dlen, dn);

	esp_cursor h = esp_cursor_make(d->unit->payload, d->unit->payload_len);
	h.pos = 4;
	r->has_checksum = true;
	r->ck_declared = esp_u32le(&h);
	r->ck_computed = esp_checksum(data, dn);
	bool bad = r->ck_declared != r->ck_computed;
	if (bad) {
		d->unit->flags |= ESP_UF_CHECKSUM_BAD;
		d->sum.checksum_errors++;
		esp_dec_note(r, ESP_NOTE_ERROR, "checksum-mismatch", "checksum 0x%02x declared, data gives 0x%02x",
			     r->ck_declared, r->ck_computed);
	}
	bool retry = d->last_data_op == op && d->last_data_seq == seq;
	if (retry)
		esp_dec_note(r, ESP_NOTE_INFO, "retry", "block %u sent again", seq);
	bool feed = !bad && !(retry && d->last_data_fed) &&
		    (op == ESP_FLASH_DATA || op == ESP_FLASH_DEFL_DATA || op == ESP_FLASH_ENCRYPT_DATA);
	if (feed)
		esp_flash_data(d, r, data, dn, op == ESP_FLASH_DEFL_DATA);
	if (!retry || feed)
		d->last_data_fed = feed;
	d->last_data_op = op;
	d->last_data_seq = seq;
}

static void spi_pins(esp_decoder *d, esp_record *r, uint32_t cfg)
{
	if (cfg == 0)
		esp_dec_field_s(d, r, "spi_pins", "default");
	else if (cfg == 1)
		esp_dec_field_s(d, r, "spi_pins", "hspi");
	else /* 6-bit pin numbers, HD Q D CS CLK from the top */
		esp_dec_field_s(d, r, "spi_pins", "clk=%u,q=%u,d=%u,hd=%u,cs=%u", cfg & 63, (cfg >> 18) & 63,
				(cfg >> 12) & 63, (cfg >> 24) & 63, (cfg >> 6) & 63);
}

static void write_reg(esp_decoder *d, esp_record *r, const uint8_t *b, size_t n)
{
	if (n < 16 || n % 16) {
		short_payload(d, r, n);
		if (n < 16)
			return;
	}
	esp_cursor c = esp_cursor_make(b, n);
	size_t count = n / 16;
	esp_dec_field_u(r, "count", ESP_F_UINT, count);
	char list[480];
	size_t k = 0;
	list[0] = 0;
	for (size_t i = 0; i < count; i++) {
		uint32_t a = esp_u32le(&c), v = esp_u32le(&c), m = esp_u32le(&c), dl = esp_u32le(&c);
		if (i == 0) {
			esp_dec_field_u(r, "addr", ESP_F_HEX, a);
			esp_dec_field_u(r, "value", ESP_F_HEX, v);
			esp_dec_field_u(r, "mask", ESP_F_HEX, m);
			esp_dec_field_u(r, "delay_us", ESP_F_UINT, dl);
		}
		if (k + 48 < sizeof list)
			k += (size_t)snprintf(list + k, sizeof list - k, "%s0x%08x=0x%08x/0x%08x/%u", i ? ";" : "", a, v,
					      m, dl);
	}
	if (count > 1)
		esp_dec_field_s(d, r, "writes", "%s", list);
}

static void sync_command(esp_record *r, const uint8_t *b, size_t n)
{
	bool ok = n == 36 && b[0] == 0x07 && b[1] == 0x07 && b[2] == 0x12 && b[3] == 0x20;
	for (size_t i = 4; ok && i < 36; i++)
		ok = b[i] == 0x55;
	esp_dec_field_u(r, "pattern_ok", ESP_F_BOOL, ok);
	if (!ok)
		esp_dec_note(r, ESP_NOTE_WARNING, "sync-pattern", "SYNC payload is not 07 07 12 20 + 32 x 55");
}

void esp_dec_command_fields(esp_decoder *d, esp_record *r, uint8_t op, const uint8_t *b, size_t n, esp_pending *p)
{
	const esp_op_info *oi = esp_op_lookup(op);
	if (oi && oi->has_checksum) {
		data_command(d, r, op, b, n);
		return;
	}
	esp_cursor c = esp_cursor_make(b, n);
	uint32_t w[6];
	switch (op) {
	case ESP_FLASH_BEGIN:
	case ESP_FLASH_DEFL_BEGIN: {
		for (int i = 0; i < 4; i++)
			w[i] = esp_u32le(&c);
		if (c.short_read) {
			short_payload(d, r, n);
			return;
		}
		bool has_enc = n >= 20;
		w[4] = has_enc ? esp_u32le(&c) : 0;
		esp_dec_field_u(r, op == ESP_FLASH_BEGIN ? "erase_size" : "size", ESP_F_UINT, w[0]);
		esp_dec_field_u(r, "num_blocks", ESP_F_UINT, w[1]);
		esp_dec_field_u(r, "block_size", ESP_F_UINT, w[2]);
		esp_dec_field_u(r, "offset", ESP_F_HEX, w[3]);
		if (has_enc)
			esp_dec_field_u(r, "encrypted", ESP_F_UINT, w[4]);
		if (p && d->mode != MODE_STUB) /* the ROM erases before it answers */
			p->timeout_ms = per_mb(p->timeout_ms, 30, w[0]);
		int idx = esp_flash_begin(d, r, w[3], w[0], w[1], w[2], op == ESP_FLASH_DEFL_BEGIN, w[4] != 0);
		if (idx >= 0)
			esp_dec_field_u(r, "region", ESP_F_UINT, d->regions[idx].number);
		d->last_data_op = -1;
		return;
	}
	case ESP_FLASH_END:
	case ESP_FLASH_DEFL_END:
		w[0] = esp_u32le(&c);
		if (c.short_read)
			break;
		esp_dec_field_u(r, "flag", ESP_F_UINT, w[0]);
		esp_dec_field_u(r, "reboot", ESP_F_BOOL, w[0] == 0);
		esp_flash_end(d);
		return;
	case ESP_MEM_BEGIN:
		for (int i = 0; i < 4; i++)
			w[i] = esp_u32le(&c);
		if (c.short_read)
			break;
		esp_dec_field_u(r, "size", ESP_F_UINT, w[0]);
		esp_dec_field_u(r, "num_blocks", ESP_F_UINT, w[1]);
		esp_dec_field_u(r, "block_size", ESP_F_UINT, w[2]);
		esp_dec_field_u(r, "addr", ESP_F_HEX, w[3]);
		d->last_data_op = -1;
		return;
	case ESP_MEM_END:
		w[0] = esp_u32le(&c);
		w[1] = esp_u32le(&c);
		if (c.short_read)
			break;
		esp_dec_field_u(r, "flag", ESP_F_UINT, w[0]);
		esp_dec_field_u(r, "entry", ESP_F_HEX, w[1]);
		esp_dec_field_u(r, "jump", ESP_F_BOOL, w[0] == 0 && w[1] != 0);
		if (w[0] == 0 && w[1] != 0) {
			d->expect_ohai = true;
			if (p && d->mode != MODE_STUB)
				p->reply_optional = true;
		}
		return;
	case ESP_SYNC:
		sync_command(r, b, n);
		return;
	case ESP_WRITE_REG:
		write_reg(d, r, b, n);
		return;
	case ESP_READ_REG:
		w[0] = esp_u32le(&c);
		if (c.short_read)
			break;
		esp_dec_field_u(r, "addr", ESP_F_HEX, w[0]);
		if (p)
			p->a[0] = w[0];
		return;
	case ESP_SPI_SET_PARAMS: {
		static const char *const nm[6] = {"id",		"total_size", "block_size",
						  "sector_size", "page_size",  "status_mask"};
		for (int i = 0; i < 6; i++)
			w[i] = esp_u32le(&c);
		if (c.short_read)
			break;
		for (int i = 0; i < 6; i++)
			esp_dec_field_u(r, nm[i], i == 5 ? ESP_F_HEX : ESP_F_UINT, w[i]);
		return;
	}
	case ESP_SPI_ATTACH:
		w[0] = esp_u32le(&c);
		if (c.short_read)
			break;
		esp_dec_field_u(r, "config", ESP_F_HEX, w[0]);
		spi_pins(d, r, w[0]);
		if (n >= 8) /* the ROM takes 4 more bytes (is_legacy + padding) */
			esp_dec_field_u(r, "rom_extra", ESP_F_HEX, esp_u32le(&c));
		return;
	case ESP_READ_FLASH_SLOW:
	case ESP_ERASE_REGION:
	case ESP_SPI_FLASH_MD5:
		w[0] = esp_u32le(&c);
		w[1] = esp_u32le(&c);
		if (c.short_read)
			break;
		esp_dec_field_u(r, op == ESP_SPI_FLASH_MD5 ? "addr" : "offset", ESP_F_HEX, w[0]);
		esp_dec_field_u(r, op == ESP_READ_FLASH_SLOW ? "length" : "size", ESP_F_UINT, w[1]);
		if (!p)
			return;
		p->a[0] = w[0];
		p->a[1] = w[1];
		if (op == ESP_ERASE_REGION)
			p->timeout_ms = per_mb(p->timeout_ms, 30, w[1]);
		if (op == ESP_SPI_FLASH_MD5) {
			p->timeout_ms = per_mb(p->timeout_ms, 8, w[1]);
			p->region = esp_flash_find(d, w[0], w[1]);
			if (p->region >= 0)
				esp_dec_field_u(r, "region", ESP_F_UINT, d->regions[p->region].number);
		}
		return;
	case ESP_CHANGE_BAUDRATE:
		w[0] = esp_u32le(&c);
		w[1] = esp_u32le(&c);
		if (c.short_read)
			break;
		esp_dec_field_u(r, "new_baud", ESP_F_UINT, w[0]);
		esp_dec_field_u(r, "old_baud", ESP_F_UINT, w[1]);
		esp_dec_field_s(d, r, "semantics", "%s", w[1] == 0 ? "rom" : "stub");
		esp_dec_note(r, ESP_NOTE_INFO, "baud-request", "host asks to switch to %u baud", w[0]);
		if (p)
			p->a[0] = w[0];
		return;
	case ESP_READ_FLASH: {
		static const char *const nm[4] = {"offset", "length", "packet_size", "max_in_flight"};
		for (int i = 0; i < 4; i++)
			w[i] = esp_u32le(&c);
		if (c.short_read)
			break;
		for (int i = 0; i < 4; i++)
			esp_dec_field_u(r, nm[i], i == 0 ? ESP_F_HEX : ESP_F_UINT, w[i]);
		if (p)
			memcpy(p->a, w, sizeof p->a);
		return;
	}
	case ESP_SDC_VERIF_BEGIN:
		w[0] = esp_u32le(&c);
		w[1] = esp_u32le(&c);
		if (c.short_read)
			break;
		esp_dec_field_u(r, "ena_nonce", ESP_F_UINT, w[0]);
		esp_dec_field_u(r, "size", ESP_F_UINT, w[1]);
		return;
	case ESP_SDC_VERIF_END:
	case ESP_SDC_GEN_BEGIN:
	case ESP_SDC_GEN_END:
		w[0] = esp_u32le(&c);
		if (c.short_read)
			break;
		esp_dec_field_u(r, "arg", ESP_F_UINT, w[0]);
		return;
	case ESP_GET_SECURITY_INFO:
	case ESP_ERASE_FLASH:
	case ESP_RUN_USER_CODE:
		if (n)
			generic(r, b, n);
		return;
	default:
		generic(r, b, n);
		return;
	}
	short_payload(d, r, n);
}

/* GET_SECURITY_INFO reply data:
 *   0       4   5                12       16       20
 *   +-------+---+----------------+--------+--------+
 *   | flags |cnt| key_purposes[7]|chip_id |api_ver |   (ESP32-S2: first 12 only)
 *   +-------+---+----------------+--------+--------+ */
static void security_info(esp_decoder *d, esp_record *r, const uint8_t *b, size_t n)
{
	esp_cursor c = esp_cursor_make(b, n);
	uint32_t flags = esp_u32le(&c);
	uint8_t cnt = esp_u8(&c);
	const uint8_t *kp = esp_bytes(&c, 7);
	if (c.short_read) {
		generic(r, b, n);
		return;
	}
	esp_dec_field_u(r, "flags", ESP_F_HEX, flags);
	esp_dec_field_u(r, "secure_boot", ESP_F_BOOL, flags & 1);
	esp_dec_field_u(r, "secure_download", ESP_F_BOOL, (flags >> 2) & 1);
	esp_dec_field_u(r, "flash_crypt_cnt", ESP_F_UINT, cnt);
	esp_dec_field_s(d, r, "key_purposes", "%u,%u,%u,%u,%u,%u,%u", kp[0], kp[1], kp[2], kp[3], kp[4], kp[5],
			kp[6]);
	if (n < 20) {
		esp_dec_field_s(d, r, "form", "%s", "short (ESP32-S2)");
		return;
	}
	uint32_t id = esp_u32le(&c), api = esp_u32le(&c);
	esp_dec_field_u(r, "chip_id", ESP_F_UINT, id);
	esp_dec_field_u(r, "api_version", ESP_F_UINT, api);
	const esp_chip_info *ci = esp_chip_by_sec_id(id);
	if (ci)
		esp_dec_set_chip(d, r, ci->chip, "security info");
	else
		esp_dec_note(r, ESP_NOTE_WARNING, "unknown-chip-id", "chip id %u is not in the chip table", id);
}

static void md5_reply(esp_decoder *d, esp_record *r, const esp_pending *req, const uint8_t *b, size_t n)
{
	char hex[33];
	if (n == 32) {
		for (int i = 0; i < 32; i++) {
			char ch = (char)b[i];
			hex[i] = (ch >= 'A' && ch <= 'F') ? (char)(ch - 'A' + 'a') : ch;
		}
		hex[32] = 0;
	} else if (n == 16) {
		esp_md5_hex(b, hex);
	} else {
		esp_dec_note(r, ESP_NOTE_WARNING, "md5-length", "MD5 reply has %zu data bytes, not 32 or 16", n);
		generic(r, b, n);
		return;
	}
	esp_dec_field_s(d, r, "md5", "%s", hex);
	if (req) {
		esp_dec_field_u(r, "addr", ESP_F_HEX, req->a[0]);
		esp_dec_field_u(r, "size", ESP_F_UINT, req->a[1]);
		if (req->region >= 0)
			esp_flash_verify(d, r, req->region, req->a[1], hex);
	}
}

void esp_dec_response_fields(esp_decoder *d, esp_record *r, uint8_t op, const esp_pending *req, const uint8_t *b,
			     size_t n)
{
	switch (op) {
	case ESP_SYNC:
		if (r->value != 0 && d->mode != MODE_ROM) {
			d->mode = MODE_ROM;
		} else if (r->value == 0 && r->status_ok && req && !d->ses_sync_noted) {
			/* the stub answers SYNC with value 0; a flasher then skips the upload */
			d->mode = MODE_STUB;
			d->sum.stub = d->ses_stub = true;
			d->ses_sync_noted = true;
			esp_dec_note(r, ESP_NOTE_INFO, "stub-already-running",
				     "SYNC answered with value 0: the flasher stub was found running");
		}
		r->mode = d->mode == MODE_ROM ? "rom" : d->mode == MODE_STUB ? "stub" : NULL;
		return;
	case ESP_READ_REG:
		if (req)
			esp_dec_field_u(r, "addr", ESP_F_HEX, req->a[0]);
		esp_dec_field_u(r, "value", ESP_F_HEX, r->value);
		if (req && req->a[0] == ESP_CHIP_DETECT_MAGIC_REG && r->status_ok) {
			const esp_chip_info *ci = esp_chip_by_magic(r->value);
			if (ci)
				esp_dec_set_chip(d, r, ci->chip, "magic register");
			else
				esp_dec_note(r, ESP_NOTE_WARNING, "unknown-magic", "chip magic 0x%08x is not known",
					     r->value);
		}
		return;
	case ESP_SPI_FLASH_MD5:
		if (r->status_ok)
			md5_reply(d, r, req, b, n);
		return;
	case ESP_GET_SECURITY_INFO:
		if (r->status_ok)
			security_info(d, r, b, n);
		return;
	case ESP_READ_FLASH_SLOW:
		esp_dec_field_u(r, "data_len", ESP_F_UINT, n);
		if (n)
			esp_dec_field_bytes(r, "data", b, n);
		return;
	case ESP_CHANGE_BAUDRATE:
		if (req && r->status_ok) {
			esp_dec_field_u(r, "new_baud", ESP_F_UINT, req->a[0]);
			esp_dec_note(r, ESP_NOTE_INFO, "baud-changed", "both ends switch from %u to %u baud", d->baud,
				     req->a[0]);
			d->baud = req->a[0];
		}
		return;
	default:
		if (n)
			generic(r, b, n);
		return;
	}
}
