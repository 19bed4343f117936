/* feed.h: where the offline readers hand what they read. A pair of callbacks
 * (events for trace logs and raw input, ready-made units for pcap files), so
 * that each reader is testable without a pipeline; input.c points them at
 * esp_pipeline_event / esp_pipeline_unit. Nothing here owns memory: the
 * event's and unit's bytes are valid only during the call.
 */
#ifndef ESPTAP_CAPTURE_FEED_H
#define ESPTAP_CAPTURE_FEED_H

#include "core/err.h"
#include "core/event.h"

typedef struct {
	void (*event)(const esp_event *ev, void *user);
	void (*unit)(const esp_unit *u, void *user);
	void *user;
} esp_feed;

struct esp_input;
/* Value of a hex digit, -1 if c is not one (the text readers share it). */
static inline int esp_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* esp_input_run with the input's events and units going to feed instead of
 * a pipeline (tests, fuzzing, tools). */
esp_status esp_input_run_feed(struct esp_input *in, const esp_feed *feed, esp_error *e);

#endif
