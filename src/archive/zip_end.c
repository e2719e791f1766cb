/* Locating a zip's central directory from its end: the end of central
 * directory record (searched backwards past a comment of up to 65,535
 * bytes), the ZIP64 locator just before it, and the ZIP64 end record.
 * Owns: the checks that the directory they point at lies inside the archive
 * and before the end records. Must not: read the directory itself. */
#include <stdlib.h>
#include <string.h>

#include "problem_set.h"
#include "zip_format.h"

/* Position in tail of the end record: the last signature whose record and
 * comment end exactly at the end of the tail, else the last one whose
 * comment fits (the archive then has trailing bytes). -1 when none. */
static long find_eocd(const uint8_t *tail, size_t len)
{
	long fallback = -1;
	if (len < ZIP_EOCD_SIZE)
		return -1;
	for (size_t i = len - ZIP_EOCD_SIZE + 1; i-- > 0;) {
		if (tail[i] != 0x50 || zip_le32(tail + i) != ZIP_SIG_EOCD)
			continue;
		size_t end = i + ZIP_EOCD_SIZE + zip_le16(tail + i + 20);
		if (end == len)
			return (long)i;
		if (end < len && fallback < 0)
			fallback = (long)i;
	}
	return fallback;
}

/* The checks both end records share: the directory lies before `before` and
 * can hold the entries claimed. */
static int check_directory_bounds(struct zip_end *end, uint64_t before, struct arc_problem *p)
{
	if (end->cd_offset > before || end->cd_size > before - end->cd_offset)
		return arc_fail(p, ARC_BAD_END,
		                "central directory (offset %llu, %llu bytes) runs past its end "
		                "record at %llu",
		                (unsigned long long)end->cd_offset,
		                (unsigned long long)end->cd_size, (unsigned long long)before);
	if (end->entries > end->cd_size / ZIP_CD_HEADER_SIZE)
		return arc_fail(
		    p, ARC_BAD_END,
		    "end record claims %llu entries, more than %llu directory bytes hold",
		    (unsigned long long)end->entries, (unsigned long long)end->cd_size);
	return 0;
}

int zip_end_find(const uint8_t *tail, size_t len, uint64_t archive_size, struct zip_end *end,
                 struct arc_problem *p)
{
	arc_problem_clear(p);
	*end = (struct zip_end){0};
	if (len > archive_size)
		return arc_fail(p, ARC_BAD_END, "tail longer than the archive");
	long at = find_eocd(tail, len);
	if (at < 0)
		return arc_fail(p, ARC_NO_END, "no end of central directory record");
	const uint8_t *r = tail + at;
	uint64_t tail_offset = archive_size - len;
	end->eocd_offset = tail_offset + (uint64_t)at;
	end->trailing = len - ((size_t)at + ZIP_EOCD_SIZE + zip_le16(r + 20));
	uint16_t disk = zip_le16(r + 4), cd_disk = zip_le16(r + 6);
	uint16_t disk_entries = zip_le16(r + 8);
	end->entries = zip_le16(r + 10);
	end->cd_size = zip_le32(r + 12);
	end->cd_offset = zip_le32(r + 16);
	if (at >= ZIP64_LOCATOR_SIZE && zip_le32(r - ZIP64_LOCATOR_SIZE) == ZIP_SIG_ZIP64_LOC) {
		const uint8_t *loc = r - ZIP64_LOCATOR_SIZE;
		uint32_t zip64_disk = zip_le32(loc + 4), disks = zip_le32(loc + 16);
		if (zip64_disk != 0 || disks > 1)
			return arc_fail(p, ARC_MULTIDISK, "archive spans %u disks", disks);
		end->zip64_offset = zip_le64(loc + 8);
		uint64_t loc_offset = end->eocd_offset - ZIP64_LOCATOR_SIZE;
		if (end->zip64_offset > loc_offset ||
		    loc_offset - end->zip64_offset < ZIP64_EOCD_SIZE)
			return arc_fail(p, ARC_BAD_END, "ZIP64 locator points at %llu, past itself",
			                (unsigned long long)end->zip64_offset);
		end->zip64_pending = true;
		return 0;
	}
	if (disk != 0 || cd_disk != 0)
		return arc_fail(p, ARC_MULTIDISK, "archive spans several disks (this is disk %u)",
		                disk);
	if (disk_entries != end->entries)
		return arc_fail(p, ARC_BAD_END, "end record counts %u entries here, %llu in all",
		                disk_entries, (unsigned long long)end->entries);
	return check_directory_bounds(end, end->eocd_offset, p);
}

int zip_end_read64(const uint8_t *rec, size_t len, uint64_t archive_size, struct zip_end *end,
                   struct arc_problem *p)
{
	arc_problem_clear(p);
	if (len < ZIP64_EOCD_SIZE)
		return arc_fail(p, ARC_TRUNCATED, "ZIP64 end record cut short");
	if (zip_le32(rec) != ZIP_SIG_ZIP64_EOCD)
		return arc_fail(p, ARC_BAD_SIGNATURE, "no ZIP64 end record at %llu",
		                (unsigned long long)end->zip64_offset);
	if (end->zip64_offset > archive_size)
		return arc_fail(p, ARC_BAD_END, "ZIP64 end record beyond the archive");
	if (zip_le64(rec + 4) < ZIP64_EOCD_SIZE - 12)
		return arc_fail(p, ARC_BAD_END, "ZIP64 end record too short");
	if (zip_le32(rec + 16) != 0 || zip_le32(rec + 20) != 0)
		return arc_fail(p, ARC_MULTIDISK, "archive spans several disks");
	uint64_t disk_entries = zip_le64(rec + 24);
	end->entries = zip_le64(rec + 32);
	end->cd_size = zip_le64(rec + 40);
	end->cd_offset = zip_le64(rec + 48);
	end->zip64 = true;
	end->zip64_pending = false;
	if (disk_entries != end->entries)
		return arc_fail(p, ARC_BAD_END,
		                "ZIP64 end record counts %llu entries here, %llu in all",
		                (unsigned long long)disk_entries, (unsigned long long)end->entries);
	return check_directory_bounds(end, end->zip64_offset, p);
}

/* Reads exactly len bytes at off. 0, or -1 with *p. */
static int read_exactly(zip_read_at_fn read_at, void *ctx, void *buf, size_t len, uint64_t off,
                        struct arc_problem *p)
{
	ssize_t n = read_at(ctx, buf, len, off);
	if (n < 0)
		return arc_fail(p, ARC_IO, "read of %zu bytes at %llu failed", len,
		                (unsigned long long)off);
	if ((size_t)n != len)
		return arc_fail(p, ARC_TRUNCATED, "archive ends before %llu",
		                (unsigned long long)(off + len));
	return 0;
}

int zip_end_locate(zip_read_at_fn read_at, void *ctx, uint64_t archive_size, struct zip_end *end,
                   struct arc_problem *p)
{
	arc_problem_clear(p);
	*end = (struct zip_end){0};
	size_t len = archive_size < ZIP_TAIL_MAX ? (size_t)archive_size : ZIP_TAIL_MAX;
	uint8_t *tail = malloc(len ? len : 1);
	if (tail == NULL)
		return arc_fail(p, ARC_NOMEM, "out of memory");
	int rc = read_exactly(read_at, ctx, tail, len, archive_size - len, p);
	if (rc == 0)
		rc = zip_end_find(tail, len, archive_size, end, p);
	free(tail);
	if (rc == 0 && end->zip64_pending) {
		uint8_t rec[ZIP64_EOCD_SIZE];
		rc = read_exactly(read_at, ctx, rec, sizeof rec, end->zip64_offset, p);
		if (rc == 0)
			rc = zip_end_read64(rec, sizeof rec, archive_size, end, p);
	}
	return rc;
}

ssize_t zip_mem_read_at(void *ctx, void *buf, size_t len, uint64_t off)
{
	const struct zip_mem *m = ctx;
	if (off >= m->len)
		return 0;
	size_t n = m->len - off < len ? (size_t)(m->len - off) : len;
	memcpy(buf, m->p + off, n);
	return (ssize_t)n;
}
