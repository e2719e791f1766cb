/* Fuzz target: locating a zip's central directory from its end records
 * (ZIP64 included) and iterating it, with each entry's local header parsed
 * and checked and its name passed through member_path_clean, as a backend
 * would. The input is the whole archive, read through read_at. */
#include <stdlib.h>
#include <string.h>

#include "archive/member_path.h"
#include "archive/zip.h"

static struct zip_entry entry;
static struct member_path path;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zip_mem m = {data, size};
	struct zip_end end;
	struct arc_problem p;
	if (zip_end_locate(zip_mem_read_at, &m, size, &end, &p) < 0)
		return 0;
	if (end.cd_offset + end.cd_size > size)
		abort(); /* the end record checks keep the directory inside the archive */
	struct zip_cd_iter it;
	zip_cd_begin(&it, data + end.cd_offset, (size_t)end.cd_size, &end);
	struct zip_span spans[64];
	size_t n = 0;
	while (zip_cd_next(&it, &entry, &p) == 1) {
		if (entry.name[entry.name_len] != '\0' || entry.name_len >= ZIP_NAME_CAP)
			abort();
		struct arc_problem pp;
		member_path_clean(entry.name, entry.name_len, &path, &pp);
		if (entry.problem.code != ARC_OK)
			continue;
		if (entry.local_offset + ZIP_LOCAL_HEADER_SIZE + entry.comp_size > end.cd_offset)
			abort(); /* an entry without a problem fits before the directory */
		struct zip_local l;
		size_t avail = size - (size_t)entry.local_offset;
		if (zip_local_parse(data + entry.local_offset, avail, entry.local_offset, &l,
		                    &pp) == 0 &&
		    zip_local_check(&l, &entry, end.cd_offset, &pp) == 0 && n < 64) {
			if (l.data_offset + entry.comp_size > size)
				abort();
			spans[n++] =
			    (struct zip_span){entry.local_offset, l.data_offset + entry.comp_size,
			                      entry.index, false};
		}
	}
	zip_spans_mark_overlaps(spans, n);
	return 0;
}
