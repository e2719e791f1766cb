/* Iterating a zip central directory held in memory: one header after the
 * other, each checked against the directory's bounds, its extra fields
 * applied, its name decoded, its attributes read.
 * Owns: the central header layout and the per-entry checks. Must not: read
 * anything outside the buffer it is given. */
#include <string.h>
#include <sys/stat.h>

#include "problem_set.h"
#include "zip_format.h"

#define HOST_UNIX          3
#define HOST_OSX           19
#define DOS_ATTR_DIRECTORY 0x10

void zip_cd_begin(struct zip_cd_iter *it, const uint8_t *cd, size_t len, const struct zip_end *end)
{
	*it = (struct zip_cd_iter){
	    .cd = cd, .len = len, .cd_offset = end->cd_offset, .expected = end->entries};
	arc_problem_clear(&it->end_problem);
}

/* Ends the iteration with rc (and problem when rc < 0). */
static int finish(struct zip_cd_iter *it, int rc, struct arc_problem *p)
{
	it->done = true;
	it->end_rc = rc;
	if (p != NULL)
		*p = it->end_problem;
	return rc;
}

static void decode_attributes(struct zip_entry *e)
{
	unsigned host = e->version_made_by >> 8;
	e->unix_mode = host == HOST_UNIX || host == HOST_OSX ? e->external_attr >> 16 : 0;
	e->is_symlink = e->unix_mode != 0 && S_ISLNK(e->unix_mode);
	e->is_dir = (e->name_len > 0 && e->name[e->name_len - 1] == '/') ||
	            (e->unix_mode != 0 && S_ISDIR(e->unix_mode)) ||
	            (e->unix_mode == 0 && e->external_attr & DOS_ATTR_DIRECTORY);
}

/* Fills *e from the header at h (whose name, extra and comment lie inside the
 * buffer: the caller checked), and notes its member-level problems. */
static void read_header(const struct zip_cd_iter *it, const uint8_t *h, struct zip_entry *e)
{
	size_t name_len = zip_le16(h + 28), extra_len = zip_le16(h + 30);
	const uint8_t *extra = h + ZIP_CD_HEADER_SIZE + name_len;
	arc_problem_clear(&e->problem);
	e->index = it->index;
	e->header_offset = it->cd_offset + it->pos;
	e->version_made_by = zip_le16(h + 4);
	e->version_needed = zip_le16(h + 6);
	e->flags = zip_le16(h + 8);
	e->method = zip_le16(h + 10);
	e->crc32 = zip_le32(h + 16);
	e->comp_size = zip_le32(h + 20);
	e->size = zip_le32(h + 24);
	e->external_attr = zip_le32(h + 38);
	e->local_offset = zip_le32(h + 42);
	e->data_offset = 0;
	e->raw_name = h + ZIP_CD_HEADER_SIZE;
	e->raw_name_len = name_len;
	zip_decode_name(e->raw_name, name_len, e->flags, extra, extra_len, e);
	zip_decode_times(zip_le16(h + 12), zip_le16(h + 14), extra, extra_len, e);
	decode_attributes(e);
	zip_apply_zip64(extra, extra_len, &e->size, &e->comp_size, &e->local_offset, &e->problem);
	zip_check_method(e);
	/* The local header (at least its fixed part) and the data must fit
	 * before the directory. */
	uint64_t room = it->cd_offset;
	if (e->local_offset > room || room - e->local_offset < ZIP_LOCAL_HEADER_SIZE ||
	    e->comp_size > room - e->local_offset - ZIP_LOCAL_HEADER_SIZE)
		arc_note(&e->problem, ARC_OUT_OF_BOUNDS,
		         "member data (header at %llu, %llu bytes) does not fit before the "
		         "central directory at %llu",
		         (unsigned long long)e->local_offset, (unsigned long long)e->comp_size,
		         (unsigned long long)room);
	if (e->method == ZIP_METHOD_STORED && !(e->flags & ZIP_FLAG_ENCRYPTED) &&
	    e->comp_size != e->size)
		arc_note(&e->problem, ARC_BAD_HEADER,
		         "stored member with %llu bytes stored for %llu bytes of content",
		         (unsigned long long)e->comp_size, (unsigned long long)e->size);
}

int zip_cd_next(struct zip_cd_iter *it, struct zip_entry *e, struct arc_problem *p)
{
	if (it->done) {
		if (p != NULL)
			*p = it->end_problem;
		return it->end_rc;
	}
	if (p != NULL)
		arc_problem_clear(p);
	if (it->pos == it->len) {
		if (it->index == it->expected)
			return finish(it, 0, p);
		arc_fail(&it->end_problem, ARC_COUNT_MISMATCH,
		         "central directory holds %llu entries, its end record says %llu",
		         (unsigned long long)it->index, (unsigned long long)it->expected);
		return finish(it, arc_errno(it->end_problem.code), p);
	}
	size_t left = it->len - it->pos;
	const uint8_t *h = it->cd + it->pos;
	if (left < 4 || zip_le32(h) != ZIP_SIG_CENTRAL) {
		arc_fail(&it->end_problem, left < 4 ? ARC_TRUNCATED : ARC_BAD_SIGNATURE,
		         "no central directory header at %llu (entry %llu)",
		         (unsigned long long)(it->cd_offset + it->pos),
		         (unsigned long long)it->index);
		return finish(it, arc_errno(it->end_problem.code), p);
	}
	size_t whole = left < ZIP_CD_HEADER_SIZE ? SIZE_MAX
	                                         : ZIP_CD_HEADER_SIZE + (size_t)zip_le16(h + 28) +
	                                               zip_le16(h + 30) + zip_le16(h + 32);
	if (whole > left) {
		arc_fail(&it->end_problem, ARC_TRUNCATED,
		         "central directory header at %llu runs past the directory's end",
		         (unsigned long long)(it->cd_offset + it->pos));
		return finish(it, arc_errno(it->end_problem.code), p);
	}
	read_header(it, h, e);
	it->pos += whole;
	it->index++;
	return 1;
}
