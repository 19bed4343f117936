/* fuzz_pcap.c: fuzz target for the pcap / pcapng reader: any file reads or fails cleanly, units stay inside their packets. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/pcapread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_unit(const esp_unit *u, void *user)
{
	uint64_t *h = user;
	if (u->kind < ESP_UNIT_FRAME || u->kind > ESP_UNIT_NOTE || u->dir > ESP_DIR_C2H)
		abort();
	if (u->payload_len > u->wire_len || (u->wire_len && !u->wire))
		abort();
	for (size_t i = 0; i < u->wire_len; i++)
		*h = (*h ^ u->wire[i]) * 0x100000001B3ULL;
	for (size_t i = 0; i < u->payload_len; i++)
		*h = (*h ^ u->payload[i]) * 0x100000001B3ULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	FILE *f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	esp_pcapread *r = NULL;
	esp_error e;
	if (esp_pcapread_open(f, "fuzz", data, size, 0, &r, &e) != ESP_OK)
		return 0; /* f closed by open */
	uint64_t h = 0;
	esp_feed feed = {NULL, on_unit, &h};
	esp_status st = esp_pcapread_run(r, &feed, &e);
	if (st != ESP_OK && st != ESP_E_TRUNCATED && st != ESP_E_CORRUPT && st != ESP_E_NOMEM)
		abort();
	if (esp_pcapread_if_name(r) && strlen(esp_pcapread_if_name(r)) >= 128)
		abort();
	esp_pcapread_close(r);
	return 0;
}
