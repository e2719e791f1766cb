/* The JSON documents of the mount: NAME.meta (interface.md ".meta files")
 * and .takeoutfs/status.json, rendered from the store on demand.
 * Owns: their layout; the facts come from store/meta_rows.h. The crc32 value keeps the same width
 * whether or not the CRC is known yet (null is padded with spaces), so a .meta's st_size never
 * changes while mounted. Must not: read media files or keep per-item state. */
#ifndef TFS_VIEWS_META_H
#define TFS_VIEWS_META_H

#include "store/store.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growing output buffer; oom is set (and appends stop) when memory runs out. */
struct jbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

void jbuf_free(struct jbuf *b);
void jbuf_raw(struct jbuf *b, const char *s, size_t len);
/* A JSON string of s[0..len): invalid UTF-8 repaired (U+FFFD), escaped. */
void jbuf_string(struct jbuf *b, const char *s, size_t len);

struct meta;

/* Prepares the renderer's statements on db (used by one thread at a time). */
struct meta *meta_open(store_db *db, char *err, size_t errlen);
void meta_close(struct meta *m);

/* Renders the .meta of files.id into out (cleared first). 0, -ENOENT when the
 * file is not in the store, -EIO / -ENOMEM otherwise. */
int meta_render(struct meta *m, int64_t file_id, struct jbuf *out);

/* Like meta_render, with the crc32 taken from *crc when crc is not NULL (a
 * value just computed, before the store shows it). *crc_known (when not NULL)
 * tells whether the rendering carries a CRC. A copy whose known CRC differs
 * from this file's is left out of "copies" (an identity collision); its
 * bytes are replaced by spaces so the size never depends on the CRCs. */
int meta_render_crc(struct meta *m, int64_t file_id, const uint32_t *crc, struct jbuf *out,
                    bool *crc_known);

/* Renders status.json (counts, timings, unmatched files and problems, lists
 * capped at STATUS_LIST_MAX with a total) into out. 0 or -1. */
#define STATUS_LIST_MAX 1000
int status_render(store_db *db, struct jbuf *out);

/* The full-file CRC progress shown in status.json under "crc". */
struct status_crc {
	bool eager;
	int64_t computed, total;       /* files with a CRC in the store, files */
	int64_t computed_this_mount;   /* files read to compute a CRC */
	int64_t read_this_mount_bytes; /* bytes read for that */
	int64_t conflicts;             /* identity collisions the CRCs revealed */
};

/* How the opens of media files were served since mounting, shown under
 * "reads": by the kernel from the source file, or through the daemon. */
struct status_reads {
	bool passthrough;   /* the kernel serves reads (FUSE passthrough) */
	int64_t through;    /* opens served by passthrough */
	int64_t via_daemon; /* opens whose reads the daemon answers */
};

/* What status.json shows that moves while mounted. */
struct status_live {
	struct status_crc crc;
	struct status_reads reads;
};

/* Writes base (a complete status_render output) with the "crc" and "reads"
 * objects added into out. Numbers and booleans have a fixed width (padded
 * with spaces), so the length of out depends only on base and never on the
 * counters. 0 or -1 (no memory). */
int status_render_live(const struct jbuf *base, const struct status_live *live, struct jbuf *out);

#endif
