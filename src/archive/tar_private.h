/* Private to the tar modules: the parser's extension state shared between
 * the header decoder (tar_header.c) and the PAX record reader (tar_pax.c).
 * Owns: nothing. Must not: be included outside src/archive/tar_*.c. */
#ifndef TFS_ARCHIVE_TAR_PRIVATE_H
#define TFS_ARCHIVE_TAR_PRIVATE_H

#include "archive/tar.h"

/* Applies the PAX records in rec[0..len) to the next member (global false)
 * or to every later member (global true). A malformed record stops the
 * reading and leaves a problem in tp->pending; the records before it stay
 * applied. 0, or -ENOMEM. */
int tar_pax_apply(struct tar_parser *tp, const char *rec, size_t len, bool global);

/* Replaces *dst (of *dst_len bytes) with a NUL-terminated copy of s[0..len),
 * or with nothing when s is NULL. 0, or -ENOMEM. */
int tar_set_string(char **dst, size_t *dst_len, const char *s, size_t len);

#endif
