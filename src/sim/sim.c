/* sim.c: the simulated chip's UART side: bytes in and out at their rates, reset lines, boot logs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "sim/sim_internal.h"

#define MS 1000000ull

esp_status esp_sim_new(const esp_sim_opts *o, esp_sim **out, esp_error *e)
{
	*out = NULL;
	if (!o || !o->tx)
		return esp_error_set(e, ESP_E_USAGE, "sim", ESP_LOC_NONE, 0, 0, "no tx callback");
	const esp_chip_info *ci = esp_chip_get(o->chip);
	if (ci->chip == ESP_CHIP_UNKNOWN)
		return esp_error_set(e, ESP_E_USAGE, "--chip", ESP_LOC_NONE, 0, 0, "no chip to simulate");
	esp_sim *s = calloc(1, sizeof *s);
	if (!s)
		return esp_error_set(e, ESP_E_NOMEM, "sim", ESP_LOC_NONE, 0, 0, "out of memory");
	s->o = *o;
	s->ci = ci;
	s->flash_size = o->flash_size ? o->flash_size : 4u << 20;
	s->flash_fd = -1;
	s->frame = malloc(SIM_FRAME_MAX);
	esp_status st = s->frame ? sim_faults_parse(s, e)
				 : esp_error_set(e, ESP_E_NOMEM, "sim", ESP_LOC_NONE, 0, 0, "out of memory");
	if (st == ESP_OK)
		st = sim_flash_open(s, e);
	if (st != ESP_OK) {
		esp_sim_free(s);
		return st;
	}
	s->chip_baud = 115200;
	if (o->start_in_download) {
		/* Already waiting for download, as if reset long ago. */
		s->mode = s->boot_to_flash ? SIM_APP : SIM_ROM;
		s->autobaud = true;
	}
	*out = s;
	return ESP_OK;
}

static void drop_output(esp_sim *s)
{
	while (s->out_head) {
		sim_chunk *c = s->out_head;
		s->out_head = c->next;
		free(c);
	}
	s->out_tail = NULL;
}

void esp_sim_free(esp_sim *s)
{
	if (!s)
		return;
	sim_loader_reset(s);
	drop_output(s);
	sim_flash_close(s);
	free(s->frame);
	free(s);
}

uint32_t esp_sim_baud(const esp_sim *s) { return s->chip_baud; }
uint64_t esp_sim_commands(const esp_sim *s)
{
	uint64_t n = 0;
	for (int i = 0; i < 256; i++)
		n += s->op_count[i];
	return n;
}

const char *esp_sim_mode(const esp_sim *s)
{
	static const char *const n[] = {"off", "app", "rom", "stub"};
	return n[s->mode];
}

const uint8_t *esp_sim_flash(const esp_sim *s, size_t *size)
{
	if (size)
		*size = s->flash_size;
	return s->flash;
}

void esp_sim_host_baud(esp_sim *s, uint32_t host_baud) { s->host_baud = host_baud; }

void sim_set_chip_baud(esp_sim *s, uint32_t baud) { s->chip_baud = baud; }

void sim_send_raw(esp_sim *s, uint64_t delay_ns, const uint8_t *p, size_t n)
{
	if (n == 0 || s->mode == SIM_OFF)
		return;
	sim_chunk *c = malloc(sizeof *c + n);
	if (!c)
		return; /* out of memory: the byte is lost, as on a line */
	c->due_ns = s->now_ns + delay_ns;
	if (s->out_tail && c->due_ns < s->out_tail->due_ns)
		c->due_ns = s->out_tail->due_ns; /* a UART sends in order */
	c->baud = s->chip_baud;
	c->n = n;
	c->next = NULL;
	memcpy(c->p, p, n);
	if (s->out_tail)
		s->out_tail->next = c;
	else
		s->out_head = c;
	s->out_tail = c;
}

void sim_send_text(esp_sim *s, uint64_t delay_ns, const char *text)
{
	sim_send_raw(s, delay_ns, (const uint8_t *)text, strlen(text));
}

static size_t slip_encode(const uint8_t *payload, size_t n, uint8_t *w)
{
	size_t k = 0;
	w[k++] = 0xC0;
	for (size_t i = 0; i < n; i++) {
		if (payload[i] == 0xC0) {
			w[k++] = 0xDB;
			w[k++] = 0xDC;
		} else if (payload[i] == 0xDB) {
			w[k++] = 0xDB;
			w[k++] = 0xDD;
		} else {
			w[k++] = payload[i];
		}
	}
	w[k++] = 0xC0;
	return k;
}

void sim_send_frame(esp_sim *s, const uint8_t *payload, size_t n)
{
	uint8_t *w = malloc(2 * n + 2);
	if (!w)
		return;
	sim_send_raw(s, 0, w, slip_encode(payload, n, w));
	free(w);
}

size_t esp_sim_redact_frame(const uint8_t *wire, size_t n, uint8_t *out, size_t cap)
{
	if (n < 2 || wire[0] != 0xC0 || wire[n - 1] != 0xC0 || cap < 2 * n + 16)
		return 0;
	uint8_t *p = malloc(n);
	if (!p)
		return 0;
	size_t m = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		uint8_t b = wire[i];
		if (b == 0xDB && i + 2 < n) {
			b = wire[++i] == 0xDC ? 0xC0 : 0xDB;
		}
		p[m++] = b;
	}
	size_t r = 0;
	if (m > 24 && p[0] == 0x00 && p[1] == ESP_MEM_DATA) {
		esp_cursor c = esp_cursor_make(p + 8, m - 8);
		uint32_t dlen = esp_u32le(&c);
		if (dlen <= m - 24) {
			memset(p + 24, 0, dlen);
			esp_put_u32le(p + 4, esp_checksum(p + 24, dlen));
			r = slip_encode(p, m, out);
		}
	}
	free(p);
	return r;
}

/* Rates within 3% of each other sample the same bits. */
static bool rates_differ(uint32_t a, uint32_t b)
{
	if (!a || !b)
		return false;
	uint64_t hi = a > b ? a : b, lo = a > b ? b : a;
	return (hi - lo) * 100 > 3 * hi;
}

uint64_t esp_sim_poll(esp_sim *s, uint64_t now_ns)
{
	if (now_ns > s->now_ns)
		s->now_ns = now_ns;
	while (s->out_head && s->out_head->due_ns <= now_ns) {
		sim_chunk *c = s->out_head;
		s->out_head = c->next;
		if (!s->out_head)
			s->out_tail = NULL;
		if (s->o.line_tx)
			s->o.line_tx(c->p, c->n, c->baud, s->o.user);
		uint8_t *p = c->p;
		size_t n = c->n;
		uint8_t *tmp = NULL;
		if (rates_differ(c->baud, s->host_baud)) {
			/* The host's receiver samples at its own rate: it hears garbage. */
			size_t cap = n * 16 + 16;
			tmp = malloc(cap);
			if (tmp) {
				n = esp_uart_resample(c->p, c->n, c->baud, s->host_baud, tmp, cap);
				p = tmp;
			}
		}
		sim_noise(s, p, n);
		if (n)
			s->o.tx(p, n, s->o.user);
		free(tmp);
		free(c);
	}
	if (s->rf_active)
		sim_read_flash_pump(s);
	return s->out_head ? (s->out_head->due_ns > now_ns ? s->out_head->due_ns - now_ns : 0) : UINT64_MAX;
}

static void rx_byte(esp_sim *s, uint8_t b)
{
	if (b == 0xC0) {
		if (s->in_frame && s->frame_len > 0) {
			if (!s->frame_overflow)
				sim_handle_frame(s, s->frame, s->frame_len);
			s->in_frame = false;
		} else {
			s->in_frame = true;
		}
		s->frame_len = 0;
		s->esc = false;
		s->frame_overflow = false;
		return;
	}
	if (!s->in_frame)
		return; /* the loader skips bytes between frames */
	if (s->esc) {
		s->esc = false;
		if (b == 0xDC)
			b = 0xC0;
		else if (b == 0xDD)
			b = 0xDB;
		else
			s->frame_overflow = true; /* a broken escape spoils the frame */
	} else if (b == 0xDB) {
		s->esc = true;
		return;
	}
	if (s->frame_len < SIM_FRAME_MAX)
		s->frame[s->frame_len++] = b;
	else
		s->frame_overflow = true;
}

void esp_sim_rx(esp_sim *s, uint64_t now_ns, const uint8_t *p, size_t n, uint32_t host_baud)
{
	if (now_ns > s->now_ns)
		s->now_ns = now_ns;
	if (host_baud)
		s->host_baud = host_baud;
	if (s->mode == SIM_ROM && s->autobaud && host_baud)
		s->chip_baud = host_baud; /* the ROM measures the host's rate from the SYNC pattern */
	if (s->mode == SIM_ROM || s->mode == SIM_STUB) {
		uint8_t *buf = malloc(n * 16 + 16);
		if (buf) {
			size_t m = n;
			if (rates_differ(s->host_baud, s->chip_baud))
				m = esp_uart_resample(p, n, s->host_baud, s->chip_baud, buf, n * 16 + 16);
			else
				memcpy(buf, p, n);
			sim_noise(s, buf, m);
			for (size_t i = 0; i < m; i++)
				rx_byte(s, buf[i]);
			free(buf);
		}
	}
	esp_sim_poll(s, now_ns);
}

void esp_sim_break(esp_sim *s, uint64_t now_ns)
{
	if (now_ns > s->now_ns)
		s->now_ns = now_ns;
	/* A break is a long zero: any frame in progress is ruined. */
	s->in_frame = false;
	s->frame_len = 0;
}

static const char *esp32_download_boot = "boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))";
static const char *new_download_boot = "boot:0x0 (DOWNLOAD(USB/UART0))";

static void rst_line(esp_sim *s, char *buf, size_t n, uint8_t rst, bool download)
{
	const char *name = esp_reset_reason_name(rst);
	if (rst == 0xF && s->ci->chip != ESP_CHIP_ESP32)
		name = "BROWNOUT_RST"; /* later ROMs' spelling (PROTOCOL.md §9: not verified for every chip) */
	const char *boot = download ? (s->ci->chip == ESP_CHIP_ESP32 ? esp32_download_boot : new_download_boot)
				    : (s->ci->chip == ESP_CHIP_ESP32 ? "boot:0x13 (SPI_FAST_FLASH_BOOT)"
								     : "boot:0x8 (SPI_FAST_FLASH_BOOT)");
	snprintf(buf, n, "rst:0x%x (%s),%s\r\n", rst, name ? name : "UNKNOWN", boot);
}

/* What the ROM prints when it boots from flash: the image at the bootloader
 * offset decides. */
static void flash_boot_log(esp_sim *s, uint64_t t)
{
	uint32_t off = s->ci->bootloader_offset;
	char line[160];
	if (off + 24 > s->flash_size)
		return;
	esp_cursor c = esp_cursor_make(s->flash + off, s->flash_size - off);
	esp_cursor w = esp_cursor_make(s->flash + off, 4);
	uint32_t word = esp_u32le(&w);
	uint8_t magic = esp_u8(&c), nseg = esp_u8(&c), mode = esp_u8(&c), szfreq = esp_u8(&c);
	uint32_t entry = esp_u32le(&c);
	(void)szfreq;
	if (magic != ESP_IMAGE_MAGIC) {
		/* The ROM retries forever; a few lines tell the story. */
		for (int i = 0; i < 5; i++) {
			snprintf(line, sizeof line, "invalid header: 0x%08x\r\n", word);
			sim_send_text(s, t + (uint64_t)i * 20 * MS, line);
		}
		return;
	}
	const char *mname = esp_flash_mode_name(mode);
	if (s->spi_pins_busy || (s->o.flash_modes && (!mname || !strcasestr(s->o.flash_modes, mname)))) {
		/* The module's flash cannot run this mode: reads come back wrong. */
		snprintf(line, sizeof line, "flash read err, %x\r\nets_main.c 371 \r\n", off);
		sim_send_text(s, t, line);
		return;
	}
	if (s->ci->chip != ESP_CHIP_ESP8266) {
		snprintf(line, sizeof line, "configsip: 0, SPIWP:0xee\r\nclk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,"
					    "hd_drv:0x00,wp_drv:0x00\r\nmode:%s, clock div:2\r\n", mname ? mname : "?");
		sim_send_text(s, t, line);
		esp_bytes(&c, 16); /* extended header */
	}
	for (unsigned i = 0; i < nseg && i < 16; i++) {
		uint32_t load = esp_u32le(&c), len = esp_u32le(&c);
		if (c.short_read || !esp_bytes(&c, len))
			break;
		snprintf(line, sizeof line, s->ci->chip == ESP_CHIP_ESP8266 ? "load 0x%08x, len %u, room 16 \r\n"
									    : "load:0x%08x,len:%u\r\n", load, len);
		sim_send_text(s, t, line);
	}
	snprintf(line, sizeof line, "entry 0x%08x\r\n", entry);
	sim_send_text(s, t, line);
	if (s->app_panics) {
		sim_send_text(s, t + 30 * MS, "I (31) boot: ESP-IDF v5.1 2nd stage bootloader\r\n");
		sim_send_text(s, t + 60 * MS,
			      "Guru Meditation Error: Core  0 panic'ed (LoadProhibited). Exception was unhandled.\r\n"
			      "\r\nBacktrace: 0x400d1234:0x3ffb1f80 0x400d5678:0x3ffb1fa0\r\n\r\nRebooting...\r\n");
	}
}

void sim_boot(esp_sim *s, uint8_t rst, bool download, const char *before)
{
	if (s->boot_to_flash)
		download = false;
	sim_loader_reset(s);
	s->in_frame = false;
	s->frame_len = 0;
	s->mode = download ? SIM_ROM : SIM_APP;
	s->chip_baud = s->ci->rom_console_baud;
	const uint64_t t = 2 * MS; /* the ROM starts printing a moment after EN rises */
	if (before)
		sim_send_text(s, 0, before);
	if (s->ci->chip == ESP_CHIP_ESP8266) {
		char b[96];
		snprintf(b, sizeof b, "\r\n ets Jan  8 2013,rst cause:%d, boot mode:(%d,6)\r\n\r\n", rst == 0xF ? 1 : 2,
			 download ? 1 : 3);
		sim_send_text(s, t, b);
	} else {
		char b[160];
		sim_send_text(s, t, s->ci->rom_banner);
		rst_line(s, b, sizeof b, rst, download);
		sim_send_text(s, t, b);
	}
	if (download) {
		if (s->ci->chip != ESP_CHIP_ESP8266)
			sim_send_text(s, t, "waiting for download\r\n");
		/* The loader listens at 115200 and adopts the host's rate from SYNC. */
		s->chip_baud = 115200;
		s->autobaud = true;
	} else {
		flash_boot_log(s, t);
	}
}

void esp_sim_reset(esp_sim *s, uint64_t now_ns, bool download)
{
	if (now_ns > s->now_ns)
		s->now_ns = now_ns;
	s->en_low = false;
	drop_output(s);
	sim_boot(s, 0x1, download, NULL);
	esp_sim_poll(s, now_ns);
}

/* The dev-board auto-reset circuit: two transistors cross-wired so that EN is
 * pulled low only while RTS is asserted and DTR is not, and GPIO0 only while
 * DTR is asserted and RTS is not. */
void esp_sim_lines(esp_sim *s, uint64_t now_ns, bool dtr, bool rts)
{
	if (now_ns > s->now_ns)
		s->now_ns = now_ns;
	s->dtr = dtr;
	s->rts = rts;
	bool en_low = rts && !dtr, gpio0_low = dtr && !rts;
	if (en_low && !s->en_low) {
		drop_output(s);
		s->mode = SIM_OFF;
	} else if (!en_low && s->en_low) {
		sim_boot(s, 0x1, gpio0_low, NULL);
	}
	s->en_low = en_low;
	esp_sim_poll(s, now_ns);
}
