/* test_diff.c: the session diff on hand-built record sequences: steps, alignment, levels, frames, bounds. */
#include <stdlib.h>

#include "check.h"
#include "core/diff.h"
#include "core/esp_ops.h"

/* A side under construction: records numbered as the pipeline would. */
typedef struct {
	esp_diff_side *s;
	uint64_t frame;
} side;

static side mk(void) { return (side){esp_diff_side_new(), 0}; }

static esp_record rec(esp_rec_type t, int opcode)
{
	esp_record r;
	memset(&r, 0, sizeof r);
	r.type = t;
	r.opcode = opcode;
	const esp_op_info *oi = opcode >= 0 ? esp_op_lookup((uint8_t)opcode) : NULL;
	r.op = oi ? oi->name : "?";
	return r;
}

static void fld(esp_record *r, const char *name, uint64_t v)
{
	r->fields[r->n_fields].name = name;
	r->fields[r->n_fields].type = ESP_F_UINT;
	r->fields[r->n_fields++].u = v;
}

/* A command with up to 4 fields (names NULL-ended), answered with status err (0 ok) after lat ms;
 * err < 0: no answer at all, a timeout record instead. Returns the command's frame. */
static uint64_t xchg(side *sd, int op, int err, double lat, const char *n0, uint64_t v0, const char *n1, uint64_t v1,
		     const char *n2, uint64_t v2, const char *n3, uint64_t v3)
{
	esp_record c = rec(ESP_REC_COMMAND, op);
	c.frame = ++sd->frame;
	const char *n[4] = {n0, n1, n2, n3};
	uint64_t v[4] = {v0, v1, v2, v3};
	for (int i = 0; i < 4 && n[i]; i++)
		fld(&c, n[i], v[i]);
	if (op == ESP_FLASH_DATA || op == ESP_FLASH_DEFL_DATA || op == ESP_MEM_DATA) {
		c.has_seq = true;
		c.seq = (uint32_t)v1;
	}
	esp_diff_side_record(sd->s, &c);
	esp_record r = rec(err < 0 ? ESP_REC_TIMEOUT : ESP_REC_RESPONSE, op);
	if (err < 0) {
		r.frame = c.frame;
	} else {
		r.frame = ++sd->frame;
		r.reply_to = c.frame;
		r.has_status = true;
		r.status_ok = err == 0;
		r.status = err ? "BAD_DATA_CHECKSUM" : "ok";
		r.error = (uint8_t)err;
		r.latency_ms = lat;
	}
	esp_diff_side_record(sd->s, &r);
	return c.frame;
}

#define X0(sd, op, err) xchg(sd, op, err, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0)

static void ohai(side *sd, uint64_t req)
{
	esp_record r = rec(ESP_REC_RESPONSE, -1);
	r.op = "OHAI";
	r.frame = ++sd->frame;
	r.reply_to = req;
	esp_diff_side_record(sd->s, &r);
}

/* A typical stub write: connect, stub upload, attach, one region in blocks. */
typedef struct {
	int syncs;
	uint32_t stub_size, block, blocks, bad_block; /* bad_block: answered with an error (0 = none) */
	uint32_t skip;                                /* a seq the host skips (0 = none) */
	bool compressed, attach, md5_timeout, end_before_md5, boot_region;
	uint32_t offset;
	double md5_lat;
	uint64_t f_attach, f_data0, f_bad, f_md5;
} session;

static void play(side *sd, session *p)
{
	for (int i = 0; i < p->syncs; i++)
		X0(sd, ESP_SYNC, i + 1 < p->syncs ? -1 : 0);
	xchg(sd, ESP_READ_REG, 0, 1, "addr", ESP_CHIP_DETECT_MAGIC_REG, NULL, 0, NULL, 0, NULL, 0);
	xchg(sd, ESP_MEM_BEGIN, 0, 1, "size", p->stub_size, "num_blocks", 1, "block_size", 6144, "addr", 0x40080000);
	xchg(sd, ESP_MEM_DATA, 0, 1, "data_len", p->stub_size, "seq", 0, NULL, 0, NULL, 0);
	ohai(sd, xchg(sd, ESP_MEM_END, 0, 1, "flag", 0, "entry", 0x40080400 + p->stub_size, NULL, 0, NULL, 0));
	xchg(sd, ESP_READ_REG, 0, 1, "addr", 0x3ff5a00c, NULL, 0, NULL, 0, NULL, 0);
	xchg(sd, ESP_WRITE_REG, 0, 1, "addr", 0x3ff42000, NULL, 0, NULL, 0, NULL, 0);
	if (p->attach)
		p->f_attach = xchg(sd, ESP_SPI_ATTACH, 0, 1, "config", 0, NULL, 0, NULL, 0, NULL, 0);
	int beg = p->compressed ? ESP_FLASH_DEFL_BEGIN : ESP_FLASH_BEGIN;
	if (p->boot_region) { /* a bootloader at 0x1000 first */
		xchg(sd, beg, 0, 3, "size", 16384, "num_blocks", 1, "block_size", p->block, "offset", 0x1000);
		xchg(sd, beg + 1, 0, 2, "data_len", p->block, "seq", 0, NULL, 0, NULL, 0);
		xchg(sd, beg + 2, 0, 1, "flag", 1, NULL, 0, NULL, 0, NULL, 0);
		xchg(sd, ESP_SPI_FLASH_MD5, 0, 1, "addr", 0x1000, "size", 16384, NULL, 0, NULL, 0);
	}
	xchg(sd, beg, 0, 3, p->compressed ? "size" : "erase_size", 65536, "num_blocks", p->blocks, "block_size",
	     p->block, "offset", p->offset);
	for (uint32_t i = 0; i < p->blocks; i++) {
		bool bad = p->bad_block && i == p->bad_block;
		uint32_t seq = p->skip && i >= p->skip ? i + 1 : i;
		uint64_t f = xchg(sd, beg + 1, bad ? 0xC1 : 0, 2, "data_len", p->block, "seq", seq, NULL, 0, NULL, 0);
		if (i == 0)
			p->f_data0 = f;
		if (bad) {
			p->f_bad = f;
			xchg(sd, beg + 1, 0, 2, "data_len", p->block, "seq", i, NULL, 0, NULL, 0); /* retry */
		}
	}
	if (p->end_before_md5)
		xchg(sd, beg + 2, 0, 1, "flag", 1, NULL, 0, NULL, 0, NULL, 0);
	p->f_md5 = xchg(sd, ESP_SPI_FLASH_MD5, p->md5_timeout ? -1 : 0, p->md5_lat, "addr", p->offset, "size", 65536,
			NULL, 0, NULL, 0);
	if (!p->end_before_md5)
		xchg(sd, beg + 2, 0, 1, "flag", 1, NULL, 0, NULL, 0, NULL, 0);
}

static session base(void)
{
	return (session){.syncs = 1, .stub_size = 4000, .block = 16384, .blocks = 4, .compressed = true,
			 .attach = true, .end_before_md5 = true, .md5_lat = 3, .offset = 0x10000};
}

/* A stub READ_FLASH: the command, its answer, then packets of data each acknowledged by the host. */
static uint64_t read_flash(side *sd, unsigned packets)
{
	uint64_t f = xchg(sd, ESP_READ_FLASH, 0, 1, "offset", 0, "length", packets * 4096, NULL, 0, NULL, 0);
	for (unsigned i = 0; i < packets; i++) {
		esp_record d = rec(ESP_REC_RESPONSE, -1), k = rec(ESP_REC_COMMAND, -1);
		d.op = "READ_FLASH_DATA";
		d.frame = ++sd->frame;
		k.op = "READ_FLASH_ACK";
		k.frame = ++sd->frame;
		esp_diff_side_record(sd->s, &d);
		esp_diff_side_record(sd->s, &k);
	}
	return f;
}

static esp_diff_result *run2(session *pa, session *pb, side *a, side *b)
{
	*a = mk();
	*b = mk();
	play(a, pa);
	play(b, pb);
	esp_diff_side_finish(a->s, NULL);
	esp_diff_side_finish(b->s, NULL);
	return esp_diff_run(a->s, b->s, NULL);
}

static void done(esp_diff_result *r, side *a, side *b)
{
	esp_diff_result_free(r);
	esp_diff_side_free(a->s);
	esp_diff_side_free(b->s);
}

static const esp_diff_item *find(const esp_diff_result *r, const char *kind, const char *field)
{
	for (size_t i = 0; i < r->n_items; i++)
		if (!strcmp(r->items[i].kind, kind) && (!field || !strcmp(r->items[i].field, field)))
			return &r->items[i];
	return NULL;
}

static bool differs(const esp_diff_result *r) { return r->counts[ESP_DIFF_WARNING] + r->counts[ESP_DIFF_ERROR]; }

int main(void)
{
	side a, b;
	esp_diff_result *r;

	/* The same session twice: nothing to say, every step aligned. */
	session pa = base(), pb = base();
	r = run2(&pa, &pb, &a, &b);
	CHECK(r && r->n_items == 0 && !differs(r) && !r->first);
	CHECK_EQ_U(r->matched, esp_diff_side_steps(a.s));
	/* connect, stub, registers, attach, begin, data run, end, md5 */
	CHECK_EQ_U(esp_diff_side_steps(a.s), 8);
	done(r, &a, &b);

	/* Thousands of blocks are one step. */
	pa = base();
	pa.blocks = 5000;
	pb = pa;
	r = run2(&pa, &pb, &a, &b);
	CHECK_EQ_U(esp_diff_side_steps(a.s), 8);
	char txt[160];
	esp_diff_side_step_text(a.s, 5, txt, sizeof txt);
	CHECK(strstr(txt, "FLASH_DEFL_DATA x5000") && strstr(txt, "seq 0-4999"));
	CHECK(r->n_items == 0);
	done(r, &a, &b);

	/* A block answered with an error in B: an error at that block's frames on both sides, the first divergence. */
	pa = base();
	pa.blocks = 10;
	pb = pa;
	pb.bad_block = 6;
	r = run2(&pa, &pb, &a, &b);
	const esp_diff_item *it = find(r, "answer", "status");
	CHECK(it && it->level == ESP_DIFF_ERROR);
	CHECK(r->first == it);
	CHECK_EQ_U(it ? it->b_frame : 0, pb.f_bad);
	CHECK_EQ_U(it ? it->a_frame : 0, pa.f_data0 + 6 * 2); /* A's block 6 */
	CHECK(it && strstr(it->text, "block 6") && !strcmp(it->b, "BAD_DATA_CHECKSUM"));
	it = find(r, "count", "retries");
	CHECK(it && it->level == ESP_DIFF_WARNING && it->b_frame == pb.f_bad + 2);
	CHECK(!find(r, "count", "bytes")); /* the retried block is not more data */
	done(r, &a, &b);

	/* A command only one side sends, with frames pointing at the place. */
	pa = base();
	pb = base();
	pb.attach = false;
	r = run2(&pa, &pb, &a, &b);
	it = find(r, "only-a", NULL);
	CHECK(it && it->level == ESP_DIFF_WARNING && !strcmp(it->what, "SPI_ATTACH"));
	CHECK_EQ_U(it ? it->a_frame : 0, pa.f_attach);
	CHECK_EQ_U(it ? it->b_frame : 0, pb.f_attach ? 0 : pb.f_data0 - 2); /* B's FLASH_DEFL_BEGIN */
	CHECK(differs(r) && r->matched == 7);
	done(r, &a, &b);

	/* Different block size: the BEGIN parameter and the run's block size are warnings. */
	pa = base();
	pb = base();
	pb.block = 1024;
	pb.blocks = 64;
	r = run2(&pa, &pb, &a, &b);
	it = find(r, "param", "block_size");
	CHECK(it && it->level == ESP_DIFF_WARNING && !strcmp(it->a, "16384") && !strcmp(it->b, "1024"));
	it = find(r, "count", "block_size");
	CHECK(it && it->level == ESP_DIFF_WARNING);
	done(r, &a, &b);

	/* Benign: SYNC retries, another stub build, compressed vs plain: info only, the sessions match. */
	pa = base();
	pb = base();
	pb.syncs = 4;
	pb.stub_size = 6000;
	pb.compressed = false;
	pb.blocks = 4;
	r = run2(&pa, &pb, &a, &b);
	CHECK(!differs(r));
	CHECK(r->counts[ESP_DIFF_INFO] >= 3);
	it = find(r, "count", "syncs");
	CHECK(it && !strcmp(it->a, "1") && !strcmp(it->b, "4"));
	it = find(r, "param", "image");
	CHECK(it && it->level == ESP_DIFF_INFO && !strcmp(it->what, "stub"));
	it = find(r, "param", "op");
	CHECK(it && !strcmp(it->a, "FLASH_DEFL_BEGIN") && !strcmp(it->b, "FLASH_BEGIN"));
	done(r, &a, &b);

	/* A timing outlier is info; under the threshold it is not reported. */
	pa = base();
	pb = base();
	pb.md5_lat = 300;
	r = run2(&pa, &pb, &a, &b);
	it = find(r, "timing", NULL);
	CHECK(it && it->level == ESP_DIFF_INFO && it->a_frame == pa.f_md5 && !differs(r));
	esp_diff_result_free(r);
	esp_diff_opts lax = {.ratio = 1000, .min_ms = 20};
	r = esp_diff_run(a.s, b.s, &lax);
	CHECK(!find(r, "timing", NULL));
	done(r, &a, &b);

	/* An answer missing on one side is an error; a command sent at another point is "moved". */
	pa = base();
	pb = base();
	pb.md5_timeout = true;
	pb.end_before_md5 = false;
	r = run2(&pa, &pb, &a, &b);
	it = find(r, "answer", "status");
	CHECK(it && it->level == ESP_DIFF_ERROR && !strcmp(it->b, "timeout") && it->b_frame == pb.f_md5);
	it = find(r, "moved", NULL);
	CHECK(it && !strcmp(it->what, "FLASH_DEFL_END"));
	done(r, &a, &b);

	/* A seq the host skips: a warning at the block after the gap. */
	pa = base();
	pb = base();
	pb.skip = 2;
	r = run2(&pa, &pb, &a, &b);
	it = find(r, "count", "gaps");
	CHECK(it && it->level == ESP_DIFF_WARNING && it->b_frame == pb.f_data0 + 2 * 2 && !strcmp(it->b, "1"));
	done(r, &a, &b);

	/* Regions are aligned by offset: a region only A writes is one-sided, the common one compared. */
	pa = base();
	pa.boot_region = true;
	pb = base();
	pb.md5_timeout = true;
	r = run2(&pa, &pb, &a, &b);
	CHECK_EQ_U(r->counts[ESP_DIFF_WARNING], 4); /* BEGIN, DATA, END, MD5 of 0x1000 */
	it = find(r, "answer", "status");
	CHECK(it && it->a_frame == pa.f_md5 && it->b_frame == pb.f_md5); /* the 0x10000 MD5s, not 0x1000's */
	done(r, &a, &b);

	/* The same write at another offset: paired and compared, the offset a warning. */
	pa = base();
	pb = base();
	pb.offset = 0x20000;
	r = run2(&pa, &pb, &a, &b);
	it = find(r, "param", "offset");
	CHECK(it && !strcmp(it->a, "65536") && !strcmp(it->b, "131072") && it->b_frame == pb.f_data0 - 2);
	it = find(r, "param", "addr");
	CHECK(it && it->a_frame == pa.f_md5 && it->b_frame == pb.f_md5);
	CHECK(!find(r, "only-a", NULL) && !find(r, "only-b", NULL));
	done(r, &a, &b);

	/* READ_FLASH: the packets the chip sent back are part of its answer. */
	a = mk();
	b = mk();
	uint64_t fa = read_flash(&a, 16), fb = read_flash(&b, 15);
	r = esp_diff_run(a.s, b.s, NULL);
	CHECK_EQ_U(esp_diff_side_steps(a.s), 1);
	it = find(r, "answer", "packets");
	CHECK(it && it->level == ESP_DIFF_ERROR && !strcmp(it->a, "16") && !strcmp(it->b, "15") && it->a_frame == fa &&
	      it->b_frame == fb);
	done(r, &a, &b);

	/* Bounded: a side keeps at most ESP_DIFF_MAX_STEPS steps; the alignment gives up beyond
	 * ESP_DIFF_MAX_EDITS edits and compares step by step. */
	a = mk();
	b = mk();
	for (int i = 0; i < ESP_DIFF_MAX_STEPS + 50; i++) {
		X0(&a, i % 2 ? ESP_SPI_ATTACH : ESP_CHANGE_BAUDRATE, 0);
		X0(&b, i % 2 ? ESP_SPI_SET_PARAMS : ESP_ERASE_FLASH, 0);
	}
	CHECK(esp_diff_side_capped(a.s) && esp_diff_side_steps(a.s) == ESP_DIFF_MAX_STEPS);
	CHECK_EQ_U(esp_diff_side_commands(a.s), ESP_DIFF_MAX_STEPS + 50);
	r = esp_diff_run(a.s, b.s, NULL);
	CHECK(r && r->gave_up && r->matched == 0 && r->n_items == ESP_DIFF_MAX_ITEMS);
	CHECK_EQ_U(r->counts[ESP_DIFF_WARNING], 2 * ESP_DIFF_MAX_STEPS);
	done(r, &a, &b);

	CHECK_DONE(40);
}
