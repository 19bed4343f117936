/* md5.h: MD5 (RFC 1321), incremental, written for esptap. Used to check the
 * chip's SPI_FLASH_MD5 answers and READ_FLASH digests. No I/O, no allocation. */
#ifndef ESPTAP_CORE_MD5_H
#define ESPTAP_CORE_MD5_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t h[4];
	uint64_t len;
	uint8_t buf[64];
} esp_md5;

void esp_md5_init(esp_md5 *m);
void esp_md5_update(esp_md5 *m, const void *p, size_t n);
void esp_md5_final(esp_md5 *m, uint8_t out[16]); /* m is not reusable after */
void esp_md5_hex(const uint8_t d[16], char out[33]);

#endif
