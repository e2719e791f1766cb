/* A bounded cache of decompressed spans for the daemon, shared by the
 * readers of every stream: least recently used spans go first once the bytes
 * held exceed the capacity, so reading a folder of photos in archive order
 * inflates each span once.
 * Owns: the span buffers handed to it and their eviction. Must not: know how
 * spans are made, or grow past its capacity.
 * Errors (the archive layer's convention): span_cache_read returns the bytes
 * copied or -ENOENT when the span is not cached (or too short);
 * span_cache_insert returns 0 when it took the buffer, else a negative errno
 * (-EFBIG, -EEXIST, -ENOMEM) and the caller still owns it. Thread-safe:
 * every call may come from any thread. */
#ifndef TFS_ARCHIVE_SPAN_CACHE_H
#define TFS_ARCHIVE_SPAN_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SPAN_CACHE_DEFAULT_BYTES (64u << 20)

struct span_cache;

struct span_cache_stats {
	uint64_t hits, misses, inserts, evictions;
	size_t bytes, entries;
};

/* A cache holding at most capacity bytes of span data; NULL when out of
 * memory. */
struct span_cache *span_cache_new(size_t capacity);
void span_cache_free(struct span_cache *c);

/* Copies len bytes at offset off of the span (stream, start) into buf when
 * it is cached and long enough (len), else -ENOENT; marks it recently used. */
ssize_t span_cache_read(struct span_cache *c, uint64_t stream, uint64_t start, uint64_t off,
                        void *buf, size_t len);

/* Hands over data (malloc'd, size bytes) as span (stream, start). Refused
 * when the span is larger than half the capacity (-EFBIG) or already cached
 * (-EEXIST). */
int span_cache_insert(struct span_cache *c, uint64_t stream, uint64_t start, void *data,
                      size_t size);

/* Drops every span of a stream (its archive changed). */
void span_cache_drop_stream(struct span_cache *c, uint64_t stream);

void span_cache_stats(struct span_cache *c, struct span_cache_stats *s);

#endif
