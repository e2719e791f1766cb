/* The index tables row by row, for the indexer: scans of what a previous
 * pass stored (to compare with a new walk) and the writes of one pass, as
 * writer operations (store/writer.h) on plain rows.
 * Owns: those statements and the mapping of a row to its columns (a stored
 * url split into url_id / url_other, absent values as NULL).
 * Must not: decide what a row holds (the indexer does), or keep a row.
 * Errors: 0 or -1, as in store/store.h. */
#ifndef TFS_STORE_ROWS_H
#define TFS_STORE_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/writer.h"

/* --- scans (one sequential read of a table; valid during the callback) --- */

/* A stored file or sidecar. link is files.sidecar_id or sidecars.taken,
 * extra files.match_rule or sidecars.kind; title (sidecars) NULL when none. */
struct store_scanned {
	int64_t id, dir_id;
	const void *name;
	size_t name_len;
	uint64_t size, ino;
	int64_t mtime_ns;
	bool has_link;
	int64_t link;
	int extra;
	const char *title;
};

/* A stored folder; logical NULL outside a photos root. */
struct store_scanned_dir {
	int64_t id, parent;
	const void *path, *logical;
	size_t path_len, logical_len;
	int kind;
};

/* Call fn for every row; fn returns 0 to go on, else the scan stops. Return
 * 0, or -1 when fn stopped it or the read failed. */
int store_scan_files(store_db *db, int (*fn)(void *ctx, const struct store_scanned *r), void *ctx);
int store_scan_sidecars(store_db *db, int (*fn)(void *ctx, const struct store_scanned *r),
                        void *ctx);
int store_scan_dirs(store_db *db, int (*fn)(void *ctx, const struct store_scanned_dir *d),
                    void *ctx);

/* --- writes (on the writer thread: each returns 0 or -1) --- */

struct store_dir_row {
	int64_t id, parent;                /* parent 0: the top folder */
	const char *name, *path, *logical; /* logical NULL outside a photos root */
	size_t name_len, path_len, logical_len;
	int kind, year; /* year 0: none */
	int64_t generation;
};

/* Every text NULL when absent ("" too where noted). */
struct store_sidecar_row {
	int64_t id, dir_id, generation;
	const char *name;
	size_t name_len;
	uint64_t size, ino;
	int64_t mtime_ns;
	int kind;
	const char *title;
	const char *description;
	bool has_taken, has_created, has_geo;
	int64_t taken, created;
	double geo_lat, geo_lon, geo_alt;
	const char *people; /* a JSON array */
	const char *url;    /* "" is absent */
	bool favorited, archived, trashed;
	const char *problem; /* "" is absent */
};

/* A media file. A has_* flag false leaves its column NULL. */
struct store_file_row {
	int64_t id, dir_id, generation;
	const char *name;
	size_t name_len;
	uint64_t size, ino;
	int64_t mtime_ns;
	const char *mime; /* "" is absent, as for every text below */
	int format;
	uint64_t ident;     /* 0: none */
	int64_t sidecar_id; /* 0: none */
	int rule;           /* 0: none */
	int64_t taken;
	int taken_offset, taken_source;
	const char *make, *model, *lens_model, *date_time_original, *create_date,
	    *offset_time_original, *subsec_time_original, *creation_date;
	bool has_orientation, has_width, has_height, has_iso, has_exposure, has_f_number, has_focal,
	    has_gps, has_gps_alt, has_container_time;
	int orientation, width, height;
	double iso, exposure_time, f_number, focal_length, gps_lat, gps_lon, gps_alt;
	int64_t container_time;
	bool has_crc; /* crc32 known at index time (a zip member's, from its directory) */
	uint32_t crc32;
	const char *problem;
};

int store_put_dir(struct writer *w, const struct store_dir_row *r);
int store_put_sidecar(struct writer *w, const struct store_sidecar_row *r);
int store_put_file(struct writer *w, const struct store_file_row *r);
/* A file's sidecar link changed without a re-read (0: none). */
int store_relink_file(struct writer *w, int64_t id, int64_t sidecar_id, int rule);

enum store_table { STORE_FILES, STORE_SIDECARS, STORE_DIRS };
int store_delete_row(struct writer *w, enum store_table table, int64_t id);

#endif
