/* The sequential pass over a raw deflate or (multi-member) gzip stream:
 * output to the sink, CRC-32, gzip trailer checks, the output limit and the
 * seek points (see archive/inflate_index.h).
 * Owns: the pass's state machine (gzip header, deflate, gzip trailer) and
 * where seek points fall. Must not: read files itself (input comes from
 * feed() or read_at) or keep output beyond the 32 KiB window. */
#include "archive/inflate_index.h"

#include "gzip_member.h"
#include "inflate_engine.h"
#include "inflate_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PASS_IN_CHUNK  (1u << 20)
#define PASS_OUT_CHUNK (4u << 20)

enum pass_state { PS_HEADER, PS_DEFLATE, PS_TRAILER, PS_DONE, PS_FAILED };

struct inflate_pass {
	struct inflate_pass_config cfg;
	struct engine e;
	enum pass_state state;
	int err;
	const char *problem;
	int eof;
	uint64_t total; /* bytes output */
	/* The CRC-32 is computed once, for the span since the last point; a
	 * span never crosses a member (every member starts with a point), and
	 * the member's and the stream's CRCs are combined from spans. */
	uint32_t span_crc;
	uint64_t span_out;
	uint32_t crc_before;        /* of all output before the span */
	uint32_t member_crc_before; /* of the member's output before the span */
	uint64_t member_out;
	uint64_t next_point;
	int forced; /* the decoder was told to stop after this block */
	uint32_t members;
	uint64_t comp_used, trailing;
	struct inflate_index *idx;
	unsigned char *pack, *level_buf;
};

static uint32_t member_crc(const struct inflate_pass *p)
{
	return (uint32_t)crc32_combine64(p->member_crc_before, p->span_crc, (z_off64_t)p->span_out);
}

static uint32_t stream_crc(const struct inflate_pass *p)
{
	return (uint32_t)crc32_combine64(p->crc_before, p->span_crc, (z_off64_t)p->span_out);
}

static int fail(struct inflate_pass *p, int err, const char *why)
{
	if (p->state != PS_FAILED) {
		p->state = PS_FAILED;
		p->err = err;
		p->problem = why;
	}
	return p->err;
}

static int record_point(struct inflate_pass *p, uint64_t bit, const unsigned char *window,
                        size_t wlen)
{
	size_t stored = wlen ? engine_pack_window(window, wlen, p->pack, p->level_buf) : 0;
	struct inflate_index *t = p->idx;
	if (t->npoints)
		t->points[t->npoints - 1].span_crc = p->span_crc;
	if (inflate_table_add(t, bit, p->total, p->pack, (uint32_t)stored, (uint32_t)wlen))
		return fail(p, -ENOMEM, "out of memory");
	p->crc_before =
	    (uint32_t)crc32_combine64(p->crc_before, p->span_crc, (z_off64_t)p->span_out);
	p->member_crc_before = member_crc(p);
	p->span_crc = 0;
	p->span_out = 0;
	p->next_point = p->total + p->cfg.spacing;
	return 0;
}

static int record_point_here(struct inflate_pass *p)
{
	size_t wlen;
	const unsigned char *w = engine_window(&p->e, &wlen);
	return record_point(p, engine_bit_position(&p->e), w, wlen);
}

static void start_deflate(struct inflate_pass *p)
{
	engine_start(&p->e, 0, NULL, 0);
	p->member_crc_before = 0;
	p->member_out = 0;
	p->forced = 0;
	p->state = PS_DEFLATE;
}

/* Output of one decoder call: limit, checksums, sink. */
static int deliver(struct inflate_pass *p, const unsigned char *out, size_t n)
{
	int over = 0;
	if (p->cfg.out_limit - p->total < n) {
		n = (size_t)(p->cfg.out_limit - p->total);
		over = 1;
	}
	if (n) {
		p->span_crc = engine_crc32(p->span_crc, out, n);
		p->span_out += n;
		p->total += n;
		p->member_out += n;
		if (p->cfg.sink && p->cfg.sink(p->cfg.sink_ctx, out, n))
			return fail(p, -ECANCELED, "stopped by the consumer");
	}
	if (over)
		return fail(p, -EFBIG, "inflated data exceeds the declared size");
	return 0;
}

/* Before a decoder call: a point when one is due and the decoder is at a
 * block boundary, or a request to stop at the end of the current block. */
static int consider_point(struct inflate_pass *p)
{
	if (p->total < p->next_point || p->forced)
		return 0;
	if (engine_between_blocks(&p->e))
		return record_point_here(p);
	if (engine_inside_nonfinal_block(&p->e)) {
		engine_stop_after_block(&p->e);
		p->forced = 1;
	}
	return 0;
}

/* Inflates until the deflate stream ends (1), input runs out (0) or an
 * error (< 0). */
static int run_deflate(struct inflate_pass *p)
{
	struct engine *e = &p->e;
	for (;;) {
		if (engine_finished(e)) {
			if (!p->forced)
				return 1;
			p->forced = 0;
			if (record_point_here(p))
				return p->err;
			engine_restart_here(e);
		}
		if (consider_point(p))
			return p->err;
		size_t max = SIZE_MAX;
		if (p->total < p->next_point && p->next_point - p->total < max)
			max = (size_t)(p->next_point - p->total);
		if (p->cfg.out_limit - p->total < max)
			max = (size_t)(p->cfg.out_limit - p->total) + 1;
		size_t pos_before = e->in_pos;
		const unsigned char *out;
		size_t n;
		int rc = engine_inflate(e, max, &out, &n);
		if (n && deliver(p, out, n))
			return p->err;
		if (rc < 0)
			return fail(p, -EIO, "corrupt deflate data");
		if (n == 0 && e->in_pos == pos_before && !engine_finished(e)) {
			if (p->eof)
				return fail(p, -EIO, "truncated deflate data");
			return 0;
		}
	}
}

/* Leaves the decoder after the end of a deflate stream: the input position
 * moves to the byte after its last bit. */
static void leave_deflate(struct inflate_pass *p)
{
	struct engine *e = &p->e;
	uint64_t end = (engine_bit_position(e) + 7) / 8;
	e->in_pos = (size_t)(end - e->in_base);
	e->st.read_in_length = 0;
	e->st.read_in = 0;
	p->comp_used = end;
}

static int step_header(struct inflate_pass *p)
{
	struct engine *e = &p->e;
	size_t n = engine_input_unread(e);
	const unsigned char *at = e->in + e->in_pos;
	if (p->members > 0) {
		/* After a member: another one, or the end; anything else is
		 * trailing data, not ours. */
		if (n < 2 && !p->eof && (n == 0 || at[0] == 0x1f))
			return 0;
		if (n < 2 || !gzip_magic_at(at, n)) {
			p->state = PS_DONE;
			return 1;
		}
	}
	const char *why = NULL;
	long h = gzip_header_length(at, n, &why);
	if (h < 0)
		return fail(p, -EIO, why);
	if (h == 0) {
		if (p->eof)
			return fail(p, -EIO, p->members ? "truncated gzip header" : "not gzip");
		if (e->in_len == e->in_size && e->in_pos <= ENGINE_IN_PAD)
			return fail(p, -EIO, "gzip header too long");
		return 0;
	}
	e->in_pos += (size_t)h;
	if (record_point(p, (e->in_base + e->in_pos) * 8, NULL, 0))
		return p->err;
	start_deflate(p);
	return 1;
}

static int step_trailer(struct inflate_pass *p)
{
	struct engine *e = &p->e;
	if (engine_input_unread(e) < GZIP_TRAILER_SIZE)
		return p->eof ? fail(p, -EIO, "truncated gzip trailer") : 0;
	const char *why = NULL;
	if (gzip_trailer_check(e->in + e->in_pos, member_crc(p), p->member_out, &why))
		return fail(p, -EIO, why);
	e->in_pos += GZIP_TRAILER_SIZE;
	p->members++;
	p->comp_used = e->in_base + e->in_pos;
	p->state = PS_HEADER;
	return 1;
}

/* Runs the state machine over the input present: 0 (needs input or done)
 * or a negative errno. */
static int process(struct inflate_pass *p)
{
	for (;;) {
		int rc;
		switch (p->state) {
		case PS_HEADER:
			rc = step_header(p);
			break;
		case PS_DEFLATE:
			rc = run_deflate(p);
			if (rc == 1) {
				leave_deflate(p);
				if (p->cfg.format == INFLATE_GZIP) {
					p->state = PS_TRAILER;
				} else {
					p->members = 1;
					p->state = PS_DONE;
				}
			}
			break;
		case PS_TRAILER:
			rc = step_trailer(p);
			break;
		case PS_DONE:
			p->trailing += engine_input_unread(&p->e);
			p->e.in_pos = p->e.in_len;
			return 0;
		default:
			return p->err;
		}
		if (rc <= 0)
			return rc;
	}
}

struct inflate_pass *inflate_pass_new(const struct inflate_pass_config *cfg)
{
	if (cfg->format != INFLATE_RAW && cfg->format != INFLATE_GZIP)
		return NULL;
	struct inflate_pass *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->cfg = *cfg;
	if (!p->cfg.spacing)
		p->cfg.spacing = INFLATE_DEFAULT_SPACING;
	p->idx = calloc(1, sizeof(*p->idx));
	p->pack = malloc(ENGINE_WINDOW);
	p->level_buf = malloc(ENGINE_PACK_SCRATCH);
	if (!p->idx || !p->pack || !p->level_buf ||
	    engine_init(&p->e, PASS_IN_CHUNK, PASS_OUT_CHUNK)) {
		inflate_pass_free(p);
		return NULL;
	}
	p->idx->format = cfg->format;
	engine_input_reset(&p->e, 0);
	if (cfg->format == INFLATE_RAW) {
		if (record_point(p, 0, NULL, 0)) {
			inflate_pass_free(p);
			return NULL;
		}
		start_deflate(p);
	} else {
		p->state = PS_HEADER;
	}
	return p;
}

void inflate_pass_free(struct inflate_pass *p)
{
	if (!p)
		return;
	engine_free(&p->e);
	inflate_index_free(p->idx);
	free(p->pack);
	free(p->level_buf);
	free(p);
}

int inflate_pass_feed(struct inflate_pass *p, const void *buf, size_t len)
{
	const unsigned char *src = buf;
	while (len && p->state != PS_FAILED) {
		if (p->state == PS_DONE) {
			p->trailing += len;
			return 0;
		}
		size_t room;
		unsigned char *dst = engine_input_room(&p->e, &room);
		size_t n = len < room ? len : room;
		memcpy(dst, src, n);
		engine_input_added(&p->e, n);
		src += n;
		len -= n;
		int rc = process(p);
		if (rc < 0)
			return rc;
	}
	return p->state == PS_FAILED ? p->err : 0;
}

/* Completes the table with the output so far: the last span's CRC-32, no
 * empty span at the end (a point right after a flush before the final empty
 * block), the totals. */
static void close_table(struct inflate_pass *p, uint64_t comp_size)
{
	struct inflate_index *t = p->idx;
	t->points[t->npoints - 1].span_crc = p->span_crc;
	while (t->npoints > 1 && t->points[t->npoints - 1].out == p->total)
		t->windows_len = t->points[--t->npoints].window_at;
	t->out_size = p->total;
	t->crc = stream_crc(p);
	t->comp_size = comp_size;
}

int inflate_pass_end(struct inflate_pass *p)
{
	if (p->eof && p->state == PS_DONE)
		return 0; /* already ended */
	p->eof = 1;
	int rc = process(p);
	if (rc < 0)
		return rc;
	if (p->state != PS_DONE)
		return fail(p, -EIO, "truncated stream");
	close_table(p, p->comp_used);
	return 0;
}

int inflate_pass_run(struct inflate_pass *p, inflate_read_at_fn read_at, void *ctx,
                     uint64_t comp_len)
{
	uint64_t off = 0;
	while (off < comp_len && p->state != PS_DONE && p->state != PS_FAILED) {
		size_t room;
		unsigned char *dst = engine_input_room(&p->e, &room);
		if (comp_len - off < room)
			room = (size_t)(comp_len - off);
		ssize_t got = read_at(ctx, dst, room, off);
		if (got < 0)
			return fail(p, (int)got, "read error");
		if (got == 0)
			break;
		engine_input_added(&p->e, (size_t)got);
		off += (uint64_t)got;
		int rc = process(p);
		if (rc < 0)
			return rc;
	}
	if (p->state == PS_FAILED)
		return p->err;
	if (p->state == PS_DONE)
		p->trailing += comp_len - off;
	return inflate_pass_end(p);
}

const char *inflate_pass_problem(const struct inflate_pass *p)
{
	return p->state == PS_FAILED ? p->problem : NULL;
}

void inflate_pass_result(const struct inflate_pass *p, struct inflate_pass_result *r)
{
	r->out_size = p->total;
	r->crc = stream_crc(p);
	r->members = p->members;
	r->comp_used = p->comp_used;
	r->trailing = p->trailing;
}

struct inflate_index *inflate_pass_take_index(struct inflate_pass *p)
{
	if (p->state != PS_DONE || !p->eof)
		return NULL;
	struct inflate_index *t = p->idx;
	p->idx = NULL;
	return t;
}

struct inflate_index *inflate_pass_take_partial_index(struct inflate_pass *p)
{
	if (p->state == PS_DONE && p->eof)
		return inflate_pass_take_index(p);
	if (p->state != PS_FAILED || p->err == -ENOMEM || !p->idx || !p->idx->npoints)
		return NULL;
	/* The input read so far bounds the spans: the last one ends inside it. */
	close_table(p, p->e.in_base + p->e.in_len);
	struct inflate_index *t = p->idx;
	p->idx = NULL;
	return t;
}
