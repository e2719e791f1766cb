/* The pass over tar and tgz parts (source/tar_scan.h) and the member table's
 * blob (source/part_table.h), over the archives GNU tar and Python's tarfile
 * make at test time (tests/gen/archive_fixtures.py), each also gzipped here:
 * every regular member of the reference listing is in the table with its
 * data offset, size, mtime and the CRC-32 of its bytes; links, devices and
 * fifos are problems; the gzipped pass gives the same table plus seek points
 * through which every member reads back with its CRC; a tgz cut in half keeps
 * a prefix of the members, each still readable; the blob round-trips and a
 * damaged blob is refused. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "archive/inflate_index.h"
#include "archive/member_path.h"
#include "archive_fixtures.h"
#include "check.h"
#include "source/part_table.h"
#include "source/tar_scan.h"

static const struct part_member *find(const struct part_table *t, const char *path)
{
	for (size_t i = 0; i < t->n_members; i++)
		if (strcmp(part_table_text(t, t->members[i].path_at), path) == 0)
			return &t->members[i];
	return NULL;
}

static int scan_file(const char *path, bool gzip, struct part_table *t)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	fstat(fd, &st);
	int rc = tar_scan(fd, (uint64_t)st.st_size, gzip, "x", NULL, NULL, t);
	close(fd);
	return rc;
}

static void gzip_file(const char *from, const char *to, size_t keep)
{
	struct fx_buf b = fx_read(from);
	gzFile g = gzopen(to, "wb6");
	gzwrite(g, b.p, (unsigned)b.len);
	gzclose(g);
	free(b.p);
	if (keep)
		CHECK_INT(truncate(to, (off_t)keep), 0);
}

struct mem {
	struct fx_buf b;
};

static ssize_t mem_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct mem *m = ctx;
	if (off >= m->b.len)
		return 0;
	if (len > m->b.len - off)
		len = m->b.len - off;
	memcpy(buf, m->b.p + off, len);
	return (ssize_t)len;
}

/* Every member of t reads back through its seek points with its CRC. */
static void check_reads(const struct part_table *t, const char *gz, const char *name)
{
	struct inflate_index *idx = NULL;
	CHECK_INT(inflate_index_parse(t->index_blob, t->index_len, &idx), 0);
	if (!idx)
		return;
	struct mem m = {fx_read(gz)};
	struct inflate_reader *r = inflate_reader_new(idx, mem_read, &m, NULL, 1);
	for (size_t i = 0; i < t->n_members; i++) {
		const struct part_member *pm = &t->members[i];
		uint8_t *buf = malloc(pm->size + 1);
		ssize_t got = inflate_reader_read(r, buf, pm->size, pm->offset);
		CHECK_MSG(got == (ssize_t)pm->size, "%s: member %zu read %zd", name, i, got);
		if (got == (ssize_t)pm->size)
			CHECK_INT(inflate_crc32(0, buf, pm->size), pm->crc);
		free(buf);
	}
	inflate_reader_free(r);
	inflate_index_free(idx);
	free(m.b.p);
}

static void check_blob(const struct part_table *t, const char *name)
{
	unsigned char *blob;
	size_t len;
	CHECK_INT(part_table_serialize(t, &blob, &len), 0);
	struct part_table back;
	CHECK_MSG(part_table_parse(blob, len, &back) == 0, "%s: blob refused", name);
	unsigned char *again;
	size_t len2;
	CHECK_INT(part_table_serialize(&back, &again, &len2), 0);
	CHECK(len2 == len && memcmp(blob, again, len) == 0);
	free(again);
	part_table_free(&back);
	blob[len / 2] ^= 1; /* the checksum no longer matches */
	CHECK_INT(part_table_parse(blob, len, &back), -EINVAL);
	part_table_free(&back);
	free(blob);
}

static int archives, members, refused;

static void check_archive(const char *dir, const char *name, void *ctx)
{
	const char *tmp = ctx;
	struct fx_archive x;
	if (fx_load(dir, name, &x) != 0) {
		CHECK_MSG(0, "%s: cannot load", name);
		return;
	}
	archives++;
	char path[1200], gz[1300], cut[1300];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(gz, sizeof gz, "%s/%s.gz", tmp, name);
	snprintf(cut, sizeof cut, "%s/%s.cut.gz", tmp, name);
	bool gzip;
	int fd = open(path, O_RDONLY);
	CHECK(tar_scan_recognise(fd, &gzip) && !gzip);
	close(fd);

	struct part_table plain, packed, partial;
	CHECK_INT(scan_file(path, false, &plain), 0);
	CHECK(plain.index_blob == NULL && plain.stream_size == x.a.len);
	struct member_path *mp = malloc(sizeof *mp);
	struct arc_problem p;
	for (size_t i = 0; i < x.count; i++) {
		const struct fx_line *l = &x.lines[i];
		if (l->n != 8)
			continue;
		if (strcmp(l->f[1], "reg") != 0) {
			refused += strcmp(l->f[1], "dir") != 0;
			continue;
		}
		if (member_path_clean(l->f[0], strlen(l->f[0]), mp, &p) != 0)
			continue;
		const struct part_member *m = find(&plain, mp->path);
		CHECK_MSG(m != NULL, "%s: %s missing", name, mp->path);
		if (!m || m->offset != strtoull(l->f[4], NULL, 10))
			continue; /* a later member of the same path (the first is kept) */
		members++;
		CHECK_INT(m->size, strtoull(l->f[2], NULL, 10));
		CHECK_INT(m->mtime_ns, strtoll(l->f[3], NULL, 10));
		CHECK_INT(m->crc, strtoul(l->f[7], NULL, 16));
	}
	free(mp);
	check_blob(&plain, name);

	gzip_file(path, gz, 0);
	fd = open(gz, O_RDONLY);
	CHECK(tar_scan_recognise(fd, &gzip) && gzip);
	close(fd);
	CHECK_INT(scan_file(gz, true, &packed), 0);
	CHECK_INT(packed.n_members, plain.n_members);
	CHECK_INT(packed.n_problems, plain.n_problems);
	for (size_t i = 0; i < packed.n_members && i < plain.n_members; i++) {
		CHECK_INT(packed.members[i].offset, plain.members[i].offset);
		CHECK_INT(packed.members[i].crc, plain.members[i].crc);
	}
	CHECK(packed.index_blob != NULL);
	check_reads(&packed, gz, name);
	check_blob(&packed, name);

	struct stat st;
	stat(gz, &st);
	gzip_file(path, cut, (size_t)st.st_size / 2);
	CHECK_INT(scan_file(cut, true, &partial), 0);
	CHECK(partial.n_members <= packed.n_members);
	CHECK(partial.n_problems > packed.n_problems);
	for (size_t i = 0; i < partial.n_members; i++)
		CHECK_INT(partial.members[i].crc, packed.members[i].crc);
	if (partial.index_blob)
		check_reads(&partial, cut, name);
	part_table_free(&plain);
	part_table_free(&packed);
	part_table_free(&partial);
	fx_unload(&x);
}

static void test_refused_blobs(void)
{
	struct part_table t = {.part_size = 100, .stream_size = 100};
	struct part_member m = {.offset = 0, .size = 10, .mode = 0644};
	CHECK_INT(part_table_add_member(&t, &m, "a/b", 3), 0);
	unsigned char *blob;
	size_t len;
	CHECK_INT(part_table_serialize(&t, &blob, &len), 0);
	struct part_table back;
	CHECK_INT(part_table_parse(blob, len, &back), 0);
	CHECK_INT(back.n_members, 1);
	part_table_free(&back);
	/* A path leaving the tree, with the checksum made right: refused. */
	size_t at = len - 4 - 8 - 3;
	memcpy(blob + at, "../", 3);
	uint32_t crc = inflate_crc32(0, blob, len - 4);
	for (int i = 0; i < 4; i++)
		blob[len - 4 + i] = (unsigned char)(crc >> (8 * i));
	CHECK_INT(part_table_parse(blob, len, &back), -EINVAL);
	part_table_free(&back);
	CHECK_INT(part_table_parse(blob, 10, &back), -EINVAL);
	part_table_free(&back);
	free(blob);
	part_table_free(&t);
}

int main(void)
{
	test_refused_blobs();
	char *tmp = fx_make(0);
	CHECK(tmp != NULL);
	if (tmp) {
		fx_each(tmp, "tar", check_archive, tmp);
		CHECK_MSG(archives >= 4, "%d archives", archives);
		CHECK_MSG(members > 20, "%d members checked", members);
		CHECK_MSG(refused > 0, "%d special members", refused);
		char junk[700];
		snprintf(junk, sizeof junk, "%s/junk", tmp);
		FILE *f = fopen(junk, "w");
		for (int i = 0; i < 2000; i++)
			fputc(i * 7, f);
		fclose(f);
		bool gzip;
		int fd = open(junk, O_RDONLY);
		CHECK(!tar_scan_recognise(fd, &gzip));
		close(fd);
	}
	fx_remove(tmp);
	CHECK_DONE();
}
