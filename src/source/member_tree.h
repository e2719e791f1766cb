/* The folder tree of an archive's members (private to source/): the archive
 * formats list members as flat paths ("Takeout/Google Photos/a.jpg"); the
 * archive backends show them as the folders their extraction would make.
 * Folders that no member names are made up from the paths, as unzip and tar
 * create them.
 * Owns: the nodes (folders and files), their names and the path lookup.
 * Must not: read the archive, or decide what a member's bytes are (a file
 * node carries the backend's member number only).
 * Errors: 0 or a negative errno (-ENOMEM; -EEXIST for a path already taken). */
#ifndef TFS_SOURCE_MEMBER_TREE_H
#define TFS_SOURCE_MEMBER_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strmap.h"

struct member_node {
	const char *path; /* "" for the root; NUL-terminated, stable for the tree's life */
	uint32_t path_len;
	uint32_t name_off; /* the last component: path + name_off */
	int32_t parent;    /* node index; -1 for the root */
	bool is_dir;
	int64_t member;                   /* the backend's member number; -1 for a folder */
	uint32_t first_child, n_children; /* folders, after member_tree_finish: children[] */
};

struct member_arena;

struct member_tree {
	struct member_node *nodes; /* nodes[0] is the root */
	size_t n_nodes, cap;
	uint32_t *children; /* node indices grouped by parent (member_tree_finish) */
	struct strmap by_path;
	struct member_arena *arena;
	bool finished;
};

/* An empty tree holding its root. 0 or -ENOMEM. */
int member_tree_init(struct member_tree *t);
void member_tree_free(struct member_tree *t);

/* Adds the cleaned relative path (no leading, trailing or doubled '/'; see
 * archive/member_path.h) as a folder or as the file of member number member,
 * making the folders above it. 0; -EEXIST when the path is already a file,
 * or is a folder and a file is added (the first one stays); -ENOTDIR when a
 * folder above it is a file; -ENOMEM. Adding a folder twice is not an error.
 * Only before member_tree_finish. */
int member_tree_add(struct member_tree *t, const char *path, size_t len, bool is_dir,
                    int64_t member);

/* Groups the children of every folder. 0 or -ENOMEM. */
int member_tree_finish(struct member_tree *t);

/* The node at path ("" is the root), or -1. */
int64_t member_tree_find(const struct member_tree *t, const char *path, size_t len);

/* The node named name inside folder node dir, or -1. */
int64_t member_tree_child(const struct member_tree *t, int64_t dir, const char *name);

#endif
