/* The member tables of tar and tgz parts in the store
 * (store/archive_parts.h). */
#include "store/archive_parts.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BUSY_MS 30000

static const char CREATE_SQL[] = "CREATE TABLE IF NOT EXISTS archive_parts("
                                 " ident INTEGER PRIMARY KEY,"
                                 " blob BLOB NOT NULL)";

static sqlite3 *open_db(const char *db_path, int flags)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(db_path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, BUSY_MS);
	return db;
}

int store_archive_part_get(const char *db_path, uint64_t ident, unsigned char **blob, size_t *len)
{
	sqlite3 *db = open_db(db_path, SQLITE_OPEN_READONLY);
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (db && sqlite3_prepare_v2(db, "SELECT blob FROM archive_parts WHERE ident = ?", -1, &st,
	                             NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)ident);
		if (sqlite3_step(st) == SQLITE_ROW) {
			const void *p = sqlite3_column_blob(st, 0);
			int n = sqlite3_column_bytes(st, 0);
			*blob = n > 0 ? malloc((size_t)n) : NULL;
			if (*blob) {
				memcpy(*blob, p, (size_t)n);
				*len = (size_t)n;
				rc = 0;
			}
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int store_archive_part_put(const char *db_path, uint64_t ident, const unsigned char *blob,
                           size_t len)
{
	sqlite3 *db = open_db(db_path, SQLITE_OPEN_READWRITE);
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (db && sqlite3_exec(db, CREATE_SQL, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO archive_parts(ident, blob) VALUES(?, ?)",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)ident);
		sqlite3_bind_blob64(st, 2, blob, len, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int store_archive_parts_keep(const char *db_path, const uint64_t *idents, size_t n)
{
	sqlite3 *db = open_db(db_path, SQLITE_OPEN_READWRITE);
	sqlite3_stmt *st = NULL;
	bool done = db && sqlite3_exec(db, CREATE_SQL, NULL, NULL, NULL) == SQLITE_OK &&
	            sqlite3_exec(db,
	                         "BEGIN IMMEDIATE;"
	                         "CREATE TEMP TABLE keep(ident INTEGER PRIMARY KEY)",
	                         NULL, NULL, NULL) == SQLITE_OK &&
	            sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO keep VALUES(?)", -1, &st, NULL) ==
	                SQLITE_OK;
	for (size_t i = 0; done && i < n; i++) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)idents[i]);
		done = sqlite3_step(st) == SQLITE_DONE && sqlite3_reset(st) == SQLITE_OK;
	}
	sqlite3_finalize(st);
	done = done &&
	       sqlite3_exec(db,
	                    "DELETE FROM archive_parts WHERE ident NOT IN (SELECT ident FROM keep);"
	                    "COMMIT",
	                    NULL, NULL, NULL) == SQLITE_OK;
	if (db && !done)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return done ? 0 : -1;
}

int64_t store_archive_parts_count(const char *db_path)
{
	sqlite3 *db = open_db(db_path, SQLITE_OPEN_READONLY);
	sqlite3_stmt *st = NULL;
	int64_t n = -1;
	if (db &&
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM archive_parts", -1, &st, NULL) ==
	        SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}
