/* Serving the materialized views: lookup, getattr and readdir answered from
 * the indexed reads of one connection's store/view_rows reader, NAME.meta
 * derived from each media entry, the read snapshot renewed every second.
 * Pure functions of the store: the FUSE handlers in fs.c only translate
 * their results. */
#include "views/views.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "store/view_rows.h"
#include "store/xmp_sizes.h"
#include "util/path.h"
#include "views/meta.h"
#include "views/meta_sizes.h"
#include "views/xmp.h"

#define META_SUFFIX     ".meta"
#define META_SUFFIX_LEN 5

struct views {
	store_db *db; /* the connection (the reader's and the .xmp sizes') */
	struct store_view_reader *rows;
	struct meta *meta;
	struct jbuf rendered;
	bool xmp;                          /* -o xmp */
	struct jbuf xmp_rendered;          /* the last .xmp */
	struct store_xmp_sizes *xmp_sizes; /* NULL when not current or not served */
	uint64_t status_size;
	int64_t dir_mtime;
	bool in_txn;
	struct timespec txn_start;
};

_Static_assert(ENTRY_DIR == STORE_ENTRY_DIR && ENTRY_MEDIA == STORE_ENTRY_MEDIA,
               "the listing's joins test these kinds");

/* Each statement outside a transaction takes and drops SQLite's file and WAL
 * locks (several fcntl calls, most of a lookup's cost). The store does not
 * change while mounted except for cache columns (the lazy CRC), so the
 * connection stays in one read transaction and starts a fresh one at most
 * every SNAPSHOT_MS, which is how soon such updates become visible. */
#define SNAPSHOT_MS 1000

static int64_t elapsed_ms(const struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	return (int64_t)(now.tv_sec - since->tv_sec) * 1000 +
	       (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void end_snapshot(struct views *v)
{
	if (!v->in_txn)
		return;
	store_view_end_read(v->rows);
	v->in_txn = false;
}

/* Called at the start of every request: reuse or renew the read snapshot. */
static void snapshot(struct views *v)
{
	if (v->in_txn && elapsed_ms(&v->txn_start) < SNAPSHOT_MS)
		return;
	end_snapshot(v);
	if (store_view_begin_read(v->rows)) {
		v->in_txn = true;
		clock_gettime(CLOCK_MONOTONIC_COARSE, &v->txn_start);
	}
}

struct views *views_open(store_db *db, uint64_t status_size, char *err, size_t errlen)
{
	struct views *v = calloc(1, sizeof *v);
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v->db = db;
	v->status_size = status_size;
	v->dir_mtime = store_meta_get_int(db, "index_finished", 0);
	if (!(v->rows = store_view_reader_open(db, meta_sizes_valid(db), err, errlen)) ||
	    !(v->meta = meta_open(db, err, errlen))) {
		views_close(v);
		return NULL;
	}
	return v;
}

void views_close(struct views *v)
{
	if (!v)
		return;
	if (v->rows)
		end_snapshot(v);
	store_view_reader_close(v->rows);
	meta_close(v->meta);
	jbuf_free(&v->rendered);
	store_xmp_sizes_close(v->xmp_sizes);
	jbuf_free(&v->xmp_rendered);
	free(v);
}

void views_serve_xmp(struct views *v, bool on)
{
	v->xmp = on;
	store_xmp_sizes_close(v->xmp_sizes);
	v->xmp_sizes = on ? store_xmp_sizes_open(v->db) : NULL;
}

/* --- attributes --- */

static void dir_node(struct views *v, int64_t id, int64_t nsub, struct vnode *out)
{
	*out = (struct vnode){.ino = ino_make(id, INO_VDIR),
	                      .type = VN_DIR,
	                      .id = id,
	                      .mtime = v->dir_mtime,
	                      .nlink = (uint32_t)(2 + nsub)};
}

/* A media file's mtime is its taken time (the file's own mtime when unknown). */
static void media_node(int64_t id, const struct store_view_file *f, struct vnode *out)
{
	*out = (struct vnode){.ino = ino_make(id, INO_MEDIA),
	                      .type = VN_MEDIA,
	                      .id = id,
	                      .size = f->size,
	                      .mtime = f->has_taken ? f->taken : f->mtime_ns / 1000000000,
	                      .nlink = 1};
}

static void status_node(struct views *v, struct vnode *out)
{
	*out = (struct vnode){.ino = INO_STATUS,
	                      .type = VN_STATUS,
	                      .id = 1,
	                      .size = v->status_size,
	                      .mtime = v->dir_mtime,
	                      .nlink = 1};
}

static int vdir_attr(struct views *v, int64_t id, struct vnode *out)
{
	int64_t nsub;
	int rc = store_view_dir(v->rows, id, &nsub);
	if (rc == 0)
		dir_node(v, id, nsub, out);
	return rc;
}

static int media_attr(struct views *v, int64_t id, struct vnode *out)
{
	struct store_view_file f;
	int rc = store_view_file(v->rows, id, &f);
	if (rc == 0)
		media_node(id, &f, out);
	return rc;
}

int views_render_meta(struct views *v, int64_t file_id, const char **out, size_t *len)
{
	return views_render_meta_crc(v, file_id, NULL, out, len, NULL);
}

int views_render_meta_crc(struct views *v, int64_t file_id, const uint32_t *crc, const char **out,
                          size_t *len, bool *crc_known)
{
	snapshot(v);
	int rc = meta_render_crc(v->meta, file_id, crc, &v->rendered, crc_known);
	if (rc != 0)
		return rc;
	*out = v->rendered.p;
	*len = v->rendered.len;
	return 0;
}

/* A .meta takes the times of its media file and the size of its rendering:
 * the recorded one when there is one, else rendered now. */
static int meta_attr(struct views *v, int64_t id, struct vnode *out)
{
	int rc = media_attr(v, id, out);
	const char *text;
	size_t len;
	uint64_t stored;
	if (rc == 0 && store_view_meta_size(v->rows, id, &stored))
		len = (size_t)stored;
	else if (rc == 0)
		rc = views_render_meta(v, id, &text, &len);
	if (rc != 0)
		return rc;
	out->ino = ino_make(id, INO_META);
	out->type = VN_META;
	out->size = len;
	return 0;
}

int views_render_xmp(struct views *v, int64_t file_id, const char **out, size_t *len)
{
	const char *meta;
	size_t meta_len;
	if (!v->xmp)
		return -ENOENT;
	int rc = views_render_meta(v, file_id, &meta, &meta_len);
	if (rc == 0)
		rc = xmp_render_from_meta(meta, meta_len, &v->xmp_rendered);
	if (rc != 0)
		return rc;
	*out = v->xmp_rendered.p;
	*len = v->xmp_rendered.len;
	return 0;
}

/* A .xmp takes the times of its media file and the size of its rendering:
 * the recorded one when there is one, else rendered now. */
static int xmp_attr(struct views *v, int64_t id, struct vnode *out)
{
	int rc = media_attr(v, id, out);
	const char *text;
	size_t len;
	uint64_t size;
	if (rc == 0 && !store_xmp_size_get(v->xmp_sizes, id, &size)) {
		rc = views_render_xmp(v, id, &text, &len);
		size = len;
	}
	if (rc != 0)
		return rc;
	out->ino = ino_xmp(id);
	out->type = VN_XMP;
	out->size = size;
	return 0;
}

int views_getattr(struct views *v, uint64_t ino, struct vnode *out)
{
	snapshot(v);
	int64_t id = ino_id(ino);
	switch (ino_tag(ino)) {
	case INO_VDIR:
		return vdir_attr(v, id, out);
	case INO_MEDIA:
		return media_attr(v, id, out);
	case INO_META:
		return meta_attr(v, id, out);
	case INO_SPECIAL:
		if (ino_is_xmp(ino) && v->xmp)
			return xmp_attr(v, ino_xmp_file(ino), out);
		if (ino != INO_STATUS)
			return -ENOENT;
		status_node(v, out);
		return 0;
	}
	return -ENOENT;
}

/* --- lookup --- */

static int entry_node(struct views *v, int kind, int64_t target, struct vnode *out)
{
	switch (kind) {
	case ENTRY_DIR:
		return vdir_attr(v, target, out);
	case ENTRY_MEDIA:
		return media_attr(v, target, out);
	case ENTRY_STATUS:
		status_node(v, out);
		return 0;
	}
	return -EIO;
}

int views_lookup(struct views *v, uint64_t parent, const char *name, size_t len, struct vnode *out)
{
	snapshot(v);
	if (ino_tag(parent) != INO_VDIR)
		return ino_tag(parent) == INO_SPECIAL && parent != INO_STATUS ? -ENOENT : -ENOTDIR;
	if (len == 0 || len > NAMES_MAX)
		return len ? -ENAMETOOLONG : -ENOENT;
	int64_t dir = ino_id(parent), target;
	int kind;
	int rc = store_view_entry(v->rows, dir, name, len, &kind, &target);
	if (rc == 0)
		return entry_node(v, kind, target, out);
	if (rc == -ENOENT && v->xmp && len > XMP_SUFFIX_LEN &&
	    memcmp(name + len - XMP_SUFFIX_LEN, XMP_SUFFIX, XMP_SUFFIX_LEN) == 0) {
		rc = store_view_entry(v->rows, dir, name, len - XMP_SUFFIX_LEN, &kind, &target);
		if (rc != 0)
			return rc;
		return kind == ENTRY_MEDIA ? xmp_attr(v, target, out) : -ENOENT;
	}
	if (rc != -ENOENT || len <= META_SUFFIX_LEN ||
	    memcmp(name + len - META_SUFFIX_LEN, META_SUFFIX, META_SUFFIX_LEN) != 0)
		return rc;
	rc = store_view_entry(v->rows, dir, name, len - META_SUFFIX_LEN, &kind, &target);
	if (rc != 0)
		return rc;
	return kind == ENTRY_MEDIA ? meta_attr(v, target, out) : -ENOENT;
}

/* --- readdir --- */

/* Hands out the .meta of the media entry the cursor stands on. */
static int emit_meta(struct views *v, struct views_cursor *cur, bool attrs, views_entry_fn fn,
                     void *ctx)
{
	char name[NAMES_MAX + META_SUFFIX_LEN + 1];
	if (cur->len + META_SUFFIX_LEN > NAMES_MAX) { /* could never be looked up */
		cur->meta_due = false;
		return 0;
	}
	memcpy(name, cur->name, cur->len);
	memcpy(name + cur->len, META_SUFFIX, META_SUFFIX_LEN);
	struct vnode node = {.ino = ino_make(cur->meta_file, INO_META),
	                     .type = VN_META,
	                     .id = cur->meta_file,
	                     .nlink = 1};
	if (attrs && cur->meta_size_known) {
		node.size = cur->meta_size;
		node.mtime = cur->meta_mtime;
	} else if (attrs) {
		/* A .meta that cannot be rendered is left out of the listing
		 * rather than failing it; its lookup reports the error. */
		if (meta_attr(v, cur->meta_file, &node) != 0) {
			cur->meta_due = false;
			return 0;
		}
	}
	int rc = fn(ctx, name, cur->len + META_SUFFIX_LEN, &node);
	if (rc == 0)
		cur->meta_due = false;
	return rc;
}

/* Hands out the .xmp of the media entry the cursor stands on. */
static int emit_xmp(struct views *v, struct views_cursor *cur, bool attrs, views_entry_fn fn,
                    void *ctx)
{
	char name[NAMES_MAX + XMP_SUFFIX_LEN + 1];
	if (cur->len + XMP_SUFFIX_LEN > NAMES_MAX) { /* could never be looked up */
		cur->xmp_due = false;
		return 0;
	}
	memcpy(name, cur->name, cur->len);
	memcpy(name + cur->len, XMP_SUFFIX, XMP_SUFFIX_LEN);
	struct vnode node = {
	    .ino = ino_xmp(cur->meta_file), .type = VN_XMP, .id = cur->meta_file, .nlink = 1};
	/* As for a .meta, one that cannot be rendered is left out. */
	if (attrs && xmp_attr(v, cur->meta_file, &node) != 0) {
		cur->xmp_due = false;
		return 0;
	}
	int rc = fn(ctx, name, cur->len + XMP_SUFFIX_LEN, &node);
	if (rc == 0)
		cur->xmp_due = false;
	return rc;
}

/* The .meta and .xmp still due for the media entry the cursor stands on. */
static int emit_companions(struct views *v, struct views_cursor *cur, bool attrs, views_entry_fn fn,
                           void *ctx)
{
	int rc = 0;
	if (cur->meta_due)
		rc = emit_meta(v, cur, attrs, fn, ctx);
	if (rc == 0 && cur->xmp_due)
		rc = emit_xmp(v, cur, attrs, fn, ctx);
	return rc;
}

static void row_node(struct views *v, const struct store_view_listed *e, struct vnode *out)
{
	if (e->kind == ENTRY_MEDIA)
		media_node(e->target, &e->file, out);
	else if (e->kind == ENTRY_DIR)
		dir_node(v, e->target, e->nsub, out);
	else
		status_node(v, out);
}

/* One readdir while the listing runs. */
struct listing {
	struct views *v;
	struct views_cursor *cur;
	bool hidemeta, attrs;
	views_entry_fn fn;
	void *ctx;
};

static int list_entry(void *ctx, const struct store_view_listed *e)
{
	struct listing *l = ctx;
	struct views_cursor *cur = l->cur;
	struct vnode node;
	row_node(l->v, e, &node);
	if (!e->name || e->len > NAMES_MAX)
		return 0;
	int rc = l->fn(l->ctx, e->name, e->len, &node);
	if (rc != 0)
		return rc;
	cur->started = true;
	cur->len = e->len;
	memcpy(cur->name, e->name, e->len);
	cur->name[e->len] = '\0';
	if (node.type != VN_MEDIA || (l->hidemeta && !l->v->xmp))
		return 0;
	cur->meta_due = !l->hidemeta;
	cur->xmp_due = l->v->xmp;
	cur->meta_file = node.id;
	cur->meta_size_known = e->has_meta_size;
	cur->meta_size = e->meta_size;
	cur->meta_mtime = node.mtime;
	return emit_companions(l->v, cur, l->attrs, l->fn, l->ctx);
}

int views_readdir(struct views *v, uint64_t ino, struct views_cursor *cur, bool hidemeta,
                  bool attrs, views_entry_fn fn, void *ctx)
{
	if (ino_tag(ino) != INO_VDIR)
		return -ENOTDIR;
	snapshot(v);
	int rc = 0;
	if ((cur->meta_due || cur->xmp_due) && (rc = emit_companions(v, cur, attrs, fn, ctx)) != 0)
		return rc > 0 ? 0 : rc;
	struct listing l = {v, cur, hidemeta, attrs, fn, ctx};
	rc = store_view_list(v->rows, ino_id(ino), cur->name, cur->started ? cur->len : 0,
	                     list_entry, &l);
	return rc > 0 ? 0 : rc;
}

void views_renew_snapshot(struct views *v)
{
	end_snapshot(v);
}

int views_source_path(struct views *v, int64_t file_id, char *buf, size_t len)
{
	int64_t size, mtime_ns;
	return views_source_info(v, file_id, buf, len, &size, &mtime_ns);
}

int views_source_info(struct views *v, int64_t file_id, char *buf, size_t len, int64_t *size,
                      int64_t *mtime_ns)
{
	snapshot(v);
	return store_view_source(v->rows, file_id, buf, len, size, mtime_ns);
}
