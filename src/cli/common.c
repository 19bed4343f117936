/* common.c: error printing and terminal manners shared by the verbs. */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"

int esp_exit_code(esp_status st)
{
	switch (st) {
	case ESP_OK: return 0;
	case ESP_E_USAGE: return EXIT_USAGE;
	case ESP_E_IO: return EXIT_INPUT;
	case ESP_E_FORMAT: case ESP_E_CORRUPT: return EXIT_FORMAT;
	case ESP_E_TRUNCATED: return EXIT_TRUNCATED;
	case ESP_E_PORT_BUSY: case ESP_E_PERM: return EXIT_PORT;
	case ESP_E_GONE: return EXIT_PORT_GONE;
	case ESP_E_NOMEM: case ESP_E_INTERNAL: return EXIT_INTERNAL;
	}
	return EXIT_INTERNAL;
}

int cli_fail(const esp_error *e)
{
	char buf[700];
	esp_error_format(e, buf, sizeof buf);
	fprintf(stderr, "esptap: %s\n", buf);
	return esp_exit_code(e->status);
}

int cli_failf(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("esptap: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

int cli_use_colour(FILE *f)
{
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	return isatty(fileno(f));
}
