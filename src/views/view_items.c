/* Loads the distinct live items for the date, camera and favorites views in
 * one scan of the store, then groups and orders them in memory: one table
 * scan and two sorts in C replace two temporary tables and three sorted
 * queries, which took half of views_build's time. */
#include "views/view_items.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/live.h"
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
	size_t n_dirs, dirs_cap;
};

/* Failures below: -1 is SQLite's (its message says why), this one is ours. */
#define OUT_OF_MEMORY (-2)

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

static int add_row(void *ctx, const struct store_live_file *f)
{
	struct loader *l = ctx;
	if (grow_array((void **)&l->rows, &l->cap, l->n + 1, sizeof *l->rows) != 0)
		return OUT_OF_MEMORY;
	struct row *r = &l->rows[l->n];
	memset(r, 0, sizeof *r);
	r->id = f->id;
	r->item = f->item;
	r->favorite = f->favorite;
	r->has_taken = f->has_taken;
	r->taken = f->taken;
	r->dir_id = f->dir_id;
	view_month(r->has_taken, r->taken, f->has_offset, f->offset_minutes, f->mtime_ns, r->month);
	size_t name_len = f->name_len;
	if (name_len > UINT16_MAX)
		name_len =
		    UINT16_MAX; /* names longer than NAME_MAX are cut by names_clean anyway */
	char camera[NAMES_MAX + 1];
	size_t camera_len = camera_name(f->make, f->model, camera, sizeof camera);
	if (textbuf_add(&l->text, f->name, name_len, &r->name) != 0 ||
	    textbuf_add(&l->text, camera, camera_len, &r->camera) != 0)
		return OUT_OF_MEMORY;
	r->name_len = (uint16_t)name_len;
	r->camera_len = (uint16_t)camera_len;
	l->n++;
	return 0;
}

static int add_dir(void *ctx, int64_t id, const void *path, size_t len)
{
	struct loader *l = ctx;
	if (grow_array((void **)&l->dirs, &l->dirs_cap, l->n_dirs + 1, sizeof *l->dirs) != 0)
		return OUT_OF_MEMORY;
	struct dir_path *d = &l->dirs[l->n_dirs++];
	d->id = id;
	d->len = len;
	return textbuf_add(&l->spath, path, len, &d->path) != 0 ? OUT_OF_MEMORY : 0;
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
		v->item = r->item;
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

int view_items_load(store_db *db, int trash_kind, struct view_items *out, char *err, size_t errlen)
{
	struct loader l = {0};
	memset(out, 0, sizeof *out);
	int rc = store_scan_live_files(db, trash_kind, add_row, &l);
	if (rc == 0)
		rc = store_scan_dir_paths(db, add_dir, &l);
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
		         rc == OUT_OF_MEMORY ? "out of memory" : store_errmsg(db));
	free_loader(&l);
	return rc == 0 ? 0 : -1;
}

void view_items_free(struct view_items *items)
{
	free(items->v);
	free(items->text);
	memset(items, 0, sizeof *items);
}
