/* Internal to src/media: the bounded reader every container parser goes
 * through, byte-order helpers, and the per-format entry points that
 * media_probe() dispatches to. Owns the read budget (at most
 * MEDIA_MAX_READS reads beyond the head, each at most MEDIA_READ_MAX bytes).
 * Must not: be included outside src/media and its tests, or read a file by
 * path. Parsers never trust a length or offset they have not checked against
 * what probe_bytes() returned. */
#ifndef TFS_MEDIA_INTERNAL_H
#define TFS_MEDIA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/probe.h"

#define MEDIA_MAX_READS 16
#define MEDIA_READ_MAX  (256 * 1024)
#define MEDIA_WINDOW    (64 * 1024) /* smallest read beyond the head: later headers often follow */
#define EXIF_HEADER_LEN 6           /* "Exif\0\0" */

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
	/* The EXIF block handed to libexif, "Exif\0\0" + TIFF. */
	uint8_t *exif;
	size_t exif_cap;
};

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

/* The buffer EXIF blocks are assembled in, grown to len (NULL: no memory). */
uint8_t *probe_exif_buffer(struct probe_ctx *c, size_t len);

/* Copies the TIFF block at off (len bytes, from the head or read) behind an
 * "Exif\0\0" header and hands it to libexif. */
void probe_exif_at(struct probe_ctx *c, uint64_t off, size_t len);

/* Hands an in-memory TIFF block (no header) to libexif through a copy. */
void probe_exif_tiff(struct probe_ctx *c, const uint8_t *tiff, size_t len);

/* Records the first problem seen (later ones are dropped). */
void probe_problem(struct probe_ctx *c, const char *msg);

/* Parses an "Exif\0\0"+TIFF block into c->out (exif.c). */
void exif_parse_block(struct probe_ctx *c, const uint8_t *block, size_t len);

/* For fuzzing and tests: media_probe() without format detection, and the
 * EXIF step alone on a raw TIFF block (no "Exif\0\0" header). */
int media_probe_as(const struct media_source *src, struct media_info *out, enum media_format f);
int media_probe_tiff_block(const uint8_t *tiff, size_t len, struct media_info *out);

/* Per-format parsers: fill c->out from c->src. */
void jpeg_probe(struct probe_ctx *c);
void png_probe(struct probe_ctx *c);
void tiff_probe(struct probe_ctx *c);
void webp_probe(struct probe_ctx *c);
void gif_probe(struct probe_ctx *c);
void isobmff_probe(struct probe_ctx *c, bool is_heif);

/* XMP packet and IPTC fallbacks for JPEG (xmp.c): fill only absent fields. */
void xmp_apply(struct probe_ctx *c, const uint8_t *xml, size_t len);
void iptc_apply_photoshop(struct probe_ctx *c, const uint8_t *seg, size_t len);

/* Copies a stored string into dst as trimmed, valid UTF-8 (Latin-1 bytes are
 * transcoded). trim_spaces is false for dates, which ExifTool keeps verbatim. */
void media_copy_string(char *dst, size_t cap, const uint8_t *s, size_t len, bool trim_spaces);

/* "YYYY:MM:DD hh:mm:ss" from Unix seconds (UTC). */
void media_format_utc(int64_t t, char *buf, size_t cap);

/* ISO 6709 "+DD.DDDD+DDD.DDDD+AAA.AAA/" into the GPS fields; false if malformed. */
bool media_parse_iso6709(struct media_info *mi, const char *s, size_t len);

/* XMP/QuickTime style "2019-07-24T11:25:57+0300" into ExifTool's
 * "2019:07:24 11:25:57+03:00". Returns false when it is not a date. */
bool media_date_from_iso(char *dst, size_t cap, const char *s, size_t len);

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
