/* ports.h: what serial ports this machine has and who holds them. Reads
 * /sys/class/tty/NAME/device (USB vendor:product, product and manufacturer
 * strings, the bridge chip named from vendor:product) and scans
 * /proc/PID/fd for processes holding a port open. Read-only; the list is
 * the caller's to free with esp_ports_free.
 */
#ifndef ESPTAP_CAPTURE_PORTS_H
#define ESPTAP_CAPTURE_PORTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"

typedef struct {
	char dev[64];          /* "/dev/ttyUSB0" */
	char driver[64];       /* kernel driver: "cp210x", "ch341-uart", "cdc_acm" */
	char subsystem[32];    /* "usb", "pnp", "platform", ... */
	uint16_t vid, pid;     /* 0 if not USB */
	char product[128], manufacturer[128], serial[128];
	const char *bridge;    /* "CP210x", "CH34x", "FTDI", "Espressif USB-Serial-JTAG", "CDC-ACM", NULL */
	pid_t holder;          /* a process holding it open, 0 if none */
	char holder_comm[64];
} esp_port_info;

/* Scan sysfs (root: "/sys/class/tty" unless overridden for tests). */
esp_status esp_ports_list(const char *sys_root, esp_port_info **out, size_t *n, esp_error *e);
void esp_ports_free(esp_port_info *v);

/* The bridge chip's name for a USB vendor:product, NULL if unknown. */
const char *esp_bridge_name(uint16_t vid, uint16_t pid);

/* A process other than `self` holding the device `path` open (same st_rdev);
 * returns its pid and fills comm, or 0. */
pid_t esp_port_holder(const char *path, pid_t self, char *comm, size_t comm_len);

#endif
