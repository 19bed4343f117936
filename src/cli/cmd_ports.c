/* cmd_ports.c: the 'ports' verb: serial ports, their bridge chip, and who holds them. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "capture/ports.h"
#include "cli/cli.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: esptap ports [-j]\n"
		   "  Lists serial ports from /sys/class/tty: USB VID:PID, bridge chip, product,\n"
		   "  manufacturer, and the process holding each open.\n"
		   "  -j, --json   one JSON array on stdout\n");
}

int cmd_ports(int argc, char **argv)
{
	static const struct option lo[] = {{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
					   {NULL, 0, NULL, 0}};
	int json = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	esp_port_info *v;
	size_t n;
	esp_error e = {0};
	if (esp_ports_list(NULL, &v, &n, &e) != ESP_OK)
		return cli_fail(&e);
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();
			char id[16];
			json_object_set_new(o, "port", json_string(v[i].dev));
			json_object_set_new(o, "driver", json_string(v[i].driver));
			if (v[i].vid) {
				snprintf(id, sizeof id, "%04x:%04x", v[i].vid, v[i].pid);
				json_object_set_new(o, "usb", json_string(id));
			}
			json_object_set_new(o, "bridge", v[i].bridge ? json_string(v[i].bridge) : json_null());
			json_object_set_new(o, "product", v[i].product[0] ? json_string(v[i].product) : json_null());
			json_object_set_new(o, "manufacturer", v[i].manufacturer[0] ? json_string(v[i].manufacturer) : json_null());
			json_object_set_new(o, "serial", v[i].serial[0] ? json_string(v[i].serial) : json_null());
			if (v[i].holder) {
				json_t *h = json_object();
				json_object_set_new(h, "pid", json_integer(v[i].holder));
				json_object_set_new(h, "comm", json_string(v[i].holder_comm));
				json_object_set_new(o, "held_by", h);
			} else {
				json_object_set_new(o, "held_by", json_null());
			}
			json_array_append_new(a, o);
		}
		json_dumpf(a, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(a);
	} else if (!n) {
		printf("no serial ports found\n");
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("%-16s", v[i].dev);
			if (v[i].vid)
				printf(" %04x:%04x", v[i].vid, v[i].pid);
			printf(" %s", v[i].bridge ? v[i].bridge : v[i].driver[0] ? v[i].driver : "-");
			if (v[i].product[0])
				printf(" \"%s\"", v[i].product);
			if (v[i].manufacturer[0])
				printf(" (%s)", v[i].manufacturer);
			if (v[i].holder)
				printf("  held by %d (%s)", (int)v[i].holder, v[i].holder_comm);
			putchar('\n');
		}
	}
	esp_ports_free(v);
	return 0;
}
