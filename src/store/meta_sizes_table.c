/* Rewriting the meta_sizes table (store/meta_sizes_table.h). */
#include "store/meta_sizes_table.h"
#include "store/xmp_sizes.h"

#include <sqlite3.h>

static const char SIZES_SCHEMA_SQL[] =
    "CREATE TABLE IF NOT EXISTS meta_sizes(file_id INTEGER PRIMARY KEY, size INTEGER NOT NULL);";

int store_meta_sizes_write(sqlite3 *db, const int64_t *ids, const uint32_t *sizes,
                           const uint32_t *xmp_sizes, size_t n, uint32_t skip, int64_t generation)
{
	char msg[256];
	if (store_exec(db, "BEGIN IMMEDIATE", msg, sizeof msg) != 0)
		return -1;
	sqlite3_stmt *st = NULL;
	int rc =
	    store_exec(db, SIZES_SCHEMA_SQL, msg, sizeof msg) == 0 &&
	            store_exec(db, "DELETE FROM meta_sizes", msg, sizeof msg) == 0 &&
	            sqlite3_prepare_v2(db, "INSERT INTO meta_sizes(file_id, size) VALUES(?1, ?2)",
	                               -1, &st, NULL) == SQLITE_OK
	        ? 0
	        : -1;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (sizes[i] == skip)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_bind_int64(st, 2, sizes[i]);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	if (rc == 0 && xmp_sizes)
		rc = store_xmp_sizes_write(db, ids, xmp_sizes, n, generation);
	if (rc == 0 && store_meta_set_int(db, "meta_sizes_generation", generation) == 0 &&
	    store_exec(db, "COMMIT", msg, sizeof msg) == 0)
		return 0;
	store_exec(db, "ROLLBACK", NULL, 0);
	return -1;
}
