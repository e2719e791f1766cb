/* The member table of one tar or tgz part (private to source/): what the one
 * sequential pass over the part learns (each member's cleaned path, where its
 * bytes sit in the uncompressed tar stream, its size, mtime, mode and CRC-32,
 * the problems met) plus, for a tgz, the stream's seek points. It is kept in
 * the store as one versioned, checksummed blob, so that an unchanged part is
 * never decompressed again.
 * Owns: the table in memory and its blob format (parse rejects anything
 * malformed: a blob from the store is untrusted).
 * Must not: read the part, or know SQLite (store/archive_parts.h keeps the
 * blob's bytes).
 * Errors: 0, or a negative errno (-EINVAL malformed blob, -ENOMEM). */
#ifndef TFS_SOURCE_PART_TABLE_H
#define TFS_SOURCE_PART_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/growbuf.h"

#define PART_TABLE_VERSION 1

struct part_member {
	uint64_t offset; /* of its first data byte in the tar stream */
	uint64_t size;
	int64_t mtime_ns;
	uint32_t mode; /* permission bits as stored (07777) */
	uint32_t crc;  /* CRC-32 of its data (0 for a folder) */
	bool is_dir;
	size_t path_at; /* cleaned path (archive/member_path.h) in names */
	uint16_t path_len;
};

struct part_problem {
	size_t path_at, what_at; /* in names, NUL-terminated */
};

struct part_table {
	bool gzip;            /* a .tgz (else a plain .tar) */
	uint64_t part_size;   /* bytes of the part the table describes */
	uint64_t stream_size; /* bytes of the tar stream that were read */
	struct part_member *members;
	size_t n_members, members_cap;
	struct part_problem *problems;
	size_t n_problems, problems_cap;
	struct textbuf names;
	unsigned char *index_blob; /* inflate_index_serialize's blob (gzip), or NULL */
	size_t index_len;
};

void part_table_free(struct part_table *t);

/* Appends a member (path is a cleaned path of path_len bytes). 0 or -ENOMEM. */
int part_table_add_member(struct part_table *t, const struct part_member *m, const char *path,
                          size_t path_len);
/* Appends a problem (both NUL-terminated). 0 or -ENOMEM. */
int part_table_add_problem(struct part_table *t, const char *path, const char *what);

static inline const char *part_table_text(const struct part_table *t, size_t at)
{
	return t->names.p + at;
}

/* The blob (malloc'd, the caller frees). Format, little-endian:
 *   "TFPT" u8 version u8 gzip u16 0 | u64 part_size | u64 stream_size |
 *   u32 n_members | u32 n_problems |
 *   n_members x { u64 offset | u64 size | i64 mtime_ns | u32 mode | u32 crc |
 *                 u8 is_dir | u8 0 | u16 path_len | path bytes } |
 *   n_problems x { u16 len | path | u16 len | what } |
 *   u64 index_len | index blob | u32 CRC-32 of everything before it.
 * 0 or -ENOMEM. */
int part_table_serialize(const struct part_table *t, unsigned char **blob, size_t *len);

/* Parses an untrusted blob into *t (zeroed first; free it with
 * part_table_free, also after a failure). Every path must be a clean member
 * path, every member's bytes inside the stream. The seek-point blob is kept
 * as bytes (inflate_index_parse checks it). 0, -EINVAL or -ENOMEM. */
int part_table_parse(const unsigned char *blob, size_t len, struct part_table *t);

#endif
