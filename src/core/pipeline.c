/* pipeline.c: placeholder, being written. */
#include "core/pipeline.h"
