/* Compressed data held in memory, read through the archive layer's read_at
 * callback: for the unit tests and fuzz targets of src/archive. */
#ifndef TFS_TESTS_MEM_SOURCE_H
#define TFS_TESTS_MEM_SOURCE_H

#include <stdint.h>
#include <string.h>
#include <sys/types.h>

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

#endif
