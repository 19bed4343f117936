/* tap.h: the passive tap. Two ports, each listening to one line of the
 * target's UART (TX: host > chip, RX: chip > host); never writes to either.
 * Asks the ttys to mark errors (PARMRK|INPCK) and turns 0xFF 0x00 X into line
 * errors, 0xFF 0x00 0x00 into breaks and 0xFF 0xFF into 0xFF. Follows a
 * CHANGE_BAUDRATE on both ports once the chip answers it OK. Owns the two
 * ports; not the recorder.
 */
#ifndef ESPTAP_CAPTURE_TAP_H
#define ESPTAP_CAPTURE_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/rec.h"
#include "core/err.h"
#include "core/record.h"

typedef struct esp_tap esp_tap;

esp_status esp_tap_new(const char *tx_port, const char *rx_port, uint32_t baud, esp_tap **out, esp_error *e);
void esp_tap_set_rec(esp_tap *t, esp_rec *rec);
/* Give every decoded record here (esp_rec_opts.on_record): follows CHANGE_BAUDRATE. */
void esp_tap_on_record(const esp_record *r, void *tap);
esp_status esp_tap_run(esp_tap *t, bool *signalled, esp_error *e);
void esp_tap_free(esp_tap *t);

#endif
