/* MIME type from content through libmagic, one sniffer per thread (a magic_t
 * is not thread-safe). The flags skip the checks that cannot name a photo or
 * video (compressed, tar, ELF, CDF, text encodings, tokens, JSON, CSV), which
 * makes a call ~4x cheaper without changing the answer for media files
 * (MAGIC_NO_CHECK_SOFT is not among them: it disables the magic database,
 * and every answer becomes application/octet-stream).
 * Must not: share a sniffer between threads, or read files itself. */
#ifndef TFS_MEDIA_MIME_H
#define TFS_MEDIA_MIME_H

#include <stddef.h>

struct mime_sniffer;

/* Opens libmagic with the default database; NULL (and a message in err) on failure. */
struct mime_sniffer *mime_sniffer_new(char *err, size_t errlen);

/* The MIME type of buf (usually the file's first bytes); never NULL:
 * "application/octet-stream" when libmagic cannot tell. The string stays
 * valid until the next call on the same sniffer. */
const char *mime_sniff(struct mime_sniffer *s, const void *buf, size_t len);

void mime_sniffer_free(struct mime_sniffer *s);

#endif
