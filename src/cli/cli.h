/* cli.h: the verbs. Each verb lives in its own file (src/cli/cmd_<verb>.c),
 * parses its own options, and is the only kind of place that prints usage or
 * chooses an exit status. */
#ifndef ESPTAP_CLI_CLI_H
#define ESPTAP_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/exitcodes.h"
#include "core/err.h"

int cmd_decode(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_proxy(int argc, char **argv);
int cmd_rfc2217(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_tap(int argc, char **argv);
int cmd_ports(int argc, char **argv);
int cmd_diff(int argc, char **argv);
/* Wireshark's extcap interface (cmd_extcap.c): not a verb; main() hands it the
 * command lines whose first argument extcap_wanted() recognises. */
int cmd_extcap(int argc, char **argv);
bool extcap_wanted(const char *arg1);
int cmd_diagnose(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Print "esptap: <formatted error>" on stderr and return its exit code. */
int cli_fail(const esp_error *e);
/* Print "esptap: <msg>" on stderr and return code. */
int cli_failf(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when colour should be used on this stream (a tty, NO_COLOR unset). */
int cli_use_colour(FILE *f);
/* --timeout [OP=]MS into the decoder's limits: 0, or the exit status (message printed). */
int cli_timeout_option(const char *verb, const char *arg, uint32_t per_op[256], uint32_t *all);

#endif
