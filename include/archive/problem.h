/* What the archive format layer (zip and tar headers, member paths) reports
 * when input is damaged, hostile or unsupported: a stable code and one short
 * human line. The caller decides whether the problem concerns one member
 * (skip it, note it) or the whole archive (stop there).
 * The layer's one error convention: a function returns 0 (or a count, or a
 * value it documents) on success and a negative errno on failure; where the
 * reason matters for status.json it also fills a struct arc_problem, whose
 * code gives that errno (arc_errno). Only tar's stepping parser answers with
 * its enum of steps instead (archive/tar.h).
 * Owns: the codes, their stable names (what status.json shows) and errnos.
 * Must not: allocate, print, or know where the problem will be recorded. */
#ifndef TFS_ARCHIVE_PROBLEM_H
#define TFS_ARCHIVE_PROBLEM_H

enum arc_code {
	ARC_OK = 0,
	/* The archive as a whole. */
	ARC_TRUNCATED,      /* the data ends inside a record or a member */
	ARC_NO_END,         /* zip: no end of central directory record */
	ARC_BAD_END,        /* zip: end records inconsistent (offsets, ZIP64 locator) */
	ARC_MULTIDISK,      /* zip: split over several disks (not supported) */
	ARC_BAD_SIGNATURE,  /* a record does not start with its signature */
	ARC_BAD_HEADER,     /* a header field is impossible (lengths, numbers) */
	ARC_BAD_CHECKSUM,   /* tar: header checksum does not match */
	ARC_COUNT_MISMATCH, /* zip: entry count of the end record is not the directory's */
	ARC_IO,             /* the read_at callback failed */
	ARC_NOMEM,          /* out of memory */
	/* One member. */
	ARC_BAD_EXTRA,      /* zip: an extra field that is needed (ZIP64) is missing or broken */
	ARC_BAD_PAX,        /* tar: malformed PAX record, or an extension over its bound */
	ARC_OUT_OF_BOUNDS,  /* an offset or size reaches outside the archive or its data area */
	ARC_OVERLAP,        /* zip: member data overlaps another member's */
	ARC_LOCAL_MISMATCH, /* zip: local header disagrees with the central directory */
	ARC_UNSUPPORTED_METHOD, /* zip: compression other than stored (0) or deflate (8) */
	ARC_ENCRYPTED,          /* zip: encrypted member */
	ARC_BAD_DATA,           /* zip walk: deflate stream corrupt */
	ARC_BAD_CRC,            /* zip walk: data descriptor's CRC-32 is not the data's */
	ARC_BAD_DESCRIPTOR,     /* zip walk: no data descriptor agrees with the data */
	ARC_TOO_BIG,            /* a size beyond what the layer accepts */
	/* Member names (member_path). */
	ARC_NAME_NUL,      /* NUL byte inside the name */
	ARC_NAME_EMPTY,    /* nothing left after "./" and empty components are dropped */
	ARC_NAME_ABSOLUTE, /* starts with '/' */
	ARC_NAME_DOTDOT,   /* a ".." component */
	ARC_NAME_BAD_UTF8, /* not well-formed UTF-8 */
	ARC_NAME_TOO_LONG, /* a component over 255 bytes, or the whole over the path bound */
	ARC_CODE_COUNT
};

#define ARC_MSG_MAX 160

struct arc_problem {
	enum arc_code code;    /* ARC_OK when there is none */
	char msg[ARC_MSG_MAX]; /* "" or one line without a trailing newline */
};

/* A stable lower-case name for code ("truncated", "name-dotdot", ...), for
 * status.json and tests; "unknown" for a value out of range. Never NULL. */
const char *arc_code_name(enum arc_code code);

/* The negative errno a failure with code returns (0 for ARC_OK): -EIO,
 * -ENOMEM, -EFBIG (ARC_TOO_BIG), -ENOTSUP (multi-disk, another method,
 * encrypted), -EINVAL (a refused member name), else -EBADMSG (damaged). */
int arc_errno(enum arc_code code);

/* Resets *p to ARC_OK with an empty message. */
void arc_problem_clear(struct arc_problem *p);

#endif
