/* The tar header parser over archives made by GNU tar (ustar, gnu, pax) and
 * Python's tarfile (GNU and PAX formats) at test time: every member as
 * tarfile lists it (name, type, size, mtime to the nanosecond, data offset,
 * link target, mode) and the bytes at its data offset, whose CRC-32 must be
 * the content's. Each stream is also cut at every block boundary: the parser
 * yields the members whose header is present and says whether the stream
 * could end there. */
#include "archive/tar.h"
#include "archive_fixtures.h"
#include "check.h"

static const char *type_name(enum tar_type t)
{
	switch (t) {
	case TAR_REGULAR:
		return "reg";
	case TAR_DIRECTORY:
		return "dir";
	case TAR_SYMLINK:
		return "sym";
	case TAR_HARDLINK:
		return "hard";
	case TAR_DEVICE:
		return "dev";
	case TAR_FIFO:
		return "fifo";
	default:
		return "other";
	}
}

struct seen {
	int long_names, long_links, fractions, prefixed, utf8, hardlinks, fifos, symlinks;
};

static void check_member(const struct fx_buf *a, const struct tar_member *m,
                         const struct fx_line *l, const char *tname, struct seen *seen)
{
	CHECK_MSG(l->n == 8, "%s: listing line with %d fields", tname, l->n);
	if (l->n != 8)
		return;
	/* tarfile drops a directory's trailing '/'. */
	size_t len = m->name_len;
	if (m->type == TAR_DIRECTORY && len > 1 && m->name[len - 1] == '/')
		len--;
	CHECK_MSG(len == strlen(l->f[0]) && memcmp(m->name, l->f[0], len) == 0, "%s: '%s' != '%s'",
	          tname, m->name, l->f[0]);
	CHECK_STR(type_name(m->type), l->f[1]);
	CHECK_INT(m->size, strtoull(l->f[2], NULL, 10));
	CHECK_INT(m->mtime_ns, strtoll(l->f[3], NULL, 10));
	CHECK_INT(m->data_offset, strtoull(l->f[4], NULL, 10));
	CHECK_STR(m->link, l->f[5]);
	CHECK_INT(m->mode, strtoul(l->f[6], NULL, 8));
	CHECK_MSG(m->problem.code == ARC_OK, "%s %s: %s", tname, m->name, m->problem.msg);
	CHECK_INT(m->skip % TAR_BLOCK, 0);
	CHECK(m->skip >= m->size && m->skip < m->size + TAR_BLOCK);
	if (m->type == TAR_REGULAR) {
		CHECK(m->data_offset + m->size <= a->len);
		uint32_t crc = (uint32_t)crc32_z(0, a->p + m->data_offset, (size_t)m->size);
		CHECK_INT(crc, strtoul(l->f[7], NULL, 16));
	}
	seen->long_names += m->name_len > 100;
	seen->long_links += m->link_len > 100;
	seen->fractions += m->mtime_ns % 1000000000 != 0;
	seen->utf8 += (unsigned char)m->name[0] >= 0x80 || strstr(m->name, "\xc3\xa9") != NULL;
	seen->hardlinks += m->type == TAR_HARDLINK;
	seen->fifos += m->type == TAR_FIFO;
	seen->symlinks += m->type == TAR_SYMLINK;
}

/* Feeds a[0..cut) as a reader would: header blocks, skipping data. Returns
 * the members yielded; *end_step is the last step. */
static size_t feed(const struct fx_buf *a, size_t cut, const struct fx_line *lines, size_t count,
                   const char *tname, struct seen *seen, enum tar_step *end_step)
{
	struct tar_parser tp;
	struct tar_member m;
	struct arc_problem p;
	tar_parser_init(&tp);
	size_t n = 0;
	uint64_t off = 0;
	enum tar_step step = TAR_NEED_MORE;
	while (off + TAR_BLOCK <= cut) {
		CHECK_INT(tp.offset, off);
		step = tar_parser_feed(&tp, a->p + off, &m, &p);
		off += TAR_BLOCK;
		if (step == TAR_MEMBER) {
			if (seen != NULL && n < count)
				check_member(a, &m, &lines[n], tname, seen);
			n++;
			off = m.data_offset + m.skip;
		} else if (step != TAR_NEED_MORE) {
			break;
		}
	}
	CHECK_MSG(step != TAR_ERROR, "%s cut %zu: %s", tname, cut, p.msg);
	if (step != TAR_END) {
		/* The stream stops here: fine at a member boundary, not inside
		 * extension headers. */
		int rc = tar_parser_finish(&tp, &p);
		CHECK(rc == 0 || p.code == ARC_TRUNCATED);
	}
	tar_parser_free(&tp);
	*end_step = step;
	return n;
}

static void check_archive(const char *dir, const char *tname, void *ctx)
{
	struct seen *seen = ctx;
	struct fx_archive x;
	CHECK_INT(fx_load(dir, tname, &x), 0);
	struct fx_buf a = x.a;
	struct fx_line *lines = x.lines;
	size_t count = x.count;
	enum tar_step step;
	CHECK_INT(feed(&a, a.len, lines, count, tname, seen, &step), count);
	CHECK_INT(step, TAR_END);
	for (size_t cut = 0; cut < a.len; cut += TAR_BLOCK) {
		size_t expect = 0;
		while (expect < count && strtoull(lines[expect].f[4], NULL, 10) <= cut)
			expect++;
		CHECK_INT(feed(&a, cut, lines, count, tname, NULL, &step), expect);
	}
	fx_unload(&x);
}

int main(void)
{
	char *tmp = fx_make(0);
	CHECK(tmp != NULL);
	if (tmp == NULL)
		CHECK_DONE();
	struct seen seen = {0};
	int archives = fx_each(tmp, "tar", check_archive, &seen);
	CHECK_INT(archives, 5);
	CHECK(seen.long_names >= 4); /* ustar prefix, GNU 'L', PAX path */
	CHECK(seen.long_links >= 3); /* GNU 'K', PAX linkpath */
	CHECK(seen.fractions >= 3);  /* PAX mtime from GNU tar and tarfile */
	CHECK(seen.utf8 >= 4);
	CHECK(seen.hardlinks >= 3);
	CHECK(seen.fifos >= 3);
	CHECK(seen.symlinks >= 5);
	fx_remove(tmp);
	CHECK_DONE();
}
