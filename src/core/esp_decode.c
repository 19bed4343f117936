/* esp_decode.c: placeholder, being written. */
#include "core/esp_decode.h"
