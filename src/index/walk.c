/* Walks SOURCE one folder at a time through source/ (which never follows a
 * link and lists a big folder's facts in parallel), in name order, depth
 * first. A first index (nothing stored to compare with) asks for no facts:
 * the workers learn them from each file they open anyway, and on 240,000
 * files the stats were most of the walk. Then finds the photos roots and
 * assigns every folder to a logical folder so archive parts merge. */
#include "index/walk.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "index/classify.h"
#include "util/growbuf.h"
#include "util/strmap.h"
#include "util/ustr.h"

/* ---- string arena: names and paths live as long as the walk ---- */

struct walk_arena {
	struct walk_arena *next;
	size_t used, cap;
	char data[];
};

static char *arena_copy(struct walk_arena **a, const char *s, size_t len)
{
	if (!*a || (*a)->cap - (*a)->used < len + 1) {
		size_t cap = len + 1 > (1u << 20) ? len + 1 : (1u << 20);
		struct walk_arena *n = malloc(sizeof *n + cap);
		if (!n)
			return NULL;
		n->next = *a;
		n->used = 0;
		n->cap = cap;
		*a = n;
	}
	char *p = (*a)->data + (*a)->used;
	memcpy(p, s, len);
	p[len] = '\0';
	(*a)->used += len + 1;
	return p;
}

static void arena_free(struct walk_arena *a)
{
	while (a) {
		struct walk_arena *next = a->next;
		free(a);
		a = next;
	}
}

/* ---- growable arrays ---- */

struct walker {
	struct walk *w;
	bool stat_files; /* false: types from readdir where it knows them */
	size_t dirs_cap, files_cap, problems_cap, groups_cap;
	char *err;
	size_t errlen;
	bool oom;
};

static void add_problem(struct walker *wk, const char *dir_path, const char *name, const char *what)
{
	struct walk *w = wk->w;
	if (grow_array((void **)&w->problems, &wk->problems_cap, w->n_problems + 1,
	               sizeof *w->problems) != 0) {
		wk->oom = true;
		return;
	}
	/* Paths reach 16 KiB (WALK's own limit); build this one at its size. */
	size_t dlen = strlen(dir_path), nlen = name ? strlen(name) : 0;
	char *path = malloc(dlen + nlen + 2);
	if (!path) {
		wk->oom = true;
		return;
	}
	memcpy(path, dir_path, dlen);
	size_t len = dlen;
	if (name) {
		if (dlen)
			path[len++] = '/';
		memcpy(path + len, name, nlen);
		len += nlen;
	}
	const char *p = arena_copy(&w->arena, path, len);
	free(path);
	const char *q = arena_copy(&w->arena, what, strlen(what));
	if (!p || !q) {
		wk->oom = true;
		return;
	}
	w->problems[w->n_problems++] = (struct walk_problem){p, q};
}

static int compare_entries(const void *a, const void *b)
{
	const struct source_entry *x = a, *y = b;
	return ustr_bytes_cmp(x->name, x->len, y->name, y->len);
}

/* Lists an open folder with each entry's type (and facts, unless the walker
 * skips them and the listing knows the type), keeping in place, sorted by
 * name, the entries that could be looked at. Problems (an unreadable folder
 * or entry) are noted; a vanished entry is dropped. */
static int list_directory(struct walker *wk, struct source_dir *dir, const char *dir_path,
                          struct source_listing *listing)
{
	int rc = source_dir_list(dir, wk->stat_files, listing);
	if (rc == -ENOMEM) {
		wk->oom = true;
		return -1;
	}
	if (rc != 0) {
		add_problem(wk, dir_path, NULL, strerror(-rc));
		return -1;
	}
	if (listing->read_error)
		add_problem(wk, dir_path, NULL, strerror(listing->read_error));
	size_t kept = 0;
	for (size_t i = 0; i < listing->n; i++) {
		const struct source_entry *e = &listing->entries[i];
		if (e->error) {
			/* Vanished between listing and stat, or unreadable: not fatal. */
			if (e->error != ENOENT)
				add_problem(wk, dir_path, e->name, strerror(e->error));
			continue;
		}
		listing->entries[kept++] = *e;
	}
	listing->n = kept;
	if (kept > 1)
		qsort(listing->entries, kept, sizeof *listing->entries, compare_entries);
	return wk->oom ? -1 : 0;
}

static int add_dir(struct walker *wk, int32_t parent, const char *path, size_t path_len,
                   size_t name_off)
{
	struct walk *w = wk->w;
	if (grow_array((void **)&w->dirs, &wk->dirs_cap, w->n_dirs + 1, sizeof *w->dirs) != 0)
		return -1;
	const char *p = arena_copy(&w->arena, path, path_len);
	if (!p)
		return -1;
	int year = 0;
	enum folder_kind kind =
	    path_len ? classify_folder(p + name_off, path_len - name_off, &year) : FOLDER_PLAIN;
	w->dirs[w->n_dirs] = (struct walk_dir){.path = p,
	                                       .path_len = (uint32_t)path_len,
	                                       .name_off = (uint32_t)name_off,
	                                       .parent = parent,
	                                       .group = -1,
	                                       .root = -1,
	                                       .kind = (uint8_t)kind,
	                                       .year = (int16_t)year};
	return (int)w->n_dirs++;
}

static int add_file(struct walker *wk, int32_t dir, const struct source_entry *e,
                    enum file_kind kind)
{
	struct walk *w = wk->w;
	if (grow_array((void **)&w->files, &wk->files_cap, w->n_files + 1, sizeof *w->files) != 0)
		return -1;
	const char *name = arena_copy(&w->arena, e->name, e->len);
	if (!name)
		return -1;
	w->files[w->n_files++] = (struct walk_file){.name = name,
	                                            .name_len = (uint16_t)e->len,
	                                            .kind = (uint8_t)kind,
	                                            .dir = dir,
	                                            .size = e->facts.size,
	                                            .mtime_ns = e->facts.mtime_ns,
	                                            .ino = e->facts.ino};
	return 0;
}

static void note_special_entry(struct walker *wk, const char *dir_path,
                               const struct source_entry *e)
{
	const char *what = e->type == SOURCE_LINK     ? "symbolic link: not followed"
	                   : e->type == SOURCE_FIFO   ? "FIFO: skipped"
	                   : e->type == SOURCE_SOCKET ? "socket: skipped"
	                                              : "device or special file: skipped";
	add_problem(wk, dir_path, e->name, what);
}

static int walk_directory(struct walker *wk, struct source_dir *dir, int32_t self, int depth);

static int descend(struct walker *wk, struct source_dir *dir, int32_t self,
                   const struct source_entry *e, int depth)
{
	struct walk *w = wk->w;
	const struct walk_dir *d = &w->dirs[self];
	char path[16384];
	size_t plen = d->path_len;
	if (plen + 1 + e->len >= sizeof path) {
		add_problem(wk, d->path, e->name, "path too long: skipped");
		return 0;
	}
	memcpy(path, d->path, plen);
	size_t name_off = plen ? plen + 1 : 0;
	if (plen)
		path[plen] = '/';
	memcpy(path + name_off, e->name, e->len);
	size_t path_len = name_off + e->len;
	int year;
	if (classify_folder(e->name, e->len, &year) == FOLDER_JUNK)
		return 0;
	if (depth + 1 > WALK_MAX_DEPTH) {
		path[path_len] = '\0';
		add_problem(wk, path, NULL, "folder nested too deep: skipped");
		return 0;
	}
	struct source_dir *child_dir;
	int opened = source_dir_open(dir, e->name, &child_dir);
	if (opened != 0) {
		if (opened != -ENOENT) {
			path[path_len] = '\0';
			add_problem(wk, path, NULL, strerror(-opened));
		}
		return opened == -ENOMEM ? -1 : 0;
	}
	int child = add_dir(wk, self, path, path_len, name_off);
	int rc = child < 0 ? -1 : walk_directory(wk, child_dir, child, depth + 1);
	source_dir_close(child_dir);
	return rc;
}

static int walk_directory(struct walker *wk, struct source_dir *dir, int32_t self, int depth)
{
	struct walk *w = wk->w;
	struct source_listing listing = {0};
	if (list_directory(wk, dir, w->dirs[self].path, &listing) != 0 && wk->oom)
		goto fail;
	const struct source_entry *ents = listing.entries;
	size_t n = listing.n;
	w->dirs[self].first_file = (uint32_t)w->n_files;
	for (size_t i = 0; i < n; i++) {
		const struct source_entry *e = &ents[i];
		if (e->type != SOURCE_FILE) {
			if (e->type != SOURCE_DIR)
				note_special_entry(wk, w->dirs[self].path, e);
			continue;
		}
		enum file_kind kind = classify_file(e->name, e->len);
		if (kind == FILE_MEDIA || kind == FILE_JSON) {
			if (add_file(wk, self, e, kind) != 0)
				goto fail;
		} else if (kind == FILE_OTHER) {
			w->n_other++;
		}
	}
	w->dirs[self].n_files = (uint32_t)(w->n_files - w->dirs[self].first_file);
	for (size_t i = 0; i < n; i++)
		if (ents[i].type == SOURCE_DIR && descend(wk, dir, self, &ents[i], depth) != 0)
			goto fail;
	source_listing_free(&listing);
	return wk->oom ? -1 : 0;
fail:
	source_listing_free(&listing);
	wk->oom = true;
	return -1;
}

/* ---- photos roots and logical folders ---- */

static const char *dir_name(const struct walk_dir *d, size_t *len)
{
	*len = d->path_len - d->name_off;
	return d->path + d->name_off;
}

static bool dir_holds_takeout_content(const struct walk *w, int32_t idx)
{
	const struct walk_dir *d = &w->dirs[idx];
	if (d->n_files)
		return true;
	for (size_t i = (size_t)idx + 1; i < w->n_dirs; i++)
		if (w->dirs[i].parent == idx &&
		    (w->dirs[i].kind == FOLDER_YEAR || w->dirs[i].kind == FOLDER_LEGACY_DATE))
			return true;
	return false;
}

/* A photos root is a folder under a "Takeout" folder (or a later part's
 * "Takeout 2", "Takeout2", ...) with a known localized name or with Takeout
 * content (year folders, media, sidecars). */
static void mark_photos_roots(struct walk *w, const char *source_name)
{
	bool any = false;
	for (size_t i = 1; i < w->n_dirs; i++) {
		struct walk_dir *d = &w->dirs[i];
		size_t plen;
		const char *pname;
		if (d->parent == 0)
			pname = source_name, plen = strlen(source_name);
		else
			pname = dir_name(&w->dirs[d->parent], &plen);
		if (!classify_is_takeout_name(pname, plen))
			continue;
		size_t len;
		const char *name = dir_name(d, &len);
		if (classify_is_photos_root_name(name, len) ||
		    dir_holds_takeout_content(w, (int32_t)i)) {
			d->root = (int32_t)i;
			any = true;
		}
	}
	if (!any)
		w->dirs[0].root = 0; /* SOURCE is the photos folder itself, or a plain folder */
	for (size_t i = 1; i < w->n_dirs; i++) {
		struct walk_dir *d = &w->dirs[i];
		if (d->root < 0 && d->parent >= 0)
			d->root = w->dirs[d->parent].root;
	}
}

const char *walk_dir_logical(const struct walk *w, const struct walk_dir *d, size_t *len)
{
	const struct walk_group *g = &w->groups[d->group];
	*len = g->logical_len;
	return g->logical;
}

static int assign_groups(struct walker *wk)
{
	struct walk *w = wk->w;
	struct strmap map = {0};
	char buf[16384];
	for (size_t i = 0; i < w->n_dirs; i++) {
		struct walk_dir *d = &w->dirs[i];
		const char *key;
		size_t klen;
		if (d->root >= 0) {
			const struct walk_dir *r = &w->dirs[d->root];
			size_t skip = r->path_len ? r->path_len + 1 : 0;
			key = d->path_len > r->path_len ? d->path + skip : "";
			klen = d->path_len > r->path_len ? d->path_len - skip : 0;
		} else {
			/* Outside any root: its own group; "/" keeps it apart from logical paths.
			 */
			if (d->path_len + 1 >= sizeof buf)
				return -1;
			buf[0] = '/';
			memcpy(buf + 1, d->path, d->path_len);
			key = arena_copy(&w->arena, buf, d->path_len + 1);
			klen = d->path_len + 1;
			if (!key)
				goto oom;
		}
		int64_t g = strmap_get(&map, key, klen, -1);
		if (g < 0) {
			if (grow_array((void **)&w->groups, &wk->groups_cap, w->n_groups + 1,
			               sizeof *w->groups) != 0)
				goto oom;
			g = (int64_t)w->n_groups;
			w->groups[w->n_groups++] =
			    (struct walk_group){key, (uint32_t)klen, (int32_t)i};
			if (strmap_put(&map, key, klen, g) != 0)
				goto oom;
		}
		d->group = (int32_t)g;
	}
	strmap_free(&map);
	return 0;
oom:
	strmap_free(&map);
	return -1;
}

int walk_tree(struct source *src, bool stat_files, struct walk *w, char *err, size_t errlen)
{
	memset(w, 0, sizeof *w);
	struct walker wk = {.w = w, .stat_files = stat_files, .err = err, .errlen = errlen};
	struct source_dir *root;
	int opened = source_dir_root(src, &root);
	if (opened != 0) {
		snprintf(err, errlen, "cannot read SOURCE: %s", strerror(-opened));
		return -1;
	}
	if (add_dir(&wk, -1, "", 0, 0) != 0)
		wk.oom = true;
	else
		walk_directory(&wk, root, 0, 0);
	source_dir_close(root);
	/* What the source found opening SOURCE (archive members it refused). */
	const struct source_problem *sp;
	size_t n_sp = source_problems(src, &sp);
	for (size_t i = 0; i < n_sp && !wk.oom; i++)
		add_problem(&wk, sp[i].path, NULL, sp[i].what);
	if (wk.oom)
		goto oom;
	mark_photos_roots(w, source_name(src));
	if (assign_groups(&wk) != 0)
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, "out of memory while listing SOURCE");
	walk_free(w);
	return -1;
}

void walk_free(struct walk *w)
{
	free(w->dirs);
	free(w->files);
	free(w->groups);
	free(w->problems);
	arena_free(w->arena);
	memset(w, 0, sizeof *w);
}
