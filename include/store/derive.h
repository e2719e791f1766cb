/* The statements that end an index pass: everything the store derives from
 * more than one row (albums, byte-identical items, borrowed sidecars, taken
 * times again, walk problems) and the summary counts. index/finish.c
 * decides when each runs and holds the policy (which copy represents an
 * item, what a taken time is); these only read and write the tables.
 * The index's enum values the statements test are fixed below; the indexer
 * checks them with _Static_assert.
 * Must not: open a transaction (finish does). Errors: 0, or -1 with
 * SQLite's message in err. */
#ifndef TFS_STORE_DERIVE_H
#define TFS_STORE_DERIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_FOLDER_PLAIN  0  /* dirs.kind of a plain folder (an album when it has metadata) */
#define STORE_SIDECAR_MEDIA 2  /* sidecars.kind of a media sidecar */
#define STORE_SIDECAR_ALBUM 3  /* sidecars.kind of album metadata */
#define STORE_RULE_COPY     10 /* files.match_rule of a sidecar borrowed from a copy */

/* One album per logical folder with album metadata in a plain folder (the
 * first by path when archive parts hold several), and dirs.album_id. */
int store_build_albums(store_db *db, char *err, size_t errlen);

/* --- items (files.item_id) --- */

/* Gives every file whose identity key no other file shares its own item,
 * and lists the shared keys for store_items_scan. */
int store_items_begin(store_db *db, char *err, size_t errlen);

/* A file whose identity key another shares. */
struct store_item_member {
	int64_t id, ident, item_id;
	int64_t crc; /* full-file CRC-32, or -1 while not computed */
	int dir_kind;
	int64_t path_len; /* of folder path + name, as SQLite counts */
	const void *dir, *name;
	size_t dir_len, name_len;
};

/* Calls fn for each such file in identity-key order (fn returns 0 to go on). */
int store_items_scan(store_db *db, int (*fn)(void *ctx, const struct store_item_member *m),
                     void *ctx, char *err, size_t errlen);

/* Sets item_id for n pairs (file id, item id) in pairs[0..2n). */
int store_items_set(store_db *db, const int64_t *pairs, size_t n, char *err, size_t errlen);
int store_items_end(store_db *db, char *err, size_t errlen);

/* --- files whose taken time is due again (temp.relink) --- */

/* Starts the list with every file (all) or with ids[0..n). */
int store_relink_begin(store_db *db, bool all, const int64_t *ids, size_t n, char *err,
                       size_t errlen);

/* Rule 9: a file with no sidecar of its own takes the sidecar of a copy (the
 * copy matched by the strictest rule, then the first by path); earlier
 * borrowings are redone. Every file concerned joins the list. */
int store_borrow_copy_sidecars(store_db *db, char *err, size_t errlen);

/* What a taken time is decided from, for a file on the list. */
struct store_taken_inputs {
	const void *name;
	size_t name_len;
	int64_t mtime_ns;
	const char *date_time_original, *offset_time_original, *creation_date; /* "": absent */
	bool has_container_time, has_sidecar_taken;
	int64_t container_time, sidecar_taken;
};

/* Calls decide for every file on the list and stores what it says. */
int store_retake(store_db *db,
                 void (*decide)(void *ctx, const struct store_taken_inputs *in, int64_t *utc,
                                int *offset_minutes, int *source),
                 void *ctx, char *err, size_t errlen);
int store_relink_end(store_db *db, char *err, size_t errlen);

/* --- problems and counts --- */

/* Replaces the walk problems with n from get (path and what of problem i). */
int store_replace_problems(store_db *db, size_t n,
                           void (*get)(void *ctx, size_t i, const char **path, const char **what),
                           void *ctx, char *err, size_t errlen);

enum store_count {
	STORE_COUNT_MEDIA,
	STORE_COUNT_DISTINCT,
	STORE_COUNT_SIDECARS,
	STORE_COUNT_MATCHED,
	STORE_COUNT_UNUSED_SIDECARS,
	STORE_COUNT_ALBUMS,
	STORE_COUNT_PROBLEMS,
};

/* The count, 0 when the query fails. */
int64_t store_count(store_db *db, enum store_count what);

#endif
