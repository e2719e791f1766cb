/* The gzip wrapper around a deflate stream (RFC 1952): the member header
 * with its optional fields, and the 8-byte trailer.
 * Owns: the byte layout of both. Must not: inflate anything.
 * Errors: gzip_header_length returns the header's length, 0 when more bytes
 * are needed to tell, or -EIO (corrupt data, as the deflate layer says it)
 * with *why set when the bytes are not a valid gzip header. */
#ifndef TFS_ARCHIVE_GZIP_MEMBER_H
#define TFS_ARCHIVE_GZIP_MEMBER_H

#include <stddef.h>
#include <stdint.h>

#define GZIP_TRAILER_SIZE 8

/* Length of the gzip member header at p[0..n). */
long gzip_header_length(const unsigned char *p, size_t n, const char **why);

/* The two magic bytes start p[0..n) (n >= 2). */
int gzip_magic_at(const unsigned char *p, size_t n);

/* Checks a trailer against the member's CRC-32 and length: 0, or -EIO with
 * *why set. */
int gzip_trailer_check(const unsigned char *p, uint32_t crc, uint64_t size, const char **why);

#endif
