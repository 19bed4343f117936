/* pcapread.h: reads pcap and pcapng files in esptap's link type through
 * libpcap and turns each packet into an esp_unit: the pseudo-header of
 * docs/linktype.md checked and parsed, the unit's wire bytes after it, and
 * for SLIP frames the unescaped payload. Times are relative to the first
 * packet. It never decodes the protocol and allocates nothing per packet.
 * It owns the FILE handed to it (closed by esp_pcapread_close, or by open on
 * failure); units are valid only during the feed's callback.
 */
#ifndef ESPTAP_CAPTURE_PCAPREAD_H
#define ESPTAP_CAPTURE_PCAPREAD_H

#include <stdio.h>

#include "capture/feed.h"
#include "core/err.h"

#define ESP_PSEUDO_MAGIC 0x54505345u /* "ESPT" read little-endian */
#define ESP_PSEUDO_VERSION 1
#define ESP_PSEUDO_LEN 20

typedef struct esp_pcapread esp_pcapread;

/* f is positioned at the file's start; head/nhead are its first bytes (for
 * the interface name, which libpcap does not expose). linktype 0 = 147. */
esp_status esp_pcapread_open(FILE *f, const char *source, const uint8_t *head, size_t nhead,
			     int linktype, esp_pcapread **out, esp_error *e);
const char *esp_pcapread_format(const esp_pcapread *r);  /* "pcapng" or "pcap" */
const char *esp_pcapread_if_name(const esp_pcapread *r); /* NULL if none */
uint64_t esp_pcapread_start_ns(const esp_pcapread *r);   /* first packet, Unix ns; 0 if none */
/* Feed every packet. Stops at the first bad or cut packet, after feeding
 * those before it. */
esp_status esp_pcapread_run(esp_pcapread *r, const esp_feed *feed, esp_error *e);
uint64_t esp_pcapread_end_ns(const esp_pcapread *r);
uint64_t esp_pcapread_packets(const esp_pcapread *r);
void esp_pcapread_close(esp_pcapread *r);

#endif
