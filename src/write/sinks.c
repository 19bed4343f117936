/* sinks.c: placeholder, being written. */
#include "write/sinks.h"
