/* jsonl_rec.h: the hot path of the JSON Lines writer: one esp_record written
 * straight into a text buffer, without building a Jansson object.
 *
 * It owns only its buffer (esp_jbuf, reused across records; esp_jbuf_free
 * releases it). Its contract is to write exactly the bytes that
 * json_dumps(esp_json_record(r)) with the writer's flags and the `t` rewrite
 * (esp_json_line) would: same key order, escapes, number formats, nulls for
 * text that is not UTF-8, a repeated field name keeping its first place with
 * its last value. tests/unit/test_jsonl_rec.c holds it to that on generated
 * records. Session and summary records (once per file) stay with Jansson.
 * Never decodes the protocol; no I/O.
 */
#ifndef ESPTAP_WRITE_JSONL_REC_H
#define ESPTAP_WRITE_JSONL_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/record.h"

#define ESP_JSON_HEX_MAX 256 /* raw bytes shown as hex, at most; "len" gives the whole */

/* Unit flag bits and their JSON names, in output order. */
typedef struct {
	uint16_t bit;
	const char *name;
} esp_json_flag;
#define ESP_JSON_N_UNIT_FLAGS 7
extern const esp_json_flag esp_json_unit_flags[ESP_JSON_N_UNIT_FLAGS];

/* Milliseconds as whole microseconds (thousandths of a ms), rounded half
 * away from zero: latency_ms and waited_ms are this / 1000. */
long long esp_json_ms_k(double ms);
/* v as Jansson prints a real with JSON_REAL_PRECISION(15), "null" if not
 * finite; out needs 32 bytes. */
void esp_json_put_real15(char *out, size_t cap, double v);

typedef struct {
	char *p;
	size_t n, cap;
	bool oom; /* an allocation failed: the contents are incomplete */
} esp_jbuf;

/* Replace b's contents with r's record, without the trailing newline.
 * Returns false if out of memory. */
bool esp_json_record_write(esp_jbuf *b, const esp_record *r);
void esp_jbuf_free(esp_jbuf *b);

#endif
