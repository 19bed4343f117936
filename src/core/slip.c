/* slip.c: placeholder, being written. */
#include "core/slip.h"
