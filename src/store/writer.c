/* The store's single writer thread. Workers hand it (function, row) pairs
 * through a bounded ring; it applies them in transactions of a few thousand
 * so SQLite runs near its bulk-insert speed, and commits at least every
 * 250 ms so a kill -9 loses little and the next run continues from there. */
#include "store/writer.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/writer_stmt.h"

#define WRITER_MAX_STMTS 32
#define WRITER_COMMIT_NS (250 * 1000000LL)

struct op {
	writer_fn fn;
	void *row;
};

struct cached_stmt {
	const char *sql; /* compared by pointer: callers pass string literals */
	sqlite3_stmt *stmt;
};

struct writer {
	sqlite3 *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full, idle;
	struct op *ring;
	size_t cap, head, count;
	size_t batch;
	bool stopping, failed;
	unsigned long long flush_wanted, flush_done; /* flush generations */
	char error[256];
	struct cached_stmt stmts[WRITER_MAX_STMTS];
	size_t n_stmts;
};

sqlite3 *writer_db(struct writer *w)
{
	return w->db;
}

sqlite3_stmt *writer_stmt(struct writer *w, const char *sql)
{
	for (size_t i = 0; i < w->n_stmts; i++)
		if (w->stmts[i].sql == sql) {
			sqlite3_reset(w->stmts[i].stmt);
			sqlite3_clear_bindings(w->stmts[i].stmt);
			return w->stmts[i].stmt;
		}
	if (w->n_stmts == WRITER_MAX_STMTS)
		return NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(w->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	w->stmts[w->n_stmts++] = (struct cached_stmt){sql, st};
	return st;
}

static void record_failure(struct writer *w, const char *what)
{
	if (!w->failed)
		snprintf(w->error, sizeof w->error, "%s: %s", what, sqlite3_errmsg(w->db));
	w->failed = true;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void deadline_after(struct timespec *ts, int64_t ns)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += (time_t)(ns / 1000000000);
	ts->tv_nsec += (long)(ns % 1000000000);
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static void commit_if_open(struct writer *w, bool *in_txn)
{
	if (!*in_txn)
		return;
	if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		record_failure(w, "cannot commit to the store");
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
	}
	*in_txn = false;
}

static void apply_op(struct writer *w, struct op *op, bool *in_txn, size_t *in_batch,
                     int64_t *txn_start)
{
	if (!w->failed && !*in_txn) {
		if (sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			record_failure(w, "cannot write to the store");
		else {
			*in_txn = true;
			*in_batch = 0;
			*txn_start = now_ns();
		}
	}
	if (!w->failed && op->fn(w, op->row) != 0)
		record_failure(w, "cannot write to the store");
	free(op->row);
	(*in_batch)++;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	bool in_txn = false;
	size_t in_batch = 0;
	int64_t txn_start = 0;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->count == 0 && !w->stopping && w->flush_done == w->flush_wanted) {
			if (!in_txn) {
				pthread_cond_wait(&w->not_empty, &w->lock);
				continue;
			}
			/* Idle with an open transaction: commit once it is 250 ms old. */
			int64_t left = WRITER_COMMIT_NS - (now_ns() - txn_start);
			if (left <= 0) {
				pthread_mutex_unlock(&w->lock);
				commit_if_open(w, &in_txn);
				pthread_mutex_lock(&w->lock);
				continue;
			}
			struct timespec ts;
			deadline_after(&ts, left);
			pthread_cond_timedwait(&w->not_empty, &w->lock, &ts);
		}
		if (w->count == 0) {
			/* A flush or the stop: everything queued is applied; make it durable. */
			unsigned long long wanted = w->flush_wanted;
			pthread_mutex_unlock(&w->lock);
			commit_if_open(w, &in_txn);
			pthread_mutex_lock(&w->lock);
			w->flush_done = wanted;
			pthread_cond_broadcast(&w->idle);
			if (w->stopping)
				break;
			continue;
		}
		struct op op = w->ring[w->head];
		w->head = (w->head + 1) % w->cap;
		w->count--;
		pthread_cond_signal(&w->not_full);
		pthread_mutex_unlock(&w->lock);

		apply_op(w, &op, &in_txn, &in_batch, &txn_start);
		if (in_txn && (in_batch >= w->batch || now_ns() - txn_start >= WRITER_COMMIT_NS))
			commit_if_open(w, &in_txn);

		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct writer *writer_start(sqlite3 *db, size_t batch, size_t queue_cap, char *err, size_t errlen)
{
	struct writer *w = calloc(1, sizeof *w);
	if (!w || !(w->ring = calloc(queue_cap, sizeof *w->ring))) {
		free(w);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->db = db;
	w->cap = queue_cap;
	w->batch = batch;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->not_empty, NULL);
	pthread_cond_init(&w->not_full, NULL);
	pthread_cond_init(&w->idle, NULL);
	int rc = pthread_create(&w->thread, NULL, writer_main, w);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the writer thread: %s", strerror(rc));
		free(w->ring);
		free(w);
		return NULL;
	}
	return w;
}

int writer_submit_many(struct writer *w, const writer_fn *fns, void *const *rows, size_t n)
{
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < n; i++) {
		while (w->count == w->cap) {
			pthread_cond_signal(&w->not_empty);
			pthread_cond_wait(&w->not_full, &w->lock);
		}
		w->ring[(w->head + w->count) % w->cap] = (struct op){fns[i], rows[i]};
		w->count++;
	}
	bool failed = w->failed;
	pthread_cond_signal(&w->not_empty);
	pthread_mutex_unlock(&w->lock);
	return failed ? -1 : 0;
}

int writer_submit(struct writer *w, writer_fn fn, void *row)
{
	return writer_submit_many(w, &fn, &row, 1);
}

int writer_batch_flush(struct writer_batch *b)
{
	int rc = b->n ? writer_submit_many(b->w, b->fns, b->rows, b->n) : 0;
	b->n = 0;
	return rc;
}

int writer_batch_add(struct writer_batch *b, writer_fn fn, void *row)
{
	b->fns[b->n] = fn;
	b->rows[b->n] = row;
	if (++b->n < WRITER_BATCH)
		return 0;
	return writer_batch_flush(b);
}

int writer_flush(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	unsigned long long mine = ++w->flush_wanted;
	pthread_cond_signal(&w->not_empty);
	while (w->flush_done < mine)
		pthread_cond_wait(&w->idle, &w->lock);
	bool failed = w->failed;
	pthread_mutex_unlock(&w->lock);
	return failed ? -1 : 0;
}

int writer_finish(struct writer *w, char *err, size_t errlen)
{
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->not_empty);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	for (size_t i = 0; i < w->n_stmts; i++)
		sqlite3_finalize(w->stmts[i].stmt);
	int rc = w->failed ? -1 : 0;
	if (rc && err)
		snprintf(err, errlen, "%s", w->error);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->not_empty);
	pthread_cond_destroy(&w->not_full);
	pthread_cond_destroy(&w->idle);
	free(w->ring);
	free(w);
	return rc;
}
