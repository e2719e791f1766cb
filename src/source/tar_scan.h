/* The one sequential pass over a tar or tgz part (private to source/): reads
 * the part from its first byte to its last (a tgz through an inflate pass that
 * records seek points), parses the tar headers on the way, computes every
 * regular member's CRC-32 from its bytes and fills a part_table.
 * Links, devices, fifos, sparse and other special members become problems,
 * never members. A damaged part (truncated, corrupt gzip, a bad tar header)
 * keeps the members seen whole before the damage, with a problem; data after
 * the tar end marker beyond TAR_SCAN_AFTER_END bytes is not inflated (a bomb
 * behind a small archive).
 * Owns: the tar stream's state during the pass (header, member data,
 * padding). Must not: decide what a member path means beyond cleaning it,
 * keep member bytes, or print.
 * Errors: 0 (the table may hold problems) or a negative errno when nothing
 * can be said of the part (-ENOMEM, or a read error before any member). */
#ifndef TFS_SOURCE_TAR_SCAN_H
#define TFS_SOURCE_TAR_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "source/part_table.h"
#include "source/source.h"

#define TAR_SCAN_AFTER_END (1u << 20)

/* Scans the part fd (its size bytes; gzip: a .tgz, else a plain .tar) into
 * *t (zeroed first; free with part_table_free, also after a failure).
 * progress (may be NULL) is called now and then with the bytes of the part
 * read so far; name is the part's name it reports. */
int tar_scan(int fd, uint64_t size, bool gzip, const char *name, source_progress_fn progress,
             void *progress_ctx, struct part_table *t);

/* True when fd holds a tar stream: a valid tar header at its start, plain
 * (*gzip false) or inside a gzip stream (*gzip true). */
bool tar_scan_recognise(int fd, bool *gzip);

#endif
