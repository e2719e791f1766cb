/* The views without a mount: views_build over a hand-filled store, then
 * lookup, getattr and readdir as the FUSE handlers call them. */
#include "check.h"
#include "test_views_fixture.h"

#include <errno.h>

struct listing {
	char text[4096];
	int count;
	int stop_after; /* stop (buffer full) before entry number stop_after; 0 = never */
	int seen;
	uint64_t inos[64];
};

static int collect(void *ctx, const char *name, size_t len, const struct vnode *n)
{
	struct listing *l = ctx;
	if (l->stop_after && l->seen == l->stop_after) {
		l->seen = 0;
		return 1;
	}
	l->seen++;
	size_t at = strlen(l->text);
	if (at + len + 2 >= sizeof l->text)
		return -ENOSPC;
	if (at)
		l->text[at++] = '|';
	memcpy(l->text + at, name, len);
	l->text[at + len] = '\0';
	if (l->count < 64)
		l->inos[l->count] = n->ino;
	l->count++;
	return 0;
}

/* Lists path completely, in chunks of `chunk` entries per call (0 = one call). */
static const char *list(struct views *v, const char *path, bool hidemeta, int chunk,
                        struct listing *l)
{
	static const char *const failed = "(failed)";
	struct vnode dir;
	memset(l, 0, sizeof *l);
	l->stop_after = chunk;
	if (fx_resolve(v, path, &dir) != 0)
		return failed;
	struct views_cursor cur = {0};
	for (int calls = 0; calls < 1000; calls++) {
		int before = l->count;
		if (views_readdir(v, dir.ino, &cur, hidemeta, true, collect, l) != 0)
			return failed;
		if (l->count == before)
			return l->text;
	}
	return failed;
}

static void test_tree(struct views *v)
{
	struct listing l;
	CHECK_STR(list(v, "", false, 0, &l),
	          ".takeoutfs|by-album|by-camera|by-date|by-person|favorites|originals");
	CHECK_STR(list(v, "by-date", false, 0, &l), "2019|2020");
	CHECK_STR(list(v, "by-date/2019", false, 0, &l), "2019-03");
	/* IMG_2.jpg: item 3 is earlier than item 4, which is numbered; file 10
	 * really is called "IMG_2 (2).jpg" and keeps its name, so item 4 takes
	 * the next free number. Trash (file 5) and the trashed sidecar (file 6)
	 * stay out. */
	CHECK_STR(list(v, "by-date/2019/2019-03", true, 0, &l),
	          "BAD_\xff.jpg|IMG_1.jpg|IMG_2 (2).jpg|IMG_2 (3).jpg|IMG_2.jpg|IMG_8.png|"
	          "IMG_9.jpg");
	struct vnode n;
	CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/IMG_2.jpg", &n), 0);
	CHECK_INT(n.id, 3);
	CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/IMG_2 (2).jpg", &n), 0);
	CHECK_INT(n.id, 10);
	CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/IMG_2 (3).jpg", &n), 0);
	CHECK_INT(n.id, 4);
	CHECK_STR(list(v, "by-date/2020/2020-01", false, 0, &l), "NEWYEAR.jpg|NEWYEAR.jpg.meta");
	CHECK_STR(list(v, "by-camera", false, 0, &l), "Canon EOS 40D|NIKON D70|Unknown camera");
	CHECK_STR(list(v, "by-camera/Canon EOS 40D", false, 0, &l), "IMG_1.jpg|IMG_1.jpg.meta");
	CHECK_STR(list(v, "by-album", false, 0, &l), "A\xe2\x88\x95"
	                                             "B|Holiday|Holiday (2)|Untitled(1)");
	CHECK_STR(list(v, "by-album/Holiday", true, 0, &l), "IMG_1.jpg|IMG_2.jpg");
	CHECK_STR(list(v, "by-album/Holiday (2)", true, 0, &l), "IMG_2 (2).jpg");
	CHECK_STR(list(v, "favorites", true, 0, &l), "IMG_2.jpg");
	/* People as names or objects with a name, in NFC, cleaned as album
	 * titles; files 1 and 2 are one item; the trashed file 6 names nobody,
	 * and neither does an empty name. */
	CHECK_STR(list(v, "by-person", true, 0, &l), "Ann|A\xe2\x88\x95"
	                                             "B|Bob|Zo\xc3\xab");
	CHECK_STR(list(v, "by-person/Zo\xc3\xab", true, 0, &l), "IMG_1.jpg|IMG_2.jpg");
	CHECK_STR(list(v, "by-person/Ann", false, 0, &l), "IMG_1.jpg|IMG_1.jpg.meta");
	CHECK_STR(list(v, "by-person/Bob", true, 0, &l), "IMG_1.jpg");
	CHECK_STR(list(v, "originals", true, 0, &l), "Takeout");
	CHECK_STR(list(v, "originals/Takeout/Google Photos", true, 0, &l),
	          "Holiday|Holiday again|Photos from 2019|Slash|Trash|Untitled(1)");
	CHECK_STR(list(v, "originals/Takeout/Google Photos/Trash", false, 0, &l),
	          "IMG_5.jpg|IMG_5.jpg.meta");
	CHECK_STR(list(v, "originals/Takeout/Google Photos/Photos from 2019", true, 0, &l),
	          "BAD_\xff.jpg|IMG_1.jpg|IMG_2.jpg|IMG_6.jpg|NEWYEAR.jpg");
	CHECK_STR(list(v, ".takeoutfs", false, 0, &l), "status.json");
}

static void test_cursor_resumes(struct views *v)
{
	const char *dirs[] = {"by-date/2019/2019-03", "", "originals/Takeout/Google Photos"};
	for (size_t d = 0; d < sizeof dirs / sizeof *dirs; d++) {
		struct listing whole, part;
		char expect[4096];
		snprintf(expect, sizeof expect, "%s", list(v, dirs[d], false, 0, &whole));
		for (int chunk = 1; chunk <= 5; chunk++)
			CHECK_STR(list(v, dirs[d], false, chunk, &part), expect);
	}
}

static void test_lookup(struct views *v)
{
	struct vnode n, m;
	CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/IMG_1.jpg", &n), 0);
	CHECK_INT(n.type, VN_MEDIA);
	CHECK_INT(n.ino, ino_make(1, INO_MEDIA));
	CHECK_INT(n.size, 1000);
	CHECK_INT(n.mtime, T_MARCH_1);
	CHECK_INT(fx_resolve(v, "by-album/Holiday/IMG_1.jpg", &m), 0);
	CHECK_INT(m.ino, ino_make(2, INO_MEDIA)); /* the album's own copy */
	CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/IMG_1.jpg.meta", &n), 0);
	CHECK_INT(n.type, VN_META);
	CHECK_INT(n.ino, ino_make(1, INO_META));
	const char *text;
	size_t len;
	CHECK_INT(views_render_meta(v, 1, &text, &len), 0);
	CHECK_INT(n.size, len);
	CHECK_INT(views_getattr(v, n.ino, &m), 0);
	CHECK_INT(m.size, len);
	CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/nothing.jpg", &n), -ENOENT);
	CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/nothing.jpg.meta", &n), -ENOENT);
	CHECK_INT(fx_resolve(v, "by-date.meta", &n), -ENOENT); /* folders have no .meta */
	CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/IMG_1.jpg/x", &n), -ENOTDIR);
	CHECK_INT(fx_resolve(v, ".takeoutfs/status.json", &n), 0);
	CHECK_INT(n.ino, INO_STATUS);
	CHECK_INT(fx_resolve(v, "", &n), 0);
	CHECK_INT(fx_resolve(v, "by-person/Zoe\xcc\x88", &n), -ENOENT);
	CHECK_INT(views_getattr(v, INO_ROOT, &n), 0);
	CHECK_INT(n.type, VN_DIR);
	CHECK_INT(n.nlink, 2 + 7);
	CHECK_INT(n.mtime, 1700000000);
	CHECK_INT(views_getattr(v, ino_make(999, INO_MEDIA), &n), -ENOENT);
	CHECK_INT(views_getattr(v, ino_make(999, INO_VDIR), &n), -ENOENT);
	CHECK_INT(views_getattr(v, ino_make(7, INO_SPECIAL), &n), -ENOENT);
	/* Trash is reachable only below originals/. */
	CHECK_INT(fx_resolve(v, "originals/Takeout/Google Photos/Trash/IMG_5.jpg", &n), 0);
	CHECK_INT(fx_resolve(v, "by-camera/Unknown camera/IMG_5.jpg", &n), -ENOENT);
	CHECK_INT(fx_resolve(v, "originals/Takeout/Google Photos/Empty", &n), -ENOENT);
	char path[512];
	CHECK_INT(views_source_path(v, 2, path, sizeof path), 0);
	CHECK_STR(path, "Takeout/Google Photos/Holiday/IMG_1.jpg");
	CHECK_INT(views_source_path(v, 2, path, 10), -ENAMETOOLONG);
	CHECK_INT(views_source_path(v, 4242, path, sizeof path), -ENOENT);
}

/* The inode of every path in a few folders, as one string. */
/* NAME.EXT.xmp under -o xmp: listed after the .meta (alone with hidemeta),
 * looked up with its rendering's size, absent when not served. */
static void test_xmp_files(struct views *v)
{
	struct listing l;
	struct vnode n, m;
	const char *text;
	size_t len;
	const char *path = "by-date/2019/2019-03/IMG_1.jpg.xmp";
	CHECK_INT(fx_resolve(v, path, &n), -ENOENT);
	CHECK_INT(views_render_xmp(v, 1, &text, &len), -ENOENT);
	views_serve_xmp(v, true);
	CHECK_STR(list(v, "by-person/Ann", false, 0, &l), "IMG_1.jpg|IMG_1.jpg.meta|IMG_1.jpg.xmp");
	CHECK_STR(list(v, "by-person/Ann", true, 0, &l), "IMG_1.jpg|IMG_1.jpg.xmp");
	for (int chunk = 1; chunk <= 3; chunk++)
		CHECK_STR(list(v, "by-camera/Canon EOS 40D", false, chunk, &l),
		          "IMG_1.jpg|IMG_1.jpg.meta|IMG_1.jpg.xmp");
	CHECK_INT(fx_resolve(v, path, &n), 0);
	CHECK_INT(n.type, VN_XMP);
	CHECK_INT(n.ino, ino_xmp(1));
	CHECK(ino_is_xmp(n.ino) && ino_xmp_file(n.ino) == 1 && !ino_is_xmp(INO_STATUS));
	CHECK_INT(views_render_xmp(v, 1, &text, &len), 0);
	CHECK_INT(n.size, len);
	CHECK(strstr(text, "<rdf:li>Ann</rdf:li>") && strstr(text, "Beach \"day\""));
	CHECK_INT(views_getattr(v, n.ino, &m), 0);
	CHECK_INT(m.size, len);
	CHECK_INT(m.mtime, n.mtime);
	CHECK_INT(fx_resolve(v, "by-date.xmp", &n), -ENOENT); /* folders have no .xmp */
	CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/IMG_1.jpg.meta.xmp", &n), -ENOENT);
	views_serve_xmp(v, false);
	CHECK_INT(fx_resolve(v, path, &n), -ENOENT);
	CHECK_INT(views_getattr(v, ino_xmp(1), &n), -ENOENT);
}

static void snapshot(struct views *v, char *out, size_t len)
{
	const char *dirs[] = {"by-date/2019/2019-03", "by-album/Holiday (2)", "by-camera",
	                      "originals/Takeout/Google Photos", ""};
	out[0] = '\0';
	for (size_t d = 0; d < sizeof dirs / sizeof *dirs; d++) {
		struct listing l;
		list(v, dirs[d], false, 0, &l);
		size_t at = strlen(out);
		snprintf(out + at, len - at, "%s:", l.text);
		for (int i = 0; i < l.count && i < 64; i++) {
			at = strlen(out);
			snprintf(out + at, len - at, "%llu,", (unsigned long long)l.inos[i]);
		}
	}
}

static void test_long_names(sqlite3 *db)
{
	/* A 300-byte name in a by-* view is shortened keeping its extension, and
	 * leaves room for ".meta". */
	char sql[1024], name[301];
	memset(name, 'x', 296);
	memcpy(name + 296, ".jpg", 5);
	snprintf(sql, sizeof sql,
	         "INSERT INTO files(id, dir_id, name, size, mtime_ns, ino, seen, item_id, taken,"
	         " taken_offset) VALUES(50, 4, CAST('%s' AS BLOB), 1, 0, 50, 1, 50, %d, 120)",
	         name, T_NEWYEAR);
	fx_exec(db, sql);
	CHECK_INT(fx_build(db), 0);
	char err[256];
	struct views *v = views_open(db, 10, err, sizeof err);
	struct listing l;
	CHECK(v != NULL);
	if (!v)
		return;
	list(v, "by-date/2020/2020-01", false, 0, &l);
	CHECK_INT(l.count, 4);
	/* NEWYEAR.jpg|NEWYEAR.jpg.meta|xxx...jpg|xxx...jpg.meta */
	char *start = strchr(l.text, 'x');
	char *bar = start ? strchr(start, '|') : NULL;
	CHECK(bar && bar - start == NAMES_MEDIA_MAX);
	CHECK(bar && memcmp(bar - 4, ".jpg", 4) == 0);
	CHECK(bar && strlen(bar + 1) == NAMES_MAX &&
	      strcmp(bar + 1 + NAMES_MAX - 9, ".jpg.meta") == 0);
	views_close(v);
}

/* 3000 different items called image.jpg in one month: numbered 2..3000 in
 * (taken, path) order, in linear time. */
static void test_many_same_names(void)
{
	char path[256], err[256];
	sqlite3 *db = fx_open(path, sizeof path);
	fx_exec(db, "INSERT INTO dirs(id, parent, name, path, kind) VALUES"
	            " (1, NULL, x'', x'', 0);"
	            "WITH RECURSIVE d(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM d WHERE i < 3001)"
	            " INSERT INTO dirs(id, parent, name, path, kind)"
	            "  SELECT i, 1, CAST('d' || i AS BLOB), CAST('d' || i AS BLOB), 0 FROM d;"
	            "INSERT INTO files(id, dir_id, name, size, mtime_ns, ino, seen, item_id, taken,"
	            " taken_offset) SELECT id, id, CAST('image.jpg' AS BLOB), 1, 0, id, 1, id,"
	            " 1553163330 + 3001 - id, 0 FROM dirs WHERE id > 1;");
	CHECK_INT(fx_build(db), 0);
	struct views *v = views_open(db, 0, err, sizeof err);
	CHECK(v != NULL);
	if (v) {
		struct vnode n;
		/* The latest-taken file (id 2) is the last numbered. */
		CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/image.jpg", &n), 0);
		CHECK_INT(n.id, 3001);
		CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/image (2).jpg", &n), 0);
		CHECK_INT(n.id, 3000);
		CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/image (3000).jpg", &n), 0);
		CHECK_INT(n.id, 2);
		CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/image (3001).jpg", &n), -ENOENT);
		views_close(v);
	}
	store_close(db);
	fx_remove(path);
}

/* Equal taken times: the source path decides, compared as whole paths
 * ("a b/x.jpg" sorts before "a/x.jpg" because ' ' < '/'). */
static void test_path_order(void)
{
	char path[256], err[256];
	sqlite3 *db = fx_open(path, sizeof path);
	fx_exec(db,
	        "INSERT INTO dirs(id, parent, name, path, kind) VALUES"
	        " (1, NULL, x'', x'', 0), (2, 1, CAST('a' AS BLOB), CAST('a' AS BLOB), 0),"
	        " (3, 1, CAST('a b' AS BLOB), CAST('a b' AS BLOB), 0);"
	        "INSERT INTO files(id, dir_id, name, size, mtime_ns, ino, seen, item_id, taken,"
	        " taken_offset) VALUES (1, 2, CAST('x.jpg' AS BLOB), 1, 0, 1, 1, 1, 1553163330, 0),"
	        " (2, 3, CAST('x.jpg' AS BLOB), 2, 0, 2, 1, 2, 1553163330, 0);");
	CHECK_INT(fx_build(db), 0);
	struct views *v = views_open(db, 0, err, sizeof err);
	struct vnode n;
	CHECK(v != NULL);
	if (v) {
		CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/x.jpg", &n), 0);
		CHECK_INT(n.id, 2);
		CHECK_INT(fx_resolve(v, "by-date/2019/2019-03/x (2).jpg", &n), 0);
		CHECK_INT(n.id, 1);
		views_close(v);
	}
	store_close(db);
	fx_remove(path);
}

int main(void)
{
	char path[256], err[256];
	sqlite3 *db = fx_open(path, sizeof path);
	fx_fill(db);
	CHECK_INT(fx_build(db), 0);
	struct views *v = views_open(db, 123, err, sizeof err);
	CHECK_MSG(v != NULL, "%s", err);
	if (!v)
		CHECK_DONE();
	test_tree(v);
	test_cursor_resumes(v);
	test_lookup(v);
	test_xmp_files(v);

	/* Same inputs, same names and inode numbers. */
	char before[8192], after[8192];
	snapshot(v, before, sizeof before);
	views_close(v);
	CHECK_INT(fx_build(db), 0);
	v = views_open(db, 123, err, sizeof err);
	snapshot(v, after, sizeof after);
	CHECK_STR(after, before);
	views_close(v);

	test_long_names(db);
	store_close(db);
	fx_remove(path);
	test_many_same_names();
	test_path_order();
	CHECK_DONE();
}
