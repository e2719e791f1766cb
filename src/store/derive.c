/* The statements that end an index pass (store/derive.h). */
#include "store/derive.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

static int fail(sqlite3 *db, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", sqlite3_errmsg(db));
	return -1;
}

/* When archive parts hold several copies of an album's metadata, the first
 * by path wins: the choice depends on SOURCE alone, not on the order rows
 * were written in. */
static const char ALBUMS_SQL[] =
    "DELETE FROM albums;"
    "INSERT INTO albums(logical, title, description, date, meta_path)"
    " SELECT logical, title, description, taken, meta_path FROM ("
    "  SELECT d.logical, s.title, s.description, s.taken,"
    "   CAST(d.path || (CASE WHEN length(d.path) > 0 THEN '/' ELSE '' END) || s.name AS BLOB)"
    "    AS meta_path,"
    "   ROW_NUMBER() OVER (PARTITION BY d.logical ORDER BY d.path, s.name) AS rn"
    "  FROM sidecars s JOIN dirs d ON d.id = s.dir_id"
    "  WHERE s.kind = " STR(
        STORE_SIDECAR_ALBUM) " AND d.logical IS NOT NULL"
                             "  AND d.kind = " STR(
                                 STORE_FOLDER_PLAIN) ")"
                                                     " WHERE rn = 1;"
                                                     "UPDATE dirs SET album_id = (SELECT a.id FROM "
                                                     "albums a WHERE a.logical = dirs.logical);";

int store_build_albums(sqlite3 *db, char *err, size_t errlen)
{
	return store_exec(db, ALBUMS_SQL, err, errlen);
}

/* --- items --- */

/* There is no index on ident: it would cost 20 bytes per item of store for
 * 0.05 s here. Every file of an unshared key is its own item, which one
 * UPDATE settles (a third of the rows instead of all of them). */
#define SHARED_IDENTS_SQL "(SELECT ident FROM temp.shared_idents)"

int store_items_begin(sqlite3 *db, char *err, size_t errlen)
{
	return store_exec(db,
	                  "DROP TABLE IF EXISTS temp.shared_idents;"
	                  "CREATE TEMP TABLE shared_idents(ident INTEGER PRIMARY KEY);"
	                  "INSERT INTO temp.shared_idents SELECT ident FROM files"
	                  " WHERE ident IS NOT NULL GROUP BY ident HAVING COUNT(*) > 1;"
	                  "UPDATE files SET item_id = id WHERE item_id IS NOT id"
	                  " AND (ident IS NULL OR ident NOT IN " SHARED_IDENTS_SQL ");",
	                  err, errlen);
}

int store_items_scan(sqlite3 *db, int (*fn)(void *ctx, const struct store_item_member *m),
                     void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
	                       "SELECT f.id, f.ident, f.item_id, d.kind,"
	                       " length(d.path) + length(f.name), d.path, f.name,"
	                       " COALESCE(f.crc32, -1)"
	                       " FROM files f JOIN dirs d ON d.id = f.dir_id"
	                       " WHERE f.ident IN " SHARED_IDENTS_SQL " ORDER BY f.ident",
	                       -1, &st, NULL) != SQLITE_OK)
		return fail(db, err, errlen);
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		struct store_item_member m = {
		    .id = sqlite3_column_int64(st, 0),
		    .ident = sqlite3_column_int64(st, 1),
		    .item_id = sqlite3_column_int64(st, 2),
		    .dir_kind = sqlite3_column_int(st, 3),
		    .path_len = sqlite3_column_int64(st, 4),
		    .dir = sqlite3_column_blob(st, 5),
		    .dir_len = (size_t)sqlite3_column_bytes(st, 5),
		    .name = sqlite3_column_blob(st, 6),
		    .name_len = (size_t)sqlite3_column_bytes(st, 6),
		    .crc = sqlite3_column_int64(st, 7),
		};
		rc = fn(ctx, &m);
	}
	sqlite3_finalize(st);
	if (rc != 0)
		snprintf(err, errlen, "out of memory");
	return rc ? -1 : 0;
}

int store_items_set(sqlite3 *db, const int64_t *pairs, size_t n, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "UPDATE files SET item_id=?2 WHERE id=?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return fail(db, err, errlen);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, pairs[2 * i]);
		sqlite3_bind_int64(st, 2, pairs[2 * i + 1]);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	if (rc != 0)
		fail(db, err, errlen);
	sqlite3_finalize(st);
	return rc;
}

int store_items_end(sqlite3 *db, char *err, size_t errlen)
{
	return store_exec(db, "DROP TABLE temp.shared_idents;", err, errlen);
}

/* --- the files whose taken time is due again --- */

int store_relink_begin(sqlite3 *db, bool all, const int64_t *ids, size_t n, char *err,
                       size_t errlen)
{
	if (store_exec(db,
	               "DROP TABLE IF EXISTS temp.relink;"
	               "CREATE TEMP TABLE relink(id INTEGER PRIMARY KEY);",
	               err, errlen) != 0)
		return -1;
	if (all)
		return store_exec(db, "INSERT INTO temp.relink SELECT id FROM files;", err, errlen);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.relink VALUES(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return fail(db, err, errlen);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = fail(db, err, errlen);
	}
	sqlite3_finalize(st);
	return rc;
}

static const char BORROW_SQL[] =
    "INSERT OR IGNORE INTO temp.relink SELECT id FROM files WHERE match_rule = " STR(
        STORE_RULE_COPY) ";"
                         "UPDATE files SET sidecar_id = NULL, match_rule = NULL WHERE match_rule "
                         "= " STR(
                             STORE_RULE_COPY) ";"
                                              "UPDATE files SET match_rule = " STR(
                                                  STORE_RULE_COPY) ", sidecar_id = ("
                                                                   "  SELECT f2.sidecar_id FROM "
                                                                   "files f2 JOIN dirs d2 ON d2.id "
                                                                   "= f2.dir_id"
                                                                   "  WHERE f2.item_id = "
                                                                   "files.item_id AND "
                                                                   "f2.sidecar_id IS NOT NULL"
                                                                   "  ORDER BY f2.match_rule, "
                                                                   "d2.path, f2.name LIMIT 1)"
                                                                   " WHERE sidecar_id IS NULL AND "
                                                                   "EXISTS (SELECT 1 FROM files f2"
                                                                   "  WHERE f2.item_id = "
                                                                   "files.item_id AND "
                                                                   "f2.sidecar_id IS NOT NULL);"
                                                                   "INSERT OR IGNORE INTO "
                                                                   "temp.relink SELECT id FROM "
                                                                   "files WHERE match_rule = " STR(
                                                                       STORE_RULE_COPY) ";";

int store_borrow_copy_sidecars(sqlite3 *db, char *err, size_t errlen)
{
	return store_exec(db, BORROW_SQL, err, errlen);
}

static const char *column_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

int store_retake(sqlite3 *db,
                 void (*decide)(void *ctx, const struct store_taken_inputs *in, int64_t *utc,
                                int *offset_minutes, int *source),
                 void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *sel, *upd;
	if (sqlite3_prepare_v2(db,
	                       "SELECT f.id, f.name, f.mtime_ns, f.date_time_original,"
	                       " f.offset_time_original, f.container_time, s.taken,"
	                       " f.creation_date"
	                       " FROM temp.relink r JOIN files f ON f.id = r.id"
	                       " LEFT JOIN sidecars s ON s.id = f.sidecar_id",
	                       -1, &sel, NULL) != SQLITE_OK)
		return fail(db, err, errlen);
	if (sqlite3_prepare_v2(db,
	                       "UPDATE files SET taken=?2, taken_offset=?3, taken_source=?4"
	                       " WHERE id=?1",
	                       -1, &upd, NULL) != SQLITE_OK) {
		sqlite3_finalize(sel);
		return fail(db, err, errlen);
	}
	int rc = 0;
	while (sqlite3_step(sel) == SQLITE_ROW) {
		struct store_taken_inputs in = {
		    .date_time_original = column_text(sel, 3),
		    .offset_time_original = column_text(sel, 4),
		    .creation_date = column_text(sel, 7),
		    .has_container_time = sqlite3_column_type(sel, 5) != SQLITE_NULL,
		    .container_time = sqlite3_column_int64(sel, 5),
		    .has_sidecar_taken = sqlite3_column_type(sel, 6) != SQLITE_NULL,
		    .sidecar_taken = sqlite3_column_int64(sel, 6),
		    .name = sqlite3_column_blob(sel, 1),
		    .name_len = (size_t)sqlite3_column_bytes(sel, 1),
		    .mtime_ns = sqlite3_column_int64(sel, 2),
		};
		int64_t utc = 0;
		int offset = 0, source = 0;
		decide(ctx, &in, &utc, &offset, &source);
		sqlite3_reset(upd);
		sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0));
		sqlite3_bind_int64(upd, 2, utc);
		sqlite3_bind_int(upd, 3, offset);
		sqlite3_bind_int(upd, 4, source);
		if (sqlite3_step(upd) != SQLITE_DONE) {
			rc = fail(db, err, errlen);
			break;
		}
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc;
}

int store_relink_end(sqlite3 *db, char *err, size_t errlen)
{
	return store_exec(db, "DROP TABLE IF EXISTS temp.relink;", err, errlen);
}

/* --- problems and counts --- */

int store_replace_problems(sqlite3 *db, size_t n,
                           void (*get)(void *ctx, size_t i, const char **path, const char **what),
                           void *ctx, char *err, size_t errlen)
{
	if (store_exec(db, "DELETE FROM problems;", err, errlen) != 0)
		return -1;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "INSERT INTO problems(path, what) VALUES(?1, ?2)", -1, &st,
	                            NULL) == SQLITE_OK
	             ? 0
	             : -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *path, *what;
		get(ctx, i, &path, &what);
		sqlite3_reset(st);
		sqlite3_bind_blob(st, 1, path, (int)strlen(path), SQLITE_STATIC);
		sqlite3_bind_text(st, 2, what, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
	}
	if (rc)
		fail(db, err, errlen);
	sqlite3_finalize(st);
	return rc;
}

int64_t store_count(sqlite3 *db, enum store_count what)
{
	static const char *const SQL[] = {
	    [STORE_COUNT_MEDIA] = "SELECT COUNT(*) FROM files",
	    [STORE_COUNT_DISTINCT] = "SELECT COUNT(DISTINCT item_id) FROM files",
	    [STORE_COUNT_SIDECARS] =
	        "SELECT COUNT(*) FROM sidecars WHERE kind = " STR(STORE_SIDECAR_MEDIA),
	    [STORE_COUNT_MATCHED] = "SELECT COUNT(*) FROM files WHERE sidecar_id IS NOT NULL",
	    [STORE_COUNT_UNUSED_SIDECARS] = "SELECT COUNT(*) FROM sidecars WHERE kind = " STR(
	        STORE_SIDECAR_MEDIA) " AND id NOT IN"
	                             " (SELECT sidecar_id FROM files WHERE sidecar_id IS NOT NULL)",
	    [STORE_COUNT_ALBUMS] = "SELECT COUNT(*) FROM albums",
	    [STORE_COUNT_PROBLEMS] = "SELECT (SELECT COUNT(*) FROM problems)"
	                             " + (SELECT COUNT(*) FROM files WHERE problem IS NOT NULL)"
	                             " + (SELECT COUNT(*) FROM sidecars WHERE problem IS NOT NULL)",
	};
	return store_query_int(db, SQL[what], 0);
}
