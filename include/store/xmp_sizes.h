/* The size of every NAME.EXT.xmp (views/xmp.h), recorded with the .meta
 * sizes (views/meta_sizes.h) in the table xmp_sizes(file_id, size) so that
 * a listing under -o xmp gives each .xmp its exact st_size without
 * rendering it. The sizes belong to one store generation (meta
 * "xmp_sizes_generation"); when that is not the store's "generation" they
 * are not used.
 * Owns: that table, its generation and its statements. Must not: render
 * (views/ hands it the sizes). Errors: -1, as in store/store.h. */
#ifndef TFS_STORE_XMP_SIZES_H
#define TFS_STORE_XMP_SIZES_H

#include "store/store.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sizes that could not be rendered: left out of the table. */
#define STORE_XMP_SIZE_NONE UINT32_MAX

/* Replaces the table's rows with sizes[i] for files ids[i] and records
 * generation, inside the caller's write transaction. 0 or -1. */
int store_xmp_sizes_write(store_db *db, const int64_t *ids, const uint32_t *sizes, size_t n,
                          int64_t generation);

/* Whether db's xmp_sizes belong to its current generation. */
bool store_xmp_sizes_valid(store_db *db);

/* A reader of the sizes on one connection (one thread at a time); NULL when
 * they are not current (or cannot be read), and then every size is unknown. */
struct store_xmp_sizes;
struct store_xmp_sizes *store_xmp_sizes_open(store_db *db);
void store_xmp_sizes_close(struct store_xmp_sizes *r);

/* The recorded size of files.id's .xmp; false when there is none. */
bool store_xmp_size_get(struct store_xmp_sizes *r, int64_t file_id, uint64_t *size);

#endif
