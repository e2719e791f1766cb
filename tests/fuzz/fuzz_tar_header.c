/* Fuzz target: the tar header parser fed the input as a stream of 512-byte
 * blocks, skipping each member's data as a reader would. Checks the offsets
 * it reports against the blocks fed and the names' termination. */
#include <stdlib.h>
#include <string.h>

#include "archive/member_path.h"
#include "archive/tar.h"

static struct member_path path;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tar_parser tp;
	struct tar_member m;
	struct arc_problem p;
	tar_parser_init(&tp);
	uint64_t off = 0;
	enum tar_step step = TAR_NEED_MORE;
	while (off + TAR_BLOCK <= size) {
		if (tp.offset != off)
			abort();
		step = tar_parser_feed(&tp, data + off, &m, &p);
		off += TAR_BLOCK;
		if (step == TAR_MEMBER) {
			if (m.data_offset != off || m.skip % TAR_BLOCK != 0 || m.skip < m.size ||
			    m.name[m.name_len] != '\0' || m.link[m.link_len] != '\0' ||
			    m.header_offset >= m.data_offset)
				abort();
			member_path_clean(m.name, m.name_len, &path, &p);
			if (m.skip > size - off)
				break;
			off += m.skip;
		} else if (step != TAR_NEED_MORE) {
			if (tar_parser_feed(&tp, data, &m, &p) != step)
				abort();
			break;
		}
	}
	if (step != TAR_END)
		tar_parser_finish(&tp, &p);
	tar_parser_free(&tp);
	return 0;
}
