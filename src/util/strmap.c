/* Open-addressing (linear probing) hash map over borrowed byte-string keys.
 * Grows at 50% load so probes stay short. */
#include "util/strmap.h"

#include "util/hash.h"

#include <stdlib.h>
#include <string.h>

uint64_t strmap_hash(const void *key, size_t len)
{
	/* FNV-1a, then a final avalanche so linear probing sees well-mixed bits. */
	const unsigned char *p = key;
	uint64_t h = HASH_FNV_OFFSET;
	for (size_t i = 0; i < len; i++)
		h = hash_fnv_step(h, p[i]);
	return hash_mix64(h);
}

static struct strmap_slot *find_slot(struct strmap_slot *slots, size_t cap, const char *key,
                                     size_t len, uint64_t hash)
{
	size_t i = hash & (cap - 1);
	for (;;) {
		struct strmap_slot *s = &slots[i];
		if (!s->key || (s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0))
			return s;
		i = (i + 1) & (cap - 1);
	}
}

static int grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct strmap_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		struct strmap_slot *old = &m->slots[i];
		if (old->key)
			*find_slot(slots, cap, old->key, old->len, old->hash) = *old;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int64_t strmap_get(const struct strmap *m, const char *key, size_t len, int64_t fallback)
{
	if (!m->cap)
		return fallback;
	struct strmap_slot *s = find_slot(m->slots, m->cap, key, len, strmap_hash(key, len));
	return s->key ? s->value : fallback;
}

int strmap_put(struct strmap *m, const char *key, size_t len, int64_t value)
{
	if ((m->count + 1) * 2 > m->cap && grow(m) != 0)
		return -1;
	uint64_t hash = strmap_hash(key, len);
	struct strmap_slot *s = find_slot(m->slots, m->cap, key, len, hash);
	if (!s->key) {
		s->key = key;
		s->len = len;
		s->hash = hash;
		m->count++;
	}
	s->value = value;
	return 0;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}
