/* The full-file CRC-32 of the .meta "crc32" key: computed from the source file
 * on first need (or by the background pass of -o crc=eager), then kept in
 * the store's files.crc32 so no later read or mount reads the file again.
 * Owns: the daemon's only write connection (a single writer thread), the
 * single-flight table (one computation per file however many readers ask at
 * once) and the eager pass. Source files are read through source/'s checked
 * opens; the values and the copies they reveal to differ reach the store
 * through store/crc.h. Must not: write anything but those, keep per-file
 * state beyond a small fixed table, or change a .meta's size.
 * Errors: 0 or a negative errno. */
#ifndef TFS_FS_CRC_H
#define TFS_FS_CRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source/source.h"
#include "views/meta.h"

struct fuse_session;
struct crc_svc;

/* Bytes read per pread when computing a CRC. */
#define CRC_CHUNK (1024 * 1024)

/* Pause between files of the eager pass, in microseconds, from this
 * environment variable (default 0). Lets tests interrupt a pass mid-way on a
 * small fixture; also usable to slow the pass further on a busy machine. */
#define CRC_EAGER_PAUSE_ENV "TAKEOUTFS_CRC_EAGER_PAUSE_US"

/* Starts the service in the process that serves (after any fork): opens the
 * store read-write, creates crc_conflicts, starts the writer thread, and the
 * eager pass when eager. se (may be NULL) receives .meta invalidations. When
 * the store is not writable, CRCs are still computed and served, not kept.
 * Returns NULL only when out of memory. */
struct crc_svc *crc_start(const char *db_path, struct source *src, bool eager,
                          struct fuse_session *se);

/* Stops the eager pass (between two chunks), commits what was computed,
 * closes the write connection. */
void crc_stop(struct crc_svc *s);

/* The CRC of files.id, whose source is path (relative to SOURCE) with the
 * store's size and mtime: from a computation just done or under way, else
 * read now (once, whichever thread asks first). 0 or a negative errno. */
int crc_get(struct crc_svc *s, int64_t id, const char *path, int64_t size, int64_t mtime_ns,
            uint32_t *crc);

/* The counters shown in status.json. */
void crc_stats(struct crc_svc *s, struct status_crc *out);

#endif
