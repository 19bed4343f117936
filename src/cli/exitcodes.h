/* exitcodes.h: every exit status esptap uses, in one place. docs/exit-codes.md
 * and the man page list the same values; tests check them. */
#ifndef ESPTAP_CLI_EXITCODES_H
#define ESPTAP_CLI_EXITCODES_H

#include "core/err.h"

enum {
	EXIT_OK_ = 0,        /* success */
	EXIT_FINDINGS = 1,   /* diagnose: the trace shows an error finding */
	EXIT_USAGE = 2,      /* bad command line */
	EXIT_INPUT = 3,      /* input file missing or unreadable, output not writable */
	EXIT_FORMAT = 4,     /* input of no known format, wrong link type, corrupt */
	EXIT_TRUNCATED = 5,  /* input cut short or cut in places: everything else was decoded and written */
	EXIT_PORT = 6,       /* port missing, busy, or permission denied; link path taken */
	EXIT_PORT_GONE = 7,  /* port vanished mid-session: files closed and valid */
	EXIT_INTERNAL = 8,   /* out of memory or a bug */
	EXIT_INTERRUPTED = 9,/* stopped by SIGINT/SIGTERM (live verbs): files closed and valid */
	EXIT_DIFFER = 1,     /* diff: the two sessions differ (a warning or error) */
};

int esp_exit_code(esp_status st);

#endif
