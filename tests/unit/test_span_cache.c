/* The span cache: reads copy the right bytes and miss when a span is absent
 * or too short; the least recently used spans are evicted once the bytes
 * exceed the capacity (a read refreshes a span); spans over half the capacity
 * and duplicates are refused and stay the caller's; a stream's spans can be
 * dropped; four threads inserting and reading at once see only their own
 * bytes. Then readers of an indexed gzip stream share a cache: reading it
 * twice in order inflates each span once (the second pass is all hits). */
#include "check.h"
#include "mem_source.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "archive/inflate_index.h"
#include "archive/span_cache.h"

static unsigned char *span_of(size_t size, unsigned char fill)
{
	unsigned char *p = malloc(size);
	memset(p, fill, size);
	return p;
}

static void basics(void)
{
	struct span_cache *c = span_cache_new(1000);
	unsigned char buf[600];
	CHECK_INT(span_cache_read(c, 1, 0, 0, buf, 10), -ENOENT);
	CHECK_INT(span_cache_insert(c, 1, 0, span_of(300, 'a'), 300), 0);
	CHECK_INT(span_cache_insert(c, 1, 300, span_of(300, 'b'), 300), 0);
	CHECK_INT(span_cache_insert(c, 2, 0, span_of(300, 'c'), 300), 0);
	CHECK_INT(span_cache_read(c, 1, 300, 290, buf, 10), 10);
	CHECK(buf[0] == 'b' && buf[9] == 'b');
	CHECK_INT(span_cache_read(c, 1, 300, 295, buf, 10), -ENOENT); /* past its end */
	CHECK_INT(span_cache_read(c, 1, 0, 0, buf, 1), 1);            /* (2,0) is now the oldest */
	/* A fourth span pushes out the least recently used. */
	CHECK_INT(span_cache_insert(c, 3, 0, span_of(300, 'd'), 300), 0);
	CHECK_INT(span_cache_read(c, 2, 0, 0, buf, 1), -ENOENT);
	CHECK_INT(span_cache_read(c, 1, 300, 0, buf, 1), 1);
	CHECK_INT(span_cache_read(c, 1, 0, 0, buf, 1), 1);
	CHECK_INT(span_cache_read(c, 3, 0, 0, buf, 1), 1);
	CHECK(buf[0] == 'd');
	struct span_cache_stats st;
	span_cache_stats(c, &st);
	CHECK_INT(st.bytes, 900);
	CHECK_INT(st.entries, 3);
	CHECK_INT(st.evictions, 1);
	/* Refused: too big, duplicate. The caller still owns the buffer. */
	unsigned char *big = span_of(501, 'e');
	CHECK_INT(span_cache_insert(c, 4, 0, big, 501), -EFBIG);
	free(big);
	unsigned char *dup = span_of(10, 'f');
	CHECK_INT(span_cache_insert(c, 1, 300, dup, 10), -EEXIST);
	free(dup);
	CHECK_INT(span_cache_read(c, 1, 300, 0, buf, 1), 1);
	CHECK(buf[0] == 'b');
	span_cache_drop_stream(c, 1);
	CHECK_INT(span_cache_read(c, 1, 300, 0, buf, 1), -ENOENT);
	CHECK_INT(span_cache_read(c, 1, 0, 0, buf, 1), -ENOENT);
	span_cache_stats(c, &st);
	CHECK_INT(st.bytes, 300);
	CHECK_INT(st.entries, 1);
	span_cache_free(c);
}

struct worker {
	struct span_cache *c;
	uint64_t stream;
	int bad, hits;
};

static void *hammer(void *arg)
{
	struct worker *w = arg;
	unsigned char buf[64];
	for (int round = 0; round < 2000; round++) {
		uint64_t start = (uint64_t)(round % 50) * 4096;
		unsigned char fill = (unsigned char)(w->stream * 16 + (unsigned)(round % 50) % 16);
		if (span_cache_read(w->c, w->stream, start, 100, buf, sizeof buf) == sizeof buf) {
			w->hits++;
			for (size_t i = 0; i < sizeof buf; i++)
				w->bad += buf[i] != fill;
		} else {
			unsigned char *s = span_of(4096, fill);
			if (span_cache_insert(w->c, w->stream, start, s, 4096) != 0)
				free(s);
		}
	}
	return NULL;
}

static void threads(void)
{
	struct span_cache *c = span_cache_new(64 * 4096);
	pthread_t th[4];
	struct worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){c, (uint64_t)i + 1, 0, 0};
		pthread_create(&th[i], NULL, hammer, &w[i]);
	}
	int bad = 0, hits = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		bad += w[i].bad;
		hits += w[i].hits;
	}
	CHECK_INT(bad, 0);
	CHECK(hits > 0);
	struct span_cache_stats st;
	span_cache_stats(c, &st);
	CHECK(st.bytes <= 64 * 4096);
	span_cache_free(c);
}

/* Two readers (two open files) read the stream in order, one after the
 * other: the second is served from the cache only. */
static void shared_by_readers(void)
{
	size_t n = 3u << 20;
	unsigned char *plain = malloc(n);
	uint64_t x = 12345;
	for (size_t i = 0; i < n; i++) { /* 16 letters: blocks of ~32 KiB output */
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		plain[i] = (unsigned char)('a' + (x >> 60));
	}
	uLongf clen = compressBound(n) + 32;
	struct mem comp = {malloc(clen), 0};
	z_stream z;
	memset(&z, 0, sizeof z);
	deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	z.next_in = plain;
	z.avail_in = (uInt)n;
	z.next_out = comp.p;
	z.avail_out = (uInt)clen;
	CHECK_INT(deflate(&z, Z_FINISH), Z_STREAM_END);
	comp.n = z.total_out;
	deflateEnd(&z);

	struct inflate_index *idx = mem_index(&comp, INFLATE_GZIP, 256u << 10);
	CHECK(idx != NULL);
	if (!idx)
		return;
	struct inflate_index_info info;
	inflate_index_info(idx, &info);
	CHECK(info.points >= 8);

	struct span_cache *c = span_cache_new(SPAN_CACHE_DEFAULT_BYTES);
	unsigned char *buf = malloc(100000);
	int bad = 0;
	for (int pass = 0; pass < 2; pass++) {
		struct inflate_reader *r = inflate_reader_new(idx, mem_read_at, &comp, c, 42);
		for (uint64_t off = 0; off < n; off += 100000) {
			size_t want = n - off < 100000 ? n - off : 100000;
			ssize_t got = inflate_reader_read(r, buf, 100000, off);
			bad += got != (ssize_t)want || memcmp(buf, plain + off, want) != 0;
		}
		inflate_reader_free(r);
		struct span_cache_stats st;
		span_cache_stats(c, &st);
		CHECK_INT(st.inserts, info.points); /* each span inflated once */
	}
	CHECK_INT(bad, 0);
	span_cache_free(c);
	inflate_index_free(idx);
	free(buf);
	free(comp.p);
	free(plain);
}

/* Many small spans (a zip part's sidecars): the table grows past its first
 * 1,024 buckets and every span stays reachable, evictions included. */
static void many_spans(void)
{
	struct span_cache *c = span_cache_new(40000 * 16);
	int took = 0;
	for (uint64_t i = 0; i < 50000; i++) {
		unsigned char *d = malloc(16);
		memset(d, (int)(i & 0xff), 16);
		if (span_cache_insert(c, i % 7, i, d, 16) == 0)
			took++;
		else
			free(d);
	}
	CHECK_INT(took, 50000);
	struct span_cache_stats st;
	span_cache_stats(c, &st);
	CHECK_INT(st.entries, 40000); /* the oldest 10,000 evicted */
	CHECK_INT(st.evictions, 10000);
	int found = 0, right = 0;
	for (uint64_t i = 0; i < 50000; i++) {
		unsigned char b[16];
		if (span_cache_read(c, i % 7, i, 0, b, 16) == 16) {
			found++;
			right += b[15] == (unsigned char)(i & 0xff) && i >= 10000;
		}
	}
	CHECK_INT(found, 40000);
	CHECK_INT(right, 40000);
	span_cache_free(c);
}

int main(void)
{
	basics();
	many_spans();
	threads();
	shared_by_readers();
	CHECK_DONE();
}
