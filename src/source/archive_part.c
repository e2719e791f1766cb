/* What the archive backends of source/ share (source/archive_part.h). */
#include "source/archive_part.h"
#include "source/backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	p->ident = hash_mix64(hash_mix64(p->facts.dev ^ hash_mix64(p->facts.ino)) ^
	                      hash_mix64(p->facts.size + (uint64_t)p->facts.mtime_ns));
	return 0;
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
