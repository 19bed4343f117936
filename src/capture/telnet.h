/* telnet.h: the Telnet side of the RFC 2217 server as a pure parser: bytes
 * from the client in (any chunking), data runs, option negotiations and
 * subnegotiations out through callbacks, and a verdict when the client
 * misbehaves. It never touches a socket, a port or a clock of its own (the
 * caller passes the time), so it is fuzzed and unit-tested on byte vectors.
 * What it refuses, so that rfc2217.c drops the client:
 *   - a subnegotiation longer than ESP_TN_SB_MAX bytes (its memory is fixed);
 *   - IAC followed by a byte that is no Telnet command, or, inside a
 *     subnegotiation, by anything but IAC or SE;
 *   - the same option negotiated more than ESP_TN_NEG_MAX times (a loop);
 *   - commands (negotiations, subnegotiations, NOP, ...) faster than a
 *     budget of ESP_TN_CMD_BURST at once, refilled at ESP_TN_CMD_RATE a
 *     second; data bytes, 0xFF included, are never limited here.
 * Also decodes one COM-PORT-OPTION subnegotiation (esp_cpo_parse). Owns
 * nothing but its struct; callers zero it (esp_telnet_reset) per client.
 */
#ifndef ESPTAP_CAPTURE_TELNET_H
#define ESPTAP_CAPTURE_TELNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ESP_TN_IAC = 255, ESP_TN_DONT = 254, ESP_TN_DO = 253, ESP_TN_WONT = 252, ESP_TN_WILL = 251,
       ESP_TN_SB = 250, ESP_TN_SE = 240 };
enum { ESP_TN_OPT_BINARY = 0, ESP_TN_OPT_SGA = 3, ESP_TN_OPT_COMPORT = 44 };

#define ESP_TN_SB_MAX 256      /* option byte + command + value */
#define ESP_TN_NEG_MAX 16      /* negotiations of one option per client */
#define ESP_TN_CMD_BURST 4000u /* commands at once */
#define ESP_TN_CMD_RATE 1000u  /* commands a second, sustained */

typedef struct {
	/* Each returns 0 to go on, anything else to stop the feed (that value
	 * is returned by esp_telnet_feed through *cb_rc). data: unescaped bytes,
	 * always delivered before a later command is. sb: the subnegotiation's
	 * bytes between IAC SB and IAC SE, unescaped, option byte first. */
	int (*data)(void *user, const uint8_t *p, size_t n);
	int (*neg)(void *user, uint8_t cmd, uint8_t opt);
	int (*sb)(void *user, const uint8_t *p, size_t n);
} esp_telnet_cb;

typedef struct {
	int st;
	uint8_t neg_cmd;
	uint8_t sb[ESP_TN_SB_MAX];
	size_t sb_len;
	uint8_t neg_count[256];
	uint64_t budget_ms;  /* command budget, in thousandths of a command */
	uint64_t last_ms;
	bool started;
	uint64_t commands;   /* total, for the record */
} esp_telnet;

void esp_telnet_reset(esp_telnet *t);
/* Feed n bytes received at now_ms (any monotonic clock). Returns NULL when
 * all went well (or a callback stopped it: *cb_rc non-zero), else a short
 * reason the client must be dropped for; after a reason, reset before reuse. */
const char *esp_telnet_feed(esp_telnet *t, const uint8_t *p, size_t n, uint64_t now_ms,
			    const esp_telnet_cb *cb, void *user, int *cb_rc);

/* One COM-PORT-OPTION client request, decoded from a subnegotiation. */
typedef struct {
	uint8_t code;    /* 0..12 (SIGNATURE .. PURGE-DATA) */
	bool has_value;  /* at least one value byte (four for SET-BAUDRATE) */
	uint8_t value;   /* first value byte */
	uint32_t baud;   /* SET-BAUDRATE: the rate, 0: a query */
} esp_cpo_req;

/* 1: a COM-PORT request the server knows (*r filled); 0: another option's or
 * an unknown command, to ignore. Reads only p[0..n). */
int esp_cpo_parse(const uint8_t *p, size_t n, esp_cpo_req *r);

#endif
