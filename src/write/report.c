/* report.c: the Markdown bug-tracker report: session facts, timeline table, findings with decoded evidence lines, optional redaction. */
#include "write/report.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "write/jsonl.h"
#include "write/text.h"

#define MAX_ROWS 64
#define MAX_REGIONS 32
#define ANCHORS 3          /* frames of a finding shown with context */
#define CONTEXT 2          /* frames before and after an anchor */
#define MAX_LINES 14       /* evidence lines per finding */
#define LINE_LEN 240

typedef enum { ROW_CONNECT, ROW_STUB, ROW_BAUD, ROW_REGION, ROW_REBOOT, ROW_ERASE, ROW_READ } row_kind;

typedef struct {
	row_kind kind;
	uint64_t frame, ts;
	uint32_t value;  /* baud rate, region index, size */
	uint32_t value2; /* offset */
} row;

typedef struct {
	uint64_t begin_ts, last_ts;
	bool seen;
} region_time;

typedef struct {
	const char *code;
	uint64_t anchors[ANCHORS];
	int n_anchors;
	char lines[MAX_LINES][LINE_LEN];
	int n_lines;
	uint64_t last_record; /* ordinal of the last record added: no line twice */
} evidence_set;

struct esp_report {
	bool redact;
	row rows[MAX_ROWS];
	int n_rows;
	region_time rt[MAX_REGIONS];
	bool connected, stub;
	evidence_set ev[32];
	int n_ev;
	uint64_t records;
	uint64_t last_ts;
};

esp_report *esp_report_new(bool redact)
{
	esp_report *rep = calloc(1, sizeof *rep);
	if (rep)
		rep->redact = redact;
	return rep;
}

void esp_report_free(esp_report *rep) { free(rep); }

void esp_report_want(esp_report *rep, const esp_summary *s)
{
	rep->n_ev = 0;
	for (size_t i = 0; s && s->findings && i < s->n_findings && rep->n_ev < 32; i++) {
		evidence_set *e = &rep->ev[rep->n_ev++];
		memset(e, 0, sizeof *e);
		e->code = s->findings[i].code;
		for (int k = 0; k < s->findings[i].n_frames && k < ANCHORS; k++)
			e->anchors[e->n_anchors++] = s->findings[i].frames[k];
	}
}

static void add_row(esp_report *rep, row_kind k, const esp_record *r, uint32_t v, uint32_t v2)
{
	if (rep->n_rows >= MAX_ROWS)
		return;
	row *w = &rep->rows[rep->n_rows++];
	w->kind = k;
	w->frame = r->frame;
	w->ts = r->ts_ns;
	w->value = v;
	w->value2 = v2;
}

static const esp_field *field(const esp_record *r, const char *name)
{
	for (int i = 0; i < r->n_fields; i++)
		if (r->fields[i].name && !strcmp(r->fields[i].name, name))
			return &r->fields[i];
	return NULL;
}

static bool has_note(const esp_record *r, const char *code)
{
	for (int i = 0; i < r->n_notes; i++)
		if (r->notes[i].code && !strcmp(r->notes[i].code, code))
			return true;
	return false;
}

static void timeline(esp_report *rep, const esp_record *r)
{
	const esp_field *rg = field(r, "region");
	if (r->type == ESP_REC_RESPONSE && r->opcode == ESP_SYNC && r->status_ok && !rep->connected) {
		rep->connected = true;
		add_row(rep, ROW_CONNECT, r, 0, 0);
	} else if (r->type == ESP_REC_RESPONSE && r->op && !strcmp(r->op, "OHAI")) {
		add_row(rep, ROW_STUB, r, 0, 0);
	} else if (r->type == ESP_REC_RESPONSE && r->opcode == ESP_CHANGE_BAUDRATE && r->status_ok) {
		const esp_field *nb = field(r, "new_baud");
		add_row(rep, ROW_BAUD, r, nb ? (uint32_t)nb->u : 0, 0);
	} else if (r->type == ESP_REC_COMMAND && (r->opcode == ESP_FLASH_BEGIN || r->opcode == ESP_FLASH_DEFL_BEGIN) && rg &&
		   rg->u < MAX_REGIONS) {
		rep->rt[rg->u].begin_ts = rep->rt[rg->u].last_ts = r->ts_ns;
		rep->rt[rg->u].seen = true;
		add_row(rep, ROW_REGION, r, (uint32_t)rg->u, 0);
	} else if (r->type == ESP_REC_RESPONSE && rg && rg->u < MAX_REGIONS && rep->rt[rg->u].seen &&
		   r->opcode != ESP_SPI_FLASH_MD5) {
		rep->rt[rg->u].last_ts = r->ts_ns;
	} else if (r->type == ESP_REC_COMMAND && rg && rg->u < MAX_REGIONS && rep->rt[rg->u].seen &&
		   r->opcode != ESP_SPI_FLASH_MD5) {
		rep->rt[rg->u].last_ts = r->ts_ns;
	} else if (r->type == ESP_REC_RESPONSE && r->reply_to && r->opcode >= 0) {
		/* a data block's answer ends the time its region took */
		for (int i = MAX_REGIONS; i-- > 0;)
			if (rep->rt[i].seen) {
				if (r->opcode == ESP_FLASH_DATA || r->opcode == ESP_FLASH_DEFL_DATA || r->opcode == ESP_FLASH_END ||
				    r->opcode == ESP_FLASH_DEFL_END)
					rep->rt[i].last_ts = r->ts_ns;
				break;
			}
	}
	if (r->type == ESP_REC_COMMAND && r->opcode == ESP_ERASE_FLASH)
		add_row(rep, ROW_ERASE, r, 0, 0);
	if (r->type == ESP_REC_COMMAND && r->opcode == ESP_ERASE_REGION) {
		const esp_field *sz = field(r, "size"), *of = field(r, "offset");
		add_row(rep, ROW_ERASE, r, sz ? (uint32_t)sz->u : 0, of ? (uint32_t)of->u : 0);
	}
	if (r->type == ESP_REC_COMMAND && r->opcode == ESP_READ_FLASH) {
		const esp_field *ln = field(r, "length"), *of = field(r, "offset");
		add_row(rep, ROW_READ, r, ln ? (uint32_t)ln->u : 0, of ? (uint32_t)of->u : 0);
	}
	if (r->type == ESP_REC_RAW && has_note(r, "chip-reboot"))
		add_row(rep, ROW_REBOOT, r, 0, 0);
}

/* ---- redaction ---------------------------------------------------------- */

/* xx:xx:xx:xx:xx:xx (or with dashes) anywhere in s becomes "xx:xx:xx:xx:xx:xx". */
static void scrub_macs(char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + 17 <= n; i++) {
		bool mac = true;
		for (int k = 0; k < 17 && mac; k++) {
			char c = s[i + (size_t)k];
			mac = k % 3 == 2 ? (c == ':' || c == '-') : isxdigit((unsigned char)c) != 0;
		}
		if (mac && s[i + 2] == s[i + 5] && (i == 0 || !isxdigit((unsigned char)s[i - 1])) &&
		    !isxdigit((unsigned char)s[i + 17])) {
			for (int k = 0; k < 17; k++)
				if (k % 3 != 2)
					s[i + (size_t)k] = 'x';
			i += 16;
		}
	}
}

void esp_report_line(const esp_record *r, bool redact, char *buf, size_t n)
{
	if (!redact) {
		esp_text_format(r, buf, n);
		return;
	}
	esp_record c = *r;
	int k = 0;
	for (int i = 0; i < r->n_fields; i++) {
		const esp_field *f = &r->fields[i];
		if (f->type == ESP_F_BYTES)
			continue;
		/* register values can be eFuse words (the MAC); the chip magic is kept */
		if (r->opcode == ESP_READ_REG && f->name && !strcmp(f->name, "value") && r->value != 0 &&
		    !(field(r, "chip")))
			continue;
		c.fields[k++] = *f;
	}
	c.n_fields = k;
	if (c.type == ESP_REC_RAW && !c.text) {
		snprintf(buf, n, "%9.3f %s <%zu bytes, not text: left out>", (double)(r->ts_ns / 1000000) / 1e3,
			 r->dir == ESP_DIR_C2H ? "<-" : "->", r->unit ? r->unit->wire_len : 0);
		return;
	}
	esp_text_format(&c, buf, n);
	scrub_macs(buf);
}

static bool near(const evidence_set *e, uint64_t frame)
{
	for (int i = 0; i < e->n_anchors; i++)
		if (frame + CONTEXT >= e->anchors[i] && frame <= e->anchors[i] + CONTEXT)
			return true;
	return false;
}

static void evidence(esp_report *rep, const esp_record *r)
{
	for (int i = 0; i < rep->n_ev; i++) {
		evidence_set *e = &rep->ev[i];
		if (e->n_lines >= MAX_LINES || !near(e, r->frame) || e->last_record == rep->records)
			continue;
		e->last_record = rep->records;
		char line[LINE_LEN - 16];
		esp_report_line(r, rep->redact, line, sizeof line);
		snprintf(e->lines[e->n_lines++], LINE_LEN, "%6llu %s", (unsigned long long)r->frame, line);
		for (int k = 0; k < r->n_notes && e->n_lines < MAX_LINES; k++) {
			if (r->notes[k].level == ESP_NOTE_INFO && strcmp(r->notes[k].code, "boot-reset") &&
			    strcmp(r->notes[k].code, "timeout-instead"))
				continue;
			char t[200];
			snprintf(t, sizeof t, "%s", r->notes[k].text);
			if (rep->redact)
				scrub_macs(t);
			snprintf(e->lines[e->n_lines++], LINE_LEN, "         ! %s: %s", r->notes[k].code, t);
		}
	}
}

void esp_report_record(const esp_record *r, void *user)
{
	esp_report *rep = user;
	rep->records++;
	rep->last_ts = r->ts_ns;
	timeline(rep, r);
	evidence(rep, r);
}

/* ---- writing ------------------------------------------------------------ */

static double secs(uint64_t ns) { return (double)(ns / 1000) / 1e6; }

/* Markdown table cells: a '|' would end the cell. */
static void cell(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void write_row(const esp_report *rep, FILE *f, const row *w, const esp_summary *s)
{
	fprintf(f, "| %llu | %.3f | ", (unsigned long long)w->frame, secs(w->ts));
	switch (w->kind) {
	case ROW_CONNECT: fprintf(f, "connect | SYNC answered |\n"); break;
	case ROW_STUB: fprintf(f, "stub | flasher stub running (OHAI) |\n"); break;
	case ROW_BAUD: fprintf(f, "baud change | %u baud |\n", w->value); break;
	case ROW_REBOOT: fprintf(f, "reboot | the chip printed a boot banner |\n"); break;
	case ROW_ERASE:
		if (w->value)
			fprintf(f, "erase | 0x%08x, %u bytes |\n", w->value2, w->value);
		else
			fprintf(f, "erase | whole flash |\n");
		break;
	case ROW_READ: fprintf(f, "read | 0x%08x, %u bytes |\n", w->value2, w->value); break;
	case ROW_REGION: {
		if (!s->regions || w->value >= s->n_regions) {
			fprintf(f, "write | |\n");
			break;
		}
		const esp_region *g = &s->regions[w->value];
		const region_time *t = &rep->rt[w->value];
		double dt = t->seen && t->last_ts > t->begin_ts ? secs(t->last_ts - t->begin_ts) : 0.0;
		char tp[48] = "-";
		if (dt > 0)
			snprintf(tp, sizeof tp, "%.1f KiB/s", (double)g->bytes_written / 1024.0 / dt);
		const char *v = g->verify < 0 ? "not verified" : g->verify ? "verify ok" : "VERIFY FAILED";
		fprintf(f, "write 0x%08x | %u bytes%s, %u of %u blocks, %.3f s, %s, %s%s%s |\n", g->offset, g->size,
			g->compressed ? " (compressed)" : "", g->blocks_seen, g->blocks_announced, dt, tp, v,
			g->md5[0] ? ", md5 " : "", g->md5);
		break;
	}
	}
}

void esp_report_write(const esp_report *rep, FILE *f, const esp_report_info *in, const esp_summary *s)
{
	const esp_chip_info *ci = s && s->chip != ESP_CHIP_UNKNOWN ? esp_chip_get(s->chip) : NULL;
	fprintf(f, "## esptap report: ");
	cell(f, in->source);
	fprintf(f, "\n\n| | |\n|---|---|\n| tool | %s |\n| input | ", in->tool);
	cell(f, in->source);
	fprintf(f, " (%s) |\n| flasher | ", in->format);
	cell(f, in->flasher && *in->flasher ? in->flasher : "unknown");
	fprintf(f, " |\n| port | ");
	cell(f, in->port && *in->port ? in->port : "unknown");
	fprintf(f, " |\n");
	if (!s) {
		fprintf(f, "\nNothing was decoded.\n");
		return;
	}
	fprintf(f, "| chip | %s, %s |\n", ci ? ci->pretty : "unknown", s->stub ? "stub" : "ROM loader only");
	if (s->baud_initial || s->baud_final)
		fprintf(f, "| rates | %u -> %u baud |\n", s->baud_initial, s->baud_final);
	else
		fprintf(f, "| rates | unknown |\n");
	fprintf(f, "| duration | %.3f s |\n", secs(s->duration_ns));
	fprintf(f,
		"| traffic | %llu frames (%llu commands, %llu responses), %llu raw runs, %llu timeouts, %llu checksum "
		"errors, %llu error statuses |\n",
		(unsigned long long)s->frames, (unsigned long long)s->commands, (unsigned long long)s->responses,
		(unsigned long long)s->raw_runs, (unsigned long long)s->timeouts, (unsigned long long)s->checksum_errors,
		(unsigned long long)s->error_statuses);
	if (rep->redact)
		fprintf(f, "| redacted | payload bytes, non-text output, register values and MAC addresses left out |\n");

	fprintf(f, "\n### Timeline\n\n");
	if (!rep->n_rows) {
		fprintf(f, "Nothing to show: no connection was made.\n");
	} else {
		fprintf(f, "| frame | time (s) | step | detail |\n|---:|---:|---|---|\n");
		for (int i = 0; i < rep->n_rows; i++)
			write_row(rep, f, &rep->rows[i], s);
	}

	fprintf(f, "\n### Findings\n\n");
	if (!s->n_findings)
		fprintf(f, "None: nothing in this capture points at a problem.\n\n");
	for (size_t i = 0; i < s->n_findings; i++) {
		const esp_finding *fd = &s->findings[i];
		fprintf(f, "#### %s: `%s`\n\n%s.\n\n**Remedy:** %s\n\n", esp_severity_name(fd->severity), fd->code, fd->summary,
			fd->remedy);
		if (fd->n_frames) {
			fprintf(f, "Frames:");
			for (int k = 0; k < fd->n_frames; k++)
				fprintf(f, "%s %llu", k ? "," : "", (unsigned long long)fd->frames[k]);
			fprintf(f, "\n\n");
		}
		const evidence_set *e = NULL;
		for (int k = 0; k < rep->n_ev; k++)
			if (rep->ev[k].code == fd->code || (rep->ev[k].code && !strcmp(rep->ev[k].code, fd->code)))
				e = &rep->ev[k];
		if (e && e->n_lines) {
			fprintf(f, "```\n");
			for (int k = 0; k < e->n_lines; k++)
				fprintf(f, "%s\n", e->lines[k]);
			fprintf(f, "```\n\n");
		}
	}
	fprintf(f, "_Frame numbers are packet numbers in the pcapng (Wireshark)._\n");
}
