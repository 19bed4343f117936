/* esp_decode.c: placeholder decoder (one bare record per unit) until the real one lands. */
#include "core/esp_decode.h"

#include <stdlib.h>

struct esp_decoder {
	esp_record_cb cb;
	void *user;
	esp_summary sum;
};

esp_decoder *esp_decoder_new(const esp_decoder_opts *o, esp_record_cb cb, void *user)
{
	(void)o;
	esp_decoder *d = calloc(1, sizeof *d);
	if (d) {
		d->cb = cb;
		d->user = user;
	}
	return d;
}

void esp_decoder_free(esp_decoder *d) { free(d); }

void esp_decoder_unit(esp_decoder *d, esp_unit *u)
{
	esp_record r = {0};
	r.unit = u;
	r.frame = u->frame_no;
	r.ts_ns = u->ts_ns;
	r.dir = u->dir;
	r.opcode = -1;
	r.type = u->kind == ESP_UNIT_FRAME ? (u->dir == ESP_DIR_H2C ? ESP_REC_COMMAND : ESP_REC_RESPONSE)
		 : u->kind == ESP_UNIT_RAW ? ESP_REC_RAW : ESP_REC_EVENT;
	d->sum.units++;
	d->cb(&r, d->user);
}

void esp_decoder_finish(esp_decoder *d, uint64_t ts_ns) { d->sum.duration_ns = ts_ns; }

const esp_summary *esp_decoder_summary(const esp_decoder *d) { return &d->sum; }
