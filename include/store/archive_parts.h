/* The member tables of tar and tgz parts kept in the store: one row per part,
 * keyed by the part's identity (a hash of its device, inode, size and mtime),
 * holding the opaque blob source/ made of it (its member table and seek
 * points), so that an unchanged part is never decompressed again and a pass
 * cut short (kill -9) redoes only the parts not yet recorded.
 * Owns: the archive_parts table and every statement on it (it is created
 * when missing: a store of this schema made before it simply has no rows).
 * Must not: look inside a blob. Each call opens its own short connection
 * (busy timeout; a write is one short transaction in WAL mode), so passes
 * in several threads and the indexer's writer may run at once.
 * Errors: 0, or -1 (no such row, no store, or SQLite failed). */
#ifndef TFS_STORE_ARCHIVE_PARTS_H
#define TFS_STORE_ARCHIVE_PARTS_H

#include <stddef.h>
#include <stdint.h>

/* The blob kept for ident in the store at db_path: *blob (malloc'd, the
 * caller frees) and *len. 0, or -1 when there is none. */
int store_archive_part_get(const char *db_path, uint64_t ident, unsigned char **blob, size_t *len);

/* Keeps blob as ident's, replacing any. The store must exist. 0 or -1. */
int store_archive_part_put(const char *db_path, uint64_t ident, const unsigned char *blob,
                           size_t len);

/* Drops the rows of every part not in idents[0..n) (parts removed or
 * changed since). 0 or -1. */
int store_archive_parts_keep(const char *db_path, const uint64_t *idents, size_t n);

/* Rows kept, for tests and status. -1 on failure. */
int64_t store_archive_parts_count(const char *db_path);

#endif
