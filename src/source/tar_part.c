/* The tar backend of source/ (source/source.h): one .tgz/.tar.gz or .tar part
 * of a Takeout, shown as the folders its extraction makes. Its member table
 * comes from the store when the part is unchanged, else from one sequential
 * pass (source/tar_scan.h) whose table is then kept in the store. A plain
 * .tar member is read straight from the archive at its data offset (the
 * descriptor and base are handed up, for splice); a .tgz member through an
 * inflate reader over the pass's seek points, whose spans the source's span
 * cache keeps. Every member's CRC-32 is known without a read.
 * Owns: the members' facts and the mapping from their names to their bytes.
 * Must not: write to the archive, follow a member that is a link, or serve a
 * byte outside a member's own range of the tar stream. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/inflate_index.h"
#include "archive/member_path.h"
#include "source/archive_part.h"
#include "source/backend.h"
#include "source/member_tree.h"
#include "source/part_table.h"
#include "source/tar_scan.h"
#include "store/archive_parts.h"
#include "util/hash.h"

struct tar_part {
	struct archive_source as; /* the part (fd, facts, span cache) and its tree */
	struct part_table table;
	struct inflate_index *idx; /* the tgz's seek points; NULL for a plain tar */
};

/* A tgz member's open state: a reader of the whole stream, offset by the
 * member's start. */
struct tar_open {
	struct archive_stream stream;
	struct inflate_reader *reader;
	uint64_t offset, size;
	pthread_mutex_t lock; /* FUSE may read one open file from several threads */
};

static const struct source_ops TAR_OPS;
static struct source_facts node_facts(const void *ctx, const struct member_node *n);
static int open_member(struct archive_source *a, const char *path, size_t len,
                       struct source_file *f);

/* Parses the table's seek points (a tgz), which must cover its tar stream.
 * 0, -EINVAL or -ENOMEM. */
static int attach_index(struct tar_part *t)
{
	struct part_table *tb = &t->table;
	if (!tb->index_len)
		return 0;
	int rc = inflate_index_parse(tb->index_blob, tb->index_len, &t->idx);
	if (rc != 0)
		return rc;
	struct inflate_index_info info;
	inflate_index_info(t->idx, &info);
	if (info.out_size != tb->stream_size || info.comp_size > tb->part_size)
		return -EINVAL;
	free(tb->index_blob); /* parsed: the bytes are no longer needed */
	tb->index_blob = NULL;
	tb->index_len = 0;
	return 0;
}

/* The table from the store, when it holds a good one for this very part.
 * 0 when loaded, 1 when a pass is needed, -ENOMEM. */
static int load_table(struct tar_part *t, const char *db_path)
{
	if (!db_path)
		return 1;
	unsigned char *blob = NULL;
	size_t len = 0;
	if (store_archive_part_get(db_path, t->as.part.ident, &blob, &len) != 0)
		return 1;
	int rc = part_table_parse(blob, len, &t->table);
	free(blob);
	if (rc == 0 && t->table.part_size == t->as.part.facts.size)
		rc = attach_index(t);
	if (rc == 0)
		return 0;
	part_table_free(&t->table);
	return rc == -ENOMEM ? rc : 1; /* damaged or stale: read the part again */
}

/* Keeps the table in the store (a failure only costs a pass next time). */
static void save_table(struct tar_part *t, const char *db_path)
{
	unsigned char *blob;
	size_t len;
	if (!db_path || part_table_serialize(&t->table, &blob, &len) != 0)
		return;
	store_archive_part_put(db_path, t->as.part.ident, blob, len);
	free(blob);
}

/* The tree and the problems of the table; duplicates found here. */
static int build_tree(struct tar_part *t)
{
	const struct part_table *tb = &t->table;
	int rc = member_tree_init(&t->as.tree);
	for (size_t i = 0; rc == 0 && i < tb->n_problems; i++)
		rc = source_note_problem(&t->as.base, part_table_text(tb, tb->problems[i].path_at),
		                         part_table_text(tb, tb->problems[i].what_at));
	for (size_t i = 0; rc == 0 && i < tb->n_members; i++) {
		const struct part_member *m = &tb->members[i];
		const char *path = part_table_text(tb, m->path_at);
		int added = member_tree_add(&t->as.tree, path, m->path_len, m->is_dir,
		                            m->is_dir ? -1 : (int64_t)i);
		if (added == -ENOMEM || added == 0)
			rc = added;
		else if (m->is_dir)
			rc = source_note_problem(&t->as.base, path, "a folder where a file is");
		else if (added == -EEXIST)
			rc = source_note_problem(
			    &t->as.base, path,
			    "the same path twice in one part (the first is kept)");
		else
			rc = source_note_problem(&t->as.base, path, "below a path that is a file");
	}
	return rc ? rc : member_tree_finish(&t->as.tree);
}

int source_open_tar(int fd, bool gzip, const char *name, const struct tar_open_options *opt,
                    struct source **out, bool *scanned, char *err, size_t errlen)
{
	*scanned = false;
	struct tar_part *t = calloc(1, sizeof *t);
	if (!t) {
		close(fd);
		return -ENOMEM;
	}
	t->as.base.ops = &TAR_OPS;
	t->as.facts_of = node_facts;
	t->as.open_member = open_member;
	snprintf(t->as.base.name, sizeof t->as.base.name, "%s", name);
	int rc = archive_part_init(&t->as.part, fd, opt->cache);
	if (rc == 0)
		rc = load_table(t, opt->db_path);
	if (rc == 1) {
		*scanned = true;
		rc = tar_scan(t->as.part.fd, t->as.part.facts.size, gzip, opt->file, opt->progress,
		              opt->progress_ctx, &t->table);
		if (rc == 0)
			save_table(t, opt->db_path);
		if (rc == 0 && attach_index(t) != 0)
			rc = -ENOMEM; /* just made: only memory can fail */
	}
	if (rc == 0 && t->table.gzip != gzip)
		rc = archive_part_fail(&t->as.part,
		                       "the stored table is of another kind of archive");
	if (rc == 0)
		rc = build_tree(t);
	return archive_source_opened(&t->as, rc, out, err, errlen);
}

static void tar_free(struct source *s)
{
	struct tar_part *t = (struct tar_part *)s;
	part_table_free(&t->table);
	inflate_index_free(t->idx);
	archive_source_release(&t->as);
	free(t);
}

/* --- listing --- */

static struct source_facts node_facts(const void *ctx, const struct member_node *n)
{
	const struct tar_part *t = ctx;
	if (n->member < 0)
		return archive_part_dir_facts(&t->as.part, n->path, n->path_len);
	const struct part_member *m = &t->table.members[n->member];
	return archive_part_member_facts(&t->as.part, m->size, m->mtime_ns, (uint64_t)n->member);
}

/* --- files --- */

static int open_member(struct archive_source *a, const char *path, size_t len,
                       struct source_file *f)
{
	struct tar_part *t = (struct tar_part *)a;
	int64_t node = member_tree_find(&t->as.tree, path, len);
	if (node < 0)
		return -ENOENT;
	if (t->as.tree.nodes[node].is_dir)
		return -EINVAL;
	int64_t i = t->as.tree.nodes[node].member;
	const struct part_member *m = &t->table.members[i];
	f->facts = archive_part_member_facts(&t->as.part, m->size, m->mtime_ns, (uint64_t)i);
	f->passthrough = false;
	f->crc_known = true;
	f->crc = m->crc;
	if (!t->table.gzip) {
		if (m->offset + m->size > t->as.part.facts.size)
			return -EIO;
		f->fd = t->as.part.fd; /* shared: tar_close leaves it open */
		f->base = m->offset;
		return 0;
	}
	if (!t->idx)
		return -EIO;
	struct tar_open *o = calloc(1, sizeof *o);
	if (!o)
		return -ENOMEM;
	o->stream = (struct archive_stream){&t->as.part, 0, t->as.part.facts.size};
	o->offset = m->offset;
	o->size = m->size;
	o->reader = inflate_reader_new(t->idx, archive_stream_read, &o->stream, t->as.part.cache,
	                               hash_mix64(t->as.part.ident));
	if (!o->reader) {
		free(o);
		return -ENOMEM;
	}
	pthread_mutex_init(&o->lock, NULL);
	f->fd = -1;
	f->priv = o;
	return 0;
}

static ssize_t tar_pread(const struct source_file *f, void *buf, size_t len, uint64_t off)
{
	struct tar_open *o = f->priv;
	if (off >= o->size)
		return 0;
	if (len > o->size - off)
		len = (size_t)(o->size - off);
	pthread_mutex_lock(&o->lock);
	ssize_t n = inflate_reader_read(o->reader, buf, len, o->offset + off);
	pthread_mutex_unlock(&o->lock);
	return n;
}

static void tar_close(struct source_file *f)
{
	struct tar_open *o = f->priv;
	if (o) {
		pthread_mutex_destroy(&o->lock);
		inflate_reader_free(o->reader);
		free(o);
	}
	f->priv = NULL; /* a plain tar member's fd is the part's own */
}

static const struct source_ops TAR_OPS = {
    .free = tar_free,
    .dir_root = archive_dir_root,
    .dir_open = archive_dir_open,
    .dir_close = archive_dir_close,
    .dir_list = archive_dir_list,
    .reader_new = archive_reader_new,
    .reader_free = archive_reader_free,
    .open_in = archive_open_in,
    .stat_in = archive_stat_in,
    .open_path = archive_open_path,
    .pread = tar_pread,
    .close = tar_close,
};
