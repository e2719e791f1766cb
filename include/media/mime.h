/* MIME type from content through libmagic, one sniffer per thread (a magic_t
 * is not thread-safe). The flags skip the checks that cannot name a photo or
 * video (compressed, tar, ELF, CDF, text encodings, tokens, JSON, CSV), which
 * makes a call ~4x cheaper without changing the answer for media files
 * (MAGIC_NO_CHECK_SOFT is not among them: it disables the magic database,
 * and every answer becomes application/octet-stream).
 * Must not: share a sniffer between threads, or read files itself. */
#ifndef TFS_MEDIA_MIME_H
#define TFS_MEDIA_MIME_H

#include <stdbool.h>
#include <stddef.h>

struct mime_sniffer;

/* Opens libmagic with the default database; NULL (and a message in err) on failure. */
struct mime_sniffer *mime_sniffer_new(char *err, size_t errlen);

/* The MIME type of buf (usually the file's first bytes); never NULL:
 * "application/octet-stream" when libmagic cannot tell. The string stays
 * valid until the next call on the same sniffer. */
const char *mime_sniff(struct mime_sniffer *s, const void *buf, size_t len);

void mime_sniffer_free(struct mime_sniffer *s);

/* For the formats where libmagic's answer is known to depend on a few bytes
 * only, the range [*from, *to) of buf holding them; the sniffer remembers
 * its answer per distinct content of that range, since libmagic is slow on
 * these (up to 25x a JPEG, and a JPEG is ~12 us). Returns false when buf is not such a file:
 *  - ISO BMFF with a leading ftyp box (HEIC, MP4, MOV): the ftyp box;
 *  - QuickTime without ftyp whose first box is moov or mdat: its type;
 *  - TIFF and TIFF-based raw (DNG, CR2, NEF...): the first 16 bytes;
 *  - JPEG (FF D8 FF): the first 4 bytes (SOI and the first marker);
 *  - PNG: the signature and the IHDR chunk's length and type (16 bytes;
 *    file 5.44 says image/png for animated PNGs too).
 * tests/unit/test_conformance.c checks each claim on every real file by
 * zeroing all but that range and asking a fresh libmagic. */
#define MIME_KEY_MAX 64
bool mime_cache_key(const void *buf, size_t len, size_t *from, size_t *to);

#endif
