/* The facts a NAME.meta and status.json are rendered from, read from the
 * index tables for views/meta.c: one media file's row (its folder, sidecar
 * and EXIF columns), its copies and albums, and the store-wide counts and
 * lists of status.json.
 * Owns: those SELECTs (a reader prepares the per-file ones once: .meta is
 * rendered while serving) and the one list of .meta columns below, from
 * which both the SELECT list and the column numbers are generated.
 * Must not: format anything (views/meta.c owns the layout) or keep a row
 * after its callback returned.
 * Errors: the per-file reads, which serve FUSE requests, return a negative
 * errno (-ENOENT when the file is not in the store, -EIO when SQLite fails);
 * the status reads 0 or -1; opening a reader NULL with one line in err. */
#ifndef TFS_STORE_META_ROWS_H
#define TFS_STORE_META_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* One column as SQLite typed it (the JSON type follows it). An INTEGER or
 * REAL has both i and d, converted as SQLite converts them; TEXT and BLOB
 * have 0 there (the columns read as numbers are never written as text) and
 * len bytes at s, followed by a NUL for TEXT (s NULL for an empty BLOB).
 * Valid during the callback that received it. */
enum store_value_type { STORE_NULL, STORE_INTEGER, STORE_REAL, STORE_TEXT, STORE_BLOB };

struct store_value {
	enum store_value_type type;
	int64_t i;
	double d;
	const char *s;
	size_t len;
};

/* The .meta columns of files.id ?1 (f: the file, d: its folder, s: its
 * sidecar, sd: the sidecar's folder), in order. FIRST names the first
 * column, NEXT each later one. */
#define STORE_META_COLUMNS(FIRST, NEXT)                                                            \
	FIRST(MC_NAME, "f.name")                                                                   \
	NEXT(MC_DPATH, "d.path")                                                                   \
	NEXT(MC_SIZE, "f.size")                                                                    \
	NEXT(MC_MIME, "f.mime")                                                                    \
	NEXT(MC_CRC, "f.crc32")                                                                    \
	NEXT(MC_TAKEN, "f.taken")                                                                  \
	NEXT(MC_OFFSET, "f.taken_offset")                                                          \
	NEXT(MC_TSRC, "f.taken_source")                                                            \
	NEXT(MC_MAKE, "f.make")                                                                    \
	NEXT(MC_MODEL, "f.model")                                                                  \
	NEXT(MC_LENS, "f.lens_model")                                                              \
	NEXT(MC_DTO, "f.date_time_original")                                                       \
	NEXT(MC_CD, "f.create_date")                                                               \
	NEXT(MC_OTO, "f.offset_time_original")                                                     \
	NEXT(MC_SSTO, "f.subsec_time_original")                                                    \
	NEXT(MC_ORIENT, "f.orientation")                                                           \
	NEXT(MC_ISO, "f.iso")                                                                      \
	NEXT(MC_EXPO, "f.exposure_time")                                                           \
	NEXT(MC_FNUM, "f.f_number")                                                                \
	NEXT(MC_FOCAL, "f.focal_length")                                                           \
	NEXT(MC_LAT, "f.gps_lat")                                                                  \
	NEXT(MC_LON, "f.gps_lon")                                                                  \
	NEXT(MC_ALT, "f.gps_alt")                                                                  \
	NEXT(MC_WIDTH, "f.width")                                                                  \
	NEXT(MC_HEIGHT, "f.height")                                                                \
	NEXT(MC_RULE, "f.match_rule")                                                              \
	NEXT(MC_ITEM, "COALESCE(f.item_id, f.id)")                                                 \
	NEXT(MC_SC_ID, "s.id")                                                                     \
	NEXT(MC_SC_NAME, "s.name")                                                                 \
	NEXT(MC_SC_DPATH, "sd.path")                                                               \
	NEXT(MC_SC_TITLE, "s.title")                                                               \
	NEXT(MC_SC_DESC, "s.description")                                                          \
	NEXT(MC_SC_TAKEN, "s.taken")                                                               \
	NEXT(MC_SC_CREATED, "s.created")                                                           \
	NEXT(MC_SC_LAT, "s.geo_lat")                                                               \
	NEXT(MC_SC_LON, "s.geo_lon")                                                               \
	NEXT(MC_SC_ALT, "s.geo_alt")                                                               \
	NEXT(MC_SC_PEOPLE, "s.people")                                                             \
	NEXT(MC_SC_URL, "s.url")                                                                   \
	NEXT(MC_SC_FAV, "s.favorited")                                                             \
	NEXT(MC_SC_ARCH, "s.archived")                                                             \
	NEXT(MC_SC_TRASH, "s.trashed")                                                             \
	/* Most files have no copy and no album: these spare two queries. */                       \
	NEXT(MC_HAS_COPIES, "EXISTS (SELECT 1 FROM files c"                                        \
	                    " WHERE c.item_id = COALESCE(f.item_id, f.id) AND c.id <> f.id)")      \
	NEXT(MC_IN_ALBUM, "d.album_id IS NOT NULL")

#define STORE_META_COLUMN_NUMBER(name, sql) name,
enum store_meta_column {
	STORE_META_COLUMNS(STORE_META_COLUMN_NUMBER, STORE_META_COLUMN_NUMBER) MC_COUNT
};

/* The prepared per-file statements of one connection (one thread at a time). */
struct store_meta_reader;

struct store_meta_reader *store_meta_reader_open(store_db *db, char *err, size_t errlen);
void store_meta_reader_close(struct store_meta_reader *r);

/* Calls fn with the MC_COUNT columns of files.id and returns what fn
 * returned; -ENOENT or -EIO without calling it. fn may call the two
 * functions below on the same reader. */
int store_meta_file(struct store_meta_reader *r, int64_t file_id,
                    int (*fn)(void *ctx, const struct store_value *col), void *ctx);

/* Another file of item (not file_id), in (folder path, name) order. */
struct store_meta_copy {
	const char *dir, *name; /* raw bytes: folder path ("" = SOURCE) and name */
	size_t dir_len, name_len;
	bool has_crc; /* its full-file CRC-32 is known */
	uint32_t crc;
};

/* Calls fn for every copy. 0, or -EIO. */
int store_meta_copies(struct store_meta_reader *r, int64_t item, int64_t file_id,
                      void (*fn)(void *ctx, const struct store_meta_copy *c), void *ctx);

/* Calls fn with the name of each album holding a file of item (or file_id
 * itself), in logical-path order: its title, or when it has none the name of
 * its first folder, as by-album/ names it. 0, or -EIO. */
int store_meta_albums(struct store_meta_reader *r, int64_t item, int64_t file_id,
                      void (*fn)(void *ctx, const struct store_value *name), void *ctx);

/* --- status.json --- */

struct store_status_counts {
	int64_t files, items, sidecars_matched, unmatched, albums;
	int64_t problems; /* walk problems, files and sidecars with a problem */
};

/* 0, or -1 when a count could not be read (the others are still filled). */
int store_status_counts(store_db *db, struct store_status_counts *out);

/* Calls fn for every row of the meta table in key order. 0 or -1. */
int store_status_meta(store_db *db,
                      void (*fn)(void *ctx, const struct store_value *key,
                                 const struct store_value *value),
                      void *ctx);

enum store_status_list {
	STORE_LIST_UNMATCHED,     /* media files without a sidecar; no what */
	STORE_LIST_PROBLEMS,      /* walk, file and sidecar problems */
	STORE_LIST_CRC_CONFLICTS, /* what names the file it was wrongly grouped with */
};

/* One listed path: folder path ("" = SOURCE) and name, and what is wrong. */
struct store_listed {
	const char *dir, *name;
	size_t dir_len, name_len;
	struct store_value what;
};

/* Calls fn for the first limit rows of the list, in path order (none for
 * the CRC conflicts when the table does not exist yet). 0 or -1. */
int store_status_list(store_db *db, enum store_status_list which, int limit,
                      void (*fn)(void *ctx, const struct store_listed *row), void *ctx);

#endif
