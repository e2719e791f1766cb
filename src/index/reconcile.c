/* Compares one walk with what the store holds. Both tables are read with
 * one sequential scan each and sorted in memory by (folder, name), then
 * merged with the walk, folder by folder: a file is unchanged when size,
 * mtime and inode are equal, and keeps its row id (its inode base) for as
 * long as it stays unchanged. Rows nothing on disk matches have vanished. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/classify.h"
#include "index/pass.h"
#include "index/sidecar_json.h"
#include "store/rows.h"
#include "util/growbuf.h"
#include "util/strmap.h"
#include "util/ustr.h"

/* One row of files or sidecars, as much as reconciling needs. */
struct stored {
	int64_t id, dir_id;
	size_t name_off, name_len, title_off; /* into the table's text buffer */
	uint64_t size, ino;
	int64_t mtime_ns;
	int64_t link;                   /* files: sidecar_id; sidecars: taken */
	uint8_t extra;                  /* files: match_rule; sidecars: kind */
	bool has_title, has_link, used; /* has_link: column 6 is not NULL */
};

struct table {
	struct stored *rows;
	size_t n, cap;
	struct textbuf text; /* names and titles, NUL-terminated */
};

static void table_free(struct table *t)
{
	free(t->rows);
	textbuf_free(&t->text);
}

static int keep_text(struct table *t, const void *p, size_t len, size_t *off)
{
	if (textbuf_reserve(&t->text, len + 1, off) != 0)
		return -1;
	if (len)
		memcpy(t->text.p + *off, p, len);
	t->text.p[*off + len] = '\0';
	return 0;
}

static int compare_stored(const void *a, const void *b, void *table)
{
	const struct table *sort_table = table;
	const struct stored *x = a, *y = b;
	if (x->dir_id != y->dir_id)
		return x->dir_id < y->dir_id ? -1 : 1;
	return ustr_bytes_cmp(sort_table->text.p + x->name_off, x->name_len,
	                      sort_table->text.p + y->name_off, y->name_len);
}

static int keep_row(void *ctx, const struct store_scanned *in)
{
	struct table *t = ctx;
	if (grow_array((void **)&t->rows, &t->cap, t->n + 1, sizeof *t->rows) != 0)
		return -1;
	struct stored *r = &t->rows[t->n];
	*r = (struct stored){.id = in->id,
	                     .dir_id = in->dir_id,
	                     .name_len = in->name_len,
	                     .size = in->size,
	                     .mtime_ns = in->mtime_ns,
	                     .ino = in->ino,
	                     .has_link = in->has_link,
	                     .link = in->link,
	                     .extra = (uint8_t)in->extra};
	if (keep_text(t, in->name, in->name_len, &r->name_off) != 0)
		return -1;
	if (in->title) {
		r->has_title = true;
		if (keep_text(t, in->title, strlen(in->title), &r->title_off) != 0)
			return -1;
	}
	t->n++;
	return 0;
}

/* Reads one table (scan) into t, sorted by (folder, name). */
static int load_table(store_db *db,
                      int (*scan)(store_db *, int (*)(void *, const struct store_scanned *),
                                  void *),
                      struct table *t)
{
	int rc = scan(db, keep_row, t);
	if (rc == 0 && t->n > 1)
		qsort_r(t->rows, t->n, sizeof *t->rows, compare_stored, t);
	return rc;
}

/* First row of folder dir_id in the sorted table (t->n when none). */
static size_t first_row_of(const struct table *t, int64_t dir_id)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->rows[mid].dir_id < dir_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void mark_group_dirty(struct pass *p, int32_t dir)
{
	p->group_dirty[p->walk.dirs[dir].group] = true;
}

static void take_stored_facts(struct pass *p, struct file_state *s, const struct table *t,
                              const struct stored *r, bool is_json)
{
	if (is_json) {
		s->kind = r->extra;
		s->has_taken = r->has_link;
		s->taken = r->link;
		if (r->has_title && s->status == ST_UNCHANGED &&
		    !(s->title = strdup(t->text.p + r->title_off)))
			atomic_store(&p->oom, true);
	} else {
		s->stored_sidecar_id = r->has_link ? r->link : 0;
		s->stored_rule = r->extra;
		s->sidecar_id = s->stored_sidecar_id;
		s->rule = s->stored_rule;
	}
}

/* Merges the walked files of one folder (name order) with its stored rows. */
static void merge_folder(struct pass *p, struct table *t, int32_t dir, bool is_json,
                         int64_t *next_id)
{
	const struct walk_dir *d = &p->walk.dirs[dir];
	size_t i = d->first_file, end = d->first_file + d->n_files;
	size_t k = first_row_of(t, p->dir_ids[dir]);
	uint8_t want = is_json ? FILE_JSON : FILE_MEDIA;
	for (;;) {
		while (i < end && p->walk.files[i].kind != want)
			i++;
		bool have_row = k < t->n && t->rows[k].dir_id == p->dir_ids[dir];
		if (!have_row && i >= end)
			break;
		const struct walk_file *f = i < end ? &p->walk.files[i] : NULL;
		struct stored *r = have_row ? &t->rows[k] : NULL;
		int c = !r   ? -1
		        : !f ? 1
		             : ustr_bytes_cmp(f->name, f->name_len, t->text.p + r->name_off,
		                              r->name_len);
		if (c > 0) { /* stored only: vanished (left unused, deleted later) */
			mark_group_dirty(p, dir);
			k++;
			continue;
		}
		struct file_state *s = &p->fs[i];
		if (c < 0) { /* on disk only: new */
			s->id = ++*next_id;
			s->status = ST_NEW;
			mark_group_dirty(p, dir);
			i++;
			continue;
		}
		r->used = true;
		s->id = r->id;
		bool same = r->size == f->size && r->mtime_ns == f->mtime_ns && r->ino == f->ino;
		s->status = same && !p->opt->reindex ? ST_UNCHANGED : ST_CHANGED;
		if (s->status != ST_UNCHANGED)
			mark_group_dirty(p, dir);
		take_stored_facts(p, s, t, r, is_json);
		i++;
		k++;
	}
}

static int pending_push(struct pending *l, void *row)
{
	if (grow_array_from((void **)&l->rows, &l->cap, l->n + 1, sizeof *l->rows, 64) != 0)
		return -1;
	l->rows[l->n++] = row;
	return 0;
}

static int list_unused(const struct table *t, struct id_list *gone)
{
	for (size_t k = 0; k < t->n; k++)
		if (!t->rows[k].used && id_list_push(gone, t->rows[k].id) != 0)
			return -1;
	return 0;
}

/* The stored folders, by path (stored) and in store order (rows, paths). */
struct stored_dirs {
	struct stored_dir {
		int64_t id, parent;
		char *logical;
		int logical_len, kind;
		bool seen;
	} * rows;
	char **paths;
	size_t n, rows_cap, paths_cap;
	struct strmap *stored;
};

static int keep_dir(void *ctx, const struct store_scanned_dir *d)
{
	struct stored_dirs *s = ctx;
	size_t n = s->n;
	if (grow_array((void **)&s->rows, &s->rows_cap, n + 1, sizeof *s->rows) != 0 ||
	    grow_array((void **)&s->paths, &s->paths_cap, n + 1, sizeof *s->paths) != 0)
		return -1;
	char *path = malloc(d->path_len + 1);
	char *logical = d->logical ? malloc(d->logical_len + 1) : NULL;
	if (!path || (d->logical && !logical)) {
		free(path);
		free(logical);
		return -1;
	}
	if (d->path_len) /* an empty BLOB comes back as NULL */
		memcpy(path, d->path, d->path_len);
	path[d->path_len] = '\0';
	if (logical && d->logical_len)
		memcpy(logical, d->logical, d->logical_len);
	if (strmap_put(s->stored, path, d->path_len, (int64_t)n) != 0) {
		free(path);
		free(logical);
		return -1;
	}
	s->paths[n] = path;
	s->rows[n] = (struct stored_dir){.id = d->id,
	                                 .parent = d->parent,
	                                 .logical = logical,
	                                 .logical_len = (int)d->logical_len,
	                                 .kind = d->kind};
	s->n++;
	return 0;
}

static int reconcile_dirs(struct pass *p, struct strmap *stored)
{
	struct stored_dirs sd = {.stored = stored};
	int rc = store_scan_dirs(p->db, keep_dir, &sd);
	struct stored_dir *rows = sd.rows;
	char **paths = sd.paths;
	size_t n = sd.n;
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
		struct store_dir_row *r = malloc(sizeof *r);
		if (!r) {
			rc = -1;
			break;
		}
		*r = (struct store_dir_row){.id = p->dir_ids[i],
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
		if (pending_push(&p->dir_rows, r) != 0) {
			free(r);
			rc = -1;
		}
	}
	for (size_t k = 0; k < n; k++) {
		if (rc == 0 && !rows[k].seen && id_list_push(&p->gone_dirs, rows[k].id) != 0)
			rc = -1;
		free(paths[k]);
		free(rows[k].logical);
	}
	free(rows);
	free(paths);
	return rc;
}

/* The stored files and sidecars, sorted; read on the prefetch thread or in
 * reconcile itself. */
struct stored_rows {
	struct table files, sidecars;
	int rc;
	pthread_t thread;
	bool running;
};

static int load_stored_rows(store_db *db, struct stored_rows *s)
{
	int rc = load_table(db, store_scan_files, &s->files);
	if (rc == 0)
		rc = load_table(db, store_scan_sidecars, &s->sidecars);
	return rc;
}

static void *prefetch_thread(void *arg)
{
	struct pass *p = arg;
	p->stored->rc = load_stored_rows(p->db, p->stored);
	return NULL;
}

int reconcile_prefetch(struct pass *p)
{
	if (!(p->stored = calloc(1, sizeof *p->stored)))
		return -1;
	if (pthread_create(&p->stored->thread, NULL, prefetch_thread, p) != 0) {
		free(p->stored);
		p->stored = NULL;
		return -1;
	}
	p->stored->running = true;
	return 0;
}

void reconcile_wait(struct pass *p)
{
	if (p->stored && p->stored->running) {
		pthread_join(p->stored->thread, NULL);
		p->stored->running = false;
	}
}

void reconcile_discard(struct pass *p)
{
	reconcile_wait(p);
	if (p->stored) {
		table_free(&p->stored->files);
		table_free(&p->stored->sidecars);
		free(p->stored);
		p->stored = NULL;
	}
}

int reconcile(struct pass *p)
{
	reconcile_wait(p);
	struct stored_rows own = {0}, *rows = p->stored ? p->stored : &own;
	int rc = p->stored ? p->stored->rc : load_stored_rows(p->db, &own);
	struct strmap stored = {0};
	if (rc == 0)
		rc = reconcile_dirs(p, &stored);
	strmap_free(&stored);
	struct table files = rows->files, sidecars = rows->sidecars;
	memset(&rows->files, 0, sizeof rows->files); /* owned here from now on */
	memset(&rows->sidecars, 0, sizeof rows->sidecars);
	reconcile_discard(p);
	for (size_t d = 0; rc == 0 && d < p->walk.n_dirs; d++) {
		merge_folder(p, &sidecars, (int32_t)d, true, &p->next_sidecar_id);
		merge_folder(p, &files, (int32_t)d, false, &p->next_file_id);
	}
	/* Rows no walked file claimed: vanished files, and the rows of vanished folders. */
	if (rc == 0)
		rc =
		    list_unused(&files, &p->gone_files) | list_unused(&sidecars, &p->gone_sidecars);
	table_free(&files);
	table_free(&sidecars);
	return rc || atomic_load(&p->oom) ? -1 : 0;
}
