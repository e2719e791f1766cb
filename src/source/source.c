/* The backend-independent half of source/ (source/source.h): dispatch to the
 * backend (source/backend.h), reads of contiguous bytes by pread, and the
 * checked open's comparison with what the store recorded. */
#include "source/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/backend.h"
#include "util/growbuf.h"

void source_free(struct source *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_problems; i++) {
		free(s->problems[i].path);
		free(s->problems[i].what);
	}
	free(s->problems);
	s->ops->free(s);
}

int source_note_problem(struct source *s, const char *path, const char *what)
{
	if (grow_array((void **)&s->problems, &s->problems_cap, s->n_problems + 1,
	               sizeof *s->problems) != 0)
		return -ENOMEM;
	struct source_problem p = {strdup(path), strdup(what)};
	if (!p.path || !p.what) {
		free(p.path);
		free(p.what);
		return -ENOMEM;
	}
	s->problems[s->n_problems++] = p;
	return 0;
}

size_t source_problems(const struct source *s, const struct source_problem **out)
{
	*out = s->problems;
	return s->n_problems;
}

const char *source_name(const struct source *s)
{
	return s->name;
}

int source_dir_root(struct source *s, struct source_dir **out)
{
	return s->ops->dir_root(s, out);
}

int source_dir_open(struct source_dir *parent, const char *name, struct source_dir **out)
{
	return parent->src->ops->dir_open(parent, name, out);
}

void source_dir_close(struct source_dir *d)
{
	if (d)
		d->src->ops->dir_close(d);
}

int source_dir_list(struct source_dir *d, bool facts, struct source_listing *out)
{
	*out = (struct source_listing){0};
	return d->src->ops->dir_list(d, facts, out);
}

void source_listing_free(struct source_listing *l)
{
	free(l->entries);
	free(l->names);
	*l = (struct source_listing){0};
}

struct source_reader *source_reader_new(struct source *s)
{
	return s->ops->reader_new(s);
}

void source_reader_free(struct source_reader *r)
{
	if (r)
		r->src->ops->reader_free(r);
}

int source_open_in(struct source_reader *r, const char *dir_path, const char *name,
                   struct source_file *f)
{
	*f = (struct source_file){.fd = -1, .src = r->src};
	return r->src->ops->open_in(r, dir_path, name, f);
}

int source_stat_in(struct source_reader *r, const char *dir_path, const char *name,
                   struct source_facts *out)
{
	return r->src->ops->stat_in(r, dir_path, name, out);
}

int source_open_checked(struct source *s, const char *path, int64_t size, int64_t mtime_ns,
                        struct source_file *f)
{
	*f = (struct source_file){.fd = -1, .src = s};
	int rc = s->ops->open_path(s, path, f);
	if (rc != 0) /* no longer a regular file: changed too */
		return rc == -EINVAL ? -EIO : rc;
	if ((int64_t)f->facts.size != size || f->facts.mtime_ns != mtime_ns) {
		source_close(f);
		return -EIO;
	}
	return 0;
}

ssize_t source_pread(const struct source_file *f, void *buf, size_t len, uint64_t off)
{
	if (f->fd < 0)
		return f->src->ops->pread(f, buf, len, off);
	/* The fd may hold more than the file (a stored member inside its archive). */
	if (off >= f->facts.size)
		return 0;
	if (len > f->facts.size - off)
		len = (size_t)(f->facts.size - off);
	return source_pread_fd(f->fd, buf, len, f->base + off);
}

ssize_t source_pread_fd(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

void source_will_read_all(const struct source_file *f)
{
	if (f->fd >= 0)
		posix_fadvise(f->fd, (off_t)f->base, f->base ? (off_t)f->facts.size : 0,
		              POSIX_FADV_SEQUENTIAL);
}

void source_close(struct source_file *f)
{
	if (f->src)
		f->src->ops->close(f);
	f->fd = -1;
	f->src = NULL;
}
