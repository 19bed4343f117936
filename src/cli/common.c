/* common.c: error printing and terminal manners shared by the verbs. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/esp_ops.h"

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

int cli_timeout_option(const char *verb, const char *arg, uint32_t per_op[256], uint32_t *all)
{
	const char *eq = strchr(arg, '='), *ms = eq ? eq + 1 : arg;
	char *end;
	errno = 0;
	unsigned long v = strtoul(ms, &end, 10);
	if (!*ms || *end || errno || v == 0 || v > 86400000ul || *ms == '-')
		return cli_failf(EXIT_USAGE, "%s: --timeout: '%s' is not [OP=]MS with MS from 1 to 86400000", verb, arg);
	if (!eq) {
		*all = (uint32_t)v;
		return 0;
	}
	char name[32];
	size_t k = (size_t)(eq - arg);
	if (k == 0 || k >= sizeof name)
		return cli_failf(EXIT_USAGE, "%s: --timeout: '%s' names no op", verb, arg);
	memcpy(name, arg, k);
	name[k] = 0;
	int op = esp_op_by_name(name);
	if (op < 0) {
		unsigned long n = strtoul(name, &end, 0);
		if (*end || n > 255)
			return cli_failf(EXIT_USAGE, "%s: --timeout: '%s' is not an op name (e.g. FLASH_DATA) or number", verb,
					 name);
		op = (int)n;
	}
	per_op[op] = (uint32_t)v;
	return 0;
}
