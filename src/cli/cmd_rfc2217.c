/* cmd_rfc2217.c: the 'rfc2217' verb (placeholder until its issue lands). */
#include "cli/cli.h"

int cmd_rfc2217(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_failf(EXIT_USAGE, "'rfc2217' is not built yet");
}
