/* cmd_ports.c: the 'ports' verb (placeholder until its issue lands). */
#include "cli/cli.h"

int cmd_ports(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_failf(EXIT_USAGE, "'ports' is not built yet");
}
