/* sim_uart.c: the simulator's line models (wrong-rate sampling, bit noise) and its fault specs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_internal.h"

const char esp_sim_fault_help[] =
	"  drop:OP:N          no response to the Nth OP (OP: esptool's name, e.g. FLASH_DATA; N from 1)\n"
	"  error:OP:N:CODE    answer the Nth OP with error CODE (ROM: status 1,CODE; stub: CODE,0)\n"
	"  corrupt:OP:N       damage the Nth OP's response on the wire (bits flipped in its body)\n"
	"  brownout:OP:N      instead of answering the Nth OP, reset with a brownout banner, back to the ROM\n"
	"  boot-to-flash      never answer SYNC: boot from flash (boot:0x13) and print what the flash holds\n"
	"  ignore-baud        acknowledge CHANGE_BAUDRATE but keep the old rate (both sides then garble)\n"
	"  noise:RATE:SEED    flip bits on the line at RATE (e.g. 1e-4) in both directions, PRNG seeded by SEED\n"
	"  panic              the program booted from flash crashes at once (Guru Meditation Error)\n"
	"  spi-pins           something loads the flash pins: booting from flash fails with a flash read error\n";

static uint64_t prng_next(uint64_t *st)
{
	uint64_t x = *st;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*st = x;
	return x * 0x2545F4914F6CDD1DULL;
}

void sim_noise(esp_sim *s, uint8_t *p, size_t n)
{
	if (s->noise_rate <= 0)
		return;
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 8; b++) {
			double u = (double)(prng_next(&s->noise_state) >> 11) * (1.0 / 9007199254740992.0);
			if (u < s->noise_rate)
				p[i] ^= (uint8_t)(1u << b);
		}
}

static int parse_op(const char *t)
{
	int op = esp_op_by_name(t);
	if (op >= 0)
		return op;
	char *end;
	errno = 0;
	unsigned long v = strtoul(t, &end, 0);
	if (errno || *end || end == t || v > 255)
		return -1;
	return (int)v;
}

static bool parse_u32(const char *t, uint32_t *v)
{
	char *end;
	errno = 0;
	unsigned long x = strtoul(t, &end, 0);
	if (errno || *end || end == t || x > 0xFFFFFFFFul)
		return false;
	*v = (uint32_t)x;
	return true;
}

static esp_status parse_one(const char *spec, sim_fault *f, esp_error *e)
{
	char buf[128];
	if (strlen(spec) >= sizeof buf)
		return esp_error_set(e, ESP_E_USAGE, "--fault", ESP_LOC_NONE, 0, 0, "fault spec too long");
	strcpy(buf, spec);
	char *part[5] = {0};
	int np = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ":", &save); tok && np < 5; tok = strtok_r(NULL, ":", &save))
		part[np++] = tok;
	if (np == 0)
		goto bad;
	memset(f, 0, sizeof *f);
	f->op = -1;
	const char *k = part[0];
	if (!strcmp(k, "boot-to-flash") && np == 1) {
		f->kind = FAULT_BOOT_TO_FLASH;
		return ESP_OK;
	}
	if (!strcmp(k, "ignore-baud") && np == 1) {
		f->kind = FAULT_IGNORE_BAUD;
		return ESP_OK;
	}
	if ((!strcmp(k, "panic") || !strcmp(k, "spi-pins")) && np == 1) {
		f->kind = !strcmp(k, "panic") ? FAULT_PANIC : FAULT_SPI_PINS;
		return ESP_OK;
	}
	if (!strcmp(k, "noise") && np == 3) {
		char *end;
		f->kind = FAULT_NOISE;
		f->rate = strtod(part[1], &end);
		if (*end || f->rate < 0 || f->rate > 1)
			goto bad;
		f->seed = strtoull(part[2], &end, 0);
		if (*end)
			goto bad;
		return ESP_OK;
	}
	if (!strcmp(k, "drop"))
		f->kind = FAULT_DROP;
	else if (!strcmp(k, "error"))
		f->kind = FAULT_ERROR;
	else if (!strcmp(k, "corrupt"))
		f->kind = FAULT_CORRUPT;
	else if (!strcmp(k, "brownout"))
		f->kind = FAULT_BROWNOUT;
	else
		goto bad;
	if (np != (f->kind == FAULT_ERROR ? 4 : 3))
		goto bad;
	f->op = parse_op(part[1]);
	if (f->op < 0)
		return esp_error_set(e, ESP_E_USAGE, "--fault", ESP_LOC_NONE, 0, 0,
				     "'%s': unknown opcode '%s' (use esptool's name, e.g. FLASH_DATA)", spec, part[1]);
	if (!parse_u32(part[2], &f->n) || f->n == 0)
		return esp_error_set(e, ESP_E_USAGE, "--fault", ESP_LOC_NONE, 0, 0,
				     "'%s': N must be a number from 1", spec);
	if (f->kind == FAULT_ERROR) {
		uint32_t c;
		if (!parse_u32(part[3], &c) || c == 0 || c > 255)
			return esp_error_set(e, ESP_E_USAGE, "--fault", ESP_LOC_NONE, 0, 0,
					     "'%s': CODE must be 1..255 (e.g. 0x07 or 0xC1)", spec);
		f->code = (uint8_t)c;
	}
	return ESP_OK;
bad:
	return esp_error_set(e, ESP_E_USAGE, "--fault", ESP_LOC_NONE, 0, 0,
			     "'%s': not a fault spec (see 'esptap sim --help')", spec);
}

esp_status sim_faults_parse(esp_sim *s, esp_error *e)
{
	if (s->o.n_faults < 0 || s->o.n_faults > ESP_SIM_MAX_FAULTS)
		return esp_error_set(e, ESP_E_USAGE, "--fault", ESP_LOC_NONE, 0, 0, "at most %d faults",
				     ESP_SIM_MAX_FAULTS);
	for (int i = 0; i < s->o.n_faults; i++) {
		sim_fault *f = &s->faults[s->n_faults];
		esp_status st = parse_one(s->o.faults[i] ? s->o.faults[i] : "", f, e);
		if (st != ESP_OK)
			return st;
		s->n_faults++;
		if (f->kind == FAULT_BOOT_TO_FLASH)
			s->boot_to_flash = true;
		else if (f->kind == FAULT_IGNORE_BAUD)
			s->ignore_baud = true;
		else if (f->kind == FAULT_PANIC)
			s->app_panics = true;
		else if (f->kind == FAULT_SPI_PINS)
			s->spi_pins_busy = true;
		else if (f->kind == FAULT_NOISE) {
			s->noise_rate = f->rate;
			s->noise_state = f->seed * 0x9E3779B97F4A7C15ULL + 1; /* never 0: xorshift would stick */
		}
	}
	return ESP_OK;
}

const sim_fault *sim_fault_hit(const esp_sim *s, sim_fault_kind kind, uint8_t op, uint64_t n)
{
	for (int i = 0; i < s->n_faults; i++)
		if (s->faults[i].kind == kind && s->faults[i].op == op && s->faults[i].n == n)
			return &s->faults[i];
	return NULL;
}
