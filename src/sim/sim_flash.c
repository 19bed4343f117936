/* sim_flash.c: the simulated SPI flash (memory or a mapped file) and the registers flashers read. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/sim_internal.h"

/* The MAC every simulated chip reports: 24:0a:c4:12:34:56. */
#define SIM_MAC_HI 0x240Au     /* bytes 0-1 */
#define SIM_MAC_LO 0xC4123456u /* bytes 2-5 */
/* JEDEC manufacturer 0xC8 (GigaDevice), memory type 0x40; capacity byte = log2(size). */
#define SIM_JEDEC_MFR 0xC8u
#define SIM_JEDEC_TYPE 0x40u

/* Register facts per chip, as esptool-js 0.7.0's targets read them
 * (lib/targets/<chip>.js): eFuse words holding the MAC, the UART clock
 * divider register (crystal detection), the SPI controller used for the
 * JEDEC read (SPI_CMD at base, SPI_USR2 holds the command, SPI_W0 the reply). */
typedef struct {
	esp_chip chip;
	uint32_t efuse[4][2];     /* {address, value} pairs, 0 ends */
	uint32_t uart_clkdiv_reg; /* 0: not read */
	uint32_t clk_hz;          /* crystal x esptool's XTAL_CLK_DIVIDER */
	uint32_t spi_base, spi_usr2, spi_w0;
} sim_regs;

static const sim_regs regs_table[] = {
	{ESP_CHIP_ESP8266,
	 {{0x3FF00050, (SIM_MAC_LO & 0xFF) << 24}, {0x3FF00054, SIM_MAC_LO >> 8 & 0xFFFF},
	  {0x3FF0005C, SIM_MAC_HI << 8 | SIM_MAC_LO >> 24}},
	 0x60000014, 52000000, 0x60000200, 0x24, 0x40},
	{ESP_CHIP_ESP32, {{0x3FF5A004, SIM_MAC_LO}, {0x3FF5A008, SIM_MAC_HI}}, 0x3FF40014, 40000000, 0x3FF42000, 0x24,
	 0x80},
	{ESP_CHIP_ESP32S2, {{0x3F41A044, SIM_MAC_LO}, {0x3F41A048, SIM_MAC_HI}}, 0x3F400014, 40000000, 0x3F402000, 0x20, 0x58},
	{ESP_CHIP_ESP32S3, {{0x60007044, SIM_MAC_LO}, {0x60007048, SIM_MAC_HI}}, 0, 0, 0x60002000, 0x20, 0x58},
	{ESP_CHIP_ESP32C3, {{0x60008844, SIM_MAC_LO}, {0x60008848, SIM_MAC_HI}}, 0, 0, 0x60002000, 0x20, 0x58},
	{ESP_CHIP_ESP32C2, {{0x60008840, SIM_MAC_LO}, {0x60008844, SIM_MAC_HI}}, 0, 0, 0x60002000, 0x20, 0x58},
	{ESP_CHIP_ESP32C6, {{0x600B0844, SIM_MAC_LO}, {0x600B0848, SIM_MAC_HI}}, 0, 0, 0x60003000, 0x20, 0x58},
	{ESP_CHIP_ESP32H2, {{0x600B0844, SIM_MAC_LO}, {0x600B0848, SIM_MAC_HI}}, 0, 0, 0x60003000, 0x20, 0x58},
	{ESP_CHIP_UNKNOWN, {{0}}, 0, 0, 0, 0, 0},
};

static const sim_regs *regs_for(esp_chip c)
{
	for (const sim_regs *r = regs_table; r->chip; r++)
		if (r->chip == c)
			return r;
	return NULL;
}

uint32_t sim_flash_id(const esp_sim *s)
{
	uint32_t cap = 0;
	while (cap < 31 && (1u << cap) < s->flash_size)
		cap++;
	return SIM_JEDEC_MFR | SIM_JEDEC_TYPE << 8 | cap << 16;
}

static uint32_t *reg_slot(esp_sim *s, uint32_t addr, bool create)
{
	for (int i = 0; i < s->n_regs; i++)
		if (s->reg_addr[i] == addr)
			return &s->reg_val[i];
	if (!create)
		return NULL;
	int i = s->n_regs < SIM_MAX_REGS ? s->n_regs++ : SIM_MAX_REGS - 1; /* full: reuse the last slot */
	s->reg_addr[i] = addr;
	s->reg_val[i] = 0;
	return &s->reg_val[i];
}

bool sim_reg_read(esp_sim *s, uint32_t addr, uint32_t *val)
{
	const sim_regs *r = regs_for(s->ci->chip);
	if (addr == ESP_CHIP_DETECT_MAGIC_REG) {
		*val = s->ci->magic[0];
		return true;
	}
	if (r && r->spi_base && addr == r->spi_base) { /* SPI_CMD: the user command is always done */
		*val = 0;
		return true;
	}
	uint32_t *slot = reg_slot(s, addr, false);
	if (slot) {
		*val = *slot;
		return true;
	}
	if (r) {
		for (int i = 0; i < 4 && r->efuse[i][0]; i++)
			if (r->efuse[i][0] == addr) {
				*val = r->efuse[i][1];
				return true;
			}
		if (r->uart_clkdiv_reg && addr == r->uart_clkdiv_reg) {
			*val = s->chip_baud ? (r->clk_hz + s->chip_baud / 2) / s->chip_baud : 0;
			return true;
		}
	}
	*val = 0; /* plausible for the eFuse and status words nobody set */
	return true;
}

void sim_reg_write(esp_sim *s, uint32_t addr, uint32_t val, uint32_t mask)
{
	const sim_regs *r = regs_for(s->ci->chip);
	uint32_t *slot = reg_slot(s, addr, true);
	*slot = (*slot & ~mask) | (val & mask);
	if (r && r->spi_base && addr == r->spi_base && (val & mask & (1u << 18))) {
		/* SPI_CMD_USR: run the user command held in SPI_USR2's low byte. */
		uint32_t *usr2 = reg_slot(s, r->spi_base + r->spi_usr2, false);
		uint8_t cmd = usr2 ? (uint8_t)*usr2 : 0;
		uint32_t *w0 = reg_slot(s, r->spi_base + r->spi_w0, true);
		if (cmd == 0x9F)
			*w0 = sim_flash_id(s);
		else if (cmd == 0x05 || cmd == 0x35)
			*w0 = 0; /* status registers: idle, no protection */
		*slot = 0;
	}
}

esp_status sim_flash_open(esp_sim *s, esp_error *e)
{
	s->flash_fd = -1;
	if (!s->o.flash_path) {
		s->flash = malloc(s->flash_size);
		if (!s->flash)
			return esp_error_set(e, ESP_E_NOMEM, "sim", ESP_LOC_NONE, 0, 0, "no memory for %u bytes of flash",
					     s->flash_size);
		memset(s->flash, 0xFF, s->flash_size);
		return ESP_OK;
	}
	const char *path = s->o.flash_path;
	/* never through a symlink, never a device: the file is resized and mapped */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
	if (fd < 0 && errno == ELOOP)
		return esp_error_set(e, ESP_E_IO, path, ESP_LOC_NONE, 0, 0,
				     "cannot open flash file: it is a symbolic link (esptap never writes through one)");
	if (fd < 0)
		return esp_error_set(e, ESP_E_IO, path, ESP_LOC_NONE, 0, errno, "cannot open flash file: %s",
				     strerror(errno));
	struct stat st;
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		return esp_error_set(e, ESP_E_IO, path, ESP_LOC_NONE, 0, 0, "cannot open flash file: not a regular file");
	}
	if (fstat(fd, &st) != 0 || ftruncate(fd, s->flash_size) != 0) {
		int er = errno;
		close(fd);
		return esp_error_set(e, ESP_E_IO, path, ESP_LOC_NONE, 0, er, "cannot size flash file: %s", strerror(er));
	}
	void *m = mmap(NULL, s->flash_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		int er = errno;
		close(fd);
		return esp_error_set(e, ESP_E_IO, path, ESP_LOC_NONE, 0, er, "cannot map flash file: %s", strerror(er));
	}
	s->flash = m;
	s->flash_fd = fd;
	/* A new or grown file reads as erased flash, not zeros. */
	if ((uint64_t)st.st_size < s->flash_size)
		memset(s->flash + st.st_size, 0xFF, s->flash_size - (size_t)st.st_size);
	return ESP_OK;
}

void sim_flash_close(esp_sim *s)
{
	if (!s->flash)
		return;
	if (s->flash_fd >= 0) {
		msync(s->flash, s->flash_size, MS_SYNC);
		munmap(s->flash, s->flash_size);
		close(s->flash_fd);
	} else {
		free(s->flash);
	}
	s->flash = NULL;
}

void sim_flash_erase(esp_sim *s, uint32_t off, uint32_t len)
{
	uint64_t a = off & ~0xFFFu, b = ((uint64_t)off + len + 0xFFF) & ~(uint64_t)0xFFF;
	if (b > s->flash_size)
		b = s->flash_size;
	if (a < b)
		memset(s->flash + a, 0xFF, (size_t)(b - a));
}

/* NOR flash programming only clears bits: writing unerased flash corrupts it,
 * as it would on a chip. */
void sim_flash_program(esp_sim *s, uint32_t off, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && (uint64_t)off + i < s->flash_size; i++)
		s->flash[off + i] &= p[i];
}
