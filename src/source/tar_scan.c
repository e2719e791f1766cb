/* The sequential pass over a tar or tgz part (source/tar_scan.h). */
#include "source/tar_scan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive/inflate_index.h"
#include "archive/member_path.h"
#include "archive/tar.h"
#include "source/archive_part.h"
#include "source/backend.h"

#define READ_CHUNK        (4u << 20)
#define PROGRESS_INTERVAL 0.5 /* seconds between reports */

struct scan {
	struct part_table *t;
	struct tar_parser tp;
	uint8_t block[TAR_BLOCK]; /* a header being gathered */
	size_t block_fill;
	uint64_t pos;       /* bytes of the tar stream consumed */
	uint64_t data_left; /* bytes of the pending member's data still to come */
	uint64_t skip_left; /* bytes to pass over (padding, a refused member's data) */
	bool pending;       /* a regular member whose data is being read */
	struct part_member member;
	uint32_t crc;
	struct member_path path; /* of the pending member */
	bool ended;              /* the end marker, or a header that stops the stream */
	bool broken;             /* that header was broken (a problem is noted) */
	uint64_t after_end;
	int error; /* -ENOMEM met in the sink */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int note(struct scan *s, const char *raw, size_t len, const char *what)
{
	char shown[512];
	archive_shown_name(raw, len, shown, sizeof shown);
	return part_table_add_problem(s->t, shown, what);
}

/* Why a member of this type is not shown (static text). */
static const char *refusal(enum tar_type type, char flag, char *buf, size_t cap)
{
	switch (type) {
	case TAR_SYMLINK:
		return "a symbolic link (not followed)";
	case TAR_HARDLINK:
		return "a hard link (not followed)";
	case TAR_DEVICE:
		return "a device (left out)";
	case TAR_FIFO:
		return "a fifo (left out)";
	default:
		snprintf(buf, cap, "a tar member of type '%c' (sparse or special: left out)",
		         flag >= 0x20 && flag < 0x7f ? flag : '?');
		return buf;
	}
}

/* A header parsed: a folder is taken at once, a regular member once its
 * data has gone by (its CRC-32), anything else is a problem. */
static int take_member(struct scan *s, const struct tar_member *m)
{
	s->skip_left = m->skip;
	if (m->problem.code != ARC_OK)
		return note(s, m->name, m->name_len, m->problem.msg);
	if (m->type != TAR_REGULAR && m->type != TAR_DIRECTORY) {
		char buf[80];
		return note(s, m->name, m->name_len,
		            refusal(m->type, m->typeflag, buf, sizeof buf));
	}
	struct arc_problem p;
	if (member_path_clean(m->name, m->name_len, &s->path, &p) != 0) {
		if (p.code == ARC_NAME_EMPTY && m->type == TAR_DIRECTORY)
			return 0; /* "./": the archive's own top folder */
		return note(s, m->name, m->name_len, p.msg);
	}
	s->member = (struct part_member){.offset = m->data_offset,
	                                 .size = m->size,
	                                 .mtime_ns = m->mtime_ns,
	                                 .mode = m->mode & 07777,
	                                 .is_dir = m->type == TAR_DIRECTORY || s->path.is_dir};
	if (s->member.is_dir) {
		s->member.size = 0;
		return part_table_add_member(s->t, &s->member, s->path.path, s->path.len);
	}
	s->pending = true;
	s->crc = 0;
	s->data_left = m->size;
	s->skip_left = m->skip - m->size;
	return 0;
}

static int member_done(struct scan *s)
{
	s->pending = false;
	s->member.crc = s->crc;
	return part_table_add_member(s->t, &s->member, s->path.path, s->path.len);
}

static int header_block(struct scan *s)
{
	struct tar_member m;
	struct arc_problem p;
	s->block_fill = 0;
	switch (tar_parser_feed(&s->tp, s->block, &m, &p)) {
	case TAR_NEED_MORE:
		return 0;
	case TAR_MEMBER:
		return take_member(s, &m);
	case TAR_END:
		s->ended = true;
		return 0;
	default:
		s->ended = s->broken = true;
		s->after_end = TAR_SCAN_AFTER_END + 1; /* nothing after a broken header is read */
		return p.code == ARC_NOMEM ? -ENOMEM : part_table_add_problem(s->t, "", p.msg);
	}
}

/* The inflate pass's sink (and the plain tar's): 0 to go on, 1 to stop. */
static int consume(void *ctx, const unsigned char *buf, size_t len)
{
	struct scan *s = ctx;
	while (len && !s->error) {
		size_t n = len;
		if (s->ended) {
			if (s->after_end <= TAR_SCAN_AFTER_END)
				s->after_end += len;
			return s->after_end > TAR_SCAN_AFTER_END;
		} else if (s->data_left) {
			if (n > s->data_left)
				n = (size_t)s->data_left;
			s->crc = inflate_crc32(s->crc, buf, n);
			s->data_left -= n;
		} else if (s->skip_left) {
			if (n > s->skip_left)
				n = (size_t)s->skip_left;
			s->skip_left -= n;
		} else {
			if (n > TAR_BLOCK - s->block_fill)
				n = TAR_BLOCK - s->block_fill;
			memcpy(s->block + s->block_fill, buf, n);
			s->block_fill += n;
		}
		buf += n;
		len -= n;
		s->pos += n;
		if (s->pending && !s->data_left)
			s->error = member_done(s);
		else if (s->block_fill == TAR_BLOCK)
			s->error = header_block(s);
	}
	return s->error != 0;
}

/* How the stream ended, as a problem when it did not end well. */
static int note_end(struct scan *s, const char *damage)
{
	char what[400];
	if (s->ended && !damage)
		return 0;
	if (s->pending) {
		char shown[256];
		archive_shown_name(s->path.path, s->path.len, shown, sizeof shown);
		snprintf(what, sizeof what, "the archive ends inside this member: it is left out");
		int rc = part_table_add_problem(s->t, shown, what);
		if (rc)
			return rc;
	}
	if (damage) {
		snprintf(what, sizeof what,
		         "damaged archive (%s) after %llu bytes of its tar stream: the members "
		         "after that point are missing",
		         damage, (unsigned long long)s->pos);
		return part_table_add_problem(s->t, "", what);
	}
	struct arc_problem p;
	if (!s->pending && !s->skip_left && s->block_fill == 0 &&
	    tar_parser_finish(&s->tp, &p) == 0)
		return 0; /* no end marker, but nothing missing (GNU tar accepts that) */
	snprintf(what, sizeof what,
	         "the archive is cut short after %llu bytes of its tar stream (a download cut "
	         "short?): the members seen whole are shown",
	         (unsigned long long)s->pos);
	return part_table_add_problem(s->t, "", what);
}

struct reporter {
	source_progress_fn fn;
	void *ctx;
	struct source_progress p;
	double start, last;
};

static void report(struct reporter *r, uint64_t done, bool finished)
{
	if (!r->fn)
		return;
	double t = now();
	if (!finished && t - r->last < PROGRESS_INTERVAL)
		return;
	r->last = t;
	r->p.done = done;
	r->p.seconds = t - r->start;
	r->p.finished = finished;
	r->fn(r->ctx, &r->p);
}

/* Reads the part in order and hands each chunk to feed. 0, 1 when feed
 * stopped, or a negative errno from the read. */
typedef int (*feed_fn)(void *ctx, const unsigned char *buf, size_t len);

static int read_all(int fd, uint64_t size, feed_fn feed, void *ctx, struct reporter *r)
{
	unsigned char *buf = malloc(READ_CHUNK);
	if (!buf)
		return -ENOMEM;
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	int rc = 0;
	for (uint64_t off = 0; off < size && rc == 0;) {
		size_t want = size - off < READ_CHUNK ? (size_t)(size - off) : READ_CHUNK;
		ssize_t got = source_pread_fd(fd, buf, want, off);
		if (got <= 0) {
			rc = got < 0 ? (int)got : 0;
			break;
		}
		rc = feed(ctx, buf, (size_t)got);
		off += (uint64_t)got;
		report(r, off, false);
	}
	free(buf);
	return rc;
}

static int feed_pass(void *ctx, const unsigned char *buf, size_t len)
{
	return inflate_pass_feed(ctx, buf, len) != 0;
}

static int scan_gzip(int fd, uint64_t size, struct scan *s, struct reporter *r)
{
	struct inflate_pass_config cfg = {.format = INFLATE_GZIP,
	                                  .spacing = INFLATE_DEFAULT_SPACING,
	                                  .out_limit = UINT64_MAX,
	                                  .sink = consume,
	                                  .sink_ctx = s};
	struct inflate_pass *pass = inflate_pass_new(&cfg);
	if (!pass)
		return -ENOMEM;
	int rc = read_all(fd, size, feed_pass, pass, r);
	if (rc < 0 && rc != -ENOMEM) {
		inflate_pass_free(pass);
		return rc;
	}
	if (rc == 0)
		inflate_pass_end(pass);
	const char *damage = s->error ? NULL : inflate_pass_problem(pass);
	if (damage && s->after_end > TAR_SCAN_AFTER_END) /* consume() stopped the pass */
		damage = s->broken ? NULL : "data after the end of the tar archive, not read";
	struct inflate_index *idx = inflate_pass_take_partial_index(pass);
	inflate_pass_free(pass);
	if (s->error)
		rc = s->error;
	else if (idx)
		rc = inflate_index_serialize(idx, &s->t->index_blob, &s->t->index_len);
	if (idx) {
		struct inflate_index_info info;
		inflate_index_info(idx, &info);
		s->t->stream_size = info.out_size;
		inflate_index_free(idx);
	}
	return rc ? rc : note_end(s, damage);
}

static int scan_plain(int fd, uint64_t size, struct scan *s, struct reporter *r)
{
	int rc = read_all(fd, size, consume, s, r);
	s->t->stream_size = size;
	if (s->error)
		return s->error;
	return rc < 0 ? rc : note_end(s, NULL);
}

int tar_scan(int fd, uint64_t size, bool gzip, const char *name, source_progress_fn progress,
             void *progress_ctx, struct part_table *t)
{
	*t = (struct part_table){.gzip = gzip, .part_size = size};
	struct scan *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->t = t;
	tar_parser_init(&s->tp);
	struct reporter r = {
	    .fn = progress, .ctx = progress_ctx, .p = {.part = name, .total = size}};
	r.start = now();
	r.last = r.start - PROGRESS_INTERVAL; /* the first report goes out at once */
	report(&r, 0, false);
	int rc = gzip ? scan_gzip(fd, size, s, &r) : scan_plain(fd, size, s, &r);
	report(&r, size, true);
	tar_parser_free(&s->tp);
	free(s);
	return rc;
}

/* --- recognising a tar stream --- */

struct head {
	uint8_t block[TAR_BLOCK];
	size_t fill;
};

static int keep_head(void *ctx, const unsigned char *buf, size_t len)
{
	struct head *h = ctx;
	size_t n = TAR_BLOCK - h->fill < len ? TAR_BLOCK - h->fill : len;
	memcpy(h->block + h->fill, buf, n);
	h->fill += n;
	return h->fill == TAR_BLOCK; /* enough: stop */
}

static bool is_tar_header(const uint8_t block[TAR_BLOCK])
{
	struct tar_parser tp;
	struct tar_member m;
	struct arc_problem p;
	tar_parser_init(&tp);
	enum tar_step step = tar_parser_feed(&tp, block, &m, &p);
	tar_parser_free(&tp);
	return step == TAR_MEMBER || step == TAR_NEED_MORE;
}

bool tar_scan_recognise(int fd, bool *gzip)
{
	enum { PEEK = 64 * 1024 };
	unsigned char *buf = malloc(PEEK);
	if (!buf)
		return false;
	ssize_t got = source_pread_fd(fd, buf, PEEK, 0);
	bool yes = false;
	*gzip = got >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
	if (*gzip) {
		struct head h = {.fill = 0};
		struct inflate_pass_config cfg = {.format = INFLATE_GZIP,
		                                  .out_limit = UINT64_MAX,
		                                  .sink = keep_head,
		                                  .sink_ctx = &h};
		struct inflate_pass *pass = inflate_pass_new(&cfg);
		if (pass)
			inflate_pass_feed(pass, buf, (size_t)got);
		inflate_pass_free(pass);
		yes = h.fill == TAR_BLOCK && is_tar_header(h.block);
	} else if (got >= TAR_BLOCK) {
		yes = is_tar_header(buf);
	}
	free(buf);
	return yes;
}
