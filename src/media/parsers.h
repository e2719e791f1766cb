/* The per-format parsers of media/ and the EXIF hand-off (private to media/
 * and its tests): probe.c detects the format and calls one of these, which
 * read through the bounded reader (media/reader.h) and fill c->out. Must
 * not: call back into probe.c. Errors: problems go to probe_problem, out of
 * memory to c->oom; the parsers return nothing. */
#ifndef TFS_MEDIA_PARSERS_H
#define TFS_MEDIA_PARSERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/probe.h"
#include "media/reader.h"

#define EXIF_HEADER_LEN 6 /* "Exif\0\0" */

/* The buffer EXIF blocks are assembled in, grown to len (NULL: no memory). */
uint8_t *probe_exif_buffer(struct probe_ctx *c, size_t len);

/* Copies the TIFF block at off (len bytes, from the head or read) behind an
 * "Exif\0\0" header and hands it to libexif. */
void probe_exif_at(struct probe_ctx *c, uint64_t off, size_t len);

/* Hands an in-memory TIFF block (no header) to libexif through a copy. */
void probe_exif_tiff(struct probe_ctx *c, const uint8_t *tiff, size_t len);

/* Parses an "Exif\0\0"+TIFF block into c->out (exif.c). */
void exif_parse_block(struct probe_ctx *c, const uint8_t *block, size_t len);

/* Lens model and ISO from a Canon, Olympus or Nikon maker note inside the
 * TIFF block (no header) when EXIF gave none (makernote.c). */
void makernote_apply(struct media_info *mi, const uint8_t *tiff, size_t len, bool le);

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

#endif
