/* The SQLite store: one file holding everything takeoutfs knows about SOURCE.
 * Owns: the schema (below, and in README "The store"), opening with the right
 * pragmas, schema-version checks, and the meta key/value table.
 * Must not: know about FUSE or about indexing policy. Writers go through the
 * single writer thread (store/writer.h); readers open their own connections.
 * Every statement on these tables (and on the view tables) is in store/:
 * the indexer's in rows.h and derive.h, the CRC service's in crc.h, the
 * reads the views are built from in live.h and view_tables.h, the view
 * tables' writes in view_tables.h and meta_sizes_table.h, the serving reads
 * in view_rows.h and meta_rows.h. Only store/ includes <sqlite3.h>: the
 * other layers hold a store_db and call these functions
 * (tests/integration/test_layers.sh checks it).
 * Errors: 0 or -1 with SQLite's message in err (store_open: a store_error);
 * the serving reads (view_rows.h, meta_rows.h) a negative errno, as FUSE
 * answers it.
 *
 * Schema, version STORE_SCHEMA_VERSION (paths and names are BLOBs: raw bytes
 * as on disk, which need not be UTF-8):
 *
 *   meta(key TEXT PRIMARY KEY, value)       schema_version, source, fingerprint,
 *                                           tz, index_complete, index_* stats
 *   dirs(id, parent, name, path UNIQUE,     every folder under SOURCE that was
 *        logical, kind, year, album_id)     walked; logical = path below the
 *                                           Google Photos root with archive
 *                                           parts merged (NULL outside it);
 *                                           kind = enum folder_kind
 *   albums(id, logical UNIQUE, title,       one per logical folder holding album
 *          description, date, meta_path)    metadata
 *   sidecars(id, dir_id, name, size,        every *.json file (kind = enum sj_kind)
 *            mtime_ns, ino, seen, kind,     and, for media sidecars, its fields;
 *            title, description, taken,     geo_* from geoData, else geoDataExif
 *            created, geo_lat, geo_lon,
 *            geo_alt, people (JSON array),
 *            url_id, url_other, url,        url is virtual: STORE_PHOTO_URL_PREFIX
 *            favorited, archived,           + url_id, else url_other
 *            trashed, problem)
 *   files(id, dir_id, name, size,           every media file; id is stable while
 *         mtime_ns, ino, seen, mime,        the file is unchanged (inode base);
 *         format, ident, item_id,           item_id = id of the representative
 *         sidecar_id, match_rule, taken,    of its byte-identical group; taken in
 *         taken_offset, taken_source,       Unix s + offset in minutes; crc32
 *         make, model, lens_model, ...      NULL until computed (lazy cache)
 *         exif columns ..., crc32, problem)
 *   problems(id, path, what)                walk-level problems of the last pass
 *   crc_conflicts(file_id, other_id)        pairs with one identity key but
 *                                           different full CRCs (the daemon
 *                                           records them; the next index splits
 *                                           the items and drops stale pairs)
 *
 * The view tables (vdirs, entries; schema in views/views.h) are written by
 * store/view_tables.c as views/views_build.c decides, meta_sizes by
 * store/meta_sizes_table.c with the sizes views/meta_sizes.c rendered.
 * archive_parts(ident, blob), the member tables of tar and tgz parts,
 * belongs to store/archive_parts.c (created there when missing).
 */
#ifndef TFS_STORE_STORE_H
#define TFS_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A connection to the store: SQLite's, opaque above store/ (only store/
 * includes <sqlite3.h>; the other layers call the store's functions). */
typedef struct sqlite3 store_db;

/* 2: sidecars.url stored as url_id (after STORE_PHOTO_URL_PREFIX) or
 * url_other, with url a virtual column (31 bytes less per sidecar). Stores of
 * an older version are emptied and indexed again. */
/* 3: files.creation_date (QuickTime Keys CreationDate, a video's local time
 * with its offset, for the taken time). */
#define STORE_SCHEMA_VERSION 3

/* How nearly every sidecar url starts; only the rest is stored. */
#define STORE_PHOTO_URL_PREFIX "https://photos.google.com/photo/"

enum store_mode {
	STORE_READ_WRITE, /* create if missing, rebuild if older, one writer */
	STORE_READ_ONLY,  /* an existing store, for serving threads */
};

enum store_error {
	STORE_OK = 0,
	STORE_ERR_OPEN = -1,     /* cannot create/open the file (see message) */
	STORE_ERR_NEWER = -2,    /* written by a newer takeoutfs */
	STORE_ERR_CORRUPT = -3,  /* not a takeoutfs store, or damaged */
	STORE_ERR_READONLY = -4, /* the store's disk or file is not writable */
};

/* Opens (and for READ_WRITE creates and migrates) the store at path.
 * On failure returns a store_error and writes one human line to err. */
int store_open(const char *path, enum store_mode mode, store_db **db, char *err, size_t errlen);
void store_close(store_db *db);

/* The message of the last failure on db (for a line that says why). */
const char *store_errmsg(store_db *db);

/* The SQLite library's version, for --version. */
const char *store_library_version(void);

/* meta table access. get returns a malloc'd string or NULL when absent. */
char *store_meta_get(store_db *db, const char *key);
int64_t store_meta_get_int(store_db *db, const char *key, int64_t fallback);
int store_meta_set(store_db *db, const char *key, const char *value);
int store_meta_set_int(store_db *db, const char *key, int64_t value);

/* The schema version the store file at path says it has, or -1 (opened
 * read-only, without store_open's checks). */
long long store_file_schema_version(const char *path);

/* Whether the store holds no file and no sidecar yet (a first index). */
bool store_has_no_rows(store_db *db);

/* The largest ids of files, sidecars and dirs (0 for an empty table). */
void store_max_ids(store_db *db, int64_t *file, int64_t *sidecar, int64_t *dir);

/* Switches the journal: a rollback journal (wal false) for the bulk load of
 * a first index, WAL (which readers need) after it. A failure (another
 * connection holds the store) leaves the mode as it was. */
void store_use_wal(store_db *db, bool wal);

/* Secondary indexes, created after a first bulk load (cheaper than row by row). */
extern const char STORE_INDEXES_SQL[];

/* The first column of the first row of sql as an integer, or fallback when
 * the query fails or returns nothing (counts, MAX(id)). */
int64_t store_query_int(store_db *db, const char *sql, int64_t fallback);

/* One read transaction for many statements (no lock taken and dropped per
 * statement): begin, then end. A failure leaves each statement on its own. */
void store_read_begin(store_db *db);
void store_read_end(store_db *db);

/* Runs sql (no result rows); returns 0 or -1 with the message in err. */
int store_exec(store_db *db, const char *sql, char *err, size_t errlen);

/* The page cache of each of the daemon's connections: they live as long as
 * the mount, so their caches are most of its memory (the OS caches the file
 * too). The indexer's connection keeps the larger default of store_open. */
#define STORE_SERVING_CACHE_KIB 2048
void store_use_serving_cache(store_db *db);

#endif
