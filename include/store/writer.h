/* The single writer: one thread owns the store's write connection and applies
 * row operations submitted by the indexer's workers, in batched transactions.
 * Owns: the write transaction boundaries and a cache of prepared statements.
 * Must not: decide what to write (callers pass a function and its row). */
#ifndef TFS_STORE_WRITER_H
#define TFS_STORE_WRITER_H

#include <stddef.h>

#include "store/store.h"

struct writer;

/* Runs on the writer thread inside a transaction; returns 0 or -1 (the first
 * failure stops all later writes and is reported by writer_finish). */
typedef int (*writer_fn)(struct writer *w, void *row);

/* Starts the writer thread on db. Commits every `batch` operations or 250 ms. */
struct writer *writer_start(store_db *db, size_t batch, size_t queue_cap, char *err, size_t errlen);

/* Queues fn(row); blocks while the queue is full. row is freed with free()
 * after fn ran (or was skipped after an error). Returns -1 after an error. */
int writer_submit(struct writer *w, writer_fn fn, void *row);

/* Queues n operations under one lock and one wake-up (see writer_batch). */
int writer_submit_many(struct writer *w, const writer_fn *fns, void *const *rows, size_t n);

/* A worker's local batch: operations reach the writer 64 at a time, so the
 * queue's lock and wake-ups cost little per row. Not thread-safe: one per thread. */
#define WRITER_BATCH 64
struct writer_batch {
	struct writer *w;
	size_t n;
	writer_fn fns[WRITER_BATCH];
	void *rows[WRITER_BATCH];
};

int writer_batch_add(struct writer_batch *b, writer_fn fn, void *row);
int writer_batch_flush(struct writer_batch *b);

/* Waits until everything submitted is committed. Returns 0 or -1. */
int writer_flush(struct writer *w);

/* Flushes, stops the thread and frees the writer; returns 0, or -1 with the
 * first error in err. */
int writer_finish(struct writer *w, char *err, size_t errlen);

#endif
