/* proxy.c: the pty proxy's poll loop: pty <-> port, baud following, shim line control. */
#include "capture/proxy.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct esp_proxy {
	esp_port *port;
	esp_pty *pty;
	esp_rec *rec;
	int ctl_fd;
	uint8_t modem; /* DTR/RTS as last set */
};

#define CHUNK 4096

esp_status esp_proxy_new(const esp_proxy_opts *o, esp_proxy **out, esp_error *e)
{
	esp_proxy *px = calloc(1, sizeof *px);
	if (!px)
		return esp_error_set(e, ESP_E_NOMEM, "proxy", ESP_LOC_NONE, 0, 0, "out of memory");
	px->rec = o->rec;
	px->ctl_fd = o->ctl_fd;
	esp_port_opts po = {.baud = o->baud, .sim_in_download = !o->lines};
	esp_status st = ESP_OK;
	if (o->link) {
		/* refuse a taken link before touching the port */
		esp_pty *probe = NULL;
		st = esp_pty_open(o->link, o->baud, &probe, e);
		px->pty = probe;
	}
	if (st == ESP_OK)
		st = esp_port_open(o->port, &po, &px->port, e);
	if (st == ESP_OK && !px->pty)
		st = esp_pty_open(NULL, o->baud, &px->pty, e);
	if (st == ESP_OK)
		esp_pty_match_port(px->pty, o->port);
	if (st != ESP_OK) {
		esp_proxy_free(px);
		return st;
	}
	*out = px;
	return ESP_OK;
}

void esp_proxy_free(esp_proxy *px)
{
	if (!px)
		return;
	esp_pty_close(px->pty);
	esp_port_close(px->port);
	free(px);
}

const char *esp_proxy_path(const esp_proxy *px) { return esp_pty_path(px->pty); }
const esp_pty *esp_proxy_pty(const esp_proxy *px) { return px->pty; }
void esp_proxy_set_rec(esp_proxy *px, esp_rec *rec) { px->rec = rec; }

/* Flasher > chip: forward, then record. */
static esp_status to_port(esp_proxy *px, const uint8_t *b, size_t n, esp_error *e)
{
	esp_status st = esp_port_write(px->port, b, n, e);
	if (st == ESP_OK)
		esp_rec_bytes(px->rec, ESP_DIR_H2C, b, n);
	return st;
}

static esp_status baud_changed(esp_proxy *px, esp_error *e)
{
	uint8_t buf[CHUNK];
	size_t got;
	bool changed;
	/* the notice can overtake bytes written before it: send those at the old rate first */
	for (;;) {
		esp_status st = esp_pty_read(px->pty, buf, sizeof buf, &got, &changed, e);
		if (st != ESP_OK)
			return st;
		if (!got && !changed)
			break;
		if (got && (st = to_port(px, buf, got, e)) != ESP_OK)
			return st;
	}
	esp_pty_rearm(px->pty);
	uint32_t rate = esp_pty_rate(px->pty);
	if (!rate || rate == esp_port_baud(px->port))
		return ESP_OK;
	esp_port_drain(px->port);
	esp_status st = esp_port_set_baud(px->port, rate, e);
	if (st != ESP_OK)
		return st;
	esp_rec_line(px->rec, ESP_EV_BAUD, ESP_DIR_NONE, rate, px->modem);
	return ESP_OK;
}

static esp_status control(esp_proxy *px, esp_error *e)
{
	esp_ctl_msg m;
	ssize_t n = recv(px->ctl_fd, &m, sizeof m, MSG_DONTWAIT);
	if (n == 0) {
		px->ctl_fd = -1; /* every holder of the shim's end is gone */
		return ESP_OK;
	}
	if (n != (ssize_t)sizeof m)
		return ESP_OK;
	esp_status st = ESP_OK;
	uint8_t ans = 0;
	if (m.op == ESP_CTL_LINES) {
		uint8_t now = (m.dtr ? ESP_MODEM_DTR : 0) | (m.rts ? ESP_MODEM_RTS : 0);
		st = esp_port_set_lines(px->port, m.dtr, m.rts, e);
		/* answer first: the flasher's sleep starts from here, as on a real port */
		ans = st == ESP_OK ? 0 : 1;
		send(px->ctl_fd, &ans, 1, MSG_NOSIGNAL);
		if (st == ESP_OK) {
			esp_rec_line(px->rec, ESP_EV_MODEM, ESP_DIR_H2C, (uint32_t)(now ^ px->modem) & 3u, now);
			px->modem = now;
		}
		return st;
	}
	if (m.op == ESP_CTL_BREAK) {
		st = esp_port_set_break(px->port, m.on, e);
		ans = st == ESP_OK ? 0 : 1;
		send(px->ctl_fd, &ans, 1, MSG_NOSIGNAL);
		if (st == ESP_OK && m.on)
			esp_rec_line(px->rec, ESP_EV_BREAK, ESP_DIR_H2C, m.ms, px->modem);
		return st;
	}
	send(px->ctl_fd, &ans, 1, MSG_NOSIGNAL);
	return ESP_OK;
}

esp_status esp_proxy_run(esp_proxy *px, bool (*stop)(void *), void *user, esp_proxy_end *end, esp_error *e)
{
	uint8_t buf[CHUNK];
	*end = ESP_PROXY_STOPPED;
	int pfd = esp_port_fd(px->port);
	for (;;) {
		if (esp_rec_stop) {
			*end = ESP_PROXY_SIGNAL;
			return ESP_OK;
		}
		if (stop && stop(user))
			return ESP_OK;
		int timeout = esp_port_poll_ms(px->port, 100);
		struct pollfd f[3];
		int nf = 0;
		f[nf++] = (struct pollfd){.fd = esp_pty_master(px->pty), .events = POLLIN};
		int ip = -1, ic = -1;
		if (pfd >= 0) {
			ip = nf;
			f[nf++] = (struct pollfd){.fd = pfd, .events = POLLIN};
		}
		if (px->ctl_fd >= 0) {
			ic = nf;
			f[nf++] = (struct pollfd){.fd = px->ctl_fd, .events = POLLIN};
		}
		int r = poll(f, (nfds_t)nf, timeout);
		if (r < 0 && errno != EINTR)
			return esp_error_set(e, ESP_E_INTERNAL, "poll", ESP_LOC_NONE, 0, errno, "poll failed");
		esp_status st;
		/* chip > flasher first: answers are what the flasher waits on */
		if ((ip >= 0 && (f[ip].revents & (POLLIN | POLLHUP | POLLERR))) || esp_port_pending(px->port)) {
			size_t got = 0;
			st = esp_port_read(px->port, buf, sizeof buf, &got, e);
			if (st == ESP_E_GONE) {
				*end = ESP_PROXY_GONE;
				return st;
			}
			if (st != ESP_OK)
				return st;
			if (got) {
				if ((st = esp_pty_write(px->pty, buf, got, e)) != ESP_OK)
					return st;
				esp_rec_bytes(px->rec, ESP_DIR_C2H, buf, got);
			}
		}
		if (f[0].revents & POLLIN) {
			size_t got;
			bool changed;
			if ((st = esp_pty_read(px->pty, buf, sizeof buf, &got, &changed, e)) != ESP_OK)
				return st;
			if (got && (st = to_port(px, buf, got, e)) != ESP_OK) {
				if (st == ESP_E_GONE)
					*end = ESP_PROXY_GONE;
				return st;
			}
			if (changed && (st = baud_changed(px, e)) != ESP_OK) {
				if (st == ESP_E_GONE)
					*end = ESP_PROXY_GONE;
				return st;
			}
		}
		if (ic >= 0 && (f[ic].revents & (POLLIN | POLLHUP))) {
			if ((st = control(px, e)) != ESP_OK) {
				if (st == ESP_E_GONE)
					*end = ESP_PROXY_GONE;
				return st;
			}
		}
		esp_rec_tick(px->rec);
	}
}
