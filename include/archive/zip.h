/* The zip format, read from buffers: the end of central directory records
 * (with ZIP64), the central directory's entries, a member's local header, and
 * a walk over local headers for an archive whose end is missing (a download
 * cut short), which reads through a callback.
 * Owns: the record layouts, the extra fields we honour (ZIP64 0x0001, Info-ZIP
 * Unicode Path 0x7075, extended timestamp 0x5455), CP437 decoding, and every
 * consistency check of one record against the archive's bounds.
 * Must not: open files, allocate per entry, decompress member data (the walk
 * inflates only to find where a member ends), or decide what a problem means
 * for the mount (the caller records it).
 * Error convention (the archive layer's, archive/problem.h): functions return
 * 0 (or 1 for "yielded an entry" where said) on success, a negative errno
 * with *p set on a problem (arc_errno of its code: -EBADMSG for damage,
 * -ENOTSUP, -EFBIG, -EIO, -ENOMEM); a member-level problem is instead
 * reported in the yielded entry's `problem` and the iteration goes on.
 * Sizes and offsets are archive byte offsets (uint64_t) unless said. */
#ifndef TFS_ARCHIVE_ZIP_H
#define TFS_ARCHIVE_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "archive/problem.h"

#define ZIP_EOCD_SIZE         22 /* end of central directory record, no comment */
#define ZIP64_LOCATOR_SIZE    20
#define ZIP64_EOCD_SIZE       56 /* ZIP64 end record without its extensible data */
#define ZIP_CD_HEADER_SIZE    46 /* central directory header before name/extra/comment */
#define ZIP_LOCAL_HEADER_SIZE 30 /* local header before name/extra */
#define ZIP_LOCAL_HEADER_MAX  (ZIP_LOCAL_HEADER_SIZE + 65535 + 65535)
/* Bytes to read from the end of the archive to be sure to see the end record
 * with the longest comment and the ZIP64 locator before it. */
#define ZIP_TAIL_MAX (ZIP64_LOCATOR_SIZE + ZIP_EOCD_SIZE + 65535)
#define ZIP_NAME_CAP 4096 /* decoded name bytes kept (longer: a member problem) */

#define ZIP_METHOD_STORED   0
#define ZIP_METHOD_DEFLATE  8
#define ZIP_FLAG_ENCRYPTED  0x0001
#define ZIP_FLAG_DESCRIPTOR 0x0008 /* CRC and sizes follow the data */
#define ZIP_FLAG_UTF8       0x0800

/* Where the central directory is, from the end records. */
struct zip_end {
	uint64_t eocd_offset; /* the end of central directory record */
	uint64_t cd_offset;   /* the central directory: read cd_size bytes here */
	uint64_t cd_size;
	uint64_t entries;      /* as the end record claims (checked by the iteration) */
	uint64_t trailing;     /* bytes after the record and its comment (normally 0) */
	bool zip64;            /* values came from the ZIP64 end record */
	bool zip64_pending;    /* a ZIP64 locator was found: read ZIP64_EOCD_SIZE bytes at
	                          zip64_offset and call zip_end_read64() */
	uint64_t zip64_offset; /* where the ZIP64 end record is (when zip64_pending or zip64) */
};

/* Finds the end of central directory record in tail[0..len), the last len
 * bytes of an archive of archive_size bytes (len = min(size, ZIP_TAIL_MAX)
 * finds any). Takes the last signature whose comment fits; fills *end. When
 * the ZIP64 locator precedes the record, end->zip64_pending is set and the
 * caller continues with zip_end_read64(). 0, or a negative errno with *p: ARC_NO_END (none:
 * walk the local headers instead), ARC_MULTIDISK, ARC_BAD_END. */
int zip_end_find(const uint8_t *tail, size_t len, uint64_t archive_size, struct zip_end *end,
                 struct arc_problem *p);

/* Reads the ZIP64 end record from rec[0..len) (len >= ZIP64_EOCD_SIZE, read at
 * end->zip64_offset) into *end, clearing zip64_pending. 0 or a negative errno with *p
 * (ARC_BAD_SIGNATURE, ARC_TRUNCATED, ARC_MULTIDISK, ARC_BAD_END). */
int zip_end_read64(const uint8_t *rec, size_t len, uint64_t archive_size, struct zip_end *end,
                   struct arc_problem *p);

/* Reads up to len bytes at archive offset off into buf: the number read
 * (short only at the end of the archive), or a negative errno. */
typedef ssize_t (*zip_read_at_fn)(void *ctx, void *buf, size_t len, uint64_t off);

/* Bytes in memory (a mapped archive, a test's buffer) as a read_at source:
 * pass zip_mem_read_at with a struct zip_mem as ctx. Never fails; short
 * only at the end. */
struct zip_mem {
	const uint8_t *p;
	size_t len;
};
ssize_t zip_mem_read_at(void *ctx, void *buf, size_t len, uint64_t off);

/* Reads the tail and, when needed, the ZIP64 record through read_at, and
 * calls the two functions above: the usual way to locate the directory.
 * 0 or a negative errno with *p (also ARC_IO, ARC_NOMEM). */
int zip_end_locate(zip_read_at_fn read_at, void *ctx, uint64_t archive_size, struct zip_end *end,
                   struct arc_problem *p);

/* Where a member's name came from. */
enum zip_name_source {
	ZIP_NAME_UTF8,    /* flag bit 11, or unflagged bytes that are well-formed UTF-8
	                     (Info-ZIP on Unix; unzip writes them as they are) */
	ZIP_NAME_UNICODE, /* Info-ZIP Unicode Path extra 0x7075 whose CRC matched */
	ZIP_NAME_CP437,   /* the stored bytes, decoded from code page 437 */
};

/* A DOS date and time as stored (local time of the writer, 2-second steps). */
struct zip_dos_time {
	int year, month, day, hour, minute, second;
};

/* One member, from a central directory header (zip_cd_next) or a local
 * header and its data descriptor (zip_walk_next). */
struct zip_entry {
	uint64_t index;          /* 0-based position in the directory or the walk */
	uint64_t header_offset;  /* where its central (or, walking, local) header starts */
	const uint8_t *raw_name; /* the stored name bytes (valid until the next call) */
	size_t raw_name_len;
	char name[ZIP_NAME_CAP]; /* decoded to UTF-8 (unchecked: pass to member_path_clean),
	                            NUL-terminated; may hold a NUL (then problem is set) */
	size_t name_len;
	enum zip_name_source name_source;
	uint16_t version_made_by; /* high byte: host system (3 = Unix, 19 = OS X) */
	uint16_t version_needed, flags, method;
	uint32_t crc32;
	uint64_t comp_size, size; /* compressed and uncompressed, ZIP64 applied */
	uint64_t local_offset;    /* the local header (ZIP64 applied) */
	uint64_t data_offset;     /* walk only: the member's first data byte; 0 from the
	                             directory (parse the local header: zip_local_parse) */
	struct zip_dos_time dos_time;
	bool has_unix_mtime; /* the extended timestamp extra 0x5455 gave mtime_unix */
	int64_t mtime_unix;  /* seconds, UTC */
	uint32_t external_attr;
	uint32_t unix_mode; /* external_attr >> 16 when made on Unix/OS X, else 0 */
	bool is_dir;        /* name ends in '/', Unix S_IFDIR, or the MS-DOS directory bit */
	bool is_symlink;    /* Unix S_IFLNK */
	struct arc_problem problem; /* ARC_OK, or why this member cannot be served */
};

/* The DOS fields read as UTC, in seconds since the epoch (the format does
 * not say the writer's zone: a caller wanting unzip's reading passes the
 * fields to mktime() instead). Prefer e->mtime_unix when e->has_unix_mtime:
 * it is exact UTC, and it is what unzip restores. A zero or impossible DOS
 * date (month 0, day 0) is read as 1980-01-01 00:00:00. */
int64_t zip_dos_time_as_utc(const struct zip_dos_time *t);

/* Iteration over a central directory held in memory. */
struct zip_cd_iter {
	const uint8_t *cd; /* the cd_size bytes read at end->cd_offset */
	size_t len;
	size_t pos;
	uint64_t cd_offset; /* archive offset of cd[0] */
	uint64_t expected;  /* entries the end record claims */
	uint64_t index;     /* entries yielded so far */
	bool done;
	int end_rc;                     /* what every call returns once done */
	struct arc_problem end_problem; /* and the problem it repeats */
};

/* Starts iterating cd[0..len), which the caller read at end->cd_offset
 * (len == end->cd_size). Never fails. */
void zip_cd_begin(struct zip_cd_iter *it, const uint8_t *cd, size_t len, const struct zip_end *end);

/* Yields the next entry: 1 and *e filled (e->problem says whether that member
 * is usable: ARC_ENCRYPTED, ARC_UNSUPPORTED_METHOD, ARC_OUT_OF_BOUNDS when its
 * data cannot fit before the directory, ARC_BAD_EXTRA, ARC_NAME_NUL,
 * ARC_NAME_TOO_LONG, ARC_BAD_HEADER); 0 at the end of a consistent directory;
 * -EBADMSG with *p when the directory is damaged at this point (ARC_TRUNCATED,
 * ARC_BAD_SIGNATURE) or its entry count is not the end record's
 * (ARC_COUNT_MISMATCH). Entries already yielded stay valid. After 0 or a
 * failure, further calls return the same. */
int zip_cd_next(struct zip_cd_iter *it, struct zip_entry *e, struct arc_problem *p);

/* A member's local header. */
struct zip_local {
	uint16_t version_needed, flags, method;
	uint32_t crc32;           /* 0 when flags has ZIP_FLAG_DESCRIPTOR */
	uint64_t comp_size, size; /* likewise; ZIP64 applied */
	bool zip64;               /* a complete ZIP64 extra was present (and applied) */
	const uint8_t *name;      /* inside the buffer given, NULL when not in it */
	size_t name_len, extra_len;
	uint64_t data_offset; /* the member's first data byte */
};

/* Parses the local header at archive offset header_offset from buf[0..len)
 * (len >= ZIP_LOCAL_HEADER_SIZE; with the name and extra too when available,
 * ZIP_LOCAL_HEADER_MAX always suffices). 0 or -EBADMSG with *p (ARC_TRUNCATED,
 * ARC_BAD_SIGNATURE). */
int zip_local_parse(const uint8_t *buf, size_t len, uint64_t header_offset, struct zip_local *l,
                    struct arc_problem *p);

/* Checks the local header against its directory entry and bounds: same
 * method, same encryption, same name when l->name is known, and the data
 * [l->data_offset, + e->comp_size) ends at or before limit (the directory's
 * offset). 0 or -EBADMSG with *p (ARC_LOCAL_MISMATCH, ARC_OUT_OF_BOUNDS). */
int zip_local_check(const struct zip_local *l, const struct zip_entry *e, uint64_t limit,
                    struct arc_problem *p);

/* Overlap detection over the members' byte ranges (header to end of data). */
struct zip_span {
	uint64_t start, end; /* [start, end) in the archive */
	uint64_t index;      /* the caller's member number */
	bool overlaps;       /* set by zip_spans_mark_overlaps */
};

/* Sorts spans by start and marks the spans that share bytes with another:
 * every span that starts inside an earlier one, and the earlier one reaching
 * furthest. Empty spans never overlap. Returns the number marked. */
size_t zip_spans_mark_overlaps(struct zip_span *spans, size_t n);

/* A walk over local headers, for an archive without usable end records. */
struct zip_walk_buffers;
struct zip_walk {
	zip_read_at_fn read_at;
	void *ctx;
	uint64_t archive_size;
	uint64_t max_member_size; /* uncompressed bound while inflating (default 1 TiB) */
	uint64_t pos;             /* next local header */
	uint64_t index;
	bool done;
	int end_rc;              /* what every call returns once done */
	struct arc_problem stop; /* why the walk ended (after it returned 0 or < 0) */
	struct zip_walk_buffers *buf;
};

/* Prepares a walk of an archive of archive_size bytes read through read_at.
 * 0 or -ENOMEM with *p (ARC_NOMEM). Call zip_walk_end() in either case. */
int zip_walk_begin(struct zip_walk *w, zip_read_at_fn read_at, void *ctx, uint64_t archive_size,
                   struct arc_problem *p);

/* Yields the next intact member: 1 with *e filled, including data_offset,
 * and e->problem set for a member that is intact but unusable (encrypted or
 * another method, of known size; ARC_BAD_CRC when a bit-3 member's descriptor
 * disagrees with its data only in the CRC). Bit-3 members are measured by
 * inflating them (deflate) or by finding the descriptor signature whose CRC
 * and size match the bytes before it (stored). Returns 0 when the walk reached
 * a central directory or end record signature (w->stop is ARC_OK), a negative
 * errno (arc_errno of w->stop.code) when it stopped at damage or at the end
 * of the data (w->stop says where and why:
 * ARC_TRUNCATED, ARC_BAD_SIGNATURE, ARC_BAD_DATA, ARC_BAD_DESCRIPTOR,
 * ARC_TOO_BIG, ARC_BAD_EXTRA, ARC_ENCRYPTED or ARC_UNSUPPORTED_METHOD with a
 * descriptor, ARC_IO, ARC_NOMEM). After 0 or a failure, further calls return the
 * same. Local headers carry no attributes: a walked entry has version_made_by,
 * external_attr and unix_mode 0, is_symlink false (a symlink member shows as
 * a small file holding its target: the caller may refuse what it cannot
 * tell apart), and is_dir only from a trailing '/'. */
int zip_walk_next(struct zip_walk *w, struct zip_entry *e);

/* Frees what zip_walk_begin allocated. Safe after a failed begin. */
void zip_walk_end(struct zip_walk *w);

#endif
