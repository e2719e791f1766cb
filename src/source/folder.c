/* The folder backend of source/ (source/source.h): an extracted Takeout.
 * Folders are opened through folder fds (never by long paths, so 60-level
 * trees and 255-byte names work) with O_NOFOLLOW; files by name below a
 * cached folder fd, or by path with open_beneath (util/open_beneath.h). A
 * listing without facts takes the types from readdir and skips the fstatat
 * (on 240,000 files the stats were most of a first walk); with facts, big
 * folders are stat'ed by several threads. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/backend.h"
#include "util/growbuf.h"
#include "util/open_beneath.h"

struct folder {
	struct source base;
	int fd; /* SOURCE, O_RDONLY | O_DIRECTORY */
};

struct folder_dir {
	struct source_dir base;
	int fd;
};

struct folder_reader {
	struct source_reader base;
	int dir_fd;     /* cached fd of the folder of the last open */
	char *dir_path; /* its path, or NULL */
};

static const struct source_ops FOLDER_OPS;

static struct source_facts facts_of(const struct stat *st)
{
	return (struct source_facts){.size = (uint64_t)st->st_size,
	                             .mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
	                                         st->st_mtim.tv_nsec,
	                             .ino = (uint64_t)st->st_ino,
	                             .dev = (uint64_t)st->st_dev};
}

static uint8_t type_of_mode(mode_t mode)
{
	return S_ISREG(mode)    ? SOURCE_FILE
	       : S_ISDIR(mode)  ? SOURCE_DIR
	       : S_ISLNK(mode)  ? SOURCE_LINK
	       : S_ISFIFO(mode) ? SOURCE_FIFO
	       : S_ISSOCK(mode) ? SOURCE_SOCKET
	                        : SOURCE_DEVICE;
}

/* The name of the folder fd is open on, from /proc (the path it was opened
 * by may hold links or "."). */
static void name_of_fd(int fd, char *out, size_t outlen)
{
	char link[64], real[4096];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, real, sizeof real - 1);
	out[0] = '\0';
	if (n <= 0)
		return;
	real[n] = '\0';
	const char *slash = strrchr(real, '/');
	const char *base = slash ? slash + 1 : real;
	size_t len = strlen(base) < outlen ? strlen(base) : outlen - 1;
	memcpy(out, base, len);
	out[len] = '\0';
}

int source_open_folder(const char *path, struct source **out)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	struct folder *f = calloc(1, sizeof *f);
	if (!f)
		return -ENOMEM;
	f->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->fd < 0) {
		int rc = -errno;
		free(f);
		return rc;
	}
	f->base.ops = &FOLDER_OPS;
	name_of_fd(f->fd, f->base.name, sizeof f->base.name);
	*out = &f->base;
	return 0;
}

static void folder_free(struct source *s)
{
	struct folder *f = (struct folder *)s;
	close(f->fd);
	free(f);
}

/* --- listing --- */

static int new_dir(struct source *s, int fd, struct source_dir **out)
{
	struct folder_dir *d = malloc(sizeof *d);
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	*d = (struct folder_dir){.base.src = s, .fd = fd};
	*out = &d->base;
	return 0;
}

static int folder_dir_root(struct source *s, struct source_dir **out)
{
	int fd = dup(((struct folder *)s)->fd);
	return fd < 0 ? -errno : new_dir(s, fd, out);
}

static int folder_dir_open(struct source_dir *parent, const char *name, struct source_dir **out)
{
	int fd = openat(((struct folder_dir *)parent)->fd, name,
	                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : new_dir(parent->src, fd, out);
}

static void folder_dir_close(struct source_dir *d)
{
	close(((struct folder_dir *)d)->fd);
	free(d);
}

/* Stats entries [from, to) of one folder that need it; a failure leaves the
 * errno in the entry. */
struct stat_job {
	int fd;
	struct source_entry *ents;
	size_t from, to;
};

static void *stat_entries(void *arg)
{
	struct stat_job *j = arg;
	for (size_t i = j->from; i < j->to; i++) {
		struct source_entry *e = &j->ents[i];
		if (e->type)
			continue;
		struct stat st;
		if (fstatat(j->fd, e->name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			e->error = errno;
			continue;
		}
		e->type = type_of_mode(st.st_mode);
		e->facts = facts_of(&st);
	}
	return NULL;
}

/* Big folders ("Photos from 2019" holds tens of thousands of files) are
 * stat'ed by several threads: on an unchanged tree the stats are most of a
 * re-index, and they are independent. */
#define STAT_PARALLEL_MIN 2048
#define STAT_THREADS      4

static void stat_all_entries(int fd, struct source_entry *ents, size_t n, size_t n_stat)
{
	struct stat_job jobs[STAT_THREADS];
	pthread_t threads[STAT_THREADS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k = n_stat < STAT_PARALLEL_MIN || cpus < 2 ? 1
	           : cpus < STAT_THREADS                  ? (size_t)cpus
	                                                  : STAT_THREADS;
	size_t started = 0;
	for (size_t t = 0; t < k; t++) {
		jobs[t] = (struct stat_job){fd, ents, n * t / k, n * (t + 1) / k};
		if (t == 0 || pthread_create(&threads[t], NULL, stat_entries, &jobs[t]) != 0)
			continue;
		started |= (size_t)1 << t;
	}
	stat_entries(&jobs[0]);
	for (size_t t = 1; t < k; t++) {
		if (started & ((size_t)1 << t))
			pthread_join(threads[t], NULL);
		else
			stat_entries(&jobs[t]); /* thread could not start: do it here */
	}
}

/* The type readdir gave, or 0 when the filesystem did not say (DT_UNKNOWN). */
static uint8_t type_from_readdir(unsigned char d_type)
{
	switch (d_type) {
	case DT_REG:
		return SOURCE_FILE;
	case DT_DIR:
		return SOURCE_DIR;
	case DT_LNK:
		return SOURCE_LINK;
	case DT_FIFO:
		return SOURCE_FIFO;
	case DT_SOCK:
		return SOURCE_SOCKET;
	case DT_CHR:
	case DT_BLK:
		return SOURCE_DEVICE;
	default:
		return 0;
	}
}

static int folder_dir_list(struct source_dir *dir, bool facts, struct source_listing *out)
{
	int fd = ((struct folder_dir *)dir)->fd;
	int dup_fd = dup(fd);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	if (!d) {
		int rc = -errno;
		if (dup_fd >= 0)
			close(dup_fd);
		return rc;
	}
	rewinddir(d); /* the dup shares its offset with fd: a second listing starts over */
	size_t cap = 0, n = 0, n_stat = 0, names_cap = 0, names_used = 0;
	bool oom = false;
	for (;;) {
		errno = 0;
		struct dirent *e = readdir(d);
		if (!e) {
			out->read_error = errno;
			break;
		}
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		size_t len = strlen(e->d_name);
		if (grow_array((void **)&out->entries, &cap, n + 1, sizeof *out->entries) != 0 ||
		    grow_array((void **)&out->names, &names_cap, names_used + len + 1, 1) != 0) {
			oom = true;
			break;
		}
		memcpy(out->names + names_used, e->d_name, len + 1);
		struct source_entry *ent = &out->entries[n++];
		/* The offset, as names may still move; made a pointer below. */
		*ent = (struct source_entry){.name = (const char *)(uintptr_t)names_used,
		                             .len = len,
		                             .type = facts ? 0 : type_from_readdir(e->d_type)};
		n_stat += !ent->type;
		names_used += len + 1;
	}
	closedir(d);
	out->n = n;
	for (size_t i = 0; i < n; i++)
		out->entries[i].name = out->names + (uintptr_t)out->entries[i].name;
	if (oom)
		return -ENOMEM;
	stat_all_entries(fd, out->entries, n, n_stat);
	return 0;
}

/* --- files --- */

static struct source_reader *folder_reader_new(struct source *s)
{
	struct folder_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->base.src = s;
	r->dir_fd = -1;
	return &r->base;
}

static void folder_reader_free(struct source_reader *base)
{
	struct folder_reader *r = (struct folder_reader *)base;
	if (r->dir_fd >= 0)
		close(r->dir_fd);
	free(r->dir_path);
	free(r);
}

/* Workers take files in walk order, so consecutive files share a folder. */
static int folder_fd(struct folder_reader *r, const char *dir_path)
{
	if (r->dir_path && strcmp(r->dir_path, dir_path) == 0)
		return r->dir_fd;
	if (r->dir_fd >= 0)
		close(r->dir_fd);
	free(r->dir_path);
	r->dir_path = NULL;
	r->dir_fd =
	    open_beneath(((struct folder *)r->base.src)->fd, dir_path, O_RDONLY | O_DIRECTORY);
	if (r->dir_fd >= 0)
		r->dir_path = strdup(dir_path);
	return r->dir_fd;
}

/* Fills f from the open fd (taking it over): 0, or a negative errno with fd closed. */
static int adopt_fd(int fd, struct source_file *f)
{
	struct stat st;
	int rc = fstat(fd, &st) != 0 ? -errno : !S_ISREG(st.st_mode) ? -EINVAL : 0;
	if (rc != 0) {
		close(fd);
		return rc;
	}
	f->facts = facts_of(&st);
	f->fd = fd;
	f->base = 0;
	f->passthrough = true;
	return 0;
}

static int folder_open_in(struct source_reader *base, const char *dir_path, const char *name,
                          struct source_file *f)
{
	int dfd = folder_fd((struct folder_reader *)base, dir_path);
	if (dfd < 0)
		return -errno;
	int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	int fd = openat(dfd, name, flags | O_NOATIME);
	if (fd < 0 && errno == EPERM) /* O_NOATIME needs ownership */
		fd = openat(dfd, name, flags);
	return fd < 0 ? -errno : adopt_fd(fd, f);
}

static int folder_stat_in(struct source_reader *base, const char *dir_path, const char *name,
                          struct source_facts *out)
{
	int dfd = folder_fd((struct folder_reader *)base, dir_path);
	struct stat st;
	if (dfd < 0 || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -errno;
	*out = facts_of(&st);
	return 0;
}

static int folder_open_path(struct source *s, const char *path, struct source_file *f)
{
	int root = ((struct folder *)s)->fd;
	int fd = open_beneath(root, path, O_RDONLY | O_NOATIME);
	if (fd < 0 && errno == EPERM) /* O_NOATIME needs ownership */
		fd = open_beneath(root, path, O_RDONLY);
	return fd < 0 ? -errno : adopt_fd(fd, f);
}

static ssize_t folder_pread(const struct source_file *f, void *buf, size_t len, uint64_t off)
{
	(void)f, (void)buf, (void)len, (void)off;
	return -EBADF; /* every folder file has its fd */
}

static void folder_close(struct source_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
}

static const struct source_ops FOLDER_OPS = {
    .free = folder_free,
    .dir_root = folder_dir_root,
    .dir_open = folder_dir_open,
    .dir_close = folder_dir_close,
    .dir_list = folder_dir_list,
    .reader_new = folder_reader_new,
    .reader_free = folder_reader_free,
    .open_in = folder_open_in,
    .stat_in = folder_stat_in,
    .open_path = folder_open_path,
    .pread = folder_pread,
    .close = folder_close,
};
