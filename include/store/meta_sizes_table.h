/* The table meta_sizes(file_id, size): the rendered size of every NAME.meta
 * of one store generation, which views/meta_sizes.c computes after an index
 * pass (store/view_rows.c reads it while serving).
 * Owns: the table's schema and its rewrite. Must not: render anything.
 * Errors: 0 or -1 with SQLite's message on the connection (store_errmsg). */
#ifndef TFS_STORE_META_SIZES_TABLE_H
#define TFS_STORE_META_SIZES_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* In one write transaction: creates the table when missing, replaces its
 * rows with (ids[i], sizes[i]) for every i whose size is not skip, in the
 * order given (id order appends to the b-tree), and records generation as
 * meta "meta_sizes_generation"; with xmp_sizes (else NULL), the .xmp
 * sizes too (store/xmp_sizes.h), in the same transaction. Rolled back on
 * failure. */
int store_meta_sizes_write(store_db *db, const int64_t *ids, const uint32_t *sizes,
                           const uint32_t *xmp_sizes, size_t n, uint32_t skip, int64_t generation);

#endif
