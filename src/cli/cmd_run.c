/* cmd_run.c: the 'run' verb (placeholder until its issue lands). */
#include "cli/cli.h"

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_failf(EXIT_USAGE, "'run' is not built yet");
}
