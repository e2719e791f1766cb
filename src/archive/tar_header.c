/* The tar header parser: one 512-byte block at a time, headers checked by
 * their checksum (unsigned or signed sum, as old writers differ), GNU long
 * names and links and PAX records gathered from the blocks that follow their
 * header, then applied to the member they precede.
 * Owns: the block layout, numeric fields, the member's name assembly and the
 * rule for how much data follows a header (none for a directory, like GNU
 * tar). Must not: keep more than TAR_EXT_MAX bytes per extension. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "problem_set.h"
#include "tar_private.h"

#define OFF_NAME     0
#define OFF_MODE     100
#define OFF_SIZE     124
#define OFF_MTIME    136
#define OFF_CHKSUM   148
#define OFF_TYPE     156
#define OFF_LINKNAME 157
#define OFF_MAGIC    257
#define OFF_PREFIX   345
#define NAME_LEN     100
#define PREFIX_LEN   155

void tar_parser_init(struct tar_parser *tp)
{
	*tp = (struct tar_parser){0};
	arc_problem_clear(&tp->pending);
	arc_problem_clear(&tp->end_problem);
}

/* Forgets what extensions said about the member just returned. */
static void reset_member_state(struct tar_parser *tp)
{
	tar_set_string(&tp->long_name, &tp->long_name_len, NULL, 0);
	tar_set_string(&tp->long_link, &tp->long_link_len, NULL, 0);
	tar_set_string(&tp->pax_path, &tp->pax_path_len, NULL, 0);
	tar_set_string(&tp->pax_link, &tp->pax_link_len, NULL, 0);
	tp->pax_has_size = tp->pax_has_mtime = tp->pax_sparse = false;
	tp->have_member_start = false;
	arc_problem_clear(&tp->pending);
}

void tar_parser_free(struct tar_parser *tp)
{
	reset_member_state(tp);
	tar_set_string(&tp->gpax_path, &tp->gpax_path_len, NULL, 0);
	tar_set_string(&tp->gpax_link, &tp->gpax_link_len, NULL, 0);
	free(tp->ext);
	free(tp->name);
	free(tp->link);
	tp->ext = tp->name = tp->link = NULL;
	tp->ext_cap = tp->name_cap = tp->link_cap = 0;
}

int tar_parse_number(const uint8_t *field, size_t len, int64_t *v)
{
	if (len == 0)
		return -EINVAL;
	if (field[0] & 0x80) {
		/* Base-256, two's complement, big-endian; the marker bit is not a value bit. */
		uint64_t acc = field[0] & 0x40 ? ~(uint64_t)0 : 0;
		acc = acc << 6 | (field[0] & 0x3F);
		for (size_t i = 1; i < len; i++) {
			uint64_t top = acc >> 55;
			if (top != 0 && top != 0x1FF)
				return -EINVAL;
			acc = acc << 8 | field[i];
		}
		*v = (int64_t)acc;
		return 0;
	}
	size_t i = 0;
	while (i < len && field[i] == ' ')
		i++;
	int64_t acc = 0;
	for (; i < len && field[i] >= '0' && field[i] <= '7'; i++) {
		if (acc > (INT64_MAX >> 3))
			return -EINVAL;
		acc = acc << 3 | (field[i] - '0');
	}
	for (; i < len; i++)
		if (field[i] != ' ' && field[i] != '\0')
			return -EINVAL;
	*v = acc;
	return 0;
}

static bool checksum_ok(const uint8_t *b)
{
	int64_t stored;
	if (tar_parse_number(b + OFF_CHKSUM, 8, &stored) < 0)
		return false;
	int64_t usum = 0, ssum = 0;
	for (size_t i = 0; i < TAR_BLOCK; i++) {
		bool in_field = i >= OFF_CHKSUM && i < OFF_CHKSUM + 8;
		usum += in_field ? ' ' : b[i];
		ssum += in_field ? ' ' : (signed char)b[i];
	}
	return stored == usum || stored == ssum;
}

static bool all_zero(const uint8_t *b)
{
	for (size_t i = 0; i < TAR_BLOCK; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* Ends the stream with step (and p copied into the parser's record). */
static enum tar_step end_stream(struct tar_parser *tp, enum tar_step step, struct arc_problem *p)
{
	tp->ended = true;
	tp->end_step = step;
	tp->end_problem = *p;
	return step;
}

/* Copies s[0..len) into a parser-owned buffer *buf (growing it). */
static int keep_string(char **buf, size_t *cap, const char *s, size_t len)
{
	if (len + 1 > *cap) {
		char *n = realloc(*buf, len + 1);
		if (n == NULL)
			return -ENOMEM;
		*buf = n;
		*cap = len + 1;
	}
	memcpy(*buf, s, len);
	(*buf)[len] = '\0';
	return 0;
}

/* Appends up to one block of extension data. */
static int gather_extension(struct tar_parser *tp, const uint8_t *b)
{
	size_t n = tp->ext_left < TAR_BLOCK ? (size_t)tp->ext_left : TAR_BLOCK;
	tp->ext_left -= n;
	if (tp->ext_oversize)
		return 0;
	if (tp->ext_len + n > tp->ext_cap) {
		size_t cap = tp->ext_cap ? tp->ext_cap * 2 : 4096;
		while (cap < tp->ext_len + n)
			cap *= 2;
		char *e = realloc(tp->ext, cap);
		if (e == NULL)
			return -ENOMEM;
		tp->ext = e;
		tp->ext_cap = cap;
	}
	memcpy(tp->ext + tp->ext_len, b, n);
	tp->ext_len += n;
	return 0;
}

/* Applies a complete extension record to the next member. */
static int apply_extension(struct tar_parser *tp)
{
	if (tp->ext_oversize) {
		arc_note(&tp->pending,
		         tp->ext_type == 'L' || tp->ext_type == 'K' ? ARC_NAME_TOO_LONG
		                                                    : ARC_BAD_PAX,
		         "'%c' extension record over %d bytes", tp->ext_type, TAR_EXT_MAX);
		return 0;
	}
	size_t len = tp->ext_len;
	switch (tp->ext_type) {
	case 'L':
		return tar_set_string(&tp->long_name, &tp->long_name_len, tp->ext,
		                      strnlen(tp->ext ? tp->ext : "", len));
	case 'K':
		return tar_set_string(&tp->long_link, &tp->long_link_len, tp->ext,
		                      strnlen(tp->ext ? tp->ext : "", len));
	case 'g':
		return tar_pax_apply(tp, tp->ext, len, true);
	default: /* 'x' and Solaris 'X' */
		return tar_pax_apply(tp, tp->ext, len, false);
	}
}

static enum tar_type type_of(char flag, const char *name, size_t name_len)
{
	switch (flag) {
	case '0':
	case '\0':
		return name_len > 0 && name[name_len - 1] == '/' ? TAR_DIRECTORY : TAR_REGULAR;
	case '7':
		return TAR_REGULAR;
	case '1':
		return TAR_HARDLINK;
	case '2':
		return TAR_SYMLINK;
	case '3':
	case '4':
		return TAR_DEVICE;
	case '5':
		return TAR_DIRECTORY;
	case '6':
		return TAR_FIFO;
	default:
		return TAR_OTHER;
	}
}

/* The member's name: PAX path, global PAX path, GNU long name, ustar
 * prefix + name, name. Kept in tp->name. */
static int assemble_name(struct tar_parser *tp, const uint8_t *b, struct tar_member *m)
{
	const char *s;
	size_t len;
	char joined[PREFIX_LEN + 1 + NAME_LEN];
	if (tp->pax_path) {
		s = tp->pax_path, len = tp->pax_path_len;
	} else if (tp->gpax_path) {
		s = tp->gpax_path, len = tp->gpax_path_len;
	} else if (tp->long_name) {
		s = tp->long_name, len = tp->long_name_len;
	} else {
		size_t nlen = strnlen((const char *)b + OFF_NAME, NAME_LEN);
		size_t plen = 0;
		if (memcmp(b + OFF_MAGIC, "ustar\0", 6) == 0)
			plen = strnlen((const char *)b + OFF_PREFIX, PREFIX_LEN);
		memcpy(joined, b + OFF_PREFIX, plen);
		len = plen;
		if (plen > 0)
			joined[len++] = '/';
		memcpy(joined + len, b + OFF_NAME, nlen);
		len += nlen;
		s = joined;
	}
	if (keep_string(&tp->name, &tp->name_cap, s, len) < 0)
		return -ENOMEM;
	m->name = tp->name;
	m->name_len = len;
	if (tp->pax_link) {
		s = tp->pax_link, len = tp->pax_link_len;
	} else if (tp->gpax_link) {
		s = tp->gpax_link, len = tp->gpax_link_len;
	} else if (tp->long_link) {
		s = tp->long_link, len = tp->long_link_len;
	} else {
		s = (const char *)b + OFF_LINKNAME;
		len = strnlen(s, NAME_LEN);
	}
	if (keep_string(&tp->link, &tp->link_cap, s, len) < 0)
		return -ENOMEM;
	m->link = tp->link;
	m->link_len = len;
	return 0;
}

/* Fills *m from a member header block b at offset off (size from the header
 * already parsed). */
static enum tar_step member_from_header(struct tar_parser *tp, const uint8_t *b, uint64_t off,
                                        int64_t header_size, struct tar_member *m,
                                        struct arc_problem *p)
{
	int64_t mtime = 0, mode = 0;
	if (tar_parse_number(b + OFF_MTIME, 12, &mtime) < 0 ||
	    tar_parse_number(b + OFF_MODE, 8, &mode) < 0) {
		arc_note(&tp->pending, ARC_BAD_HEADER, "unreadable mode or mtime field");
		mtime = mode = 0;
	}
	if (assemble_name(tp, b, m) < 0) {
		arc_fail(p, ARC_NOMEM, "out of memory");
		return end_stream(tp, TAR_ERROR, p);
	}
	m->typeflag = (char)b[OFF_TYPE];
	m->type = tp->pax_sparse ? TAR_OTHER : type_of(m->typeflag, m->name, m->name_len);
	uint64_t size = tp->pax_has_size    ? tp->pax_size
	                : tp->gpax_has_size ? tp->gpax_size
	                                    : (uint64_t)header_size;
	if (m->type == TAR_DIRECTORY)
		size = 0;
	if (mtime > INT64_MAX / 1000000000 || mtime < INT64_MIN / 1000000000)
		mtime = 0;
	m->mtime_ns = tp->pax_has_mtime    ? tp->pax_mtime_ns
	              : tp->gpax_has_mtime ? tp->gpax_mtime_ns
	                                   : mtime * 1000000000;
	m->mode = (uint32_t)(mode & 07777);
	m->size = size;
	m->header_offset = tp->have_member_start ? tp->member_start : off;
	m->data_offset = off + TAR_BLOCK;
	if (size > UINT64_MAX - TAR_BLOCK - m->data_offset) {
		arc_fail(p, ARC_TOO_BIG, "member size %llu beyond any stream",
		         (unsigned long long)size);
		return end_stream(tp, TAR_ERROR, p);
	}
	m->skip = (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	m->problem = tp->pending;
	tp->offset = m->data_offset + m->skip;
	reset_member_state(tp);
	return TAR_MEMBER;
}

enum tar_step tar_parser_feed(struct tar_parser *tp, const uint8_t block[TAR_BLOCK],
                              struct tar_member *m, struct arc_problem *p)
{
	if (tp->ended) {
		*p = tp->end_problem;
		return tp->end_step;
	}
	arc_problem_clear(p);
	uint64_t off = tp->offset;
	tp->offset += TAR_BLOCK;
	if (tp->ext_left > 0) {
		if (gather_extension(tp, block) < 0 ||
		    (tp->ext_left == 0 && apply_extension(tp) < 0)) {
			arc_fail(p, ARC_NOMEM, "out of memory");
			return end_stream(tp, TAR_ERROR, p);
		}
		return TAR_NEED_MORE;
	}
	if (all_zero(block))
		return end_stream(tp, TAR_END, p);
	if (!checksum_ok(block)) {
		arc_fail(p, ARC_BAD_CHECKSUM, "tar header at %llu: checksum mismatch",
		         (unsigned long long)off);
		return end_stream(tp, TAR_ERROR, p);
	}
	int64_t size;
	if (tar_parse_number(block + OFF_SIZE, 12, &size) < 0 || size < 0) {
		arc_fail(p, ARC_BAD_HEADER, "tar header at %llu: unreadable size",
		         (unsigned long long)off);
		return end_stream(tp, TAR_ERROR, p);
	}
	char flag = (char)block[OFF_TYPE];
	if (!tp->have_member_start && flag != 'g') {
		tp->member_start = off;
		tp->have_member_start = true;
	}
	if (flag == 'L' || flag == 'K' || flag == 'x' || flag == 'X' || flag == 'g') {
		tp->ext_type = flag;
		tp->ext_left = (uint64_t)size;
		tp->ext_len = 0;
		tp->ext_oversize = (uint64_t)size > TAR_EXT_MAX;
		if (size == 0 && apply_extension(tp) < 0) {
			arc_fail(p, ARC_NOMEM, "out of memory");
			return end_stream(tp, TAR_ERROR, p);
		}
		return TAR_NEED_MORE;
	}
	return member_from_header(tp, block, off, size, m, p);
}

int tar_parser_finish(const struct tar_parser *tp, struct arc_problem *p)
{
	arc_problem_clear(p);
	if (tp->ended && tp->end_step == TAR_ERROR) {
		*p = tp->end_problem;
		return arc_errno(p->code);
	}
	if (tp->ext_left > 0 || tp->have_member_start)
		return arc_fail(p, ARC_TRUNCATED,
		                "tar stream ends inside the extension headers of a member at %llu",
		                (unsigned long long)tp->member_start);
	return 0;
}
