/* Fuzz target: the parser of the member-table blob of a tar or tgz part
 * (source/part_table.h), which comes back from the store untrusted. The
 * input is parsed as it is, then again with its trailing checksum made right
 * so that damaged content gets past the checksum. An accepted table must
 * hold only clean member paths inside its stream, and must serialize to the
 * very bytes it was parsed from. Seeds are tables of small tar streams. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archive/inflate_index.h"
#include "archive/member_path.h"
#include "source/part_table.h"

/* Stays on in release builds (NDEBUG): a broken promise is a crash. */
#define REQUIRE(c) ((c) ? (void)0 : abort())

static struct member_path clean;

static void check_table(const uint8_t *data, size_t size)
{
	struct arc_problem p;
	struct part_table t;
	if (part_table_parse(data, size, &t) == 0) {
		for (size_t i = 0; i < t.n_members; i++) {
			const struct part_member *m = &t.members[i];
			const char *path = part_table_text(&t, m->path_at);
			REQUIRE(m->offset <= t.stream_size && m->size <= t.stream_size - m->offset);
			REQUIRE(strlen(path) == m->path_len);
			REQUIRE(member_path_clean(path, m->path_len, &clean, &p) == 0);
			REQUIRE(clean.len == m->path_len &&
			        memcmp(clean.path, path, clean.len) == 0);
		}
		unsigned char *again;
		size_t len;
		REQUIRE(part_table_serialize(&t, &again, &len) == 0);
		REQUIRE(len == size && memcmp(again, data, size) == 0);
		free(again);
		struct inflate_index *idx;
		if (t.index_len && inflate_index_parse(t.index_blob, t.index_len, &idx) == 0)
			inflate_index_free(idx);
	}
	part_table_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_table(data, size);
	if (size < 8)
		return 0;
	uint8_t *fixed = malloc(size);
	if (!fixed)
		return 0;
	memcpy(fixed, data, size);
	uint32_t crc = inflate_crc32(0, fixed, size - 4);
	for (int i = 0; i < 4; i++)
		fixed[size - 4 + i] = (uint8_t)(crc >> (8 * i));
	check_table(fixed, size);
	free(fixed);
	return 0;
}
