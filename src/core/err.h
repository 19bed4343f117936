/* err.h: the status every fallible esptap function returns, and the error
 * struct that says where and why. The struct is filled by the function that
 * fails and printed by the CLI as one line:
 *     esptap: SOURCE: byte N: what went wrong
 * Exit codes live in src/cli/exitcodes.h; esp_status values map onto them.
 */
#ifndef ESPTAP_CORE_ERR_H
#define ESPTAP_CORE_ERR_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	ESP_OK = 0,
	ESP_E_USAGE,      /* bad arguments */
	ESP_E_IO,         /* file or port could not be opened, read or written */
	ESP_E_FORMAT,     /* input is not in a known format */
	ESP_E_TRUNCATED,  /* input ends in the middle of a record */
	ESP_E_CORRUPT,    /* input is in a known format but invalid */
	ESP_E_NOMEM,
	ESP_E_PORT_BUSY,  /* another process holds the port */
	ESP_E_PERM,       /* permission denied */
	ESP_E_GONE,       /* port vanished mid-session */
	ESP_E_INTERNAL,
} esp_status;

typedef enum { ESP_LOC_NONE, ESP_LOC_BYTE, ESP_LOC_LINE, ESP_LOC_FRAME } esp_loc_kind;

typedef struct {
	esp_status status;
	char source[256];     /* file name, port or "-" */
	esp_loc_kind loc;     /* what `where` counts */
	uint64_t where;
	int sys_errno;        /* 0 if not a system error */
	char text[256];
} esp_error;

/* Fill *e (if non-NULL) and return st. printf-style text. */
esp_status esp_error_set(esp_error *e, esp_status st, const char *source,
			 esp_loc_kind loc, uint64_t where, int sys_errno,
			 const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Format as "SOURCE: byte N: text" into buf. */
void esp_error_format(const esp_error *e, char *buf, size_t n);

#endif
