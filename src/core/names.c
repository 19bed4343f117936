/* names.c: display names for directions, unit kinds and record types. */
#include "core/event.h"
#include "core/record.h"

const char *esp_dir_name(esp_dir d)
{
	return d == ESP_DIR_H2C ? "host>chip" : d == ESP_DIR_C2H ? "chip>host" : "none";
}

const char *esp_unit_kind_name(esp_unit_kind k)
{
	static const char *const n[] = {"?", "frame", "raw", "baud", "modem", "break", "line-error", "gap", "note"};
	return (unsigned)k < sizeof n / sizeof n[0] ? n[k] : "?";
}

const char *esp_rec_type_name(esp_rec_type t)
{
	static const char *const n[] = {"?", "command", "response", "raw", "event", "timeout", "session_summary"};
	return (unsigned)t < sizeof n / sizeof n[0] ? n[t] : "?";
}
