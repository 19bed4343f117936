/* telnet.c: the RFC 2217 server's Telnet parser (pure): unescaping, negotiation, bounded subnegotiation, client limits. */
#include "capture/telnet.h"

#include <string.h>

enum { T_DATA, T_IAC, T_NEG, T_SB, T_SB_IAC };

void esp_telnet_reset(esp_telnet *t)
{
	memset(t, 0, sizeof *t);
	t->budget_ms = (uint64_t)ESP_TN_CMD_BURST * 1000u;
}

/* Spend one command from the budget; false when it is exhausted. */
static bool spend(esp_telnet *t, uint64_t now_ms)
{
	if (!t->started) {
		t->started = true;
		t->last_ms = now_ms;
	}
	if (now_ms > t->last_ms) {
		uint64_t add = (now_ms - t->last_ms) * ESP_TN_CMD_RATE;
		uint64_t cap = (uint64_t)ESP_TN_CMD_BURST * 1000u;
		t->budget_ms = add >= cap - t->budget_ms ? cap : t->budget_ms + add;
		t->last_ms = now_ms;
	}
	t->commands++;
	if (t->budget_ms < 1000u)
		return false;
	t->budget_ms -= 1000u;
	return true;
}

const char *esp_telnet_feed(esp_telnet *t, const uint8_t *p, size_t n, uint64_t now_ms,
			    const esp_telnet_cb *cb, void *user, int *cb_rc)
{
	size_t run = 0; /* start of the pending data run in p, if the bytes are unescaped as they came */
	uint8_t esc;    /* an escaped 0xFF is handed over alone */
	*cb_rc = 0;
#define FLUSH_TO(end)                                                                 \
	do {                                                                          \
		if ((end) > run && (*cb_rc = cb->data(user, p + run, (end) - run)) != 0) \
			return NULL;                                                  \
	} while (0)
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];
		switch (t->st) {
		case T_DATA:
			if (b == ESP_TN_IAC) {
				FLUSH_TO(i);
				t->st = T_IAC;
			}
			break;
		case T_IAC:
			run = i + 1;
			if (b == ESP_TN_IAC) {
				esc = ESP_TN_IAC;
				if ((*cb_rc = cb->data(user, &esc, 1)) != 0)
					return NULL;
				t->st = T_DATA;
				break;
			}
			if (b < ESP_TN_SE)
				return "IAC followed by a byte that is no Telnet command";
			if (!spend(t, now_ms))
				return "too many Telnet commands too fast";
			if (b >= ESP_TN_WILL) {
				t->neg_cmd = b;
				t->st = T_NEG;
			} else if (b == ESP_TN_SB) {
				t->sb_len = 0;
				t->st = T_SB;
			} else {
				t->st = T_DATA; /* NOP, AYT, GA, ...: nothing to do */
			}
			break;
		case T_NEG:
			run = i + 1;
			t->st = T_DATA;
			if (++t->neg_count[b] > ESP_TN_NEG_MAX)
				return "the same option negotiated again and again";
			if ((*cb_rc = cb->neg(user, t->neg_cmd, b)) != 0)
				return NULL;
			break;
		case T_SB:
			run = i + 1;
			if (b == ESP_TN_IAC)
				t->st = T_SB_IAC;
			else if (t->sb_len < sizeof t->sb)
				t->sb[t->sb_len++] = b;
			else
				return "subnegotiation longer than 256 bytes";
			break;
		case T_SB_IAC:
			run = i + 1;
			if (b == ESP_TN_SE) {
				t->st = T_DATA;
				if ((*cb_rc = cb->sb(user, t->sb, t->sb_len)) != 0)
					return NULL;
			} else if (b == ESP_TN_IAC) {
				if (t->sb_len >= sizeof t->sb)
					return "subnegotiation longer than 256 bytes";
				t->sb[t->sb_len++] = b;
				t->st = T_SB;
			} else {
				return "subnegotiation not ended by IAC SE";
			}
			break;
		}
	}
	if (t->st == T_DATA)
		FLUSH_TO(n);
#undef FLUSH_TO
	return NULL;
}

int esp_cpo_parse(const uint8_t *p, size_t n, esp_cpo_req *r)
{
	memset(r, 0, sizeof *r);
	if (n < 2 || p[0] != ESP_TN_OPT_COMPORT || p[1] > 12)
		return 0;
	r->code = p[1];
	r->has_value = n > 2;
	r->value = n > 2 ? p[2] : 0;
	if (r->code == 1) /* SET-BAUDRATE: four bytes, network order */
		r->baud = n >= 6 ? (uint32_t)p[2] << 24 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5] : 0;
	return 1;
}
