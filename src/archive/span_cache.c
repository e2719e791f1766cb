/* LRU cache of decompressed spans (see archive/span_cache.h): a hash table
 * of chains keyed by (stream, start) and a doubly linked recency list, under
 * one mutex. Copies out under the lock, so an entry is never freed while a
 * reader copies from it. */
#include "archive/span_cache.h"

#include "util/hash.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct span {
	uint64_t stream, start;
	unsigned char *data;
	size_t size;
	struct span *chain;         /* next in the hash bucket */
	struct span *newer, *older; /* recency list */
};

struct span_cache {
	pthread_mutex_t lock;
	size_t capacity, bytes, entries;
	size_t nbuckets; /* power of two */
	struct span **buckets;
	struct span *newest, *oldest;
	uint64_t hits, misses, inserts, evictions;
};

static size_t bucket_of(const struct span_cache *c, uint64_t stream, uint64_t start)
{
	return (size_t)(hash_mix64(stream * 0x9e3779b97f4a7c15ull ^ start) & (c->nbuckets - 1));
}

struct span_cache *span_cache_new(size_t capacity)
{
	struct span_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->capacity = capacity;
	c->nbuckets = 1024;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (!c->buckets || pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c->buckets);
		free(c);
		return NULL;
	}
	return c;
}

static void unlink_recency(struct span_cache *c, struct span *s)
{
	if (s->newer)
		s->newer->older = s->older;
	else
		c->newest = s->older;
	if (s->older)
		s->older->newer = s->newer;
	else
		c->oldest = s->newer;
	s->newer = s->older = NULL;
}

static void link_newest(struct span_cache *c, struct span *s)
{
	s->older = c->newest;
	s->newer = NULL;
	if (c->newest)
		c->newest->newer = s;
	c->newest = s;
	if (!c->oldest)
		c->oldest = s;
}

static struct span **find_slot(struct span_cache *c, uint64_t stream, uint64_t start)
{
	struct span **slot = &c->buckets[bucket_of(c, stream, start)];
	while (*slot && ((*slot)->stream != stream || (*slot)->start != start))
		slot = &(*slot)->chain;
	return slot;
}

/* Doubles the table once it holds more spans than buckets: a cache of small
 * members (sidecars of a zip part) holds tens of thousands of spans, and
 * chains that long made the lookup most of an index of a zip. Keeps the old
 * table when out of memory. */
static void grow_buckets(struct span_cache *c)
{
	size_t n = c->nbuckets * 2;
	struct span **b = calloc(n, sizeof(*b));
	if (!b)
		return;
	struct span **old = c->buckets;
	c->buckets = b;
	c->nbuckets = n;
	for (struct span *s = c->newest; s; s = s->older) {
		struct span **slot = &c->buckets[bucket_of(c, s->stream, s->start)];
		s->chain = *slot;
		*slot = s;
	}
	free(old);
}

static void remove_span(struct span_cache *c, struct span *s)
{
	struct span **slot = find_slot(c, s->stream, s->start);
	*slot = s->chain;
	unlink_recency(c, s);
	c->bytes -= s->size;
	c->entries--;
	free(s->data);
	free(s);
}

void span_cache_free(struct span_cache *c)
{
	if (!c)
		return;
	while (c->oldest)
		remove_span(c, c->oldest);
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c);
}

ssize_t span_cache_read(struct span_cache *c, uint64_t stream, uint64_t start, uint64_t off,
                        void *buf, size_t len)
{
	ssize_t rc = -ENOENT;
	pthread_mutex_lock(&c->lock);
	struct span *s = *find_slot(c, stream, start);
	if (s && off <= s->size && len <= s->size - off) {
		memcpy(buf, s->data + off, len);
		unlink_recency(c, s);
		link_newest(c, s);
		c->hits++;
		rc = (ssize_t)len;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int span_cache_insert(struct span_cache *c, uint64_t stream, uint64_t start, void *data,
                      size_t size)
{
	if (size > c->capacity / 2)
		return -EFBIG;
	struct span *s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	pthread_mutex_lock(&c->lock);
	struct span **slot = find_slot(c, stream, start);
	if (*slot) {
		pthread_mutex_unlock(&c->lock);
		free(s);
		return -EEXIST;
	}
	*s = (struct span){.stream = stream, .start = start, .data = data, .size = size};
	*slot = s;
	link_newest(c, s);
	c->bytes += size;
	c->entries++;
	c->inserts++;
	while (c->bytes > c->capacity && c->oldest != s) {
		remove_span(c, c->oldest);
		c->evictions++;
	}
	if (c->entries > c->nbuckets)
		grow_buckets(c);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

void span_cache_drop_stream(struct span_cache *c, uint64_t stream)
{
	pthread_mutex_lock(&c->lock);
	struct span *s = c->oldest;
	while (s) {
		struct span *next = s->newer;
		if (s->stream == stream)
			remove_span(c, s);
		s = next;
	}
	pthread_mutex_unlock(&c->lock);
}

void span_cache_stats(struct span_cache *c, struct span_cache_stats *st)
{
	pthread_mutex_lock(&c->lock);
	*st = (struct span_cache_stats){.hits = c->hits,
	                                .misses = c->misses,
	                                .inserts = c->inserts,
	                                .evictions = c->evictions,
	                                .bytes = c->bytes,
	                                .entries = c->entries};
	pthread_mutex_unlock(&c->lock);
}
