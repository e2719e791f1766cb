/* The serving reads of the views (store/view_rows.h): indexed SELECTs on one
 * connection's persistent prepared statements. */
#include "store/view_rows.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/path.h"

static const char LOOKUP_SQL[] = "SELECT kind, target FROM entries WHERE parent = ?1 AND name = ?2";
static const char VDIR_SQL[] = "SELECT nsub FROM vdirs WHERE id = ?1";
static const char FILE_SQL[] = "SELECT size, taken, mtime_ns FROM files WHERE id = ?1";
#define KIND_TEXT(k) #k
#define KIND(k)      KIND_TEXT(k)
/* Columns 3-5 as FILE_SQL's, column 7 the recorded size of the media's
 * .meta, when current. */
#define LIST_SQL(meta_size_column, meta_sizes_join)                                                \
	"SELECT e.name, e.kind, e.target, f.size, f.taken, f.mtime_ns, v.nsub, " meta_size_column  \
	" FROM entries e"                                                                          \
	" LEFT JOIN files f ON e.kind = " KIND(                                                    \
	    STORE_ENTRY_MEDIA) " AND f.id = e.target"                                              \
	                       " LEFT JOIN vdirs v ON e.kind = " KIND(                             \
	                           STORE_ENTRY_DIR) " AND v.id = e.target" meta_sizes_join         \
	                                            " WHERE e.parent = ?1 AND e.name > ?2 ORDER "  \
	                                            "BY e.name"
static const char LIST_WITHOUT_SIZES_SQL[] = LIST_SQL("NULL", "");
static const char LIST_WITH_SIZES_SQL[] = LIST_SQL(
    "ms.size",
    " LEFT JOIN meta_sizes ms ON e.kind = " KIND(STORE_ENTRY_MEDIA) " AND ms.file_id = e.target");
static const char PATH_SQL[] = "SELECT d.path, f.name, f.size, f.mtime_ns FROM files f"
                               " JOIN dirs d ON d.id = f.dir_id WHERE f.id = ?1";
static const char META_SIZE_SQL[] = "SELECT size FROM meta_sizes WHERE file_id = ?1";

struct store_view_reader {
	sqlite3_stmt *lookup, *vdir, *file, *list, *path;
	sqlite3_stmt *meta_size; /* NULL when the stored sizes are not current */
	sqlite3_stmt *begin, *commit;
};

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK
	           ? 0
	           : -1;
}

struct store_view_reader *store_view_reader_open(sqlite3 *db, bool with_meta_sizes, char *err,
                                                 size_t errlen)
{
	struct store_view_reader *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (prepare(db, LOOKUP_SQL, &r->lookup) || prepare(db, VDIR_SQL, &r->vdir) ||
	    prepare(db, FILE_SQL, &r->file) ||
	    prepare(db, with_meta_sizes ? LIST_WITH_SIZES_SQL : LIST_WITHOUT_SIZES_SQL, &r->list) ||
	    prepare(db, PATH_SQL, &r->path) || prepare(db, "BEGIN", &r->begin) ||
	    prepare(db, "COMMIT", &r->commit)) {
		snprintf(err, errlen, "cannot prepare the view queries (is the store indexed?): %s",
		         sqlite3_errmsg(db));
		store_view_reader_close(r);
		return NULL;
	}
	if (with_meta_sizes && prepare(db, META_SIZE_SQL, &r->meta_size) != 0)
		r->meta_size = NULL; /* sizes are rendered on demand instead */
	return r;
}

void store_view_reader_close(struct store_view_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->begin);
	sqlite3_finalize(r->commit);
	sqlite3_finalize(r->lookup);
	sqlite3_finalize(r->vdir);
	sqlite3_finalize(r->file);
	sqlite3_finalize(r->list);
	sqlite3_finalize(r->path);
	sqlite3_finalize(r->meta_size);
	free(r);
}

bool store_view_begin_read(struct store_view_reader *r)
{
	sqlite3_reset(r->begin);
	bool begun = sqlite3_step(r->begin) == SQLITE_DONE;
	sqlite3_reset(r->begin);
	return begun;
}

void store_view_end_read(struct store_view_reader *r)
{
	sqlite3_reset(r->commit);
	sqlite3_step(r->commit);
	sqlite3_reset(r->commit);
}

/* A step's answer: 0 for a row, -ENOENT for none, -EIO for a failure. */
static int row_or_errno(int step)
{
	return step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? -ENOENT : -EIO;
}

int store_view_entry(struct store_view_reader *r, int64_t parent, const char *name, size_t len,
                     int *kind, int64_t *target)
{
	sqlite3_stmt *st = r->lookup;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, parent);
	sqlite3_bind_blob(st, 2, name, (int)len, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*kind = sqlite3_column_int(st, 0);
		*target = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return row_or_errno(step);
}

int store_view_dir(struct store_view_reader *r, int64_t id, int64_t *nsub)
{
	sqlite3_stmt *st = r->vdir;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*nsub = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return row_or_errno(step);
}

/* Columns col (size), col + 1 (taken), col + 2 (mtime_ns) of st. */
static void file_columns(sqlite3_stmt *st, int col, struct store_view_file *out)
{
	out->size = (uint64_t)sqlite3_column_int64(st, col);
	out->has_taken = sqlite3_column_type(st, col + 1) != SQLITE_NULL;
	out->taken = sqlite3_column_int64(st, col + 1);
	out->mtime_ns = sqlite3_column_int64(st, col + 2);
}

int store_view_file(struct store_view_reader *r, int64_t id, struct store_view_file *out)
{
	sqlite3_stmt *st = r->file;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		file_columns(st, 0, out);
	sqlite3_reset(st);
	return row_or_errno(step);
}

bool store_view_meta_size(struct store_view_reader *r, int64_t id, uint64_t *size)
{
	if (!r->meta_size)
		return false;
	sqlite3_reset(r->meta_size);
	sqlite3_bind_int64(r->meta_size, 1, id);
	bool found = sqlite3_step(r->meta_size) == SQLITE_ROW;
	if (found)
		*size = (uint64_t)sqlite3_column_int64(r->meta_size, 0);
	sqlite3_reset(r->meta_size);
	return found;
}

int store_view_list(struct store_view_reader *r, int64_t parent, const char *after,
                    size_t after_len, int (*fn)(void *ctx, const struct store_view_listed *e),
                    void *ctx)
{
	sqlite3_stmt *st = r->list;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, parent);
	sqlite3_bind_blob(st, 2, after_len ? after : "", (int)after_len, SQLITE_TRANSIENT);
	int step, rc = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_view_listed e;
		e.kind = sqlite3_column_int(st, 1);
		e.target = sqlite3_column_int64(st, 2);
		file_columns(st, 3, &e.file);
		e.nsub = sqlite3_column_int64(st, 6);
		e.has_meta_size = sqlite3_column_type(st, 7) != SQLITE_NULL;
		e.meta_size = (uint64_t)sqlite3_column_int64(st, 7);
		e.name = sqlite3_column_blob(st, 0);
		e.len = (size_t)sqlite3_column_bytes(st, 0);
		if ((rc = fn(ctx, &e)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (rc != 0)
		return rc;
	return step == SQLITE_DONE ? 0 : -EIO;
}

int store_view_source(struct store_view_reader *r, int64_t file_id, char *buf, size_t len,
                      int64_t *size, int64_t *mtime_ns)
{
	sqlite3_stmt *st = r->path;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, file_id);
	int step = sqlite3_step(st), rc;
	if (step == SQLITE_ROW) {
		*size = sqlite3_column_int64(st, 2);
		*mtime_ns = sqlite3_column_int64(st, 3);
		const char *dir = sqlite3_column_blob(st, 0);
		size_t dir_len = (size_t)sqlite3_column_bytes(st, 0);
		const char *name = sqlite3_column_blob(st, 1);
		size_t name_len = (size_t)sqlite3_column_bytes(st, 1);
		long n = path_join(buf, len, dir, dir_len, name, name_len);
		rc = n < 0 ? (int)n : 0;
	} else {
		rc = row_or_errno(step);
	}
	sqlite3_reset(st);
	return rc;
}
