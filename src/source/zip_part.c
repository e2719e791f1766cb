/* The zip backend of source/ (source/source.h): one .zip part of a Takeout,
 * shown as the folders its extraction makes. The central directory is read
 * once, at open (archive/zip.h); an archive whose end records are missing (a
 * download cut short) is read by walking its local headers as far as they are
 * intact. Stored members are read straight from the archive at their data
 * offset (the descriptor and base offset are handed up, so the FUSE layer can
 * splice); small deflated members (sidecars) are inflated whole at open, with
 * their CRC-32 checked; larger ones are read through an inflate reader
 * (archive/inflate_index.h) whose spans the source's span cache keeps.
 * Owns: the members' facts and the mapping from their names to their bytes.
 * Must not: write to the archive, follow a member that is a link, or serve a
 * byte of a member beyond the size its directory entry declares. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive/inflate_index.h"
#include "archive/member_path.h"
#include "archive/zip.h"
#include "source/archive_part.h"
#include "source/backend.h"
#include "source/member_tree.h"
#include "util/growbuf.h"
#include "util/hash.h"

#define CD_MAX ((uint64_t)1 << 31) /* a central directory larger is refused */
/* Deflated members up to this size, compressed and not, are inflated whole
 * when opened: a reader's buffers (over half a MiB) would cost more. */
#define WHOLE_MAX (256u << 10)

struct zip_member {
	uint64_t local_offset, comp_size, size;
	int64_t mtime_ns;
	uint32_t crc;
	uint16_t method;
};

struct zip_part {
	struct archive_source as; /* the part (fd, facts, span cache) and its tree */
	uint64_t data_limit;      /* member data must end before this (the directory) */
	struct zip_member *members;
	size_t n_members, cap;
};

/* A deflated member's open state: its bytes whole (small members), or a
 * reader of its stream. */
struct zip_open {
	struct archive_stream stream; /* read_at over the member's compressed bytes */
	struct inflate_index *idx;
	struct inflate_reader *reader;
	unsigned char *whole; /* size bytes, when reader is NULL */
	uint64_t size;
	pthread_mutex_t lock; /* FUSE may read one open file from several threads */
};

static const struct source_ops ZIP_OPS;
static struct source_facts node_facts(const void *ctx, const struct member_node *n);
static int open_member(struct archive_source *a, const char *path, size_t len,
                       struct source_file *f);

static ssize_t read_archive(void *ctx, void *buf, size_t len, uint64_t off)
{
	return archive_part_pread(ctx, buf, len, off);
}

/* unzip's reading of a DOS time: the writer's local time, in ours. */
static int64_t dos_time_local(const struct zip_dos_time *t)
{
	struct tm tm = {.tm_year = t->year - 1900,
	                .tm_mon = t->month - 1,
	                .tm_mday = t->day,
	                .tm_hour = t->hour,
	                .tm_min = t->minute,
	                .tm_sec = t->second,
	                .tm_isdst = -1};
	if (t->month < 1 || t->day < 1)
		return zip_dos_time_as_utc(t);
	time_t s = mktime(&tm);
	return s == (time_t)-1 ? zip_dos_time_as_utc(t) : (int64_t)s;
}

/* Adds one member of the directory (or of the walk) to the tree, or notes
 * why it cannot be served (overlapping: its bytes are another member's too,
 * the trick of zip bombs). 0 or -ENOMEM. */
static int take_entry(struct zip_part *z, const struct zip_entry *e, bool overlapping)
{
	char shown[ZIP_NAME_CAP];
	archive_shown_name(e->name, e->name_len, shown, sizeof shown);
	if (e->problem.code != ARC_OK)
		return source_note_problem(&z->as.base, shown, e->problem.msg);
	if (overlapping)
		return source_note_problem(&z->as.base, shown,
		                           "its data overlaps another member's (a zip bomb?)");
	if (e->is_symlink)
		return source_note_problem(&z->as.base, shown, "a symbolic link (not followed)");
	struct member_path mp;
	struct arc_problem p;
	if (member_path_clean(e->name, e->name_len, &mp, &p) != 0) {
		if (p.code == ARC_NAME_EMPTY && e->is_dir)
			return 0; /* "./": the archive's own top folder */
		return source_note_problem(&z->as.base, shown, p.msg);
	}
	if (e->is_dir || mp.is_dir) {
		int rc = member_tree_add(&z->as.tree, mp.path, mp.len, true, -1);
		if (rc == -ENOMEM)
			return rc;
		return rc ? source_note_problem(&z->as.base, shown, "a folder where a file is") : 0;
	}
	if (grow_array((void **)&z->members, &z->cap, z->n_members + 1, sizeof *z->members) != 0)
		return -ENOMEM;
	int64_t secs = e->has_unix_mtime ? e->mtime_unix : dos_time_local(&e->dos_time);
	z->members[z->n_members] = (struct zip_member){
	    .local_offset = e->local_offset,
	    .comp_size = e->comp_size,
	    .size = e->size,
	    .mtime_ns = secs * 1000000000,
	    .crc = e->crc32,
	    .method = e->method,
	};
	int rc = member_tree_add(&z->as.tree, mp.path, mp.len, false, (int64_t)z->n_members);
	if (rc == -ENOMEM)
		return rc;
	if (rc == -EEXIST)
		return source_note_problem(&z->as.base, shown,
		                           "the same path twice in one part (the first is kept)");
	if (rc != 0)
		return source_note_problem(&z->as.base, shown, "below a path that is a file");
	z->n_members++;
	return 0;
}

/* Marks (*out[i] = 1, malloc'd; NULL when none) the entries of the directory
 * whose bytes, from local header to end of data, share bytes with another's.
 * 0 or -ENOMEM. */
static int find_overlaps(const uint8_t *cd, const struct zip_end *end, struct zip_entry *e,
                         uint8_t **out)
{
	struct zip_span *spans = NULL;
	size_t n = 0, cap = 0;
	struct zip_cd_iter it;
	struct arc_problem p;
	zip_cd_begin(&it, cd, end->cd_size, end);
	while (zip_cd_next(&it, e, &p) > 0) {
		if (e->is_dir || e->problem.code != ARC_OK)
			continue;
		if (grow_array((void **)&spans, &cap, n + 1, sizeof *spans) != 0) {
			free(spans);
			return -ENOMEM;
		}
		uint64_t start = e->local_offset;
		spans[n++] = (struct zip_span){.start = start,
		                               .end = start + ZIP_LOCAL_HEADER_SIZE +
		                                      e->raw_name_len + e->comp_size,
		                               .index = e->index};
	}
	int rc = 0;
	*out = NULL;
	if (n && zip_spans_mark_overlaps(spans, n) > 0) {
		*out = calloc(it.index + 1, 1); /* entries are numbered below it.index */
		rc = *out ? 0 : -ENOMEM;
		for (size_t i = 0; *out && i < n; i++)
			if (spans[i].overlaps)
				(*out)[spans[i].index] = 1;
	}
	free(spans);
	return rc;
}

/* The members from the central directory. 0, 1 when there is no end record
 * (walk instead), or a negative errno. */
static int read_directory(struct zip_part *z)
{
	struct zip_end end;
	struct arc_problem p;
	int located = zip_end_locate(read_archive, &z->as.part, z->as.part.facts.size, &end, &p);
	if (located != 0) {
		if (p.code == ARC_NO_END)
			return 1;
		if (located == -ENOMEM)
			return located;
		return archive_part_fail(&z->as.part, p.msg);
	}
	if (end.cd_size > CD_MAX)
		return archive_part_fail(&z->as.part, "central directory too large");
	uint8_t *cd = malloc(end.cd_size ? end.cd_size : 1);
	if (!cd)
		return -ENOMEM;
	ssize_t got = archive_part_pread(&z->as.part, cd, end.cd_size, end.cd_offset);
	if (got != (ssize_t)end.cd_size) {
		free(cd);
		return archive_part_fail(&z->as.part, "cannot read the central directory");
	}
	z->data_limit = end.cd_offset;
	struct zip_entry *e = malloc(sizeof *e);
	uint8_t *overlapping = NULL;
	int rc = e ? find_overlaps(cd, &end, e, &overlapping) : -ENOMEM;
	struct zip_cd_iter it;
	zip_cd_begin(&it, cd, end.cd_size, &end);
	while (rc == 0) {
		int more = zip_cd_next(&it, e, &p);
		if (more < 0) /* the members read so far stay */
			rc = source_note_problem(&z->as.base, "", p.msg);
		if (more <= 0)
			break;
		rc = take_entry(z, e, overlapping && overlapping[e->index]);
	}
	free(overlapping);
	free(e);
	free(cd);
	return rc;
}

/* A part cut short: its local headers, as far as they are intact. */
static int walk_local_headers(struct zip_part *z)
{
	struct zip_walk w;
	struct arc_problem p;
	z->data_limit = z->as.part.facts.size;
	int rc = zip_walk_begin(&w, read_archive, &z->as.part, z->as.part.facts.size, &p);
	if (rc != 0) { /* -ENOMEM */
		zip_walk_end(&w);
		return rc;
	}
	rc = source_note_problem(&z->as.base, "",
	                         "no central directory (a download cut short?): the members "
	                         "are read from their local headers");
	struct zip_entry *e = malloc(sizeof *e);
	if (!e)
		rc = -ENOMEM;
	while (rc == 0) {
		int more = zip_walk_next(&w, e);
		if (more < 0)
			rc = source_note_problem(&z->as.base, "", w.stop.msg);
		if (more <= 0)
			break;
		rc = take_entry(z, e, false); /* walked in order: members cannot overlap */
	}
	free(e);
	zip_walk_end(&w);
	return rc;
}

int source_open_zip(int fd, const char *name, struct span_cache *cache, struct source **out,
                    char *err, size_t errlen)
{
	struct zip_part *z = calloc(1, sizeof *z);
	if (!z) {
		close(fd);
		return -ENOMEM;
	}
	z->as.base.ops = &ZIP_OPS;
	z->as.facts_of = node_facts;
	z->as.open_member = open_member;
	snprintf(z->as.base.name, sizeof z->as.base.name, "%s", name);
	int rc = archive_part_init(&z->as.part, fd, cache);
	if (rc == 0)
		rc = member_tree_init(&z->as.tree);
	if (rc == 0) {
		rc = read_directory(z);
		if (rc == 1)
			rc = walk_local_headers(z);
	}
	if (rc == 0)
		rc = member_tree_finish(&z->as.tree);
	return archive_source_opened(&z->as, rc, out, err, errlen);
}

static void zip_free(struct source *s)
{
	struct zip_part *z = (struct zip_part *)s;
	free(z->members);
	archive_source_release(&z->as);
	free(z);
}

/* --- listing --- */

static struct source_facts node_facts(const void *ctx, const struct member_node *n)
{
	const struct zip_part *z = ctx;
	if (n->member < 0)
		return archive_part_dir_facts(&z->as.part, n->path, n->path_len);
	const struct zip_member *m = &z->members[n->member];
	return archive_part_member_facts(&z->as.part, m->size, m->mtime_ns, (uint64_t)n->member);
}

/* --- files --- */

/* The member at path, its data offset checked against its local header. */
static int find_member(struct zip_part *z, const char *path, size_t len,
                       const struct zip_member **out, uint64_t *data_offset)
{
	int64_t node = member_tree_find(&z->as.tree, path, len);
	if (node < 0)
		return -ENOENT;
	if (z->as.tree.nodes[node].is_dir)
		return -EINVAL;
	const struct zip_member *m = &z->members[z->as.tree.nodes[node].member];
	uint8_t head[ZIP_LOCAL_HEADER_SIZE];
	struct zip_local l;
	struct arc_problem p;
	ssize_t got = archive_part_pread(&z->as.part, head, sizeof head, m->local_offset);
	if (got < 0)
		return (int)got;
	if (zip_local_parse(head, (size_t)got, m->local_offset, &l, &p) != 0 ||
	    l.method != m->method || l.data_offset > z->data_limit ||
	    m->comp_size > z->data_limit - l.data_offset)
		return -EIO; /* the directory and the member disagree: serve nothing */
	*out = m;
	*data_offset = l.data_offset;
	return 0;
}

/* A small deflated member, inflated whole and checked against its CRC-32
 * (a corrupt one fails to open with -EIO). 0 or a negative errno. */
static int open_whole(struct zip_part *z, const struct zip_member *m, uint64_t data_offset,
                      struct source_file *f)
{
	struct zip_open *o = calloc(1, sizeof *o);
	unsigned char *comp = malloc(m->comp_size ? m->comp_size : 1);
	if (o)
		o->whole = malloc(m->size ? m->size : 1);
	int rc = o && comp && o->whole ? 0 : -ENOMEM;
	if (rc == 0) {
		ssize_t got = archive_part_pread(&z->as.part, comp, m->comp_size, data_offset);
		rc = got < 0 ? (int)got : (uint64_t)got != m->comp_size ? -EIO : 0;
	}
	if (rc == 0)
		rc = inflate_whole(comp, m->comp_size, o->whole, m->size, m->crc);
	free(comp);
	if (rc != 0) {
		if (o)
			free(o->whole);
		free(o);
		return rc == -EINVAL ? -EIO : rc;
	}
	o->size = m->size;
	pthread_mutex_init(&o->lock, NULL); /* unused, but zip_close destroys it */
	f->fd = -1;
	f->priv = o;
	return 0;
}

static int open_member(struct archive_source *a, const char *path, size_t len,
                       struct source_file *f)
{
	struct zip_part *z = (struct zip_part *)a;
	const struct zip_member *m;
	uint64_t data_offset;
	int rc = find_member(z, path, len, &m, &data_offset);
	if (rc != 0)
		return rc;
	f->facts = archive_part_member_facts(&z->as.part, m->size, m->mtime_ns,
	                                     (uint64_t)(m - z->members));
	f->passthrough = false;
	f->crc_known = true;
	f->crc = m->crc;
	if (m->method == ZIP_METHOD_STORED) {
		if (m->comp_size != m->size)
			return -EIO;
		f->fd = z->as.part.fd; /* shared: zip_close leaves it open */
		f->base = data_offset;
		return 0;
	}
	if (m->comp_size <= WHOLE_MAX && m->size <= WHOLE_MAX)
		return open_whole(z, m, data_offset, f);
	struct zip_open *o = calloc(1, sizeof *o);
	if (!o)
		return -ENOMEM;
	o->stream = (struct archive_stream){&z->as.part, data_offset, m->comp_size};
	o->idx = inflate_index_single(m->comp_size, m->size, m->crc);
	uint64_t stream_id = hash_mix64(z->as.part.ident ^ data_offset);
	o->reader = o->idx ? inflate_reader_new(o->idx, archive_stream_read, &o->stream,
	                                        z->as.part.cache, stream_id)
	                   : NULL;
	if (!o->reader) {
		inflate_index_free(o->idx);
		free(o);
		return -ENOMEM;
	}
	pthread_mutex_init(&o->lock, NULL);
	f->fd = -1;
	f->priv = o;
	return 0;
}

static ssize_t zip_pread(const struct source_file *f, void *buf, size_t len, uint64_t off)
{
	struct zip_open *o = f->priv;
	if (!o->reader) { /* a whole member: its bytes never change, no lock needed */
		if (off >= o->size)
			return 0;
		size_t n = o->size - off < len ? (size_t)(o->size - off) : len;
		memcpy(buf, o->whole + off, n);
		return (ssize_t)n;
	}
	pthread_mutex_lock(&o->lock);
	ssize_t n = inflate_reader_read(o->reader, buf, len, off);
	pthread_mutex_unlock(&o->lock);
	return n;
}

static void zip_close(struct source_file *f)
{
	struct zip_open *o = f->priv;
	if (o) {
		pthread_mutex_destroy(&o->lock);
		inflate_reader_free(o->reader);
		inflate_index_free(o->idx);
		free(o->whole);
		free(o);
	}
	f->priv = NULL; /* a stored member's fd is the part's own */
}

static const struct source_ops ZIP_OPS = {
    .free = zip_free,
    .dir_root = archive_dir_root,
    .dir_open = archive_dir_open,
    .dir_close = archive_dir_close,
    .dir_list = archive_dir_list,
    .reader_new = archive_reader_new,
    .reader_free = archive_reader_free,
    .open_in = archive_open_in,
    .stat_in = archive_stat_in,
    .open_path = archive_open_path,
    .pread = zip_pread,
    .close = zip_close,
};
