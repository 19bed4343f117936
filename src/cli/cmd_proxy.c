/* cmd_proxy.c: the 'proxy' verb (placeholder until its issue lands). */
#include "cli/cli.h"

int cmd_proxy(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_failf(EXIT_USAGE, "'proxy' is not built yet");
}
