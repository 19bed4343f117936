/* tap.c: passive two-port capture with PARMRK error marks and CHANGE_BAUDRATE following. */
#include "capture/tap.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "capture/parmrk.h"
#include "capture/port.h"

typedef struct {
	esp_port *port;
	esp_dir dir;
	esp_parmrk mark;
} line;

struct esp_tap {
	line l[2];
	esp_rec *rec;
	uint32_t pending_rate; /* CHANGE_BAUDRATE asked, waiting for its OK */
	uint32_t follow_rate;  /* OK seen: apply after this chunk */
};

esp_status esp_tap_new(const char *tx_port, const char *rx_port, uint32_t baud, esp_tap **out, esp_error *e)
{
	esp_tap *t = calloc(1, sizeof *t);
	if (!t)
		return esp_error_set(e, ESP_E_NOMEM, "tap", ESP_LOC_NONE, 0, 0, "out of memory");
	esp_port_opts po = {.baud = baud, .mark_errors = true};
	esp_status st = esp_port_open(tx_port, &po, &t->l[0].port, e);
	if (st == ESP_OK)
		st = esp_port_open(rx_port, &po, &t->l[1].port, e);
	if (st != ESP_OK) {
		esp_tap_free(t);
		return st;
	}
	t->l[0].dir = ESP_DIR_H2C;
	t->l[1].dir = ESP_DIR_C2H;
	*out = t;
	return ESP_OK;
}

void esp_tap_set_rec(esp_tap *t, esp_rec *rec) { t->rec = rec; }

void esp_tap_free(esp_tap *t)
{
	if (!t)
		return;
	esp_port_close(t->l[0].port);
	esp_port_close(t->l[1].port);
	free(t);
}

void esp_tap_on_record(const esp_record *r, void *user)
{
	esp_tap *t = user;
	if (!r->op || strcmp(r->op, "CHANGE_BAUDRATE") != 0)
		return;
	if (r->type == ESP_REC_COMMAND) {
		for (int i = 0; i < r->n_fields; i++)
			if (!strcmp(r->fields[i].name, "baud") || !strcmp(r->fields[i].name, "new_baud"))
				t->pending_rate = (uint32_t)r->fields[i].u;
	} else if (r->type == ESP_REC_RESPONSE && r->status_ok && t->pending_rate) {
		t->follow_rate = t->pending_rate;
		t->pending_rate = 0;
	}
}

typedef struct {
	esp_tap *t;
	line *l;
} mark_ctx;

static void on_mark(esp_parmrk_kind kind, const uint8_t *p, size_t n, void *user)
{
	mark_ctx *m = user;
	if (kind == ESP_PARMRK_DATA)
		esp_rec_bytes(m->t->rec, m->l->dir, p, n);
	else if (kind == ESP_PARMRK_BREAK)
		esp_rec_line(m->t->rec, ESP_EV_BREAK, m->l->dir, 0, 0);
	else
		esp_rec_line(m->t->rec, ESP_EV_LINE_ERROR, m->l->dir, ESP_LINE_ERR_FRAMING | ESP_LINE_ERR_PARITY, 0);
}

/* Split a PARMRK stream into data runs, line errors and breaks. */
static void feed(esp_tap *t, line *l, const uint8_t *p, size_t n)
{
	mark_ctx m = {t, l};
	esp_parmrk_feed(&l->mark, p, n, on_mark, &m);
}

esp_status esp_tap_run(esp_tap *t, bool *signalled, esp_error *e)
{
	uint8_t buf[4096];
	*signalled = false;
	while (!esp_rec_stop) {
		struct pollfd f[2];
		for (int i = 0; i < 2; i++)
			f[i] = (struct pollfd){.fd = esp_port_fd(t->l[i].port), .events = POLLIN};
		if (poll(f, 2, 100) < 0 && errno != EINTR)
			return esp_error_set(e, ESP_E_INTERNAL, "poll", ESP_LOC_NONE, 0, errno, "poll failed");
		/* both lines are read in the same pass and stamped as they are read: merged by time */
		for (int i = 0; i < 2; i++) {
			if (!(f[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			size_t got = 0;
			esp_status st = esp_port_read(t->l[i].port, buf, sizeof buf, &got, e);
			if (st != ESP_OK)
				return st;
			feed(t, &t->l[i], buf, got);
		}
		if (t->follow_rate) {
			uint32_t rate = t->follow_rate;
			t->follow_rate = 0;
			for (int i = 0; i < 2; i++) {
				esp_status st = esp_port_set_baud(t->l[i].port, rate, e);
				if (st != ESP_OK)
					return st;
			}
			esp_rec_line(t->rec, ESP_EV_BAUD, ESP_DIR_NONE, rate, 0);
		}
		esp_rec_tick(t->rec);
	}
	*signalled = true;
	return ESP_OK;
}
