/* The seek-point table as a blob for the store, and back (format in
 * archive/inflate_index.h).
 * Owns: the blob's byte layout and the validation of untrusted blobs. Must
 * not: trust any field before it is checked. */
#include "archive/inflate_index.h"

#include "inflate_engine.h"
#include "inflate_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BLOB_MAGIC   "TFDX"
#define BLOB_VERSION 1
#define BLOB_HEAD    32
#define BLOB_POINT   32
#define BLOB_TAIL    4

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

int inflate_index_serialize(const struct inflate_index *idx, unsigned char **blob, size_t *len)
{
	size_t n = BLOB_HEAD + (size_t)idx->npoints * BLOB_POINT + idx->windows_len + BLOB_TAIL;
	unsigned char *b = malloc(n);
	if (!b)
		return -ENOMEM;
	memcpy(b, BLOB_MAGIC, 4);
	b[4] = BLOB_VERSION;
	b[5] = (unsigned char)idx->format;
	put16(b + 6, 0);
	put64(b + 8, idx->comp_size);
	put64(b + 16, idx->out_size);
	put32(b + 24, idx->crc);
	put32(b + 28, idx->npoints);
	unsigned char *at = b + BLOB_HEAD;
	for (uint32_t i = 0; i < idx->npoints; i++, at += BLOB_POINT) {
		const struct inflate_point *p = &idx->points[i];
		put64(at, p->bit);
		put64(at + 8, p->out);
		put32(at + 16, p->span_crc);
		put32(at + 20, p->window_len);
		put32(at + 24, p->window_stored);
		put32(at + 28, 0);
	}
	if (idx->windows_len)
		memcpy(at, idx->windows, idx->windows_len);
	at += idx->windows_len;
	put32(at, engine_crc32(0, b, (size_t)(at - b)));
	*blob = b;
	*len = n;
	return 0;
}

int inflate_index_parse(const unsigned char *blob, size_t len, struct inflate_index **out)
{
	*out = NULL;
	if (len < BLOB_HEAD + BLOB_POINT + BLOB_TAIL || memcmp(blob, BLOB_MAGIC, 4) != 0 ||
	    blob[4] != BLOB_VERSION || blob[6] != 0 || blob[7] != 0)
		return -EINVAL;
	if (get32(blob + len - BLOB_TAIL) != engine_crc32(0, blob, len - BLOB_TAIL))
		return -EINVAL;
	uint32_t npoints = get32(blob + 28);
	size_t body = len - BLOB_HEAD - BLOB_TAIL;
	if (npoints == 0 || npoints > body / BLOB_POINT)
		return -EINVAL;
	struct inflate_index *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->format = blob[5] == INFLATE_GZIP ? INFLATE_GZIP : INFLATE_RAW;
	t->comp_size = get64(blob + 8);
	t->out_size = get64(blob + 16);
	t->crc = get32(blob + 24);
	t->npoints = npoints;
	t->cap = npoints;
	t->windows_len = body - (size_t)npoints * BLOB_POINT;
	t->windows_cap = t->windows_len;
	t->points = malloc((size_t)npoints * sizeof(*t->points));
	t->windows = malloc(t->windows_len ? t->windows_len : 1);
	if (!t->points || !t->windows) {
		inflate_index_free(t);
		return -ENOMEM;
	}
	const unsigned char *at = blob + BLOB_HEAD;
	uint64_t window_at = 0;
	int bad = blob[5] > INFLATE_GZIP;
	for (uint32_t i = 0; i < npoints; i++, at += BLOB_POINT) {
		struct inflate_point *p = &t->points[i];
		p->bit = get64(at);
		p->out = get64(at + 8);
		p->span_crc = get32(at + 16);
		p->window_len = get32(at + 20);
		p->window_stored = get32(at + 24);
		p->window_at = window_at;
		window_at += p->window_stored;
		bad |= get32(at + 28) != 0;
	}
	memcpy(t->windows, at, t->windows_len);
	if (bad || inflate_table_check(t) != 0) {
		inflate_index_free(t);
		return -EINVAL;
	}
	*out = t;
	return 0;
}
