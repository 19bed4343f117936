/* main.c: esptap's entry point: picks the verb and hands over. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct verb {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} verbs[] = {
	{"decode", cmd_decode, "decode a capture or trace log: text, JSON Lines, pcapng"},
	{"sim", cmd_sim, "simulate an ESP chip's ROM loader and stub on a pty"},
	{"proxy", cmd_proxy, "pty proxy between a flasher and a serial port, recording"},
	{"rfc2217", cmd_rfc2217, "RFC 2217 server in front of a serial port, recording"},
	{"run", cmd_run, "run a flasher through the proxy with DTR/RTS forwarded"},
	{"tap", cmd_tap, "passive capture from two adapters on the TX and RX lines"},
	{"ports", cmd_ports, "list serial ports, their bridge chip and who holds them"},
	{"diff", cmd_diff, "align two sessions command by command and show where they part"},
	{"diagnose", cmd_diagnose, "say what went wrong in a capture or trace log, with remedies"},
	{"report", cmd_report, "Markdown report of a session for a bug tracker (--redact)"},
	{NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: esptap VERB [OPTIONS...]\n\nSee the ESP serial bootloader protocol, byte by byte.\n\nverbs:\n");
	for (const struct verb *v = verbs; v->name; v++)
		fprintf(f, "  %-9s %s\n", v->name, v->help);
	fprintf(f, "\n'esptap VERB --help' for a verb's options; 'man esptap' for the rest.\n"
		   "Wireshark runs esptap as an extcap capture program: 'esptap --extcap-interfaces'.\n"
		   "exit status: 0 ok, 1 findings (diff: the sessions differ), 2 usage, 3 input,\n"
		   "             4 format, 5 truncated, 6 port, 7 port gone, 8 internal, 9 interrupted\n");
}

int main(int argc, char **argv)
{
	/* a reader of -j - or -w - that goes away is a write error (exit 3, one
	 * line, the other files complete), not a silent death by SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("esptap %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (extcap_wanted(argv[1]))
		return cmd_extcap(argc, argv);
	for (const struct verb *v = verbs; v->name; v++)
		if (!strcmp(argv[1], v->name))
			return v->fn(argc - 1, argv + 1);
	fprintf(stderr, "esptap: unknown verb '%s' (try 'esptap --help')\n", argv[1]);
	return EXIT_USAGE;
}
