/* cmd_tap.c: the 'tap' verb (placeholder until its issue lands). */
#include "cli/cli.h"

int cmd_tap(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_failf(EXIT_USAGE, "'tap' is not built yet");
}
