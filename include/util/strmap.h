/* A small open-addressing hash map from byte strings to 64-bit values, for
 * the indexer's per-run lookups (logical folders, store rows by name).
 * Owns: its table; keys are NOT copied (callers keep them alive, e.g. in an
 * arena). Must not: be shared between threads without a lock. */
#ifndef TFS_UTIL_STRMAP_H
#define TFS_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	const char *key;
	size_t len;
	uint64_t hash;
	int64_t value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap, count;
};

uint64_t strmap_hash(const void *key, size_t len);

/* Returns the value for key, or fallback when absent. */
int64_t strmap_get(const struct strmap *m, const char *key, size_t len, int64_t fallback);

/* Inserts or replaces; returns 0, or -1 when out of memory. */
int strmap_put(struct strmap *m, const char *key, size_t len, int64_t value);

void strmap_free(struct strmap *m);

#endif
