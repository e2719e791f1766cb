/* Reads of the index tables for the views (store/live.h). */
#include "store/live.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "store/store.h"

static const char LIVE_FILES_SQL[] =
    "SELECT f.id, COALESCE(f.item_id, f.id), COALESCE(s.favorited, 0), f.name, f.taken,"
    " f.taken_offset, f.mtime_ns, f.make, f.model, f.dir_id"
    " FROM files f JOIN dirs d ON d.id = f.dir_id"
    " LEFT JOIN sidecars s ON s.id = f.sidecar_id"
    " WHERE d.kind <> ?1 AND COALESCE(s.trashed, 0) = 0";

int store_scan_live_files(sqlite3 *db, int trash_kind,
                          int (*fn)(void *ctx, const struct store_live_file *f), void *ctx)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, LIVE_FILES_SQL, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, trash_kind);
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_live_file f = {
		    .id = sqlite3_column_int64(st, 0),
		    .item = sqlite3_column_int64(st, 1),
		    .favorite = sqlite3_column_int(st, 2) != 0,
		    .has_taken = sqlite3_column_type(st, 4) != SQLITE_NULL,
		    .taken = sqlite3_column_int64(st, 4),
		    .has_offset = sqlite3_column_type(st, 5) != SQLITE_NULL,
		    .offset_minutes = sqlite3_column_int64(st, 5),
		    .mtime_ns = sqlite3_column_int64(st, 6),
		    .dir_id = sqlite3_column_int64(st, 9),
		};
		f.name_len = (size_t)sqlite3_column_bytes(st, 3);
		f.name = sqlite3_column_blob(st, 3);
		f.make = (const char *)sqlite3_column_text(st, 7);
		f.model = (const char *)sqlite3_column_text(st, 8);
		if ((rc = fn(ctx, &f)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

int store_scan_dir_paths(sqlite3 *db,
                         int (*fn)(void *ctx, int64_t id, const void *path, size_t len), void *ctx)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT id, path FROM dirs ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		const void *path = sqlite3_column_blob(st, 1);
		if ((rc = fn(ctx, sqlite3_column_int64(st, 0), path, len)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

int store_file_ids(sqlite3 *db, int64_t **ids, size_t *n)
{
	size_t count = (size_t)store_query_int(db, "SELECT COUNT(*) FROM files", 0);
	*ids = malloc((count ? count : 1) * sizeof **ids);
	*n = 0;
	if (!*ids)
		return -1;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT id FROM files ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (*n < count && sqlite3_step(st) == SQLITE_ROW)
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int store_index_dirs_by_album(sqlite3 *db, char *err, size_t errlen)
{
	return store_exec(db, "CREATE INDEX IF NOT EXISTS dirs_album ON dirs(album_id);", err,
	                  errlen);
}
