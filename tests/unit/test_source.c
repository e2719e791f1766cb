/* The source layer's folder backend on a real tree: a listing gives every
 * entry's type (with facts equal to lstat's when asked, and none when the
 * type came free), sub-folders open by name but never through a link,
 * files open below a folder or by path with their fstat facts, read at any
 * offset (short only at the end), a checked open refuses a file whose size
 * or mtime changed or that is no longer a regular file (EIO), and nothing
 * opens through a symbolic link or "..". */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "source/source.h"

static char dir[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static const struct source_entry *find(const struct source_listing *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->entries[i].name, name) == 0)
			return &l->entries[i];
	return NULL;
}

static void test_listing(struct source *src)
{
	struct source_dir *root, *sub, *none;
	CHECK_INT(source_dir_root(src, &root), 0);
	for (int facts = 0; facts < 2; facts++) {
		struct source_listing l;
		CHECK_INT(source_dir_list(root, facts, &l), 0);
		CHECK_INT((int)l.n, 5); /* a.txt, sub, link, fifo, dotdot */
		CHECK_INT(l.read_error, 0);
		const struct source_entry *a = find(&l, "a.txt"), *s = find(&l, "sub"),
		                          *k = find(&l, "link"), *p = find(&l, "fifo");
		CHECK(a && a->type == SOURCE_FILE && a->len == 5 && !a->error);
		CHECK(s && s->type == SOURCE_DIR);
		CHECK(k && k->type == SOURCE_LINK);
		CHECK(p && p->type == SOURCE_FIFO);
		if (a && facts) {
			char path[256];
			struct stat st;
			snprintf(path, sizeof path, "%s/a.txt", dir);
			CHECK_INT(lstat(path, &st), 0);
			CHECK(a->facts.size == 10 && a->facts.ino == (uint64_t)st.st_ino &&
			      a->facts.dev == (uint64_t)st.st_dev &&
			      a->facts.mtime_ns ==
			          (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec);
		} else if (a) { /* the type came from readdir (tmpfs and ext4 give it) */
			CHECK(a->facts.size == 0 && a->facts.ino == 0);
		}
		source_listing_free(&l);
	}
	CHECK_INT(source_dir_open(root, "sub", &sub), 0);
	struct source_listing l;
	CHECK_INT(source_dir_list(sub, true, &l), 0);
	CHECK(l.n == 1 && strcmp(l.entries[0].name, "b.bin") == 0 && l.entries[0].facts.size == 26);
	source_listing_free(&l);
	source_dir_close(sub);
	int rc = source_dir_open(root, "link", &none);
	CHECK_MSG(rc == -ELOOP || rc == -ENOTDIR, "a link to a folder was opened: %d", rc);
	CHECK_INT(source_dir_open(root, "missing", &none), -ENOENT);
	source_dir_close(root);
}

static void test_files(struct source *src)
{
	struct source_reader *r = source_reader_new(src);
	CHECK(r != NULL);
	if (!r)
		return;
	struct source_file f;
	CHECK_INT(source_open_in(r, "sub", "b.bin", &f), 0);
	CHECK(f.facts.size == 26 && f.fd >= 0 && f.base == 0 && f.passthrough);
	char buf[32];
	CHECK_INT((int)source_pread(&f, buf, 5, 3), 5);
	CHECK(memcmp(buf, "defgh", 5) == 0);
	CHECK_INT((int)source_pread(&f, buf, sizeof buf, 20), 6); /* short only at the end */
	CHECK(memcmp(buf, "uvwxyz", 6) == 0);
	CHECK_INT((int)source_pread(&f, buf, 4, 26), 0);
	source_close(&f);
	CHECK_INT(source_open_in(r, "", "a.txt", &f), 0); /* another folder than the cached one */
	CHECK(f.facts.size == 10);
	source_close(&f);
	CHECK_INT(source_open_in(r, "", "missing", &f), -ENOENT);
	CHECK_INT(source_open_in(r, "", "sub", &f), -EINVAL); /* not a regular file */
	int rc = source_open_in(r, "", "link", &f);
	CHECK_MSG(rc == -ELOOP || rc == -ENOTDIR, "a link was followed: %d", rc);
	rc = source_open_in(r, "link", "b.bin", &f);
	CHECK_MSG(rc == -ELOOP || rc == -EXDEV || rc == -ENOTDIR, "a folder link was followed: %d",
	          rc);
	struct source_facts facts;
	CHECK_INT(source_stat_in(r, "", "link", &facts), 0); /* the link itself */
	CHECK_INT(source_stat_in(r, "", "missing", &facts), -ENOENT);
	source_reader_free(r);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/tfs-source-test-%d-XXXXXX", (int)getpid());
	if (!mkdtemp(dir))
		return 2;
	char path[256], to[256];
	put("a.txt", "0123456789");
	snprintf(path, sizeof path, "%s/sub", dir);
	mkdir(path, 0755);
	put("sub/b.bin", "abcdefghijklmnopqrstuvwxyz");
	snprintf(path, sizeof path, "%s/link", dir);
	snprintf(to, sizeof to, "%s/sub", dir);
	CHECK_INT(symlink(to, path), 0);
	snprintf(path, sizeof path, "%s/fifo", dir);
	CHECK_INT(mkfifo(path, 0644), 0);
	snprintf(path, sizeof path, "%s/dotdot", dir);
	CHECK_INT(symlink("..", path), 0);

	struct source *src;
	snprintf(path, sizeof path, "%s/a.txt", dir);
	CHECK_INT(source_open_folder(path, &src), -ENOTDIR);
	CHECK_INT(source_open_folder("/nonexistent/takeout", &src), -ENOENT);
	CHECK_INT(source_open_folder(dir, &src), 0);
	CHECK_STR(source_name(src), strrchr(dir, '/') + 1);
	test_listing(src);
	test_files(src);

	struct stat st;
	snprintf(path, sizeof path, "%s/sub/b.bin", dir);
	CHECK_INT(stat(path, &st), 0);
	int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	struct source_file f;
	CHECK_INT(source_open_checked(src, "sub/b.bin", 26, mtime, &f), 0);
	char buf[4];
	CHECK_INT((int)source_pread(&f, buf, 4, 0), 4);
	CHECK(memcmp(buf, "abcd", 4) == 0);
	source_close(&f);
	CHECK_INT(source_open_checked(src, "sub/b.bin", 27, mtime, &f), -EIO);
	CHECK_INT(source_open_checked(src, "sub/b.bin", 26, mtime + 1, &f), -EIO);
	CHECK_INT(source_open_checked(src, "sub", 0, 0, &f), -EIO); /* not a regular file */
	int rc = source_open_checked(src, "link/b.bin", 26, mtime, &f);
	CHECK_MSG(rc == -ELOOP || rc == -EXDEV || rc == -ENOTDIR, "a link was followed: %d", rc);
	rc = source_open_checked(src, "../x", 0, 0, &f);
	CHECK_MSG(rc == -EXDEV, "climbed out of SOURCE: %d", rc);
	rc = source_open_checked(src, "dotdot/a.txt", 0, 0, &f);
	CHECK_MSG(rc == -ELOOP || rc == -EXDEV || rc == -ENOTDIR, "a link was followed: %d", rc);
	source_free(src);

	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		perror("rm");
	CHECK_DONE();
}
