/* cursor.h: a bounds-checked little-endian reader over a byte buffer. Every
 * protocol field is read through it: a read past the end returns 0 and sets
 * `short_read`, so callers can tell a truncated packet from an invalid one. */
#ifndef ESPTAP_CORE_CURSOR_H
#define ESPTAP_CORE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	const uint8_t *p;
	size_t len, pos;
	bool short_read;
} esp_cursor;

static inline esp_cursor esp_cursor_make(const uint8_t *p, size_t len)
{
	esp_cursor c = {p, len, 0, false};
	return c;
}

static inline size_t esp_cursor_left(const esp_cursor *c) { return c->len - c->pos; }

static inline bool esp_cursor_need(esp_cursor *c, size_t n)
{
	if (c->len - c->pos < n) {
		c->short_read = true;
		c->pos = c->len;
		return false;
	}
	return true;
}

static inline uint8_t esp_u8(esp_cursor *c)
{
	if (!esp_cursor_need(c, 1))
		return 0;
	return c->p[c->pos++];
}

static inline uint16_t esp_u16le(esp_cursor *c)
{
	if (!esp_cursor_need(c, 2))
		return 0;
	uint16_t v = (uint16_t)(c->p[c->pos] | c->p[c->pos + 1] << 8);
	c->pos += 2;
	return v;
}

static inline uint32_t esp_u32le(esp_cursor *c)
{
	if (!esp_cursor_need(c, 4))
		return 0;
	const uint8_t *q = c->p + c->pos;
	c->pos += 4;
	return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}

/* Pointer to the next n bytes, or NULL (short_read set) if fewer remain. */
static inline const uint8_t *esp_bytes(esp_cursor *c, size_t n)
{
	if (!esp_cursor_need(c, n))
		return NULL;
	const uint8_t *q = c->p + c->pos;
	c->pos += n;
	return q;
}

static inline void esp_put_u32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void esp_put_u16le(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

#endif
