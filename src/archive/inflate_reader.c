/* Reads any range of a deflate or gzip stream through its seek-point table
 * (see archive/inflate_index.h): whole spans are inflated from their point
 * and checked against the span's CRC-32 before a byte of them is used.
 * Owns: span decoding, the reader's one-span buffer and its hand-over to the
 * span cache, the continuation from one span to the next. Must not: keep
 * more than one span of its own, or hand out bytes of an unchecked span. */
#include "archive/inflate_index.h"

#include "archive/span_cache.h"
#include "inflate_engine.h"
#include "inflate_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define READER_IN_CHUNK  (256u << 10)
#define READER_OUT_CHUNK (256u << 10)
/* Spans larger than this (only in streams whose blocks are huge) are
 * inflated again for each read instead of being kept. */
#define READER_MAX_SPAN_BUFFER (64u << 20)
/* Input read beyond a span's last byte, so the decoder's look-ahead never
 * needs a second read. */
#define READER_SLACK 16

struct inflate_reader {
	const struct inflate_index *idx;
	inflate_read_at_fn read_at;
	void *ctx;
	struct span_cache *cache;
	uint64_t stream_id;
	struct engine e;
	unsigned char *window; /* unpacked stored window */
	unsigned char *span;   /* the reader's own decoded span */
	size_t span_cap;
	uint32_t span_idx;
	int span_valid;
	uint32_t cont_point; /* the engine's history ends where this point starts */
	int cont_valid;
};

struct inflate_reader *inflate_reader_new(const struct inflate_index *idx,
                                          inflate_read_at_fn read_at, void *ctx,
                                          struct span_cache *cache, uint64_t stream_id)
{
	struct inflate_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->idx = idx;
	r->read_at = read_at;
	r->ctx = ctx;
	r->cache = cache;
	r->stream_id = stream_id;
	r->window = malloc(ENGINE_WINDOW);
	if (!r->window || engine_init(&r->e, READER_IN_CHUNK, READER_OUT_CHUNK)) {
		inflate_reader_free(r);
		return NULL;
	}
	return r;
}

void inflate_reader_free(struct inflate_reader *r)
{
	if (!r)
		return;
	engine_free(&r->e);
	free(r->window);
	free(r->span);
	free(r);
}

/* Reads more compressed input, up to limit (a stream offset): the count,
 * 0 at the limit, or a negative errno. */
static ssize_t fill(struct inflate_reader *r, uint64_t limit)
{
	size_t room;
	unsigned char *dst = engine_input_room(&r->e, &room);
	uint64_t off = r->e.in_base + r->e.in_len;
	if (off >= limit)
		return 0;
	if (limit - off < room)
		room = (size_t)(limit - off);
	ssize_t got = r->read_at(r->ctx, dst, room, off);
	if (got > 0)
		engine_input_added(&r->e, (size_t)got);
	return got;
}

/* Positions the input at stream byte b, keeping what is already read. */
static void seek_input(struct engine *e, uint64_t b)
{
	if (b >= e->in_base && b - e->in_base <= e->in_len)
		e->in_pos = (size_t)(b - e->in_base);
	else
		engine_input_reset(e, b);
}

/* Primes the engine at point i with its window: from the history when the
 * last span ended there, else from the table. 0 or -EIO. */
static int prime(struct inflate_reader *r, uint32_t i, uint64_t limit)
{
	const struct inflate_point *pt = &r->idx->points[i];
	const unsigned char *win = NULL;
	if (r->cont_valid && r->cont_point == i && r->e.hist >= pt->window_len) {
		win = r->e.out + r->e.out_pos - pt->window_len;
	} else {
		if (engine_unpack_window(r->idx->windows + pt->window_at, pt->window_stored,
		                         r->window, pt->window_len))
			return -EIO;
		win = r->window;
	}
	r->cont_valid = 0;
	seek_input(&r->e, pt->bit / 8);
	unsigned skip = (unsigned)(pt->bit % 8);
	if (skip && engine_input_unread(&r->e) == 0) {
		ssize_t got = fill(r, limit);
		if (got <= 0)
			return got < 0 ? (int)got : -EIO;
	}
	engine_start(&r->e, skip, win, pt->window_len);
	return 0;
}

/* Inflates span i whole, checks its CRC-32, and copies its bytes into span
 * (when not NULL) and those in [from, from + count) into dst. 0 or a
 * negative errno. */
static int decode_span(struct inflate_reader *r, uint32_t i, unsigned char *span,
                       unsigned char *dst, uint64_t from, size_t count)
{
	const struct inflate_index *t = r->idx;
	uint64_t size = inflate_table_span_size(t, i);
	uint64_t limit = t->comp_size;
	if (i + 1 < t->npoints && t->points[i + 1].bit / 8 + READER_SLACK < limit)
		limit = t->points[i + 1].bit / 8 + READER_SLACK;
	int rc = prime(r, i, limit);
	if (rc)
		return rc;
	uint64_t done = 0;
	uint32_t crc = 0;
	while (done < size) {
		size_t pos_before = r->e.in_pos;
		const unsigned char *out;
		size_t n;
		uint64_t left = size - done;
		int irc =
		    engine_inflate(&r->e, left < SIZE_MAX ? (size_t)left : SIZE_MAX, &out, &n);
		if (n) {
			crc = engine_crc32(crc, out, n);
			if (span)
				memcpy(span + done, out, n);
			uint64_t lo = done > from ? done : from;
			uint64_t hi = done + n < from + count ? done + n : from + count;
			if (lo < hi)
				memcpy(dst + (lo - from), out + (lo - done), (size_t)(hi - lo));
			done += n;
		}
		if (irc < 0)
			return -EIO;
		if (done == size || n)
			continue;
		if (engine_finished(&r->e))
			return -EIO; /* the stream ends before the table says */
		if (r->e.in_pos == pos_before) {
			ssize_t got = fill(r, limit);
			if (got <= 0)
				return got < 0 ? (int)got : -EIO;
		}
	}
	if (crc != t->points[i].span_crc)
		return -EIO;
	r->cont_valid = 1;
	r->cont_point = i + 1;
	return 0;
}

/* A buffer for a whole span of size bytes in r->span. 0 or -ENOMEM. */
static int span_buffer(struct inflate_reader *r, size_t size)
{
	r->span_valid = 0;
	if (r->span_cap >= size && r->span)
		return 0;
	/* Spans differ by up to a block: some room saves most reallocations,
	 * and the old content need not be copied. */
	size_t cap = size + size / 8 + 1;
	free(r->span);
	r->span = malloc(cap);
	r->span_cap = r->span ? cap : 0;
	return r->span ? 0 : -ENOMEM;
}

/* Serves [pos, pos + want) of span i, inflating it when needed. */
static int read_in_span(struct inflate_reader *r, uint32_t i, unsigned char *dst, uint64_t in_span,
                        size_t want)
{
	uint64_t start = r->idx->points[i].out;
	uint64_t size = inflate_table_span_size(r->idx, i);
	if (r->span_valid && r->span_idx == i) {
		memcpy(dst, r->span + in_span, want);
		return 0;
	}
	if (r->cache &&
	    span_cache_read(r->cache, r->stream_id, start, in_span, dst, want) == (ssize_t)want)
		return 0;
	if (size > READER_MAX_SPAN_BUFFER)
		return decode_span(r, i, NULL, dst, in_span, want);
	int rc = span_buffer(r, (size_t)size);
	if (rc)
		return rc;
	rc = decode_span(r, i, r->span, dst, in_span, want);
	if (rc)
		return rc;
	if (r->cache &&
	    span_cache_insert(r->cache, r->stream_id, start, r->span, (size_t)size) == 0) {
		r->span = NULL; /* the cache owns it now */
		r->span_cap = 0;
		return 0;
	}
	r->span_valid = 1;
	r->span_idx = i;
	return 0;
}

ssize_t inflate_reader_read(struct inflate_reader *r, void *buf, size_t len, uint64_t off)
{
	const struct inflate_index *t = r->idx;
	if (off >= t->out_size)
		return 0;
	if (len > t->out_size - off)
		len = (size_t)(t->out_size - off);
	size_t done = 0;
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t i = inflate_table_span_of(t, pos);
		uint64_t in_span = pos - t->points[i].out;
		uint64_t room = inflate_table_span_size(t, i) - in_span;
		size_t want = len - done < room ? len - done : (size_t)room;
		int rc = read_in_span(r, i, (unsigned char *)buf + done, in_span, want);
		if (rc) {
			r->span_valid = 0;
			r->cont_valid = 0;
			return rc;
		}
		done += want;
	}
	return (ssize_t)done;
}
