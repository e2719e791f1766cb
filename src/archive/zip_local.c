/* A zip member's local header: where its data starts (the local name and
 * extra lengths may differ from the central directory's), and whether it
 * agrees with the directory entry; plus overlap detection between members.
 * Owns: the local header layout. Must not: read past the buffer given. */
#include <stdlib.h>
#include <string.h>

#include "problem_set.h"
#include "zip_format.h"

int zip_local_parse(const uint8_t *buf, size_t len, uint64_t header_offset, struct zip_local *l,
                    struct arc_problem *p)
{
	arc_problem_clear(p);
	*l = (struct zip_local){0};
	if (len < ZIP_LOCAL_HEADER_SIZE)
		return arc_fail(p, ARC_TRUNCATED, "local header at %llu cut short",
		                (unsigned long long)header_offset);
	if (zip_le32(buf) != ZIP_SIG_LOCAL)
		return arc_fail(p, ARC_BAD_SIGNATURE, "no local header at %llu",
		                (unsigned long long)header_offset);
	l->version_needed = zip_le16(buf + 4);
	l->flags = zip_le16(buf + 6);
	l->method = zip_le16(buf + 8);
	l->crc32 = zip_le32(buf + 14);
	l->comp_size = zip_le32(buf + 18);
	l->size = zip_le32(buf + 22);
	l->name_len = zip_le16(buf + 26);
	l->extra_len = zip_le16(buf + 28);
	if (header_offset > UINT64_MAX - ZIP_LOCAL_HEADER_MAX)
		return arc_fail(p, ARC_OUT_OF_BOUNDS, "local header offset out of range");
	l->data_offset = header_offset + ZIP_LOCAL_HEADER_SIZE + l->name_len + l->extra_len;
	if (len - ZIP_LOCAL_HEADER_SIZE >= l->name_len + l->extra_len) {
		const uint8_t *extra = buf + ZIP_LOCAL_HEADER_SIZE + l->name_len;
		const uint8_t *d;
		size_t n;
		l->name = buf + ZIP_LOCAL_HEADER_SIZE;
		struct arc_problem ignored = {0};
		/* Sizes only matter here without a directory (the walk): there a
		 * missing or short ZIP64 extra leaves 0xFFFFFFFF and zip64 false,
		 * which the walk refuses. */
		l->zip64 = zip_extra_find(extra, l->extra_len, ZIP_EXTRA_ZIP64, &d, &n) &&
		           zip_apply_zip64(extra, l->extra_len, &l->size, &l->comp_size, NULL,
		                           &ignored) == 0;
	}
	return 0;
}

int zip_local_check(const struct zip_local *l, const struct zip_entry *e, uint64_t limit,
                    struct arc_problem *p)
{
	arc_problem_clear(p);
	if (l->method != e->method)
		return arc_fail(p, ARC_LOCAL_MISMATCH,
		                "local header says method %u, central directory %u", l->method,
		                e->method);
	if ((l->flags ^ e->flags) & ZIP_FLAG_ENCRYPTED)
		return arc_fail(p, ARC_LOCAL_MISMATCH,
		                "local header and central directory disagree on encryption");
	if (l->name != NULL && e->raw_name != NULL &&
	    (l->name_len != e->raw_name_len || memcmp(l->name, e->raw_name, l->name_len) != 0))
		return arc_fail(p, ARC_LOCAL_MISMATCH,
		                "local header names another member than the central directory");
	if (l->data_offset > limit || e->comp_size > limit - l->data_offset)
		return arc_fail(p, ARC_OUT_OF_BOUNDS,
		                "member data (%llu bytes at %llu) runs past %llu",
		                (unsigned long long)e->comp_size,
		                (unsigned long long)l->data_offset, (unsigned long long)limit);
	return 0;
}

static int span_cmp(const void *a, const void *b)
{
	const struct zip_span *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

size_t zip_spans_mark_overlaps(struct zip_span *spans, size_t n)
{
	size_t marked = 0;
	if (n == 0)
		return 0;
	qsort(spans, n, sizeof *spans, span_cmp);
	for (size_t i = 0; i < n; i++)
		spans[i].overlaps = false;
	/* Each span is compared with the one reaching furthest among those before it. */
	size_t reach = 0;
	for (size_t i = 1; i < n; i++) {
		if (spans[i].start < spans[reach].end && spans[i].end > spans[i].start &&
		    spans[reach].end > spans[reach].start) {
			marked += !spans[i].overlaps + !spans[reach].overlaps;
			spans[i].overlaps = spans[reach].overlaps = true;
		}
		if (spans[i].end > spans[reach].end)
			reach = i;
	}
	return marked;
}
