/* The taken-time rule of interface.md ("Taken time"): sidecar photoTakenTime
 * with an offset from EXIF, else EXIF DateTimeOriginal (+OffsetTimeOriginal),
 * else the container's creation time, else a date in the file name, else mtime.
 * Local times without a zone are read in the process's time zone (main sets TZ
 * from -o tz once, before any thread starts).
 * Must not: read files, or change the environment (setenv/tzset from threads). */
#ifndef TFS_MEDIA_TAKEN_H
#define TFS_MEDIA_TAKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/probe.h"

enum taken_source {
	TAKEN_NONE = 0,
	TAKEN_SIDECAR,
	TAKEN_EXIF,
	TAKEN_CONTAINER,
	TAKEN_FILENAME,
	TAKEN_MTIME,
};

/* "sidecar", "exif", "container", "filename", "mtime"; NULL for TAKEN_NONE. */
const char *taken_source_name(enum taken_source s);

struct taken {
	int64_t utc;        /* Unix seconds */
	int offset_minutes; /* local offset east of UTC at capture */
	enum taken_source source;
};

struct taken_inputs {
	bool has_sidecar_taken;
	int64_t sidecar_taken;       /* photoTakenTime, Unix seconds UTC */
	const struct media_info *mi; /* may be NULL */
	const char *name;            /* the media file's name (for rule 3) */
	size_t name_len;
	int64_t mtime; /* the file's mtime, Unix seconds */
};

/* Applies the rule; always succeeds (mtime is the last resort). */
void taken_decide(const struct taken_inputs *in, struct taken *out);

/* Rule 3 alone: a local date-time found in a file name ("IMG_20190321_101530",
 * "PXL_20230809_203449253", "Screenshot_2019-03-21-10-15-30",
 * "IMG-20190321-WA0001", ...). Returns true and fills the broken-down fields
 * (month 1-12; hour/min/sec 0 when the name has only a date). */
bool taken_from_filename(const char *name, size_t len, int *year, int *month, int *day, int *hour,
                         int *min, int *sec);

/* Formats utc+offset as ISO 8601 with offset, "2019-03-21T10:15:30+01:00"
 * (buf of at least 32 bytes). */
void taken_format_iso8601(int64_t utc, int offset_minutes, char *buf, size_t len);

#endif
