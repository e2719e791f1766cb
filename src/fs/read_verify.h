/* The check of what the daemon serves of a file whose CRC-32 is known
 * without reading it (a zip member: its central directory says): the reads
 * of one open that follow each other from offset 0 are summed, and the read
 * that completes the file fails with EIO when the sum is not that CRC, so a
 * corrupt archive is not copied out whole as if it were good. Reads out of
 * order end the check for that open (they are served unchecked).
 * Owns: that rule and its per-open state. Must not: read anything itself.
 * Errors: 0 or -EIO. Thread-safe: the reads of one open may come from
 * several of the daemon's threads. */
#ifndef TFS_FS_READ_VERIFY_H
#define TFS_FS_READ_VERIFY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct read_verify {
	pthread_mutex_t lock;
	bool active;   /* false: nothing to check, or the reads left the order */
	bool failed;   /* a complete read did not match: every later read fails */
	uint64_t next; /* the offset the next read must start at to be summed */
	uint64_t size;
	uint32_t sum, want;
};

/* Starts the check of a file of size bytes, when its CRC-32 is known. */
void read_verify_init(struct read_verify *v, bool crc_known, uint32_t crc, uint64_t size);
void read_verify_destroy(struct read_verify *v);

/* True while reads starting at off are summed (the caller then reads the
 * bytes itself and passes them to read_verify_bytes instead of splicing). */
bool read_verify_wants(struct read_verify *v, uint64_t off);

/* True once a complete read did not match: the open's reads all fail then
 * (the kernel retries a failed read, which must not be served unchecked). */
bool read_verify_failed(struct read_verify *v);

/* The len bytes about to be served at off: 0 to serve them, -EIO when they
 * complete the file and its CRC-32 is not the one known. */
int read_verify_bytes(struct read_verify *v, const void *buf, size_t len, uint64_t off);

#endif
