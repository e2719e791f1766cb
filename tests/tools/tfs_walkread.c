/* tfs_walkread: walks a mounted takeoutfs tree and reads every file whole,
 * checking what a file manager relies on: every read either returns exactly
 * st_size bytes or fails with a proper errno, no entry is a symbolic link,
 * no name is "." or ".." (beyond readdir's own one each) or repeats in its
 * folder, every .meta is a JSON object, and with --source every file under
 * originals/ has the bytes of the file it stands for. A watchdog reports any
 * operation slower than --timeout seconds as BAD, and stops the walk when one
 * takes ten times that (a hang).
 *
 * Usage: tfs_walkread [--timeout S] [--source SRC] [--repeat N] MNT
 * Prints "errno NAME PATH" for each proper failure, "BAD what PATH" for each
 * violation, a summary line, and exits 1 when anything was BAD. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (128 * 1024)

static const char *source;
static int source_fd = -1;
static double timeout_s = 10;
static uint64_t n_dirs, n_files, n_bytes, n_meta, n_errno, n_bad, n_compared;
static _Atomic int64_t op_started_ns; /* 0 when idle */
static char current_path[8192];
static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Paths may hold newlines and invalid UTF-8: print them escaped, one line each. */
static void print_path(FILE *f, const char *p)
{
	for (const unsigned char *c = (const unsigned char *)p; *c; c++) {
		if (*c < 0x20 || *c >= 0x7f || *c == '\\')
			fprintf(f, "\\x%02x", *c);
		else
			fputc(*c, f);
	}
}

static void bad(const char *what, const char *path)
{
	n_bad++;
	printf("BAD %s ", what);
	print_path(stdout, path);
	putchar('\n');
}

static void proper_errno(int e, const char *path)
{
	n_errno++;
	printf("errno %s ", strerrorname_np(e) ? strerrorname_np(e) : "?");
	print_path(stdout, path);
	putchar('\n');
}

static bool errno_is_proper(int e)
{
	return e == EIO || e == ENOENT || e == EACCES || e == EPERM || e == ESTALE ||
	       e == ENODATA || e == ENXIO;
}

static void op_begin(const char *path)
{
	pthread_mutex_lock(&current_lock);
	snprintf(current_path, sizeof current_path, "%s", path);
	pthread_mutex_unlock(&current_lock);
	atomic_store(&op_started_ns, now_ns());
}

static void op_end(void)
{
	atomic_store(&op_started_ns, 0);
}

/* An operation slower than timeout_s is reported once as BAD and the walk
 * goes on (it may just be slow); one slower than 10 x timeout_s is a hang:
 * report it and stop. */
static atomic_bool slow_reported;
static atomic_ullong n_slow;

static void *watchdog(void *arg)
{
	(void)arg;
	int64_t last = 0;
	for (;;) {
		struct timespec ts = {0, 200 * 1000000};
		nanosleep(&ts, NULL);
		int64_t t = atomic_load(&op_started_ns);
		if (t != last) {
			last = t;
			atomic_store(&slow_reported, false);
		}
		double secs = t ? (double)(now_ns() - t) / 1e9 : 0;
		if (t && secs > timeout_s && !atomic_exchange(&slow_reported, true)) {
			pthread_mutex_lock(&current_lock);
			printf("BAD slow(>%.0fs) ", timeout_s);
			print_path(stdout, current_path);
			putchar('\n');
			fflush(stdout);
			pthread_mutex_unlock(&current_lock);
			atomic_fetch_add(&n_slow, 1);
		}
		if (t && secs > 10 * timeout_s) {
			pthread_mutex_lock(&current_lock);
			printf("BAD hang(>%.0fs) ", 10 * timeout_s);
			print_path(stdout, current_path);
			printf("\nwalkread: HUNG\n");
			fflush(stdout);
			_exit(3);
		}
	}
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void check_meta(const char *path, const char *data, size_t len)
{
	n_meta++;
	cJSON *j = cJSON_ParseWithLength(data, len);
	if (!j || !cJSON_IsObject(j) || !cJSON_GetObjectItemCaseSensitive(j, "source"))
		bad("meta-not-json-object", path);
	cJSON_Delete(j);
}

/* Reads len bytes of SOURCE/rel at off; false when they differ from data. */
static bool same_as_source(int fd, uint64_t off, const char *data, size_t len)
{
	static char buf[CHUNK];
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return memcmp(buf, data, len) == 0;
}

static void read_file(int dfd, const char *name, const char *path, const struct stat *st,
                      const char *originals_rel)
{
	n_files++;
	op_begin(path);
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		op_end();
		if (errno_is_proper(e))
			proper_errno(e, path);
		else
			bad(strerrorname_np(e) ? strerrorname_np(e) : "open-errno", path);
		return;
	}
	/* .meta is kept whole for the JSON check; originals are compared chunk by chunk. */
	bool is_meta = ends_with(name, ".meta");
	int src = originals_rel && source_fd >= 0
	              ? openat(source_fd, originals_rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
	              : -1;
	size_t cap = is_meta ? (size_t)st->st_size + 1 : CHUNK;
	char *buf = malloc(cap);
	uint64_t total = 0;
	int err = 0;
	bool differs = false;
	for (;;) {
		char *at = is_meta ? buf + total : buf;
		size_t room = is_meta ? cap - (size_t)total : CHUNK;
		if (room == 0)
			break; /* st_size + 1 bytes arrived: more than announced */
		if (room > CHUNK)
			room = CHUNK;
		ssize_t n = read(fd, at, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		if (n == 0)
			break;
		if (src >= 0 && !differs && !same_as_source(src, total, at, (size_t)n))
			differs = true;
		total += (uint64_t)n;
	}
	close(fd);
	op_end();
	n_bytes += total;
	if (src >= 0) {
		struct stat sst;
		if (!err && (fstat(src, &sst) != 0 || (uint64_t)sst.st_size != total))
			differs = true;
		close(src);
		n_compared++;
	}
	if (err) {
		if (errno_is_proper(err))
			proper_errno(err, path);
		else
			bad(strerrorname_np(err) ? strerrorname_np(err) : "read-errno", path);
	} else if (total != (uint64_t)st->st_size) {
		bad("size-differs-from-st_size", path);
	} else if (differs) {
		bad("differs-from-source", path);
	} else if (is_meta) {
		check_meta(path, buf, total);
	}
	free(buf);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* rel: the path below MNT; originals_rel: the path below originals/, or NULL. */
static void walk(int dfd, const char *path, const char *originals_rel)
{
	n_dirs++;
	op_begin(path);
	int dup_fd = dup(dfd);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	if (!d) {
		int e = errno;
		op_end();
		if (dup_fd >= 0)
			close(dup_fd);
		errno_is_proper(e) ? proper_errno(e, path) : bad("opendir", path);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int dots = 0, dotdots = 0;
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0) {
			dots++;
			continue;
		}
		if (strcmp(e->d_name, "..") == 0) {
			dotdots++;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof *names);
		}
		names[n++] = strdup(e->d_name);
		errno = 0;
	}
	int rd_err = errno;
	closedir(d);
	op_end();
	if (rd_err)
		errno_is_proper(rd_err) ? proper_errno(rd_err, path) : bad("readdir", path);
	if (dots > 1 || dotdots > 1)
		bad("extra-dot-entry", path);
	if (n) /* an empty folder has no array at all */
		qsort(names, n, sizeof *names, compare_names);
	for (size_t i = 0; i < n; i++) {
		char child[8192], child_orig[8192];
		snprintf(child, sizeof child, "%s/%s", path, names[i]);
		if (i && strcmp(names[i], names[i - 1]) == 0)
			bad("duplicate-name", child);
		if (strchr(names[i], '/') || !names[i][0])
			bad("name-with-slash-or-empty", child);
		const char *crel = NULL;
		if (originals_rel) {
			snprintf(child_orig, sizeof child_orig, "%s%s%s", originals_rel,
			         *originals_rel ? "/" : "", names[i]);
			crel = child_orig;
		}
		struct stat st;
		op_begin(child);
		int rc = fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW);
		int se = errno;
		op_end();
		if (rc != 0) {
			errno_is_proper(se) ? proper_errno(se, child) : bad("stat", child);
			continue;
		}
		if (S_ISLNK(st.st_mode)) {
			bad("symlink-in-mount", child);
		} else if (S_ISDIR(st.st_mode)) {
			int cfd = openat(dfd, names[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (cfd < 0) {
				int oe = errno;
				errno_is_proper(oe) ? proper_errno(oe, child)
				                    : bad("open-dir", child);
				continue;
			}
			if (!originals_rel && strcmp(path, "") == 0 &&
			    strcmp(names[i], "originals") == 0)
				walk(cfd, child, "");
			else
				walk(cfd, child, crel);
			close(cfd);
		} else if (S_ISREG(st.st_mode)) {
			read_file(dfd, names[i], child, &st, crel);
		} else {
			bad("not-file-or-folder", child);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int main(int argc, char **argv)
{
	int repeat = 1;
	static const struct option opts[] = {{"timeout", required_argument, 0, 't'},
	                                     {"source", required_argument, 0, 's'},
	                                     {"repeat", required_argument, 0, 'r'},
	                                     {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "t:s:r:", opts, NULL)) != -1) {
		if (c == 't')
			timeout_s = atof(optarg);
		else if (c == 's')
			source = optarg;
		else if (c == 'r')
			repeat = atoi(optarg);
		else
			return 2;
	}
	if (optind + 1 != argc) {
		fprintf(stderr,
		        "usage: tfs_walkread [--timeout S] [--source SRC] [--repeat N] MNT\n");
		return 2;
	}
	if (source && (source_fd = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "tfs_walkread: %s: %s\n", source, strerror(errno));
		return 2;
	}
	pthread_t wd;
	pthread_create(&wd, NULL, watchdog, NULL);
	int64_t t0 = now_ns();
	for (int r = 0; r < repeat; r++) {
		op_begin(argv[optind]);
		int fd = open(argv[optind], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		op_end();
		if (fd < 0) {
			fprintf(stderr, "tfs_walkread: %s: %s\n", argv[optind], strerror(errno));
			return 2;
		}
		/* Paths are printed relative to MNT, starting with "/". */
		walk(fd, "", NULL);
		close(fd);
	}
	printf("walkread: %llu folders, %llu files (%llu .meta), %llu bytes, %llu compared with "
	       "SOURCE, %llu proper errno failures, %llu BAD, %.1f s\n",
	       (unsigned long long)n_dirs, (unsigned long long)n_files, (unsigned long long)n_meta,
	       (unsigned long long)n_bytes, (unsigned long long)n_compared,
	       (unsigned long long)n_errno, (unsigned long long)(n_bad + atomic_load(&n_slow)),
	       (double)(now_ns() - t0) / 1e9);
	return n_bad || atomic_load(&n_slow) ? 1 : 0;
}
