/* Walking a zip's local headers front to back, for an archive whose end
 * records are missing or unusable (a download cut short): each member is
 * yielded once its header and data are all present. A member with a data
 * descriptor (flag bit 3) has no sizes in its header: its end is found by
 * inflating it (deflate) or by finding the descriptor signature whose CRC and
 * size agree with the bytes before it (stored).
 * Owns: the walk's buffers and its one zlib inflater. Must not: read more
 * than ZIP_WALK_CHUNK bytes at once, inflate beyond max_member_size, or go
 * backwards (every step moves forward, so no input can make it loop). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "problem_set.h"
#include "zip_format.h"

#define ZIP_WALK_CHUNK       (64 * 1024)
#define ZIP_WALK_DEFAULT_MAX (1ull << 40)
#define DESCRIPTOR_MAX       24
#define SIG_SPLIT_MARKER     0x30304b50u /* "PK00": a single-segment split archive */

struct zip_walk_buffers {
	uint8_t header[ZIP_LOCAL_HEADER_MAX];
	uint8_t in[ZIP_WALK_CHUNK];
	uint8_t out[ZIP_WALK_CHUNK];
	z_stream zs;
	bool zs_ready;
};

int zip_walk_begin(struct zip_walk *w, zip_read_at_fn read_at, void *ctx, uint64_t archive_size,
                   struct arc_problem *p)
{
	*w = (struct zip_walk){.read_at = read_at,
	                       .ctx = ctx,
	                       .archive_size = archive_size,
	                       .max_member_size = ZIP_WALK_DEFAULT_MAX};
	arc_problem_clear(&w->stop);
	arc_problem_clear(p);
	/* Not zeroed: the buffers are written before they are read. */
	w->buf = malloc(sizeof *w->buf);
	if (w->buf == NULL)
		return arc_fail(p, ARC_NOMEM, "out of memory");
	w->buf->zs = (z_stream){0};
	w->buf->zs_ready = false;
	if (inflateInit2(&w->buf->zs, -MAX_WBITS) != Z_OK)
		return arc_fail(p, ARC_NOMEM, "zlib inflater could not start");
	w->buf->zs_ready = true;
	return 0;
}

void zip_walk_end(struct zip_walk *w)
{
	if (w->buf != NULL && w->buf->zs_ready)
		inflateEnd(&w->buf->zs);
	free(w->buf);
	w->buf = NULL;
}

/* Ends the walk with rc and the problem already in w->stop. */
static int stop_walk(struct zip_walk *w, int rc)
{
	w->done = true;
	w->end_rc = rc;
	return rc;
}

/* Ends the walk at the problem w->stop holds: its negative errno. */
static int stop_walk_failed(struct zip_walk *w)
{
	return stop_walk(w, arc_errno(w->stop.code));
}

/* Reads up to len bytes at off (fewer only at the archive's end): the count,
 * or a negative errno with w->stop set. */
static ssize_t read_some(struct zip_walk *w, void *buf, size_t len, uint64_t off)
{
	if (off >= w->archive_size)
		return 0;
	if (len > w->archive_size - off)
		len = (size_t)(w->archive_size - off);
	ssize_t n = w->read_at(w->ctx, buf, len, off);
	if (n < 0 || (size_t)n > len)
		return arc_fail(&w->stop, ARC_IO, "read at %llu failed", (unsigned long long)off);
	return n;
}

/* Inflates the deflate stream at off to its end: its compressed and
 * uncompressed lengths and the CRC-32 of its content. 0, or a negative errno with w->stop. */
static int measure_deflate(struct zip_walk *w, const struct zip_entry *e, uint64_t off,
                           uint64_t *comp, uint64_t *size, uint32_t *crc)
{
	z_stream *zs = &w->buf->zs;
	inflateReset(zs);
	uint64_t consumed = 0, produced = 0;
	uLong c = crc32_z(0, Z_NULL, 0);
	for (;;) {
		ssize_t n = read_some(w, w->buf->in, ZIP_WALK_CHUNK, off + consumed);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return arc_fail(&w->stop, ARC_TRUNCATED,
			                "archive ends inside member '%s' (deflate data from %llu)",
			                e->name, (unsigned long long)off);
		zs->next_in = w->buf->in;
		zs->avail_in = (uInt)n;
		int rc;
		do {
			zs->next_out = w->buf->out;
			zs->avail_out = ZIP_WALK_CHUNK;
			rc = inflate(zs, Z_NO_FLUSH);
			size_t got = ZIP_WALK_CHUNK - zs->avail_out;
			c = crc32_z(c, w->buf->out, got);
			produced += got;
			if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
				return arc_fail(&w->stop, ARC_BAD_DATA,
				                "member '%s': deflate data corrupt near %llu",
				                e->name, (unsigned long long)(off + consumed));
			if (produced > w->max_member_size)
				return arc_fail(&w->stop, ARC_TOO_BIG,
				                "member '%s' inflates beyond %llu bytes", e->name,
				                (unsigned long long)w->max_member_size);
		} while (rc == Z_OK && zs->avail_out == 0);
		consumed += (uint64_t)n - zs->avail_in;
		if (rc == Z_STREAM_END) {
			*comp = consumed;
			*size = produced;
			*crc = (uint32_t)c;
			return 0;
		}
	}
}

/* The data descriptor forms, by preference. */
struct descriptor_form {
	bool signature, wide;
};

/* Reads the data descriptor at off that agrees with the measured comp and
 * size: fills e's CRC and sizes, *len with its length. A descriptor whose
 * sizes agree but CRC does not marks e ARC_BAD_CRC. 0, or a negative errno with w->stop. */
static int read_descriptor(struct zip_walk *w, struct zip_entry *e, uint64_t off, bool zip64,
                           uint64_t comp, uint64_t size, uint32_t crc, uint64_t *len)
{
	uint8_t d[DESCRIPTOR_MAX];
	ssize_t n = read_some(w, d, sizeof d, off);
	if (n < 0)
		return (int)n;
	bool has_sig = n >= 4 && zip_le32(d) == ZIP_SIG_DESCRIPTOR;
	struct descriptor_form forms[2] = {{has_sig, zip64}, {has_sig, !zip64}};
	int sizes_only = -1;
	for (int i = 0; i < 2; i++) {
		size_t at = forms[i].signature ? 4 : 0;
		size_t need = at + 4 + (forms[i].wide ? 16 : 8);
		if ((size_t)n < need)
			continue;
		uint64_t c = forms[i].wide ? zip_le64(d + at + 4) : zip_le32(d + at + 4);
		uint64_t u = forms[i].wide ? zip_le64(d + at + 12) : zip_le32(d + at + 8);
		if (c != comp || u != size)
			continue;
		if (zip_le32(d + at) == crc) {
			*len = need;
			sizes_only = -1;
			break;
		}
		if (sizes_only < 0) {
			sizes_only = i;
			*len = need;
		}
	}
	if (sizes_only >= 0) {
		size_t at = has_sig ? 4 : 0;
		arc_note(&e->problem, ARC_BAD_CRC,
		         "member '%s': CRC-32 %08x of its data, %08x in its descriptor", e->name,
		         crc, zip_le32(d + at));
	} else if (*len == 0 && (size_t)n < sizeof d) {
		return arc_fail(&w->stop, ARC_TRUNCATED,
		                "archive ends inside the data descriptor of '%s'", e->name);
	} else if (*len == 0) {
		return arc_fail(&w->stop, ARC_BAD_DESCRIPTOR,
		                "member '%s': no data descriptor at %llu agrees with its data",
		                e->name, (unsigned long long)off);
	}
	e->crc32 = crc;
	e->comp_size = comp;
	e->size = size;
	return 0;
}

/* True when the descriptor at q (with signature) ends a stored member of
 * len bytes with CRC crc; *dlen is its length. */
static bool stored_descriptor_at(struct zip_walk *w, uint64_t q, uint64_t len, uint32_t crc,
                                 uint64_t *dlen)
{
	uint8_t d[DESCRIPTOR_MAX];
	ssize_t n = read_some(w, d, sizeof d, q);
	if (n < 16 || zip_le32(d) != ZIP_SIG_DESCRIPTOR || zip_le32(d + 4) != crc)
		return false;
	if (n >= 24 && zip_le64(d + 8) == len && zip_le64(d + 16) == len) {
		*dlen = 24;
		return true;
	}
	if (zip_le32(d + 8) == len && zip_le32(d + 12) == len) {
		*dlen = 16;
		return true;
	}
	return false;
}

/* Finds the end of a stored member with a descriptor starting at off: the
 * first descriptor signature whose CRC and sizes match the bytes before it. */
static int find_stored_end(struct zip_walk *w, struct zip_entry *e, uint64_t off, uint64_t *dlen)
{
	uint64_t cur = off; /* in[0] is the byte at cur; crc covers [off, cur) */
	uLong crc = crc32_z(0, Z_NULL, 0);
	for (;;) {
		ssize_t n = read_some(w, w->buf->in, ZIP_WALK_CHUNK, cur);
		if (n < 0)
			return (int)n;
		if (n < 16)
			return arc_fail(&w->stop, ARC_TRUNCATED,
			                "archive ends inside stored member '%s' (data from %llu)",
			                e->name, (unsigned long long)off);
		const uint8_t *b = w->buf->in;
		size_t done = 0; /* bytes of b already in crc */
		for (size_t j = 0; j + 4 <= (size_t)n; j++) {
			if (b[j] != 0x50 || zip_le32(b + j) != ZIP_SIG_DESCRIPTOR)
				continue;
			crc = crc32_z(crc, b + done, j - done);
			done = j;
			uint64_t len = cur + j - off;
			if (len > w->max_member_size)
				return arc_fail(&w->stop, ARC_TOO_BIG,
				                "member '%s' beyond %llu bytes", e->name,
				                (unsigned long long)w->max_member_size);
			if (stored_descriptor_at(w, cur + j, len, (uint32_t)crc, dlen)) {
				e->crc32 = (uint32_t)crc;
				e->comp_size = e->size = len;
				return 0;
			}
		}
		/* Keep the last 3 bytes: a signature may start there. */
		size_t keep = (size_t)n - 3;
		crc = crc32_z(crc, b + done, keep - done);
		cur += keep;
		if (cur - off > w->max_member_size)
			return arc_fail(&w->stop, ARC_TOO_BIG, "member '%s' beyond %llu bytes",
			                e->name, (unsigned long long)w->max_member_size);
	}
}

/* Fills *e from the local header at w->pos (already read into the header
 * buffer, hlen bytes) and returns its parsed form in *l. */
static void entry_from_local(struct zip_walk *w, const uint8_t *h, size_t hlen, struct zip_local *l,
                             struct zip_entry *e)
{
	struct arc_problem ignored;
	zip_local_parse(h, hlen, w->pos, l, &ignored);
	const uint8_t *extra = h + ZIP_LOCAL_HEADER_SIZE + l->name_len;
	memset(&e->dos_time, 0, sizeof e->dos_time);
	arc_problem_clear(&e->problem);
	e->index = w->index;
	e->header_offset = e->local_offset = w->pos;
	e->data_offset = l->data_offset;
	e->version_made_by = 0;
	e->version_needed = l->version_needed;
	e->flags = l->flags;
	e->method = l->method;
	e->crc32 = l->crc32;
	e->comp_size = l->comp_size;
	e->size = l->size;
	e->external_attr = e->unix_mode = 0;
	e->raw_name = l->name;
	e->raw_name_len = l->name_len;
	zip_decode_name(l->name, l->name_len, l->flags, extra, l->extra_len, e);
	zip_decode_times(zip_le16(h + 10), zip_le16(h + 12), extra, l->extra_len, e);
	e->is_dir = e->name_len > 0 && e->name[e->name_len - 1] == '/';
	e->is_symlink = false;
	zip_check_method(e);
}

/* Finds where a member with a data descriptor ends; sets w->pos past it. */
static int measure_with_descriptor(struct zip_walk *w, const struct zip_local *l,
                                   struct zip_entry *e)
{
	uint64_t comp = 0, size = 0, dlen = 0;
	uint32_t crc = 0;
	if (e->flags & ZIP_FLAG_ENCRYPTED)
		return arc_fail(&w->stop, ARC_ENCRYPTED,
		                "member '%s' is encrypted and has a data descriptor: its end "
		                "cannot be found",
		                e->name);
	if (e->method == ZIP_METHOD_DEFLATE) {
		int rc = measure_deflate(w, e, l->data_offset, &comp, &size, &crc);
		if (rc == 0)
			rc = read_descriptor(w, e, l->data_offset + comp, l->zip64, comp, size, crc,
			                     &dlen);
		if (rc < 0)
			return rc;
	} else if (e->method == ZIP_METHOD_STORED) {
		int rc = find_stored_end(w, e, l->data_offset, &dlen);
		if (rc < 0)
			return rc;
	} else {
		return arc_fail(&w->stop, ARC_UNSUPPORTED_METHOD,
		                "member '%s' uses method %u and has a data descriptor: its end "
		                "cannot be found",
		                e->name, e->method);
	}
	w->pos = l->data_offset + e->comp_size + dlen;
	return 0;
}

/* Sets w->pos past a member whose header gives its sizes. */
static int measure_from_header(struct zip_walk *w, const struct zip_local *l, struct zip_entry *e)
{
	if (l->comp_size == 0xFFFFFFFFu && !l->zip64)
		return arc_fail(&w->stop, ARC_BAD_EXTRA,
		                "member '%s': size 0xFFFFFFFF without a ZIP64 extra", e->name);
	uint64_t left = w->archive_size - l->data_offset;
	if (l->comp_size > left)
		return arc_fail(&w->stop, ARC_TRUNCATED,
		                "archive ends inside member '%s' (%llu of %llu bytes present)",
		                e->name, (unsigned long long)left,
		                (unsigned long long)l->comp_size);
	if (e->method == ZIP_METHOD_STORED && !(e->flags & ZIP_FLAG_ENCRYPTED) &&
	    e->comp_size != e->size)
		arc_note(&e->problem, ARC_BAD_HEADER, "stored member with differing sizes");
	w->pos = l->data_offset + l->comp_size;
	return 0;
}

int zip_walk_next(struct zip_walk *w, struct zip_entry *e)
{
	if (w->done)
		return w->end_rc;
	uint8_t *h = w->buf->header;
	ssize_t n = read_some(w, h, ZIP_LOCAL_HEADER_SIZE, w->pos);
	if (n < 0)
		return stop_walk_failed(w);
	uint32_t sig = n >= 4 ? zip_le32(h) : 0;
	if (w->pos == 0 && (sig == ZIP_SIG_DESCRIPTOR || sig == SIG_SPLIT_MARKER)) {
		w->pos = 4;
		return zip_walk_next(w, e);
	}
	if (sig == ZIP_SIG_CENTRAL || sig == ZIP_SIG_EOCD || sig == ZIP_SIG_ZIP64_EOCD)
		return stop_walk(w, 0);
	if (n < ZIP_LOCAL_HEADER_SIZE) {
		arc_fail(&w->stop, ARC_TRUNCATED,
		         n == 0 ? "archive ends after %llu members, with no central directory"
		                : "archive ends inside the local header after %llu members",
		         (unsigned long long)w->index);
		return stop_walk_failed(w);
	}
	if (sig != ZIP_SIG_LOCAL) {
		arc_fail(&w->stop, ARC_BAD_SIGNATURE,
		         "no local header at %llu (after %llu members)", (unsigned long long)w->pos,
		         (unsigned long long)w->index);
		return stop_walk_failed(w);
	}
	size_t hlen = ZIP_LOCAL_HEADER_SIZE + (size_t)zip_le16(h + 26) + zip_le16(h + 28);
	n = read_some(w, h, hlen, w->pos);
	if (n < 0)
		return stop_walk_failed(w);
	if ((size_t)n < hlen) {
		arc_fail(&w->stop, ARC_TRUNCATED, "archive ends inside the local header at %llu",
		         (unsigned long long)w->pos);
		return stop_walk_failed(w);
	}
	struct zip_local l;
	entry_from_local(w, h, hlen, &l, e);
	int rc = e->flags & ZIP_FLAG_DESCRIPTOR ? measure_with_descriptor(w, &l, e)
	                                        : measure_from_header(w, &l, e);
	if (rc < 0)
		return stop_walk_failed(w);
	w->index++;
	return 1;
}
