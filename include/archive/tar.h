/* The tar format, parsed as a stream of 512-byte blocks: ustar (prefix +
 * name), GNU (long names 'L' and links 'K', base-256 numbers, the old GNU
 * header), and PAX extended headers ('x' for the next member, 'g' for all
 * that follow; keys path, linkpath, size, mtime with its fraction). The caller
 * feeds header blocks; for each member the parser says how many bytes of data
 * and padding follow, and the caller skips (or reads) them before feeding the
 * next header. The extension records' own data blocks are fed like headers
 * (the parser consumes them).
 * Owns: the header layout, checksums, numeric fields, and the order in which
 * PAX, GNU and ustar names override each other (PAX first).
 * Must not: read anything itself, follow a link, or keep more than
 * TAR_EXT_MAX bytes of one extension.
 * Error convention: tar_parser_feed is a stepping state machine and returns
 * a TAR_* step (its enum is its answer); on TAR_ERROR the stream cannot go
 * on and *p says why. The other functions follow the archive layer's (see
 * archive/problem.h): 0 on success, a negative errno on failure. A problem
 * with one member only (malformed PAX record, over-long name) is in the
 * member's `problem`. */
#ifndef TFS_ARCHIVE_TAR_H
#define TFS_ARCHIVE_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive/problem.h"

#define TAR_BLOCK   512
#define TAR_EXT_MAX (1024 * 1024) /* bytes of one PAX or GNU long-name record kept */

enum tar_type {
	TAR_REGULAR,   /* '0', '\0', '7' (contiguous) */
	TAR_DIRECTORY, /* '5', or an old regular entry whose name ends in '/' */
	TAR_SYMLINK,   /* '2' */
	TAR_HARDLINK,  /* '1' */
	TAR_DEVICE,    /* '3' character or '4' block device */
	TAR_FIFO,      /* '6' */
	TAR_OTHER,     /* anything else ('S' sparse, 'V' label, 'D' dump dir, GNU sparse PAX...) */
};

struct tar_member {
	const char *name; /* NUL-terminated (may hold a NUL earlier: check name_len), owned by the
	                     parser, valid until the next feed */
	size_t name_len;
	const char *link; /* link target for links, "" otherwise; same lifetime */
	size_t link_len;
	enum tar_type type;
	char typeflag;          /* as stored */
	uint64_t size;          /* content bytes (0 for a directory) */
	int64_t mtime_ns;       /* nanoseconds since the epoch (PAX fraction kept) */
	uint32_t mode;          /* permission bits as stored (07777) */
	uint64_t header_offset; /* first block of this member (its extension headers included) */
	uint64_t data_offset;   /* first byte of content in the tar stream */
	uint64_t skip;          /* bytes the caller must pass before the next feed: size rounded up
	                           to a multiple of 512 */
	struct arc_problem problem; /* ARC_OK, or why this member is unusable */
};

enum tar_step {
	TAR_NEED_MORE, /* block consumed, feed the next one */
	TAR_MEMBER,    /* *m filled: skip m->skip bytes, then feed the next header */
	TAR_END,       /* a zero block: the end of the archive (GNU tar stops there too) */
	TAR_ERROR,     /* *p says why; the stream cannot be parsed further */
};

struct tar_parser {
	uint64_t offset; /* stream offset of the next block expected */
	/* An extension record being gathered (typeflag L, K, x or g). */
	char ext_type;
	uint64_t ext_left; /* bytes of its data still to come */
	bool ext_oversize; /* more than TAR_EXT_MAX: consumed, not kept */
	char *ext;         /* its data so far */
	size_t ext_len, ext_cap;
	/* What the extensions say about the next member. */
	char *long_name, *long_link; /* GNU L, K */
	size_t long_name_len, long_link_len;
	char *pax_path, *pax_link; /* PAX x */
	size_t pax_path_len, pax_link_len;
	bool pax_has_size, pax_has_mtime;
	uint64_t pax_size;
	int64_t pax_mtime_ns;
	bool pax_sparse;
	char *gpax_path, *gpax_link; /* PAX g, for every later member */
	size_t gpax_path_len, gpax_link_len;
	bool gpax_has_size, gpax_has_mtime;
	uint64_t gpax_size;
	int64_t gpax_mtime_ns;
	uint64_t member_start; /* offset of the first extension header of the next member */
	bool have_member_start;
	struct arc_problem pending; /* a problem for the next member (bad PAX record, ...) */
	/* The member last returned (its strings). */
	char *name, *link;
	size_t name_cap, link_cap;
	bool ended;
	enum tar_step end_step;         /* what every feed returns once ended */
	struct arc_problem end_problem; /* and the problem it repeats */
};

/* Prepares a parser for a stream starting at offset 0. Never fails. */
void tar_parser_init(struct tar_parser *tp);

/* Frees what the parser holds. tp may be fed again only after init. */
void tar_parser_free(struct tar_parser *tp);

/* Feeds the next 512-byte block (at stream offset tp->offset). Returns a
 * step as above; on TAR_ERROR, *p (never NULL) is ARC_BAD_CHECKSUM,
 * ARC_BAD_HEADER (an unreadable numeric field, a negative size),
 * ARC_TOO_BIG (a size the stream cannot hold), or ARC_NOMEM. After TAR_END
 * or TAR_ERROR every further feed returns the same step. */
enum tar_step tar_parser_feed(struct tar_parser *tp, const uint8_t block[TAR_BLOCK],
                              struct tar_member *m, struct arc_problem *p);

/* Says whether the stream may end here (the caller found no more data after
 * the last member's data, without a zero block): 0 when nothing was left
 * pending (GNU tar accepts a missing end block too), or -EBADMSG with *p
 * ARC_TRUNCATED when an extension record or its member is missing (after a
 * TAR_ERROR: the errno of that problem, arc_errno). */
int tar_parser_finish(const struct tar_parser *tp, struct arc_problem *p);

/* Parses one numeric header field (octal digits, or GNU base-256 when the
 * first byte has its high bit set) into *v. 0, or -EINVAL when it is not a
 * number or does not fit in int64_t. Exposed for tests. */
int tar_parse_number(const uint8_t *field, size_t len, int64_t *v);

/* Parses a PAX mtime value ("1700000000.123456789", "-1.5") into
 * nanoseconds. 0, or -EINVAL when malformed or out of range. Exposed for
 * tests. */
int tar_parse_pax_time(const char *s, size_t len, int64_t *ns);

#endif
