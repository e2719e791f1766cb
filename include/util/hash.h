/* Hashing primitives shared by the hash tables and the identity key.
 * Owns: the FNV-1a step and the 64-bit finalizer (MurmurHash3's fmix64),
 * which spreads FNV's weak low bits before a table indexes by them.
 * Must not: be used where an adversary chooses keys to collide on purpose
 * and a collision costs more than a slower probe (none of ours do). */
#ifndef TFS_UTIL_HASH_H
#define TFS_UTIL_HASH_H

#include <stdint.h>

#define HASH_FNV_OFFSET 0xcbf29ce484222325ull
#define HASH_FNV_PRIME  0x100000001b3ull

static inline uint64_t hash_fnv_step(uint64_t h, unsigned char byte)
{
	return (h ^ byte) * HASH_FNV_PRIME;
}

static inline uint64_t hash_mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

#endif
