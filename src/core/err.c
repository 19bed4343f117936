/* err.c: filling and formatting esp_error. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

esp_status esp_error_set(esp_error *e, esp_status st, const char *source, esp_loc_kind loc,
			 uint64_t where, int sys_errno, const char *fmt, ...)
{
	if (!e)
		return st;
	e->status = st;
	snprintf(e->source, sizeof e->source, "%s", source ? source : "");
	e->loc = loc;
	e->where = where;
	e->sys_errno = sys_errno;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof e->text, fmt, ap);
	va_end(ap);
	return st;
}

void esp_error_format(const esp_error *e, char *buf, size_t n)
{
	static const char *const what[] = {"", "byte", "line", "frame"};
	int k = snprintf(buf, n, "%s", e->source[0] ? e->source : "-");
	if (k < 0 || (size_t)k >= n)
		return;
	if (e->loc != ESP_LOC_NONE)
		k += snprintf(buf + k, n - k, ": %s %llu", what[e->loc], (unsigned long long)e->where);
	if (k < 0 || (size_t)k >= n)
		return;
	snprintf(buf + k, n - k, ": %s%s%s", e->text, e->sys_errno ? ": " : "",
		 e->sys_errno ? strerror(e->sys_errno) : "");
}
