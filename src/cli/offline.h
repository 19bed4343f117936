/* offline.h: what the offline analysis verbs (diagnose, report) share: the
 * input options they take like decode (--format, --dir, --baud, --linktype,
 * --chip, --stub), and one run of a file through a pipeline with an optional
 * record sink. Prints nothing; never exits. The finished pipeline belongs to
 * the caller (esp_pipeline_free); the info strings are copies.
 */
#ifndef ESPTAP_CLI_OFFLINE_H
#define ESPTAP_CLI_OFFLINE_H

#include <stdbool.h>

#include "capture/input.h"
#include "core/pipeline.h"

typedef struct {
	const char *input;
	esp_input_format format;
	esp_dir dir;
	uint32_t baud;
	int linktype;
	esp_chip chip;
	bool stub;
	uint32_t timeout_ms[256], timeout_all_ms; /* --timeout */
} offline_opts;

typedef struct {
	char format[32];
	char flasher[96];
	char if_name[128];
} offline_info;

/* Long option ids for the shared options, above 256. */
enum { OFF_OPT_FORMAT = 400, OFF_OPT_DIR, OFF_OPT_BAUD, OFF_OPT_LINKTYPE, OFF_OPT_CHIP, OFF_OPT_STUB, OFF_OPT_TIMEOUT };
#define OFFLINE_LONG_OPTS                                                                                          \
	{"format", required_argument, NULL, OFF_OPT_FORMAT}, {"dir", required_argument, NULL, OFF_OPT_DIR},        \
		{"baud", required_argument, NULL, OFF_OPT_BAUD}, {"linktype", required_argument, NULL, OFF_OPT_LINKTYPE}, \
		{"chip", required_argument, NULL, OFF_OPT_CHIP}, {"stub", no_argument, NULL, OFF_OPT_STUB},             \
		{"timeout", required_argument, NULL, OFF_OPT_TIMEOUT}
#define OFFLINE_HELP                                                                                               \
	"      --format FMT      auto|pcap|trace|raw|hex (default auto: detect)\n"                                    \
	"      --dir DIR         direction of raw/hex input: host>chip|chip>host|h2c|c2h\n"                          \
	"      --baud N          rate to assume when the input does not say (default unknown)\n"                     \
	"      --linktype N      pcap link type to read, 147..162 (default 147, USER0)\n"                            \
	"      --chip NAME       chip hint, e.g. esp32, esp32s3, esp8266 (default: learn it)\n"                      \
	"      --stub            the capture starts with the stub already running\n"                          \
	"      --timeout [OP=]MS a request unanswered after MS ms is a timeout: for OP, or every op\n"        \
	"                        (default: esptool's own limits)\n"

/* One shared option: 0 taken, -1 not one of them, else the exit status (message printed). */
int offline_option(int c, const char *arg, offline_opts *o, const char *verb);
/* Feed the input through a new pipeline (sink may be NULL) and finish it.
 * Returns the input's status (ESP_OK, or why it stopped early: what came
 * before is analysed all the same); *out is NULL only when the input could
 * not be opened or memory ran out. */
esp_status offline_run(const offline_opts *o, esp_record_cb sink, void *user, esp_pipeline **out, offline_info *info,
		       esp_error *e);

#endif
