/* analyze_baud.c: the rate that garbage from the chip was sent at, found by inverting the 8N1 line model (core/uart.c) under each usual rate. */
#include "core/diagnose_int.h"

#include <string.h>

/*
 * The garbage is what a receiver at the port's rate P made of bytes sent back
 * to back at an unknown rate R (the model of core/uart.c, in time units of
 * 1/(P*R) s: a sent bit lasts P units, a received one R). Every tenth sent
 * bit is a start bit (0) followed, nine bits on, by a stop bit (1); the data
 * bits are unknown. Each byte received pins the sent bits under its eight
 * sample points, and its start edge is a 1-to-0 step at a sent-bit boundary
 * with none between the end of the previous byte and it. A depth-first search
 * over where each start edge fell explains the received bytes one by one;
 * R fits when all of them are explained and the sent bytes it fully pins down
 * are text. Only rates below P are tried: a port slower than the sender has
 * lost bits and nothing can be recovered.
 */

#define FIT_BYTES 24                 /* received bytes to explain */
#define FIT_BITS (FIT_BYTES * 10 + 32) /* sent bits they can cover at R < P */
#define FIT_BUDGET 4000              /* search nodes per rate */

typedef struct {
	const uint8_t *seen;
	size_t n;
	uint64_t tb, rb; /* sent and received bit lengths */
	int8_t bit[FIT_BITS];
	int trail[FIT_BITS * 2];
	int ntrail;
	long budget;
} fit;

static const uint32_t rates[] = {9600, 19200, 38400, 57600, 74880, 115200, 230400, 460800, 921600, 1500000};

static bool set(fit *f, uint64_t k, int v)
{
	if (k >= FIT_BITS)
		return false;
	if (f->bit[k] >= 0)
		return f->bit[k] == v;
	f->bit[k] = (int8_t)v;
	f->trail[f->ntrail++] = (int)k;
	return true;
}

static void undo(fit *f, int mark)
{
	while (f->ntrail > mark)
		f->bit[f->trail[--f->ntrail]] = -1;
}

static bool texty(int c) { return (c >= 0x20 && c < 0x7F) || c == '\r' || c == '\n' || c == '\t'; }

/* Of the sent bytes up to bit `upto`, the fully known ones are mostly text. */
static bool is_text(const fit *f, uint64_t upto)
{
	int known = 0, text = 0;
	for (uint64_t b = 0; b + 10 <= upto && b + 10 <= FIT_BITS; b += 10) {
		int v = 0;
		bool full = true;
		for (int i = 0; i < 8 && full; i++) {
			full = f->bit[b + 1 + (uint64_t)i] >= 0;
			v |= full ? f->bit[b + 1 + (uint64_t)i] << i : 0;
		}
		if (full) {
			known++;
			text += texty(v);
		}
	}
	return known >= 4 && text * 10 >= known * 9;
}

/* The sent bytes touched by bits lo..hi: any of them fully known must be text. */
static bool text_so_far(const fit *f, uint64_t lo, uint64_t hi)
{
	for (uint64_t b = lo / 10 * 10; b <= hi && b + 10 <= FIT_BITS; b += 10) {
		int v = 0;
		bool full = true;
		for (int i = 0; i < 8 && full; i++) {
			full = f->bit[b + 1 + (uint64_t)i] >= 0;
			v |= full ? f->bit[b + 1 + (uint64_t)i] << i : 0;
		}
		if (full && !texty(v))
			return false;
	}
	return true;
}

static bool solve(fit *f, size_t j, uint64_t t)
{
	if (--f->budget < 0)
		return false;
	if (j == f->n)
		return is_text(f, t / f->tb);
	uint64_t k0 = (t + f->tb - 1) / f->tb;
	/* the next start bit is an edge for sure: the search stops there */
	uint64_t kmax = (k0 + 9) / 10 * 10;
	for (uint64_t k = k0; k <= kmax && k < FIT_BITS; k++) {
		/* bits k0-1 .. k-1 hold no 1-to-0 step: zeros, then ones (at least bit k-1) */
		uint64_t lo = k0 ? k0 - 1 : 0;
		for (uint64_t ones = 1; ones <= k - lo || (k == 0 && ones == 1); ones++) {
			int mark = f->ntrail;
			bool ok = set(f, k, 0);
			for (uint64_t b = lo; ok && b < k; b++)
				ok = set(f, b, b >= k - ones ? 1 : 0);
			uint64_t e = k * f->tb;
			for (int i = 0; ok && i < 8; i++)
				ok = set(f, (e + f->rb * (uint64_t)(1 + i) + f->rb / 2) / f->tb, (f->seen[j] >> i) & 1);
			ok = ok && text_so_far(f, lo, (e + 9 * f->rb) / f->tb);
			if (ok && solve(f, j + 1, e + 9 * f->rb + f->rb / 2))
				return true;
			undo(f, mark);
			if (k == 0 || f->budget < 0)
				break;
		}
	}
	return false;
}

uint32_t esp_baud_estimate(const uint8_t *p, size_t n, uint32_t read_baud)
{
	if (!read_baud || n < 8)
		return 0;
	fit f;
	f.seen = p;
	f.n = n > FIT_BYTES ? FIT_BYTES : n;
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		uint32_t r = rates[i];
		if ((uint64_t)r * 100 >= (uint64_t)read_baud * 97)
			break; /* the port's own rate and above */
		f.tb = read_baud;
		f.rb = r;
		memset(f.bit, -1, sizeof f.bit);
		for (uint64_t b = 0; b < FIT_BITS; b++) {
			if (b % 10 == 0)
				f.bit[b] = 0;
			else if (b % 10 == 9)
				f.bit[b] = 1;
		}
		f.ntrail = 0;
		f.budget = FIT_BUDGET;
		if (solve(&f, 0, 0))
			return r;
	}
	return 0;
}
