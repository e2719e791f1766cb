/* The zip directory reader over archives made by Info-ZIP zip and Python's
 * zipfile at test time: every member of every archive as zipfile lists it
 * (name, CRC-32, sizes, header offset, method, flags, DOS time, the 0x5455
 * mtime, directory and symlink), its local header's data offset, and the
 * bytes there, whose CRC-32 and length must be the member's. Plus what each
 * fixture is for: ZIP64 end records past 65,535 entries, ZIP64 extras,
 * descriptors, CP437 and Unicode Path names. */
#include <dirent.h>
#include <inttypes.h>

#include "archive/zip.h"
#include "archive_fixtures.h"
#include "check.h"

struct seen {
	int zip64_end, zip64_local, descriptors, ut_mtimes, cp437, unicode, utf8, symlinks;
};

static void check_entry(const struct fx_buf *a, const struct zip_end *end,
                        const struct zip_entry *e, const struct fx_line *l, const char *zname,
                        struct seen *seen)
{
	CHECK_MSG(l->n == 11, "%s: listing line with %d fields", zname, l->n);
	if (l->n != 11)
		return;
	CHECK_STR(e->name, l->f[0]);
	CHECK_MSG(e->problem.code == ARC_OK, "%s %s: %s", zname, e->name, e->problem.msg);
	CHECK_INT(e->crc32, strtoul(l->f[1], NULL, 16));
	CHECK_INT(e->size, strtoull(l->f[2], NULL, 10));
	CHECK_INT(e->comp_size, strtoull(l->f[3], NULL, 10));
	CHECK_INT(e->local_offset, strtoull(l->f[4], NULL, 10));
	CHECK_INT(e->method, atoi(l->f[5]));
	CHECK_INT(e->flags, atoi(l->f[6]));
	char dos[64];
	snprintf(dos, sizeof dos, "%d,%d,%d,%d,%d,%d", e->dos_time.year, e->dos_time.month,
	         e->dos_time.day, e->dos_time.hour, e->dos_time.minute, e->dos_time.second);
	CHECK_STR(dos, l->f[7]);
	if (strcmp(l->f[8], "-") == 0) {
		CHECK(!e->has_unix_mtime);
	} else {
		CHECK(e->has_unix_mtime);
		CHECK_INT(e->mtime_unix, atoll(l->f[8]));
		seen->ut_mtimes++;
	}
	CHECK_INT(e->is_dir, atoi(l->f[9]));
	CHECK_INT(e->is_symlink, atoi(l->f[10]));
	seen->symlinks += e->is_symlink;
	seen->descriptors += (e->flags & ZIP_FLAG_DESCRIPTOR) != 0;
	bool high = false;
	for (size_t i = 0; i < e->raw_name_len; i++)
		high |= e->raw_name[i] >= 0x80;
	seen->cp437 += e->name_source == ZIP_NAME_CP437 && high;
	seen->unicode += e->name_source == ZIP_NAME_UNICODE;
	seen->utf8 += e->name_source == ZIP_NAME_UTF8;

	/* The local header gives the data offset; the bytes there are the content. */
	struct zip_local loc;
	struct arc_problem p;
	size_t avail = a->len - (size_t)e->local_offset;
	CHECK_INT(zip_local_parse(a->p + e->local_offset,
	                          avail < ZIP_LOCAL_HEADER_MAX ? avail : ZIP_LOCAL_HEADER_MAX,
	                          e->local_offset, &loc, &p),
	          0);
	CHECK_MSG(zip_local_check(&loc, e, end->cd_offset, &p) == 0, "%s %s: %s", zname, e->name,
	          p.msg);
	seen->zip64_local += loc.zip64;
	uint32_t crc;
	uint64_t size;
	CHECK_INT(fx_content_crc(a->p + loc.data_offset, e->comp_size, e->method, &crc, &size), 0);
	CHECK_INT(crc, e->crc32);
	CHECK_INT(size, e->size);
}

static void check_archive(const char *dir, const char *zname, void *ctx)
{
	struct seen *seen = ctx;
	struct fx_archive x;
	CHECK_INT(fx_load(dir, zname, &x), 0);
	struct fx_buf a = x.a;
	struct fx_line *lines = x.lines;
	size_t count = x.count;
	struct zip_end end;
	struct arc_problem p;
	CHECK_MSG(zip_end_locate(zip_mem_read_at, &(struct zip_mem){a.p, a.len}, a.len, &end, &p) ==
	              0,
	          "%s: %s", zname, p.msg);
	CHECK_INT(end.entries, count);
	CHECK_INT(end.trailing, 0);
	seen->zip64_end += end.zip64;
	struct zip_cd_iter it;
	zip_cd_begin(&it, a.p + end.cd_offset, (size_t)end.cd_size, &end);
	struct zip_entry *e = malloc(sizeof *e);
	struct zip_span *spans = calloc(count + 1, sizeof *spans);
	size_t n = 0;
	int rc;
	while ((rc = zip_cd_next(&it, e, &p)) == 1) {
		CHECK_MSG(n < count, "%s: more entries than listed", zname);
		if (n < count)
			check_entry(&a, &end, e, &lines[n], zname, seen);
		if (n < count)
			spans[n] = (struct zip_span){e->local_offset,
			                             e->local_offset + 30 + e->comp_size, n, false};
		n++;
	}
	CHECK_MSG(rc == 0, "%s: directory ends with %d: %s", zname, rc, p.msg);
	CHECK_INT(n, count);
	CHECK_INT(zip_cd_next(&it, e, &p), 0); /* stays at the end */
	CHECK_INT(zip_spans_mark_overlaps(spans, n < count ? n : count), 0);
	free(spans);
	free(e);
	fx_unload(&x);
}

int main(void)
{
	char *tmp = fx_make(70000);
	CHECK(tmp != NULL);
	if (tmp == NULL)
		CHECK_DONE();
	struct seen seen = {0};
	int archives = fx_each(tmp, "zip", check_archive, &seen);
	CHECK_INT(archives, 11);
	/* Each feature the fixtures are made for was met. */
	CHECK_INT(seen.zip64_end, 1);  /* py_many: 70,000 entries */
	CHECK(seen.zip64_local >= 2);  /* py_zip64 */
	CHECK(seen.descriptors >= 20); /* streamed by zip and zipfile */
	CHECK(seen.ut_mtimes >= 20);   /* Info-ZIP's 0x5455 */
	CHECK_INT(seen.cp437, 2);      /* legacy_names: 0x80..0xFF and the CRC mismatch */
	CHECK_INT(seen.unicode, 1);    /* legacy_names: 0x7075 whose CRC matched */
	CHECK(seen.utf8 >= 4);         /* bit 11 from zipfile */
	CHECK(seen.symlinks >= 1);     /* zip -y */
	fx_remove(tmp);
	CHECK_DONE();
}
