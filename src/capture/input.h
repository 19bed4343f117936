/* input.h: offline inputs. Opens a file, detects its format (pcapng or pcap in
 * esptap's link type through libpcap; esptool / esptool-js --trace logs of any
 * version; raw binary or hex of one direction) and feeds it into a pipeline:
 * trace logs and raw input as events, pcap(ng) packets as ready-made units.
 * Never parses the protocol. On a fault it stops, fills the error with the
 * file and the byte or line, and everything read before it has been fed.
 */
#ifndef ESPTAP_CAPTURE_INPUT_H
#define ESPTAP_CAPTURE_INPUT_H

#include "core/err.h"
#include "core/pipeline.h"

typedef enum {
	ESP_IN_AUTO = 0,
	ESP_IN_PCAP,   /* pcap or pcapng */
	ESP_IN_TRACE,  /* esptool / esptool-js --trace log */
	ESP_IN_RAW,    /* binary bytes of one direction */
	ESP_IN_HEX,    /* hex text of one direction */
} esp_input_format;

typedef struct {
	esp_input_format format; /* ESP_IN_AUTO: detect */
	esp_dir raw_dir;         /* direction of raw/hex input (--dir) */
	uint32_t baud;           /* rate to assume when the input does not say, 0 = unknown */
	int linktype;            /* pcap link type to accept, 0 = 147 (USER0) */
} esp_input_opts;

typedef struct {
	const char *format;  /* "pcapng", "pcap", "esptool-trace", "esptool-js-trace", "raw", "hex" */
	const char *flasher; /* e.g. "esptool.py v4.12.0", NULL if unknown */
	const char *if_name; /* interface / port name from a pcapng, NULL if none */
	uint64_t start_unix_ns; /* wall-clock start if the input says, else 0 */
} esp_input_info;

typedef struct esp_input esp_input;

esp_status esp_input_open(const char *path, const esp_input_opts *o, esp_input **out, esp_error *e);
/* Valid after open; flasher may be filled in only after run. */
const esp_input_info *esp_input_info_get(const esp_input *in);
/* Feed the whole input to p. Does not call esp_pipeline_finish. */
esp_status esp_input_run(esp_input *in, esp_pipeline *p, esp_error *e);
/* Time of the last event or unit fed, ns since start. */
uint64_t esp_input_end_ns(const esp_input *in);
void esp_input_close(esp_input *in);

#endif
