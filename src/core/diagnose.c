/* diagnose.c: the diagnosis context: runs the analyzers on each record, keeps bounded evidence per finding code, and weighs it into findings when a session ends. */
#include "core/diagnose_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const code_names[F_COUNT] = {
	[F_NO_SYNC] = "no-sync",
	[F_BAUD_MISMATCH] = "baud-mismatch",
	[F_WRITE_FAILED] = "write-failed-midway",
	[F_CHECKSUM] = "checksum-error",
	[F_TIMEOUT] = "timeout",
	[F_CHIP_RESET] = "chip-reset",
	[F_FLASH_MODE] = "flash-mode",
	[F_MISSING_BOOTLOADER] = "missing-bootloader",
	[F_SPI_PINS] = "spi-pins",
	[F_EARLY_CRASH] = "early-crash",
	[F_VERIFY_FAILED] = "verify-failed",
	[F_HOST_CHECKSUM] = "host-checksum",
	[F_HOST_SEQ] = "host-sequence",
	[F_HOST_PADDING] = "host-padding",
	[F_HOST_BEGIN_SIZE] = "host-begin-size",
	[F_HOST_NO_WAIT] = "host-no-wait",
	[F_HOST_SPI_ATTACH] = "host-spi-attach",
	[F_HOST_CHANGE_BAUD] = "host-change-baudrate",
	[F_HOST_EARLY_DATA] = "host-early-data",
	[F_HOST_READ_ACK] = "host-read-flash-ack",
	[F_HOST_MD5] = "host-md5",
	[F_PORT_BUSY] = "port-busy",
	[F_PORT_PERMISSION] = "port-permission",
	[F_PORT_VANISHED] = "port-vanished",
};

/* Remedies in our own words; one or two sentences each. */
static const char *const remedies[F_COUNT] = {
	[F_NO_SYNC] = "Check the port and its wiring, then put the chip in download mode: hold BOOT (GPIO0) low "
		      "while pressing reset, or fix the DTR/RTS auto-reset circuit.",
	[F_BAUD_MISMATCH] = "Flash at a lower rate (--baud 115200), or use a cable and adapter that hold the rate; "
			    "read console output at the rate the chip prints it (74880 on the ESP8266).",
	[F_WRITE_FAILED] = "Retry at a lower baud rate and give the board a stronger 3.3 V supply (short cable, "
			   "powered hub, bulk capacitor).",
	[F_CHECKSUM] = "If the flasher computed it wrong, fix it: XOR of the data bytes only, seeded with 0xEF; if "
		       "the line damaged the frame, lower the baud rate or change the cable.",
	[F_TIMEOUT] = "Look at what the chip sent instead: a reboot points at power, garbage at the baud rate; "
		      "otherwise raise the flasher's timeout for long erases.",
	[F_CHIP_RESET] = "Power the board from a supply that can deliver 500 mA with a bulk capacitor near the "
			 "chip; a USB-serial adapter's 3.3 V pin is not enough.",
	[F_FLASH_MODE] = "Flash again with --flash-mode dio (this module's flash cannot run QIO/QOUT).",
	[F_MISSING_BOOTLOADER] = "Write the second-stage bootloader at the chip's bootloader offset (0x1000 on "
				 "ESP32/ESP32-S2, 0x0 on S3/C3/C6/H2, 0x2000 on P4/C5).",
	[F_SPI_PINS] = "Free the flash pins (GPIO 6 to 11 on the ESP32) of anything connected, or flash with "
		       "--flash-mode dio.",
	[F_EARLY_CRASH] = "The write worked; the program itself crashes: read the panic and backtrace in the "
			  "console lines shown.",
	[F_VERIFY_FAILED] = "Write again at a lower baud rate; if it fails again at the same place, the flash "
			    "chip may be worn or the wrong size.",
	[F_HOST_CHECKSUM] = "Compute the checksum as the XOR of the data bytes (after the 16-byte header) "
			    "seeded with 0xEF.",
	[F_HOST_SEQ] = "Number blocks from 0 after each BEGIN and send a block again only after an error or a "
		       "timeout.",
	[F_HOST_PADDING] = "Pad the last block with 0xFF up to the block size announced in FLASH_BEGIN.",
	[F_HOST_BEGIN_SIZE] = "Announce in BEGIN the size and block count of the data really sent (ESP8266 ROM: "
			      "use esptool's reduced erase size).",
	[F_HOST_NO_WAIT] = "Wait for each command's answer (or its timeout) before sending the next.",
	[F_HOST_SPI_ATTACH] = "Send SPI_ATTACH with 8 bytes to the ROM and 4 bytes to the stub.",
	[F_HOST_CHANGE_BAUD] = "Send CHANGE_BAUDRATE as (new, 0) to the ROM and (new, current rate) to the stub.",
	[F_HOST_EARLY_DATA] = "After CHANGE_BAUDRATE is acknowledged, change the port's own rate before sending "
			      "anything else (esptool waits 50 ms).",
	[F_HOST_READ_ACK] = "Acknowledge each READ_FLASH packet with the total bytes received so far.",
	[F_HOST_MD5] = "Read the ROM's SPI_FLASH_MD5 answer as 32 ASCII hex digits (the stub sends 16 raw bytes); the "
		       "flash itself is good.",
	[F_PORT_BUSY] = "Close the program named (a serial monitor, another flasher, ModemManager probing new "
			"ports) and start again; each port takes one reader at a time.",
	[F_PORT_PERMISSION] = "Add your user to the group named (sudo usermod -aG GROUP $USER) and log in again, "
			      "or add a udev rule giving you the port.",
	[F_PORT_VANISHED] = "The adapter dropped off the bus: check the USB cable, hub and the board's supply; a "
			    "chip with native USB re-enumerates when it resets, so give the flasher its new port.",
};

const char *esp_severity_name(esp_severity s)
{
	return s == ESP_SEV_ERROR ? "error" : s == ESP_SEV_WARNING ? "warning" : "info";
}

/* ---- helpers ------------------------------------------------------------ */

void diag_ev(esp_diag *g, diag_code c, uint64_t frame)
{
	evidence *e = &g->ev[c];
	e->count++;
	for (int i = 0; i < e->n; i++)
		if (e->frames[i] == frame)
			return;
	if (e->n < ESP_FINDING_MAX_FRAMES)
		e->frames[e->n++] = frame;
}

int diag_note(esp_note *out, int max, int n, esp_note_level lv, const char *code, const char *fmt, ...)
{
	if (n >= max)
		return n;
	esp_note *o = &out[n];
	o->level = lv;
	o->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->text, sizeof o->text, fmt, ap);
	va_end(ap);
	return n + 1;
}

const esp_field *diag_field(const esp_record *r, const char *name)
{
	for (int i = 0; i < r->n_fields; i++)
		if (r->fields[i].name && !strcmp(r->fields[i].name, name))
			return &r->fields[i];
	return NULL;
}

uint64_t diag_field_u(const esp_record *r, const char *name, uint64_t dflt)
{
	const esp_field *f = diag_field(r, name);
	return f && f->type != ESP_F_STR && f->type != ESP_F_BYTES ? f->u : dflt;
}

bool diag_has_note(const esp_record *r, const char *code)
{
	for (int i = 0; i < r->n_notes; i++)
		if (r->notes[i].code && !strcmp(r->notes[i].code, code))
			return true;
	return false;
}

/* ---- lifecycle ---------------------------------------------------------- */

esp_diag *esp_diag_new(void)
{
	esp_diag *g = malloc(sizeof *g);
	if (g)
		esp_diag_reset(g);
	return g;
}

void esp_diag_free(esp_diag *g) { free(g); }

void esp_diag_reset(esp_diag *g)
{
	memset(g, 0, sizeof *g);
	diag_boot_reset(&g->boot);
	g->data_op = -1;
}

int esp_diag_record(esp_diag *g, const esp_record *r, esp_note *out, int max)
{
	int n = 0;
	if (r->type == ESP_REC_RAW && r->dir == ESP_DIR_C2H)
		n = diag_boot_raw(g, r, out, max, n);
	return diag_proto(g, r, out, max, n);
}

/* ---- findings ----------------------------------------------------------- */

static esp_finding *add(esp_diag *g, diag_code c, esp_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static esp_finding *add(esp_diag *g, diag_code c, esp_severity sev, const char *fmt, ...)
{
	esp_finding *f = &g->out[g->n_out++];
	memset(f, 0, sizeof *f);
	f->code = code_names[c];
	f->severity = sev;
	f->remedy = remedies[c];
	f->occurrences = g->ev[c].count;
	for (int i = 0; i < g->ev[c].n; i++) {
		int k = f->n_frames++;
		while (k > 0 && f->frames[k - 1] > g->ev[c].frames[i]) {
			f->frames[k] = f->frames[k - 1];
			k--;
		}
		f->frames[k] = g->ev[c].frames[i];
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->summary, sizeof f->summary, fmt, ap);
	va_end(ap);
	return f;
}

/* Frames beyond the evidence (a banner, a region's BEGIN): kept in order, capped. */
static void add_frame(esp_finding *f, uint64_t frame)
{
	if (!frame)
		return;
	for (int i = 0; i < f->n_frames; i++)
		if (f->frames[i] == frame)
			return;
	if (f->n_frames == ESP_FINDING_MAX_FRAMES)
		f->n_frames--; /* the newest evidence gives way to the context frame */
	int i = f->n_frames++;
	while (i > 0 && f->frames[i - 1] > frame) {
		f->frames[i] = f->frames[i - 1];
		i--;
	}
	f->frames[i] = frame;
}

static const esp_region *region_at(const esp_summary *s, uint32_t off)
{
	const esp_region *hit = NULL;
	for (size_t i = 0; s && s->regions && i < s->n_regions; i++)
		if (s->regions[i].offset <= off && off < s->regions[i].offset + (s->regions[i].size ? s->regions[i].size : 1))
			hit = &s->regions[i];
	return hit;
}

static uint64_t last_region_frame(const esp_summary *s)
{
	uint64_t f = 0;
	for (size_t i = 0; s && s->regions && i < s->n_regions; i++)
		if (s->regions[i].last_frame > f)
			f = s->regions[i].last_frame;
	return f;
}

static void connection(esp_diag *g)
{
	boot_state *b = &g->boot;
	if (!g->sync_cmds || g->sync_ok)
		return;
	esp_finding *f;
	if (b->flash_boot)
		f = add(g, F_NO_SYNC, ESP_SEV_ERROR,
			"%llu SYNC sent, none answered: the chip booted from flash (boot mode 0x%x), not into the serial "
			"loader",
			(unsigned long long)g->sync_cmds, (unsigned)b->boot_mode);
	else if (b->download)
		f = add(g, F_NO_SYNC, ESP_SEV_ERROR,
			"%llu SYNC sent, none answered, though the loader runs (download mode): its answers do not "
			"reach the host (TX/RX wiring, baud)",
			(unsigned long long)g->sync_cmds);
	else if (!g->c2h_units)
		f = add(g, F_NO_SYNC, ESP_SEV_ERROR,
			"%llu SYNC sent and not one byte came back: wrong port, wiring or power",
			(unsigned long long)g->sync_cmds);
	else
		f = add(g, F_NO_SYNC, ESP_SEV_ERROR,
			"%llu SYNC sent, none answered; the chip sent only bytes that are not answers",
			(unsigned long long)g->sync_cmds);
	add_frame(f, b->boot_frame);
}

static void baud(esp_diag *g)
{
	boot_state *b = &g->boot;
	/* the host kept sending at its old rate after the chip switched, and never followed */
	bool host_stayed = g->baud_ack_frame && !g->baud_host_followed && g->baud_early_frame;
	if (host_stayed) {
		diag_ev(g, F_BAUD_MISMATCH, g->baud_early_frame);
		if (!g->mismatch_frame)
			g->mismatch_frame = g->baud_early_frame;
	}
	if (!g->ev[F_BAUD_MISMATCH].count)
		return;
	bool recovered = g->last_answer_frame > g->mismatch_frame;
	char fit[160] = "";
	if (b->garbage_fit) {
		double ratio = (double)b->garbage_fit / (double)b->garbage_read_at;
		/* 26/40: a ROM timing its UART from a 26 MHz crystal where 40 MHz was assumed, or back */
		bool xtal = (ratio > 0.64 && ratio < 0.66) || (ratio > 1.52 && ratio < 1.56);
		snprintf(fit, sizeof fit, "; the garbage reads as text at %u baud (port at %u, ratio %.3f%s)", b->garbage_fit,
			 b->garbage_read_at, ratio, xtal ? ", that of a 26 MHz to a 40 MHz crystal" : "");
	}
	if (g->mismatch_host_other || g->after_change_timeouts || host_stayed)
		diag_ev(g, F_BAUD_MISMATCH, g->baud_ack_frame); /* the acknowledged change itself */
	if (host_stayed) {
		add(g, F_BAUD_MISMATCH, recovered ? ESP_SEV_WARNING : ESP_SEV_ERROR,
		    "the chip acknowledged %u baud but the host port stayed at %u%s", g->baud_acked_rate,
		    g->baud_stayed_rate, fit);
	} else if (g->mismatch_host_other) {
		add(g, F_BAUD_MISMATCH, recovered ? ESP_SEV_WARNING : ESP_SEV_ERROR,
		    "the chip acknowledged %u baud but the host port went to %u%s", g->baud_acked_rate,
		    g->mismatch_host_rate, fit);
	} else if (g->after_change_timeouts) {
		add(g, F_BAUD_MISMATCH, recovered ? ESP_SEV_WARNING : ESP_SEV_ERROR,
		    "after CHANGE_BAUDRATE to %u was acknowledged, %llu command(s) went unanswered%s%s",
		    g->baud_acked_rate, (unsigned long long)g->after_change_timeouts, fit,
		    recovered ? "; the flasher fell back and carried on" : "");
	} else if (b->garbage_fit && b->garbage_fit == esp_chip_get(g->chip)->rom_console_baud &&
		   b->garbage_fit != b->garbage_read_at) {
		add(g, F_BAUD_MISMATCH, ESP_SEV_INFO,
		    "%llu bytes of chip output read at %u baud are the ROM's boot log at %u baud (ratio %.3f): "
		    "expected on the %s, not a fault",
		    (unsigned long long)b->garbage_bytes, b->garbage_read_at, b->garbage_fit,
		    (double)b->garbage_fit / (double)b->garbage_read_at, esp_chip_get(g->chip)->pretty);
	} else if ((g->synced_once && g->last_answer_frame > b->garbage_frame) ||
		   (g->reboot_requested && b->garbage_frame > g->last_cmd_frame)) {
		/* console output at another rate (the ESP8266 ROM's 74880) next to a working session */
		add(g, F_BAUD_MISMATCH, ESP_SEV_INFO, "%llu bytes of chip output are neither SLIP nor text%s",
		    (unsigned long long)b->garbage_bytes, fit[0] ? fit : "; the session itself worked");
	} else {
		add(g, F_BAUD_MISMATCH, ESP_SEV_WARNING, "%llu bytes from the chip are neither SLIP nor text%s",
		    (unsigned long long)b->garbage_bytes, fit);
	}
}

static void writes(esp_diag *g, const esp_summary *s)
{
	if (g->ev[F_CHECKSUM].count) {
		const char *cause = g->ck_host	       ? "the flasher computed the checksum wrong (frames arrived whole)"
				    : g->ck_chip_line  ? "bytes changed on the line: the flasher's checksum was right"
				    : g->ck_line       ? "frames were damaged on the line"
				    : g->msg_timeout_frame ? "the ROM answered error 0x07 (the flasher's message calls it a timeout)"
						       : "the chip reported checksum errors";
		add(g, F_CHECKSUM, ESP_SEV_ERROR, "%llu checksum error(s): %s", (unsigned long long)g->ev[F_CHECKSUM].count,
		    cause);
	}
	if (g->ev[F_WRITE_FAILED].count && !(g->reset_frame && g->reset_during_write)) {
		if (g->fail_blocks)
			add(g, F_WRITE_FAILED, ESP_SEV_ERROR,
			    "the write at 0x%08x failed at block %u of %u (%u%% of it sent before): %llu error answer(s) or "
			    "timeout(s), %llu retr%s",
			    g->fail_offset, g->fail_seq + 1, g->fail_blocks, g->fail_seq * 100 / g->fail_blocks,
			    (unsigned long long)g->ev[F_WRITE_FAILED].count, (unsigned long long)g->retries,
			    g->retries == 1 ? "y" : "ies");
		else
			add(g, F_WRITE_FAILED, ESP_SEV_ERROR, "data blocks were answered with errors or not at all (%llu)",
			    (unsigned long long)g->ev[F_WRITE_FAILED].count);
	}
	/* a write that simply stops: the flasher or the capture ended in the middle */
	for (size_t i = 0; s && s->regions && i < s->n_regions && !g->ev[F_WRITE_FAILED].count && !g->reset_frame; i++) {
		const esp_region *rg = &s->regions[i];
		if (rg->blocks_announced && rg->blocks_seen < rg->blocks_announced) {
			g->ev[F_WRITE_FAILED].count++;
			esp_finding *f = add(g, F_WRITE_FAILED, ESP_SEV_WARNING,
					     "the write at 0x%08x stopped after %u of %u blocks (%u%%): the flasher or the "
					     "capture ended there",
					     rg->offset, rg->blocks_seen, rg->blocks_announced,
					     rg->blocks_seen * 100 / rg->blocks_announced);
			add_frame(f, rg->first_frame);
			add_frame(f, rg->last_frame);
			f->remedy = "Read the flasher's own output: it stopped sending here; a crash, a cut cable or a "
				    "capture stopped too early are the usual causes.";
			break;
		}
	}
	if (g->ev[F_TIMEOUT].count)
		add(g, F_TIMEOUT, ESP_SEV_ERROR, "%llu request(s) got no answer; first %s, given up after %.0f ms while the chip sent %s",
		    (unsigned long long)g->ev[F_TIMEOUT].count, g->first_timeout_op ? g->first_timeout_op : "?",
		    g->first_timeout_ms, g->first_timeout_instead);
	if (g->ev[F_CHIP_RESET].count && g->reset_frame) {
		boot_state *b = &g->boot;
		char during[96] = "";
		if (g->reset_during_write)
			snprintf(during, sizeof during, " during the write at 0x%08x (%u of %u blocks sent)",
				 g->reset_write_offset, g->reset_blocks_sent, g->reset_blocks);
		char cause[80];
		snprintf(cause, sizeof cause, "%s%s", b->reset_name[0] ? "reset cause " : "",
			 b->reset_name[0] ? b->reset_name : b->brownout ? "" : "reset cause not seen");
		esp_finding *f = add(g, F_CHIP_RESET, ESP_SEV_ERROR, "the chip rebooted mid-session%s; %s%s", during, cause,
				     !b->brownout	  ? ""
				     : b->reset_name[0] ? ": a brownout, the supply voltage dropped"
							: "the chip reported a brownout: the supply voltage dropped");
		add_frame(f, b->brownout_msg_frame);
		add_frame(f, b->brownout_frame);
		if (!b->brownout)
			f->remedy = "Look for what pulls EN or resets the chip (reset line, watchdog); check the supply.";
	}
	if (g->ev[F_VERIFY_FAILED].count)
		add(g, F_VERIFY_FAILED, ESP_SEV_ERROR, "%llu region(s): the MD5 the chip reports differs from the data written",
		    (unsigned long long)g->ev[F_VERIFY_FAILED].count);
}

static bool is_boot_offset(uint32_t off) { return off == 0x0 || off == 0x1000 || off == 0x2000; }

static void boot_findings(esp_diag *g, const esp_summary *s)
{
	boot_state *b = &g->boot;
	const esp_chip_info *ci = g->chip != ESP_CHIP_UNKNOWN ? esp_chip_get(g->chip)
				  : s && s->chip != ESP_CHIP_UNKNOWN ? esp_chip_get(s->chip)
								     : NULL;
	uint64_t after = last_region_frame(s);
	bool wrote = s && s->n_regions > 0;
	bool read_err_after = b->flash_read_err_frame > after || b->csum_err_frame > after;
	const esp_region *bl = ci ? region_at(s, ci->bootloader_offset) : NULL;
	if (bl && bl->offset == ci->bootloader_offset && bl->has_image && bl->image_mode <= 1) {
		g->ev[F_FLASH_MODE].count++;
		esp_finding *f = add(g, F_FLASH_MODE, read_err_after ? ESP_SEV_WARNING : ESP_SEV_INFO,
				     "the bootloader at 0x%x was written with flash mode %s%s", bl->offset,
				     esp_flash_mode_name(bl->image_mode),
				     read_err_after ? " and the chip then could not read its flash"
						    : "; if the program does not start, the module may need DIO");
		add_frame(f, bl->first_frame);
		add_frame(f, read_err_after ? (b->flash_read_err_frame ? b->flash_read_err_frame : b->csum_err_frame) : 0);
	} else if (read_err_after && wrote) {
		esp_finding *f = add(g, F_SPI_PINS, g->writes_verified ? ESP_SEV_ERROR : ESP_SEV_WARNING,
				     "the chip could not read its flash at boot after a %s write: something on the "
				     "flash pins?",
				     g->writes_verified ? "verified" : "(not verified)");
		add_frame(f, b->flash_read_err_frame ? b->flash_read_err_frame : b->csum_err_frame);
	}
	if (ci && wrote) {
		const esp_region *other = NULL;
		for (size_t i = 0; i < s->n_regions; i++)
			if (s->regions[i].has_image && is_boot_offset(s->regions[i].offset) &&
			    s->regions[i].offset != ci->bootloader_offset)
				other = &s->regions[i];
		esp_finding *f = NULL;
		if (bl && bl->offset == ci->bootloader_offset && !bl->has_image && bl->bytes_written >= 4)
			f = add(g, F_MISSING_BOOTLOADER, ESP_SEV_ERROR,
				"what was written at %s's bootloader offset 0x%x is not an image (no 0xE9 header)", ci->pretty,
				ci->bootloader_offset);
		else if (!bl && other)
			f = add(g, F_MISSING_BOOTLOADER, ESP_SEV_ERROR,
				"an image was written at 0x%x, but %s boots from 0x%x and nothing was written there",
				other->offset, ci->pretty, ci->bootloader_offset);
		else if (!bl && b->invalid_header_frame > after)
			f = add(g, F_MISSING_BOOTLOADER, ESP_SEV_ERROR,
				"no write covered %s's bootloader offset 0x%x and the chip then found no image there "
				"(header 0x%08x)",
				ci->pretty, ci->bootloader_offset, b->invalid_header_value);
		if (f) {
			add_frame(f, bl ? bl->first_frame : other ? other->first_frame : 0);
			add_frame(f, b->invalid_header_frame > after ? b->invalid_header_frame : 0);
		}
	} else if (b->invalid_header_frame) {
		esp_finding *f = add(g, F_MISSING_BOOTLOADER, ESP_SEV_INFO,
				     "the chip found no valid image at its bootloader offset (header 0x%08x)",
				     b->invalid_header_value);
		add_frame(f, b->invalid_header_frame);
	}
	if (b->panic_frame > after || (b->panic_frame && !wrote)) {
		esp_finding *f = add(g, F_EARLY_CRASH, ESP_SEV_ERROR, "the program crashed after it started: %s",
				     b->panic_text);
		add_frame(f, b->panic_frame);
		add_frame(f, b->entry_frame);
	}
}

static void host(esp_diag *g)
{
	static const struct {
		diag_code c;
		esp_severity sev;
		const char *text;
	} h[] = {
		{F_HOST_CHECKSUM, ESP_SEV_ERROR, "the flasher's checksums are wrong on frames that arrived whole"},
		{F_HOST_SEQ, ESP_SEV_WARNING, "sequence numbers skip or repeat without a failure to retry"},
		{F_HOST_PADDING, ESP_SEV_WARNING, "the last ROM block is not padded with 0xFF to the block size"},
		{F_HOST_BEGIN_SIZE, ESP_SEV_WARNING, "FLASH_BEGIN announces sizes that disagree with the data sent"},
		{F_HOST_NO_WAIT, ESP_SEV_WARNING, "commands sent before the previous one was answered"},
		{F_HOST_SPI_ATTACH, ESP_SEV_WARNING, "SPI_ATTACH payload of the wrong length for ROM or stub"},
		{F_HOST_CHANGE_BAUD, ESP_SEV_WARNING, "CHANGE_BAUDRATE payload wrong for ROM or stub"},
		{F_HOST_EARLY_DATA, ESP_SEV_WARNING, "data sent after CHANGE_BAUDRATE before the host changed its own rate"},
		{F_HOST_READ_ACK, ESP_SEV_WARNING, "READ_FLASH packets acknowledged wrongly or not at all"},
		{F_HOST_MD5, ESP_SEV_WARNING,
		 "the flasher reports an MD5 mismatch that the chip's answer does not show: it misreads the MD5 "
		 "(the ROM answers in 32 hex characters)"},
	};
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
		if (g->ev[h[i].c].count)
			add(g, h[i].c, h[i].sev, "%s (%llu time%s)", h[i].text, (unsigned long long)g->ev[h[i].c].count,
			    g->ev[h[i].c].count == 1 ? "" : "s");
}

/* What only the live session saw: esptap's own notes about the port. */
static void port(esp_diag *g)
{
	for (int i = 0; i < 3; i++)
		if (g->ev[F_PORT_BUSY + i].count)
			add(g, (diag_code)(F_PORT_BUSY + i), ESP_SEV_ERROR, "%s", g->port_text[i]);
}

const char *diag_code_name(diag_code c) { return code_names[c]; }

void esp_diag_finish(esp_diag *g, const esp_summary *s)
{
	diag_boot_flush(g);
	diag_proto_finish(g);
	g->n_out = 0;
	connection(g);
	baud(g);
	writes(g, s);
	boot_findings(g, s);
	host(g);
	port(g);
	/* stable: severity first, then the code order they were added in */
	for (size_t i = 1; i < g->n_out; i++)
		for (size_t j = i; j > 0 && g->out[j - 1].severity < g->out[j].severity; j--) {
			esp_finding t = g->out[j];
			g->out[j] = g->out[j - 1];
			g->out[j - 1] = t;
		}
}

const esp_finding *esp_diag_findings(const esp_diag *g, size_t *n)
{
	*n = g->n_out;
	return g->out;
}

bool esp_diag_has_error(const esp_diag *g)
{
	for (size_t i = 0; i < g->n_out; i++)
		if (g->out[i].severity == ESP_SEV_ERROR)
			return true;
	return false;
}
