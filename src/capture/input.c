/* input.c: placeholder, being written. */
#include "capture/input.h"
