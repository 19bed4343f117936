/* report.h: the Markdown report for bug trackers (`esptap report`). Collects,
 * from the records of one pass over a session, a timeline (connect, stub,
 * baud changes, each flash region with size, time, throughput and verify,
 * reboots) and a few decoded lines around the frames each finding rests on,
 * then writes: what the session was (tool, chip, flasher, port, rates), the
 * timeline table, and the findings with their evidence. Frame numbers are the
 * records' `frame`, Wireshark's packet numbers. With redact, payload bytes,
 * non-text chip output, register values and MAC addresses are left out;
 * lengths, checksums and MD5s stay. Never decodes bytes itself. Bounded: a
 * fixed number of timeline rows and evidence lines. The caller owns the FILE.
 */
#ifndef ESPTAP_WRITE_REPORT_H
#define ESPTAP_WRITE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/diagnose.h"
#include "core/esp_decode.h"

typedef struct esp_report esp_report;

typedef struct {
	const char *tool;    /* "esptap 0.1.0" */
	const char *source;  /* input file */
	const char *format;  /* "pcapng", "esptool-trace", ... */
	const char *flasher; /* NULL or "" if unknown */
	const char *port;    /* NULL or "" if unknown */
} esp_report_info;

esp_report *esp_report_new(bool redact);
void esp_report_free(esp_report *rep);
/* The findings whose evidence to collect (from an earlier pass over the same input). */
void esp_report_want(esp_report *rep, const esp_summary *s);
/* Record callback (esp_record_cb): timeline and evidence. */
void esp_report_record(const esp_record *r, void *rep);
/* Write the report for summary s (its findings, regions, counts). */
void esp_report_write(const esp_report *rep, FILE *f, const esp_report_info *info, const esp_summary *s);
/* A record as one redacted text line (no payload bytes, register values, MACs). */
void esp_report_line(const esp_record *r, bool redact, char *buf, size_t n);

#endif
