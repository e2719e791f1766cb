/* The recorded .meta sizes: equal to the renderings, used by lookups while
 * they belong to the store's generation, ignored (rendered instead) once the
 * generation moves on, and not rebuilt while current. The .xmp sizes the
 * same, built when asked for even while the .meta sizes are current. */
#include "check.h"
#include "test_views_fixture.h"

#include "store/xmp_sizes.h"
#include "views/meta_sizes.h"

#define N_FILES 11

static sqlite3 *open_read_only(const char *path)
{
	sqlite3 *db = NULL;
	char err[256];
	if (store_open(path, STORE_READ_ONLY, &db, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	return db;
}

/* Every .meta's getattr size equals its rendering; returns how many agreed. */
static int count_sizes_equal_to_renderings(const char *path)
{
	sqlite3 *db = open_read_only(path);
	char err[256];
	struct views *v = views_open(db, 100, err, sizeof err);
	CHECK_MSG(v != NULL, "%s", err);
	int agree = 0;
	for (int64_t id = 1; v && id <= N_FILES; id++) {
		const char *text;
		size_t len;
		struct vnode n;
		if (views_render_meta(v, id, &text, &len) != 0 ||
		    views_getattr(v, ino_make(id, INO_META), &n) != 0)
			continue;
		CHECK_MSG(n.size == len, "file %lld: getattr %llu, rendering %zu", (long long)id,
		          (unsigned long long)n.size, len);
		agree += n.size == len;
	}
	views_close(v);
	store_close(db);
	return agree;
}

struct listed {
	uint64_t size_of_img1_meta;
	int metas;
};

static int note_entry(void *ctx, const char *name, size_t len, const struct vnode *n)
{
	struct listed *l = ctx;
	if (n->type == VN_META)
		l->metas++;
	if (len == strlen("IMG_1.jpg.meta") && memcmp(name, "IMG_1.jpg.meta", len) == 0)
		l->size_of_img1_meta = n->size;
	return 0;
}

/* The size readdirplus gives Photos from 2019/IMG_1.jpg.meta (file 1). */
static uint64_t listed_meta_size(const char *path)
{
	sqlite3 *db = open_read_only(path);
	char err[256];
	struct views *v = views_open(db, 100, err, sizeof err);
	struct vnode dir = {0};
	struct listed l = {0};
	CHECK_INT(v ? fx_resolve(v, "originals/Takeout/Google Photos/Photos from 2019", &dir) : -1,
	          0);
	struct views_cursor cur = {0};
	CHECK_INT(v ? views_readdir(v, dir.ino, &cur, false, true, note_entry, &l) : -1, 0);
	CHECK_MSG(l.metas >= 4, "%d .meta files listed", l.metas);
	views_close(v);
	store_close(db);
	return l.size_of_img1_meta;
}

static uint64_t meta_getattr_size(const char *path, int64_t id)
{
	sqlite3 *db = open_read_only(path);
	char err[256];
	struct views *v = views_open(db, 100, err, sizeof err);
	struct vnode n = {0};
	CHECK_INT(v ? views_getattr(v, ino_make(id, INO_META), &n) : -1, 0);
	views_close(v);
	store_close(db);
	return n.size;
}

/* Every .xmp's getattr size equals its rendering; returns how many agreed. */
static int count_xmp_sizes_equal_to_renderings(const char *path)
{
	sqlite3 *db = open_read_only(path);
	char err[256];
	struct views *v = views_open(db, 100, err, sizeof err);
	CHECK_MSG(v != NULL, "%s", err);
	if (v)
		views_serve_xmp(v, true);
	int agree = 0;
	for (int64_t id = 1; v && id <= N_FILES; id++) {
		const char *text;
		size_t len;
		struct vnode n;
		if (views_getattr(v, ino_xmp(id), &n) != 0 ||
		    views_render_xmp(v, id, &text, &len) != 0)
			continue;
		CHECK_MSG(n.size == len, "file %lld: xmp getattr %llu, rendering %zu",
		          (long long)id, (unsigned long long)n.size, len);
		agree += n.size == len;
	}
	views_close(v);
	store_close(db);
	return agree;
}

static void test_xmp_sizes(const char *path, sqlite3 *db)
{
	char err[512];
	CHECK(meta_sizes_valid(db) && !store_xmp_sizes_valid(db));
	CHECK_INT(meta_sizes_build_with_xmp(path, 2, true, err, sizeof err), 0);
	CHECK(store_xmp_sizes_valid(db));
	CHECK_INT(count_xmp_sizes_equal_to_renderings(path), N_FILES);
	/* Read from the table while current. */
	fx_exec(db, "UPDATE xmp_sizes SET size = 5 WHERE file_id = 2");
	sqlite3 *ro = open_read_only(path);
	struct store_xmp_sizes *r = store_xmp_sizes_open(ro);
	uint64_t size = 0;
	CHECK(r && store_xmp_size_get(r, 2, &size) && size == 5);
	CHECK(!store_xmp_size_get(r, 999, &size));
	store_xmp_sizes_close(r);
	store_close(ro);
	/* Ignored once the generation moves on. */
	fx_exec(db, "UPDATE meta SET value = 9 WHERE key = 'generation'");
	CHECK(!store_xmp_sizes_valid(db));
	CHECK_INT(count_xmp_sizes_equal_to_renderings(path), N_FILES);
	CHECK_INT(meta_sizes_build_with_xmp(path, 1, true, err, sizeof err), 0);
	CHECK(meta_sizes_valid(db) && store_xmp_sizes_valid(db));
}

int main(void)
{
	char path[256], err[512];
	sqlite3 *db = fx_open(path, sizeof path);
	fx_fill(db);
	CHECK_INT(fx_build(db), 0);
	fx_exec(db, "INSERT OR REPLACE INTO meta(key, value) VALUES('generation', 7)");
	CHECK(!meta_sizes_valid(db));

	CHECK_INT(meta_sizes_build(path, 3, err, sizeof err), 0);
	CHECK(meta_sizes_valid(db));
	sqlite3_stmt *st;
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM meta_sizes", -1, &st, NULL),
	          SQLITE_OK);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), N_FILES);
	sqlite3_finalize(st);
	CHECK_INT(count_sizes_equal_to_renderings(path), N_FILES);

	/* A wrong recorded size shows: lookups take the table while current... */
	fx_exec(db, "UPDATE meta_sizes SET size = 3 WHERE file_id = 1");
	CHECK_INT((int)meta_getattr_size(path, 1), 3);
	CHECK_INT((int)listed_meta_size(path), 3);
	/* ...and a build while current leaves it alone. */
	CHECK_INT(meta_sizes_build(path, 2, err, sizeof err), 0);
	CHECK_INT((int)meta_getattr_size(path, 1), 3);

	/* A new generation (an index pass changed the store): ignored, then rebuilt. */
	fx_exec(db, "UPDATE meta SET value = 8 WHERE key = 'generation'");
	CHECK(!meta_sizes_valid(db));
	CHECK_INT(count_sizes_equal_to_renderings(path), N_FILES);
	CHECK((int)listed_meta_size(path) > 3);
	CHECK_INT(meta_sizes_build(path, 1, err, sizeof err), 0);
	CHECK(meta_sizes_valid(db));
	CHECK_INT(count_sizes_equal_to_renderings(path), N_FILES);
	test_xmp_sizes(path, db);

	/* A store that cannot be opened: an error, not a crash. */
	CHECK_INT(meta_sizes_build("/nonexistent-dir/x.sqlite", 2, err, sizeof err), -1);
	CHECK_MSG(err[0] != '\0', "no message");

	store_close(db);
	fx_remove(path);
	CHECK_DONE();
}
