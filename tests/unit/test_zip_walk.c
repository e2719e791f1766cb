/* The local-header walk over the same real-tool archives as test_zip, whole
 * and cut short at many points (as a download that stopped): it must yield
 * exactly the members whose header, data and descriptor lie before the cut,
 * in order, each with the name, CRC-32, sizes and data offset zipfile
 * reports (and the bytes there must be the content), then stop: at the
 * central directory for a whole archive, with ARC_TRUNCATED for a cut one. */
#include "archive/zip.h"
#include "archive_fixtures.h"
#include "check.h"

#include <errno.h>

struct member {
	char *name;
	uint32_t crc;
	uint64_t size, comp, offset, end;
	int method;
};

static int walked_members, walked_descriptors;

/* Walks a[0..cut) and checks it against the members listed. */
static void walk_cut(const struct fx_buf *whole, uint64_t cut, const struct member *m, size_t count,
                     uint64_t cd_offset, const char *zname)
{
	struct zip_mem a = {whole->p, (size_t)cut};
	struct zip_walk w;
	struct arc_problem p;
	struct zip_entry *e = malloc(sizeof *e);
	CHECK_INT(zip_walk_begin(&w, zip_mem_read_at, &a, cut, &p), 0);
	size_t n = 0;
	int rc;
	while ((rc = zip_walk_next(&w, e)) == 1) {
		CHECK_MSG(n < count && m[n].end <= cut, "%s cut %llu: member %zu '%s' yielded",
		          zname, (unsigned long long)cut, n, e->name);
		if (n >= count)
			break;
		CHECK_STR(e->name, m[n].name);
		CHECK_INT(e->crc32, m[n].crc);
		CHECK_INT(e->size, m[n].size);
		CHECK_INT(e->comp_size, m[n].comp);
		CHECK_INT(e->header_offset, m[n].offset);
		CHECK_INT(e->problem.code, ARC_OK);
		uint32_t crc;
		uint64_t size;
		CHECK(e->data_offset + e->comp_size <= cut);
		CHECK_INT(
		    fx_content_crc(a.p + e->data_offset, e->comp_size, e->method, &crc, &size), 0);
		CHECK_INT(crc, m[n].crc);
		CHECK_INT(size, m[n].size);
		walked_members++;
		walked_descriptors += (e->flags & ZIP_FLAG_DESCRIPTOR) != 0;
		n++;
	}
	size_t expect = 0;
	while (expect < count && m[expect].end <= cut)
		expect++;
	CHECK_MSG(n == expect, "%s cut %llu: %zu members walked, %zu expected", zname,
	          (unsigned long long)cut, n, expect);
	if (cut >= cd_offset + 4) {
		CHECK_MSG(rc == 0, "%s cut %llu: rc %d (%s)", zname, (unsigned long long)cut, rc,
		          w.stop.msg);
	} else {
		CHECK_MSG(rc == -EBADMSG && w.stop.code == ARC_TRUNCATED,
		          "%s cut %llu: rc %d %s: %s", zname, (unsigned long long)cut, rc,
		          arc_code_name(w.stop.code), w.stop.msg);
	}
	CHECK_INT(zip_walk_next(&w, e), rc); /* the end repeats */
	zip_walk_end(&w);
	free(e);
}

static void check_archive(const char *dir, const char *zname, void *ctx)
{
	(void)ctx;
	struct fx_archive x;
	CHECK_INT(fx_load(dir, zname, &x), 0);
	struct fx_buf a = x.a;
	struct fx_line *lines = x.lines;
	size_t count = x.count;
	struct zip_end end;
	struct arc_problem p;
	CHECK_INT(zip_end_locate(zip_mem_read_at, &(struct zip_mem){a.p, a.len}, a.len, &end, &p),
	          0);
	struct member *m = calloc(count, sizeof *m);
	for (size_t i = 0; i < count; i++) {
		m[i].name = lines[i].f[0];
		m[i].crc = (uint32_t)strtoul(lines[i].f[1], NULL, 16);
		m[i].size = strtoull(lines[i].f[2], NULL, 10);
		m[i].comp = strtoull(lines[i].f[3], NULL, 10);
		m[i].offset = strtoull(lines[i].f[4], NULL, 10);
		m[i].method = atoi(lines[i].f[5]);
	}
	/* Members lie back to back: each ends where the next begins. */
	for (size_t i = 0; i < count; i++)
		m[i].end = i + 1 < count ? m[i + 1].offset : end.cd_offset;
	walk_cut(&a, a.len, m, count, end.cd_offset, zname);
	uint64_t cuts[] = {0,
	                   10,
	                   29,
	                   30,
	                   31,
	                   end.cd_offset / 4,
	                   end.cd_offset / 2,
	                   end.cd_offset * 3 / 4,
	                   end.cd_offset - 1,
	                   end.cd_offset,
	                   end.cd_offset + 3,
	                   end.cd_offset + 4,
	                   a.len - 1};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
		if (cuts[i] <= a.len)
			walk_cut(&a, cuts[i], m, count, end.cd_offset, zname);
	/* Around every member boundary of the small archives. */
	for (size_t i = 0; count < 100 && i < count; i++) {
		walk_cut(&a, m[i].end - 1, m, count, end.cd_offset, zname);
		walk_cut(&a, m[i].end, m, count, end.cd_offset, zname);
		walk_cut(&a, m[i].offset + 40, m, count, end.cd_offset, zname);
	}
	free(m);
	fx_unload(&x);
}

int main(void)
{
	char *tmp = fx_make(70000);
	CHECK(tmp != NULL);
	if (tmp == NULL)
		CHECK_DONE();
	int archives = fx_each(tmp, "zip", check_archive, NULL);
	CHECK_INT(archives, 11);
	CHECK(walked_descriptors >= 100); /* the bit-3 members, whole and cut */
	printf("%d members walked (%d with descriptors)\n", walked_members, walked_descriptors);
	fx_remove(tmp);
	CHECK_DONE();
}
