/* diffout.h: prints the result of `esptap diff`: a short text view (one line
 * per difference with both sides' frames, a verdict line last; colour when
 * the caller asks) or one JSON object. Never compares anything itself and
 * does not own the FILE or the result it prints.
 */
#ifndef ESPTAP_WRITE_DIFFOUT_H
#define ESPTAP_WRITE_DIFFOUT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/diff.h"

/* What the view says about each input. */
typedef struct {
	const char *source, *format, *flasher, *chip;
	uint64_t commands;
	size_t steps;
	bool capped;    /* more steps than the diff keeps */
	bool truncated; /* the input was cut short */
} esp_diffout_side;

void esp_diffout_text(FILE *f, const esp_diffout_side *a, const esp_diffout_side *b, const esp_diff_result *r,
		      bool colour);
/* Returns 0, or -1 when the JSON could not be built or written. */
int esp_diffout_json(FILE *f, const esp_diffout_side *a, const esp_diffout_side *b, const esp_diff_result *r);

#endif
