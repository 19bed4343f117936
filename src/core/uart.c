/* uart.c: the 8N1 bit-level UART line model (moved here from the simulator so the analyzers share it). */
#include "core/uart.h"

#include <string.h>

/* Line level at time t (units: 1/(from*to) s) of n bytes sent from t=0, one
 * sender bit lasting `tb` units: start bit 0, 8 data bits LSB first, stop 1. */
static int line_level(const uint8_t *in, size_t n, uint64_t tb, uint64_t t)
{
	uint64_t k = t / (10 * tb);
	if (k >= n)
		return 1;
	uint64_t bit = (t % (10 * tb)) / tb;
	if (bit == 0)
		return 0;
	if (bit == 9)
		return 1;
	return (in[k] >> (bit - 1)) & 1;
}

size_t esp_uart_resample(const uint8_t *in, size_t n, uint32_t from, uint32_t to, uint8_t *out, size_t cap)
{
	if (!from || !to || from == to) {
		size_t m = n < cap ? n : cap;
		memcpy(out, in, m);
		return m;
	}
	/* One unit is 1/(from*to) s: a sender bit lasts `to` units, a receiver bit `from`. */
	const uint64_t tb = to, rb = from;
	const uint64_t end = (uint64_t)n * 10 * tb;
	size_t w = 0;
	uint64_t t = 0;
	while (w < cap) {
		/* Edges fall only on sender bit boundaries: find the next high-to-low one. */
		uint64_t e = (t + tb - 1) / tb * tb;
		while (e < end && !(line_level(in, n, tb, e) == 0 && (e == 0 || line_level(in, n, tb, e - 1) == 1)))
			e += tb;
		if (e >= end)
			break;
		if (line_level(in, n, tb, e + rb / 2) != 0) { /* a glitch, not a start bit */
			t = e + 1;
			continue;
		}
		uint8_t b = 0;
		for (int i = 0; i < 8; i++)
			b |= (uint8_t)(line_level(in, n, tb, e + rb * (uint64_t)(1 + i) + rb / 2) << i);
		out[w++] = b; /* a framing error (stop bit low) still delivers the byte */
		t = e + 9 * rb + rb / 2;
	}
	return w;
}
