/* rfc2217.c: Telnet COM-PORT-OPTION server: negotiation, subnegotiations, IAC escaping, forwarding. */
#include "capture/rfc2217.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture/port.h"
#include "capture/telnet.h"

enum { IAC = ESP_TN_IAC, DONT = ESP_TN_DONT, DO = ESP_TN_DO, WONT = ESP_TN_WONT, WILL = ESP_TN_WILL,
       SB = ESP_TN_SB, SE = ESP_TN_SE };
enum { OPT_BINARY = ESP_TN_OPT_BINARY, OPT_SGA = ESP_TN_OPT_SGA, OPT_COMPORT = ESP_TN_OPT_COMPORT };
/* COM-PORT-OPTION client commands; the server answers with the same + 100. */
enum {
	CP_SIGNATURE = 0, CP_SET_BAUDRATE = 1, CP_SET_DATASIZE = 2, CP_SET_PARITY = 3,
	CP_SET_STOPSIZE = 4, CP_SET_CONTROL = 5, CP_NOTIFY_LINESTATE = 6, CP_NOTIFY_MODEMSTATE = 7,
	CP_FLOWCONTROL_SUSPEND = 8, CP_FLOWCONTROL_RESUME = 9, CP_SET_LINESTATE_MASK = 10,
	CP_SET_MODEMSTATE_MASK = 11, CP_PURGE_DATA = 12,
};

struct esp_rfc2217 {
	esp_port *port;
	esp_rec *rec;
	int lfd, cfd;
	int bound;
	struct sockaddr_in addr; /* where lfd listens, to listen again after a client */
	esp_telnet tn;
	esp_error *err; /* where a callback's port failure goes */
	esp_status cb_st;
	bool agreed_do[256], agreed_will[256];
	bool dtr, rts, brk;
	int databits, stopbits;
	char parity;
	uint8_t modem_mask;
	int last_ms;          /* modem state last notified, -1: none yet this client */
	uint64_t modem_check; /* next time to look at the modem lines (ns) */
	uint64_t lines_due; /* a deferred DTR change to apply by then (ns, esp_mono_ns), 0: none */
};

/* RFC 2217 changes one line per message, and pyserial waits ~50 ms for each
 * answer. The auto-reset circuit holds EN low only while RTS=1, DTR=0; going
 * from there to DTR=1, RTS=0 one line at a time passes through a state that
 * releases EN with IO0 high, and the chip boots from flash. So a DTR=1 that
 * arrives while EN is held low is answered at once but applied together with
 * the RTS change that follows (one TIOCMSET), or on its own after 150 ms. */
#define LINES_DEFER_NS 150000000ull

static esp_status parse_listen(const char *s, struct sockaddr_in *sa, esp_error *e)
{
	char host[64] = "127.0.0.1";
	const char *colon = strrchr(s, ':');
	const char *port = s;
	if (colon) {
		snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
		port = colon + 1;
	}
	char *end;
	long p = strtol(port, &end, 10);
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)p);
	if (*end || p < 0 || p > 65535 || inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return esp_error_set(e, ESP_E_USAGE, s, ESP_LOC_NONE, 0, 0, "bad listen address (want HOST:PORT, e.g. 127.0.0.1:4000)");
	return ESP_OK;
}

/* A listening socket on sa, or -1 with errno set. */
static int listen_on(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)sa, sizeof *sa) < 0 || listen(fd, 1) < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

esp_status esp_rfc2217_new(const esp_rfc2217_opts *o, esp_rfc2217 **out, esp_error *e)
{
	struct sockaddr_in sa;
	const char *ls = o->listen ? o->listen : "127.0.0.1:4000";
	esp_status st = parse_listen(ls, &sa, e);
	if (st != ESP_OK)
		return st;
	esp_rfc2217 *s = calloc(1, sizeof *s);
	if (!s)
		return esp_error_set(e, ESP_E_NOMEM, "rfc2217", ESP_LOC_NONE, 0, 0, "out of memory");
	s->cfd = -1;
	s->rec = o->rec;
	s->databits = 8;
	s->parity = 'N';
	s->stopbits = 1;
	s->lfd = listen_on(&sa);
	if (s->lfd < 0) {
		int err = errno;
		esp_rfc2217_free(s);
		return esp_error_set(e, ESP_E_PORT_BUSY, ls, ESP_LOC_NONE, 0, err, "cannot listen");
	}
	socklen_t sl = sizeof sa;
	getsockname(s->lfd, (struct sockaddr *)&sa, &sl);
	s->bound = ntohs(sa.sin_port);
	s->addr = sa;
	esp_port_opts po = {.baud = o->baud};
	if ((st = esp_port_open(o->port, &po, &s->port, e)) != ESP_OK) {
		esp_rfc2217_free(s);
		return st;
	}
	*out = s;
	return ESP_OK;
}

void esp_rfc2217_set_rec(esp_rfc2217 *s, esp_rec *rec) { s->rec = rec; }
int esp_rfc2217_bound_port(const esp_rfc2217 *s) { return s->bound; }

void esp_rfc2217_free(esp_rfc2217 *s)
{
	if (!s)
		return;
	if (s->cfd >= 0)
		close(s->cfd);
	if (s->lfd >= 0)
		close(s->lfd);
	esp_port_close(s->port);
	free(s);
}

static void drop_client(esp_rfc2217 *s, const char *why)
{
	char note[160];
	close(s->cfd);
	s->cfd = -1;
	snprintf(note, sizeof note, "rfc2217 client dropped: %s", why);
	esp_rec_note(s->rec, note);
}

/* A client that stops reading would stall the port's other direction too:
 * it gets SEND_STALL_MS to take what we send, then it is dropped. */
#define SEND_STALL_MS 2000

static void send_all(esp_rfc2217 *s, const uint8_t *p, size_t n)
{
	int waited = 0;
	while (n && s->cfd >= 0) {
		ssize_t k = send(s->cfd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k > 0) {
			p += k;
			n -= (size_t)k;
			waited = 0;
		} else if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd pf = {.fd = s->cfd, .events = POLLOUT};
			if (poll(&pf, 1, 100) == 0 && (waited += 100) >= SEND_STALL_MS)
				drop_client(s, "not reading what the port sends");
		} else {
			close(s->cfd);
			s->cfd = -1;
		}
	}
}

static void send_neg(esp_rfc2217 *s, uint8_t cmd, uint8_t opt)
{
	uint8_t m[3] = {IAC, cmd, opt};
	send_all(s, m, 3);
}

/* IAC SB COM-PORT-OPTION code value... IAC SE, with 0xFF in the value doubled. */
static void send_sb(esp_rfc2217 *s, uint8_t code, const uint8_t *v, size_t n)
{
	uint8_t m[32];
	size_t k = 0;
	m[k++] = IAC;
	m[k++] = SB;
	m[k++] = OPT_COMPORT;
	m[k++] = code;
	for (size_t i = 0; i < n && k < sizeof m - 4; i++) {
		m[k++] = v[i];
		if (v[i] == IAC)
			m[k++] = IAC;
	}
	m[k++] = IAC;
	m[k++] = SE;
	send_all(s, m, k);
}

static void on_neg(esp_rfc2217 *s, uint8_t cmd, uint8_t opt)
{
	bool ours = opt == OPT_BINARY || opt == OPT_SGA || opt == OPT_COMPORT;
	if (cmd == WILL) {
		if (!s->agreed_do[opt])
			send_neg(s, ours ? DO : DONT, opt);
		s->agreed_do[opt] = ours;
	} else if (cmd == DO) {
		if (!s->agreed_will[opt])
			send_neg(s, ours ? WILL : WONT, opt);
		s->agreed_will[opt] = ours;
	} else if (cmd == WONT) {
		s->agreed_do[opt] = false;
	} else if (cmd == DONT) {
		s->agreed_will[opt] = false;
	}
}

static void apply_lines(esp_rfc2217 *s, esp_error *e)
{
	uint8_t before = esp_port_modem(s->port) & 3u;
	if (esp_port_set_lines(s->port, s->dtr, s->rts, e) != ESP_OK)
		return;
	uint8_t now = (s->dtr ? ESP_MODEM_DTR : 0) | (s->rts ? ESP_MODEM_RTS : 0);
	esp_rec_line(s->rec, ESP_EV_MODEM, ESP_DIR_H2C, (uint32_t)(before ^ now), now);
}

/* The port's CTS/DSR/RI/DCD as RFC 2217 modem-state bits 4..7. */
static uint8_t modem_state(esp_rfc2217 *s)
{
	uint8_t m = esp_port_modem(s->port);
	return (uint8_t)((m & ESP_MODEM_CTS ? 0x10 : 0) | (m & ESP_MODEM_DSR ? 0x20 : 0) |
			 (m & ESP_MODEM_RI ? 0x40 : 0) | (m & ESP_MODEM_DCD ? 0x80 : 0));
}

/* Unsolicited NOTIFY-MODEMSTATE: once when a client arrives (pyserial's client
 * does not poll by default and fails reading CTS until it has one), then when
 * a line in the client's mask changes, with the delta bits 0..3 set. Looked at
 * every 50 ms at most: on a real port it costs an ioctl. */
static void notify_modem(esp_rfc2217 *s)
{
	uint64_t now = esp_mono_ns();
	if (s->cfd < 0 || now < s->modem_check)
		return;
	s->modem_check = now + 50000000u;
	uint8_t ms = modem_state(s);
	if (s->last_ms >= 0 && !((ms ^ s->last_ms) & s->modem_mask & 0xF0))
		return;
	if (s->last_ms >= 0) {
		uint8_t old = (uint8_t)s->last_ms;
		ms |= (uint8_t)((((ms ^ old) & 0x10) ? 0x01 : 0) | (((ms ^ old) & 0x20) ? 0x02 : 0) |
				((old & 0x40) && !(ms & 0x40) ? 0x04 : 0) | (((ms ^ old) & 0x80) ? 0x08 : 0));
	}
	send_sb(s, CP_NOTIFY_MODEMSTATE + 100, &ms, 1);
	s->last_ms = ms & 0xF0;
}

static esp_status on_sb(esp_rfc2217 *s, const uint8_t *sb, size_t sb_len, esp_error *e)
{
	esp_cpo_req rq;
	if (!esp_cpo_parse(sb, sb_len, &rq))
		return ESP_OK; /* another option's, or a command we do not know: ignored */
	uint8_t code = rq.code;
	uint8_t one = rq.value;
	esp_status st = ESP_OK;
	switch (code) {
	case CP_SIGNATURE: {
		static const char sig[] = "esptap";
		send_sb(s, CP_SIGNATURE + 100, (const uint8_t *)sig, sizeof sig - 1);
		break;
	}
	case CP_SET_BAUDRATE: {
		uint32_t rate = rq.baud;
		if (rate && rate != esp_port_baud(s->port)) {
			esp_port_drain(s->port);
			if ((st = esp_port_set_baud(s->port, rate, e)) != ESP_OK)
				return st;
			esp_rec_line(s->rec, ESP_EV_BAUD, ESP_DIR_NONE, rate, esp_port_modem(s->port));
		}
		rate = esp_port_baud(s->port);
		uint8_t r[4] = {(uint8_t)(rate >> 24), (uint8_t)(rate >> 16), (uint8_t)(rate >> 8), (uint8_t)rate};
		send_sb(s, CP_SET_BAUDRATE + 100, r, 4);
		break;
	}
	case CP_SET_DATASIZE:
		if (one >= 5 && one <= 8 && one != s->databits) {
			if ((st = esp_port_set_format(s->port, one, 0, 0, e)) != ESP_OK)
				return st;
			s->databits = one;
		}
		one = (uint8_t)s->databits;
		send_sb(s, CP_SET_DATASIZE + 100, &one, 1);
		break;
	case CP_SET_PARITY: {
		static const char par[] = "?NOEMS";
		if (one >= 1 && one <= 5 && par[one] != s->parity) {
			if ((st = esp_port_set_format(s->port, 0, par[one], 0, e)) != ESP_OK)
				return st;
			s->parity = par[one];
		}
		one = (uint8_t)(strchr(par, s->parity) - par);
		send_sb(s, CP_SET_PARITY + 100, &one, 1);
		break;
	}
	case CP_SET_STOPSIZE:
		if (one >= 1 && one <= 3 && one != s->stopbits) {
			if ((st = esp_port_set_format(s->port, 0, 0, one, e)) != ESP_OK)
				return st;
			s->stopbits = one;
		}
		one = (uint8_t)s->stopbits;
		send_sb(s, CP_SET_STOPSIZE + 100, &one, 1);
		break;
	case CP_SET_CONTROL:
		switch (one) {
		case 8: case 9:
			if (one == 8 && !s->dtr && s->rts && !s->lines_due) {
				s->dtr = true;
				s->lines_due = esp_mono_ns() + LINES_DEFER_NS;
				break;
			}
			s->dtr = one == 8;
			s->lines_due = 0;
			apply_lines(s, e);
			break;
		case 11: case 12:
			s->rts = one == 11;
			s->lines_due = 0;
			apply_lines(s, e);
			break;
		case 5: case 6:
			s->brk = one == 5;
			if (esp_port_set_break(s->port, s->brk, e) == ESP_OK && s->brk)
				esp_rec_line(s->rec, ESP_EV_BREAK, ESP_DIR_H2C, 0, esp_port_modem(s->port));
			break;
		case 7: one = s->dtr ? 8 : 9; break;   /* request DTR state */
		case 10: one = s->rts ? 11 : 12; break; /* request RTS state */
		case 4: one = s->brk ? 5 : 6; break;   /* request break state */
		case 0: one = 1; break;                 /* request flow control: none */
		default: break;                          /* flow control: only "none" exists here */
		}
		send_sb(s, CP_SET_CONTROL + 100, &one, 1);
		break;
	case CP_NOTIFY_MODEMSTATE: case CP_SET_MODEMSTATE_MASK: {
		if (code == CP_SET_MODEMSTATE_MASK) {
			s->modem_mask = one;
			send_sb(s, CP_SET_MODEMSTATE_MASK + 100, &one, 1);
		}
		uint8_t ms = modem_state(s);
		send_sb(s, CP_NOTIFY_MODEMSTATE + 100, &ms, 1);
		s->last_ms = ms;
		break;
	}
	case CP_NOTIFY_LINESTATE: case CP_SET_LINESTATE_MASK: {
		if (code == CP_SET_LINESTATE_MASK)
			send_sb(s, CP_SET_LINESTATE_MASK + 100, &one, 1);
		uint8_t ls = 0x60; /* transmit holding and shift registers empty */
		send_sb(s, CP_NOTIFY_LINESTATE + 100, &ls, 1);
		break;
	}
	case CP_PURGE_DATA:
		esp_port_purge(s->port, one == 1 || one == 3, one == 2 || one == 3);
		send_sb(s, CP_PURGE_DATA + 100, &one, 1);
		break;
	case CP_FLOWCONTROL_SUSPEND: case CP_FLOWCONTROL_RESUME:
		send_sb(s, (uint8_t)(code + 100), NULL, 0);
		break;
	}
	return ESP_OK;
}

static int tn_data(void *user, const uint8_t *p, size_t n)
{
	esp_rfc2217 *s = user;
	if (s->cfd < 0)
		return 1; /* dropped while answering: nothing more from it */
	if ((s->cb_st = esp_port_write(s->port, p, n, s->err)) != ESP_OK)
		return 1;
	esp_rec_bytes(s->rec, ESP_DIR_H2C, p, n);
	return 0;
}

static int tn_neg(void *user, uint8_t cmd, uint8_t opt)
{
	esp_rfc2217 *s = user;
	if (s->cfd < 0)
		return 1;
	on_neg(s, cmd, opt);
	return 0;
}

/* Bytes before a subnegotiation were written first: before a baud change
 * they go out at the old rate. */
static int tn_sb(void *user, const uint8_t *p, size_t n)
{
	esp_rfc2217 *s = user;
	if (s->cfd < 0)
		return 1;
	return (s->cb_st = on_sb(s, p, n, s->err)) != ESP_OK;
}

/* Client bytes: data (IAC IAC unescaped) goes to the port in runs, commands
 * are handled, a client that breaks the rules (telnet.h) is dropped. */
static esp_status from_client(esp_rfc2217 *s, const uint8_t *p, size_t n, esp_error *e)
{
	static const esp_telnet_cb cb = {tn_data, tn_neg, tn_sb};
	int rc;
	s->err = e;
	s->cb_st = ESP_OK;
	const char *why = esp_telnet_feed(&s->tn, p, n, esp_mono_ns() / 1000000u, &cb, s, &rc);
	if (rc)
		return s->cb_st;
	if (why && s->cfd >= 0)
		drop_client(s, why);
	return ESP_OK;
}

static void to_client(esp_rfc2217 *s, const uint8_t *p, size_t n)
{
	uint8_t out[8192];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		out[k++] = p[i];
		if (p[i] == IAC)
			out[k++] = IAC;
		if (k >= sizeof out - 1) {
			send_all(s, out, k);
			k = 0;
		}
	}
	send_all(s, out, k);
}

static void greet(esp_rfc2217 *s)
{
	memset(s->agreed_do, 0, sizeof s->agreed_do);
	memset(s->agreed_will, 0, sizeof s->agreed_will);
	esp_telnet_reset(&s->tn);
	s->modem_mask = 0xFF; /* RFC 2217's default */
	s->last_ms = -1;
	s->modem_check = 0;
	int one = 1;
	setsockopt(s->cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	send_neg(s, DO, OPT_COMPORT);
	send_neg(s, WILL, OPT_SGA);
	send_neg(s, DO, OPT_SGA);
	send_neg(s, WILL, OPT_BINARY);
	send_neg(s, DO, OPT_BINARY);
	s->agreed_do[OPT_COMPORT] = s->agreed_do[OPT_SGA] = s->agreed_do[OPT_BINARY] = true;
	s->agreed_will[OPT_SGA] = s->agreed_will[OPT_BINARY] = true;
}

esp_status esp_rfc2217_run(esp_rfc2217 *s, bool *signalled, esp_error *e)
{
	uint8_t buf[4096];
	*signalled = false;
	int pfd = esp_port_fd(s->port);
	while (!esp_rec_stop) {
		int timeout = 100;
		if (s->cfd < 0 && s->lfd < 0 && (s->lfd = listen_on(&s->addr)) < 0)
			return esp_error_set(e, ESP_E_IO, "rfc2217", ESP_LOC_NONE, 0, errno,
					     "cannot listen again on port %d after the client left", s->bound);
		if (s->lines_due) {
			uint64_t now = esp_mono_ns();
			if (now >= s->lines_due) {
				s->lines_due = 0;
				apply_lines(s, e);
			} else if ((s->lines_due - now) / 1000000 + 1 < 100) {
				timeout = (int)((s->lines_due - now) / 1000000 + 1);
			}
		}
		timeout = esp_port_poll_ms(s->port, timeout);
		struct pollfd f[3];
		int nf = 0, ip = -1;
		f[nf++] = (struct pollfd){.fd = s->cfd >= 0 ? s->cfd : s->lfd, .events = POLLIN};
		if (pfd >= 0) {
			ip = nf;
			f[nf++] = (struct pollfd){.fd = pfd, .events = POLLIN};
		}
		if (poll(f, (nfds_t)nf, timeout) < 0 && errno != EINTR)
			return esp_error_set(e, ESP_E_INTERNAL, "poll", ESP_LOC_NONE, 0, errno, "poll failed");
		esp_status st;
		if ((ip >= 0 && (f[ip].revents & (POLLIN | POLLHUP | POLLERR))) || esp_port_pending(s->port)) {
			size_t got = 0;
			if ((st = esp_port_read(s->port, buf, sizeof buf, &got, e)) != ESP_OK)
				return st;
			if (got) {
				to_client(s, buf, got); /* nobody connected: the bytes are only recorded */
				esp_rec_bytes(s->rec, ESP_DIR_C2H, buf, got);
			}
		}
		if (f[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (s->cfd < 0) {
				s->cfd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
				if (s->cfd >= 0) {
					/* one client at a time: stop listening, so a second one's
					 * connect is refused at once instead of hanging unserved */
					close(s->lfd);
					s->lfd = -1;
					greet(s);
					esp_rec_note(s->rec, "rfc2217 client connected");
				}
			} else {
				ssize_t n = recv(s->cfd, buf, sizeof buf, 0);
				if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR))) {
					close(s->cfd);
					s->cfd = -1;
					esp_rec_note(s->rec, "rfc2217 client disconnected");
				} else if (n > 0 && (st = from_client(s, buf, (size_t)n, e)) != ESP_OK) {
					return st;
				}
			}
		}
		notify_modem(s);
		esp_rec_tick(s->rec);
	}
	*signalled = true;
	return ESP_OK;
}
