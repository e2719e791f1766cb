/* open_beneath never follows a link in any component, never climbs out with
 * "..", and still opens deep paths longer than PATH_MAX. Checked on a real
 * tree with the kernel path (openat2) and with the component walk. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "util/open_beneath.h"

static char root[256];

static void make_tree(void)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/src/a/b", root);
	CHECK(mkdir(root, 0755) == 0 || errno == EEXIST);
	snprintf(p, sizeof p, "%s/src", root);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/src/a", root);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/outside", root);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/outside/secret.jpg", root);
	FILE *f = fopen(p, "w");
	fputs("secret", f);
	fclose(f);
	snprintf(p, sizeof p, "%s/src/a/photo.jpg", root);
	f = fopen(p, "w");
	fputs("photo", f);
	fclose(f);
	/* A folder swapped for a link, and a link as the last component. */
	snprintf(p, sizeof p, "%s/src/swapped", root);
	CHECK(symlink("../outside", p) == 0);
	snprintf(p, sizeof p, "%s/src/a/link.jpg", root);
	CHECK(symlink("../../outside/secret.jpg", p) == 0);
}

static int open_src(void)
{
	char p[512];
	snprintf(p, sizeof p, "%s/src", root);
	return open(p, O_PATH | O_DIRECTORY);
}

typedef int (*opener)(int, const char *, int);

static void check_confinement(int src, opener open_beneath)
{
	int fd = open_beneath(src, "a/photo.jpg", O_RDONLY);
	CHECK(fd >= 0);
	char buf[16] = "";
	CHECK(fd >= 0 && read(fd, buf, sizeof buf - 1) == 5 && strcmp(buf, "photo") == 0);
	if (fd >= 0)
		close(fd);
	errno = 0;
	CHECK(open_beneath(src, "swapped/secret.jpg", O_RDONLY) < 0);
	CHECK(errno == ELOOP || errno == EXDEV || errno == ENOTDIR);
	errno = 0;
	CHECK(open_beneath(src, "a/link.jpg", O_RDONLY) < 0);
	CHECK(errno == ELOOP || errno == EXDEV || errno == ENOTDIR);
	CHECK(open_beneath(src, "../outside/secret.jpg", O_RDONLY) < 0);
	CHECK(open_beneath(src, "a/../../outside/secret.jpg", O_RDONLY) < 0);
	CHECK(open_beneath(src, "/etc/passwd", O_RDONLY) < 0);
	fd = open_beneath(src, "a", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	fd = open_beneath(src, "", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(open_beneath(src, "a/missing.jpg", O_RDONLY) < 0 && errno == ENOENT);
}

/* 40 levels of 200-byte names: 8 KB, twice PATH_MAX. */
static void check_deep_path(int src, opener open_beneath)
{
	char name[201];
	memset(name, 'd', 200);
	name[200] = '\0';
	int dfd = openat(src, ".", O_RDONLY | O_DIRECTORY);
	static char path[16384];
	size_t len = 0;
	for (int i = 0; i < 40 && dfd >= 0; i++) {
		mkdirat(dfd, name, 0755);
		int next = openat(dfd, name, O_RDONLY | O_DIRECTORY);
		close(dfd);
		dfd = next;
		memcpy(path + len, name, 200);
		len += 200;
		path[len++] = '/';
	}
	CHECK(dfd >= 0);
	int f = openat(dfd, "deep.jpg", O_WRONLY | O_CREAT, 0644);
	CHECK(f >= 0 && write(f, "deep", 4) == 4);
	close(f);
	close(dfd);
	memcpy(path + len, "deep.jpg", 9);
	int fd = open_beneath(src, path, O_RDONLY);
	CHECK_MSG(fd >= 0, "deep path: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	snprintf(root, sizeof root, "/tmp/tfs-open-beneath-%d", (int)getpid());
	make_tree();
	int src = open_src();
	CHECK(src >= 0);
	check_confinement(src, open_beneath);
	check_deep_path(src, open_beneath);
	check_confinement(src, open_beneath_walk);
	check_deep_path(src, open_beneath_walk);
	close(src);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", root);
	CHECK_DONE();
}
