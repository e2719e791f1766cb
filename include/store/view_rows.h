/* The serving reads of the view tables (vdirs, entries, meta_sizes) and of a
 * media file's row, for views/views.c, which answers lookup, getattr and
 * readdir from them: one reader per connection, its statements prepared
 * once (they run on every FUSE request), and the connection's read
 * transaction.
 * Owns: those SELECTs. Must not: name anything, build the tables
 * (store/view_tables.c does), or keep a row after its callback returned.
 * Errors: a negative errno (-ENOENT when there is no such row, -EIO when
 * SQLite fails), as FUSE answers it; opening a reader NULL with err. */
#ifndef TFS_STORE_VIEW_ROWS_H
#define TFS_STORE_VIEW_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/view_tables.h" /* STORE_ENTRY_* */

struct store_view_reader;

/* Prepares the reads on db; with_meta_sizes: the listing and
 * store_view_meta_size read meta_sizes (which must then exist). */
struct store_view_reader *store_view_reader_open(store_db *db, bool with_meta_sizes, char *err,
                                                 size_t errlen);
void store_view_reader_close(struct store_view_reader *r);

/* Starts a read transaction (true when one started) / ends it. */
bool store_view_begin_read(struct store_view_reader *r);
void store_view_end_read(struct store_view_reader *r);

/* The entry name[0..len) of folder parent: its kind and target. */
int store_view_entry(struct store_view_reader *r, int64_t parent, const char *name, size_t len,
                     int *kind, int64_t *target);

/* The number of sub-folders of vdirs.id. */
int store_view_dir(struct store_view_reader *r, int64_t id, int64_t *nsub);

/* What a media file's attributes are made of. */
struct store_view_file {
	uint64_t size;
	bool has_taken;
	int64_t taken, mtime_ns;
};

int store_view_file(struct store_view_reader *r, int64_t id, struct store_view_file *out);

/* The recorded size of file id's .meta; false when there is none (not
 * opened with_meta_sizes, or this one could not be rendered). */
bool store_view_meta_size(struct store_view_reader *r, int64_t id, uint64_t *size);

/* One entry of a listing with what its attributes need: file for a media
 * entry, nsub for a folder, the .meta size of a media entry when recorded. */
struct store_view_listed {
	const char *name; /* NULL for an empty name */
	size_t len;
	int kind;
	int64_t target;
	struct store_view_file file;
	int64_t nsub;
	bool has_meta_size;
	uint64_t meta_size;
};

/* Calls fn for each entry of folder parent whose name sorts after
 * after[0..after_len), in name order, until fn returns non-zero. Returns
 * what fn stopped with, 0 at the end, or -EIO. */
int store_view_list(struct store_view_reader *r, int64_t parent, const char *after,
                    size_t after_len, int (*fn)(void *ctx, const struct store_view_listed *e),
                    void *ctx);

/* Path of files.id relative to SOURCE into buf (NUL-terminated), and the
 * size and mtime (ns) the store recorded. 0, or -ENOENT / -ENAMETOOLONG /
 * -EIO. */
int store_view_source(struct store_view_reader *r, int64_t file_id, char *buf, size_t len,
                      int64_t *size, int64_t *mtime_ns);

#endif
