/* md5.c: placeholder, being written. */
#include "core/md5.h"
