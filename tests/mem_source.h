/* Compressed data held in memory, read through the archive layer's read_at
 * callback: for the unit tests and fuzz targets of src/archive. */
#ifndef TFS_TESTS_MEM_SOURCE_H
#define TFS_TESTS_MEM_SOURCE_H

#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "archive/inflate_index.h"

struct mem {
	unsigned char *p;
	size_t n;
};

/* inflate_read_at_fn over a struct mem (ctx). */
static inline ssize_t mem_read_at(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct mem *m = ctx;
	if (off >= m->n)
		return 0;
	if (len > m->n - off)
		len = (size_t)(m->n - off);
	memcpy(buf, m->p + off, len);
	return (ssize_t)len;
}

/* The seek-point table of a whole stream in memory, or NULL when the pass
 * fails. */
static inline struct inflate_index *mem_index(struct mem *m, enum inflate_format fmt,
                                              uint64_t spacing)
{
	struct inflate_pass_config cfg = {fmt, spacing, UINT64_MAX, NULL, NULL};
	struct inflate_pass *p = inflate_pass_new(&cfg);
	struct inflate_index *idx = NULL;
	if (p && inflate_pass_run(p, mem_read_at, m, m->n) == 0)
		idx = inflate_pass_take_index(p);
	inflate_pass_free(p);
	return idx;
}

#endif
