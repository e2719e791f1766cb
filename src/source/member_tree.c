/* The folder tree of an archive's members (source/member_tree.h). Paths live
 * in an arena of fixed blocks, so the lookup map can point at them while the
 * tree grows. */
#include "source/member_tree.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/growbuf.h"

#define ARENA_BLOCK (64 * 1024)

struct member_arena {
	struct member_arena *next;
	size_t used, cap;
	char bytes[];
};

static char *arena_copy(struct member_tree *t, const char *s, size_t len)
{
	struct member_arena *a = t->arena;
	if (!a || a->cap - a->used < len + 1) {
		size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
		struct member_arena *b = malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		*b = (struct member_arena){.next = a, .cap = cap};
		t->arena = a = b;
	}
	char *p = a->bytes + a->used;
	memcpy(p, s, len);
	p[len] = '\0';
	a->used += len + 1;
	return p;
}

static int64_t new_node(struct member_tree *t, const char *path, size_t len, int32_t parent,
                        bool is_dir, int64_t member)
{
	if (grow_array((void **)&t->nodes, &t->cap, t->n_nodes + 1, sizeof *t->nodes) != 0)
		return -ENOMEM;
	char *copy = arena_copy(t, path, len);
	if (!copy)
		return -ENOMEM;
	const char *slash = memrchr(copy, '/', len);
	size_t idx = t->n_nodes;
	if (strmap_put(&t->by_path, copy, len, (int64_t)idx) != 0)
		return -ENOMEM;
	t->nodes[t->n_nodes++] = (struct member_node){
	    .path = copy,
	    .path_len = (uint32_t)len,
	    .name_off = slash ? (uint32_t)(slash - copy + 1) : 0,
	    .parent = parent,
	    .is_dir = is_dir,
	    .member = member,
	};
	return (int64_t)idx;
}

int member_tree_init(struct member_tree *t)
{
	*t = (struct member_tree){0};
	return new_node(t, "", 0, -1, true, -1) == 0 ? 0 : -ENOMEM;
}

void member_tree_free(struct member_tree *t)
{
	for (struct member_arena *a = t->arena, *next; a; a = next) {
		next = a->next;
		free(a);
	}
	free(t->nodes);
	free(t->children);
	strmap_free(&t->by_path);
	*t = (struct member_tree){0};
}

int64_t member_tree_find(const struct member_tree *t, const char *path, size_t len)
{
	return strmap_get(&t->by_path, path, len, -1);
}

/* The folder node at path[0..len), made (with those above it) when missing.
 * A node index, or a negative errno (-ENOTDIR: a file is in the way). */
static int64_t folder_at(struct member_tree *t, const char *path, size_t len)
{
	int64_t found = member_tree_find(t, path, len);
	if (found >= 0)
		return t->nodes[found].is_dir ? found : -ENOTDIR;
	const char *slash = memrchr(path, '/', len);
	int64_t parent = folder_at(t, path, slash ? (size_t)(slash - path) : 0);
	if (parent < 0)
		return parent;
	return new_node(t, path, len, (int32_t)parent, true, -1);
}

int member_tree_add(struct member_tree *t, const char *path, size_t len, bool is_dir,
                    int64_t member)
{
	assert(!t->finished && len > 0 && path[0] != '/' && path[len - 1] != '/');
	int64_t found = member_tree_find(t, path, len);
	if (found >= 0)
		return is_dir && t->nodes[found].is_dir ? 0 : -EEXIST;
	if (is_dir) {
		int64_t d = folder_at(t, path, len);
		return d < 0 ? (int)d : 0;
	}
	const char *slash = memrchr(path, '/', len);
	int64_t parent = folder_at(t, path, slash ? (size_t)(slash - path) : 0);
	if (parent < 0)
		return (int)parent;
	int64_t node = new_node(t, path, len, (int32_t)parent, false, member);
	return node < 0 ? (int)node : 0;
}

int member_tree_finish(struct member_tree *t)
{
	assert(!t->finished);
	free(t->children);
	t->children = malloc((t->n_nodes ? t->n_nodes : 1) * sizeof *t->children);
	if (!t->children)
		return -ENOMEM;
	/* Counting sort by parent: each folder's children stay in archive order. */
	for (size_t i = 0; i < t->n_nodes; i++)
		t->nodes[i].n_children = 0;
	for (size_t i = 1; i < t->n_nodes; i++)
		t->nodes[t->nodes[i].parent].n_children++;
	uint32_t at = 0;
	for (size_t i = 0; i < t->n_nodes; i++) {
		t->nodes[i].first_child = at;
		at += t->nodes[i].n_children;
		t->nodes[i].n_children = 0;
	}
	for (size_t i = 1; i < t->n_nodes; i++) {
		struct member_node *p = &t->nodes[t->nodes[i].parent];
		t->children[p->first_child + p->n_children++] = (uint32_t)i;
	}
	t->finished = true;
	return 0;
}

int64_t member_tree_child(const struct member_tree *t, int64_t dir, const char *name)
{
	const struct member_node *d = &t->nodes[dir];
	size_t nlen = strlen(name);
	if (d->path_len == 0)
		return member_tree_find(t, name, nlen);
	char stack[1024];
	size_t len = d->path_len + 1 + nlen;
	char *path = len <= sizeof stack ? stack : malloc(len);
	if (!path)
		return -1;
	memcpy(path, d->path, d->path_len);
	path[d->path_len] = '/';
	memcpy(path + d->path_len + 1, name, nlen);
	int64_t found = member_tree_find(t, path, len);
	if (path != stack)
		free(path);
	return found;
}
