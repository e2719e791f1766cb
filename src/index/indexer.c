/* The indexer's pipeline, top to bottom:
 *
 *   walk  ->  reconcile with the store  ->  sidecars (parse changed JSON)
 *         ->  match (per logical folder)  ->  media (extract changed files)
 *         ->  finish (albums, duplicates, borrowed sidecars, taken times,
 *                     views, stats)
 *
 * Each parallel phase is a loop over an array that N worker threads share
 * through an atomic cursor; rows go to the single writer thread. Nothing is
 * read again for a file whose (size, mtime, inode) the store already holds.
 * A pass that will change the store first clears meta.index_complete, so a
 * pass cut short by kill -9 is finished by the next one. */
#include "index/indexer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fs/views.h"
#include "index/classify.h"
#include "index/extract.h"
#include "index/finish.h"
#include "index/sidecar.h"
#include "index/sidecar_json.h"
#include "index/walk.h"
#include "index/writer.h"
#include "media/taken.h"
#include "store/store.h"
#include "util/strmap.h"

enum status { ST_UNCHANGED = 0, ST_NEW, ST_CHANGED };

/* What one pass knows about each walked file (parallel to walk.files). */
struct file_state {
	int64_t id;     /* store row id (kept, or newly assigned) */
	uint8_t status; /* enum status */
	uint8_t kind;   /* JSON files: enum sj_kind; media: unused */
	uint8_t rule;   /* media: enum sc_rule after matching */
	uint8_t stored_rule;
	bool has_taken; /* JSON: photoTakenTime present */
	bool relink;    /* media: its sidecar or rule changed, taken must follow */
	int64_t taken;
	int64_t sidecar_id;        /* media: store id of its sidecar, 0 = none */
	int64_t stored_sidecar_id; /* media: what the store had */
	char *title;               /* JSON: title (media sidecar or album), malloc'd */
};

struct pass {
	const struct index_options *opt;
	int source_fd;
	sqlite3 *db;
	struct writer *writer;
	struct walk walk;
	struct file_state *fs;
	int64_t next_file_id, next_sidecar_id, next_dir_id;
	int64_t *dir_ids;  /* store id of each walked folder */
	bool *group_dirty; /* per walk group: matching must run again */
	int64_t generation;
	bool force; /* previous pass incomplete, or reindex, or tz changed */
	bool changed;
	struct timespec start;
	/* deletions found while reconciling */
	int64_t *gone_files, *gone_sidecars, *gone_dirs;
	size_t n_gone_files, n_gone_sidecars, n_gone_dirs;
	size_t cap_gone_files, cap_gone_sidecars, cap_gone_dirs;
	/* per-phase work */
	size_t *work_list; /* file indexes of the current phase */
	size_t n_work;
	size_t *group_dirs_first; /* folders ordered by group: CSR offsets... */
	size_t *group_dirs;       /* ...and folder indexes */
	int32_t *dirty_groups;
	int64_t *sidecar_taken_by_file; /* media file index -> sidecar taken or INT64_MIN */
	int64_t *relinked;
	size_t n_relinked;
	struct loop *loop;
	atomic_ulong opened;
	atomic_bool oom;
	char *err;
	size_t errlen;
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static int push_id(int64_t **arr, size_t *n, size_t *cap, int64_t id)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		int64_t *p = realloc(*arr, c * sizeof *p);
		if (!p)
			return -1;
		*arr = p;
		*cap = c;
	}
	(*arr)[(*n)++] = id;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Parallel loops                                                      */

struct worker {
	struct pass *p;
	struct extract_ctx *ctx;
	struct writer_batch batch; /* rows on their way to the writer */
	pthread_t thread;
};

typedef void (*item_fn)(struct worker *wk, size_t item);

struct loop {
	struct worker *workers;
	int n_workers;
	item_fn fn;
	size_t n_items;
	atomic_size_t next, done;
};

static void *loop_thread(void *arg)
{
	struct worker *wk = arg;
	struct loop *l = wk->p->loop;
	for (;;) {
		size_t i = atomic_fetch_add(&l->next, 1);
		if (i >= l->n_items)
			break;
		l->fn(wk, i);
		atomic_fetch_add(&l->done, 1);
	}
	wk->batch.w = wk->p->writer;
	writer_batch_flush(&wk->batch);
	return NULL;
}

static void report(struct pass *p, enum index_phase phase, uint64_t done, uint64_t total)
{
	if (!p->opt->progress)
		return;
	struct index_progress pr = {phase, done, total, seconds_since(&p->start)};
	p->opt->progress(p->opt->progress_ctx, &pr);
}

/* Runs fn over [0, n_items) on every worker, reporting progress ~10 times a second. */
static int run_loop(struct pass *p, struct worker *workers, int n_workers, item_fn fn,
                    size_t n_items, enum index_phase phase)
{
	struct loop l = {.workers = workers, .n_workers = n_workers, .fn = fn, .n_items = n_items};
	atomic_init(&l.next, 0);
	atomic_init(&l.done, 0);
	p->loop = &l;
	int started = 0;
	for (int i = 0; i < n_workers; i++) {
		if (pthread_create(&workers[i].thread, NULL, loop_thread, &workers[i]) != 0)
			break;
		started++;
	}
	if (started == 0)
		loop_thread(&workers[0]);
	while (atomic_load(&l.done) < n_items && started > 0) {
		report(p, phase, atomic_load(&l.done), n_items);
		struct timespec ts = {0, 100 * 1000000};
		nanosleep(&ts, NULL);
	}
	for (int i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	report(p, phase, n_items, n_items);
	p->loop = NULL;
	return atomic_load(&p->oom) ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Writer operations (run on the writer thread)                        */

struct dir_row {
	int64_t id, parent;
	const char *name, *path, *logical;
	size_t name_len, path_len, logical_len;
	int kind, year;
	int64_t generation;
};

static const char SQL_PUT_DIR[] =
    "INSERT OR REPLACE INTO dirs(id, parent, name, path, logical, kind, year, album_id, seen)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT album_id FROM dirs WHERE id=?1), ?8)";

static void bind_blob_or_null(sqlite3_stmt *st, int i, const void *p, size_t len)
{
	if (p)
		sqlite3_bind_blob(st, i, p, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int step_done(sqlite3_stmt *st)
{
	return st && sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static int put_dir(struct writer *w, void *arg)
{
	struct dir_row *r = arg;
	sqlite3_stmt *st = writer_stmt(w, SQL_PUT_DIR);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	if (r->parent > 0)
		sqlite3_bind_int64(st, 2, r->parent);
	sqlite3_bind_blob(st, 3, r->name, (int)r->name_len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, r->path, (int)r->path_len, SQLITE_STATIC);
	bind_blob_or_null(st, 5, r->logical, r->logical_len);
	sqlite3_bind_int(st, 6, r->kind);
	if (r->year)
		sqlite3_bind_int(st, 7, r->year);
	sqlite3_bind_int64(st, 8, r->generation);
	return step_done(st);
}

struct sidecar_row {
	int64_t id, dir_id, generation;
	const char *name;
	size_t name_len;
	uint64_t size, ino;
	int64_t mtime_ns;
	struct sj_doc doc;
	char problem[160];
};

static const char SQL_PUT_SIDECAR[] =
    "INSERT OR REPLACE INTO sidecars(id, dir_id, name, size, mtime_ns, ino, seen, kind,"
    " title, description, taken, created, geo_lat, geo_lon, geo_alt, people, url,"
    " favorited, archived, trashed, problem)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
    " ?18, ?19, ?20, ?21)";

static char *people_json(const struct sj_media *m);

static int put_sidecar(struct writer *w, void *arg)
{
	struct sidecar_row *r = arg;
	sqlite3_stmt *st = writer_stmt(w, SQL_PUT_SIDECAR);
	int rc = -1;
	char *people = NULL;
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->dir_id);
	sqlite3_bind_blob(st, 3, r->name, (int)r->name_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)r->size);
	sqlite3_bind_int64(st, 5, r->mtime_ns);
	sqlite3_bind_int64(st, 6, (int64_t)r->ino);
	sqlite3_bind_int64(st, 7, r->generation);
	sqlite3_bind_int(st, 8, (int)r->doc.kind);
	if (r->doc.kind == SJ_MEDIA) {
		const struct sj_media *m = &r->doc.media;
		bind_text_or_null(st, 9, m->title);
		if (m->description)
			sqlite3_bind_text(st, 10, m->description, -1, SQLITE_STATIC);
		if (m->has_taken)
			sqlite3_bind_int64(st, 11, m->taken);
		if (m->has_created)
			sqlite3_bind_int64(st, 12, m->created);
		const struct sj_geo *g = m->geo.present ? &m->geo : &m->geo_exif;
		if (g->present) {
			sqlite3_bind_double(st, 13, g->lat);
			sqlite3_bind_double(st, 14, g->lon);
			sqlite3_bind_double(st, 15, g->alt);
		}
		people = people_json(m);
		if (people)
			sqlite3_bind_text(st, 16, people, -1, SQLITE_STATIC);
		bind_text_or_null(st, 17, m->url);
		sqlite3_bind_int(st, 18, m->favorited);
		sqlite3_bind_int(st, 19, m->archived);
		sqlite3_bind_int(st, 20, m->trashed);
	} else {
		for (int i = 18; i <= 20; i++)
			sqlite3_bind_int(st, i, 0);
		if (r->doc.kind == SJ_ALBUM) {
			const struct sj_album *a = &r->doc.album;
			if (a->title)
				sqlite3_bind_text(st, 9, a->title, -1, SQLITE_STATIC);
			if (a->description)
				sqlite3_bind_text(st, 10, a->description, -1, SQLITE_STATIC);
			if (a->has_date)
				sqlite3_bind_int64(st, 11, a->date);
		}
	}
	bind_text_or_null(st, 21, r->problem[0] ? r->problem : NULL);
	rc = step_done(st);
out:
	free(people);
	sj_free(&r->doc);
	return rc;
}

struct file_row {
	int64_t id, dir_id, generation, sidecar_id;
	const char *name;
	size_t name_len;
	int rule;
	struct taken taken;
	struct extract_media_result x;
};

static const char SQL_PUT_FILE[] =
    "INSERT OR REPLACE INTO files(id, dir_id, name, size, mtime_ns, ino, seen, mime, format,"
    " ident, item_id, sidecar_id, match_rule, taken, taken_offset, taken_source, make, model,"
    " lens_model, date_time_original, create_date, offset_time_original,"
    " subsec_time_original, orientation, width, height, iso, exposure_time, f_number,"
    " focal_length, gps_lat, gps_lon, gps_alt, container_time, crc32, problem)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1, ?11, ?12, ?13, ?14, ?15, ?16,"
    " ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33,"
    " NULL, ?34)";

static void bind_int_if(sqlite3_stmt *st, int i, bool has, int64_t v)
{
	if (has)
		sqlite3_bind_int64(st, i, v);
}

static void bind_double_if(sqlite3_stmt *st, int i, bool has, double v)
{
	if (has)
		sqlite3_bind_double(st, i, v);
}

static int put_file(struct writer *w, void *arg)
{
	struct file_row *r = arg;
	const struct media_info *mi = &r->x.mi;
	sqlite3_stmt *st = writer_stmt(w, SQL_PUT_FILE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->dir_id);
	sqlite3_bind_blob(st, 3, r->name, (int)r->name_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)r->x.size);
	sqlite3_bind_int64(st, 5, r->x.mtime_ns);
	sqlite3_bind_int64(st, 6, (int64_t)r->x.ino);
	sqlite3_bind_int64(st, 7, r->generation);
	bind_text_or_null(st, 8, r->x.mime);
	sqlite3_bind_int(st, 9, (int)mi->format);
	bind_int_if(st, 10, r->x.ident != 0, (int64_t)r->x.ident);
	bind_int_if(st, 11, r->sidecar_id > 0, r->sidecar_id);
	bind_int_if(st, 12, r->rule != SC_NONE, r->rule);
	sqlite3_bind_int64(st, 13, r->taken.utc);
	sqlite3_bind_int(st, 14, r->taken.offset_minutes);
	sqlite3_bind_int(st, 15, (int)r->taken.source);
	bind_text_or_null(st, 16, mi->make);
	bind_text_or_null(st, 17, mi->model);
	bind_text_or_null(st, 18, mi->lens_model);
	bind_text_or_null(st, 19, mi->date_time_original);
	bind_text_or_null(st, 20, mi->create_date);
	bind_text_or_null(st, 21, mi->offset_time_original);
	bind_text_or_null(st, 22, mi->subsec_time_original);
	bind_int_if(st, 23, mi->has & MI_ORIENTATION, mi->orientation);
	bind_int_if(st, 24, mi->has & MI_WIDTH, mi->width);
	bind_int_if(st, 25, mi->has & MI_HEIGHT, mi->height);
	bind_double_if(st, 26, mi->has & MI_ISO, mi->iso);
	bind_double_if(st, 27, mi->has & MI_EXPOSURE, mi->exposure_time);
	bind_double_if(st, 28, mi->has & MI_FNUMBER, mi->f_number);
	bind_double_if(st, 29, mi->has & MI_FOCAL, mi->focal_length);
	bind_double_if(st, 30, mi->has & MI_GPS, mi->gps_lat);
	bind_double_if(st, 31, mi->has & MI_GPS, mi->gps_lon);
	bind_double_if(st, 32, mi->has & MI_GPS_ALT, mi->gps_alt);
	bind_int_if(st, 33, mi->has & MI_CONTAINER_TIME, mi->container_time);
	bind_text_or_null(st, 34, r->x.problem[0] ? r->x.problem : NULL);
	return step_done(st);
}

struct relink_row {
	int64_t id, sidecar_id;
	int rule;
};

static const char SQL_RELINK[] = "UPDATE files SET sidecar_id=?2, match_rule=?3 WHERE id=?1";

static int relink_file(struct writer *w, void *arg)
{
	struct relink_row *r = arg;
	sqlite3_stmt *st = writer_stmt(w, SQL_RELINK);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	bind_int_if(st, 2, r->sidecar_id > 0, r->sidecar_id);
	bind_int_if(st, 3, r->rule != SC_NONE, r->rule);
	return step_done(st);
}

struct delete_row {
	const char *sql;
	int64_t id;
};

static const char SQL_DELETE_FILE[] = "DELETE FROM files WHERE id=?1";
static const char SQL_DELETE_SIDECAR[] = "DELETE FROM sidecars WHERE id=?1";
static const char SQL_DELETE_DIR[] = "DELETE FROM dirs WHERE id=?1";

static int delete_row(struct writer *w, void *arg)
{
	struct delete_row *r = arg;
	sqlite3_stmt *st = writer_stmt(w, r->sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	return step_done(st);
}

static int submit(struct pass *p, writer_fn fn, void *row)
{
	if (!row) {
		atomic_store(&p->oom, true);
		return -1;
	}
	return writer_submit(p->writer, fn, row);
}

/* From a worker thread: through its local batch. */
static int submit_batched(struct worker *wk, writer_fn fn, void *row)
{
	if (!row) {
		atomic_store(&wk->p->oom, true);
		return -1;
	}
	wk->batch.w = wk->p->writer;
	return writer_batch_add(&wk->batch, fn, row);
}

/* ------------------------------------------------------------------ */
/* people as a JSON array (names are already valid UTF-8, NUL-free)     */

static size_t json_escape(char *out, const char *s)
{
	size_t n = 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			if (out)
				out[n] = '\\', out[n + 1] = (char)*c;
			n += 2;
		} else if (*c < 0x20) {
			if (out)
				snprintf(out + n, 7, "\\u%04x", *c);
			n += 6;
		} else {
			if (out)
				out[n] = (char)*c;
			n++;
		}
	}
	return n;
}

static char *people_json(const struct sj_media *m)
{
	if (!m->n_people)
		return NULL;
	size_t len = 2;
	for (size_t i = 0; i < m->n_people; i++)
		len += json_escape(NULL, m->people[i]) + 3;
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	out[n++] = '[';
	for (size_t i = 0; i < m->n_people; i++) {
		if (i)
			out[n++] = ',';
		out[n++] = '"';
		n += json_escape(out + n, m->people[i]);
		out[n++] = '"';
	}
	out[n++] = ']';
	out[n] = '\0';
	return out;
}

/* ------------------------------------------------------------------ */
/* Reconcile: compare the walk with the store                          */

static int64_t max_id(sqlite3 *db, const char *table)
{
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(id), 0) FROM %s", table);
	sqlite3_stmt *st;
	int64_t v = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

static int compare_blob(const void *a, size_t alen, const void *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static void mark_group_dirty(struct pass *p, int32_t dir)
{
	p->group_dirty[p->walk.dirs[dir].group] = true;
}

/* The store's rows of one table for one folder, in name order, merged with
 * the walked files of that folder (also in name order). */
static int reconcile_table(struct pass *p, sqlite3_stmt *st, int32_t dir, bool is_json,
                           int64_t *next_id, int64_t **gone, size_t *n_gone, size_t *cap_gone)
{
	const struct walk_dir *d = &p->walk.dirs[dir];
	size_t i = d->first_file, end = d->first_file + d->n_files;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, p->dir_ids[dir]);
	int rc = p->dir_ids[dir] > 0 ? sqlite3_step(st) : SQLITE_DONE;
	for (;;) {
		while (i < end && p->walk.files[i].kind != (is_json ? FILE_JSON : FILE_MEDIA))
			i++;
		bool have_row = rc == SQLITE_ROW;
		if (!have_row && i >= end)
			break;
		int c;
		if (!have_row)
			c = -1;
		else if (i >= end)
			c = 1;
		else
			c = compare_blob(p->walk.files[i].name, p->walk.files[i].name_len,
			                 sqlite3_column_blob(st, 1),
			                 (size_t)sqlite3_column_bytes(st, 1));
		if (c > 0) { /* in the store only: vanished */
			if (push_id(gone, n_gone, cap_gone, sqlite3_column_int64(st, 0)) != 0)
				return -1;
			mark_group_dirty(p, dir);
			rc = sqlite3_step(st);
			continue;
		}
		const struct walk_file *f = &p->walk.files[i];
		struct file_state *s = &p->fs[i];
		if (c < 0) { /* on disk only: new */
			s->id = ++*next_id;
			s->status = ST_NEW;
			mark_group_dirty(p, dir);
			i++;
			continue;
		}
		s->id = sqlite3_column_int64(st, 0);
		bool same = (uint64_t)sqlite3_column_int64(st, 2) == f->size &&
		            sqlite3_column_int64(st, 3) == f->mtime_ns &&
		            (uint64_t)sqlite3_column_int64(st, 4) == f->ino;
		s->status = same && !p->opt->reindex ? ST_UNCHANGED : ST_CHANGED;
		if (s->status != ST_UNCHANGED)
			mark_group_dirty(p, dir);
		if (is_json) {
			s->kind = (uint8_t)sqlite3_column_int(st, 5);
			const unsigned char *t = sqlite3_column_text(st, 6);
			if (t && s->status == ST_UNCHANGED && !(s->title = strdup((const char *)t)))
				return -1;
			s->has_taken = sqlite3_column_type(st, 7) != SQLITE_NULL;
			s->taken = sqlite3_column_int64(st, 7);
		} else {
			s->stored_sidecar_id = sqlite3_column_int64(st, 5);
			s->stored_rule = (uint8_t)sqlite3_column_int(st, 6);
			s->sidecar_id = s->stored_sidecar_id;
			s->rule = s->stored_rule;
		}
		rc = sqlite3_step(st);
		i++;
	}
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static int reconcile_dirs(struct pass *p, struct strmap *stored)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(p->db, "SELECT id, path, logical, kind, parent FROM dirs", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	/* Keep the rows alive: copy paths into one buffer list. */
	struct stored_dir {
		int64_t id, parent;
		char *logical;
		int logical_len, kind;
		bool seen;
	} *rows = NULL;
	size_t n = 0, cap = 0;
	char **paths = NULL;
	int rc = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			void *a = realloc(rows, cap * sizeof *rows),
			     *b = realloc(paths, cap * sizeof *paths);
			if (a)
				rows = a;
			if (b)
				paths = b;
			if (!a || !b) {
				rc = -1;
				break;
			}
		}
		int plen = sqlite3_column_bytes(st, 1), llen = sqlite3_column_bytes(st, 2);
		paths[n] = malloc((size_t)plen + 1);
		rows[n].logical =
		    sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : malloc((size_t)llen + 1);
		if (!paths[n] || (sqlite3_column_type(st, 2) != SQLITE_NULL && !rows[n].logical)) {
			free(paths[n]);
			free(rows[n].logical);
			rc = -1;
			break;
		}
		if (plen) /* an empty BLOB comes back as NULL */
			memcpy(paths[n], sqlite3_column_blob(st, 1), (size_t)plen);
		paths[n][plen] = '\0';
		if (rows[n].logical && llen)
			memcpy(rows[n].logical, sqlite3_column_blob(st, 2), (size_t)llen);
		rows[n].logical_len = llen;
		rows[n].id = sqlite3_column_int64(st, 0);
		rows[n].kind = sqlite3_column_int(st, 3);
		rows[n].parent = sqlite3_column_int64(st, 4);
		rows[n].seen = false;
		if (strmap_put(stored, paths[n], (size_t)plen, (int64_t)n) != 0) {
			free(paths[n]);
			free(rows[n].logical);
			rc = -1;
			break;
		}
		n++;
	}
	sqlite3_finalize(st);
	for (size_t i = 0; rc == 0 && i < p->walk.n_dirs; i++) {
		const struct walk_dir *d = &p->walk.dirs[i];
		int64_t k = strmap_get(stored, d->path, d->path_len, -1);
		size_t llen;
		const char *logical = d->root >= 0 ? walk_dir_logical(&p->walk, d, &llen) : NULL;
		if (!logical)
			llen = 0;
		bool same = false;
		if (k >= 0) {
			rows[k].seen = true;
			p->dir_ids[i] = rows[k].id;
			same = rows[k].kind == d->kind &&
			       (rows[k].logical != NULL) == (logical != NULL) &&
			       (!logical || ((size_t)rows[k].logical_len == llen &&
			                     memcmp(rows[k].logical, logical, llen) == 0)) &&
			       rows[k].parent == (d->parent >= 0 ? p->dir_ids[d->parent] : 0);
		} else {
			p->dir_ids[i] = ++p->next_dir_id;
		}
		if (same)
			continue;
		p->group_dirty[d->group] = true;
		struct dir_row *r = malloc(sizeof *r);
		if (!r) {
			rc = -1;
			break;
		}
		*r = (struct dir_row){.id = p->dir_ids[i],
		                      .parent = d->parent >= 0 ? p->dir_ids[d->parent] : 0,
		                      .name = d->path + d->name_off,
		                      .name_len = d->path_len - d->name_off,
		                      .path = d->path,
		                      .path_len = d->path_len,
		                      .logical = logical,
		                      .logical_len = llen,
		                      .kind = d->kind,
		                      .year = d->year,
		                      .generation = p->generation};
		if (submit(p, put_dir, r) != 0)
			rc = -1;
	}
	for (size_t k = 0; k < n; k++) {
		if (rc == 0 && !rows[k].seen &&
		    push_id(&p->gone_dirs, &p->n_gone_dirs, &p->cap_gone_dirs, rows[k].id) != 0)
			rc = -1;
		free(paths[k]);
		free(rows[k].logical);
	}
	free(rows);
	free(paths);
	return rc;
}

static int reconcile(struct pass *p)
{
	struct strmap stored = {0};
	int rc = reconcile_dirs(p, &stored);
	strmap_free(&stored);
	if (rc != 0)
		return -1;
	sqlite3_stmt *files = NULL, *sidecars = NULL;
	if (sqlite3_prepare_v2(p->db,
	                       "SELECT id, name, size, mtime_ns, ino, sidecar_id, match_rule"
	                       " FROM files WHERE dir_id=?1 ORDER BY name",
	                       -1, &files, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(p->db,
	                       "SELECT id, name, size, mtime_ns, ino, kind, title, taken"
	                       " FROM sidecars WHERE dir_id=?1 ORDER BY name",
	                       -1, &sidecars, NULL) != SQLITE_OK) {
		sqlite3_finalize(files);
		return -1;
	}
	for (size_t d = 0; rc == 0 && d < p->walk.n_dirs; d++) {
		rc = reconcile_table(p, sidecars, (int32_t)d, true, &p->next_sidecar_id,
		                     &p->gone_sidecars, &p->n_gone_sidecars, &p->cap_gone_sidecars);
		if (rc == 0)
			rc = reconcile_table(p, files, (int32_t)d, false, &p->next_file_id,
			                     &p->gone_files, &p->n_gone_files, &p->cap_gone_files);
	}
	sqlite3_finalize(files);
	sqlite3_finalize(sidecars);
	/* Rows of vanished folders are deleted with them. */
	sqlite3_stmt *in_dir = NULL;
	if (rc == 0 && p->n_gone_dirs &&
	    sqlite3_prepare_v2(p->db,
	                       "SELECT id, 0 FROM files WHERE dir_id=?1"
	                       " UNION ALL SELECT id, 1 FROM sidecars WHERE dir_id=?1",
	                       -1, &in_dir, NULL) == SQLITE_OK) {
		for (size_t k = 0; rc == 0 && k < p->n_gone_dirs; k++) {
			sqlite3_reset(in_dir);
			sqlite3_bind_int64(in_dir, 1, p->gone_dirs[k]);
			while (rc == 0 && sqlite3_step(in_dir) == SQLITE_ROW) {
				int64_t id = sqlite3_column_int64(in_dir, 0);
				rc = sqlite3_column_int(in_dir, 1)
				         ? push_id(&p->gone_sidecars, &p->n_gone_sidecars,
				                   &p->cap_gone_sidecars, id)
				         : push_id(&p->gone_files, &p->n_gone_files,
				                   &p->cap_gone_files, id);
			}
		}
		sqlite3_finalize(in_dir);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Phase: sidecars                                                     */

static void parse_one_sidecar(struct worker *wk, size_t item)
{
	struct pass *p = wk->p;
	size_t i = p->work_list[item];
	const struct walk_file *f = &p->walk.files[i];
	const struct walk_dir *d = &p->walk.dirs[f->dir];
	struct file_state *s = &p->fs[i];
	struct sidecar_row *r = calloc(1, sizeof *r);
	if (!r) {
		atomic_store(&p->oom, true);
		return;
	}
	r->id = s->id;
	r->dir_id = p->dir_ids[f->dir];
	r->generation = p->generation;
	r->name = f->name;
	r->name_len = f->name_len;
	r->size = f->size;
	r->mtime_ns = f->mtime_ns;
	r->ino = f->ino;
	const char *buf;
	long len =
	    extract_read_json(wk->ctx, d->path, f->name, &buf, r->problem, sizeof r->problem);
	atomic_fetch_add(&p->opened, 1);
	if (len < 0) {
		r->doc.kind = SJ_BROKEN;
	} else if (sj_parse(buf, (size_t)len, &r->doc) != 0) {
		atomic_store(&p->oom, true);
		free(r);
		return;
	} else if (r->doc.kind == SJ_BROKEN) {
		snprintf(r->problem, sizeof r->problem, "broken JSON: %s", r->doc.error);
	}
	s->kind = (uint8_t)r->doc.kind;
	const char *title = r->doc.kind == SJ_MEDIA   ? r->doc.media.title
	                    : r->doc.kind == SJ_ALBUM ? r->doc.album.title
	                                              : NULL;
	if (title && !(s->title = strdup(title)))
		atomic_store(&p->oom, true);
	s->has_taken = r->doc.kind == SJ_MEDIA && r->doc.media.has_taken;
	s->taken = r->doc.media.taken;
	submit_batched(wk, put_sidecar, r);
}

/* ------------------------------------------------------------------ */
/* Phase: matching                                                     */

static void match_one_group(struct worker *wk, size_t item)
{
	struct pass *p = wk->p;
	int32_t g = p->dirty_groups[item];
	size_t n_media = 0, n_side = 0;
	for (size_t k = p->group_dirs_first[g]; k < p->group_dirs_first[g + 1]; k++) {
		const struct walk_dir *d = &p->walk.dirs[p->group_dirs[k]];
		for (size_t i = d->first_file; i < d->first_file + d->n_files; i++) {
			if (p->walk.files[i].kind == FILE_MEDIA)
				n_media++;
			else if (p->fs[i].kind == SJ_MEDIA)
				n_side++;
		}
	}
	if (!n_media)
		return;
	struct sc_sidecar *sc = calloc(n_side ? n_side : 1, sizeof *sc);
	size_t *sc_file = calloc(n_side ? n_side : 1, sizeof *sc_file);
	struct sc_media *me = calloc(n_media, sizeof *me);
	size_t *me_file = calloc(n_media, sizeof *me_file);
	struct sc_result *res = calloc(n_media, sizeof *res);
	if (!sc || !sc_file || !me || !me_file || !res)
		goto oom;
	n_media = n_side = 0;
	for (size_t k = p->group_dirs_first[g]; k < p->group_dirs_first[g + 1]; k++) {
		const struct walk_dir *d = &p->walk.dirs[p->group_dirs[k]];
		for (size_t i = d->first_file; i < d->first_file + d->n_files; i++) {
			const struct walk_file *f = &p->walk.files[i];
			if (f->kind == FILE_MEDIA) {
				me[n_media] = (struct sc_media){f->name, f->name_len};
				me_file[n_media++] = i;
			} else if (p->fs[i].kind == SJ_MEDIA) {
				sc[n_side] =
				    (struct sc_sidecar){f->name, f->name_len, p->fs[i].title};
				sc_file[n_side++] = i;
			}
		}
	}
	if (sc_match_directory(sc, n_side, me, n_media, res) != 0)
		goto oom;
	for (size_t m = 0; m < n_media; m++) {
		struct file_state *s = &p->fs[me_file[m]];
		s->sidecar_id = res[m].sidecar >= 0 ? p->fs[sc_file[res[m].sidecar]].id : 0;
		s->rule = (uint8_t)res[m].rule;
		if (s->status == ST_UNCHANGED &&
		    (s->sidecar_id != s->stored_sidecar_id || s->rule != s->stored_rule ||
		     (s->sidecar_id && p->fs[sc_file[res[m].sidecar]].status != ST_UNCHANGED)))
			s->relink = true;
	}
	goto done;
oom:
	atomic_store(&p->oom, true);
done:
	free(sc);
	free(sc_file);
	free(me);
	free(me_file);
	free(res);
}

/* ------------------------------------------------------------------ */
/* Phase: media                                                        */

static void extract_one_media(struct worker *wk, size_t item)
{
	struct pass *p = wk->p;
	size_t i = p->work_list[item];
	const struct walk_file *f = &p->walk.files[i];
	const struct walk_dir *d = &p->walk.dirs[f->dir];
	struct file_state *s = &p->fs[i];
	struct file_row *r = calloc(1, sizeof *r);
	if (!r) {
		atomic_store(&p->oom, true);
		return;
	}
	if (extract_media(wk->ctx, d->path, f->name, &r->x) != 0) {
		atomic_store(&p->oom, true);
		free(r);
		return;
	}
	atomic_fetch_add(&p->opened, 1);
	if (r->x.vanished) {
		/* Gone since the walk: nothing to index; a stored row goes too. */
		if (s->status == ST_CHANGED) {
			struct delete_row *del = malloc(sizeof *del);
			if (del)
				*del = (struct delete_row){SQL_DELETE_FILE, s->id};
			submit_batched(wk, delete_row, del);
		}
		free(r);
		return;
	}
	if (r->x.problem[0] && !r->x.size && !r->x.ino) { /* could not open: keep walk facts */
		r->x.size = f->size;
		r->x.mtime_ns = f->mtime_ns;
		r->x.ino = f->ino;
	}
	r->id = s->id;
	r->dir_id = p->dir_ids[f->dir];
	r->generation = p->generation;
	r->name = f->name;
	r->name_len = f->name_len;
	r->sidecar_id = s->sidecar_id;
	r->rule = s->rule;
	struct taken_inputs in = {.has_sidecar_taken = p->sidecar_taken_by_file[i] != INT64_MIN,
	                          .sidecar_taken = p->sidecar_taken_by_file[i],
	                          .mi = &r->x.mi,
	                          .name = f->name,
	                          .name_len = f->name_len,
	                          .mtime = r->x.mtime_ns / 1000000000};
	taken_decide(&in, &r->taken);
	submit_batched(wk, put_file, r);
}

/* ------------------------------------------------------------------ */

static int prepare_groups(struct pass *p, size_t *n_dirty)
{
	size_t ng = p->walk.n_groups;
	p->group_dirs_first = calloc(ng + 1, sizeof *p->group_dirs_first);
	p->group_dirs = calloc(p->walk.n_dirs ? p->walk.n_dirs : 1, sizeof *p->group_dirs);
	p->dirty_groups = calloc(ng ? ng : 1, sizeof *p->dirty_groups);
	if (!p->group_dirs_first || !p->group_dirs || !p->dirty_groups)
		return -1;
	for (size_t d = 0; d < p->walk.n_dirs; d++)
		p->group_dirs_first[p->walk.dirs[d].group + 1]++;
	for (size_t g = 0; g < ng; g++)
		p->group_dirs_first[g + 1] += p->group_dirs_first[g];
	size_t *fill = calloc(ng ? ng : 1, sizeof *fill);
	if (!fill)
		return -1;
	for (size_t d = 0; d < p->walk.n_dirs; d++) {
		int32_t g = p->walk.dirs[d].group;
		p->group_dirs[p->group_dirs_first[g] + fill[g]++] = d;
	}
	free(fill);
	*n_dirty = 0;
	for (size_t g = 0; g < ng; g++)
		if (p->group_dirty[g] || p->force)
			p->dirty_groups[(*n_dirty)++] = (int32_t)g;
	return 0;
}

static void free_groups(struct pass *p)
{
	free(p->group_dirs_first);
	free(p->group_dirs);
	free(p->dirty_groups);
	p->group_dirs_first = p->group_dirs = NULL;
	p->dirty_groups = NULL;
}

/* The sidecar's taken time for every media file, looked up by the sidecar's
 * store id through a map built from this pass's JSON files. */
static int fill_sidecar_taken(struct pass *p)
{
	p->sidecar_taken_by_file =
	    malloc((p->walk.n_files ? p->walk.n_files : 1) * sizeof *p->sidecar_taken_by_file);
	if (!p->sidecar_taken_by_file)
		return -1;
	struct strmap by_id = {0};
	for (size_t i = 0; i < p->walk.n_files; i++) {
		if (p->walk.files[i].kind == FILE_JSON &&
		    strmap_put(&by_id, (const char *)&p->fs[i].id, sizeof p->fs[i].id,
		               (int64_t)i) != 0) {
			strmap_free(&by_id);
			return -1;
		}
	}
	for (size_t i = 0; i < p->walk.n_files; i++) {
		p->sidecar_taken_by_file[i] = INT64_MIN;
		const struct file_state *s = &p->fs[i];
		if (p->walk.files[i].kind != FILE_MEDIA || !s->sidecar_id)
			continue;
		int64_t j =
		    strmap_get(&by_id, (const char *)&s->sidecar_id, sizeof s->sidecar_id, -1);
		if (j >= 0 && p->fs[j].has_taken)
			p->sidecar_taken_by_file[i] = p->fs[j].taken;
	}
	strmap_free(&by_id);
	return 0;
}

static int collect_work(struct pass *p, enum file_kind kind)
{
	free(p->work_list);
	p->work_list = malloc((p->walk.n_files ? p->walk.n_files : 1) * sizeof *p->work_list);
	if (!p->work_list)
		return -1;
	p->n_work = 0;
	for (size_t i = 0; i < p->walk.n_files; i++)
		if (p->walk.files[i].kind == kind && p->fs[i].status != ST_UNCHANGED)
			p->work_list[p->n_work++] = i;
	return 0;
}

static int submit_relinks_and_deletions(struct pass *p, int64_t **relinked, size_t *n_relinked)
{
	size_t cap = 0;
	for (size_t i = 0; i < p->walk.n_files; i++) {
		struct file_state *s = &p->fs[i];
		if (!s->relink)
			continue;
		struct relink_row *r = malloc(sizeof *r);
		if (r)
			*r = (struct relink_row){s->id, s->sidecar_id, s->rule};
		if (submit(p, relink_file, r) != 0 || push_id(relinked, n_relinked, &cap, s->id))
			return -1;
	}
	struct {
		const char *sql;
		int64_t *ids;
		size_t n;
	} gone[] = {{SQL_DELETE_FILE, p->gone_files, p->n_gone_files},
	            {SQL_DELETE_SIDECAR, p->gone_sidecars, p->n_gone_sidecars},
	            {SQL_DELETE_DIR, p->gone_dirs, p->n_gone_dirs}};
	for (size_t t = 0; t < 3; t++)
		for (size_t k = 0; k < gone[t].n; k++) {
			struct delete_row *r = malloc(sizeof *r);
			if (r)
				*r = (struct delete_row){gone[t].sql, gone[t].ids[k]};
			if (submit(p, delete_row, r) != 0)
				return -1;
		}
	return 0;
}

static bool pass_changes_anything(const struct pass *p, size_t n_dirty_groups)
{
	if (p->force || n_dirty_groups || p->n_gone_files || p->n_gone_sidecars || p->n_gone_dirs)
		return true;
	for (size_t i = 0; i < p->walk.n_files; i++)
		if (p->fs[i].status != ST_UNCHANGED)
			return true;
	return false;
}

static const char *current_tz(void)
{
	const char *tz = getenv("TZ");
	return tz ? tz : "";
}

static int open_source(const char *source, char *err, size_t errlen)
{
	struct stat st;
	if (stat(source, &st) != 0) {
		snprintf(err, errlen, "SOURCE %s: %s", source, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "SOURCE %s is not a folder", source);
		return -1;
	}
	int fd = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		snprintf(err, errlen, "SOURCE %s: %s", source, strerror(errno));
	return fd;
}

static int map_store_error(int rc)
{
	return rc == STORE_ERR_NEWER ? INDEX_ERR_STORE_NEWER : INDEX_ERR_STORE;
}

static int start_workers(struct pass *p, struct worker *workers, int n, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		workers[i].p = p;
		workers[i].ctx = extract_ctx_new(p->source_fd, err, errlen);
		if (!workers[i].ctx)
			return -1;
	}
	return 0;
}

static void free_pass(struct pass *p, struct worker *workers, int n_workers)
{
	for (int i = 0; i < n_workers; i++)
		extract_ctx_free(workers[i].ctx);
	if (p->fs)
		for (size_t i = 0; i < p->walk.n_files; i++)
			free(p->fs[i].title);
	free(p->fs);
	free(p->dir_ids);
	free(p->group_dirty);
	free(p->gone_files);
	free(p->gone_sidecars);
	free(p->gone_dirs);
	free(p->work_list);
	free(p->sidecar_taken_by_file);
	free_groups(p);
	free(p->relinked);
	walk_free(&p->walk);
}

static int threads_wanted(const struct index_options *opt)
{
	if (opt->threads > 0)
		return opt->threads > 64 ? 64 : opt->threads;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static int run_phases(struct pass *p, struct worker *workers, int n_workers,
                      struct index_summary *sum)
{
	size_t n_dirty = 0;
	int rc = -1;
	if (collect_work(p, FILE_JSON) != 0)
		goto out;
	if (run_loop(p, workers, n_workers, parse_one_sidecar, p->n_work, INDEX_SIDECARS) != 0)
		goto out;
	if (prepare_groups(p, &n_dirty) != 0)
		goto out;
	if (run_loop(p, workers, n_workers, match_one_group, n_dirty, INDEX_SIDECARS) != 0)
		goto out;
	if (fill_sidecar_taken(p) != 0 || collect_work(p, FILE_MEDIA) != 0)
		goto out;
	if (run_loop(p, workers, n_workers, extract_one_media, p->n_work, INDEX_MEDIA) != 0)
		goto out;
	if (submit_relinks_and_deletions(p, &p->relinked, &p->n_relinked) != 0)
		goto out;
	sum->removed = p->n_gone_files;
	rc = 0;
out:
	return rc;
}

int indexer_run(const struct index_options *opt, struct index_summary *sum, char *err,
                size_t errlen)
{
	memset(sum, 0, sizeof *sum);
	struct pass p = {.opt = opt, .err = err, .errlen = errlen};
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	atomic_init(&p.opened, 0);
	atomic_init(&p.oom, false);
	p.source_fd = open_source(opt->source, err, errlen);
	if (p.source_fd < 0)
		return INDEX_ERR_SOURCE;
	int rc = store_open(opt->db_path, STORE_READ_WRITE, &p.db, err, errlen);
	if (rc != STORE_OK) {
		close(p.source_fd);
		return map_store_error(rc);
	}
	int n_workers = threads_wanted(opt);
	struct worker *workers = calloc((size_t)n_workers, sizeof *workers);
	int result = INDEX_ERR_NOMEM;
	if (!workers)
		goto out;

	report(&p, INDEX_WALK, 0, 0);
	if (walk_tree(p.source_fd, &p.walk, err, errlen) != 0)
		goto out;
	size_t n_media = 0;
	for (size_t i = 0; i < p.walk.n_files; i++)
		n_media += p.walk.files[i].kind == FILE_MEDIA;
	if (n_media == 0) {
		snprintf(err, errlen,
		         "%s holds no photos or videos (%zu folders, %zu JSON files, %zu other "
		         "files)",
		         opt->source, p.walk.n_dirs, p.walk.n_files, p.walk.n_other);
		result = INDEX_ERR_NOT_TAKEOUT;
		goto out;
	}
	report(&p, INDEX_WALK, p.walk.n_files, p.walk.n_files);

	p.fs = calloc(p.walk.n_files ? p.walk.n_files : 1, sizeof *p.fs);
	p.dir_ids = calloc(p.walk.n_dirs, sizeof *p.dir_ids);
	p.group_dirty = calloc(p.walk.n_groups ? p.walk.n_groups : 1, sizeof *p.group_dirty);
	if (!p.fs || !p.dir_ids || !p.group_dirty)
		goto out;
	char *tz_stored = store_meta_get(p.db, "tz");
	bool tz_changed = tz_stored && strcmp(tz_stored, current_tz()) != 0;
	free(tz_stored);
	p.force = opt->reindex || tz_changed || store_meta_get_int(p.db, "index_complete", 1) == 0;
	p.generation = store_meta_get_int(p.db, "generation", 0) + 1;
	p.next_file_id = max_id(p.db, "files");
	p.next_sidecar_id = max_id(p.db, "sidecars");
	p.next_dir_id = max_id(p.db, "dirs");

	p.writer = writer_start(p.db, 4096, 8192, err, errlen);
	if (!p.writer)
		goto out;
	if (reconcile(&p) != 0) {
		writer_finish(p.writer, NULL, 0);
		p.writer = NULL;
		snprintf(err, errlen, "cannot read the store %s: %s", opt->db_path,
		         sqlite3_errmsg(p.db));
		result = INDEX_ERR_STORE;
		goto out;
	}
	size_t n_dirty_groups = 0;
	for (size_t g = 0; g < p.walk.n_groups; g++)
		n_dirty_groups += p.group_dirty[g];
	p.changed = pass_changes_anything(&p, n_dirty_groups);
	if (p.changed) {
		/* Until finish commits, the store says "a pass is under way". */
		if (store_meta_set_int(p.db, "index_complete", 0) != 0 ||
		    store_meta_set_int(p.db, "generation", p.generation) != 0) {
			writer_finish(p.writer, NULL, 0);
			p.writer = NULL;
			snprintf(err, errlen, "cannot write the store %s: %s", opt->db_path,
			         sqlite3_errmsg(p.db));
			result = INDEX_ERR_STORE;
			goto out;
		}
		if (start_workers(&p, workers, n_workers, err, errlen) != 0 ||
		    run_phases(&p, workers, n_workers, sum) != 0) {
			writer_finish(p.writer, NULL, 0);
			p.writer = NULL;
			if (!err[0])
				snprintf(err, errlen, "out of memory while indexing");
			goto out;
		}
	}
	if (writer_finish(p.writer, err, errlen) != 0) {
		p.writer = NULL;
		result = INDEX_ERR_STORE;
		goto out;
	}
	p.writer = NULL;
	report(&p, INDEX_FINISH, 0, 1);
	struct finish_input fin = {.db = p.db,
	                           .changed = p.changed,
	                           .force = p.force,
	                           .tz = current_tz(),
	                           .source = opt->source,
	                           .walk = &p.walk,
	                           .relinked = p.relinked,
	                           .n_relinked = p.n_relinked,
	                           .opened = atomic_load(&p.opened),
	                           .removed = p.n_gone_files,
	                           .seconds = seconds_since(&p.start)};
	if (finish_pass(&fin, sum, err, errlen) != 0) {
		result = INDEX_ERR_STORE;
		goto out;
	}
	report(&p, INDEX_FINISH, 1, 1);
	sum->seconds = seconds_since(&p.start);
	result = INDEX_OK;
out:
	if (p.writer)
		writer_finish(p.writer, NULL, 0);
	free_pass(&p, workers, workers ? n_workers : 0);
	free(workers);
	store_close(p.db);
	close(p.source_fd);
	return result;
}
