/* esp_replies.c: chip output beyond one reply per request: unsupported-command replies and their repeats, the READ_FLASH stream, reboots. */
#include "core/esp_decode_int.h"

#include <stdio.h>
#include <string.h>

/* ---- unsupported commands ----------------------------------------------- */

/* The ROM's answer to a command it does not know: status 1, error 0x05. ROMs
 * before the ESP32-S2 do not know GET_SECURITY_INFO, and flashers send it
 * first to identify the chip, falling back to the magic register when it is
 * rejected: that rejection, or the first one while the chip is being
 * identified, is expected. The reply is remembered because the ROM repeats it. */
void esp_dec_unsupported(esp_decoder *d, esp_record *r, const esp_pending *req, uint8_t op, const uint8_t *p,
			size_t n)
{
	bool expected = d->mode != MODE_STUB &&
			(req->op == ESP_GET_SECURITY_INFO || (d->detecting && !d->unsup_frame));
	char echo[48] = "";
	if (op != req->op)
		snprintf(echo, sizeof echo, " (its reply carries opcode 0x%02x)", op);
	if (expected) {
		d->sum.probe_rejections++;
		if (req->op == ESP_GET_SECURITY_INFO)
			esp_dec_note(r, ESP_NOTE_INFO, "unsupported-command",
				     "this ROM does not know GET_SECURITY_INFO%s: expected during chip detection "
				     "on ESP8266/ESP32; the flasher reads the magic register instead",
				     echo);
		else
			esp_dec_note(r, ESP_NOTE_INFO, "unsupported-command",
				     "the ROM rejected %s (0x%02x) as unsupported%s: expected while the flasher "
				     "identifies the chip",
				     esp_dec_op_name(req->op), req->op, echo);
	} else {
		esp_dec_status_error(d, r, false);
		if (op != req->op) /* the echo of another opcode shows the ROM did not take it in */
			esp_dec_note(r, ESP_NOTE_WARNING, "unsupported-command",
				     "the ROM rejected %s (0x%02x) as unsupported%s", esp_dec_op_name(req->op), req->op, echo);
	}
	d->unsup_frame = req->frame;
	d->unsup_ts = req->ts_ns;
	d->unsup_op = op;
	d->unsup_req_op = req->op;
	d->unsup_expected = expected;
	d->unsup_len = n <= sizeof d->unsup_bytes ? n : 0;
	if (d->unsup_len)
		memcpy(d->unsup_bytes, p, n);
}

/* Another copy of the last unsupported-command reply, while the host is not
 * re-sending the command it rejected: a copy can still be on the line after
 * the host has sent its next command, which it does not answer. */
static bool is_unsup_repeat(esp_decoder *d, uint8_t op, const uint8_t *p, size_t n)
{
	if (!d->unsup_frame || esp_dec_find_pending(d, d->unsup_req_op))
		return false;
	if (d->unsup_len == n && memcmp(d->unsup_bytes, p, n) == 0)
		return true;
	return op == d->unsup_op && !esp_dec_find_pending(d, op);
}

bool esp_dec_unsup_repeat(esp_decoder *d, esp_record *r, uint8_t op, const uint8_t *p, size_t n)
{
	if (!is_unsup_repeat(d, op, p, n))
		return false;
	esp_dec_pair(r, d->unsup_frame, d->unsup_ts);
	r->op = esp_dec_op_name(d->unsup_req_op);
	d->sum.extra_replies++;
	if (!d->unsup_expected)
		esp_dec_status_error(d, r, false);
	char also[96] = "";
	esp_pending *w = esp_dec_latest_pending(d);
	if (w) {
		w->stray = r->frame;
		snprintf(also, sizeof also, ", still on the line: it does not answer %s (frame %llu)", esp_dec_op_name(w->op),
			 (unsigned long long)w->frame);
	}
	esp_dec_note(r, d->unsup_expected ? ESP_NOTE_INFO : ESP_NOTE_WARNING, "unsupported-extra-reply",
		     "repeat of the ROM's unsupported-command reply to %s (frame %llu)%s", esp_dec_op_name(d->unsup_req_op),
		     (unsigned long long)d->unsup_frame, also);
	return true;
}

/* ---- the READ_FLASH stream ---------------------------------------------- */

void esp_dec_read_data(esp_decoder *d, esp_record *r, const uint8_t *p, size_t n)
{
	esp_readflash *rf = &d->rf;
	r->type = ESP_REC_RESPONSE;
	r->mode = "stub";
	d->sum.responses++;
	/* reply_to names the READ_FLASH; the latency is the wait since the flow's
	 * previous frame (its reply, the host's last ack or the previous packet) */
	r->reply_to = rf->frame;
	r->latency_ms = esp_dec_ms_between(rf->last_ts, r->ts_ns);
	rf->last_ts = r->ts_ns;
	if (rf->received < rf->length) {
		r->op = "READ_FLASH_DATA";
		esp_dec_field_u(r, "offset", ESP_F_HEX, (uint64_t)rf->offset + rf->received);
		esp_dec_field_u(r, "len", ESP_F_UINT, n);
		uint32_t want = rf->length - rf->received;
		if (rf->packet_size && want > rf->packet_size)
			want = rf->packet_size;
		if (n != want)
			esp_dec_note(r, ESP_NOTE_ERROR, "read-packet-size", "expected %u bytes, got %zu", want, n);
		esp_md5_update(&rf->md5, p, n);
		rf->received += (uint32_t)n;
		d->sum.read_flash_packets++;
		return;
	}
	r->op = "READ_FLASH_DIGEST";
	char got[33], want[33];
	esp_md5_hex_of(&rf->md5, got);
	if (n == 16)
		esp_md5_hex(p, want);
	else
		snprintf(want, sizeof want, "%s", "");
	esp_dec_field_s(d, r, "md5", "%s", want);
	esp_dec_field_s(d, r, "md5_data", "%s", got);
	if (n != 16) {
		esp_dec_note(r, ESP_NOTE_ERROR, "read-digest-mismatch", "digest frame has %zu bytes, not 16", n);
	} else if (strcmp(got, want) != 0) {
		esp_dec_note(r, ESP_NOTE_ERROR, "read-digest-mismatch", "stub says %s, data received hashes to %s",
			     want, got);
	} else {
		esp_dec_note(r, ESP_NOTE_INFO, "read-digest-ok", "MD5 of the %u bytes read matches", rf->received);
	}
	rf->active = false;
}

void esp_dec_read_ack(esp_decoder *d, esp_record *r, const uint8_t *p)
{
	esp_cursor c = esp_cursor_make(p, 4);
	uint32_t acked = esp_u32le(&c);
	r->type = ESP_REC_COMMAND;
	r->op = "READ_FLASH_ACK";
	r->mode = "stub";
	d->sum.commands++;
	d->rf.last_ts = r->ts_ns;
	esp_dec_field_u(r, "acked", ESP_F_UINT, acked);
	if (acked != d->rf.received)
		esp_dec_note(r, ESP_NOTE_WARNING, "ack-mismatch", "host acknowledges %u bytes, %u were sent", acked,
			     d->rf.received);
}

/* The cut-off start of another copy of the ROM's unsupported-command reply:
 * esptool flushes its input after that reply, so its trace keeps only the
 * bytes it had already read. */
bool esp_dec_unsup_leftover(esp_decoder *d, esp_record *r, const uint8_t *p, size_t n)
{
	if (!(d->unit->flags & (ESP_UF_UNTERMINATED | ESP_UF_TRUNCATED)) || n == 0 || n >= d->unsup_len ||
	    memcmp(p, d->unsup_bytes, n) != 0)
		return false;
	r->type = ESP_REC_RAW;
	d->sum.undecoded++;
	esp_dec_note(r, d->unsup_expected ? ESP_NOTE_INFO : ESP_NOTE_WARNING, "unsupported-extra-reply",
		     "first %zu bytes of another copy of the ROM's unsupported-command reply to %s (frame %llu); "
		     "the rest is missing (the flasher flushed its input)",
		     n, esp_dec_op_name(d->unsup_req_op), (unsigned long long)d->unsup_frame);
	return true;
}

static bool contains(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= n; i++)
		if (p[i] == (uint8_t)s[0] && memcmp(p + i, s, k) == 0)
			return true;
	return false;
}

/* The ROM's boot banner ("rst:0x.." from the ESP32 on, "rst cause:" on the
 * ESP8266): the chip rebooted, so whatever ran from RAM (the stub) is gone and
 * requests in flight will not be answered. Which loader answers next (ROM
 * download mode or an application) the next frames tell. */
static void chip_rebooted(esp_decoder *d, esp_record *r)
{
	bool busy = d->sum.frames > 0;
	esp_dec_note(r, busy ? ESP_NOTE_WARNING : ESP_NOTE_INFO, "chip-reboot", "%s%s",
		     busy ? "the chip rebooted during the session" : "the chip booted",
		     d->mode == MODE_STUB ? ": the stub is no longer running" : "");
	d->mode = MODE_UNKNOWN;
	d->rf.active = d->rf.awaiting = false;
	d->expect_ohai = false;
	for (int i = 0; i < ESP_PENDING_MAX; i++)
		if (d->pend[i].used)
			d->pend[i].reset = true;
}


void esp_dec_boot_banner(esp_decoder *d, esp_record *r, const uint8_t *p, size_t n)
{
	if (contains(p, n, "rst:0x") || contains(p, n, "rst cause:"))
		chip_rebooted(d, r);
}
