/* uart.h: the 8N1 bit-level model of a UART line: what a receiver at one
 * rate makes of bytes sent at another. Used by the simulator to garble a
 * wrong-rate line and by the baud analyzer to estimate the rate garbage was
 * sent at. Pure arithmetic on caller-owned buffers; no state, no I/O.
 */
#ifndef ESPTAP_CORE_UART_H
#define ESPTAP_CORE_UART_H

#include <stddef.h>
#include <stdint.h>

/* What a UART receiving at rate `to` makes of the 8N1 byte stream `in` sent
 * back to back at rate `from` (idle line before and after). Writes at most
 * cap bytes to out and returns how many it wrote. With equal rates out == in. */
size_t esp_uart_resample(const uint8_t *in, size_t n, uint32_t from, uint32_t to, uint8_t *out, size_t cap);

#endif
