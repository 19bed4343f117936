/* cmd_sim.c: the 'sim' verb (placeholder until its issue lands). */
#include "cli/cli.h"

int cmd_sim(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_failf(EXIT_USAGE, "'sim' is not built yet");
}
