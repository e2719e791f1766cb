/* The xmp_sizes table (store/xmp_sizes.h): written in id order (appending to
 * its b-tree), read by primary key through one cached statement. */
#include "store/xmp_sizes.h"
#include <sqlite3.h>

#include <stdlib.h>

#include "store/store.h"

static const char SCHEMA_SQL[] =
    "CREATE TABLE IF NOT EXISTS xmp_sizes(file_id INTEGER PRIMARY KEY, size INTEGER NOT NULL);"
    "DELETE FROM xmp_sizes;";

struct store_xmp_sizes {
	sqlite3_stmt *get;
};

int store_xmp_sizes_write(store_db *db, const int64_t *ids, const uint32_t *sizes, size_t n,
                          int64_t generation)
{
	sqlite3_stmt *st = NULL;
	if (store_exec(db, SCHEMA_SQL, NULL, 0) != 0 ||
	    sqlite3_prepare_v2(db, "INSERT INTO xmp_sizes(file_id, size) VALUES(?1, ?2)", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (sizes[i] == STORE_XMP_SIZE_NONE)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_bind_int64(st, 2, sizes[i]);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = store_meta_set_int(db, "xmp_sizes_generation", generation);
	return rc;
}

bool store_xmp_sizes_valid(store_db *db)
{
	int64_t built = store_meta_get_int(db, "xmp_sizes_generation", -1);
	return built >= 0 && built == store_meta_get_int(db, "generation", 0);
}

struct store_xmp_sizes *store_xmp_sizes_open(store_db *db)
{
	if (!store_xmp_sizes_valid(db))
		return NULL;
	struct store_xmp_sizes *r = calloc(1, sizeof *r);
	if (r && sqlite3_prepare_v3(db, "SELECT size FROM xmp_sizes WHERE file_id = ?1", -1,
	                            SQLITE_PREPARE_PERSISTENT, &r->get, NULL) != SQLITE_OK) {
		free(r);
		r = NULL;
	}
	return r;
}

void store_xmp_sizes_close(struct store_xmp_sizes *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->get);
	free(r);
}

bool store_xmp_size_get(struct store_xmp_sizes *r, int64_t file_id, uint64_t *size)
{
	if (!r)
		return false;
	sqlite3_reset(r->get);
	sqlite3_bind_int64(r->get, 1, file_id);
	bool found = sqlite3_step(r->get) == SQLITE_ROW;
	if (found)
		*size = (uint64_t)sqlite3_column_int64(r->get, 0);
	sqlite3_reset(r->get);
	return found;
}
