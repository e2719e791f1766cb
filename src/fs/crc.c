/* The lazy (or eager) full-file CRC-32 of the .meta files (see fs/crc.h).
 * Serving threads compute a missing CRC in the request that needs it; a
 * fixed table of computations under way makes concurrent askers wait for the
 * first one instead of reading the file again, and a small direct-mapped
 * table of recent results covers the time until their read snapshots show
 * the stored value. Results reach the store through the indexer's writer
 * thread on the daemon's only read-write connection. */
#include "fs/crc.h"

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "store/crc.h"
#include "store/store.h"
#include "store/writer.h"
#include "util/path.h"
#include "views/views.h"

#define FLIGHT_MAX  32   /* computations under way at once (FUSE has 8 threads) */
#define RECENT_MAX  4096 /* recent results, direct-mapped by file id */
#define EAGER_BATCH 256  /* rows fetched per query by the eager pass */
#define PATH_BUF    4096

/* Linux ioprio ABI (linux/ioprio.h is not always installed). */
#define TFS_IOPRIO_WHO_PROCESS 1
#define TFS_IOPRIO_CLASS_IDLE  3
#define TFS_IOPRIO_CLASS_SHIFT 13

struct flight {
	int64_t id;
	int refs; /* 0: free slot */
	bool done;
	int rc;
	uint32_t crc;
};

struct recent {
	int64_t id; /* 0: empty (file ids start at 1) */
	uint32_t crc;
};

struct crc_svc {
	struct source *src;
	bool eager;
	struct fuse_session *se;
	store_db *db; /* the writer's connection, NULL when the store is read-only */
	struct writer *writer;
	char *db_path;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct flight flights[FLIGHT_MAX];
	struct recent recent[RECENT_MAX];
	atomic_bool stop;
	bool eager_running;
	pthread_t eager_thread;
	int64_t computed_at_mount, total, conflicts_at_mount;
	atomic_llong computed, bytes, conflicts;
};

struct crc_row {
	struct crc_svc *s;
	int64_t id;
	uint32_t crc;
};

/* --- the store side (writer thread) --- */

static void invalidate_meta(struct crc_svc *s, int64_t id)
{
	/* -ENOENT (the kernel never saw this inode) is the common answer. */
	if (s->se)
		fuse_lowlevel_notify_inval_inode(s->se, ino_make(id, INO_META), 0, 0);
}

/* Runs on the writer thread, which answers no FUSE request: the kernel's
 * inode and page locks the invalidation takes cannot wait on this thread. */
static int store_crc(struct writer *w, void *p)
{
	struct crc_row *r = p;
	int pairs;
	if (store_crc_write(w, r->id, r->crc, &pairs) != 0)
		return -1;
	/* The other file's .meta keeps its size (views/meta.h) and is
	 * rendered afresh at each open. */
	if (pairs > 0)
		atomic_fetch_add(&r->s->conflicts, pairs);
	invalidate_meta(r->s, r->id);
	return 0;
}

static void keep_result(struct crc_svc *s, int64_t id, uint32_t crc)
{
	struct crc_row *r = malloc(sizeof *r);
	if (!r || !s->writer) {
		free(r);
		return;
	}
	*r = (struct crc_row){.s = s, .id = id, .crc = crc};
	writer_submit(s->writer, store_crc, r);
}

/* --- computing --- */

static int compute(struct crc_svc *s, const char *path, int64_t size, int64_t mtime_ns,
                   bool stoppable, uint32_t *out)
{
	struct source_file f;
	int rc = source_open_checked(s->src, path, size, mtime_ns, &f);
	if (rc != 0)
		return rc;
	unsigned char *buf = malloc(CRC_CHUNK);
	if (!buf) {
		source_close(&f);
		return -ENOMEM;
	}
	source_will_read_all(&f);
	uLong crc = crc32_z(0, Z_NULL, 0);
	int64_t at = 0;
	while (at < size) {
		if (stoppable && atomic_load(&s->stop)) {
			rc = -EINTR;
			break;
		}
		ssize_t n = source_pread(&f, buf, CRC_CHUNK, (uint64_t)at);
		if (n <= 0) { /* shrank meanwhile, or an I/O error */
			rc = n < 0 ? (int)n : -EIO;
			break;
		}
		crc = crc32_z(crc, buf, (size_t)n);
		at += n;
	}
	atomic_fetch_add(&s->bytes, at);
	free(buf);
	source_close(&f);
	if (rc == 0 && at != size)
		rc = -EIO;
	*out = (uint32_t)crc;
	return rc;
}

static bool recent_find(struct crc_svc *s, int64_t id, uint32_t *crc)
{
	const struct recent *r = &s->recent[(uint64_t)id % RECENT_MAX];
	if (r->id != id)
		return false;
	*crc = r->crc;
	return true;
}

static struct flight *flight_find(struct crc_svc *s, int64_t id)
{
	for (int i = 0; i < FLIGHT_MAX; i++)
		if (s->flights[i].refs > 0 && s->flights[i].id == id)
			return &s->flights[i];
	return NULL;
}

static struct flight *flight_free_slot(struct crc_svc *s)
{
	for (int i = 0; i < FLIGHT_MAX; i++)
		if (s->flights[i].refs == 0)
			return &s->flights[i];
	return NULL;
}

/* Called with the lock held: the waiter's share of a finished flight. */
static int flight_leave(struct flight *f, uint32_t *crc)
{
	int rc = f->rc;
	*crc = f->crc;
	f->refs--;
	return rc;
}

static int crc_get_as(struct crc_svc *s, int64_t id, const char *path, int64_t size,
                      int64_t mtime_ns, bool stoppable, uint32_t *crc)
{
	pthread_mutex_lock(&s->lock);
	struct flight *f;
	for (;;) {
		if (recent_find(s, id, crc)) {
			pthread_mutex_unlock(&s->lock);
			return 0;
		}
		if ((f = flight_find(s, id))) { /* someone is reading it: wait for them */
			f->refs++;
			while (!f->done)
				pthread_cond_wait(&s->cond, &s->lock);
			int rc = flight_leave(f, crc);
			pthread_mutex_unlock(&s->lock);
			return rc;
		}
		if ((f = flight_free_slot(s)))
			break;
		pthread_cond_wait(&s->cond, &s->lock);
	}
	*f = (struct flight){.id = id, .refs = 1};
	pthread_mutex_unlock(&s->lock);

	uint32_t value = 0;
	int rc = compute(s, path, size, mtime_ns, stoppable, &value);
	if (rc == 0)
		atomic_fetch_add(&s->computed, 1);

	pthread_mutex_lock(&s->lock);
	f->done = true;
	f->rc = rc;
	f->crc = value;
	if (rc == 0)
		s->recent[(uint64_t)id % RECENT_MAX] = (struct recent){.id = id, .crc = value};
	rc = flight_leave(f, crc);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (rc == 0)
		keep_result(s, id, value);
	return rc;
}

int crc_get(struct crc_svc *s, int64_t id, const char *path, int64_t size, int64_t mtime_ns,
            uint32_t *crc)
{
	return crc_get_as(s, id, path, size, mtime_ns, false, crc);
}

void crc_stats(struct crc_svc *s, struct status_crc *out)
{
	int64_t now = atomic_load(&s->computed);
	*out = (struct status_crc){
	    .eager = s->eager,
	    .computed = s->computed_at_mount + now,
	    .total = s->total,
	    .computed_this_mount = now,
	    .read_this_mount_bytes = atomic_load(&s->bytes),
	    .conflicts = s->conflicts_at_mount + atomic_load(&s->conflicts),
	};
	if (out->computed > out->total) /* a file recomputed after a failed write */
		out->computed = out->total;
}

/* --- the eager pass --- */

struct pending {
	int64_t id, size, mtime_ns;
	char path[PATH_BUF];
};

static void lower_priority(void)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);
	/* Linux applies nice and the I/O class per thread. Failures only
	 * leave the pass at normal priority. */
	if (setpriority(PRIO_PROCESS, (id_t)tid, 19) != 0) {
		/* nothing to do */
	}
	syscall(SYS_ioprio_set, TFS_IOPRIO_WHO_PROCESS, tid,
	        TFS_IOPRIO_CLASS_IDLE << TFS_IOPRIO_CLASS_SHIFT);
}

struct batch {
	struct pending *rows;
	size_t n;
};

static void add_pending(void *ctx, const struct store_crc_missing *f)
{
	struct batch *b = ctx;
	struct pending *p = &b->rows[b->n];
	if (path_join(p->path, PATH_BUF, f->dir, f->dir_len, f->name, f->name_len) < 0)
		return; /* unreadable name: lazy reads report it */
	p->id = f->id;
	p->size = f->size;
	p->mtime_ns = f->mtime_ns;
	b->n++;
}

static void pause_between_files(unsigned long us)
{
	struct timespec ts = {.tv_sec = (time_t)(us / 1000000),
	                      .tv_nsec = (long)(us % 1000000) * 1000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void *eager_main(void *arg)
{
	struct crc_svc *s = arg;
	lower_priority();
	const char *env = getenv(CRC_EAGER_PAUSE_ENV);
	unsigned long pause_us = env ? strtoul(env, NULL, 10) : 0;
	store_db *db = NULL;
	struct store_crc_scan *scan = NULL;
	struct pending *rows = malloc(EAGER_BATCH * sizeof *rows);
	char err[256];
	if (!rows || store_open(s->db_path, STORE_READ_ONLY, &db, err, sizeof err) != STORE_OK ||
	    !(scan = store_crc_scan_open(db)))
		goto out;
	int64_t after = 0;
	while (!atomic_load(&s->stop)) {
		struct batch b = {.rows = rows};
		int64_t last = store_crc_scan_next(scan, after, EAGER_BATCH, add_pending, &b);
		if (last == after)
			break; /* every file has its CRC */
		after = last;
		for (size_t i = 0; i < b.n && !atomic_load(&s->stop); i++) {
			uint32_t crc;
			crc_get_as(s, rows[i].id, rows[i].path, rows[i].size, rows[i].mtime_ns,
			           true, &crc);
			if (pause_us)
				pause_between_files(pause_us);
		}
	}
out:
	store_crc_scan_close(scan);
	store_close(db);
	free(rows);
	return NULL;
}

/* --- lifecycle --- */

static void open_writer(struct crc_svc *s)
{
	char err[512];
	if (store_open(s->db_path, STORE_READ_WRITE, &s->db, err, sizeof err) != STORE_OK ||
	    store_crc_prepare(s->db, err, sizeof err) != 0) {
		store_close(s->db);
		s->db = NULL;
		return;
	}
	/* Before counting: the count reads the whole files table, and the
	 * connection lives as long as the mount. */
	store_use_serving_cache(s->db);
	store_crc_counts(s->db, &s->total, &s->computed_at_mount, &s->conflicts_at_mount);
	if (!(s->writer = writer_start(s->db, 256, 4096, err, sizeof err))) {
		store_close(s->db);
		s->db = NULL;
	}
}

struct crc_svc *crc_start(const char *db_path, struct source *src, bool eager,
                          struct fuse_session *se)
{
	struct crc_svc *s = calloc(1, sizeof *s);
	if (!s || !(s->db_path = strdup(db_path))) {
		free(s);
		return NULL;
	}
	s->src = src;
	s->eager = eager;
	s->se = se;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	open_writer(s);
	/* Without a writable store the pass would be lost work. */
	if (eager && s->writer)
		s->eager_running = pthread_create(&s->eager_thread, NULL, eager_main, s) == 0;
	return s;
}

void crc_stop(struct crc_svc *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, true);
	if (s->eager_running)
		pthread_join(s->eager_thread, NULL);
	if (s->writer) {
		char err[256];
		writer_finish(s->writer, err, sizeof err);
	}
	store_close(s->db);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s->db_path);
	free(s);
}
