/* The SQLite store: schema creation, version checks, pragmas, the meta
 * key/value table and a few small queries. The statements of the indexer are
 * in store/rows.c and store/derive.c, the CRC service's in store/crc.c, the
 * reads the views are built from in store/live.c, the view tables in
 * store/view_tables.c and store/meta_sizes_table.c, the serving reads in
 * store/view_rows.c and store/meta_rows.c. */
#include "store/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char SCHEMA_SQL[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS dirs("
    " id INTEGER PRIMARY KEY,"
    " parent INTEGER,"
    " name BLOB NOT NULL,"
    " path BLOB NOT NULL UNIQUE,"
    " logical BLOB,"
    " kind INTEGER NOT NULL DEFAULT 0,"
    " year INTEGER,"
    " album_id INTEGER,"
    " seen INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS albums("
    " id INTEGER PRIMARY KEY,"
    " logical BLOB NOT NULL UNIQUE,"
    " title TEXT,"
    " description TEXT,"
    " date INTEGER,"
    " meta_path BLOB);"
    "CREATE TABLE IF NOT EXISTS sidecars("
    " id INTEGER PRIMARY KEY,"
    " dir_id INTEGER NOT NULL,"
    " name BLOB NOT NULL,"
    " size INTEGER NOT NULL,"
    " mtime_ns INTEGER NOT NULL,"
    " ino INTEGER NOT NULL,"
    " seen INTEGER NOT NULL,"
    " kind INTEGER NOT NULL,"
    " title TEXT, description TEXT, taken INTEGER, created INTEGER,"
    " geo_lat REAL, geo_lon REAL, geo_alt REAL,"
    " people TEXT,"
    " url_id TEXT, url_other TEXT,"
    " url TEXT GENERATED ALWAYS AS (CASE WHEN url_id IS NOT NULL"
    "  THEN '" STORE_PHOTO_URL_PREFIX "' || url_id ELSE url_other END) VIRTUAL,"
    " favorited INTEGER NOT NULL DEFAULT 0,"
    " archived INTEGER NOT NULL DEFAULT 0,"
    " trashed INTEGER NOT NULL DEFAULT 0,"
    " problem TEXT);"
    "CREATE TABLE IF NOT EXISTS files("
    " id INTEGER PRIMARY KEY,"
    " dir_id INTEGER NOT NULL,"
    " name BLOB NOT NULL,"
    " size INTEGER NOT NULL,"
    " mtime_ns INTEGER NOT NULL,"
    " ino INTEGER NOT NULL,"
    " seen INTEGER NOT NULL,"
    " mime TEXT,"
    " format INTEGER,"
    " ident INTEGER,"
    " item_id INTEGER,"
    " sidecar_id INTEGER,"
    " match_rule INTEGER,"
    " taken INTEGER,"
    " taken_offset INTEGER,"
    " taken_source INTEGER,"
    " make TEXT, model TEXT, lens_model TEXT,"
    " date_time_original TEXT, create_date TEXT,"
    " offset_time_original TEXT, subsec_time_original TEXT,"
    " orientation INTEGER, width INTEGER, height INTEGER,"
    " iso REAL, exposure_time REAL, f_number REAL, focal_length REAL,"
    " gps_lat REAL, gps_lon REAL, gps_alt REAL,"
    " container_time INTEGER, creation_date TEXT,"
    " crc32 INTEGER,"
    " problem TEXT);"
    "CREATE TABLE IF NOT EXISTS crc_conflicts("
    " file_id INTEGER NOT NULL,"
    " other_id INTEGER NOT NULL,"
    " PRIMARY KEY(file_id, other_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS problems("
    " id INTEGER PRIMARY KEY,"
    " path BLOB NOT NULL,"
    " what TEXT NOT NULL);";

/* Created after a first bulk load (cheaper than maintaining it row by row).
 * There is deliberately no index on (dir_id, name): the indexer reads both
 * tables whole and sorts in memory, and the index would cost ~80 bytes per
 * file in a store meant to stay under 600; none on ident either (20 bytes
 * per file, used once per pass). Stores of this schema made before that
 * lose their files_ident here. */
const char STORE_INDEXES_SQL[] = "DROP INDEX IF EXISTS files_ident;"
                                 "CREATE INDEX IF NOT EXISTS files_item ON files(item_id);";

static void set_err(char *err, size_t errlen, const char *fmt, const char *path, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, path, why);
}

int store_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

void store_use_serving_cache(sqlite3 *db)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", STORE_SERVING_CACHE_KIB);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static bool store_is_empty(sqlite3 *db)
{
	sqlite3_stmt *st;
	bool empty = true;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master LIMIT 1", -1, &st, NULL) !=
	    SQLITE_OK)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW)
		empty = false;
	sqlite3_finalize(st);
	return empty;
}

static bool store_has_meta_table(sqlite3 *db)
{
	sqlite3_stmt *st;
	bool has = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'",
	                       -1, &st, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW)
		has = true;
	sqlite3_finalize(st);
	return has;
}

static int create_schema(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char msg[256];
	if (store_exec(db, "BEGIN IMMEDIATE", msg, sizeof msg) != 0 ||
	    store_exec(db, SCHEMA_SQL, msg, sizeof msg) != 0 ||
	    store_meta_set_int(db, "schema_version", STORE_SCHEMA_VERSION) != 0 ||
	    store_exec(db, "COMMIT", msg, sizeof msg) != 0) {
		set_err(err, errlen, "cannot create the store %s: %s", path, sqlite3_errmsg(db));
		store_exec(db, "ROLLBACK", NULL, 0);
		return sqlite3_errcode(db) == SQLITE_READONLY ? STORE_ERR_READONLY : STORE_ERR_OPEN;
	}
	return STORE_OK;
}

/* A store from an older takeoutfs holds nothing that SOURCE cannot give
 * again (the lazy CRCs aside), so its tables are dropped, in one
 * transaction, and it is created anew: simpler and safer than migrating each
 * version. Cut short between the two, it is an empty file, which the next
 * open creates. */
static int empty_older_store(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (store_exec(db, "BEGIN IMMEDIATE", NULL, 0) != 0 ||
	    sqlite3_prepare_v2(db,
	                       "SELECT 'DROP TABLE IF EXISTS \"' || replace(name, '\"', '\"\"')"
	                       " || '\";' FROM sqlite_master"
	                       " WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
	                       -1, &st, NULL) != SQLITE_OK) {
		set_err(err, errlen, "cannot rebuild the store %s: %s", path, sqlite3_errmsg(db));
		store_exec(db, "ROLLBACK", NULL, 0);
		return STORE_ERR_OPEN;
	}
	/* Statements collected first: dropping while the SELECT runs would
	 * change the table it reads. */
	char *drops = sqlite3_mprintf("%s", "");
	while (drops && sqlite3_step(st) == SQLITE_ROW) {
		char *more = sqlite3_mprintf("%s%s", drops, sqlite3_column_text(st, 0));
		sqlite3_free(drops);
		drops = more;
	}
	sqlite3_finalize(st);
	bool dropped =
	    drops && store_exec(db, drops, NULL, 0) == 0 && store_exec(db, "COMMIT", NULL, 0) == 0;
	sqlite3_free(drops);
	if (!dropped) {
		set_err(err, errlen, "cannot rebuild the store %s: %s", path, sqlite3_errmsg(db));
		store_exec(db, "ROLLBACK", NULL, 0);
		return STORE_ERR_OPEN;
	}
	/* The old pages are free now; give them back (instant on no tables). */
	store_exec(db, "VACUUM", NULL, 0);
	return create_schema(db, path, err, errlen);
}

/* Checks the version of an existing store; creates the schema in a new one. */
static int check_or_create_schema(sqlite3 *db, enum store_mode mode, const char *path, char *err,
                                  size_t errlen)
{
	if (store_is_empty(db)) {
		if (mode == STORE_READ_ONLY) {
			set_err(err, errlen, "store %s is empty%s", path, "");
			return STORE_ERR_CORRUPT;
		}
		return create_schema(db, path, err, errlen);
	}
	if (!store_has_meta_table(db)) {
		set_err(err, errlen, "%s is not a takeoutfs store%s", path, "");
		return STORE_ERR_CORRUPT;
	}
	int64_t version = store_meta_get_int(db, "schema_version", -1);
	if (version > STORE_SCHEMA_VERSION) {
		char why[96];
		snprintf(why, sizeof why, "schema %lld, this takeoutfs knows up to %d",
		         (long long)version, STORE_SCHEMA_VERSION);
		set_err(err, errlen,
		        "store %s was written by a newer takeoutfs (%s); upgrade takeoutfs or "
		        "use another -o db=PATH",
		        path, why);
		return STORE_ERR_NEWER;
	}
	if (version < 1) {
		set_err(err, errlen, "%s is not a takeoutfs store (no schema version)%s", path, "");
		return STORE_ERR_CORRUPT;
	}
	if (version < STORE_SCHEMA_VERSION && mode == STORE_READ_ONLY) {
		set_err(err, errlen,
		        "store %s was written by an older takeoutfs%s; index again to rebuild it",
		        path, "");
		return STORE_ERR_CORRUPT;
	}
	if (version < STORE_SCHEMA_VERSION)
		return empty_older_store(db, path, err, errlen);
	return STORE_OK;
}

static int apply_pragmas(sqlite3 *db, enum store_mode mode)
{
	sqlite3_busy_timeout(db, 10000);
	if (mode == STORE_READ_ONLY)
		return store_exec(db,
		                  "PRAGMA query_only=1; PRAGMA cache_size=-8192;"
		                  "PRAGMA mmap_size=0;",
		                  NULL, 0);
	/* WAL: readers in the daemon never block the writer and a kill -9 leaves
	 * a consistent file; synchronous=NORMAL is durable across crashes of the
	 * process (only an OS crash can lose the last transactions). */
	return store_exec(db,
	                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	                  "PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY;"
	                  "PRAGMA foreign_keys=OFF;",
	                  NULL, 0);
}

int store_open(const char *path, enum store_mode mode, sqlite3 **out, char *err, size_t errlen)
{
	*out = NULL;
	int flags = SQLITE_OPEN_NOMUTEX;
	flags |= mode == STORE_READ_ONLY ? SQLITE_OPEN_READONLY
	                                 : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (mode == STORE_READ_WRITE && access(path, F_OK) == 0 && access(path, W_OK) != 0) {
		set_err(err, errlen, "store %s is not writable: %s", path, strerror(EACCES));
		return STORE_ERR_READONLY;
	}
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		set_err(err, errlen, "cannot open the store %s: %s", path,
		        db ? sqlite3_errmsg(db) : "out of memory");
		int rc = db && sqlite3_errcode(db) == SQLITE_READONLY ? STORE_ERR_READONLY
		                                                      : STORE_ERR_OPEN;
		sqlite3_close(db);
		return rc;
	}
	if (apply_pragmas(db, mode) != 0) {
		int code = sqlite3_errcode(db);
		set_err(err, errlen, "cannot use the store %s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
			return STORE_ERR_CORRUPT;
		return code == SQLITE_READONLY || code == SQLITE_CANTOPEN ? STORE_ERR_READONLY
		                                                          : STORE_ERR_OPEN;
	}
	int rc = check_or_create_schema(db, mode, path, err, errlen);
	if (rc != STORE_OK) {
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return STORE_OK;
}

void store_read_begin(sqlite3 *db)
{
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
}

void store_read_end(sqlite3 *db)
{
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

const char *store_errmsg(sqlite3 *db)
{
	return sqlite3_errmsg(db);
}

const char *store_library_version(void)
{
	return sqlite3_libversion();
}

void store_close(sqlite3 *db)
{
	if (db)
		sqlite3_close(db);
}

char *store_meta_get(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st;
	char *value = NULL;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key=?", -1, &st, NULL) !=
	    SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		if (t)
			value = strdup((const char *)t);
	}
	sqlite3_finalize(st);
	return value;
}

int64_t store_query_int(sqlite3 *db, const char *sql, int64_t fallback)
{
	sqlite3_stmt *st;
	int64_t value = fallback;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fallback;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		value = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return value;
}

int64_t store_meta_get_int(sqlite3 *db, const char *key, int64_t fallback)
{
	sqlite3_stmt *st;
	int64_t value = fallback;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key=?", -1, &st, NULL) !=
	    SQLITE_OK)
		return fallback;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		value = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return value;
}

static int meta_set(sqlite3 *db, const char *key, const char *text, const int64_t *num)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (num)
		sqlite3_bind_int64(st, 2, *num);
	else if (text)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 2);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

int store_meta_set(sqlite3 *db, const char *key, const char *value)
{
	return meta_set(db, key, value, NULL);
}

int store_meta_set_int(sqlite3 *db, const char *key, int64_t value)
{
	return meta_set(db, key, NULL, &value);
}

long long store_file_schema_version(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long version = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='schema_version'", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return version;
}

bool store_has_no_rows(sqlite3 *db)
{
	return store_query_int(db,
	                       "SELECT EXISTS (SELECT 1 FROM files)"
	                       " OR EXISTS (SELECT 1 FROM sidecars)",
	                       1) == 0;
}

void store_max_ids(sqlite3 *db, int64_t *file, int64_t *sidecar, int64_t *dir)
{
	*file = store_query_int(db, "SELECT MAX(id) FROM files", 0);
	*sidecar = store_query_int(db, "SELECT MAX(id) FROM sidecars", 0);
	*dir = store_query_int(db, "SELECT MAX(id) FROM dirs", 0);
}

void store_use_wal(sqlite3 *db, bool wal)
{
	store_exec(db, wal ? "PRAGMA journal_mode=WAL" : "PRAGMA journal_mode=DELETE", NULL, 0);
}
