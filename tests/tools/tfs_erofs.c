/* tfs_erofs: every write-type system call on a takeoutfs mount must fail
 * with exactly EROFS, and must leave nothing behind. Checks, on each --file:
 * open for writing/appending/truncating, truncate, unlink, rename, link,
 * chmod, chown, utimes, setxattr, removexattr; on each --dir: create,
 * exclusive create, mkdir, rmdir, symlink, mknod (FIFO, regular, socket),
 * rename, chmod, chown, utimes, setxattr.
 *
 * Usage: tfs_erofs [--file PATH]... [--dir PATH]... [--root MNT]
 * Prints one line per call that did not give EROFS, a summary, and exits 1
 * when there was any. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

static int n_calls, n_erofs, n_other;

static const char *errno_name(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "?";
}

/* rc is the call's result (fds are closed here); erofs is expected. */
static void expect_erofs(const char *what, const char *path, long rc)
{
	int e = errno;
	n_calls++;
	if (rc >= 0) {
		n_other++;
		printf("FAIL %s %s: succeeded\n", what, path);
		if (strncmp(what, "open", 4) == 0)
			close((int)rc);
		return;
	}
	if (e == EROFS) {
		n_erofs++;
		return;
	}
	n_other++;
	printf("FAIL %s %s: %s instead of EROFS\n", what, path, errno_name(e));
}

static void expect_absent(const char *path)
{
	struct stat st;
	n_calls++;
	if (lstat(path, &st) == 0) {
		n_other++;
		printf("FAIL %s exists after refused writes\n", path);
	} else {
		n_erofs++;
	}
}

/* Builds "a" + "b" into out; false (and the check is skipped) when too long. */
static bool join(char *out, size_t cap, const char *a, const char *b)
{
	return snprintf(out, cap, "%s%s", a, b) < (int)cap;
}

static void check_file(const char *f, const char *dir_of_f)
{
	char other[4096];
	expect_erofs("open(O_WRONLY)", f, open(f, O_WRONLY));
	expect_erofs("open(O_RDWR)", f, open(f, O_RDWR));
	expect_erofs("open(O_WRONLY|O_APPEND)", f, open(f, O_WRONLY | O_APPEND));
	expect_erofs("open(O_RDONLY|O_TRUNC)", f, open(f, O_RDONLY | O_TRUNC));
	expect_erofs("open(O_CREAT|O_WRONLY) existing", f, open(f, O_CREAT | O_WRONLY, 0644));
	expect_erofs("truncate", f, truncate(f, 0));
	expect_erofs("unlink", f, unlink(f));
	if (join(other, sizeof other, f, ".renamed")) {
		expect_erofs("rename", f, rename(f, other));
		expect_absent(other);
	}
	if (join(other, sizeof other, dir_of_f, "/tfs-erofs-link")) {
		expect_erofs("link", f, link(f, other));
		expect_absent(other);
	}
	expect_erofs("chmod", f, chmod(f, 0666));
	expect_erofs("chown", f, chown(f, 1, 1));
	expect_erofs("utimes", f, utimensat(AT_FDCWD, f, NULL, 0));
	expect_erofs("setxattr", f, setxattr(f, "user.tfs", "1", 1, 0));
	expect_erofs("removexattr", f, removexattr(f, "user.tfs"));
}

/* The mount root itself cannot be removed or renamed whatever the file system
 * (the kernel says EBUSY), so those two calls are left out for it. */
static void check_dir(const char *d, bool is_root)
{
	char p[4096];
	if (!join(p, sizeof p, d, "/tfs-erofs-new"))
		return;
	expect_erofs("open(O_CREAT|O_WRONLY)", p, open(p, O_CREAT | O_WRONLY, 0644));
	expect_erofs("open(O_CREAT|O_EXCL|O_RDONLY)", p,
	             open(p, O_CREAT | O_EXCL | O_RDONLY, 0644));
	expect_erofs("creat", p, creat(p, 0644));
	expect_erofs("mkdir", p, mkdir(p, 0755));
	expect_erofs("symlink", p, symlink("/etc/passwd", p));
	expect_erofs("mknod(FIFO)", p, mknod(p, S_IFIFO | 0644, 0));
	expect_erofs("mknod(REG)", p, mknod(p, S_IFREG | 0644, 0));
	expect_erofs("mknod(SOCK)", p, mknod(p, S_IFSOCK | 0644, 0));
	expect_absent(p);
	if (!is_root)
		expect_erofs("rmdir", d, rmdir(d));
	if (!is_root && join(p, sizeof p, d, ".renamed")) {
		expect_erofs("rename(dir)", d, rename(d, p));
		expect_absent(p);
	}
	expect_erofs("chmod(dir)", d, chmod(d, 0777));
	expect_erofs("chown(dir)", d, chown(d, 1, 1));
	expect_erofs("utimes(dir)", d, utimensat(AT_FDCWD, d, NULL, 0));
	expect_erofs("setxattr(dir)", d, setxattr(d, "user.tfs", "1", 1, 0));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"file", required_argument, 0, 'f'},
	                                     {"dir", required_argument, 0, 'd'},
	                                     {"root", required_argument, 0, 'r'},
	                                     {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "f:d:r:", opts, NULL)) != -1) {
		if (c == 'f') {
			char dir[4096];
			snprintf(dir, sizeof dir, "%s", optarg);
			char *slash = strrchr(dir, '/');
			if (slash)
				*slash = '\0';
			else
				snprintf(dir, sizeof dir, ".");
			check_file(optarg, dir);
		} else if (c == 'd' || c == 'r') {
			check_dir(optarg, c == 'r');
		} else {
			fprintf(stderr,
			        "usage: tfs_erofs [--file PATH]... [--dir PATH]... [--root MNT]\n");
			return 2;
		}
	}
	printf("erofs: %d checks, %d as expected, %d wrong\n", n_calls, n_erofs, n_other);
	return n_other ? 1 : 0;
}
