/* Fuzz target: the local-header walk (for zips without end records) over the
 * input through read_at, inflating bit-3 members to find their ends. Checks
 * that every yielded member lies inside the input, that the walk only moves
 * forward and that its end repeats. */
#include <stdlib.h>
#include <string.h>

#include "archive/member_path.h"
#include "archive/zip.h"

static struct zip_entry entry;
static struct member_path path;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zip_mem m = {data, size};
	struct zip_walk w;
	struct arc_problem p;
	if (zip_walk_begin(&w, zip_mem_read_at, &m, size, &p) < 0) {
		zip_walk_end(&w);
		return 0;
	}
	w.max_member_size = 64u << 20;
	uint64_t last = 0;
	int rc;
	while ((rc = zip_walk_next(&w, &entry)) == 1) {
		if (entry.data_offset + entry.comp_size > size || entry.header_offset < last ||
		    w.pos <= entry.header_offset)
			abort();
		last = w.pos;
		if (entry.name[entry.name_len] != '\0')
			abort();
		member_path_clean(entry.name, entry.name_len, &path, &p);
	}
	if (zip_walk_next(&w, &entry) != rc || (rc == 0) != (w.stop.code == ARC_OK))
		abort();
	zip_walk_end(&w);
	return 0;
}
