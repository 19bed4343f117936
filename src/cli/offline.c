/* offline.c: input options and one pipeline run over a file, shared by diagnose and report. */
#include "cli/offline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;
	errno = 0;
	unsigned long x = strtoul(s, &end, 10);
	if (!*s || *end || errno || x > max || s[0] == '-')
		return -1;
	*v = x;
	return 0;
}

int offline_option(int c, const char *arg, offline_opts *o, const char *verb)
{
	unsigned long v;
	switch (c) {
	case OFF_OPT_FORMAT: {
		static const struct { const char *n; esp_input_format f; } t[] = {
			{"auto", ESP_IN_AUTO}, {"pcap", ESP_IN_PCAP}, {"pcapng", ESP_IN_PCAP},
			{"trace", ESP_IN_TRACE}, {"raw", ESP_IN_RAW}, {"hex", ESP_IN_HEX},
		};
		for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
			if (!strcasecmp(arg, t[i].n)) {
				o->format = t[i].f;
				if ((o->format == ESP_IN_RAW || o->format == ESP_IN_HEX) && o->dir == ESP_DIR_NONE)
					o->dir = ESP_DIR_C2H;
				return 0;
			}
		return cli_failf(EXIT_USAGE, "%s: --format: '%s' is not one of auto, pcap, trace, raw, hex", verb, arg);
	}
	case OFF_OPT_DIR:
		if (!strcmp(arg, "host>chip") || !strcasecmp(arg, "h2c") || !strcasecmp(arg, "tx"))
			o->dir = ESP_DIR_H2C;
		else if (!strcmp(arg, "chip>host") || !strcasecmp(arg, "c2h") || !strcasecmp(arg, "rx"))
			o->dir = ESP_DIR_C2H;
		else
			return cli_failf(EXIT_USAGE, "%s: --dir: '%s' is not host>chip, chip>host, h2c or c2h", verb, arg);
		return 0;
	case OFF_OPT_BAUD:
		if (parse_uint(arg, 100000000, &v) || v == 0)
			return cli_failf(EXIT_USAGE, "%s: --baud: '%s' is not a rate in baud", verb, arg);
		o->baud = (uint32_t)v;
		return 0;
	case OFF_OPT_LINKTYPE:
		if (parse_uint(arg, 1000, &v) || v < 147 || v > 162)
			return cli_failf(EXIT_USAGE, "%s: --linktype: '%s' is not a USER link type (147..162)", verb, arg);
		o->linktype = (int)v;
		return 0;
	case OFF_OPT_CHIP: {
		const esp_chip_info *ci = esp_chip_by_name(arg);
		if (!ci || ci->chip == ESP_CHIP_UNKNOWN)
			return cli_failf(EXIT_USAGE, "%s: --chip: unknown chip '%s'", verb, arg);
		o->chip = ci->chip;
		return 0;
	}
	case OFF_OPT_STUB:
		o->stub = true;
		return 0;
	case OFF_OPT_TIMEOUT:
		return cli_timeout_option(verb, arg, o->timeout_ms, &o->timeout_all_ms);
	default:
		return -1;
	}
}

esp_status offline_run(const offline_opts *o, esp_record_cb sink, void *user, esp_pipeline **out, offline_info *info,
		       esp_error *e)
{
	*out = NULL;
	esp_input *in = NULL;
	esp_input_opts io = {.format = o->format, .raw_dir = o->dir, .baud = o->baud, .linktype = o->linktype};
	esp_status st = esp_input_open(o->input, &io, &in, e);
	if (st != ESP_OK)
		return st;
	esp_pipeline_opts po = {
		.decoder = {.chip_hint = o->chip, .stub_hint = o->stub, .timeout_all_ms = o->timeout_all_ms},
		.initial_baud = o->baud,
		.record_sink = sink,
		.user = user,
	};
	memcpy(po.decoder.timeout_ms, o->timeout_ms, sizeof po.decoder.timeout_ms);
	esp_pipeline *p = esp_pipeline_new(&po);
	if (!p) {
		esp_input_close(in);
		return esp_error_set(e, ESP_E_NOMEM, o->input, ESP_LOC_NONE, 0, 0, "out of memory");
	}
	st = esp_input_run(in, p, e);
	esp_pipeline_finish(p, esp_input_end_ns(in));
	const esp_input_info *ii = esp_input_info_get(in);
	if (info) {
		snprintf(info->format, sizeof info->format, "%s", ii->format ? ii->format : "");
		snprintf(info->flasher, sizeof info->flasher, "%s", ii->flasher ? ii->flasher : "");
		snprintf(info->if_name, sizeof info->if_name, "%s", ii->if_name ? ii->if_name : "");
	}
	esp_input_close(in);
	*out = p;
	return st;
}
