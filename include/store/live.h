/* Reads of the index tables for the views built after a pass: the live files
 * (the items of by-date/, by-camera/, favorites/), the folders' paths, every
 * file id; and the index the views' queries need on dirs.
 * Owns: those statements. Must not: write (but the index), or keep a row.
 * Errors: -1 when SQLite fails, as in store/store.h. */
#ifndef TFS_STORE_LIVE_H
#define TFS_STORE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* A file that is not in the trash (its folder's kind is not trash_kind and
 * its sidecar does not say "trashed"). Pointers valid during the callback. */
struct store_live_file {
	int64_t id, item; /* item: item_id, else id */
	bool favorite;    /* its sidecar says so */
	const void *name;
	size_t name_len;
	bool has_taken, has_offset;
	int64_t taken, offset_minutes, mtime_ns;
	const char *make, *model; /* NULL when absent */
	int64_t dir_id;
};

/* Calls fn for each live file; fn returns 0 to go on. Returns 0, -1 when
 * the read fails, or the value fn stopped with. */
int store_scan_live_files(store_db *db, int trash_kind,
                          int (*fn)(void *ctx, const struct store_live_file *f), void *ctx);

/* Calls fn(ctx, id, path, len) for each folder in id order; as above. */
int store_scan_dir_paths(store_db *db,
                         int (*fn)(void *ctx, int64_t id, const void *path, size_t len), void *ctx);

/* Every files.id in order, into a malloc'd array. 0, or -1 (*ids NULL or
 * partly filled: free it). */
int store_file_ids(store_db *db, int64_t **ids, size_t *n);

/* The index on dirs(album_id) the .meta and album queries use. 0, or -1 with err. */
int store_index_dirs_by_album(store_db *db, char *err, size_t errlen);

#endif
