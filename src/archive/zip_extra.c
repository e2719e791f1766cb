/* Zip extra fields and the per-member facts they refine: ZIP64 sizes and
 * offsets (0x0001), the extended timestamp (0x5455), and the DOS time fields.
 * Owns: walking an extra block within its bounds. Must not: trust a record
 * length (every one is checked against the block's end). */
#include "problem_set.h"
#include "util/civil.h"
#include "zip_format.h"

bool zip_extra_find(const uint8_t *extra, size_t len, uint16_t id, const uint8_t **data,
                    size_t *data_len)
{
	size_t i = 0;
	while (len - i >= 4) {
		uint16_t rec_id = zip_le16(extra + i);
		size_t rec_len = zip_le16(extra + i + 2);
		if (rec_len > len - i - 4)
			return false;
		if (rec_id == id) {
			*data = extra + i + 4;
			*data_len = rec_len;
			return true;
		}
		i += 4 + rec_len;
	}
	return false;
}

int zip_apply_zip64(const uint8_t *extra, size_t len, uint64_t *size, uint64_t *comp_size,
                    uint64_t *local_offset, struct arc_problem *problem)
{
	const uint32_t sat = 0xFFFFFFFFu;
	bool need_size = *size == sat, need_comp = *comp_size == sat;
	bool need_off = local_offset != NULL && *local_offset == sat;
	const uint8_t *d;
	size_t n;
	bool found = zip_extra_find(extra, len, ZIP_EXTRA_ZIP64, &d, &n);
	if (!need_size && !need_comp && !need_off)
		return 0;
	if (!found) {
		arc_note(problem, ARC_BAD_EXTRA,
		         "sizes or offset are 0xFFFFFFFF without a ZIP64 extra");
		return arc_errno(ARC_BAD_EXTRA);
	}
	/* A local header's ZIP64 extra holds both sizes whenever it is needed. */
	if (local_offset == NULL && n >= 16) {
		need_size = need_comp = true;
	}
	size_t at = 0;
	uint64_t *fields[3] = {need_size ? size : NULL, need_comp ? comp_size : NULL,
	                       need_off ? local_offset : NULL};
	for (int i = 0; i < 3; i++) {
		if (fields[i] == NULL)
			continue;
		if (n - at < 8) {
			arc_note(problem, ARC_BAD_EXTRA, "ZIP64 extra too short for its fields");
			return arc_errno(ARC_BAD_EXTRA);
		}
		*fields[i] = zip_le64(d + at);
		at += 8;
	}
	return 0;
}

void zip_decode_times(uint16_t dos_time, uint16_t dos_date, const uint8_t *extra, size_t extra_len,
                      struct zip_entry *e)
{
	e->dos_time.year = 1980 + (dos_date >> 9);
	e->dos_time.month = dos_date >> 5 & 0x0F;
	e->dos_time.day = dos_date & 0x1F;
	e->dos_time.hour = dos_time >> 11;
	e->dos_time.minute = dos_time >> 5 & 0x3F;
	e->dos_time.second = (dos_time & 0x1F) * 2;
	const uint8_t *d;
	size_t n;
	e->has_unix_mtime = false;
	e->mtime_unix = 0;
	/* Flags byte, then the times it announces; bit 0 is the mtime, first. */
	if (zip_extra_find(extra, extra_len, ZIP_EXTRA_TIMESTAMP, &d, &n) && n >= 5 && d[0] & 1) {
		e->has_unix_mtime = true;
		e->mtime_unix = (int32_t)zip_le32(d + 1);
	}
}

int64_t zip_dos_time_as_utc(const struct zip_dos_time *t)
{
	int month = t->month < 1 ? 1 : t->month > 12 ? 12 : t->month;
	int day = t->day < 1 ? 1 : t->day;
	int64_t days = civil_days_from_date(t->year, month, day);
	return days * 86400 + (int64_t)t->hour * 3600 + (int64_t)t->minute * 60 + t->second;
}

void zip_check_method(struct zip_entry *e)
{
	if (e->flags & ZIP_FLAG_ENCRYPTED)
		arc_note(&e->problem, ARC_ENCRYPTED, "encrypted member");
	if (e->method != ZIP_METHOD_STORED && e->method != ZIP_METHOD_DEFLATE)
		arc_note(&e->problem, ARC_UNSUPPORTED_METHOD,
		         "compression method %u (only stored and deflate are read)", e->method);
}
