/* test_md5.c: MD5 against the RFC 1321 test suite and against md5sum on a random buffer. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "core/md5.h"

static void hex_of(const void *p, size_t n, char out[33])
{
	esp_md5 m;
	uint8_t d[16];
	esp_md5_init(&m);
	esp_md5_update(&m, p, n);
	esp_md5_final(&m, d);
	esp_md5_hex(d, out);
}

int main(void)
{
	/* RFC 1321 appendix A.5 */
	static const char *const suite[][2] = {
		{"", "d41d8cd98f00b204e9800998ecf8427e"},
		{"a", "0cc175b9c0f1b6a831c399e269772661"},
		{"abc", "900150983cd24fb0d6963f7d28e17f72"},
		{"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
		{"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		 "d174ab98d277d9f5a5611c2c9f419d9f"},
		{"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		 "57edf4a22be3c955ac49da2e2107b67a"},
	};
	char hex[33];
	for (size_t i = 0; i < sizeof suite / sizeof suite[0]; i++) {
		hex_of(suite[i][0], strlen(suite[i][0]), hex);
		CHECK_EQ_S(hex, suite[i][1]);
	}

	/* 1 MB of pseudo-random bytes, hashed whole and in odd pieces, against md5sum. */
	size_t n = 1 << 20;
	uint8_t *buf = malloc(n);
	uint64_t x = 0x243F6A8885A308D3ULL;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)(x >> 24);
	}
	char path[] = "/tmp/esptap-md5-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK_EQ_U(write(fd, buf, n), n);
	close(fd);
	char cmd[128], want[64] = "";
	snprintf(cmd, sizeof cmd, "md5sum %s", path);
	FILE *f = popen(cmd, "r");
	CHECK(f != NULL);
	if (f) {
		CHECK(fscanf(f, "%32s", want) == 1);
		pclose(f);
	}
	unlink(path);
	hex_of(buf, n, hex);
	CHECK_EQ_S(hex, want);

	int pieces_ok = 1;
	for (size_t step = 1; step < 200; step += 13) {
		esp_md5 m;
		uint8_t d[16];
		esp_md5_init(&m);
		for (size_t off = 0; off < n;) {
			size_t k = step + off % 97; /* varying sizes, crossing block edges */
			if (k > n - off)
				k = n - off;
			esp_md5_update(&m, buf + off, k);
			off += k;
		}
		esp_md5_final(&m, d);
		esp_md5_hex(d, hex);
		pieces_ok &= strcmp(hex, want) == 0;
	}
	CHECK(pieces_ok);

	/* Unaligned start: same digest from an odd address. */
	uint8_t *odd = malloc(n + 1);
	memcpy(odd + 1, buf, n);
	hex_of(odd + 1, n, hex);
	CHECK_EQ_S(hex, want);
	free(odd);
	free(buf);
	CHECK_DONE(13);
}
