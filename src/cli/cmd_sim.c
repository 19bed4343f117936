/* cmd_sim.c: the 'sim' verb: a simulated ESP chip served on a pty, with its own recording. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sim/sim.h"
#include "write/sinks.h"

typedef struct {
	uint8_t *p;
	size_t n, cap;
} obuf;

/* One pty whose slave we publish under a path and keep open ourselves, so the
 * client may close and reopen it. */
typedef struct {
	int master, slave;
	char slave_name[64];
	const char *link;
	ino_t link_ino; /* our symlink: another sim may reuse the path and the pts number */
	obuf out;
} spty;

typedef struct {
	spty port, tap_tx, tap_rx;
	bool taps;
	esp_sim *sim;
	esp_pipeline *pipe;
	esp_sinks *sinks;
	bool redact;
	/* redaction: the host frame being collected */
	bool h2c_in_frame;
	obuf h2c_frame;
	uint64_t t0;
	uint32_t host_baud;
} simctx;

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) { stop_signal = sig; }

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void obuf_add(obuf *b, const uint8_t *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n)
			cap *= 2;
		uint8_t *q = realloc(b->p, cap);
		if (!q)
			return;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void obuf_flush(obuf *b, int fd)
{
	if (!b->n || fd < 0)
		return;
	ssize_t w = write(fd, b->p, b->n);
	if (w > 0) {
		memmove(b->p, b->p + w, b->n - (size_t)w);
		b->n -= (size_t)w;
	} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
		b->n = 0; /* nobody can hear it: a line with no listener */
	}
}

static const struct {
	speed_t sp;
	uint32_t baud;
} speeds[] = {
	{B9600, 9600},       {B19200, 19200},     {B38400, 38400},     {B57600, 57600},
	{B115200, 115200},   {B230400, 230400},   {B460800, 460800},   {B500000, 500000},
	{B576000, 576000},   {B921600, 921600},   {B1000000, 1000000}, {B1152000, 1152000},
	{B1500000, 1500000}, {B2000000, 2000000}, {B3000000, 3000000},
};

static uint32_t pty_baud(int fd)
{
	struct termios t;
	if (fd < 0 || tcgetattr(fd, &t) != 0)
		return 0;
	speed_t sp = cfgetospeed(&t);
	for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++)
		if (speeds[i].sp == sp)
			return speeds[i].baud;
	return 0;
}

static speed_t speed_of(uint32_t baud)
{
	for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++)
		if (speeds[i].baud == baud)
			return speeds[i].sp;
	return B115200;
}

static esp_status pty_open(spty *p, const char *link, uint32_t baud, esp_error *e)
{
	p->master = p->slave = -1;
	p->link = link;
	if (openpty(&p->master, &p->slave, p->slave_name, NULL, NULL) != 0)
		return esp_error_set(e, ESP_E_IO, link, ESP_LOC_NONE, 0, errno, "openpty: %s", strerror(errno));
	struct termios t;
	tcgetattr(p->slave, &t);
	cfmakeraw(&t);
	cfsetspeed(&t, speed_of(baud));
	tcsetattr(p->slave, TCSANOW, &t);
	fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK);
	fcntl(p->master, F_SETFD, FD_CLOEXEC);
	fcntl(p->slave, F_SETFD, FD_CLOEXEC);
	fchmod(p->slave, 0600); /* not the devpts default 0620 group tty */
	struct stat st;
	if (lstat(link, &st) == 0) {
		if (!S_ISLNK(st.st_mode))
			return esp_error_set(e, ESP_E_PORT_BUSY, link, ESP_LOC_NONE, 0, 0,
					     "path exists and is not a symlink: not replacing it");
		unlink(link);
	}
	if (symlink(p->slave_name, link) != 0)
		return esp_error_set(e, ESP_E_IO, link, ESP_LOC_NONE, 0, errno, "cannot link to %s: %s",
				     p->slave_name, strerror(errno));
	if (lstat(link, &st) == 0)
		p->link_ino = st.st_ino;
	return ESP_OK;
}

static void pty_close(spty *p)
{
	struct stat st;
	if (p->link && p->link_ino && lstat(p->link, &st) == 0 && S_ISLNK(st.st_mode) && st.st_ino == p->link_ino)
		unlink(p->link); /* only our own link */
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	free(p->out.p);
	p->master = p->slave = -1;
}

static void log_bytes(simctx *c, esp_dir dir, const uint8_t *p, size_t n)
{
	if (!c->pipe || !n)
		return;
	esp_event ev = {.ts_ns = mono_ns() - c->t0, .dir = dir, .kind = ESP_EV_BYTES, .data = p, .len = n};
	esp_pipeline_event(c->pipe, &ev);
}

/* Host bytes go to the log whole frame by frame, so a MEM_DATA payload (the
 * flasher's stub, third-party code) can be swapped for filler of the same
 * length with a matching checksum before anything is written. */
static void log_h2c(simctx *c, const uint8_t *p, size_t n)
{
	if (!c->redact) {
		log_bytes(c, ESP_DIR_H2C, p, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];
		if (!c->h2c_in_frame) {
			if (b == 0xC0) {
				c->h2c_in_frame = true;
				c->h2c_frame.n = 0;
			}
			obuf_add(&c->h2c_frame, &b, 1);
			if (!c->h2c_in_frame) {
				log_bytes(c, ESP_DIR_H2C, c->h2c_frame.p, c->h2c_frame.n);
				c->h2c_frame.n = 0;
			}
			continue;
		}
		obuf_add(&c->h2c_frame, &b, 1);
		if (b == 0xC0 && c->h2c_frame.n > 2) {
			size_t cap = 2 * c->h2c_frame.n + 16;
			uint8_t *r = malloc(cap);
			size_t m = r ? esp_sim_redact_frame(c->h2c_frame.p, c->h2c_frame.n, r, cap) : 0;
			if (m)
				log_bytes(c, ESP_DIR_H2C, r, m);
			else
				log_bytes(c, ESP_DIR_H2C, c->h2c_frame.p, c->h2c_frame.n);
			free(r);
			c->h2c_frame.n = 0;
			c->h2c_in_frame = false;
		} else if (b == 0xC0) {
			c->h2c_frame.n = 1; /* back-to-back delimiters */
		}
	}
}

static void on_tx(const uint8_t *p, size_t n, void *user)
{
	simctx *c = user;
	obuf_add(&c->port.out, p, n);
	log_bytes(c, ESP_DIR_C2H, p, n);
}

/* A tap's reader hears bytes sent at `baud` through its own UART: at the rate
 * it set on its pty (as the sim reads the client's), garbled when the rates
 * differ; unchanged when they match. */
static void tap_hear(spty *t, const uint8_t *p, size_t n, uint32_t baud)
{
	uint32_t to = pty_baud(t->slave);
	if (!to || !baud || to == baud) {
		obuf_add(&t->out, p, n);
		return;
	}
	size_t cap = n * 16 + 16;
	uint8_t *r = malloc(cap);
	if (!r)
		return; /* out of memory: the copy is lost, as on a line */
	obuf_add(&t->out, r, esp_uart_resample(p, n, baud, to, r, cap));
	free(r);
}

/* The chip's own bytes at the chip's rate: what a tap on the RX line hears. */
static void on_line_tx(const uint8_t *p, size_t n, uint32_t baud, void *user)
{
	simctx *c = user;
	if (c->taps)
		tap_hear(&c->tap_rx, p, n, baud);
}

static void check_baud(simctx *c)
{
	uint32_t b = pty_baud(c->port.slave);
	if (!b || b == c->host_baud)
		return;
	c->host_baud = b;
	esp_sim_host_baud(c->sim, b);
	if (c->pipe) {
		esp_event ev = {.ts_ns = mono_ns() - c->t0, .dir = ESP_DIR_H2C, .kind = ESP_EV_BAUD, .value = b};
		esp_pipeline_event(c->pipe, &ev);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: esptap sim --chip CHIP --link PATH [OPTIONS]\n\n"
		"Serve a simulated ESP chip (ROM loader, flasher stub, SPI flash) on a pty.\n\n"
		"  --chip CHIP             esp8266, esp32, esp32s3, esp32c3 (also esp32s2, esp32c2, esp32c6, ...)\n"
		"  --link PATH             publish the pty's slave as a symlink at PATH (e.g. /tmp/ttySIM)\n"
		"  --flash FILE            keep the flash in FILE (created and sized, erased to 0xFF); default: memory\n"
		"  --flash-size BYTES      flash size (default 4194304)\n"
		"  --flash-modes MODES     flash modes the module can run, e.g. dio (default: all)\n"
		"  --fault SPEC            inject a fault (repeatable), SPEC is one of:\n%s"
		"  --once                  exit after one session (the client closed after a command)\n"
		"  --reset                 print the ROM boot banner at start\n"
		"  -b, --baud BAUD         initial rate of the pty (default 115200)\n"
		"  -j FILE                 JSON Lines log of every frame received and sent ('-' stdout)\n"
		"  -w FILE                 pcapng capture of the same\n"
		"  --force                 overwrite a -j/-w file that is not a plain file of yours (never a symlink)\n"
		"  --redact-stub           in -j/-w, replace MEM_DATA payloads by filler (same length, valid checksum)\n"
		"  --tap-out TX,RX         two more ptys (symlinks TX and RX) carrying what the host and the chip sent,\n"
		"                          as a UART at the rate set on each tap pty hears them (garbled at a wrong rate)\n"
		"  -h, --help              this help\n\n"
		"The chip starts in download mode (a pty has no DTR/RTS) unless --fault boot-to-flash.\n"
		"Stops on SIGINT/SIGTERM with every file complete (exit 9), or after one session with --once (exit 0).\n",
		esp_sim_fault_help);
}

static bool session_over(simctx *c, uint64_t *hup_since)
{
	/* A pty master reports a hang-up only when no slave fd is open: let ours
	 * go for a moment to see whether the client still holds the port. */
	if (c->port.slave >= 0) {
		close(c->port.slave);
		c->port.slave = -1;
	}
	struct pollfd pf = {.fd = c->port.master, .events = POLLIN};
	int hup = poll(&pf, 1, 0) == 1 && (pf.revents & POLLHUP) && !(pf.revents & POLLIN);
	if (!hup) {
		c->port.slave = open(c->port.slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
		*hup_since = 0;
		return false;
	}
	uint64_t now = mono_ns();
	if (!*hup_since)
		*hup_since = now;
	return now - *hup_since > 500000000ull; /* gone for good, not reopening */
}

int cmd_sim(int argc, char **argv)
{
	esp_sim_opts so = {0};
	const char *link = NULL, *jsonl = NULL, *pcap = NULL, *tapout = NULL;
	bool once = false, reset = false, redact = false, force = false;
	uint32_t baud = 115200;
	static const struct option lo[] = {
		{"chip", required_argument, 0, 'c'},   {"link", required_argument, 0, 'l'},
		{"flash", required_argument, 0, 'f'},  {"flash-size", required_argument, 0, 'S'},
		{"flash-modes", required_argument, 0, 'm'}, {"fault", required_argument, 0, 'F'},
		{"once", no_argument, 0, 'o'},         {"reset", no_argument, 0, 'r'},
		{"baud", required_argument, 0, 'b'},   {"redact-stub", no_argument, 0, 'R'},
		{"tap-out", required_argument, 0, 'T'}, {"help", no_argument, 0, 'h'},
		{"force", no_argument, 0, 'X'},
		{0, 0, 0, 0},
	};
	so.chip = ESP_CHIP_UNKNOWN;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "b:j:w:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': {
			const esp_chip_info *ci = esp_chip_by_name(optarg);
			if (!ci)
				return cli_failf(EXIT_USAGE, "--chip: unknown chip '%s' (esp8266, esp32, esp32s3, esp32c3, ...)",
						 optarg);
			so.chip = ci->chip;
			break;
		}
		case 'l': link = optarg; break;
		case 'f': so.flash_path = optarg; break;
		case 'S': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 0);
			if (*end || v < 0x10000 || v > (256ul << 20) || (v & (v - 1)))
				return cli_failf(EXIT_USAGE, "--flash-size: a power of two from 64 KB to 256 MB");
			so.flash_size = (uint32_t)v;
			break;
		}
		case 'm': so.flash_modes = optarg; break;
		case 'F':
			if (so.n_faults >= ESP_SIM_MAX_FAULTS)
				return cli_failf(EXIT_USAGE, "--fault: at most %d", ESP_SIM_MAX_FAULTS);
			so.faults[so.n_faults++] = optarg;
			break;
		case 'o': once = true; break;
		case 'r': reset = true; break;
		case 'R': redact = true; break;
		case 'b': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || v < 300 || v > 5000000)
				return cli_failf(EXIT_USAGE, "--baud: a rate from 300 to 5000000");
			baud = (uint32_t)v;
			break;
		}
		case 'j': jsonl = optarg; break;
		case 'w': pcap = optarg; break;
		case 'T': tapout = optarg; break;
		case 'X': force = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_failf(EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
	if (so.chip == ESP_CHIP_UNKNOWN || !link)
		return cli_failf(EXIT_USAGE, "sim needs --chip and --link (see 'esptap sim --help')");
	char tx_path[512] = "", rx_path[512] = "";
	if (tapout) {
		const char *comma = strchr(tapout, ',');
		if (!comma || comma == tapout || !comma[1] || (size_t)(comma - tapout) >= sizeof tx_path ||
		    strlen(comma + 1) >= sizeof rx_path)
			return cli_failf(EXIT_USAGE, "--tap-out: TX_PATH,RX_PATH");
		memcpy(tx_path, tapout, (size_t)(comma - tapout));
		strcpy(rx_path, comma + 1);
	}

	simctx c = {0};
	c.redact = redact;
	c.port.master = c.tap_tx.master = c.tap_rx.master = -1;
	c.port.slave = c.tap_tx.slave = c.tap_rx.slave = -1;
	esp_error e = {0};
	int rc = 0;
	so.start_in_download = true;
	so.tx = on_tx;
	so.line_tx = on_line_tx;
	so.user = &c;
	esp_status st = esp_sim_new(&so, &c.sim, &e);
	if (st == ESP_OK)
		st = pty_open(&c.port, link, baud, &e);
	if (st == ESP_OK && tapout) {
		c.taps = true;
		st = pty_open(&c.tap_tx, tx_path, baud, &e);
		if (st == ESP_OK)
			st = pty_open(&c.tap_rx, rx_path, baud, &e);
	}
	c.t0 = mono_ns();
	if (st == ESP_OK && (jsonl || pcap)) {
		struct timespec wall;
		clock_gettime(CLOCK_REALTIME, &wall);
		char tool[64];
		snprintf(tool, sizeof tool, "esptap %s", PACKAGE_VERSION);
		esp_session_info si = {.tool = tool, .verb = "sim", .source = link, .format = "live",
				       .ports = {c.port.slave_name, NULL},
				       .start_unix_ns = (uint64_t)wall.tv_sec * 1000000000ull + (uint64_t)wall.tv_nsec,
				       .baud = baud};
		esp_sinks_opts ko = {.pcapng_path = pcap, .jsonl_path = jsonl, .live = true, .force = force};
		st = esp_sinks_open(&ko, &si, &c.sinks, &e);
		if (st == ESP_OK) {
			esp_pipeline_opts po = {.decoder = {.chip_hint = so.chip}, .initial_baud = baud,
						.unit_sink = esp_sinks_unit, .record_sink = esp_sinks_record, .user = c.sinks};
			c.pipe = esp_pipeline_new(&po);
			if (!c.pipe)
				st = esp_error_set(&e, ESP_E_NOMEM, "sim", ESP_LOC_NONE, 0, 0, "out of memory");
		}
	}
	if (st != ESP_OK) {
		rc = cli_fail(&e);
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	c.host_baud = baud;
	esp_sim_host_baud(c.sim, baud);
	if (reset || esp_sim_mode(c.sim)[0] == 'a') /* boot-to-flash: show what the flash boots */
		esp_sim_reset(c.sim, mono_ns() - c.t0, strcmp(esp_sim_mode(c.sim), "app") != 0);
	fprintf(stderr, "esptap sim: %s on %s (%s)\n", esp_chip_get(so.chip)->pretty, link, c.port.slave_name);

	uint64_t hup_since = 0, last_check = 0;
	uint8_t buf[65536];
	while (!stop_signal) {
		uint64_t now = mono_ns() - c.t0;
		uint64_t wait = esp_sim_poll(c.sim, now);
		if (c.sinks)
			esp_sinks_tick(c.sinks);
		int timeout = wait == UINT64_MAX ? 50 : (int)(wait / 1000000 + 1);
		if (timeout > 50)
			timeout = 50;
		struct pollfd pf[3];
		int np = 0;
		bool watch_port = hup_since == 0;
		if (watch_port)
			pf[np++] = (struct pollfd){.fd = c.port.master, .events = POLLIN | (c.port.out.n ? POLLOUT : 0)};
		if (c.taps) {
			pf[np++] = (struct pollfd){.fd = c.tap_tx.master, .events = POLLIN | (c.tap_tx.out.n ? POLLOUT : 0)};
			pf[np++] = (struct pollfd){.fd = c.tap_rx.master, .events = POLLIN | (c.tap_rx.out.n ? POLLOUT : 0)};
		}
		if (poll(pf, (nfds_t)np, timeout) < 0 && errno != EINTR)
			break;
		if (c.taps) { /* what a tap's reader sends goes nowhere */
			for (int i = np - 2; i < np; i++)
				if (pf[i].revents & POLLIN)
					(void)!read(pf[i].fd, buf, sizeof buf);
			obuf_flush(&c.tap_tx.out, c.tap_tx.master);
			obuf_flush(&c.tap_rx.out, c.tap_rx.master);
		}
		if (watch_port && (pf[0].revents & POLLIN)) {
			ssize_t n = read(c.port.master, buf, sizeof buf);
			if (n > 0) {
				check_baud(&c);
				log_h2c(&c, buf, (size_t)n);
				if (c.taps)
					tap_hear(&c.tap_tx, buf, (size_t)n, c.host_baud);
				esp_sim_rx(c.sim, mono_ns() - c.t0, buf, (size_t)n, c.host_baud);
			}
		}
		check_baud(&c);
		obuf_flush(&c.port.out, c.port.master);
		now = mono_ns();
		if (once && esp_sim_commands(c.sim) > 0 && (hup_since || now - last_check > 250000000ull)) {
			last_check = now;
			if (session_over(&c, &hup_since))
				break;
			if (hup_since)
				usleep(20000);
		}
	}
	if (stop_signal)
		rc = EXIT_INTERRUPTED;
out:
	if (c.pipe) {
		/* The last unit marks the end, so a request left waiting shows as a timeout. */
		static const char end[] = "end of capture";
		esp_event ev = {.ts_ns = mono_ns() - c.t0, .kind = ESP_EV_NOTE, .data = (const uint8_t *)end,
				.len = sizeof end - 1};
		esp_pipeline_event(c.pipe, &ev);
		esp_pipeline_finish(c.pipe, ev.ts_ns);
		esp_status cs = esp_sinks_close(c.sinks, esp_pipeline_summary(c.pipe), &e);
		if (cs != ESP_OK && rc == 0)
			rc = cli_fail(&e);
		esp_pipeline_free(c.pipe);
	} else if (c.sinks) {
		esp_sinks_close(c.sinks, NULL, &e);
	}
	pty_close(&c.port);
	pty_close(&c.tap_tx);
	pty_close(&c.tap_rx);
	free(c.h2c_frame.p);
	esp_sim_free(c.sim);
	return rc;
}
