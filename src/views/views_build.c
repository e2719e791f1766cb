/* Materializes the views (views/views.h) into the vdirs and entries tables, once
 * per index pass, so that serving is one indexed SELECT per lookup and a range
 * scan per readdir. Every name decision happens here: distinct items, trash
 * kept to originals/, dates, camera names, album titles, " (n)" numbering. */
#include "views/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index/classify.h"
#include "store/store.h"
#include "store/view_tables.h"
#include "util/growbuf.h"
#include "util/strmap.h"
#include "util/ustr.h"
#include "views/camera.h"
#include "views/names.h"
#include "views/people.h"
#include "views/view_items.h"

struct build {
	struct store_view_tables *t;
	store_db *db; /* for the reads the view tables' module does not make (people) */
	int64_t next_vid;
	char *err;
	size_t errlen;
};

_Static_assert(ENTRY_DIR == STORE_ENTRY_DIR && ENTRY_MEDIA == STORE_ENTRY_MEDIA,
               "the store's statements write and test these kinds");

/* --- placing entries --- */

static int insert_entry(struct build *b, int64_t parent, const char *name, size_t len, int kind,
                        int64_t target, bool *placed)
{
	return store_view_tables_add_entry(b->t, parent, name, len, kind, target, placed);
}

/* Places name in parent, numbering it " (n)" from n = *next on until free;
 * *next becomes the number used. */
static int place_numbered(struct build *b, int64_t parent, const char *name, size_t len, size_t max,
                          int kind, int64_t target, unsigned *next, char *final, size_t *final_len)
{
	bool placed = false;
	for (unsigned n = *next < 2 ? 2 : *next; !placed; n++) {
		if (n > 10000000) {
			snprintf(b->err, b->errlen, "views: cannot number a name");
			return -1;
		}
		*final_len = names_numbered(name, len, n, max, final);
		if (insert_entry(b, parent, final, *final_len, kind, target, &placed) != 0)
			return -1;
		*next = n;
	}
	return 0;
}

/* Creates a virtual folder named name (cleaned, numbered if taken) in parent. */
static int64_t add_dir(struct build *b, int64_t parent, const char *name, size_t len, int kind,
                       int64_t ref)
{
	char final[NAMES_MAX + 1] = "";
	size_t flen = parent >= 0 ? names_clean(name, len, NAMES_MAX, final) : 0;
	int64_t vid = b->next_vid;
	bool placed = true;
	if (parent >= 0 && insert_entry(b, parent, final, flen, ENTRY_DIR, vid, &placed) != 0)
		return -1;
	unsigned next = 2;
	if (!placed && place_numbered(b, parent, name, len, NAMES_MAX, ENTRY_DIR, vid, &next, final,
	                              &flen) != 0)
		return -1;
	if (store_view_tables_add_dir(b->t, vid, parent, final, flen, kind, ref) != 0)
		return -1;
	b->next_vid++;
	return vid;
}

static int out_of_memory(struct build *b)
{
	if (b->err && b->errlen)
		snprintf(b->err, b->errlen, "views: out of memory");
	return -1;
}

/* One folder's media entries while they are named: names live in one buffer
 * (offsets, so it may grow) until the folder is complete; then the set of
 * taken names points into it, and numbered names get their own copies. */
struct folder {
	int64_t parent;
	struct textbuf buf;
	struct named {
		int64_t target; /* files.id; -1 for a name the folder already had */
		size_t off, len;
		const char *name; /* final name, set once the buffer is frozen */
		bool collided;
	} * rows;
	size_t n, cap;
	struct strmap taken, last; /* last: " (n)" used per colliding name */
	char **copies;             /* numbered names, freed with the folder */
	size_t n_copies, copies_cap;
};

static int folder_add(struct folder *f, int64_t target, const char *name, size_t len, size_t max)
{
	size_t off;
	if (grow_array((void **)&f->rows, &f->cap, f->n + 1, sizeof *f->rows) != 0 ||
	    textbuf_reserve(&f->buf, NAMES_MAX + 1, &off) != 0)
		return -1;
	size_t clean = target < 0 ? (len > NAMES_MAX ? NAMES_MAX : len) : 0;
	if (target < 0)
		memcpy(f->buf.p + off, name, clean);
	else
		clean = names_clean(name, len, max, f->buf.p + off);
	f->buf.len = off + clean; /* give back what the name did not use */
	f->rows[f->n++] = (struct named){.target = target, .off = off, .len = clean};
	return 0;
}

static void folder_reset(struct folder *f)
{
	for (size_t i = 0; i < f->n_copies; i++)
		free(f->copies[i]);
	f->n_copies = 0; /* the array itself is kept for the next folder */
	strmap_free(&f->taken);
	strmap_free(&f->last);
	memset(&f->taken, 0, sizeof f->taken);
	memset(&f->last, 0, sizeof f->last);
	f->n = 0;
	f->buf.len = 0;
}

static void folder_free(struct folder *f)
{
	folder_reset(f);
	free(f->rows);
	free(f->copies);
	textbuf_free(&f->buf);
}

/* The names the folder already holds (its sub-folders in originals/). */
static int add_existing(void *ctx, const char *name, size_t len)
{
	return folder_add(ctx, -1, name ? name : "", len, NAMES_MAX);
}

static int folder_load_existing(struct build *b, struct folder *f)
{
	int rc = store_view_tables_names_in(b->t, f->parent, add_existing, f);
	return rc == 0 ? 0 : out_of_memory(b);
}

/* Gives each collided row the first free " (n)", in row order; the last
 * number used per name is remembered so a thousand "image.jpg" stay linear. */
static int folder_number_collisions(struct folder *f, size_t max)
{
	char numbered[NAMES_MAX + 1];
	for (size_t i = 0; i < f->n; i++) {
		struct named *r = &f->rows[i];
		if (!r->collided)
			continue;
		unsigned n = (unsigned)strmap_get(&f->last, r->name, r->len, 1) + 1;
		size_t len = 0;
		for (;; n++) {
			if (n > 10000000)
				return -1;
			len = names_numbered(r->name, r->len, n, max, numbered);
			if (strmap_get(&f->taken, numbered, len, -1) < 0)
				break;
		}
		char *copy = NULL;
		if (grow_array((void **)&f->copies, &f->copies_cap, f->n_copies + 1,
		               sizeof *f->copies) != 0 ||
		    !(copy = malloc(len + 1)))
			return -1;
		f->copies[f->n_copies++] = memcpy(copy, numbered, len + 1);
		if (strmap_put(&f->last, r->name, r->len, n) != 0 ||
		    strmap_put(&f->taken, copy, len, 1) != 0)
			return -1;
		r->name = copy;
		r->len = len;
	}
	return 0;
}

/* The entries table's key order. */
static int compare_names(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	return ustr_bytes_cmp(a->name, a->len, b->name, b->len);
}

/* Writes the folder's media rows (not the names it already had),
 * STORE_VIEW_BATCH at a time. */
static int insert_folder_entries(struct build *b, struct folder *f)
{
	struct store_view_name batch[STORE_VIEW_BATCH];
	size_t k = 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct named *r = &f->rows[i];
		if (r->target < 0)
			continue;
		batch[k++] = (struct store_view_name){r->name, r->len, r->target};
		if (k == STORE_VIEW_BATCH &&
		    store_view_tables_add_media(b->t, f->parent, batch, k) != 0)
			return -1;
		k %= STORE_VIEW_BATCH;
	}
	return store_view_tables_add_media(b->t, f->parent, batch, k);
}

/* Names every row of the folder, then inserts them in key order, which is
 * several times cheaper for the b-tree than the order they were listed in. */
static int folder_flush(struct build *b, struct folder *f, size_t max)
{
	for (size_t i = 0; i < f->n; i++) {
		struct named *r = &f->rows[i];
		r->name = f->buf.p + r->off;
		r->collided = strmap_get(&f->taken, r->name, r->len, -1) >= 0;
		if (!r->collided && strmap_put(&f->taken, r->name, r->len, 1) != 0)
			goto oom;
	}
	if (folder_number_collisions(f, max) != 0)
		goto oom;
	qsort(f->rows, f->n, sizeof *f->rows, compare_names);
	if (insert_folder_entries(b, f) != 0)
		return -1;
	folder_reset(f);
	return 0;
oom:
	return store_view_tables_fail(b->t, "out of memory or too many equal names");
}

/* Media rows arrive grouped by folder (parent vid) and, within one, in
 * (taken, source path) order: each folder is named and written when the
 * next one starts, so one folder is held in memory at a time. */
static int place_row(struct build *b, struct folder *f, int64_t parent, int64_t target,
                     const char *name, size_t len, size_t max)
{
	if (parent != f->parent) {
		if (f->parent >= 0 && folder_flush(b, f, max) != 0)
			return -1;
		f->parent = parent;
		if (folder_load_existing(b, f) != 0)
			return -1;
	}
	return folder_add(f, target, name, len, max) == 0 ? 0 : out_of_memory(b);
}

/* Ends a run of place_row: writes the last folder when all went well (rc 0),
 * frees the folder either way, and returns the run's result. */
static int place_last_folder(struct build *b, struct folder *f, size_t max, int rc)
{
	if (rc == 0 && f->parent >= 0)
		rc = folder_flush(b, f, max);
	folder_free(f);
	return rc;
}

/* A run of media rows (parent vid, files.id, name) through one folder. */
struct media_run {
	struct build *b;
	struct folder f;
	size_t max;
};

static int place_listed(void *ctx, int64_t vid, int64_t file_id, const char *name, size_t len)
{
	struct media_run *run = ctx;
	return place_row(run->b, &run->f, vid, file_id, name ? name : "", len, run->max);
}

/* --- the views --- */

/* The items in (key, rank) order, where rank is their place in the items'
 * (taken, source path) order, so each folder's rows keep that order. */
struct keyed {
	const char *key;
	size_t len, rank;
};

static int by_key_then_rank(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c = ustr_bytes_cmp(a->key, a->len, b->key, b->len);
	return c ? c : (a->rank > b->rank) - (a->rank < b->rank);
}

static struct keyed *sort_items_by(const struct view_items *items, bool by_camera)
{
	struct keyed *k = malloc((items->n ? items->n : 1) * sizeof *k);
	if (!k)
		return NULL;
	for (size_t i = 0; i < items->n; i++) {
		const struct view_item *v = &items->v[i];
		if (!by_camera)
			k[i] = (struct keyed){v->month, 7, i};
		else if (v->camera_len)
			k[i] = (struct keyed){items->text + v->camera, v->camera_len, i};
		else
			k[i] = (struct keyed){CAMERA_UNKNOWN, strlen(CAMERA_UNKNOWN), i};
	}
	qsort(k, items->n, sizeof *k, by_key_then_rank);
	return k;
}

/* A folder per distinct key (a year folder above each month for by-date),
 * in key order, holding its items. */
static int place_items_by_key(struct build *b, int64_t top, const struct view_items *items,
                              bool by_camera)
{
	struct keyed *k = sort_items_by(items, by_camera);
	if (!k)
		return out_of_memory(b);
	struct folder f = {.parent = -1};
	int64_t vid = -1, year_vid = -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < items->n; i++) {
		bool new_key =
		    i == 0 || by_key_then_rank(&(struct keyed){k[i].key, k[i].len, 0},
		                               &(struct keyed){k[i - 1].key, k[i - 1].len, 0}) != 0;
		if (new_key && by_camera) {
			vid = add_dir(b, top, k[i].key, k[i].len, VD_CAMERA, -1);
		} else if (new_key) {
			if (i == 0 || memcmp(k[i].key, k[i - 1].key, 4) != 0)
				year_vid = add_dir(b, top, k[i].key, 4, VD_YEAR, -1);
			vid = year_vid < 0 ? -1 : add_dir(b, year_vid, k[i].key, 7, VD_MONTH, -1);
		}
		if (vid < 0) {
			rc = -1;
			break;
		}
		const struct view_item *v = &items->v[k[i].rank];
		rc = place_row(b, &f, vid, v->target, items->text + v->name, v->name_len,
		               NAMES_MEDIA_MAX);
	}
	rc = place_last_folder(b, &f, NAMES_MEDIA_MAX, rc);
	free(k);
	return rc;
}

static int build_favorites(struct build *b, int64_t top, const struct view_items *items)
{
	struct folder f = {.parent = -1};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < items->n; i++) {
		const struct view_item *v = &items->v[i];
		if (v->favorite)
			rc = place_row(b, &f, top, v->target, items->text + v->name, v->name_len,
			               NAMES_MEDIA_MAX);
	}
	return place_last_folder(b, &f, NAMES_MEDIA_MAX, rc);
}

/* A folder per person the sidecars name (cleaned and numbered as album
 * folders are), holding the items that name them. */
static int build_by_person(struct build *b, int64_t top, const struct view_items *items)
{
	struct people p;
	if (people_load(b->db, FOLDER_TRASH, items, &p, b->err, b->errlen) != 0)
		return -1;
	struct folder f = {.parent = -1};
	int64_t vid = -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < p.n; i++) {
		const struct person_item *e = &p.v[i];
		if (i == 0 || !people_same_name(&p, i - 1, i))
			vid = add_dir(b, top, p.text + e->name, e->name_len, VD_PERSON, -1);
		if (vid < 0) {
			rc = -1;
			break;
		}
		const struct view_item *v = &items->v[e->rank];
		rc = place_row(b, &f, vid, v->target, items->text + v->name, v->name_len,
		               NAMES_MEDIA_MAX);
	}
	rc = place_last_folder(b, &f, NAMES_MEDIA_MAX, rc);
	people_free(&p);
	return rc;
}

/* The albums' folders while they are made, in by-album/ (top). */
struct albums {
	struct build *b;
	int64_t top;
};

/* Untitled albums take the name of their (first) folder; albums sharing a
 * title are numbered in the order of their logical paths. */
static int add_album(void *ctx, int64_t id, const char *title, size_t len)
{
	struct albums *a = ctx;
	int64_t vid = add_dir(a->b, a->top, title ? title : "", len, VD_ALBUM, id);
	return vid < 0 ? -1 : store_view_tables_remember(a->b->t, STORE_MAP_ALBUM, id, vid);
}

static int build_by_album(struct build *b, int64_t top)
{
	int rc = store_view_tables_albums(b->t, add_album, &(struct albums){b, top});
	if (rc != 0)
		return rc;
	struct media_run run = {.b = b, .f = {.parent = -1}, .max = NAMES_MEDIA_MAX};
	rc = store_view_tables_album_media(b->t, FOLDER_TRASH, place_listed, &run);
	return place_last_folder(b, &run.f, NAMES_MEDIA_MAX, rc);
}

/* originals/ rows, sorted here rather than by SQLite: a third of the time
 * for the largest view. */
struct orig_row {
	int64_t vid, id;
	size_t name, len; /* in orig_rows.text */
};

struct orig_rows {
	struct orig_row *v;
	size_t n, cap;
	struct textbuf text;
};

static int orig_rows_add(struct orig_rows *r, int64_t vid, int64_t id, const void *name, size_t len)
{
	size_t off;
	if (grow_array((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v) != 0 ||
	    textbuf_add(&r->text, name, len, &off) != 0)
		return -1;
	r->v[r->n++] = (struct orig_row){vid, id, off, len};
	return 0;
}

/* originals/ while it is built: its folder (top) and the files collected. */
struct build_orig {
	struct build *b;
	int64_t top;
	struct orig_rows rows;
};

/* (folder, name as SQLite orders BLOBs, file id). */
static int by_folder_name_id(const void *pa, const void *pb, void *text)
{
	const struct orig_row *a = pa, *b = pb;
	if (a->vid != b->vid)
		return a->vid < b->vid ? -1 : 1;
	const char *t = text;
	int c = ustr_bytes_cmp(t + a->name, a->len, t + b->name, b->len);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

/* Collects a media file for originals/. */
static int add_orig_row(void *ctx, int64_t vid, int64_t file_id, const char *name, size_t len)
{
	struct build_orig *o = ctx;
	return orig_rows_add(&o->rows, vid, file_id, name, len) == 0 ? 0 : out_of_memory(o->b);
}

/* Every media file under the folder made for its source directory, in
 * (name, id) order within each. */
static int place_source_files(struct build *b)
{
	struct build_orig o = {.b = b};
	int rc = store_view_tables_source_files(b->t, add_orig_row, &o);
	struct orig_rows rows = o.rows;
	if (rc == 0 && rows.n > 1)
		qsort_r(rows.v, rows.n, sizeof *rows.v, by_folder_name_id, rows.text.p);
	struct folder f = {.parent = -1};
	for (size_t i = 0; rc == 0 && i < rows.n; i++)
		rc = place_row(b, &f, rows.v[i].vid, rows.v[i].id, rows.text.p + rows.v[i].name,
		               rows.v[i].len, NAMES_MAX);
	rc = place_last_folder(b, &f, NAMES_MAX, rc);
	free(rows.v);
	textbuf_free(&rows.text);
	return rc;
}

/* Makes the folder of one source folder under the one made for its parent
 * (originals/ itself for SOURCE and when there is none). */
static int add_orig_dir(void *ctx, const struct store_view_folder *d)
{
	struct build_orig *o = ctx;
	int64_t vid;
	if (d->is_top) {
		vid = o->top;
	} else {
		int64_t parent = d->has_parent ? store_view_tables_recall(o->b->t, STORE_MAP_DIR,
		                                                          d->parent, o->top)
		                               : o->top;
		vid =
		    add_dir(o->b, parent, d->name ? d->name : "", d->name_len, VD_ORIG_DIR, d->id);
	}
	return vid < 0 ? -1 : store_view_tables_remember(o->b->t, STORE_MAP_DIR, d->id, vid);
}

static int build_originals(struct build *b, int64_t top)
{
	/* Only the folders that lead to media, parents first. */
	int rc = store_view_tables_source_folders(b->t, add_orig_dir,
	                                          &(struct build_orig){.b = b, .top = top});
	if (rc != 0)
		return rc;
	return place_source_files(b);
}

static int build_status(struct build *b, int64_t root)
{
	int64_t vid = add_dir(b, root, ".takeoutfs", 10, VD_STATUS_DIR, -1);
	bool placed;
	if (vid < 0)
		return -1;
	return insert_entry(b, vid, "status.json", 11, ENTRY_STATUS, 1, &placed);
}

static int build_all(struct build *b, store_db *db)
{
	int64_t root = add_dir(b, -1, "", 0, VD_ROOT, -1);
	if (root != 0)
		return -1;
	int64_t by_date = add_dir(b, root, "by-date", 7, VD_BY_DATE, -1);
	int64_t by_camera = add_dir(b, root, "by-camera", 9, VD_BY_CAMERA, -1);
	int64_t by_album = add_dir(b, root, "by-album", 8, VD_BY_ALBUM, -1);
	int64_t favorites = add_dir(b, root, "favorites", 9, VD_FAVORITES, -1);
	int64_t originals = add_dir(b, root, "originals", 9, VD_ORIGINALS, -1);
	int64_t by_person = add_dir(b, root, "by-person", 9, VD_BY_PERSON, -1);
	if (by_date < 0 || by_camera < 0 || by_album < 0 || favorites < 0 || originals < 0 ||
	    by_person < 0)
		return -1;
	struct view_items items;
	if (view_items_load(db, FOLDER_TRASH, &items, b->err, b->errlen) != 0)
		return -1;
	int rc = build_status(b, root) != 0 || place_items_by_key(b, by_date, &items, false) != 0 ||
	                 place_items_by_key(b, by_camera, &items, true) != 0 ||
	                 build_by_album(b, by_album) != 0 ||
	                 build_favorites(b, favorites, &items) != 0 ||
	                 build_by_person(b, by_person, &items) != 0 ||
	                 build_originals(b, originals) != 0
	             ? -1
	             : 0;
	view_items_free(&items);
	return rc;
}

int views_build(store_db *db, const char *tz, char *err, size_t errlen)
{
	struct build b = {.db = db, .err = err, .errlen = errlen};
	if (!(b.t = store_view_tables_begin(db, err, errlen)))
		return -1;
	int rc = store_view_tables_end(b.t, build_all(&b, db) == 0);
	if (rc == 0 && store_meta_set(db, "views_tz", tz ? tz : "") != 0) {
		snprintf(err, errlen, "views: record tz: %s", store_errmsg(db));
		rc = -1;
	}
	return rc;
}
