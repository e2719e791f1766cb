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
#include "store/live.h"
#include "store/store.h"
#include "util/growbuf.h"
#include "util/strmap.h"
#include "util/ustr.h"
#include "views/camera.h"
#include "views/names.h"
#include "views/people.h"
#include "views/view_items.h"

static const char VIEW_SCHEMA_SQL[] =
    "CREATE TABLE IF NOT EXISTS vdirs("
    " id INTEGER PRIMARY KEY, parent INTEGER, name BLOB NOT NULL,"
    " kind INTEGER NOT NULL, ref INTEGER, nsub INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS entries("
    " parent INTEGER NOT NULL, name BLOB NOT NULL, kind INTEGER NOT NULL,"
    " target INTEGER NOT NULL, PRIMARY KEY(parent, name)) WITHOUT ROWID;"
    "DELETE FROM vdirs; DELETE FROM entries;";

/* The name of an untitled album is its folder's: found by album_id, for the
 * albums of an item in .meta. */

/* The source path of file f in dir d as one BLOB, for the (taken, source
 * path) order of numbering: compared byte by byte like the whole path. */
#define SOURCE_PATH_SQL                                                                            \
	"CAST(CASE WHEN length(d.path) = 0 THEN f.name"                                            \
	" ELSE CAST(d.path AS BLOB) || x'2f' || CAST(f.name AS BLOB) END AS BLOB)"

/* The working table of one build: the folder made for each key. */
static const char WORK_SQL[] =
    "DROP TABLE IF EXISTS temp.tfs_map;"
    "CREATE TEMP TABLE tfs_map(kind INTEGER, key INTEGER, vid INTEGER, PRIMARY KEY(kind, key));";

/* Keys of temp.tfs_map, which remembers the folder made for a month, a camera,
 * an album or a source directory. The key column is INTEGER so that album and
 * directory ids compare with the primary key's affinity and the index serves
 * the joins; months ("YYYY-MM" text) and cameras (BLOBs) are left unchanged by
 * that affinity. The media queries join with CROSS JOIN, which fixes the
 * order: without statistics the planner took the map as the outer loop and
 * scanned all files once per folder (1.5 s instead of 0.1 s for 124,000). */
enum map_kind { MAP_MONTH = 1, MAP_CAMERA, MAP_ALBUM, MAP_DIR };

#define ENTRY_BATCH 32

struct build {
	sqlite3 *db;
	int64_t next_vid;
	sqlite3_stmt *ins_vdir, *ins_entry, *ins_map, *names_in;
	sqlite3_stmt *ins_entries; /* ENTRY_BATCH media entries at once */
	char *err;
	size_t errlen;
};

static int fail(struct build *b, const char *what)
{
	if (b->err && b->errlen)
		snprintf(b->err, b->errlen, "views: %s: %s", what, sqlite3_errmsg(b->db));
	return -1;
}

/* --- placing entries --- */

static int insert_entry(struct build *b, int64_t parent, const char *name, size_t len, int kind,
                        int64_t target, bool *placed)
{
	sqlite3_stmt *st = b->ins_entry;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, parent);
	sqlite3_bind_blob(st, 2, name, (int)len, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, kind);
	sqlite3_bind_int64(st, 4, target);
	if (sqlite3_step(st) != SQLITE_DONE)
		return fail(b, "insert entry");
	*placed = sqlite3_changes(b->db) > 0;
	return 0;
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
	sqlite3_stmt *st = b->ins_vdir;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, vid);
	if (parent >= 0)
		sqlite3_bind_int64(st, 2, parent);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_blob(st, 3, final, (int)flen, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, kind);
	if (ref >= 0)
		sqlite3_bind_int64(st, 5, ref);
	else
		sqlite3_bind_null(st, 5);
	if (sqlite3_step(st) != SQLITE_DONE)
		return fail(b, "insert folder");
	b->next_vid++;
	return vid;
}

static int remember(struct build *b, enum map_kind kind, sqlite3_value *key, int64_t vid)
{
	sqlite3_stmt *st = b->ins_map;
	sqlite3_reset(st);
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_value(st, 2, key);
	sqlite3_bind_int64(st, 3, vid);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : fail(b, "remember folder");
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
static int folder_load_existing(struct build *b, struct folder *f)
{
	sqlite3_stmt *st = b->names_in;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, f->parent);
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = sqlite3_column_blob(st, 0);
		rc = folder_add(f, -1, name ? name : "", (size_t)sqlite3_column_bytes(st, 0),
		                NAMES_MAX);
	}
	sqlite3_reset(st);
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

/* Writes the folder's media rows (not the names it already had), ENTRY_BATCH
 * to a statement where it can: one statement step per row was a third of
 * the cost of an entry. */
static int insert_folder_entries(struct build *b, struct folder *f)
{
	size_t i = 0;
	while (i < f->n) {
		size_t batch[ENTRY_BATCH], k = 0, j = i;
		for (; j < f->n && k < ENTRY_BATCH; j++)
			if (f->rows[j].target >= 0)
				batch[k++] = j;
		if (k == ENTRY_BATCH) {
			sqlite3_stmt *st = b->ins_entries;
			sqlite3_reset(st);
			for (size_t m = 0; m < k; m++) {
				const struct named *r = &f->rows[batch[m]];
				int col = (int)m * 3;
				sqlite3_bind_int64(st, col + 1, f->parent);
				sqlite3_bind_blob(st, col + 2, r->name, (int)r->len, SQLITE_STATIC);
				sqlite3_bind_int64(st, col + 3, r->target);
			}
			if (sqlite3_step(st) != SQLITE_DONE)
				return fail(b, "insert entries");
		} else {
			for (size_t m = 0; m < k; m++) {
				const struct named *r = &f->rows[batch[m]];
				bool placed;
				if (insert_entry(b, f->parent, r->name, r->len, ENTRY_MEDIA,
				                 r->target, &placed) != 0)
					return -1;
			}
		}
		i = j;
	}
	return 0;
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
	if (b->err && b->errlen)
		snprintf(b->err, b->errlen, "views: out of memory or too many equal names");
	return -1;
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

/* Places the media rows of sel (parent vid, files.id, name). */
static int place_media(struct build *b, sqlite3_stmt *sel, size_t max)
{
	struct folder f = {.parent = -1};
	int rc = 0, step = SQLITE_DONE;
	while (rc == 0 && (step = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *name = sqlite3_column_blob(sel, 2);
		rc = place_row(b, &f, sqlite3_column_int64(sel, 0), sqlite3_column_int64(sel, 1),
		               name ? name : "", (size_t)sqlite3_column_bytes(sel, 2), max);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(b, "list media");
	rc = place_last_folder(b, &f, max, rc);
	sqlite3_reset(sel);
	return rc;
}

static int place_media_sql(struct build *b, const char *sql, int64_t bind, size_t max)
{
	sqlite3_stmt *sel;
	if (sqlite3_prepare_v2(b->db, sql, -1, &sel, NULL) != SQLITE_OK)
		return fail(b, "prepare media list");
	if (bind >= 0)
		sqlite3_bind_int64(sel, 1, bind);
	int rc = place_media(b, sel, max);
	sqlite3_finalize(sel);
	return rc;
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

static int build_by_album(struct build *b, int64_t top)
{
	/* Untitled albums take the name of their (first) folder; albums sharing
	 * a title are numbered in the order of their logical paths. */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        b->db,
	        "SELECT a.id, COALESCE(NULLIF(CAST(a.title AS BLOB), x''),"
	        "  (SELECT d.name FROM dirs d WHERE d.album_id = a.id ORDER BY d.path LIMIT 1))"
	        " FROM albums a WHERE EXISTS (SELECT 1 FROM dirs d WHERE d.album_id = a.id)"
	        " ORDER BY a.logical, a.id",
	        -1, &st, NULL) != SQLITE_OK)
		return fail(b, "list albums");
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *title = sqlite3_column_blob(st, 1);
		int64_t vid =
		    add_dir(b, top, title ? title : "", (size_t)sqlite3_column_bytes(st, 1),
		            VD_ALBUM, sqlite3_column_int64(st, 0));
		rc = vid < 0 ? -1 : remember(b, MAP_ALBUM, sqlite3_column_value(st, 0), vid);
	}
	sqlite3_finalize(st);
	if (rc != 0)
		return rc;
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT m.vid, f.id, f.name FROM"
	         " (SELECT d.album_id AS aid, MIN(f.id) AS fid FROM files f"
	         "  JOIN dirs d ON d.id = f.dir_id LEFT JOIN sidecars s ON s.id = f.sidecar_id"
	         "  WHERE d.album_id IS NOT NULL AND d.kind <> %d AND COALESCE(s.trashed, 0) = 0"
	         "  GROUP BY d.album_id, COALESCE(f.item_id, f.id)) g"
	         " CROSS JOIN tfs_map m ON m.kind = 3 AND m.key = g.aid"
	         " JOIN files f ON f.id = g.fid JOIN dirs d ON d.id = f.dir_id"
	         " ORDER BY m.vid, f.taken, " SOURCE_PATH_SQL ", f.id",
	         FOLDER_TRASH);
	return place_media_sql(b, sql, -1, NAMES_MEDIA_MAX);
}

/* Finds the folder made for source directory dir_id (or originals/ itself). */
static int64_t orig_parent(struct build *b, sqlite3_stmt *find, sqlite3_value *parent, int64_t top)
{
	(void)b;
	if (sqlite3_value_type(parent) == SQLITE_NULL)
		return top;
	sqlite3_reset(find);
	sqlite3_bind_value(find, 1, parent);
	int64_t vid = sqlite3_step(find) == SQLITE_ROW ? sqlite3_column_int64(find, 0) : top;
	sqlite3_reset(find);
	return vid;
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

/* Every media file under the folder made for its source directory, in
 * (name, id) order within each. */
static int place_source_files(struct build *b)
{
	sqlite3_stmt *sel;
	if (sqlite3_prepare_v2(b->db,
	                       "SELECT m.vid, f.id, f.name FROM files f"
	                       " CROSS JOIN tfs_map m ON m.kind = 4 AND m.key = f.dir_id",
	                       -1, &sel, NULL) != SQLITE_OK)
		return fail(b, "prepare media list");
	struct orig_rows rows = {0};
	int rc = 0, step;
	while (rc == 0 && (step = sqlite3_step(sel)) == SQLITE_ROW)
		if (orig_rows_add(&rows, sqlite3_column_int64(sel, 0), sqlite3_column_int64(sel, 1),
		                  sqlite3_column_blob(sel, 2),
		                  (size_t)sqlite3_column_bytes(sel, 2)) != 0)
			rc = out_of_memory(b);
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(b, "list media");
	sqlite3_finalize(sel);
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

static int build_originals(struct build *b, int64_t top)
{
	/* Only the folders that lead to media: every folder holding a file and
	 * its ancestors, parents first (a path sorts before its extensions). */
	sqlite3_stmt *st, *find;
	if (sqlite3_prepare_v2(b->db,
	                       "WITH RECURSIVE need(id) AS (SELECT DISTINCT dir_id FROM files"
	                       " UNION SELECT d.parent FROM dirs d JOIN need n ON d.id = n.id"
	                       "  WHERE d.parent IS NOT NULL)"
	                       " SELECT d.id, d.parent, d.name, d.path FROM dirs d"
	                       " JOIN need ON need.id = d.id ORDER BY d.path",
	                       -1, &st, NULL) != SQLITE_OK)
		return fail(b, "list source folders");
	if (sqlite3_prepare_v2(b->db, "SELECT vid FROM tfs_map WHERE kind = 4 AND key = ?1", -1,
	                       &find, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return fail(b, "prepare folder map");
	}
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		int64_t vid;
		if (sqlite3_column_bytes(st, 3) == 0) {
			vid = top;
		} else {
			int64_t parent = orig_parent(b, find, sqlite3_column_value(st, 1), top);
			const char *name = sqlite3_column_blob(st, 2);
			vid = add_dir(b, parent, name ? name : "",
			              (size_t)sqlite3_column_bytes(st, 2), VD_ORIG_DIR,
			              sqlite3_column_int64(st, 0));
		}
		rc = vid < 0 ? -1 : remember(b, MAP_DIR, sqlite3_column_value(st, 0), vid);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(find);
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

static int build_all(struct build *b)
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
	if (view_items_load(b->db, FOLDER_TRASH, &items, b->err, b->errlen) != 0)
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
	if (rc != 0)
		return -1;
	return store_exec(b->db,
	                  "UPDATE vdirs SET nsub = (SELECT COUNT(*) FROM entries e"
	                  " WHERE e.parent = vdirs.id AND e.kind = 0);"
	                  "DROP TABLE temp.tfs_map;",
	                  b->err, b->errlen);
}

static int prepare_entry_batch(sqlite3 *db, sqlite3_stmt **st)
{
	char sql[64 + ENTRY_BATCH * 24];
	size_t n = (size_t)snprintf(
	    sql, sizeof sql, "INSERT OR IGNORE INTO entries(parent, name, kind, target) VALUES");
	for (int i = 0; i < ENTRY_BATCH; i++)
		n += (size_t)snprintf(sql + n, sizeof sql - n, "%s(?,?,%d,?)", i ? "," : "",
		                      ENTRY_MEDIA);
	return sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK ? 0 : -1;
}

int views_build(sqlite3 *db, const char *tz, char *err, size_t errlen)
{
	struct build b = {.db = db, .err = err, .errlen = errlen};
	/* The serving queries need the store's secondary indexes (copies by
	 * item_id); creating them here is a no-op when the indexer already did. */
	if (store_exec(db, VIEW_SCHEMA_SQL, err, errlen) != 0 ||
	    store_exec(db, STORE_INDEXES_SQL, err, errlen) != 0 ||
	    store_index_dirs_by_album(db, err, errlen) != 0 ||
	    store_exec(db, WORK_SQL, err, errlen) != 0)
		return -1;
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO vdirs(id, parent, name, kind, ref) VALUES(?,?,?,?,?)",
	                       -1, &b.ins_vdir, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT OR IGNORE INTO entries(parent, name, kind, target)"
	                       " VALUES(?,?,?,?)",
	                       -1, &b.ins_entry, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO tfs_map(kind, key, vid) VALUES(?,?,?)",
	                       -1, &b.ins_map, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT name FROM entries WHERE parent = ?1", -1, &b.names_in,
	                       NULL) != SQLITE_OK ||
	    prepare_entry_batch(db, &b.ins_entries) != 0) {
		int rc = fail(&b, "prepare");
		sqlite3_finalize(b.ins_vdir);
		sqlite3_finalize(b.ins_entry);
		sqlite3_finalize(b.ins_map);
		sqlite3_finalize(b.names_in);
		return rc;
	}
	int rc = build_all(&b);
	sqlite3_finalize(b.ins_vdir);
	sqlite3_finalize(b.ins_entry);
	sqlite3_finalize(b.ins_map);
	sqlite3_finalize(b.names_in);
	sqlite3_finalize(b.ins_entries);
	if (rc == 0 && store_meta_set(db, "views_tz", tz ? tz : "") != 0)
		rc = fail(&b, "record tz");
	return rc;
}
