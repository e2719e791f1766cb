/* Builds the meta_sizes table (views/meta_sizes.h): the ids are read once, N
 * threads render the .meta of a share each through their own read-only
 * connection, and one transaction stores the lengths in id order (appending
 * to the table's b-tree, the cheapest insert order) through the store. */
#include "views/meta_sizes.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/live.h"
#include "store/meta_sizes_table.h"
#include "store/store.h"
#include "store/xmp_sizes.h"
#include "views/meta.h"
#include "views/xmp.h"

#define CHUNK 256 /* ids taken from the shared cursor at a time */

struct job {
	const char *db_path;
	const int64_t *ids;
	uint32_t *sizes;     /* UINT32_MAX: could not be rendered, left out */
	uint32_t *xmp_sizes; /* the same for the .xmp; NULL when not asked for */
	size_t n;
	atomic_size_t next;
	atomic_bool failed;
	char err[256];
	pthread_mutex_t err_lock;
};

static void job_fail(struct job *j, const char *what)
{
	pthread_mutex_lock(&j->err_lock);
	if (!atomic_load(&j->failed))
		snprintf(j->err, sizeof j->err, "%s", what);
	atomic_store(&j->failed, true);
	pthread_mutex_unlock(&j->err_lock);
}

/* The size of the .xmp rendered from a .meta, or STORE_XMP_SIZE_NONE. */
static uint32_t xmp_size(const struct jbuf *meta, struct jbuf *xmp)
{
	return xmp_render_from_meta(meta->p, meta->len, xmp) == 0 && xmp->len < UINT32_MAX
	           ? (uint32_t)xmp->len
	           : STORE_XMP_SIZE_NONE;
}

static void render_share(struct job *j, struct meta *m)
{
	struct jbuf out = {0}, xmp = {0};
	for (;;) {
		size_t from = atomic_fetch_add(&j->next, CHUNK);
		if (from >= j->n || atomic_load(&j->failed))
			break;
		size_t to = from + CHUNK < j->n ? from + CHUNK : j->n;
		for (size_t i = from; i < to; i++) {
			bool ok = meta_render(m, j->ids[i], &out) == 0 && out.len < UINT32_MAX;
			j->sizes[i] = ok ? (uint32_t)out.len : UINT32_MAX;
			if (j->xmp_sizes) /* from the same rendering */
				j->xmp_sizes[i] = ok ? xmp_size(&out, &xmp) : STORE_XMP_SIZE_NONE;
		}
	}
	jbuf_free(&out);
	jbuf_free(&xmp);
}

static void *render_thread(void *arg)
{
	struct job *j = arg;
	store_db *db;
	char err[256];
	if (store_open(j->db_path, STORE_READ_ONLY, &db, err, sizeof err) != STORE_OK) {
		job_fail(j, err);
		return NULL;
	}
	struct meta *m = meta_open(db, err, sizeof err);
	if (!m) {
		job_fail(j, err);
	} else {
		/* One read transaction for the whole share: no lock per statement. */
		store_read_begin(db);
		render_share(j, m);
		store_read_end(db);
		meta_close(m);
	}
	store_close(db);
	return NULL;
}

static void render_all(struct job *j, int threads)
{
	pthread_t tid[64];
	int started = 0;
	if (threads < 1)
		threads = 1;
	if (threads > 64)
		threads = 64;
	for (int t = 1; t < threads; t++)
		if (pthread_create(&tid[started], NULL, render_thread, j) == 0)
			started++;
	render_thread(j);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
}

bool meta_sizes_valid(store_db *db)
{
	int64_t built = store_meta_get_int(db, "meta_sizes_generation", -1);
	return built >= 0 && built == store_meta_get_int(db, "generation", 0);
}

int meta_sizes_build(const char *db_path, int threads, char *err, size_t errlen)
{
	return meta_sizes_build_with_xmp(db_path, threads, false, err, errlen);
}

int meta_sizes_build_with_xmp(const char *db_path, int threads, bool xmp, char *err, size_t errlen)
{
	store_db *db;
	if (store_open(db_path, STORE_READ_WRITE, &db, err, errlen) != STORE_OK)
		return -1;
	if (meta_sizes_valid(db) && (!xmp || store_xmp_sizes_valid(db))) {
		store_close(db);
		return 0;
	}
	int64_t generation = store_meta_get_int(db, "generation", 0);
	struct job j = {.db_path = db_path};
	pthread_mutex_init(&j.err_lock, NULL);
	atomic_init(&j.next, 0);
	atomic_init(&j.failed, false);
	int64_t *ids = NULL;
	int rc = store_file_ids(db, &ids, &j.n);
	j.ids = ids;
	if (rc == 0 && !(j.sizes = malloc((j.n ? j.n : 1) * sizeof *j.sizes)))
		rc = -1;
	if (rc == 0 && xmp && !(j.xmp_sizes = malloc((j.n ? j.n : 1) * sizeof *j.xmp_sizes)))
		rc = -1;
	if (rc != 0 && (!ids || !j.sizes || (xmp && !j.xmp_sizes)))
		snprintf(j.err, sizeof j.err, "out of memory");
	if (rc == 0) {
		render_all(&j, threads);
		rc = atomic_load(&j.failed)
		         ? -1
		         : store_meta_sizes_write(db, j.ids, j.sizes, j.xmp_sizes, j.n, UINT32_MAX,
		                                  generation);
	}
	if (rc != 0)
		snprintf(err, errlen, "cannot record the .meta sizes in %s: %s", db_path,
		         j.err[0] ? j.err : store_errmsg(db));
	free(ids);
	free(j.sizes);
	free(j.xmp_sizes);
	pthread_mutex_destroy(&j.err_lock);
	store_close(db);
	return rc;
}
