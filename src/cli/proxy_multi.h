/* proxy_multi.h: `esptap proxy` with several --port options (a production line flashing many
 * boards from one host): each --port takes the --link, -w and -j that follow it, and the
 * options before the first --port apply to all. One relay thread per port, each with its own
 * pty, link, recorder and files; no text view (use -j per port). A port that vanishes ends
 * only its own relay (its files closed, one line); SIGINT/SIGTERM ends them all. Returns the
 * exit status (the worst of the ports': a fault before an interruption before success).
 * Never exits; prints only errors and one line per port on stderr.
 */
#ifndef ESPTAP_CLI_PROXY_MULTI_H
#define ESPTAP_CLI_PROXY_MULTI_H

#include "cli/live_common.h"

/* How many --port options argv holds (before any "--"). */
int proxy_count_ports(int argc, char **argv);
/* v: proxy's command line (its own options are replaced per port). */
int proxy_multi(int argc, char **argv, const live_verb *v);

#endif
