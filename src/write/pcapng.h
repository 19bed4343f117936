/* pcapng.h: the pcapng writer, exactly as docs/linktype.md says. It writes
 * one Section Header Block and one Interface Description Block when opened,
 * then one Enhanced Packet Block per unit (the 20-byte pseudo-header, then the
 * unit's wire bytes). Every block is built whole in memory and handed to
 * stdio in one fwrite, so a file cut at any block boundary stays readable.
 * It never decodes the protocol: the verdict comment comes from the caller.
 * The writer owns its FILE (stdout is flushed, not closed) and its buffer;
 * esp_pcapng_close frees both.
 */
#ifndef ESPTAP_WRITE_PCAPNG_H
#define ESPTAP_WRITE_PCAPNG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/event.h"

#define ESP_PCAPNG_LINKTYPE_DEFAULT 147 /* LINKTYPE_USER0 */
#define ESP_PSEUDO_LEN 20
#define ESP_PSEUDO_MAGIC "ESPT"
#define ESP_PSEUDO_VERSION 1

typedef struct {
	int linktype;          /* 147..162; 0 means 147 */
	const char *if_name;   /* the port or input file, NULL: no if_name option */
	const char *userappl;  /* "esptap 0.1.0", NULL: no shb_userappl option */
	uint64_t start_unix_ns; /* added to every unit's ts_ns */
	bool force;            /* overwrite what write/outfile.h refuses (never a symlink) */
} esp_pcapng_opts;

typedef struct esp_pcapng esp_pcapng;

/* Create path ("-" is stdout) and write the SHB and the IDB. */
esp_status esp_pcapng_open(const char *path, const esp_pcapng_opts *o, esp_pcapng **out, esp_error *e);
/* Append one EPB; comment (the decoded verdict) may be NULL or "". */
esp_status esp_pcapng_write(esp_pcapng *w, const esp_unit *u, const char *comment, esp_error *e);
esp_status esp_pcapng_flush(esp_pcapng *w, esp_error *e);
/* Flush and close; frees w even on error. */
esp_status esp_pcapng_close(esp_pcapng *w, esp_error *e);
uint64_t esp_pcapng_packets(const esp_pcapng *w);

/* The pseudo-header of docs/linktype.md for u, into out[ESP_PSEUDO_LEN]. */
void esp_pseudo_header(const esp_unit *u, uint8_t out[ESP_PSEUDO_LEN]);

#endif
