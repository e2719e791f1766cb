/* The sidecar matcher: pairs the media files of one (logical) directory with
 * their JSON sidecars, implementing takeout-format.md §8 rules 1-8.
 * Owns: every naming rule (truncation at 46/47 UTF-16 units, counters,
 * supplemental-metadata remnants, edit suffixes, live/motion companions,
 * title fallback) and the two-phase order (rules 1-4 for all files first).
 * Must not: read the disk or parse JSON (titles come from the caller), or do
 * rule 9 (cross-folder reuse by content): the indexer does that from the store. */
#ifndef TFS_INDEX_SIDECAR_H
#define TFS_INDEX_SIDECAR_H

#include <stddef.h>

enum sc_rule {
	SC_NONE = 0,
	SC_EXACT,               /* rule 1, no counter: IMG_1.jpg <-> IMG_1.jpg.json */
	SC_COUNTER,             /* rule 1 with a counter: IMG(1).jpg <-> IMG.jpg(1).json */
	SC_TRUNCATED,           /* rule 2: 46-unit clipping */
	SC_TITLE_COUNTER,       /* rule 3: the (n) belongs to the title */
	SC_NO_EXTENSION,        /* rule 4: title without extension */
	SC_EDITED,              /* rule 5: edited/derived copy */
	SC_FORGOTTEN_DUPLICATE, /* rule 6 */
	SC_LIVE_PHOTO,          /* rule 7: motion/live companion */
	SC_TITLE,               /* rule 8: matched on the JSON title */
	SC_COPY, /* rule 9: borrowed from a byte-identical copy (set by the indexer) */
	SC_RULE_COUNT
};

/* Stable lowercase name of a rule, as shown in .meta "match" ("exact",
 * "counter", "truncated", "title-counter", "no-extension", "edited",
 * "forgotten-duplicate", "live-photo", "title", "copy"); NULL for SC_NONE. */
const char *sc_rule_name(enum sc_rule rule);

struct sc_sidecar {
	const char *name; /* file name, e.g. "IMG_1.jpg.supplemental-metadata(1).json" */
	size_t name_len;
	const char *title; /* the JSON "title", NUL-terminated, or NULL when absent */
};

struct sc_media {
	const char *name; /* file name, e.g. "IMG_1(1).jpg" */
	size_t name_len;
};

struct sc_result {
	int sidecar;       /* index into the sidecar array, or -1 when unmatched */
	enum sc_rule rule; /* SC_NONE when unmatched */
};

/* Matches every media file of one directory. out[i] receives the result for
 * media[i]. One sidecar may serve several media files (original, edit, motion
 * part). Deterministic: the same input gives the same output whatever the
 * order of the arrays. Returns 0, or -1 when out of memory. */
int sc_match_directory(const struct sc_sidecar *sidecars, size_t n_sidecars,
                       const struct sc_media *media, size_t n_media, struct sc_result *out);

#endif
