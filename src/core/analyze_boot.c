/* analyze_boot.c: the chip's console output: boot banner lines parsed into reset cause and boot mode, bootloader and application messages; garbage handed to the rate estimate. */
#include "core/diagnose_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void diag_boot_reset(boot_state *b)
{
	memset(b, 0, sizeof *b);
	b->reset_cause = -1;
	b->boot_mode = -1;
}

/* ---- console lines ------------------------------------------------------ */

static const char *find(const char *s, const char *w) { return strstr(s, w); }

static void paren(const char *p, char *out, size_t n)
{
	out[0] = 0;
	const char *a = strchr(p, '(');
	if (!a)
		return;
	a++;
	size_t k = 0;
	int depth = 0;
	while (a[k] && (a[k] != ')' || depth > 0) && k + 1 < n) {
		depth += a[k] == '(' ? 1 : a[k] == ')' ? -1 : 0;
		k++;
	}
	memcpy(out, a, k);
	out[k] = 0;
}

static int parse_line(esp_diag *g, const char *s, uint64_t frame, esp_note *out, int max, int n)
{
	boot_state *b = &g->boot;
	const char *p;
	if ((p = find(s, "rst:0x"))) {
		/* ESP32 and later: rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT) */
		b->reset_cause = (int)strtol(p + 6, NULL, 16);
		paren(p, b->reset_name, sizeof b->reset_name);
		const char *q = find(s, "boot:0x");
		char mode[64] = "";
		if (q) {
			b->boot_mode = (int)strtol(q + 7, NULL, 16);
			paren(q, mode, sizeof mode);
		}
		b->boots++;
		b->banner_pending = true;
		b->prev_boot_frame = b->boot_frame;
		b->boot_frame = frame;
		b->download = find(mode, "DOWNLOAD") != NULL;
		b->flash_boot = q && !b->download;
		if (b->download)
			b->download_frame = frame;
		if (b->flash_boot)
			b->flash_boot_frame = frame;
		if (find(b->reset_name, "BROWN")) {
			b->brownout = true;
			b->brownout_frame = frame;
		}
		return diag_note(out, max, n, b->brownout && b->brownout_frame == frame ? ESP_NOTE_WARNING : ESP_NOTE_INFO,
				 "boot-reset", "reset cause 0x%x (%s), boot mode 0x%x (%s): %s", (unsigned)b->reset_cause,
				 b->reset_name[0] ? b->reset_name : "?", (unsigned)(b->boot_mode < 0 ? 0 : b->boot_mode),
				 mode[0] ? mode : "?",
				 b->download ? "the serial loader runs (download mode)"
				 : q	     ? "the chip boots from flash, not into the loader"
					     : "boot mode not printed");
	}
	if ((p = find(s, "rst cause:"))) {
		/* ESP8266: ets Jan  8 2013,rst cause:2, boot mode:(3,6) */
		static const char *const cause[] = {"?", "power-on", "external reset", "?", "hardware watchdog"};
		b->reset_cause = atoi(p + 10);
		snprintf(b->reset_name, sizeof b->reset_name, "%s",
			 b->reset_cause >= 0 && b->reset_cause <= 4 ? cause[b->reset_cause] : "?");
		const char *q = find(s, "boot mode:(");
		b->boot_mode = q ? atoi(q + 11) : -1;
		b->boots++;
		b->banner_pending = true;
		b->prev_boot_frame = b->boot_frame;
		b->boot_frame = frame;
		b->download = b->boot_mode == 1;
		b->flash_boot = b->boot_mode == 3;
		if (b->download)
			b->download_frame = frame;
		if (b->flash_boot)
			b->flash_boot_frame = frame;
		return diag_note(out, max, n, ESP_NOTE_INFO, "boot-reset", "ESP8266 reset cause %d (%s), boot mode %d: %s",
				 b->reset_cause, b->reset_name, b->boot_mode,
				 b->download ? "the serial loader runs (download mode)"
				 : b->flash_boot ? "the chip boots from flash, not into the loader"
						 : "unusual boot mode");
	}
	if (find(s, "waiting for download")) {
		b->download = true;
		b->download_frame = frame;
		return n;
	}
	if (find(s, "Brownout detector was triggered")) {
		b->brownout = true;
		b->brownout_msg_frame = frame;
		b->banner_pending = true;
		return diag_note(out, max, n, ESP_NOTE_WARNING, "boot-brownout",
				 "the supply voltage dropped below the brownout threshold: the chip resets");
	}
	if ((p = find(s, "invalid header: 0x")) || (p = find(s, "Invalid header"))) {
		const char *h = strstr(p, "0x");
		b->invalid_header_value = h ? (uint32_t)strtoul(h + 2, NULL, 16) : 0;
		bool first = !b->invalid_header_frame || b->invalid_header_frame < b->boot_frame;
		if (first)
			b->invalid_header_frame = frame;
		return first ? diag_note(out, max, n, ESP_NOTE_ERROR, "boot-invalid-header",
					 "no valid image at the bootloader offset (header word 0x%08x%s)",
					 b->invalid_header_value,
					 b->invalid_header_value == 0xFFFFFFFFu ? ": erased flash" : "")
			     : n;
	}
	if ((p = find(s, "flash read err"))) {
		b->flash_read_err_frame = frame;
		return diag_note(out, max, n, ESP_NOTE_ERROR, "boot-flash-read-error",
				 "the ROM could not read the bootloader from flash (%s)", p);
	}
	if (find(s, "csum err")) {
		b->csum_err_frame = frame;
		return diag_note(out, max, n, ESP_NOTE_ERROR, "boot-checksum-error",
				 "the image in flash fails its checksum");
	}
	if (find(s, "Guru Meditation Error") || find(s, "Fatal exception") || find(s, "abort() was called") ||
	    find(s, "panic'ed") || find(s, "Backtrace:")) {
		bool first = !b->panic_frame || b->panic_frame < b->boot_frame;
		if (first) {
			b->panic_frame = frame;
			snprintf(b->panic_text, sizeof b->panic_text, "%s", s);
		}
		return first ? diag_note(out, max, n, ESP_NOTE_ERROR, "boot-panic", "the program crashed: %s", s) : n;
	}
	if ((p = find(s, "entry 0x"))) {
		b->entry_frame = frame;
		return diag_note(out, max, n, ESP_NOTE_INFO, "boot-entry", "the ROM loaded the image and jumps to %s",
				 p + 6);
	}
	/* ESP-IDF log lines: "I (123) tag: ..." */
	if ((s[0] == 'I' || s[0] == 'W' || s[0] == 'E') && s[1] == ' ' && s[2] == '(' && s[3] >= '0' && s[3] <= '9') {
		bool first = !b->app_frame || b->app_frame < b->boot_frame;
		if (first)
			b->app_frame = frame;
		return first ? diag_note(out, max, n, ESP_NOTE_INFO, "boot-app", "bootloader or application log") : n;
	}
	return n;
}

static int end_line(esp_diag *g, esp_note *out, int max, int n)
{
	boot_state *b = &g->boot;
	b->line[b->len] = 0;
	if (b->len)
		n = parse_line(g, b->line, b->line_frame, out, max, n);
	b->len = 0;
	b->overflow = false;
	return n;
}

void diag_boot_flush(esp_diag *g)
{
	esp_note scratch[1];
	(void)end_line(g, scratch, 1, 0);
}

int diag_boot_raw(esp_diag *g, const esp_record *r, esp_note *out, int max, int n)
{
	boot_state *b = &g->boot;
	const esp_unit *u = r->unit;
	if (!u)
		return n;
	if (!r->text) {
		/* neither SLIP nor text: a rate mismatch, noise, or a crystal the ROM did not expect */
		size_t len = u->payload_len;
		if (len < 4)
			return n;
		b->garbage_bytes += len;
		if (!b->garbage_frame)
			b->garbage_frame = r->frame;
		diag_ev(g, F_BAUD_MISMATCH, r->frame);
		uint32_t fit = len > b->garbage_best ? esp_baud_estimate(u->payload, len, u->baud) : 0;
		if (len > b->garbage_best) {
			b->garbage_best = len;
			b->garbage_fit = fit;
			b->garbage_read_at = u->baud;
		}
		if (fit)
			return diag_note(out, max, n, ESP_NOTE_WARNING, "baud-garbage",
					 "%zu bytes from the chip are neither SLIP nor text; read at %u baud they become "
					 "text at %u baud (ratio %.3f)",
					 len, u->baud, fit, (double)fit / (double)u->baud);
		return diag_note(out, max, n, ESP_NOTE_WARNING, "baud-garbage",
				 "%zu bytes from the chip are neither SLIP nor text", len);
	}
	b->text_frames++;
	for (size_t i = 0; i < r->text_len; i++) {
		char c = r->text[i];
		if (c == '\n' || c == '\r') {
			n = end_line(g, out, max, n);
			continue;
		}
		if (b->len == 0)
			b->line_frame = r->frame;
		if (b->len + 1 < sizeof b->line)
			b->line[b->len++] = c;
		else
			b->overflow = true;
	}
	return n;
}
