/* esp_flash.c: flash regions as they are written: streaming inflate, MD5 at the announced size and of everything, image header, verify. */
#include "core/esp_decode_int.h"

#include <stdlib.h>
#include <string.h>

void esp_md5_hex_of(const esp_md5 *m, char out[33])
{
	esp_md5 copy = *m;
	uint8_t dig[16];
	esp_md5_final(&copy, dig);
	esp_md5_hex(dig, out);
}

static void publish(esp_decoder *d, size_t n)
{
	d->sum.regions = d->regions;
	d->sum.n_regions = n;
}

int esp_flash_begin(esp_decoder *d, esp_record *r, uint32_t offset, uint32_t size, uint32_t blocks,
		    uint32_t block_size, bool compressed, bool encrypted)
{
	esp_flash_end(d);
	d->cur = -1;
	if (size == 0 && blocks == 0) /* esptool's "run user code" / ESP8266 attach: no write follows */
		return -1;
	esp_session_region_room(d);
	size_t n = d->sum.n_regions;
	if (n == d->cap_regions) {
		size_t cap = d->cap_regions ? d->cap_regions * 2 : 16;
		esp_region *nr = realloc(d->regions, cap * sizeof *nr);
		if (!nr) {
			esp_dec_note(r, ESP_NOTE_ERROR, "out-of-memory", "region not tracked");
			return -1;
		}
		d->regions = nr;
		d->cap_regions = cap;
	}
	esp_region *g = &d->regions[n];
	memset(g, 0, sizeof *g);
	g->offset = offset;
	g->size = size;
	g->blocks_announced = blocks;
	g->block_size = block_size;
	g->compressed = compressed;
	g->encrypted = encrypted;
	g->verify = -1;
	g->first_frame = g->last_frame = r->frame;
	g->number = d->regions_total++;
	d->cur = (int)n;
	d->cur_closed = false;
	d->head_len = 0;
	esp_md5_init(&d->fmd5);
	if (compressed) {
		if (!d->zbuf && !(d->zbuf = malloc(ESP_INFLATE_CHUNK))) {
			g->inflate_error = true;
		} else if (d->z_init) {
			inflateReset(&d->z);
		} else {
			memset(&d->z, 0, sizeof d->z);
			d->z_init = inflateInit(&d->z) == Z_OK;
			if (!d->z_init)
				g->inflate_error = true;
		}
		d->z_done = false;
	}
	publish(d, n + 1);
	return (int)n;
}

/* Image header at the start of a region:
 *   0     1       2      3                4
 *   +-----+-------+------+----------------+---------- -
 *   | E9  | nsegs | mode | size<<4 | freq | entry ...
 *   +-----+-------+------+----------------+---------- - */
static void image_header(esp_decoder *d, esp_record *r, esp_region *g)
{
	esp_cursor c = esp_cursor_make(d->head, 4);
	uint8_t magic = esp_u8(&c), segs = esp_u8(&c), mode = esp_u8(&c), sf = esp_u8(&c);
	const char *mn = esp_flash_mode_name(mode);
	const char *sn = esp_flash_size_name(d->chip, sf >> 4);
	const char *fn = esp_flash_freq_name(d->chip, sf & 15);
	/* one byte in 256 of any data is 0xE9: only a header whose every field
	 * makes sense is one (esptool images hold 1 to 16 segments) */
	if (magic != ESP_IMAGE_MAGIC || segs < 1 || segs > 16 || !mn || !sn || !fn)
		return;
	g->has_image = true;
	g->image_mode = mode;
	g->image_size_nib = sf >> 4;
	g->image_freq_nib = sf & 15;
	esp_dec_field_u(r, "image_segments", ESP_F_UINT, segs);
	esp_dec_field_s(d, r, "image_flash_mode", "%s", mn);
	esp_dec_field_s(d, r, "image_flash_size", "%s", sn);
	esp_dec_field_s(d, r, "image_flash_freq", "%s", fn);
	esp_dec_field_u(r, "image_flash_params", ESP_F_HEX, (uint64_t)mode << 8 | sf);
}

static void hash_out(esp_decoder *d, esp_record *r, esp_region *g, const uint8_t *p, size_t n)
{
	if (d->head_len < 4) {
		size_t k = 4 - (size_t)d->head_len;
		if (k > n)
			k = n;
		memcpy(d->head + d->head_len, p, k);
		d->head_len += (int)k;
		if (d->head_len == 4)
			image_header(d, r, g);
	}
	if (g->bytes_written < g->size && g->bytes_written + n >= g->size) {
		size_t k = (size_t)(g->size - g->bytes_written);
		esp_md5_update(&d->fmd5, p, k);
		esp_md5_hex_of(&d->fmd5, g->md5);
		esp_md5_update(&d->fmd5, p + k, n - k);
	} else {
		esp_md5_update(&d->fmd5, p, n);
	}
	g->bytes_written += n;
}

static void inflate_block(esp_decoder *d, esp_record *r, esp_region *g, const uint8_t *p, size_t n)
{
	if (g->inflate_error)
		return;
	if (d->z_done) {
		if (n)
			esp_dec_note(r, ESP_NOTE_WARNING, "data-after-stream-end",
				     "%zu compressed bytes after the end of the zlib stream", n);
		return;
	}
	d->z.next_in = (Bytef *)(uintptr_t)p;
	d->z.avail_in = (uInt)n;
	for (;;) {
		d->z.next_out = d->zbuf;
		d->z.avail_out = ESP_INFLATE_CHUNK;
		int ret = inflate(&d->z, Z_NO_FLUSH);
		size_t got = ESP_INFLATE_CHUNK - d->z.avail_out;
		if (got)
			hash_out(d, r, g, d->zbuf, got);
		if (ret == Z_STREAM_END) {
			d->z_done = true;
			break;
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR) {
			g->inflate_error = true;
			esp_dec_note(r, ESP_NOTE_ERROR, "inflate-error", "compressed data does not inflate (%s)",
				     d->z.msg ? d->z.msg : "zlib error");
			break;
		}
		if (d->z.avail_out != 0 || (ret == Z_BUF_ERROR && !got))
			break;
	}
}

void esp_flash_data(esp_decoder *d, esp_record *r, const uint8_t *p, size_t n, bool compressed)
{
	if (d->cur < 0 || d->cur_closed) {
		esp_dec_note(r, ESP_NOTE_WARNING, "data-without-begin", "flash data with no write in progress");
		return;
	}
	esp_region *g = &d->regions[d->cur];
	g->blocks_seen++;
	g->last_frame = r->frame;
	esp_dec_field_u(r, "region", ESP_F_UINT, g->number);
	if (g->blocks_announced && g->blocks_seen > g->blocks_announced)
		esp_dec_note(r, ESP_NOTE_WARNING, "extra-block", "block %u of %u announced", g->blocks_seen,
			     g->blocks_announced);
	if (compressed != g->compressed)
		esp_dec_note(r, ESP_NOTE_WARNING, "write-kind-mismatch", "%s data in a %s write",
			     compressed ? "compressed" : "plain", g->compressed ? "compressed" : "plain");
	if (compressed && d->zbuf && d->z_init)
		inflate_block(d, r, g, p, n);
	else if (!compressed)
		hash_out(d, r, g, p, n);
}

void esp_flash_end(esp_decoder *d)
{
	if (d->cur < 0 || d->cur_closed)
		return;
	esp_region *g = &d->regions[d->cur];
	esp_md5_hex_of(&d->fmd5, g->md5_written);
	d->cur_closed = true;
}

int esp_flash_find(esp_decoder *d, uint32_t addr, uint32_t size)
{
	(void)size;
	for (size_t i = d->sum.n_regions; i-- > 0;)
		if (d->regions[i].offset == addr)
			return (int)i;
	return -1;
}

void esp_flash_verify(esp_decoder *d, esp_record *r, int idx, uint32_t size, const char *md5_chip)
{
	if (idx < 0 || (size_t)idx >= d->sum.n_regions)
		return;
	esp_region *g = &d->regions[idx];
	memcpy(g->md5_chip, md5_chip, 33);
	g->md5_size = size;
	char tmp[33];
	const char *ours = NULL;
	if (size == g->size && g->md5[0]) {
		ours = g->md5;
	} else if (size == g->bytes_written) {
		if (idx == d->cur && !d->cur_closed) {
			esp_md5_hex_of(&d->fmd5, tmp);
			ours = tmp;
		} else {
			ours = g->md5_written;
		}
	}
	esp_dec_field_u(r, "region", ESP_F_UINT, g->number);
	if (!ours || !ours[0]) {
		esp_dec_note(r, ESP_NOTE_WARNING, "verify-unknown",
			     "cannot compare: chip hashed %u bytes, %llu were written (%u announced)", size,
			     (unsigned long long)g->bytes_written, g->size);
		return;
	}
	esp_dec_field_s(d, r, "md5_expected", "%s", ours);
	g->verify = strcmp(ours, md5_chip) == 0;
	esp_dec_field_u(r, "verify", ESP_F_UINT, (uint64_t)g->verify);
	if (g->verify)
		esp_dec_note(r, ESP_NOTE_INFO, "verify-ok", "flash at 0x%08x matches what was written", g->offset);
	else
		esp_dec_note(r, ESP_NOTE_ERROR, "verify-mismatch", "flash at 0x%08x hashes to %s, data written to %s",
			     g->offset, md5_chip, ours);
}

void esp_flash_free(esp_decoder *d)
{
	if (d->z_init)
		inflateEnd(&d->z);
	free(d->zbuf);
	free(d->regions);
	d->regions = NULL;
}
