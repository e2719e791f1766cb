/* Shared by the fuzz targets: runs media_probe_as() over a buffer whose
 * first half is the head and whose whole is reachable through read_at, so
 * both the in-memory and the bounded-read paths are exercised. Checks the
 * read budget and the output strings' termination. */
#ifndef TFS_FUZZ_SOURCE_H
#define TFS_FUZZ_SOURCE_H

#include <stdlib.h>
#include <string.h>

#include "media/parsers.h"

struct fuzz_mem {
	const uint8_t *p;
	size_t len;
	int reads;
};

static ssize_t fuzz_read_at(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct fuzz_mem *m = ctx;
	if (++m->reads > MEDIA_MAX_READS || len > MEDIA_READ_MAX)
		abort(); /* the reader must keep to its budget */
	if (off >= m->len)
		return 0;
	size_t n = m->len - off < len ? m->len - off : len;
	memcpy(buf, m->p + off, n);
	return (ssize_t)n;
}

static void fuzz_probe(const uint8_t *data, size_t size, enum media_format f)
{
	struct fuzz_mem m = {data, size, 0};
	struct media_source src = {data, size / 2, size, fuzz_read_at, &m};
	struct media_info mi;
	if (media_probe_as(&src, &mi, f) == 0) {
		if (memchr(mi.make, 0, sizeof mi.make) == NULL ||
		    memchr(mi.problem, 0, sizeof mi.problem) == NULL)
			abort();
	}
	/* The dispatching entry point as well, on the same bytes. */
	m.reads = 0;
	media_probe(&src, &mi);
}

#endif
