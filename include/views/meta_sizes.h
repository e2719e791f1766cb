/* The size of every NAME.meta, rendered once after an index pass that changed
 * the store and kept in the table meta_sizes(file_id, size), so that listing
 * a folder with its .meta files (ls -l, the first one after a mount above
 * all) costs one indexed read per .meta instead of a rendering.
 * The sizes belong to one store generation (meta "meta_sizes_generation");
 * when it is not the store's "generation" they are ignored (and rendered on
 * demand) until built again.
 * Owns: that table's contents and its generation (store/meta_sizes_table.h
 * writes it). Must not: run while the store is being indexed, or be trusted
 * without meta_sizes_valid. */
#ifndef TFS_VIEWS_META_SIZES_H
#define TFS_VIEWS_META_SIZES_H

#include "store/store.h"
#include <stdbool.h>
#include <stddef.h>

/* Renders every .meta of the store at db_path on `threads` threads (each
 * with its own read connection) and writes the sizes in one transaction,
 * unless they already belong to the store's generation. Returns 0, or -1
 * with err (the store is left as it was: the sizes are only an accelerator). */
int meta_sizes_build(const char *db_path, int threads, char *err, size_t errlen);

/* Like meta_sizes_build; with xmp, the sizes of the .xmp files (rendered
 * from the same .meta renderings, store/xmp_sizes.h) are recorded with them,
 * unless both are current. */
int meta_sizes_build_with_xmp(const char *db_path, int threads, bool xmp, char *err, size_t errlen);

/* Whether db's meta_sizes belong to its current generation. */
bool meta_sizes_valid(store_db *db);

#endif
