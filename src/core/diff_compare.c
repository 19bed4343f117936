/* diff_compare.c: aligned steps compared into ordered differences, each with a level and both sides' frames. */
#include "core/diff_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	esp_diff_result *r;
	esp_diff_opts o;
	size_t cap;
	bool oom;
} ctx;

const char *esp_diff_level_name(esp_diff_level l)
{
	return l == ESP_DIFF_ERROR ? "error" : l == ESP_DIFF_WARNING ? "warning" : "info";
}

static esp_diff_item *add(ctx *c, esp_diff_level lvl, const char *kind, const char *what, const char *field,
			  uint64_t af, uint64_t bf)
{
	esp_diff_result *r = c->r;
	r->counts[lvl]++;
	if (r->n_items >= ESP_DIFF_MAX_ITEMS)
		return NULL;
	if (r->n_items == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 32;
		esp_diff_item *ni = realloc(r->items, nc * sizeof *ni);
		if (!ni) {
			c->oom = true;
			return NULL;
		}
		r->items = ni;
		c->cap = nc;
	}
	esp_diff_item *it = &r->items[r->n_items++];
	memset(it, 0, sizeof *it);
	it->level = lvl;
	it->kind = kind;
	snprintf(it->what, sizeof it->what, "%s", what);
	snprintf(it->field, sizeof it->field, "%s", field ? field : "");
	it->a_frame = af;
	it->b_frame = bf;
	return it;
}

static void vals_s(esp_diff_item *it, const char *a, const char *b)
{
	if (!it)
		return;
	snprintf(it->a, sizeof it->a, "%s", a);
	snprintf(it->b, sizeof it->b, "%s", b);
}

static void vals_u(esp_diff_item *it, bool hex, unsigned long long a, unsigned long long b)
{
	if (!it)
		return;
	snprintf(it->a, sizeof it->a, hex ? "0x%08llx" : "%llu", a);
	snprintf(it->b, sizeof it->b, hex ? "0x%08llx" : "%llu", b);
}

static void say(esp_diff_item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(esp_diff_item *it, const char *fmt, ...)
{
	if (!it)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof it->text, fmt, ap);
	va_end(ap);
}

static const char *what_of(const diff_step *s)
{
	switch ((step_kind)s->kind) {
	case STEP_CONNECT: return "connect";
	case STEP_RAM: return s->stub ? "stub" : "ram-load";
	case STEP_REGS: return "registers";
	default: return s->op_name;
	}
}

static bool flavour_differs(const diff_step *a, const diff_step *b) { return a->op != b->op; }

static const char *norm_name(const char *n) { return !strcmp(n, "erase_size") ? "size" : n; }

static const step_param *find_param(const diff_step *s, const char *name)
{
	for (uint8_t i = 0; i < s->n_params; i++)
		if (!strcmp(norm_name(s->params[i].name), norm_name(name)))
			return &s->params[i];
	return NULL;
}

static void param_text(char *buf, size_t n, const step_param *p)
{
	if (!p)
		snprintf(buf, n, "%s", "");
	else
		snprintf(buf, n, p->hex ? "0x%llx" : "%llu", (unsigned long long)p->v);
}

/* A parameter of A's step against B's; either may be missing (NULL). */
static void one_param(ctx *c, const diff_step *a, const diff_step *b, const step_param *pa, const step_param *pb)
{
	const char *name = pa ? pa->name : pb->name;
	if (pa && pb && pa->v == pb->v)
		return;
	if (flavour_differs(a, b) && !strcmp(name, "num_blocks"))
		return; /* compressed and plain block counts differ by nature */
	const step_param *only = pa && pb ? NULL : pa ? pa : pb;
	esp_diff_level lvl = only && only->v == 0 ? ESP_DIFF_INFO : ESP_DIFF_WARNING;
	esp_diff_item *it = add(c, lvl, "param", what_of(a), norm_name(name), a->frame_first, b->frame_first);
	if (!it)
		return;
	param_text(it->a, sizeof it->a, pa);
	param_text(it->b, sizeof it->b, pb);
	if (only)
		say(it, "%s: only %s sends %s (%s)%s", a->op_name, pa ? "A" : "B", name, pa ? it->a : it->b,
		    only->v == 0 ? ", zero: the default" : "");
	else
		say(it, "%s: %s %s in A, %s in B", a->op_name, norm_name(name), it->a, it->b);
}

static void compare_params(ctx *c, const diff_step *a, const diff_step *b)
{
	for (uint8_t i = 0; i < a->n_params; i++)
		one_param(c, a, b, &a->params[i], find_param(b, a->params[i].name));
	for (uint8_t i = 0; i < b->n_params; i++)
		if (!find_param(a, b->params[i].name))
			one_param(c, a, b, NULL, &b->params[i]);
}

static void timing(ctx *c, const diff_step *a, const diff_step *b)
{
	double la = a->lat_max, lb = b->lat_max;
	if (la <= 0 || lb <= 0)
		return;
	double hi = la > lb ? la : lb, lo = la > lb ? lb : la;
	if (hi < c->o.ratio * lo || hi - lo < c->o.min_ms)
		return;
	esp_diff_item *it = add(c, ESP_DIFF_INFO, "timing", what_of(a), "latency_ms", a->lat_frame, b->lat_frame);
	if (!it)
		return;
	snprintf(it->a, sizeof it->a, "%.3f", la);
	snprintf(it->b, sizeof it->b, "%.3f", lb);
	say(it, "%s answered in %.3f ms in A, %.3f ms in B (%.0fx)", what_of(a), la, lb, hi / lo);
}

static const char *answer_text(const diff_step *s, char *buf, size_t n)
{
	if (s->has_answer && s->ok)
		snprintf(buf, n, "ok");
	else if (s->has_answer)
		snprintf(buf, n, "%s (0x%02x)", s->status, s->err_code);
	else
		snprintf(buf, n, "%s", s->timeouts ? "timeout" : "no answer");
	return buf;
}

static void compare_cmd(ctx *c, const diff_step *a, const diff_step *b)
{
	if (flavour_differs(a, b)) {
		esp_diff_item *it = add(c, ESP_DIFF_INFO, "param", a->op_name, "op", a->frame_first, b->frame_first);
		vals_s(it, a->op_name, b->op_name);
		say(it, "A sends %s, B %s: compressed vs plain transfer", a->op_name, b->op_name);
	}
	compare_params(c, a, b);
	char ta[40], tb[40];
	answer_text(a, ta, sizeof ta);
	answer_text(b, tb, sizeof tb);
	if (strcmp(ta, tb)) {
		const esp_op_info *oi = a->op >= 0 ? esp_op_lookup((uint8_t)a->op) : NULL;
		bool may_be_silent = (oi && oi->no_reply) || a->op == ESP_MEM_END || a->op == ESP_FLASH_END ||
				     a->op == ESP_FLASH_DEFL_END;
		bool one_silent = !a->has_answer != !b->has_answer;
		esp_diff_level lvl = may_be_silent && one_silent ? ESP_DIFF_INFO : ESP_DIFF_ERROR;
		esp_diff_item *it = add(c, lvl, "answer", a->op_name, "status", a->frame_first, b->frame_first);
		vals_s(it, ta, tb);
		char fa[32] = "", fb[32] = "";
		if (a->frame_resp)
			snprintf(fa, sizeof fa, " (frame %llu)", (unsigned long long)a->frame_resp);
		if (b->frame_resp)
			snprintf(fb, sizeof fb, " (frame %llu)", (unsigned long long)b->frame_resp);
		say(it, "%s answered %s in A%s, %s in B%s", a->op_name, ta, fa, tb, fb);
	} else if (a->packets != b->packets) {
		esp_diff_item *it = add(c, ESP_DIFF_ERROR, "answer", a->op_name, "packets", a->frame_first, b->frame_first);
		vals_u(it, false, a->packets, b->packets);
		say(it, "%s: the chip sent %u data packets in A, %u in B", a->op_name, a->packets, b->packets);
	} else if (a->ok && a->md5[0] && b->md5[0] && strcmp(a->md5, b->md5)) {
		esp_diff_item *it = add(c, ESP_DIFF_ERROR, "answer", a->op_name, "md5", a->frame_first, b->frame_first);
		vals_s(it, a->md5, b->md5);
		say(it, "the chip's MD5 differs: %s in A, %s in B", a->md5, b->md5);
	}
	timing(c, a, b);
}

/* The frame of block i of run s: exact when the run's frames are evenly spaced. */
static uint64_t block_frame(const diff_step *s, uint32_t i)
{
	if (i < s->count && s->regular)
		return s->frame_first + (uint64_t)i * s->stride;
	return s->frame_first;
}

static void run_count(ctx *c, const diff_step *a, const diff_step *b, esp_diff_level lvl, const char *field,
		      unsigned long long va, unsigned long long vb, const char *what)
{
	if (va == vb)
		return;
	esp_diff_item *it = add(c, lvl, "count", a->op_name, field, a->frame_first, b->frame_first);
	vals_u(it, false, va, vb);
	say(it, "%s: %s %llu in A, %llu in B", a->op_name, what, va, vb);
}

static void compare_run(ctx *c, const diff_step *a, const diff_step *b)
{
	bool flav = flavour_differs(a, b);
	if (flav) {
		esp_diff_item *it = add(c, ESP_DIFF_INFO, "param", a->op_name, "op", a->frame_first, b->frame_first);
		vals_s(it, a->op_name, b->op_name);
		say(it, "A sends %s, B %s: compressed vs plain transfer", a->op_name, b->op_name);
	}
	/* Errors first: a retry is the host's answer to one. */
	if (a->errors + a->timeouts || b->errors + b->timeouts) {
		bool both = a->err_frame && b->err_frame;
		if (!both || a->err_index != b->err_index || strcmp(a->status, b->status)) {
			uint64_t af = a->err_frame ? a->err_frame : block_frame(a, b->err_index);
			uint64_t bf = b->err_frame ? b->err_frame : block_frame(b, a->err_index);
			uint32_t idx = a->err_frame && (!b->err_frame || a->err_index <= b->err_index) ? a->err_index
												 : b->err_index;
			esp_diff_item *it = add(c, ESP_DIFF_ERROR, "answer", a->op_name, "status", af, bf);
			vals_s(it, a->err_frame ? a->status : "ok", b->err_frame ? b->status : "ok");
			if (it) {
				uint64_t rf = a->err_frame ? a->err_resp : b->err_resp;
				char at[48] = "";
				if (rf)
					snprintf(at, sizeof at, " (answer in frame %llu)", (unsigned long long)rf);
				say(it, "%s block %u: A %s, B %s%s", a->op_name, idx, it->a, it->b, at);
			}
		}
	}
	esp_diff_level lv = flav ? ESP_DIFF_INFO : ESP_DIFF_WARNING;
	run_count(c, a, b, ESP_DIFF_WARNING, "block_size", a->block_size, b->block_size, "block size");
	run_count(c, a, b, lv, "blocks", a->count - a->retries, b->count - b->retries, "blocks sent");
	run_count(c, a, b, lv, "bytes", a->bytes, b->bytes, "bytes sent");
	run_count(c, a, b, ESP_DIFF_WARNING, "seq_first", a->seq_first, b->seq_first, "first seq");
	if (a->gaps != b->gaps) {
		esp_diff_item *it = add(c, ESP_DIFF_WARNING, "count", a->op_name, "gaps", a->gaps ? a->gap_frame : a->frame_first,
					b->gaps ? b->gap_frame : b->frame_first);
		vals_u(it, false, a->gaps, b->gaps);
		say(it, "%s: seq skipped %u times in A, %u in B", a->op_name, a->gaps, b->gaps);
	}
	if (a->retries != b->retries) {
		esp_diff_item *it = add(c, ESP_DIFF_WARNING, "count", a->op_name, "retries",
					a->retries ? a->retry_frame : a->frame_first,
					b->retries ? b->retry_frame : b->frame_first);
		vals_u(it, false, a->retries, b->retries);
		say(it, "%s: blocks sent again: %u in A, %u in B", a->op_name, a->retries, b->retries);
	}
	timing(c, a, b);
}

static void compare_connect(ctx *c, const diff_step *a, const diff_step *b)
{
	if (!a->sync_answered != !b->sync_answered) {
		esp_diff_item *it = add(c, ESP_DIFF_ERROR, "answer", "connect", "sync", a->frame_first, b->frame_first);
		vals_u(it, false, a->sync_answered, b->sync_answered);
		say(it, "the chip answered SYNC in %s only", a->sync_answered ? "A" : "B");
	}
	if (a->magic && b->magic && a->magic != b->magic) {
		esp_diff_item *it = add(c, ESP_DIFF_WARNING, "answer", "connect", "chip_magic", a->frame_first,
					b->frame_first);
		vals_u(it, true, a->magic, b->magic);
		say(it, "different chips: detect register 0x%08x in A, 0x%08x in B", a->magic, b->magic);
	}
	if (a->syncs != b->syncs) {
		esp_diff_item *it = add(c, ESP_DIFF_INFO, "count", "connect", "syncs", a->frame_first, b->frame_first);
		vals_u(it, false, a->syncs, b->syncs);
		say(it, "SYNC sent %ux in A, %ux in B (retries)", a->syncs, b->syncs);
	}
	if (a->probes != b->probes) {
		esp_diff_item *it = add(c, ESP_DIFF_INFO, "count", "connect", "probes", a->frame_first, b->frame_first);
		vals_u(it, false, a->probes, b->probes);
		say(it, "%u chip-detect probes in A, %u in B", a->probes, b->probes);
	}
}

static void compare_ram(ctx *c, const diff_step *a, const diff_step *b)
{
	if (a->stub != b->stub) {
		esp_diff_item *it = add(c, ESP_DIFF_ERROR, "answer", "stub", "ohai", a->frame_last, b->frame_last);
		vals_s(it, a->stub ? "yes" : "no", b->stub ? "yes" : "no");
		say(it, "code loaded to RAM greeted OHAI (stub running) in %s only", a->stub ? "A" : "B");
	}
	bool build = a->stub && b->stub; /* two stub builds differ by nature */
	esp_diff_level lvl = build ? ESP_DIFF_INFO : ESP_DIFF_WARNING;
	if (a->segments != b->segments || a->ram_bytes != b->ram_bytes || a->entry != b->entry ||
	    a->first_addr != b->first_addr) {
		esp_diff_item *it = add(c, lvl, "param", what_of(a), "image", a->frame_first, b->frame_first);
		if (it) {
			snprintf(it->a, sizeof it->a, "%u B @0x%08x entry 0x%08x", a->ram_bytes, a->first_addr, a->entry);
			snprintf(it->b, sizeof it->b, "%u B @0x%08x entry 0x%08x", b->ram_bytes, b->first_addr, b->entry);
			say(it, "%s: %s in A, %s in B%s", build ? "stub" : "RAM load", it->a, it->b,
			    build ? " (different stub builds)" : "");
		}
	}
	if (a->errors + a->timeouts != b->errors + b->timeouts) {
		const diff_step *e = a->err_frame ? a : b;
		esp_diff_item *it = add(c, ESP_DIFF_ERROR, "answer", what_of(a), "status", a->err_frame ? a->err_frame : a->frame_first,
					b->err_frame ? b->err_frame : b->frame_first);
		vals_s(it, a->err_frame ? a->status : "ok", b->err_frame ? b->status : "ok");
		say(it, "RAM load answered %s in %s (frame %llu)", e->status, e == a ? "A" : "B",
		    (unsigned long long)e->err_resp);
	}
}

static void compare_regs(ctx *c, const diff_step *a, const diff_step *b)
{
	if (a->reads != b->reads || a->writes != b->writes) {
		esp_diff_item *it = add(c, ESP_DIFF_INFO, "count", "registers", "accesses", a->frame_first, b->frame_first);
		if (it) {
			snprintf(it->a, sizeof it->a, "%u reads, %u writes", a->reads, a->writes);
			snprintf(it->b, sizeof it->b, "%u reads, %u writes", b->reads, b->writes);
			say(it, "register accesses: %s in A, %s in B", it->a, it->b);
		}
	}
	if (a->errors + a->timeouts != b->errors + b->timeouts) {
		esp_diff_item *it = add(c, ESP_DIFF_ERROR, "answer", "registers", "status",
					a->err_frame ? a->err_frame : a->frame_first, b->err_frame ? b->err_frame : b->frame_first);
		vals_s(it, a->err_frame ? a->status : "ok", b->err_frame ? b->status : "ok");
		say(it, "register access answered %s in A, %s in B", it ? it->a : "", it ? it->b : "");
	}
}

static void compare(ctx *c, const diff_step *a, const diff_step *b)
{
	switch ((step_kind)a->kind) {
	case STEP_CMD: compare_cmd(c, a, b); break;
	case STEP_RUN: compare_run(c, a, b); break;
	case STEP_CONNECT: compare_connect(c, a, b); break;
	case STEP_RAM: compare_ram(c, a, b); break;
	case STEP_REGS: compare_regs(c, a, b); break;
	}
}

static bool same_step(const diff_step *a, const diff_step *b)
{
	if (a->kind == STEP_CONNECT || a->kind == STEP_REGS)
		return false; /* housekeeping: where it happens does not matter */
	if (esp_diff_step_key(a) != esp_diff_step_key(b) || a->n_params != b->n_params)
		return false;
	for (uint8_t i = 0; i < a->n_params; i++)
		if (strcmp(a->params[i].name, b->params[i].name) || a->params[i].v != b->params[i].v)
			return false;
	return a->count == b->count && a->block_size == b->block_size;
}

/* For a step one side lacks: where the other side goes on (its next aligned
 * step), so both frames point at the place they part. */
static uint64_t other_at(const diff_pair *p, size_t np, size_t i, bool in_a, const esp_diff_side *O, bool *ended)
{
	*ended = false;
	for (size_t j = i + 1; j < np; j++) {
		int32_t k = in_a ? p[j].b : p[j].a;
		if (k >= 0)
			return O->steps[k].frame_first;
	}
	*ended = true;
	return O->n ? O->steps[O->n - 1].frame_last : 0;
}

static void one_sided(ctx *c, const diff_step *s, bool in_a, uint64_t other, bool ended)
{
	char d[160];
	esp_diff_step_describe(s, d, sizeof d);
	bool housekeeping = s->kind == STEP_CONNECT || s->kind == STEP_REGS;
	bool failed = s->errors || s->timeouts || (s->kind == STEP_CMD && s->has_answer && !s->ok);
	esp_diff_level lvl = failed ? ESP_DIFF_ERROR : housekeeping ? ESP_DIFF_INFO : ESP_DIFF_WARNING;
	esp_diff_item *it = add(c, lvl, in_a ? "only-a" : "only-b", what_of(s), "", in_a ? s->frame_first : other,
				in_a ? other : s->frame_first);
	if (!it)
		return;
	snprintf(in_a ? it->a : it->b, sizeof it->a, "%.63s", d);
	say(it, "only %s: %s%s (%s %s at frame %llu)", in_a ? "A" : "B", d, failed ? " (failed)" : "",
	    in_a ? "B" : "A", ended ? "has ended" : "goes on", (unsigned long long)other);
}

static void compare_regions(ctx *c, const esp_diff_side *A, const esp_diff_side *B)
{
	/* The k-th write at an offset in A against the k-th write there in B. */
	for (size_t i = 0; i < A->n_regions; i++) {
		const diff_region *ra = &A->regions[i];
		size_t k = 0;
		for (size_t h = 0; h < i; h++)
			k += A->regions[h].offset == ra->offset;
		for (size_t j = 0; j < B->n_regions; j++) {
			const diff_region *rb = &B->regions[j];
			if (rb->offset != ra->offset || k--)
				continue;
			if (!ra->md5[0] || !rb->md5[0] || !strcmp(ra->md5, rb->md5))
				break;
			esp_diff_item *it = add(c, ESP_DIFF_ERROR, "region", "region", "md5", ra->frame, rb->frame);
			vals_s(it, ra->md5, rb->md5);
			say(it, "different data written at 0x%08x: MD5 %s in A, %s in B", ra->offset, ra->md5, rb->md5);
			break;
		}
	}
}

esp_diff_result *esp_diff_run(const esp_diff_side *A, const esp_diff_side *B, const esp_diff_opts *o)
{
	ctx c = {.o = {.ratio = 10, .min_ms = 20}};
	if (o)
		c.o = *o;
	c.r = calloc(1, sizeof *c.r);
	if (!c.r)
		return NULL;
	c.r->steps_a = A->n;
	c.r->steps_b = B->n;
	size_t np = 0;
	diff_pair *p = esp_diff_align(A, B, &np, &c.r->gave_up);
	if (!p) {
		esp_diff_result_free(c.r);
		return NULL;
	}
	for (size_t i = 0; i < np; i++) {
		if (p[i].a >= 0 && p[i].b >= 0) {
			c.r->matched++;
			compare(&c, &A->steps[p[i].a], &B->steps[p[i].b]);
			continue;
		}
		if (p[i].a < -1 || p[i].b < -1)
			continue; /* already reported as moved */
		/* The same step sent at another point by the other side: one "moved" item. */
		bool moved = false;
		for (size_t j = i + 1; j < np && j < i + 256 && !moved; j++) {
			bool cand = p[i].a >= 0 ? (p[j].a == -1 && p[j].b >= 0) : (p[j].b == -1 && p[j].a >= 0);
			if (!cand)
				continue;
			const diff_step *sa = &A->steps[p[i].a >= 0 ? p[i].a : p[j].a];
			const diff_step *sb = &B->steps[p[i].b >= 0 ? p[i].b : p[j].b];
			if (!same_step(sa, sb))
				continue;
			moved = true;
			esp_diff_item *it = add(&c, ESP_DIFF_WARNING, "moved", what_of(sa), "", sa->frame_first,
						sb->frame_first);
			vals_u(it, false, (unsigned long long)sa->frame_first, (unsigned long long)sb->frame_first);
			say(it, "%s sent at another point: frame %llu in A, frame %llu in B", sa->op_name,
			    (unsigned long long)sa->frame_first, (unsigned long long)sb->frame_first);
			p[j].a = p[j].b = -2;
		}
		if (!moved) {
			bool in_a = p[i].a >= 0, ended;
			uint64_t other = other_at(p, np, i, in_a, in_a ? B : A, &ended);
			one_sided(&c, in_a ? &A->steps[p[i].a] : &B->steps[p[i].b], in_a, other, ended);
		}
	}
	free(p);
	compare_regions(&c, A, B);
	if (c.oom) {
		esp_diff_result_free(c.r);
		return NULL;
	}
	for (size_t i = 0; i < c.r->n_items; i++)
		if (c.r->items[i].level >= ESP_DIFF_WARNING) {
			c.r->first = &c.r->items[i];
			break;
		}
	return c.r;
}

void esp_diff_result_free(esp_diff_result *r)
{
	if (!r)
		return;
	free(r->items);
	free(r);
}
