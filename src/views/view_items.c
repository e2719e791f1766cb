/* Loads the distinct live items for the date, camera and favorites views in
 * one scan of the store, then groups and orders them in memory: one table
 * scan and two sorts in C replace two temporary tables and three sorted
 * queries, which took half of views_build's time. */
#include "views/view_items.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/growbuf.h"
#include "util/ustr.h"
#include "views/camera.h"
#include "views/names.h"

/* One live file while the items are formed. */
struct row {
	int64_t id, item, taken, dir_id;
	size_t name, camera, spath, spath_len;
	uint16_t name_len, camera_len;
	char month[8];
	bool favorite, has_taken;
};

struct loader {
	struct row *rows;
	size_t n, cap;
	struct textbuf text;  /* names and camera names, handed out */
	struct textbuf spath; /* source paths, for the order only */
	struct dir_path {
		int64_t id;
		size_t path, len; /* in spath */
	} * dirs;                 /* by id, for the source paths */
	size_t n_dirs;
};

/* Failures below: -1 is SQLite's (its message says why), this one is ours. */
#define OUT_OF_MEMORY (-2)

static const char LIVE_FILES_SQL[] =
    "SELECT f.id, COALESCE(f.item_id, f.id), COALESCE(s.favorited, 0), f.name, f.taken,"
    " f.taken_offset, f.mtime_ns, f.make, f.model, f.dir_id"
    " FROM files f JOIN dirs d ON d.id = f.dir_id"
    " LEFT JOIN sidecars s ON s.id = f.sidecar_id"
    " WHERE d.kind <> ?1 AND COALESCE(s.trashed, 0) = 0";

void view_month(bool has_taken, int64_t taken, bool has_offset, int64_t offset_minutes,
                int64_t mtime_ns, char out[8])
{
	time_t t = has_taken ? (time_t)taken : (time_t)(mtime_ns / 1000000000);
	struct tm tm;
	bool ok;
	if (has_taken && has_offset) {
		time_t local = t + (time_t)offset_minutes * 60;
		ok = gmtime_r(&local, &tm) != NULL;
	} else {
		ok = localtime_r(&t, &tm) != NULL;
	}
	int year = tm.tm_year + 1900, month = tm.tm_mon + 1;
	if (!ok || year < 0 || year > 9999 || month < 1 || month > 12) {
		memcpy(out, "0000-00", 8);
		return;
	}
	const char digits[] = "0123456789";
	char ym[8] = {digits[year / 1000],
	              digits[year / 100 % 10],
	              digits[year / 10 % 10],
	              digits[year % 10],
	              '-',
	              digits[month / 10],
	              digits[month % 10],
	              '\0'};
	memcpy(out, ym, sizeof ym);
}

static int add_row(struct loader *l, sqlite3_stmt *st)
{
	if (grow_array((void **)&l->rows, &l->cap, l->n + 1, sizeof *l->rows) != 0)
		return -1;
	struct row *r = &l->rows[l->n];
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->item = sqlite3_column_int64(st, 1);
	r->favorite = sqlite3_column_int(st, 2) != 0;
	r->has_taken = sqlite3_column_type(st, 4) != SQLITE_NULL;
	r->taken = sqlite3_column_int64(st, 4);
	r->dir_id = sqlite3_column_int64(st, 9);
	view_month(r->has_taken, r->taken, sqlite3_column_type(st, 5) != SQLITE_NULL,
	           sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6), r->month);
	size_t name_len = (size_t)sqlite3_column_bytes(st, 3);
	if (name_len > UINT16_MAX)
		name_len =
		    UINT16_MAX; /* names longer than NAME_MAX are cut by names_clean anyway */
	char camera[NAMES_MAX + 1];
	size_t camera_len =
	    camera_name((const char *)sqlite3_column_text(st, 7),
	                (const char *)sqlite3_column_text(st, 8), camera, sizeof camera);
	if (textbuf_add(&l->text, sqlite3_column_blob(st, 3), name_len, &r->name) != 0 ||
	    textbuf_add(&l->text, camera, camera_len, &r->camera) != 0)
		return -1;
	r->name_len = (uint16_t)name_len;
	r->camera_len = (uint16_t)camera_len;
	l->n++;
	return 0;
}

static int load_rows(sqlite3 *db, int trash_kind, struct loader *l)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, LIVE_FILES_SQL, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, trash_kind);
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (add_row(l, st) != 0) {
			rc = OUT_OF_MEMORY;
			break;
		}
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

static int load_dirs(sqlite3 *db, struct loader *l)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT id, path FROM dirs ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	int rc = 0, step = SQLITE_DONE;
	size_t cap = 0;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (grow_array((void **)&l->dirs, &cap, l->n_dirs + 1, sizeof *l->dirs) != 0) {
			rc = OUT_OF_MEMORY;
			break;
		}
		struct dir_path *d = &l->dirs[l->n_dirs++];
		d->id = sqlite3_column_int64(st, 0);
		d->len = (size_t)sqlite3_column_bytes(st, 1);
		if (textbuf_add(&l->spath, sqlite3_column_blob(st, 1), d->len, &d->path) != 0)
			rc = OUT_OF_MEMORY;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

/* The folder dir_id (dirs are in id order), or NULL. */
static const struct dir_path *find_dir(const struct loader *l, int64_t id)
{
	size_t lo = 0, hi = l->n_dirs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->dirs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n_dirs && l->dirs[lo].id == id ? &l->dirs[lo] : NULL;
}

/* The file's path below SOURCE (folder "/" name, or the name alone at the
 * top), compared byte by byte like the whole path. */
static int add_source_path(struct loader *l, struct row *r)
{
	const struct dir_path *d = find_dir(l, r->dir_id);
	size_t dir_len = d ? d->len : 0;
	size_t total = dir_len ? dir_len + 1 + r->name_len : r->name_len;
	size_t off;
	if (textbuf_reserve(&l->spath, total, &off) != 0)
		return -1;
	char *p = l->spath.p + off; /* after the reservation: it may move the buffer */
	if (dir_len) {
		memcpy(p, l->spath.p + d->path, dir_len);
		p[dir_len] = '/';
		p += dir_len + 1;
	}
	if (r->name_len)
		memcpy(p, l->text.p + r->name, r->name_len);
	r->spath = off;
	r->spath_len = total;
	return 0;
}

static int by_item_then_id(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	if (a->item != b->item)
		return a->item < b->item ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* The order of numbering: taken (unknown first), source path, file id. */
static int by_taken_then_path(const void *pa, const void *pb, void *spaths)
{
	const struct row *a = pa, *b = pb;
	const char *spath_base = spaths;
	if (a->has_taken != b->has_taken)
		return a->has_taken ? 1 : -1;
	if (a->taken != b->taken)
		return a->taken < b->taken ? -1 : 1;
	int c = ustr_bytes_cmp(spath_base + a->spath, a->spath_len, spath_base + b->spath,
	                       b->spath_len);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

/* Keeps one row per item (rows sorted by item, id): the file whose id is the
 * item id, else the first; a favorite when any file of the item is. */
static size_t keep_one_row_per_item(struct row *rows, size_t n)
{
	size_t kept = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i, pick = i;
		bool favorite = false;
		for (; j < n && rows[j].item == rows[i].item; j++) {
			favorite |= rows[j].favorite;
			if (rows[j].id == rows[j].item)
				pick = j;
		}
		rows[kept] = rows[pick];
		rows[kept].favorite = favorite;
		kept++;
		i = j;
	}
	return kept;
}

static void free_loader(struct loader *l)
{
	free(l->rows);
	textbuf_free(&l->text);
	textbuf_free(&l->spath);
	free(l->dirs);
}

static int hand_out(struct loader *l, struct view_items *out)
{
	out->v = malloc((l->n ? l->n : 1) * sizeof *out->v);
	if (!out->v)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		const struct row *r = &l->rows[i];
		struct view_item *v = &out->v[i];
		v->target = r->id;
		v->favorite = r->favorite;
		memcpy(v->month, r->month, sizeof v->month);
		v->name = r->name;
		v->name_len = r->name_len;
		v->camera = r->camera;
		v->camera_len = r->camera_len;
	}
	out->n = l->n;
	out->text = l->text.p;
	l->text.p = NULL;
	return 0;
}

int view_items_load(sqlite3 *db, int trash_kind, struct view_items *out, char *err, size_t errlen)
{
	struct loader l = {0};
	memset(out, 0, sizeof *out);
	int rc = load_rows(db, trash_kind, &l);
	if (rc == 0)
		rc = load_dirs(db, &l);
	if (rc == 0) {
		if (l.n > 1)
			qsort(l.rows, l.n, sizeof *l.rows, by_item_then_id);
		l.n = keep_one_row_per_item(l.rows, l.n);
		for (size_t i = 0; rc == 0 && i < l.n; i++)
			rc = add_source_path(&l, &l.rows[i]) == 0 ? 0 : OUT_OF_MEMORY;
	}
	if (rc == 0) {
		if (l.n > 1)
			qsort_r(l.rows, l.n, sizeof *l.rows, by_taken_then_path, l.spath.p);
		rc = hand_out(&l, out) == 0 ? 0 : OUT_OF_MEMORY;
	}
	if (rc != 0 && err && errlen)
		snprintf(err, errlen, "views: cannot list the items: %s",
		         rc == OUT_OF_MEMORY ? "out of memory" : sqlite3_errmsg(db));
	free_loader(&l);
	return rc == 0 ? 0 : -1;
}

void view_items_free(struct view_items *items)
{
	free(items->v);
	free(items->text);
	memset(items, 0, sizeof *items);
}
