/* cmd_decode.c: the 'decode' verb (placeholder until its issue lands). */
#include "cli/cli.h"

int cmd_decode(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_failf(EXIT_USAGE, "'decode' is not built yet");
}
