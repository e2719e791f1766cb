/* Writing the view tables and the reads they are built from
 * (store/view_tables.h), for one views_build inside the indexer's
 * transaction. */
#include "store/view_tables.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/live.h"

static const char VIEW_SCHEMA_SQL[] =
    "CREATE TABLE IF NOT EXISTS vdirs("
    " id INTEGER PRIMARY KEY, parent INTEGER, name BLOB NOT NULL,"
    " kind INTEGER NOT NULL, ref INTEGER, nsub INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS entries("
    " parent INTEGER NOT NULL, name BLOB NOT NULL, kind INTEGER NOT NULL,"
    " target INTEGER NOT NULL, PRIMARY KEY(parent, name)) WITHOUT ROWID;"
    "DELETE FROM vdirs; DELETE FROM entries;";

/* The working table of one build: the folder made for each key. The key
 * column is INTEGER so that album and directory ids compare with the
 * primary key's affinity and the index serves the joins. The media queries
 * join with CROSS JOIN, which fixes the order: without statistics the
 * planner took the map as the outer loop and scanned all files once per
 * folder (1.5 s instead of 0.1 s for 124,000). */
static const char WORK_SQL[] =
    "DROP TABLE IF EXISTS temp.tfs_map;"
    "CREATE TEMP TABLE tfs_map(kind INTEGER, key INTEGER, vid INTEGER, PRIMARY KEY(kind, key));";

static const char END_SQL[] = "UPDATE vdirs SET nsub = (SELECT COUNT(*) FROM entries e"
                              " WHERE e.parent = vdirs.id AND e.kind = 0);"
                              "DROP TABLE temp.tfs_map;";

/* The source path of file f in dir d as one BLOB, for the (taken, source
 * path) order of numbering: compared byte by byte like the whole path. */
#define SOURCE_PATH_SQL                                                                            \
	"CAST(CASE WHEN length(d.path) = 0 THEN f.name"                                            \
	" ELSE CAST(d.path AS BLOB) || x'2f' || CAST(f.name AS BLOB) END AS BLOB)"

#define TEXT_OF(v) #v
#define TEXT(v)    TEXT_OF(v)

struct store_view_tables {
	sqlite3 *db;
	sqlite3_stmt *ins_vdir, *ins_entry, *ins_map, *names_in, *find_map;
	sqlite3_stmt *ins_entries; /* STORE_VIEW_BATCH media entries at once */
	char *err;
	size_t errlen;
};

_Static_assert(STORE_ENTRY_DIR == 0, "END_SQL counts entries of kind 0");

static int fail(struct store_view_tables *t, const char *what)
{
	if (t->err && t->errlen)
		snprintf(t->err, t->errlen, "views: %s: %s", what, sqlite3_errmsg(t->db));
	return -1;
}

int store_view_tables_fail(struct store_view_tables *t, const char *what)
{
	if (t->err && t->errlen)
		snprintf(t->err, t->errlen, "views: %s", what);
	return -1;
}

static int prepare_entry_batch(sqlite3 *db, sqlite3_stmt **st)
{
	char sql[64 + STORE_VIEW_BATCH * 24];
	size_t n = (size_t)snprintf(
	    sql, sizeof sql, "INSERT OR IGNORE INTO entries(parent, name, kind, target) VALUES");
	for (int i = 0; i < STORE_VIEW_BATCH; i++)
		n += (size_t)snprintf(sql + n, sizeof sql - n, "%s(?,?,%d,?)", i ? "," : "",
		                      STORE_ENTRY_MEDIA);
	return sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK ? 0 : -1;
}

static void finalize_all(struct store_view_tables *t)
{
	sqlite3_finalize(t->ins_vdir);
	sqlite3_finalize(t->ins_entry);
	sqlite3_finalize(t->ins_map);
	sqlite3_finalize(t->names_in);
	sqlite3_finalize(t->find_map);
	sqlite3_finalize(t->ins_entries);
	free(t);
}

struct store_view_tables *store_view_tables_begin(sqlite3 *db, char *err, size_t errlen)
{
	struct store_view_tables *t = calloc(1, sizeof *t);
	if (!t) {
		snprintf(err, errlen, "views: out of memory");
		return NULL;
	}
	*t = (struct store_view_tables){.db = db, .err = err, .errlen = errlen};
	if (store_exec(db, VIEW_SCHEMA_SQL, err, errlen) != 0 ||
	    store_exec(db, STORE_INDEXES_SQL, err, errlen) != 0 ||
	    store_index_dirs_by_album(db, err, errlen) != 0 ||
	    store_exec(db, WORK_SQL, err, errlen) != 0) {
		finalize_all(t);
		return NULL;
	}
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO vdirs(id, parent, name, kind, ref) VALUES(?,?,?,?,?)",
	                       -1, &t->ins_vdir, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT OR IGNORE INTO entries(parent, name, kind, target)"
	                       " VALUES(?,?,?,?)",
	                       -1, &t->ins_entry, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO tfs_map(kind, key, vid) VALUES(?,?,?)",
	                       -1, &t->ins_map, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT name FROM entries WHERE parent = ?1", -1, &t->names_in,
	                       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT vid FROM tfs_map WHERE kind = ?1 AND key = ?2", -1,
	                       &t->find_map, NULL) != SQLITE_OK ||
	    prepare_entry_batch(db, &t->ins_entries) != 0) {
		fail(t, "prepare");
		finalize_all(t);
		return NULL;
	}
	return t;
}

int store_view_tables_end(struct store_view_tables *t, bool ok)
{
	int rc = ok ? store_exec(t->db, END_SQL, t->err, t->errlen) : -1;
	finalize_all(t);
	return rc;
}

/* --- writes --- */

int store_view_tables_add_entry(struct store_view_tables *t, int64_t parent, const char *name,
                                size_t len, int kind, int64_t target, bool *placed)
{
	sqlite3_stmt *st = t->ins_entry;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, parent);
	sqlite3_bind_blob(st, 2, name, (int)len, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, kind);
	sqlite3_bind_int64(st, 4, target);
	if (sqlite3_step(st) != SQLITE_DONE)
		return fail(t, "insert entry");
	*placed = sqlite3_changes(t->db) > 0;
	return 0;
}

/* One statement step per row was a third of the cost of an entry. */
int store_view_tables_add_media(struct store_view_tables *t, int64_t parent,
                                const struct store_view_name *rows, size_t n)
{
	if (n != STORE_VIEW_BATCH) {
		for (size_t m = 0; m < n; m++) {
			bool placed;
			if (store_view_tables_add_entry(t, parent, rows[m].name, rows[m].len,
			                                STORE_ENTRY_MEDIA, rows[m].target,
			                                &placed) != 0)
				return -1;
		}
		return 0;
	}
	sqlite3_stmt *st = t->ins_entries;
	sqlite3_reset(st);
	for (size_t m = 0; m < n; m++) {
		int col = (int)m * 3;
		sqlite3_bind_int64(st, col + 1, parent);
		sqlite3_bind_blob(st, col + 2, rows[m].name, (int)rows[m].len, SQLITE_STATIC);
		sqlite3_bind_int64(st, col + 3, rows[m].target);
	}
	return sqlite3_step(st) == SQLITE_DONE ? 0 : fail(t, "insert entries");
}

int store_view_tables_add_dir(struct store_view_tables *t, int64_t vid, int64_t parent,
                              const char *name, size_t len, int kind, int64_t ref)
{
	sqlite3_stmt *st = t->ins_vdir;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, vid);
	if (parent >= 0)
		sqlite3_bind_int64(st, 2, parent);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_blob(st, 3, name, (int)len, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, kind);
	if (ref >= 0)
		sqlite3_bind_int64(st, 5, ref);
	else
		sqlite3_bind_null(st, 5);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : fail(t, "insert folder");
}

int store_view_tables_remember(struct store_view_tables *t, int kind, int64_t key, int64_t vid)
{
	sqlite3_stmt *st = t->ins_map;
	sqlite3_reset(st);
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int64(st, 2, key);
	sqlite3_bind_int64(st, 3, vid);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : fail(t, "remember folder");
}

int64_t store_view_tables_recall(struct store_view_tables *t, int kind, int64_t key,
                                 int64_t fallback)
{
	sqlite3_stmt *st = t->find_map;
	sqlite3_reset(st);
	sqlite3_bind_int(st, 1, kind);
	sqlite3_bind_int64(st, 2, key);
	int64_t vid = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : fallback;
	sqlite3_reset(st);
	return vid;
}

/* --- reads --- */

int store_view_tables_names_in(struct store_view_tables *t, int64_t parent,
                               int (*fn)(void *ctx, const char *name, size_t len), void *ctx)
{
	sqlite3_stmt *st = t->names_in;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, parent);
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = sqlite3_column_blob(st, 0);
		rc = fn(ctx, name, (size_t)sqlite3_column_bytes(st, 0));
	}
	sqlite3_reset(st);
	return rc;
}

int store_view_tables_albums(struct store_view_tables *t,
                             int (*fn)(void *ctx, int64_t id, const char *title, size_t len),
                             void *ctx)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        t->db,
	        "SELECT a.id, COALESCE(NULLIF(CAST(a.title AS BLOB), x''),"
	        "  (SELECT d.name FROM dirs d WHERE d.album_id = a.id ORDER BY d.path LIMIT 1))"
	        " FROM albums a WHERE EXISTS (SELECT 1 FROM dirs d WHERE d.album_id = a.id)"
	        " ORDER BY a.logical, a.id",
	        -1, &st, NULL) != SQLITE_OK)
		return fail(t, "list albums");
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *title = sqlite3_column_blob(st, 1);
		rc = fn(ctx, sqlite3_column_int64(st, 0), title,
		        (size_t)sqlite3_column_bytes(st, 1));
	}
	sqlite3_finalize(st);
	return rc;
}

/* Calls fn for each row (vid, files.id, name) of sel; a failed step is one. */
static int list_media(struct store_view_tables *t, sqlite3_stmt *sel, store_view_media_fn fn,
                      void *ctx)
{
	int rc = 0, step = SQLITE_DONE;
	while (rc == 0 && (step = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *name = sqlite3_column_blob(sel, 2);
		rc = fn(ctx, sqlite3_column_int64(sel, 0), sqlite3_column_int64(sel, 1), name,
		        (size_t)sqlite3_column_bytes(sel, 2));
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = fail(t, "list media");
	return rc;
}

int store_view_tables_album_media(struct store_view_tables *t, int trash_kind,
                                  store_view_media_fn fn, void *ctx)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT m.vid, f.id, f.name FROM"
	         " (SELECT d.album_id AS aid, MIN(f.id) AS fid FROM files f"
	         "  JOIN dirs d ON d.id = f.dir_id LEFT JOIN sidecars s ON s.id = f.sidecar_id"
	         "  WHERE d.album_id IS NOT NULL AND d.kind <> %d AND COALESCE(s.trashed, 0) = 0"
	         "  GROUP BY d.album_id, COALESCE(f.item_id, f.id)) g"
	         " CROSS JOIN tfs_map m ON m.kind = " TEXT(
	             STORE_MAP_ALBUM) " AND m.key = g.aid"
	                              " JOIN files f ON f.id = g.fid JOIN dirs d ON d.id = f.dir_id"
	                              " ORDER BY m.vid, f.taken, " SOURCE_PATH_SQL ", f.id",
	         trash_kind);
	sqlite3_stmt *sel;
	if (sqlite3_prepare_v2(t->db, sql, -1, &sel, NULL) != SQLITE_OK)
		return fail(t, "prepare media list");
	int rc = list_media(t, sel, fn, ctx);
	sqlite3_finalize(sel);
	return rc;
}

int store_view_tables_source_folders(struct store_view_tables *t,
                                     int (*fn)(void *ctx, const struct store_view_folder *d),
                                     void *ctx)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(t->db,
	                       "WITH RECURSIVE need(id) AS (SELECT DISTINCT dir_id FROM files"
	                       " UNION SELECT d.parent FROM dirs d JOIN need n ON d.id = n.id"
	                       "  WHERE d.parent IS NOT NULL)"
	                       " SELECT d.id, d.parent, d.name, d.path FROM dirs d"
	                       " JOIN need ON need.id = d.id ORDER BY d.path",
	                       -1, &st, NULL) != SQLITE_OK)
		return fail(t, "list source folders");
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		struct store_view_folder d;
		d.id = sqlite3_column_int64(st, 0);
		d.has_parent = sqlite3_column_type(st, 1) != SQLITE_NULL;
		d.parent = sqlite3_column_int64(st, 1);
		d.name = sqlite3_column_blob(st, 2);
		d.name_len = (size_t)sqlite3_column_bytes(st, 2);
		d.is_top = sqlite3_column_bytes(st, 3) == 0;
		rc = fn(ctx, &d);
	}
	sqlite3_finalize(st);
	return rc;
}

int store_view_tables_source_files(struct store_view_tables *t, store_view_media_fn fn, void *ctx)
{
	sqlite3_stmt *sel;
	if (sqlite3_prepare_v2(
	        t->db,
	        "SELECT m.vid, f.id, f.name FROM files f"
	        " CROSS JOIN tfs_map m ON m.kind = " TEXT(STORE_MAP_DIR) " AND m.key = f.dir_id",
	        -1, &sel, NULL) != SQLITE_OK)
		return fail(t, "prepare media list");
	int rc = list_media(t, sel, fn, ctx);
	sqlite3_finalize(sel);
	return rc;
}
