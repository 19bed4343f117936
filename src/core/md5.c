/* md5.c: MD5 message digest (RFC 1321), incremental, with unrolled rounds. */
#include "core/md5.h"

#include <string.h>

/* Byte-wise little-endian load: compilers turn it into one load on LE hosts,
 * and it is correct on BE hosts and at any alignment. */
static inline uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define ROL(x, c) (((x) << (c)) | ((x) >> (32 - (c))))
#define F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define H(x, y, z) ((x) ^ (y) ^ (z))
#define I(x, y, z) ((y) ^ ((x) | ~(z)))
#define STEP(f, a, b, c, d, w, k, s)                                                               \
	do {                                                                                       \
		(a) += (w) + (uint32_t)(k) + f((b), (c), (d));                                     \
		(a) = ROL((a), (s)) + (b);                                                         \
	} while (0)
/* G's two halves never share a set bit, so they can be added separately:
 * the word and constant go in first, off the b-c-d dependency chain. */
#define STEPG(a, b, c, d, w, k, s)                                                                 \
	do {                                                                                       \
		(a) += (w) + (uint32_t)(k) + ((c) & ~(d));                                         \
		(a) += (b) & (d);                                                                  \
		(a) = ROL((a), (s)) + (b);                                                         \
	} while (0)

/* Run the compression function over nblocks consecutive 64-byte blocks. */
static void md5_blocks(uint32_t h[4], const uint8_t *p, size_t nblocks)
{
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
	while (nblocks--) {
		uint32_t w[16];
		for (int i = 0; i < 16; i++)
			w[i] = ld32(p + 4 * i);
		const uint32_t a0 = a, b0 = b, c0 = c, d0 = d;

		STEP(F, a, b, c, d, w[0], 0xd76aa478, 7);
		STEP(F, d, a, b, c, w[1], 0xe8c7b756, 12);
		STEP(F, c, d, a, b, w[2], 0x242070db, 17);
		STEP(F, b, c, d, a, w[3], 0xc1bdceee, 22);
		STEP(F, a, b, c, d, w[4], 0xf57c0faf, 7);
		STEP(F, d, a, b, c, w[5], 0x4787c62a, 12);
		STEP(F, c, d, a, b, w[6], 0xa8304613, 17);
		STEP(F, b, c, d, a, w[7], 0xfd469501, 22);
		STEP(F, a, b, c, d, w[8], 0x698098d8, 7);
		STEP(F, d, a, b, c, w[9], 0x8b44f7af, 12);
		STEP(F, c, d, a, b, w[10], 0xffff5bb1, 17);
		STEP(F, b, c, d, a, w[11], 0x895cd7be, 22);
		STEP(F, a, b, c, d, w[12], 0x6b901122, 7);
		STEP(F, d, a, b, c, w[13], 0xfd987193, 12);
		STEP(F, c, d, a, b, w[14], 0xa679438e, 17);
		STEP(F, b, c, d, a, w[15], 0x49b40821, 22);

		STEPG(a, b, c, d, w[1], 0xf61e2562, 5);
		STEPG(d, a, b, c, w[6], 0xc040b340, 9);
		STEPG(c, d, a, b, w[11], 0x265e5a51, 14);
		STEPG(b, c, d, a, w[0], 0xe9b6c7aa, 20);
		STEPG(a, b, c, d, w[5], 0xd62f105d, 5);
		STEPG(d, a, b, c, w[10], 0x02441453, 9);
		STEPG(c, d, a, b, w[15], 0xd8a1e681, 14);
		STEPG(b, c, d, a, w[4], 0xe7d3fbc8, 20);
		STEPG(a, b, c, d, w[9], 0x21e1cde6, 5);
		STEPG(d, a, b, c, w[14], 0xc33707d6, 9);
		STEPG(c, d, a, b, w[3], 0xf4d50d87, 14);
		STEPG(b, c, d, a, w[8], 0x455a14ed, 20);
		STEPG(a, b, c, d, w[13], 0xa9e3e905, 5);
		STEPG(d, a, b, c, w[2], 0xfcefa3f8, 9);
		STEPG(c, d, a, b, w[7], 0x676f02d9, 14);
		STEPG(b, c, d, a, w[12], 0x8d2a4c8a, 20);

		STEP(H, a, b, c, d, w[5], 0xfffa3942, 4);
		STEP(H, d, a, b, c, w[8], 0x8771f681, 11);
		STEP(H, c, d, a, b, w[11], 0x6d9d6122, 16);
		STEP(H, b, c, d, a, w[14], 0xfde5380c, 23);
		STEP(H, a, b, c, d, w[1], 0xa4beea44, 4);
		STEP(H, d, a, b, c, w[4], 0x4bdecfa9, 11);
		STEP(H, c, d, a, b, w[7], 0xf6bb4b60, 16);
		STEP(H, b, c, d, a, w[10], 0xbebfbc70, 23);
		STEP(H, a, b, c, d, w[13], 0x289b7ec6, 4);
		STEP(H, d, a, b, c, w[0], 0xeaa127fa, 11);
		STEP(H, c, d, a, b, w[3], 0xd4ef3085, 16);
		STEP(H, b, c, d, a, w[6], 0x04881d05, 23);
		STEP(H, a, b, c, d, w[9], 0xd9d4d039, 4);
		STEP(H, d, a, b, c, w[12], 0xe6db99e5, 11);
		STEP(H, c, d, a, b, w[15], 0x1fa27cf8, 16);
		STEP(H, b, c, d, a, w[2], 0xc4ac5665, 23);

		STEP(I, a, b, c, d, w[0], 0xf4292244, 6);
		STEP(I, d, a, b, c, w[7], 0x432aff97, 10);
		STEP(I, c, d, a, b, w[14], 0xab9423a7, 15);
		STEP(I, b, c, d, a, w[5], 0xfc93a039, 21);
		STEP(I, a, b, c, d, w[12], 0x655b59c3, 6);
		STEP(I, d, a, b, c, w[3], 0x8f0ccc92, 10);
		STEP(I, c, d, a, b, w[10], 0xffeff47d, 15);
		STEP(I, b, c, d, a, w[1], 0x85845dd1, 21);
		STEP(I, a, b, c, d, w[8], 0x6fa87e4f, 6);
		STEP(I, d, a, b, c, w[15], 0xfe2ce6e0, 10);
		STEP(I, c, d, a, b, w[6], 0xa3014314, 15);
		STEP(I, b, c, d, a, w[13], 0x4e0811a1, 21);
		STEP(I, a, b, c, d, w[4], 0xf7537e82, 6);
		STEP(I, d, a, b, c, w[11], 0xbd3af235, 10);
		STEP(I, c, d, a, b, w[2], 0x2ad7d2bb, 15);
		STEP(I, b, c, d, a, w[9], 0xeb86d391, 21);

		a += a0;
		b += b0;
		c += c0;
		d += d0;
		p += 64;
	}
	h[0] = a;
	h[1] = b;
	h[2] = c;
	h[3] = d;
}

void esp_md5_init(esp_md5 *m)
{
	m->h[0] = 0x67452301;
	m->h[1] = 0xefcdab89;
	m->h[2] = 0x98badcfe;
	m->h[3] = 0x10325476;
	m->len = 0;
}

void esp_md5_update(esp_md5 *m, const void *data, size_t n)
{
	const uint8_t *p = data;
	if (!n)
		return;
	size_t used = (size_t)(m->len & 63);
	m->len += n;
	if (used) {
		size_t take = 64 - used < n ? 64 - used : n;
		memcpy(m->buf + used, p, take);
		p += take;
		n -= take;
		if (used + take < 64)
			return;
		md5_blocks(m->h, m->buf, 1);
	}
	/* Whole blocks straight from the caller's buffer, no copy. */
	if (n >= 64) {
		md5_blocks(m->h, p, n / 64);
		p += n & ~(size_t)63;
		n &= 63;
	}
	if (n)
		memcpy(m->buf, p, n);
}

void esp_md5_final(esp_md5 *m, uint8_t out[16])
{
	uint64_t bits = m->len * 8;
	size_t used = (size_t)(m->len & 63);
	m->buf[used++] = 0x80;
	if (used > 56) {
		memset(m->buf + used, 0, 64 - used);
		md5_blocks(m->h, m->buf, 1);
		used = 0;
	}
	memset(m->buf + used, 0, 56 - used);
	for (int i = 0; i < 8; i++)
		m->buf[56 + i] = (uint8_t)(bits >> (8 * i));
	md5_blocks(m->h, m->buf, 1);
	for (int i = 0; i < 4; i++) {
		out[4 * i] = (uint8_t)m->h[i];
		out[4 * i + 1] = (uint8_t)(m->h[i] >> 8);
		out[4 * i + 2] = (uint8_t)(m->h[i] >> 16);
		out[4 * i + 3] = (uint8_t)(m->h[i] >> 24);
	}
}

void esp_md5_hex(const uint8_t d[16], char out[33])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[32] = '\0';
}
