/* The member table of a tar or tgz part and its blob (source/part_table.h). */
#include "source/part_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "archive/inflate_index.h"
#include "archive/member_path.h"

#define MAGIC        "TFPT"
#define HEAD_SIZE    40
#define MEMBER_FIXED 44
#define TEXT_MAX     0xffff

void part_table_free(struct part_table *t)
{
	free(t->members);
	free(t->problems);
	textbuf_free(&t->names);
	free(t->index_blob);
	*t = (struct part_table){0};
}

/* s[0..len) and a NUL into names; *at is where. 0 or -ENOMEM. */
static int add_text(struct part_table *t, const char *s, size_t len, size_t *at)
{
	size_t end;
	if (textbuf_add(&t->names, s, len, at) != 0 || textbuf_add(&t->names, "", 1, &end) != 0)
		return -ENOMEM;
	return 0;
}

int part_table_add_member(struct part_table *t, const struct part_member *m, const char *path,
                          size_t path_len)
{
	if (path_len >= MEMBER_PATH_MAX)
		return -EINVAL;
	if (grow_array((void **)&t->members, &t->members_cap, t->n_members + 1,
	               sizeof *t->members) != 0)
		return -ENOMEM;
	struct part_member *dst = &t->members[t->n_members];
	*dst = *m;
	dst->path_len = (uint16_t)path_len;
	if (add_text(t, path, path_len, &dst->path_at) != 0)
		return -ENOMEM;
	t->n_members++;
	return 0;
}

int part_table_add_problem(struct part_table *t, const char *path, const char *what)
{
	if (grow_array((void **)&t->problems, &t->problems_cap, t->n_problems + 1,
	               sizeof *t->problems) != 0)
		return -ENOMEM;
	struct part_problem *p = &t->problems[t->n_problems];
	size_t plen = strnlen(path, TEXT_MAX), wlen = strnlen(what, TEXT_MAX);
	if (add_text(t, path, plen, &p->path_at) != 0 || add_text(t, what, wlen, &p->what_at) != 0)
		return -ENOMEM;
	t->n_problems++;
	return 0;
}

/* --- writing --- */

struct out {
	unsigned char *p;
	size_t len;
};

static void put(struct out *o, const void *s, size_t n)
{
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void put_le(struct out *o, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		o->p[o->len++] = (unsigned char)(v >> (8 * i));
}

int part_table_serialize(const struct part_table *t, unsigned char **blob, size_t *len)
{
	size_t size = HEAD_SIZE + 8 + t->index_len + 4;
	for (size_t i = 0; i < t->n_members; i++)
		size += MEMBER_FIXED + t->members[i].path_len;
	for (size_t i = 0; i < t->n_problems; i++)
		size += 4 + strlen(part_table_text(t, t->problems[i].path_at)) +
		        strlen(part_table_text(t, t->problems[i].what_at));
	struct out o = {malloc(size), 0};
	if (!o.p)
		return -ENOMEM;
	put(&o, MAGIC, 4);
	put_le(&o, PART_TABLE_VERSION, 1);
	put_le(&o, t->gzip, 1);
	put_le(&o, 0, 2);
	put_le(&o, t->part_size, 8);
	put_le(&o, t->stream_size, 8);
	put_le(&o, t->n_members, 4);
	put_le(&o, t->n_problems, 4);
	put_le(&o, 0, 8); /* reserved */
	for (size_t i = 0; i < t->n_members; i++) {
		const struct part_member *m = &t->members[i];
		put_le(&o, m->offset, 8);
		put_le(&o, m->size, 8);
		put_le(&o, (uint64_t)m->mtime_ns, 8);
		put_le(&o, m->mode, 4);
		put_le(&o, m->crc, 4);
		put_le(&o, m->is_dir, 1);
		put_le(&o, 0, 1);
		put_le(&o, m->path_len, 2);
		put(&o, part_table_text(t, m->path_at), m->path_len);
	}
	for (size_t i = 0; i < t->n_problems; i++) {
		for (int k = 0; k < 2; k++) {
			const char *s =
			    part_table_text(t, k ? t->problems[i].what_at : t->problems[i].path_at);
			size_t n = strlen(s);
			put_le(&o, n, 2);
			put(&o, s, n);
		}
	}
	put_le(&o, t->index_len, 8);
	if (t->index_len)
		put(&o, t->index_blob, t->index_len);
	put_le(&o, inflate_crc32(0, o.p, o.len), 4);
	*blob = o.p;
	*len = o.len;
	return 0;
}

/* --- reading --- */

struct in {
	const unsigned char *p;
	size_t len, at;
	bool bad;
};

static uint64_t get_le(struct in *in, int bytes)
{
	if (in->bad || in->len - in->at < (size_t)bytes) {
		in->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)in->p[in->at + i] << (8 * i);
	in->at += (size_t)bytes;
	return v;
}

static const char *get_bytes(struct in *in, size_t n)
{
	if (in->bad || in->len - in->at < n) {
		in->bad = true;
		return NULL;
	}
	const char *s = (const char *)in->p + in->at;
	in->at += n;
	return s;
}

/* One member record: its path must be clean, its bytes inside the stream. */
static int parse_member(struct in *in, struct part_table *t)
{
	struct part_member m = {0};
	m.offset = get_le(in, 8);
	m.size = get_le(in, 8);
	m.mtime_ns = (int64_t)get_le(in, 8);
	m.mode = (uint32_t)get_le(in, 4);
	m.crc = (uint32_t)get_le(in, 4);
	uint64_t is_dir = get_le(in, 1), zero = get_le(in, 1);
	size_t path_len = (size_t)get_le(in, 2);
	const char *path = get_bytes(in, path_len);
	if (!path || is_dir > 1 || zero || m.mode > 07777 || m.offset > t->stream_size ||
	    m.size > t->stream_size - m.offset || (is_dir && m.size))
		return -EINVAL;
	m.is_dir = is_dir;
	struct member_path *clean = malloc(sizeof *clean);
	if (!clean)
		return -ENOMEM;
	struct arc_problem p;
	int rc = member_path_clean(path, path_len, clean, &p) != 0 || clean->len != path_len ||
	                 memcmp(clean->path, path, path_len) != 0
	             ? -EINVAL
	             : part_table_add_member(t, &m, path, path_len);
	free(clean);
	return rc;
}

/* One problem record: two texts without NUL. */
static int parse_problem(struct in *in, struct part_table *t)
{
	char text[2][TEXT_MAX + 1];
	for (int k = 0; k < 2; k++) {
		size_t n = (size_t)get_le(in, 2);
		const char *s = get_bytes(in, n);
		if (!s || memchr(s, '\0', n))
			return -EINVAL;
		memcpy(text[k], s, n);
		text[k][n] = '\0';
	}
	return part_table_add_problem(t, text[0], text[1]);
}

int part_table_parse(const unsigned char *blob, size_t len, struct part_table *t)
{
	*t = (struct part_table){0};
	if (len < HEAD_SIZE + 8 + 4 || memcmp(blob, MAGIC, 4) != 0)
		return -EINVAL;
	uint32_t want = 0;
	for (int i = 0; i < 4; i++)
		want |= (uint32_t)blob[len - 4 + i] << (8 * i);
	if (inflate_crc32(0, blob, len - 4) != want)
		return -EINVAL;
	struct in in = {blob, len - 4, 4, false};
	uint64_t version = get_le(&in, 1), gzip = get_le(&in, 1), zero = get_le(&in, 2);
	if (version != PART_TABLE_VERSION || gzip > 1 || zero)
		return -EINVAL;
	t->gzip = gzip;
	t->part_size = get_le(&in, 8);
	t->stream_size = get_le(&in, 8);
	uint64_t n_members = get_le(&in, 4), n_problems = get_le(&in, 4);
	if (get_le(&in, 8) != 0 || (!gzip && t->stream_size > t->part_size))
		return -EINVAL;
	/* Counts bounded by what the blob can hold, before anything is allocated. */
	if (n_members > (len - in.at) / MEMBER_FIXED || n_problems > (len - in.at) / 4)
		return -EINVAL;
	int rc = 0;
	for (uint64_t i = 0; rc == 0 && i < n_members; i++)
		rc = parse_member(&in, t);
	for (uint64_t i = 0; rc == 0 && i < n_problems; i++)
		rc = parse_problem(&in, t);
	if (rc != 0)
		return rc;
	uint64_t index_len = get_le(&in, 8);
	if (in.bad || index_len != in.len - in.at || (index_len && !gzip) ||
	    (gzip && !index_len && t->stream_size))
		return -EINVAL;
	if (index_len) {
		t->index_blob = malloc(index_len);
		if (!t->index_blob)
			return -ENOMEM;
		memcpy(t->index_blob, blob + in.at, index_len);
		t->index_len = index_len;
	}
	return 0;
}
