/* The walker: lists every folder and file under SOURCE through source/,
 * classifies folders by name, finds the Google Photos root(s) (localized,
 * several merged archive parts) and groups folders into logical folders
 * (the same path below the photos root in different parts = one group).
 * Owns: the in-memory listing of one pass. Never follows a symbolic link,
 * never opens a regular file, never writes. Unreadable folders, links, FIFOs,
 * sockets and over-deep trees become problems, not errors. */
#ifndef TFS_INDEX_WALK_H
#define TFS_INDEX_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source/source.h"

#define WALK_MAX_DEPTH 256

struct walk_dir {
	const char *path; /* relative to SOURCE, "" for SOURCE itself; NUL-terminated */
	uint32_t path_len;
	uint32_t name_off; /* offset of the last component in path */
	int32_t parent;    /* index in walk.dirs, -1 for SOURCE */
	int32_t group;     /* logical folder (matching group) index */
	int32_t root;      /* index of the photos root above it, -1 when outside one */
	uint8_t kind;      /* enum folder_kind */
	int16_t year;
	uint32_t first_file, n_files; /* its files: walk.files[first_file .. +n_files) */
};

struct walk_file {
	const char *name; /* NUL-terminated */
	uint16_t name_len;
	uint8_t kind; /* enum file_kind: FILE_JSON or FILE_MEDIA only */
	int32_t dir;
	uint64_t size;
	int64_t mtime_ns;
	uint64_t ino;
};

struct walk_group {
	const char *logical; /* path below the photos root ("" = the root), or the
	                        physical path for folders outside any root */
	uint32_t logical_len;
	int32_t first_dir; /* the first folder of the group in walk order */
};

struct walk_problem {
	const char *path;
	const char *what;
};

struct walk_arena; /* string storage */

struct walk {
	struct walk_dir *dirs;
	size_t n_dirs;
	struct walk_file *files;
	size_t n_files;
	struct walk_group *groups;
	size_t n_groups;
	struct walk_problem *problems;
	size_t n_problems;
	size_t n_other; /* regular files neither media nor JSON (for "not a Takeout" messages) */
	struct walk_arena *arena;
};

/* Walks the tree of src. Returns 0, or -1 with a message in err when SOURCE
 * itself cannot be read or memory runs out. stat_files false (a first index:
 * nothing stored to compare with) leaves size, mtime_ns and ino 0 wherever
 * the listing gave the file type without them. */
int walk_tree(struct source *src, bool stat_files, struct walk *w, char *err, size_t errlen);
void walk_free(struct walk *w);

/* The logical path of a folder (its group's), and its length. */
const char *walk_dir_logical(const struct walk *w, const struct walk_dir *d, size_t *len);

#endif
