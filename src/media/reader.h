/* The bounded reader every container parser of media/ goes through (private
 * to media/): the file's head in memory plus at most MEDIA_MAX_READS reads
 * beyond it, each at most MEDIA_READ_MAX bytes, through a window buffer;
 * and the byte-order helpers. Owns the read budget and the per-thread
 * buffers. Must not: read a file by path, or know any format. Parsers never
 * trust a length or offset they have not checked against what probe_bytes()
 * returned. Errors: NULL or a short count; out of memory sets c->oom. */
#ifndef TFS_MEDIA_READER_H
#define TFS_MEDIA_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/probe.h"

#define MEDIA_MAX_READS 16
#define MEDIA_READ_MAX  (256 * 1024)
#define MEDIA_WINDOW    (64 * 1024) /* smallest read beyond the head: later headers often follow */

struct probe_ctx {
	const struct media_source *src;
	struct media_info *out;
	int reads_left;
	bool oom;
	/* The window: bytes read beyond the head, valid until the next read.
	 * It and the EXIF buffer are the calling thread's, reused across files. */
	uint8_t *win;
	size_t win_cap, win_len;
	uint64_t win_off;
	/* The EXIF block handed to libexif, "Exif\0\0" + TIFF (exif.c). */
	uint8_t *exif;
	size_t exif_cap;
	struct scratch *scratch; /* where win and exif go back to, or NULL */
};

/* Starts a probe of src into out (cleared by the caller) with the calling
 * thread's buffers, and hands them back (or frees them) at the end. */
void probe_ctx_begin(struct probe_ctx *c, const struct media_source *src, struct media_info *out);
void probe_ctx_end(struct probe_ctx *c);

/* Points at len bytes of the file at off: inside the head, or read into the
 * window (which invalidates pointers previously returned from the window).
 * Returns NULL when the range is not wholly inside the file, the read budget
 * is spent, len exceeds MEDIA_READ_MAX, or a read fails. */
const uint8_t *probe_bytes(struct probe_ctx *c, uint64_t off, size_t len);

/* Up to len bytes at off (fewer at the end of the file); *got says how many. */
const uint8_t *probe_bytes_upto(struct probe_ctx *c, uint64_t off, size_t len, size_t *got);

/* Copies up to len bytes at off into dst (head, window or one read); returns
 * how many (0 when outside the file or out of budget). */
size_t probe_copy_upto(struct probe_ctx *c, uint64_t off, size_t len, uint8_t *dst);

/* Copies exactly len bytes at off into dst; false when they are not all
 * inside the file or cannot be read. */
bool probe_copy(struct probe_ctx *c, uint64_t off, size_t len, uint8_t *dst);

/* Makes *buf (of *cap bytes) hold want bytes; false (and c->oom) when out of memory. */
bool probe_grow(struct probe_ctx *c, uint8_t **buf, size_t *cap, size_t want);

/* Records the first problem seen (later ones are dropped). */
void probe_problem(struct probe_ctx *c, const char *msg);

static inline uint16_t rd_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t rd_be64(const uint8_t *p)
{
	return (uint64_t)rd_be32(p) << 32 | rd_be32(p + 4);
}

static inline uint16_t rd_le16(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t rd_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint32_t rd_le24(const uint8_t *p)
{
	return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* TIFF byte order: little-endian when le. */
static inline uint16_t rd_tiff16(const uint8_t *p, bool le)
{
	return le ? rd_le16(p) : rd_be16(p);
}

static inline uint32_t rd_tiff32(const uint8_t *p, bool le)
{
	return le ? rd_le32(p) : rd_be32(p);
}

#endif
