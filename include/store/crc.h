/* The store's side of the full-file CRC-32 (fs/crc.c computes them): the
 * files.crc32 column, the crc_conflicts table (file_id, other_id: files
 * grouped as copies by their identity key whose CRCs differ; the next index
 * pass splits them) and the queries the CRC service runs.
 * Owns: those statements. Must not: read SOURCE or decide when to compute.
 * Errors: 0 or -1 (with err where there is one), as in store/store.h. */
#ifndef TFS_STORE_CRC_H
#define TFS_STORE_CRC_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/writer.h"

/* Creates crc_conflicts when missing. 0, or -1 with err. */
int store_crc_prepare(store_db *db, char *err, size_t errlen);

/* The files of the store, those with a CRC, and the conflicts (pairs). Left
 * as they were when the query fails. */
void store_crc_counts(store_db *db, int64_t *files, int64_t *with_crc, int64_t *conflicts);

/* For a writer_fn: stores crc as files.crc32 of id and records each copy
 * whose known CRC differs (both directions); *pairs is how many such copies
 * were new. 0 or -1. */
int store_crc_write(struct writer *w, int64_t id, uint32_t crc, int *pairs);

/* A file still without a CRC: its id, folder path and name (raw bytes,
 * valid until the next row), and the size and mtime the store recorded. */
struct store_crc_missing {
	int64_t id, size, mtime_ns;
	const void *dir, *name;
	size_t dir_len, name_len;
};

struct store_crc_scan;

/* The eager pass's scan on db (a connection of the caller's thread), NULL
 * when the query cannot be prepared. */
struct store_crc_scan *store_crc_scan_open(store_db *db);
void store_crc_scan_close(struct store_crc_scan *scan);

/* Calls fn for up to limit files without a CRC whose id is above after, in
 * id order, and returns the last id seen (after when there was none). No
 * read transaction stays open after the call. */
int64_t store_crc_scan_next(struct store_crc_scan *scan, int64_t after, int limit,
                            void (*fn)(void *ctx, const struct store_crc_missing *f), void *ctx);

/* Drops the conflicts whose files no longer both have the CRC they were
 * found with (the end of an index pass). 0, or -1 with err. */
int store_crc_drop_stale(store_db *db, char *err, size_t errlen);

#endif
