/* rtt.c: bench helper for bench_proxy.sh: a pty echo "chip", small-frame round trips and a checked byte stream.
 *
 *   rtt pty LINK [MB]     make a pty, publish its slave at LINK (a proxy's --port), be the far side
 *   rtt far PATH [MB]     open PATH (a relay's far end) raw and be the far side
 *   rtt ping N PATH...    N round trips of a 14-byte READ_REG frame on each path, in turns;
 *                         prints "median_us p99_us", one line per path
 *   rtt stream PATH MB    the flash-write direction then the flash-read direction, MB each way;
 *                         prints "MBps_to_far MBps_from_far", exit 1 if a byte was lost or changed
 * The far side echoes (for ping) or, given MB, sinks MB and answers with their checksum, then
 * sends the same MB back (for stream). An echo cannot carry a stream: a one-thread relay and an
 * echo that both block in write() deadlock, which no chip does, so streams go one way at a time.
 * Every wait is bounded (alarm) so a stuck relay fails the bench instead of hanging it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int raw_open(const char *path)
{
	int fd = open(path, O_RDWR | O_NOCTTY);
	if (fd < 0) {
		fprintf(stderr, "rtt: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	struct termios t;
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		t.c_cflag |= CLOCAL | CREAD;
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Echo until the other side goes away (EIO on a master whose slaves all closed) or a signal. */
static int echo_loop(int fd)
{
	static uint8_t buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if (write_all(fd, buf, (size_t)n) < 0)
			return 0;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* One round trip of the frame on fd; its time in ns, 0 on failure. */
static uint64_t round_trip(int fd, const char *path)
{
	/* READ_REG 0x40001000 as esptool sends it: 14 bytes on the wire */
	static const uint8_t frame[] = {0xc0, 0x00, 0x0a, 0x04, 0x00, 0x00, 0x00, 0x00,
					0x00, 0x00, 0x10, 0x00, 0x40, 0xc0};
	uint8_t buf[256];
	uint64_t t0 = now_ns();
	if (write_all(fd, frame, sizeof frame) < 0) {
		fprintf(stderr, "rtt: %s: write: %s\n", path, strerror(errno));
		return 0;
	}
	size_t got = 0;
	while (got < sizeof frame) {
		ssize_t k = read(fd, buf + got, sizeof buf - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			fprintf(stderr, "rtt: %s: the echo stopped\n", path);
			return 0;
		}
		got += (size_t)k;
	}
	uint64_t t = now_ns() - t0;
	if (got != sizeof frame || memcmp(buf, frame, sizeof frame)) {
		fprintf(stderr, "rtt: %s: the echo differs from the frame sent\n", path);
		return 0;
	}
	return t;
}

/* Blocks of 10 round trips on each path in turn, so drifting background load hits all alike. */
static int cmd_ping(int n, int npaths, char **paths)
{
	enum { BLOCK = 10, MAXP = 4 };
	if (npaths > MAXP || n < BLOCK)
		return 2;
	int fd[MAXP];
	uint64_t *t[MAXP];
	for (int p = 0; p < npaths; p++) {
		fd[p] = raw_open(paths[p]);
		t[p] = calloc((size_t)n, sizeof **t);
		for (int i = 0; i < 100; i++) /* warm up */
			if (!round_trip(fd[p], paths[p]))
				return 1;
	}
	for (int done = 0; done < n; done += BLOCK)
		for (int p = 0; p < npaths; p++)
			for (int i = done; i < done + BLOCK && i < n; i++)
				if (!(t[p][i] = round_trip(fd[p], paths[p])))
					return 1;
	for (int p = 0; p < npaths; p++) {
		qsort(t[p], (size_t)n, sizeof **t, cmp_u64);
		printf("%.1f %.1f\n", t[p][n / 2] / 1000.0, t[p][(size_t)n * 99 / 100] / 1000.0);
		free(t[p]);
	}
	return 0;
}

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3u;
	return h;
}
#define FNV0 0xcbf29ce484222325u

/* SLIP-escaped FLASH_DATA-like commands with pseudo-random payloads: what a flash write looks
 * like on the wire; the same bytes (seeded alike) on both ends. */
static uint8_t *make_stream(int mb, size_t *len_out)
{
	size_t cap = (size_t)mb << 20;
	uint8_t *out = malloc(cap);
	if (!out) {
		fprintf(stderr, "rtt: out of memory\n");
		exit(1);
	}
	uint32_t x = 0x12345678u;
	size_t len = 0, seq = 0;
	while (len + 2 * (8 + 16 + 4096) + 2 <= cap) {
		uint8_t pkt[8 + 16 + 4096];
		memset(pkt, 0, 24);
		pkt[1] = 0x03; /* FLASH_DATA */
		pkt[2] = (16 + 4096) & 0xff, pkt[3] = (16 + 4096) >> 8;
		pkt[9] = 0x10; /* 4096 bytes */
		pkt[12] = (uint8_t)seq, pkt[13] = (uint8_t)(seq >> 8);
		for (size_t i = 0; i < 4096; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			pkt[24 + i] = (uint8_t)x;
		}
		out[len++] = 0xc0;
		for (size_t i = 0; i < sizeof pkt; i++) {
			if (pkt[i] == 0xc0)
				out[len++] = 0xdb, out[len++] = 0xdc;
			else if (pkt[i] == 0xdb)
				out[len++] = 0xdb, out[len++] = 0xdd;
			else
				out[len++] = pkt[i];
		}
		out[len++] = 0xc0;
		seq++;
	}
	*len_out = len;
	return out;
}

/* Sink n bytes and hash them; nonzero if the port closed first. */
static int sink(int fd, size_t n, uint64_t *h)
{
	static uint8_t buf[65536];
	*h = FNV0;
	while (n) {
		ssize_t k = read(fd, buf, n < sizeof buf ? n : sizeof buf);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		*h = fnv1a(*h, buf, (size_t)k);
		n -= (size_t)k;
	}
	return 0;
}

/* The far side: echo, or with mb: sink the stream, answer its checksum, send it back, then echo. */
static int far_side(int fd, int mb)
{
	if (mb > 0) {
		size_t n;
		uint8_t *s = make_stream(mb, &n);
		uint64_t h;
		if (sink(fd, n, &h) < 0)
			return 1;
		char ans[32];
		int k = snprintf(ans, sizeof ans, "%016llx\n", (unsigned long long)h);
		/* the same pieces a chip's read-back would come in */
		if (write_all(fd, (const uint8_t *)ans, (size_t)k) < 0)
			return 1;
		for (size_t off = 0; off < n; off += 16384)
			if (write_all(fd, s + off, n - off < 16384 ? n - off : 16384) < 0)
				return 1;
		free(s);
	}
	return echo_loop(fd);
}

static int cmd_pty(const char *link, int mb)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	char path[64];
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, path, sizeof path) != 0) {
		perror("rtt: pty");
		return 1;
	}
	/* hold the slave so the master reads no EIO before the proxy opens it */
	int s = raw_open(path);
	unlink(link);
	if (symlink(path, link) < 0) {
		perror("rtt: symlink");
		return 1;
	}
	int rc = far_side(m, mb);
	unlink(link);
	close(s);
	return rc;
}

static int cmd_stream(const char *path, int mb)
{
	size_t n;
	uint8_t *s = make_stream(mb, &n);
	uint64_t want = fnv1a(FNV0, s, n);
	int fd = raw_open(path);
	uint64_t t0 = now_ns();
	for (size_t off = 0; off < n; off += 16384)
		if (write_all(fd, s + off, n - off < 16384 ? n - off : 16384) < 0) {
			perror("rtt: write");
			return 1;
		}
	char ans[18];
	size_t got = 0;
	while (got < 17) {
		ssize_t k = read(fd, ans + got, 17 - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			fprintf(stderr, "rtt: %s: no checksum from the far side\n", path);
			return 1;
		}
		got += (size_t)k;
	}
	uint64_t t1 = now_ns();
	ans[17] = 0;
	unsigned long long far_h = strtoull(ans, NULL, 16);
	uint64_t back;
	int lost = sink(fd, n, &back);
	uint64_t t2 = now_ns();
	double mbs = (double)n / 1048576.0;
	printf("%.1f %.1f\n", mbs / ((double)(t1 - t0) / 1e9), mbs / ((double)(t2 - t1) / 1e9));
	if (far_h != want)
		fprintf(stderr, "rtt: %s: the far side's checksum %016llx differs from what was sent (%016llx)\n",
			path, far_h, (unsigned long long)want);
	if (lost || back != want)
		fprintf(stderr, "rtt: %s: the stream sent back arrived %s\n", path, lost ? "short" : "changed");
	free(s);
	return far_h == want && !lost && back == want ? 0 : 1;
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "rtt: timed out\n";
	if (write(2, msg, sizeof msg - 1) < 0) {
		/* nothing more to do: exiting anyway */
	}
	_exit(2);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "pty"))
		return cmd_pty(argv[2], argc > 3 ? atoi(argv[3]) : 0);
	if (argc >= 3 && !strcmp(argv[1], "far"))
		return far_side(raw_open(argv[2]), argc > 3 ? atoi(argv[3]) : 0);
	signal(SIGALRM, on_alarm);
	alarm(120);
	if (argc >= 4 && !strcmp(argv[1], "ping"))
		return cmd_ping(atoi(argv[2]), argc - 3, argv + 3);
	if (argc >= 4 && !strcmp(argv[1], "stream"))
		return cmd_stream(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: rtt pty LINK [MB] | far PATH [MB] | ping N PATH... | stream PATH MB\n");
	return 2;
}
