/* Fuzz target: the sequential pass over hostile compressed data (the gzip
 * header and trailer parser, the deflate decoder, the seek points). The
 * first input byte picks raw deflate or gzip and the point of a split in two
 * feed() calls; the rest is the stream. Output is capped at 4 MB. When the
 * pass succeeds, its table must serialize and parse back, and reads through
 * it must return exactly the bytes the pass delivered. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../mem_source.h"
#include "archive/inflate_index.h"

/* Stays on in release builds (NDEBUG): a broken promise is a crash. */
#define REQUIRE(c) ((c) ? (void)0 : abort())

#define LIMIT (4u << 20)

struct collected {
	unsigned char *p;
	size_t n;
};

static int collect(void *ctx, const unsigned char *buf, size_t len)
{
	struct collected *c = ctx;
	REQUIRE(c->n + len <= LIMIT);
	memcpy(c->p + c->n, buf, len);
	c->n += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static unsigned char out[LIMIT];
	struct collected c = {out, 0};
	struct mem in = {(unsigned char *)data + 1, size - 1};
	struct inflate_pass_config cfg = {(data[0] & 1) ? INFLATE_GZIP : INFLATE_RAW, 4096, LIMIT,
	                                  collect, &c};
	struct inflate_pass *p = inflate_pass_new(&cfg);
	if (!p)
		return 0;
	size_t split = in.n * (data[0] >> 1) / 128;
	int rc = inflate_pass_feed(p, in.p, split);
	if (rc == 0)
		rc = inflate_pass_feed(p, in.p + split, in.n - split);
	if (rc == 0)
		rc = inflate_pass_end(p);
	REQUIRE(rc == 0 || inflate_pass_problem(p) != NULL);
	struct inflate_index *idx = rc == 0 ? inflate_pass_take_index(p) : NULL;
	inflate_pass_free(p);
	if (!idx)
		return 0;
	unsigned char *blob;
	size_t blen;
	struct inflate_index *back = NULL;
	if (inflate_index_serialize(idx, &blob, &blen) == 0) {
		REQUIRE(inflate_index_parse(blob, blen, &back) == 0);
		free(blob);
	}
	inflate_index_free(idx);
	if (!back)
		return 0;
	struct inflate_reader *r = inflate_reader_new(back, mem_read_at, &in, NULL, 0);
	static unsigned char buf[9000];
	for (uint64_t off = 0; r && off < c.n; off += c.n / 3 + 1) {
		ssize_t got = inflate_reader_read(r, buf, sizeof buf, off);
		size_t want = c.n - off < sizeof buf ? (size_t)(c.n - off) : sizeof buf;
		REQUIRE(got == (ssize_t)want && memcmp(buf, out + off, want) == 0);
	}
	inflate_reader_free(r);
	inflate_index_free(back);
	return 0;
}
