/* What the archive backends of source/ share (source/archive_part.h). */
#include "source/archive_part.h"
#include "source/backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/member_path.h"
#include "util/hash.h"
#include "util/ustr.h"

int archive_part_init(struct archive_part *p, int fd, struct span_cache *cache)
{
	*p = (struct archive_part){.fd = fd, .cache = cache};
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	p->facts = (struct source_facts){
	    .size = (uint64_t)st.st_size,
	    .mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
	    .ino = (uint64_t)st.st_ino,
	    .dev = (uint64_t)st.st_dev,
	};
	p->ident = archive_part_ident_of(&st);
	return 0;
}

uint64_t archive_part_ident_of(const struct stat *st)
{
	uint64_t mtime_ns =
	    (uint64_t)st->st_mtim.tv_sec * 1000000000 + (uint64_t)st->st_mtim.tv_nsec;
	return hash_mix64(hash_mix64((uint64_t)st->st_dev ^ hash_mix64((uint64_t)st->st_ino)) ^
	                  hash_mix64((uint64_t)st->st_size + mtime_ns));
}

void archive_part_release(struct archive_part *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

ssize_t archive_part_pread(struct archive_part *p, void *buf, size_t len, uint64_t off)
{
	return source_pread_fd(p->fd, buf, len, off);
}

int archive_part_fail(struct archive_part *p, const char *why)
{
	snprintf(p->fatal, sizeof p->fatal, "%s", why);
	return -EIO;
}

struct source_facts archive_part_member_facts(const struct archive_part *p, uint64_t size,
                                              int64_t mtime_ns, uint64_t member)
{
	return (struct source_facts){.size = size,
	                             .mtime_ns = mtime_ns,
	                             .ino = hash_mix64(p->ident ^ (member + 1)),
	                             .dev = p->ident};
}

struct source_facts archive_part_dir_facts(const struct archive_part *p, const char *path,
                                           size_t len)
{
	uint64_t h = HASH_FNV_OFFSET;
	for (size_t i = 0; i < len; i++)
		h = hash_fnv_step(h, (unsigned char)path[i]);
	return (struct source_facts){
	    .mtime_ns = p->facts.mtime_ns, .ino = hash_mix64(p->ident ^ h), .dev = p->ident};
}

ssize_t archive_stream_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct archive_stream *s = ctx;
	if (off >= s->length)
		return 0;
	if (len > s->length - off)
		len = (size_t)(s->length - off);
	return archive_part_pread(s->part, buf, len, s->offset + off);
}

void archive_shown_name(const char *raw, size_t len, char *out, size_t cap)
{
	char *clean = ustr_sanitize_utf8(raw, len); /* invalid bytes become U+FFFD */
	const char *from = clean ? clean : "?";
	size_t n = strlen(from);
	if (n > cap - 1)
		n = cap - 1;
	while (n && ((unsigned char)from[n] & 0xC0) == 0x80)
		n--; /* never cut inside a character */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)from[i];
		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	out[n] = '\0';
	free(clean);
}

int archive_list_children(const struct member_tree *t, const struct member_node *dir,
                          struct source_listing *out, archive_facts_fn facts_of, const void *ctx)
{
	size_t n = dir->n_children, names = 0;
	for (size_t i = 0; i < n; i++) {
		const struct member_node *c = &t->nodes[t->children[dir->first_child + i]];
		names += c->path_len - c->name_off + 1;
	}
	out->entries = calloc(n ? n : 1, sizeof *out->entries);
	out->names = malloc(names ? names : 1);
	if (!out->entries || !out->names)
		return -ENOMEM;
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		const struct member_node *c = &t->nodes[t->children[dir->first_child + i]];
		size_t len = c->path_len - c->name_off;
		memcpy(out->names + at, c->path + c->name_off, len + 1);
		out->entries[i] =
		    (struct source_entry){.name = out->names + at,
		                          .len = len,
		                          .type = c->is_dir ? SOURCE_DIR : SOURCE_FILE,
		                          .facts = facts_of(ctx, c)};
		at += len + 1;
	}
	out->n = n;
	return 0;
}

/* --- the operations of a member tree --- */

int archive_source_opened(struct archive_source *a, int rc, struct source **out, char *err,
                          size_t errlen)
{
	if (rc != 0) {
		snprintf(err, errlen, "%s", a->part.fatal[0] ? a->part.fatal : strerror(-rc));
		source_free(&a->base);
		return rc;
	}
	*out = &a->base;
	return 0;
}

void archive_source_release(struct archive_source *a)
{
	member_tree_free(&a->tree);
	archive_part_release(&a->part);
}

struct archive_dir {
	struct source_dir base;
	int64_t node;
};

static int new_dir(struct source *s, int64_t node, struct source_dir **out)
{
	struct archive_dir *d = malloc(sizeof *d);
	if (!d)
		return -ENOMEM;
	*d = (struct archive_dir){.base.src = s, .node = node};
	*out = &d->base;
	return 0;
}

int archive_dir_root(struct source *s, struct source_dir **out)
{
	return new_dir(s, 0, out);
}

int archive_dir_open(struct source_dir *parent, const char *name, struct source_dir **out)
{
	struct archive_source *a = (struct archive_source *)parent->src;
	int64_t node = member_tree_child(&a->tree, ((struct archive_dir *)parent)->node, name);
	if (node < 0)
		return -ENOENT;
	return a->tree.nodes[node].is_dir ? new_dir(parent->src, node, out) : -ENOTDIR;
}

void archive_dir_close(struct source_dir *d)
{
	free(d);
}

int archive_dir_list(struct source_dir *dir, bool facts, struct source_listing *out)
{
	(void)facts; /* the archive's table gave every fact already */
	struct archive_source *a = (struct archive_source *)dir->src;
	const struct member_node *d = &a->tree.nodes[((struct archive_dir *)dir)->node];
	return archive_list_children(&a->tree, d, out, a->facts_of, a);
}

struct source_reader *archive_reader_new(struct source *s)
{
	struct source_reader *r = malloc(sizeof *r);
	if (r)
		r->src = s;
	return r;
}

void archive_reader_free(struct source_reader *r)
{
	free(r);
}

/* dir_path/name as one path ("" for the top folder). 0 or -ENAMETOOLONG. */
static int join_path(const char *dir_path, const char *name, char *out, size_t cap, size_t *len)
{
	int n = *dir_path ? snprintf(out, cap, "%s/%s", dir_path, name)
	                  : snprintf(out, cap, "%s", name);
	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	*len = (size_t)n;
	return 0;
}

int archive_stat_in(struct source_reader *r, const char *dir_path, const char *name,
                    struct source_facts *out)
{
	struct archive_source *a = (struct archive_source *)r->src;
	char path[MEMBER_PATH_MAX];
	size_t len;
	int rc = join_path(dir_path, name, path, sizeof path, &len);
	if (rc != 0)
		return rc;
	int64_t node = member_tree_find(&a->tree, path, len);
	if (node < 0)
		return -ENOENT;
	*out = a->facts_of(a, &a->tree.nodes[node]);
	return 0;
}

int archive_open_in(struct source_reader *r, const char *dir_path, const char *name,
                    struct source_file *f)
{
	struct archive_source *a = (struct archive_source *)r->src;
	char path[MEMBER_PATH_MAX];
	size_t len;
	int rc = join_path(dir_path, name, path, sizeof path, &len);
	return rc ? rc : a->open_member(a, path, len, f);
}

int archive_open_path(struct source *s, const char *path, struct source_file *f)
{
	struct archive_source *a = (struct archive_source *)s;
	return a->open_member(a, path, strlen(path), f);
}
