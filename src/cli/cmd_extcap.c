/* cmd_extcap.c: Wireshark's extcap interface: lists "esptap proxy" and "esptap tap", describes their options, and captures into Wireshark's fifo through the proxy and tap verbs. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/live_common.h"

/* Wireshark calls an extcap program with --extcap-* options first (docs: extcap(4)); main()
 * sends those command lines here. A capture runs the live verb itself, quiet, writing pcapng
 * into the fifo; stopping it (SIGTERM from Wireshark) is the normal end, not a failure. */

#define IF_PROXY "esptap-proxy"
#define IF_TAP "esptap-tap"

bool extcap_wanted(const char *arg1)
{
	return arg1 && (!strncmp(arg1, "--extcap-", 9) || !strcmp(arg1, "--capture"));
}

static void interfaces(void)
{
	printf("extcap {version=%s}{help=man esptap}\n", PACKAGE_VERSION);
	printf("interface {value=" IF_PROXY "}{display=esptap proxy: a flasher and an ESP chip, through a pty}\n");
	printf("interface {value=" IF_TAP "}{display=esptap tap: ESP serial bootloader, two adapters on TX and RX}\n");
}

static void dlts(void)
{
	printf("dlt {number=%d}{name=USER0}{display=esptap: ESP serial bootloader (docs/linktype.md)}\n", 147);
}

static void config_common(int n)
{
	printf("arg {number=%d}{call=--baud}{display=Initial baud rate}{type=unsigned}{range=50,20000000}"
	       "{default=115200}{tooltip=rate of the line until the flasher changes it}\n",
	       n);
	printf("arg {number=%d}{call=--linktype}{display=USER link type}{type=unsigned}{range=147,162}"
	       "{default=147}{tooltip=the dissector's esptap.user_slot preference must name the same slot}\n",
	       n + 1);
}

static void config(const char *iface)
{
	if (!strcmp(iface, IF_PROXY)) {
		printf("arg {number=0}{call=--port}{display=Chip's serial port}{type=string}{required=true}"
		       "{tooltip=/dev/ttyUSB0, a pty, or sim:esp32 for the built-in simulator}\n");
		printf("arg {number=1}{call=--link}{display=Port for the flasher (pty link)}{type=string}"
		       "{default=/tmp/ttyESP}{tooltip=point the flasher at this path}\n");
		config_common(2);
	} else if (!strcmp(iface, IF_TAP)) {
		printf("arg {number=0}{call=--tx-port}{display=Adapter on the host's TX}{type=string}{required=true}"
		       "{tooltip=serial port whose RX hears host > chip}\n");
		printf("arg {number=1}{call=--rx-port}{display=Adapter on the chip's TX}{type=string}{required=true}"
		       "{tooltip=serial port whose RX hears chip > host}\n");
		config_common(2);
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: esptap --extcap-interfaces | --extcap-dlts --extcap-interface IF\n"
		   "       | --extcap-config --extcap-interface IF\n"
		   "       | --capture --extcap-interface IF --fifo PATH [OPTIONS]\n"
		   "Wireshark's extcap interface (Wireshark runs these; see man esptap). IF: " IF_PROXY " (OPTIONS:\n"
		   "--port PORT [--link PATH]) or " IF_TAP " (--tx-port PORT --rx-port PORT); both: [--baud RATE]\n"
		   "[--linktype N]. Also accepted: --extcap-version[=V], --extcap-capture-filter F (ignored).\n");
}

/* Wireshark reports anything an extcap program writes on stderr as an error, and ends a
 * capture by closing the fifo and then signalling: the verb's start-up line and the broken
 * pipe on the fifo are the normal course here. The verb's stderr goes to a temporary file;
 * the other lines are passed on when it returns. */
static int run_filtered(bool proxy, int ac, char **av, const char *fifo)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	if (tmp && saved >= 0) {
		fflush(stderr);
		dup2(fileno(tmp), 2);
	}
	int code = proxy ? cmd_proxy(ac, av) : cmd_tap(ac, av);
	if (!tmp || saved < 0)
		return code == EXIT_INTERRUPTED ? 0 : code;
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	char line[1024];
	bool pipe_closed = false;
	while (fgets(line, sizeof line, tmp)) {
		if (!strncmp(line, "esptap: proxy ", 14) || !strncmp(line, "esptap: tap ", 12))
			continue;
		if (strstr(line, fifo) && strstr(line, "Broken pipe")) {
			pipe_closed = true;
			continue;
		}
		fputs(line, stderr);
	}
	fclose(tmp);
	return (code == EXIT_INTERRUPTED || pipe_closed) ? 0 : code;
}

enum {
	O_IFACES = 400, O_VERSION, O_IFACE, O_DLTS, O_CONFIG, O_CAPTURE, O_FIFO, O_FILTER, O_CTL_IN, O_CTL_OUT,
	O_PORT, O_LINK, O_TX, O_RX, O_BAUD, O_LINKTYPE,
};

int cmd_extcap(int argc, char **argv)
{
	static const struct option lo[] = {
		{"extcap-interfaces", no_argument, NULL, O_IFACES},
		{"extcap-version", optional_argument, NULL, O_VERSION},
		{"extcap-interface", required_argument, NULL, O_IFACE},
		{"extcap-dlts", no_argument, NULL, O_DLTS},
		{"extcap-config", no_argument, NULL, O_CONFIG},
		{"capture", no_argument, NULL, O_CAPTURE},
		{"fifo", required_argument, NULL, O_FIFO},
		{"extcap-capture-filter", required_argument, NULL, O_FILTER},
		{"extcap-control-in", required_argument, NULL, O_CTL_IN},
		{"extcap-control-out", required_argument, NULL, O_CTL_OUT},
		{"port", required_argument, NULL, O_PORT},
		{"link", required_argument, NULL, O_LINK},
		{"tx-port", required_argument, NULL, O_TX},
		{"rx-port", required_argument, NULL, O_RX},
		{"baud", required_argument, NULL, O_BAUD},
		{"linktype", required_argument, NULL, O_LINKTYPE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *iface = NULL, *fifo = NULL, *port = NULL, *link = NULL, *tx = NULL, *rx = NULL;
	const char *baud = NULL, *linktype = NULL;
	bool want_ifaces = false, want_dlts = false, want_config = false, capture = false;
	int c;
	optind = 1;
	/* argv[0] is the program itself here: Wireshark runs the binary with options only */
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_IFACES: want_ifaces = true; break;
		case O_VERSION: case O_FILTER: case O_CTL_IN: case O_CTL_OUT: break;
		case O_IFACE: iface = optarg; break;
		case O_DLTS: want_dlts = true; break;
		case O_CONFIG: want_config = true; break;
		case O_CAPTURE: capture = true; break;
		case O_FIFO: fifo = optarg; break;
		case O_PORT: port = optarg; break;
		case O_LINK: link = optarg; break;
		case O_TX: tx = optarg; break;
		case O_RX: rx = optarg; break;
		case O_BAUD: baud = optarg; break;
		case O_LINKTYPE: linktype = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (want_ifaces) {
		interfaces();
		return 0;
	}
	bool known = iface && (!strcmp(iface, IF_PROXY) || !strcmp(iface, IF_TAP));
	if (!known)
		return cli_failf(EXIT_USAGE, "extcap: --extcap-interface must be " IF_PROXY " or " IF_TAP "%s%s",
				 iface ? ", not " : "", iface ? iface : "");
	if (want_dlts) {
		dlts();
		return 0;
	}
	if (want_config) {
		config(iface);
		return 0;
	}
	if (!capture || !fifo) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* the verb's own command line: quiet, pcapng into the fifo */
	const char *av[20];
	int ac = 0;
	bool proxy = !strcmp(iface, IF_PROXY);
	av[ac++] = proxy ? "proxy" : "tap";
	if (proxy) {
		if (!port)
			return cli_failf(EXIT_USAGE, "extcap: " IF_PROXY " needs --port");
		av[ac++] = "--port", av[ac++] = port;
		if (link)
			av[ac++] = "--link", av[ac++] = link;
	} else {
		if (!tx || !rx)
			return cli_failf(EXIT_USAGE, "extcap: " IF_TAP " needs --tx-port and --rx-port");
		av[ac++] = "--tx-port", av[ac++] = tx, av[ac++] = "--rx-port", av[ac++] = rx;
	}
	if (baud)
		av[ac++] = "--baud", av[ac++] = baud;
	if (linktype)
		av[ac++] = "--linktype", av[ac++] = linktype;
	av[ac++] = "-q", av[ac++] = "-w", av[ac++] = fifo;
	av[ac] = NULL;
	return run_filtered(proxy, ac, (char **)av, fifo);
}
