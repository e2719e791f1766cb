/* NAME.EXT.xmp (under -o xmp): an XMP sidecar for one media file, the name
 * digiKam, darktable and the other photo managers look for. Its values are
 * the ones the file's NAME.meta shows: the packet is rendered from that
 * .meta's rendering, so the two cannot disagree.
 * Owns: the mapping of .meta values to XMP properties (README "XMP
 * sidecars"), the XMP notations of dates, GPS coordinates and altitudes, and
 * XML escaping. Every output is well-formed XML whatever the input: markup
 * characters are escaped, characters XML 1.0 forbids (control characters,
 * U+FFFE, U+FFFF) and invalid UTF-8 become U+FFFD.
 * Must not: touch the store or the media files, or depend on anything that
 * changes while mounted (a .xmp's size is known at listing time).
 * Errors: 0, or a negative errno (views/ serving convention). */
#ifndef TFS_VIEWS_XMP_H
#define TFS_VIEWS_XMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "views/meta.h"

#define XMP_SUFFIX     ".xmp"
#define XMP_SUFFIX_LEN 4

/* What one packet says. Strings are NUL-terminated, NULL or "" when absent;
 * they may hold any bytes (the renderer repairs and escapes them). */
struct xmp_item {
	const char *taken; /* ISO 8601 with its offset, as .meta "taken" */
	bool has_gps, has_alt;
	double lat, lon, alt; /* decimal degrees, metres (.meta "gps") */
	const char *title, *description, *url;
	const char *const *people; /* n_people names */
	size_t n_people;
	const char *const *albums; /* n_albums titles */
	size_t n_albums;
	bool favorite;
	int64_t width, height; /* pixels, 0 when unknown (MWG regions' dimensions) */
};

/* Renders the packet of item into out (cleared first). 0 or -ENOMEM. */
int xmp_render(const struct xmp_item *item, struct jbuf *out);

/* Reads the values of a rendered .meta (meta[0..len), any bytes) and renders
 * their packet into out. 0, -EINVAL when meta is not a JSON object, or
 * -ENOMEM. */
int xmp_render_from_meta(const char *meta, size_t len, struct jbuf *out);

#endif
