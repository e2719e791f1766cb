/* Serving the materialized views: lookup, getattr and readdir as indexed
 * SELECTs on one connection's prepared statements, NAME.meta derived from
 * each media entry. Pure functions of the store: the FUSE handlers in fs.c
 * only translate their results. */
#include "views/views.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "store/xmp_sizes.h"
#include "util/path.h"
#include "views/meta.h"
#include "views/meta_sizes.h"
#include "views/xmp.h"

#define META_SUFFIX     ".meta"
#define META_SUFFIX_LEN 5

struct views {
	sqlite3 *db;
	sqlite3_stmt *lookup, *vdir, *file, *list, *path;
	sqlite3_stmt *meta_size; /* NULL when the stored sizes are not current */
	struct meta *meta;
	struct jbuf rendered;
	bool xmp;                          /* -o xmp */
	struct jbuf xmp_rendered;          /* the last .xmp */
	struct store_xmp_sizes *xmp_sizes; /* NULL when not current or not served */
	uint64_t status_size;
	int64_t dir_mtime;
	sqlite3_stmt *begin, *commit;
	bool in_txn;
	struct timespec txn_start;
};

/* Each statement outside a transaction takes and drops SQLite's file and WAL
 * locks (several fcntl calls, most of a lookup's cost). The store does not
 * change while mounted except for cache columns (the lazy CRC), so the
 * connection stays in one read transaction and starts a fresh one at most
 * every SNAPSHOT_MS, which is how soon such updates become visible. */
#define SNAPSHOT_MS 1000

static const char LOOKUP_SQL[] = "SELECT kind, target FROM entries WHERE parent = ?1 AND name = ?2";
static const char VDIR_SQL[] = "SELECT nsub FROM vdirs WHERE id = ?1";
static const char FILE_SQL[] = "SELECT size, taken, mtime_ns FROM files WHERE id = ?1";
/* Column 7 is the recorded size of the media's .meta, when current. */
#define LIST_SQL(meta_size_column, meta_sizes_join)                                                \
	"SELECT e.name, e.kind, e.target, f.size, f.taken, f.mtime_ns, v.nsub, " meta_size_column  \
	" FROM entries e"                                                                          \
	" LEFT JOIN files f ON e.kind = 1 AND f.id = e.target"                                     \
	" LEFT JOIN vdirs v ON e.kind = 0 AND v.id = e.target" meta_sizes_join                     \
	" WHERE e.parent = ?1 AND e.name > ?2 ORDER BY e.name"
static const char LIST_WITHOUT_SIZES_SQL[] = LIST_SQL("NULL", "");
static const char LIST_WITH_SIZES_SQL[] =
    LIST_SQL("ms.size", " LEFT JOIN meta_sizes ms ON e.kind = 1 AND ms.file_id = e.target");
static const char PATH_SQL[] = "SELECT d.path, f.name, f.size, f.mtime_ns FROM files f"
                               " JOIN dirs d ON d.id = f.dir_id WHERE f.id = ?1";

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK
	           ? 0
	           : -1;
}

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
	sqlite3_reset(v->commit);
	sqlite3_step(v->commit);
	sqlite3_reset(v->commit);
	v->in_txn = false;
}

/* Called at the start of every request: reuse or renew the read snapshot. */
static void snapshot(struct views *v)
{
	if (v->in_txn && elapsed_ms(&v->txn_start) < SNAPSHOT_MS)
		return;
	end_snapshot(v);
	sqlite3_reset(v->begin);
	if (sqlite3_step(v->begin) == SQLITE_DONE) {
		v->in_txn = true;
		clock_gettime(CLOCK_MONOTONIC_COARSE, &v->txn_start);
	}
	sqlite3_reset(v->begin);
}

struct views *views_open(sqlite3 *db, uint64_t status_size, char *err, size_t errlen)
{
	struct views *v = calloc(1, sizeof *v);
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v->db = db;
	v->status_size = status_size;
	v->dir_mtime = store_meta_get_int(db, "index_finished", 0);
	bool sizes = meta_sizes_valid(db);
	if (prepare(db, LOOKUP_SQL, &v->lookup) || prepare(db, VDIR_SQL, &v->vdir) ||
	    prepare(db, FILE_SQL, &v->file) ||
	    prepare(db, sizes ? LIST_WITH_SIZES_SQL : LIST_WITHOUT_SIZES_SQL, &v->list) ||
	    prepare(db, PATH_SQL, &v->path) || prepare(db, "BEGIN", &v->begin) ||
	    prepare(db, "COMMIT", &v->commit)) {
		snprintf(err, errlen, "cannot prepare the view queries (is the store indexed?): %s",
		         sqlite3_errmsg(db));
		views_close(v);
		return NULL;
	}
	if (!(v->meta = meta_open(db, err, errlen))) {
		views_close(v);
		return NULL;
	}
	if (sizes &&
	    prepare(db, "SELECT size FROM meta_sizes WHERE file_id = ?1", &v->meta_size) != 0)
		v->meta_size = NULL; /* sizes are rendered on demand instead */
	return v;
}

void views_close(struct views *v)
{
	if (!v)
		return;
	end_snapshot(v);
	sqlite3_finalize(v->begin);
	sqlite3_finalize(v->commit);
	sqlite3_finalize(v->lookup);
	sqlite3_finalize(v->vdir);
	sqlite3_finalize(v->file);
	sqlite3_finalize(v->list);
	sqlite3_finalize(v->path);
	sqlite3_finalize(v->meta_size);
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
static void media_node(int64_t id, sqlite3_stmt *st, int size_col, struct vnode *out)
{
	int64_t mtime = sqlite3_column_type(st, size_col + 1) != SQLITE_NULL
	                    ? sqlite3_column_int64(st, size_col + 1)
	                    : sqlite3_column_int64(st, size_col + 2) / 1000000000;
	*out = (struct vnode){.ino = ino_make(id, INO_MEDIA),
	                      .type = VN_MEDIA,
	                      .id = id,
	                      .size = (uint64_t)sqlite3_column_int64(st, size_col),
	                      .mtime = mtime,
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
	sqlite3_stmt *st = v->vdir;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		dir_node(v, id, sqlite3_column_int64(st, 0), out);
	sqlite3_reset(st);
	return step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? -ENOENT : -EIO;
}

static int media_attr(struct views *v, int64_t id, struct vnode *out)
{
	sqlite3_stmt *st = v->file;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		media_node(id, st, 0, out);
	sqlite3_reset(st);
	return step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? -ENOENT : -EIO;
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

/* The size meta_sizes_build recorded for file id's .meta; false when there
 * is none (the sizes are not current, or this one could not be rendered). */
static bool stored_meta_size(struct views *v, int64_t id, size_t *len)
{
	if (!v->meta_size)
		return false;
	sqlite3_reset(v->meta_size);
	sqlite3_bind_int64(v->meta_size, 1, id);
	bool found = sqlite3_step(v->meta_size) == SQLITE_ROW;
	if (found)
		*len = (size_t)sqlite3_column_int64(v->meta_size, 0);
	sqlite3_reset(v->meta_size);
	return found;
}

/* A .meta takes the times of its media file and the size of its rendering:
 * the recorded one when there is one, else rendered now. */
static int meta_attr(struct views *v, int64_t id, struct vnode *out)
{
	int rc = media_attr(v, id, out);
	const char *text;
	size_t len;
	if (rc == 0 && !stored_meta_size(v, id, &len))
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

/* Finds parent/name in entries: 0 with kind and target, or -ENOENT / -EIO. */
static int find_entry(struct views *v, int64_t parent, const char *name, size_t len, int *kind,
                      int64_t *target)
{
	sqlite3_stmt *st = v->lookup;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, parent);
	sqlite3_bind_blob(st, 2, name, (int)len, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*kind = sqlite3_column_int(st, 0);
		*target = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? -ENOENT : -EIO;
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
	int rc = find_entry(v, dir, name, len, &kind, &target);
	if (rc == 0)
		return entry_node(v, kind, target, out);
	if (rc == -ENOENT && v->xmp && len > XMP_SUFFIX_LEN &&
	    memcmp(name + len - XMP_SUFFIX_LEN, XMP_SUFFIX, XMP_SUFFIX_LEN) == 0) {
		rc = find_entry(v, dir, name, len - XMP_SUFFIX_LEN, &kind, &target);
		if (rc != 0)
			return rc;
		return kind == ENTRY_MEDIA ? xmp_attr(v, target, out) : -ENOENT;
	}
	if (rc != -ENOENT || len <= META_SUFFIX_LEN ||
	    memcmp(name + len - META_SUFFIX_LEN, META_SUFFIX, META_SUFFIX_LEN) != 0)
		return rc;
	rc = find_entry(v, dir, name, len - META_SUFFIX_LEN, &kind, &target);
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

static void row_node(struct views *v, sqlite3_stmt *st, struct vnode *out)
{
	int kind = sqlite3_column_int(st, 1);
	int64_t target = sqlite3_column_int64(st, 2);
	if (kind == ENTRY_MEDIA)
		media_node(target, st, 3, out);
	else if (kind == ENTRY_DIR)
		dir_node(v, target, sqlite3_column_int64(st, 6), out);
	else
		status_node(v, out);
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
	sqlite3_stmt *st = v->list;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, ino_id(ino));
	sqlite3_bind_blob(st, 2, cur->started ? cur->name : "", cur->started ? (int)cur->len : 0,
	                  SQLITE_TRANSIENT);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct vnode node;
		row_node(v, st, &node);
		const char *name = sqlite3_column_blob(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		if (!name || len > NAMES_MAX)
			continue;
		if ((rc = fn(ctx, name, len, &node)) != 0)
			break;
		cur->started = true;
		cur->len = len;
		memcpy(cur->name, name, len);
		cur->name[len] = '\0';
		if (node.type != VN_MEDIA || (hidemeta && !v->xmp))
			continue;
		cur->meta_due = !hidemeta;
		cur->xmp_due = v->xmp;
		cur->meta_file = node.id;
		cur->meta_size_known = sqlite3_column_type(st, 7) != SQLITE_NULL;
		cur->meta_size = (uint64_t)sqlite3_column_int64(st, 7);
		cur->meta_mtime = node.mtime;
		if ((rc = emit_companions(v, cur, attrs, fn, ctx)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	return step == SQLITE_DONE ? 0 : -EIO;
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
	sqlite3_stmt *st = v->path;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, file_id);
	int step = sqlite3_step(st), rc;
	if (step == SQLITE_ROW) {
		*size = sqlite3_column_int64(st, 2);
		*mtime_ns = sqlite3_column_int64(st, 3);
		long n = path_join(buf, len, sqlite3_column_blob(st, 0),
		                   (size_t)sqlite3_column_bytes(st, 0), sqlite3_column_blob(st, 1),
		                   (size_t)sqlite3_column_bytes(st, 1));
		rc = n < 0 ? (int)n : 0;
	} else {
		rc = step == SQLITE_DONE ? -ENOENT : -EIO;
	}
	sqlite3_reset(st);
	return rc;
}
