/* The reads behind NAME.meta and status.json (store/meta_rows.h): the
 * per-file statements prepared once per reader, the status reads prepared
 * per call (status.json is rendered once per mount). */
#include "store/meta_rows.h"

#include <assert.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#define COLUMN_FIRST(name, sql) sql
#define COLUMN_NEXT(name, sql)  ", " sql

static const char FILE_SQL[] = "SELECT " STORE_META_COLUMNS(
    COLUMN_FIRST, COLUMN_NEXT) " FROM files f JOIN dirs d ON d.id = f.dir_id"
                               " LEFT JOIN sidecars s ON s.id = f.sidecar_id LEFT JOIN dirs sd ON "
                               "sd.id = s.dir_id"
                               " WHERE f.id = ?1";

static const char COPIES_SQL[] =
    "SELECT d.path, f.name, f.crc32 FROM files f JOIN dirs d ON d.id = f.dir_id"
    " WHERE f.item_id = ?1 AND f.id <> ?2 ORDER BY d.path, f.name";

/* Untitled albums are called by their folder's name, as in by-album/. */
static const char ALBUMS_SQL[] =
    "SELECT COALESCE(NULLIF(CAST(a.title AS BLOB), x''),"
    "  (SELECT d2.name FROM dirs d2 WHERE d2.album_id = a.id ORDER BY d2.path LIMIT 1))"
    " FROM albums a WHERE a.id IN (SELECT d.album_id FROM files f"
    "  JOIN dirs d ON d.id = f.dir_id WHERE f.item_id = ?1 OR f.id = ?2)"
    " ORDER BY a.logical, a.id";

struct store_meta_reader {
	sqlite3_stmt *file, *copies, *albums;
};

static struct store_value column_value(sqlite3_stmt *st, int col)
{
	struct store_value v = {.type = STORE_NULL};
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		v.type = STORE_INTEGER;
		v.i = sqlite3_column_int64(st, col);
		v.d = (double)v.i;
		break;
	case SQLITE_FLOAT:
		v.type = STORE_REAL;
		v.d = sqlite3_column_double(st, col);
		v.i = sqlite3_column_int64(st, col);
		break;
	case SQLITE_NULL:
		break;
	case SQLITE_TEXT:
		v.type = STORE_TEXT;
		v.s = (const char *)sqlite3_column_text(st, col);
		v.len = (size_t)sqlite3_column_bytes(st, col);
		break;
	default: /* no NUL added: that would copy the bytes */
		v.type = STORE_BLOB;
		v.s = sqlite3_column_blob(st, col);
		v.len = (size_t)sqlite3_column_bytes(st, col);
	}
	return v;
}

struct store_meta_reader *store_meta_reader_open(sqlite3 *db, char *err, size_t errlen)
{
	struct store_meta_reader *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sqlite3_prepare_v3(db, FILE_SQL, -1, SQLITE_PREPARE_PERSISTENT, &r->file, NULL) ||
	    sqlite3_prepare_v3(db, COPIES_SQL, -1, SQLITE_PREPARE_PERSISTENT, &r->copies, NULL) ||
	    sqlite3_prepare_v3(db, ALBUMS_SQL, -1, SQLITE_PREPARE_PERSISTENT, &r->albums, NULL)) {
		snprintf(err, errlen, "cannot prepare the .meta queries: %s", sqlite3_errmsg(db));
		store_meta_reader_close(r);
		return NULL;
	}
	assert(sqlite3_column_count(r->file) == MC_COUNT); /* STORE_META_COLUMNS made both */
	return r;
}

void store_meta_reader_close(struct store_meta_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->file);
	sqlite3_finalize(r->copies);
	sqlite3_finalize(r->albums);
	free(r);
}

int store_meta_file(struct store_meta_reader *r, int64_t file_id,
                    int (*fn)(void *ctx, const struct store_value *col), void *ctx)
{
	sqlite3_stmt *st = r->file;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, file_id);
	int step = sqlite3_step(st), rc;
	if (step == SQLITE_ROW) {
		struct store_value col[MC_COUNT];
		for (int i = 0; i < MC_COUNT; i++)
			col[i] = column_value(st, i);
		rc = fn(ctx, col);
	} else {
		rc = step == SQLITE_DONE ? -ENOENT : -EIO;
	}
	sqlite3_reset(st);
	return rc;
}

int store_meta_copies(struct store_meta_reader *r, int64_t item, int64_t file_id,
                      void (*fn)(void *ctx, const struct store_meta_copy *c), void *ctx)
{
	sqlite3_stmt *q = r->copies;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, item);
	sqlite3_bind_int64(q, 2, file_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_meta_copy c;
		c.dir = sqlite3_column_blob(q, 0);
		c.dir_len = (size_t)sqlite3_column_bytes(q, 0);
		c.name = sqlite3_column_blob(q, 1);
		c.name_len = (size_t)sqlite3_column_bytes(q, 1);
		c.has_crc = sqlite3_column_type(q, 2) != SQLITE_NULL;
		c.crc = (uint32_t)(sqlite3_column_int64(q, 2) & 0xffffffffu);
		fn(ctx, &c);
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

int store_meta_albums(struct store_meta_reader *r, int64_t item, int64_t file_id,
                      void (*fn)(void *ctx, const struct store_value *name), void *ctx)
{
	sqlite3_stmt *q = r->albums;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, item);
	sqlite3_bind_int64(q, 2, file_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct store_value name = column_value(q, 0);
		fn(ctx, &name);
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

/* --- status.json --- */

static int count(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int store_status_counts(sqlite3 *db, struct store_status_counts *out)
{
	*out = (struct store_status_counts){0};
	int rc = 0;
	rc |= count(db, "SELECT COUNT(*) FROM files", &out->files);
	rc |= count(db, "SELECT COUNT(DISTINCT COALESCE(item_id, id)) FROM files", &out->items);
	rc |= count(db, "SELECT COUNT(*) FROM files WHERE sidecar_id IS NOT NULL",
	            &out->sidecars_matched);
	rc |= count(db, "SELECT COUNT(*) FROM files WHERE sidecar_id IS NULL", &out->unmatched);
	rc |= count(db, "SELECT COUNT(*) FROM albums", &out->albums);
	rc |= count(db,
	            "SELECT (SELECT COUNT(*) FROM problems)"
	            " + (SELECT COUNT(*) FROM files WHERE problem IS NOT NULL)"
	            " + (SELECT COUNT(*) FROM sidecars WHERE problem IS NOT NULL)",
	            &out->problems);
	return rc ? -1 : 0;
}

int store_status_meta(sqlite3 *db,
                      void (*fn)(void *ctx, const struct store_value *key,
                                 const struct store_value *value),
                      void *ctx)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta ORDER BY key", -1, &st, NULL))
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_value key = column_value(st, 0), value = column_value(st, 1);
		fn(ctx, &key, &value);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Identity collisions found by the full CRCs (fs/crc.c records them): the
 * file, and in "what" the other file it was wrongly grouped with. */
static const char CONFLICTS_SQL[] =
    "SELECT d.path, f.name, 'crc32 differs from its identity copy ' ||"
    "  CAST(CASE WHEN length(d2.path) = 0 THEN f2.name ELSE d2.path || '/' || f2.name END"
    "  AS TEXT)"
    " FROM crc_conflicts c JOIN files f ON f.id = c.file_id JOIN dirs d ON d.id = f.dir_id"
    " JOIN files f2 ON f2.id = c.other_id JOIN dirs d2 ON d2.id = f2.dir_id"
    " ORDER BY d.path, f.name LIMIT ?1";

static const char *const LIST_SQL[] = {
    [STORE_LIST_UNMATCHED] = "SELECT d.path, f.name FROM files f JOIN dirs d ON d.id = f.dir_id"
                             " WHERE f.sidecar_id IS NULL ORDER BY d.path, f.name LIMIT ?1",
    [STORE_LIST_PROBLEMS] = "SELECT * FROM (SELECT '' AS d, path AS n, what FROM problems"
                            " UNION ALL SELECT d.path, f.name, f.problem FROM files f"
                            "  JOIN dirs d ON d.id = f.dir_id WHERE f.problem IS NOT NULL"
                            " UNION ALL SELECT d.path, s.name, s.problem FROM sidecars s"
                            "  JOIN dirs d ON d.id = s.dir_id WHERE s.problem IS NOT NULL)"
                            " ORDER BY d, n LIMIT ?1",
    [STORE_LIST_CRC_CONFLICTS] = CONFLICTS_SQL,
};

static bool has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	bool has = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

int store_status_list(sqlite3 *db, enum store_status_list which, int limit,
                      void (*fn)(void *ctx, const struct store_listed *row), void *ctx)
{
	if (which == STORE_LIST_CRC_CONFLICTS && !has_table(db, "crc_conflicts"))
		return 0; /* the first mount creates the table */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, LIST_SQL[which], -1, &st, NULL))
		return -1;
	sqlite3_bind_int(st, 1, limit);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_listed row;
		row.dir = sqlite3_column_blob(st, 0);
		row.dir_len = (size_t)sqlite3_column_bytes(st, 0);
		row.name = sqlite3_column_blob(st, 1);
		row.name_len = (size_t)sqlite3_column_bytes(st, 1);
		row.what = which == STORE_LIST_UNMATCHED ? (struct store_value){.type = STORE_NULL}
		                                         : column_value(st, 2);
		fn(ctx, &row);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
