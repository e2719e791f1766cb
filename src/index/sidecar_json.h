/* Reader for Takeout JSON files (takeout-format.md §3): classifies a JSON file
 * by content (§3.6) and extracts the fields of a media sidecar or an album
 * metadata file. Tolerant: missing, mistyped, huge or absurd values become
 * "absent", never an error; only unparseable input is an error.
 * Must not: read files (it takes a buffer and a length) or print. */
#ifndef TFS_INDEX_SIDECAR_JSON_H
#define TFS_INDEX_SIDECAR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sj_kind {
	SJ_BROKEN = 0, /* not valid JSON / not valid UTF-8 / not an object */
	SJ_IGNORED, /* valid JSON but neither a sidecar nor an album (print orders, memories...) */
	SJ_MEDIA,   /* media sidecar */
	SJ_ALBUM,   /* album metadata (current or legacy "albumData" form) */
};

struct sj_geo {
	bool present; /* false when absent or 0.0/0.0 */
	double lat, lon, alt;
};

struct sj_media {
	char *title;       /* NULL when absent; NUL-free, valid UTF-8 */
	char *description; /* NULL when absent */
	bool has_taken;    /* photoTakenTime present, non-zero, within years 1800..2200 */
	int64_t taken;     /* Unix seconds UTC */
	bool has_created;
	int64_t created;        /* creationTime, Unix seconds UTC */
	struct sj_geo geo;      /* geoData */
	struct sj_geo geo_exif; /* geoDataExif */
	char **people;          /* names, n_people entries */
	size_t n_people;
	char *url;
	bool favorited, archived, trashed;
};

struct sj_album {
	char *title; /* may be "" (untitled) or NULL */
	char *description;
	bool has_date;
	int64_t date;
};

struct sj_doc {
	enum sj_kind kind;
	struct sj_media media; /* valid when kind == SJ_MEDIA */
	struct sj_album album; /* valid when kind == SJ_ALBUM */
	char error[96];        /* why, when kind == SJ_BROKEN */
};

/* Parses buf[0..len). Always fills *doc (kind SJ_BROKEN with a reason on bad
 * input). Returns 0, or -1 when out of memory. Free with sj_free. */
int sj_parse(const char *buf, size_t len, struct sj_doc *doc);
void sj_free(struct sj_doc *doc);

#endif
