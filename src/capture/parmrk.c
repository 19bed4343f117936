/* parmrk.c: PARMRK mark parser (see parmrk.h). */
#include "capture/parmrk.h"

void esp_parmrk_feed(esp_parmrk *s, const uint8_t *p, size_t n, esp_parmrk_cb cb, void *user)
{
	uint8_t out[4096];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];
		if (s->mark == 0) {
			if (b == 0xFF)
				s->mark = 1;
			else
				out[k++] = b;
		} else if (s->mark == 1) {
			if (b == 0xFF) {
				out[k++] = 0xFF;
				s->mark = 0;
			} else if (b == 0x00) {
				s->mark = 2;
			} else {
				out[k++] = 0xFF; /* not a mark after all */
				out[k++] = b;
				s->mark = 0;
			}
		} else {
			if (k)
				cb(ESP_PARMRK_DATA, out, k, user);
			k = 0;
			if (b == 0x00)
				cb(ESP_PARMRK_BREAK, NULL, 0, user);
			else
				cb(ESP_PARMRK_ERROR, &b, 1, user);
			s->mark = 0;
		}
		if (k >= sizeof out - 2) {
			cb(ESP_PARMRK_DATA, out, k, user);
			k = 0;
		}
	}
	if (k)
		cb(ESP_PARMRK_DATA, out, k, user);
}
