/* The CRC statements of the store (store/crc.h). */
#include "store/crc.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "store/store.h"
#include "store/writer_stmt.h"

static const char CONFLICTS_TABLE_SQL[] =
    "CREATE TABLE IF NOT EXISTS crc_conflicts(file_id INTEGER NOT NULL,"
    " other_id INTEGER NOT NULL, PRIMARY KEY(file_id, other_id)) WITHOUT ROWID";

static const char SET_CRC_SQL[] = "UPDATE files SET crc32 = ?2 WHERE id = ?1";

/* Both directions, so each file's row names the copy it must be split from. */
static const char RECORD_CONFLICTS_SQL[] =
    "INSERT OR IGNORE INTO crc_conflicts(file_id, other_id)"
    " SELECT a, b FROM (SELECT ?1 AS a, c.id AS b FROM files f JOIN files c"
    "  ON c.item_id = COALESCE(f.item_id, f.id) AND c.id <> f.id"
    "  WHERE f.id = ?1 AND c.crc32 IS NOT NULL AND c.crc32 <> ?2"
    " UNION ALL SELECT c.id, ?1 FROM files f JOIN files c"
    "  ON c.item_id = COALESCE(f.item_id, f.id) AND c.id <> f.id"
    "  WHERE f.id = ?1 AND c.crc32 IS NOT NULL AND c.crc32 <> ?2)";

static const char MISSING_SQL[] =
    "SELECT f.id, d.path, f.name, f.size, f.mtime_ns FROM files f JOIN dirs d ON d.id = f.dir_id"
    " WHERE f.crc32 IS NULL AND f.id > ?1 ORDER BY f.id LIMIT ?2";

static const char COUNTS_SQL[] =
    "SELECT COUNT(*), COUNT(crc32), (SELECT COUNT(*) / 2 FROM crc_conflicts) FROM files";

int store_crc_prepare(sqlite3 *db, char *err, size_t errlen)
{
	return store_exec(db, CONFLICTS_TABLE_SQL, err, errlen);
}

void store_crc_counts(sqlite3 *db, int64_t *files, int64_t *with_crc, int64_t *conflicts)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, COUNTS_SQL, -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*files = sqlite3_column_int64(st, 0);
		*with_crc = sqlite3_column_int64(st, 1);
		*conflicts = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
}

int store_crc_write(struct writer *w, int64_t id, uint32_t crc, int *pairs)
{
	*pairs = 0;
	sqlite3_stmt *st = writer_stmt(w, SET_CRC_SQL);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, crc);
	if (sqlite3_step(st) != SQLITE_DONE)
		return -1;
	if (!(st = writer_stmt(w, RECORD_CONFLICTS_SQL)))
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, crc);
	if (sqlite3_step(st) != SQLITE_DONE)
		return -1;
	/* Two rows per collision, one per direction. */
	*pairs = sqlite3_changes(writer_db(w)) / 2;
	return 0;
}

struct store_crc_scan {
	sqlite3_stmt *st;
};

struct store_crc_scan *store_crc_scan_open(sqlite3 *db)
{
	struct store_crc_scan *scan = calloc(1, sizeof *scan);
	if (scan && sqlite3_prepare_v2(db, MISSING_SQL, -1, &scan->st, NULL) != SQLITE_OK) {
		sqlite3_finalize(scan->st);
		free(scan);
		return NULL;
	}
	return scan;
}

void store_crc_scan_close(struct store_crc_scan *scan)
{
	if (!scan)
		return;
	sqlite3_finalize(scan->st);
	free(scan);
}

int64_t store_crc_scan_next(struct store_crc_scan *scan, int64_t after, int limit,
                            void (*fn)(void *ctx, const struct store_crc_missing *f), void *ctx)
{
	sqlite3_stmt *st = scan->st;
	int64_t last = after;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	while (sqlite3_step(st) == SQLITE_ROW) {
		last = sqlite3_column_int64(st, 0);
		struct store_crc_missing f = {
		    .id = last,
		    .size = sqlite3_column_int64(st, 3),
		    .mtime_ns = sqlite3_column_int64(st, 4),
		    .dir = sqlite3_column_blob(st, 1),
		    .dir_len = (size_t)sqlite3_column_bytes(st, 1),
		    .name = sqlite3_column_blob(st, 2),
		    .name_len = (size_t)sqlite3_column_bytes(st, 2),
		};
		fn(ctx, &f);
	}
	sqlite3_reset(st); /* no read transaction stays open meanwhile */
	return last;
}

/* A conflict stands only while both files keep the CRC it was found with:
 * a rewritten file is inserted again with crc32 NULL, a removed one is gone. */
int store_crc_drop_stale(sqlite3 *db, char *err, size_t errlen)
{
	return store_exec(db,
	                  "DELETE FROM crc_conflicts WHERE"
	                  " file_id NOT IN (SELECT id FROM files WHERE crc32 IS NOT NULL) OR"
	                  " other_id NOT IN (SELECT id FROM files WHERE crc32 IS NOT NULL);",
	                  err, errlen);
}
