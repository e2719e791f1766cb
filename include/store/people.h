/* Reads of the people the sidecars name, for the by-person/ view: every
 * (item, name) pair of a live file (as in store/live.h: not in a folder of
 * the trash kind, its sidecar not "trashed") whose sidecar's people array
 * holds the name.
 * Owns: that statement. Must not: write, normalize or clean the names (the
 * views do), or keep a row. Errors: -1 when SQLite fails, as in store/store.h. */
#ifndef TFS_STORE_PEOPLE_H
#define TFS_STORE_PEOPLE_H

#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

/* Calls fn(ctx, item, name, len) for each pair (item: item_id, else the
 * file's id; name as stored, valid until fn returns), in no particular
 * order; fn returns 0 to go on. Returns 0, -1 when the read fails, or the
 * value fn stopped with. */
int store_scan_people(store_db *db, int trash_kind,
                      int (*fn)(void *ctx, int64_t item, const char *name, size_t len), void *ctx);

#endif
