/* The view tables vdirs and entries (schema in views/views.h), written once
 * per index pass for views/views_build.c, which decides every folder and
 * name; and the reads of the index tables that build lists from (albums,
 * their media, the source folders and files). A working map (temp.tfs_map)
 * remembers the folder made for an album or a source folder so that the
 * media reads join on it.
 * Owns: those statements, the working map, the entries' batched insert.
 * Must not: name anything or decide what a folder holds.
 * Errors: -1 with one line in the err given to store_view_tables_begin
 * ("views: what: SQLite's message"); callbacks return 0 to go on, and a
 * listing stops and returns what else they return. */
#ifndef TFS_STORE_VIEW_TABLES_H
#define TFS_STORE_VIEW_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* entries.kind values the store's statements use (views/views.h's enum
 * entry_kind, checked there). */
#define STORE_ENTRY_DIR   0
#define STORE_ENTRY_MEDIA 1

/* What the working map remembers a folder for (its key). */
#define STORE_MAP_ALBUM 3 /* albums.id */
#define STORE_MAP_DIR   4 /* dirs.id */

struct store_view_tables;

/* Inside the caller's transaction: creates the view tables when missing and
 * empties them, creates the store's secondary indexes and dirs(album_id)
 * when missing (the serving queries need them), starts the working map and
 * prepares the inserts. NULL with err. */
struct store_view_tables *store_view_tables_begin(store_db *db, char *err, size_t errlen);

/* Counts each folder's sub-folders (vdirs.nsub), drops the working map and
 * frees t; ok false (a failed build) only frees. 0, or -1. */
int store_view_tables_end(struct store_view_tables *t, bool ok);

/* Records a failure that is not SQLite's ("views: " what) and returns -1. */
int store_view_tables_fail(struct store_view_tables *t, const char *what);

/* --- writes --- */

/* INSERT OR IGNORE of one entry; *placed false when the name was taken. */
int store_view_tables_add_entry(struct store_view_tables *t, int64_t parent, const char *name,
                                size_t len, int kind, int64_t target, bool *placed);

/* A media entry of one folder. */
struct store_view_name {
	const char *name;
	size_t len;
	int64_t target;
};

/* Up to STORE_VIEW_BATCH media entries of folder parent (in key order is
 * cheapest), a full batch in one statement; taken names are skipped. */
#define STORE_VIEW_BATCH 32
int store_view_tables_add_media(struct store_view_tables *t, int64_t parent,
                                const struct store_view_name *rows, size_t n);

/* A folder: parent and ref -1 for none. */
int store_view_tables_add_dir(struct store_view_tables *t, int64_t vid, int64_t parent,
                              const char *name, size_t len, int kind, int64_t ref);

/* The working map: remember the folder made for key / find it (fallback
 * when there is none). */
int store_view_tables_remember(struct store_view_tables *t, int kind, int64_t key, int64_t vid);
int64_t store_view_tables_recall(struct store_view_tables *t, int kind, int64_t key,
                                 int64_t fallback);

/* --- reads (a failed step ends a listing where noted, as a short one) --- */

/* The names folder parent already holds; a failed read ends it. */
int store_view_tables_names_in(struct store_view_tables *t, int64_t parent,
                               int (*fn)(void *ctx, const char *name, size_t len), void *ctx);

/* Each album with a folder, in (logical path, id) order, with its title or,
 * untitled, the name of its first folder by path; a failed read ends it. */
int store_view_tables_albums(struct store_view_tables *t,
                             int (*fn)(void *ctx, int64_t id, const char *title, size_t len),
                             void *ctx);

/* One media entry to place: the folder (vid from the map), the file, its name. */
typedef int (*store_view_media_fn)(void *ctx, int64_t vid, int64_t file_id, const char *name,
                                   size_t len);

/* The media of each remembered album: one file per item (the smallest id)
 * that is not in a folder of kind trash_kind nor trashed by its sidecar, in
 * (folder, taken, source path, id) order. */
int store_view_tables_album_media(struct store_view_tables *t, int trash_kind,
                                  store_view_media_fn fn, void *ctx);

/* A source folder that leads to media. */
struct store_view_folder {
	int64_t id;
	bool has_parent;
	int64_t parent;
	const char *name; /* NULL for an empty name */
	size_t name_len;
	bool is_top; /* its path is empty (SOURCE itself) */
};

/* Every folder holding a media file and its ancestors, parents first (path
 * order); a failed read ends it. */
int store_view_tables_source_folders(struct store_view_tables *t,
                                     int (*fn)(void *ctx, const struct store_view_folder *d),
                                     void *ctx);

/* Every media file with the folder remembered for its source folder, in no
 * particular order. */
int store_view_tables_source_files(struct store_view_tables *t, store_view_media_fn fn, void *ctx);

#endif
