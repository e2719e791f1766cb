/* A small store filled by hand (SQL INSERTs into the current schema) for the tests of
 * the views and .meta renderer, so they run without the indexer or a mount.
 *
 * SOURCE layout (dirs.path; kind; album):
 *   ''                                   the SOURCE root
 *   Takeout/Google Photos/Photos from 2019   FOLDER_YEAR
 *   Takeout/Google Photos/Holiday            album 1 "Holiday"
 *   Takeout/Google Photos/Holiday again      album 2 "Holiday" (same title)
 *   Takeout/Google Photos/Slash              album 3 "A/B"
 *   Takeout/Google Photos/Untitled(1)        album 4 "" (untitled)
 *   Takeout/Google Photos/Trash              FOLDER_TRASH
 *   Takeout/Google Photos/Empty              no media
 */
#ifndef TFS_TEST_VIEWS_FIXTURE_H
#define TFS_TEST_VIEWS_FIXTURE_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index/classify.h"
#include "index/sidecar.h"
#include "media/taken.h"
#include "store/store.h"
#include "views/views.h"

/* Taken times used below (UTC). */
#define T_MARCH_1 1553163330 /* 2019-03-21 10:15:30Z, +60 -> 11:15:30 local */
#define T_MARCH_2 1553249730 /* 2019-03-22 10:15:30Z */
#define T_NEWYEAR 1577835000 /* 2019-12-31 23:30:00Z, +120 -> 2020-01-01 local */

static inline void fx_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "fixture SQL failed: %s\n%s\n", msg ? msg : "?", sql);
		exit(2);
	}
}

static inline sqlite3 *fx_open(char *path, size_t len)
{
	snprintf(path, len, "/tmp/tfs-views-test-%d-XXXXXX", (int)getpid());
	int fd = mkstemp(path);
	if (fd < 0)
		exit(2);
	close(fd);
	unlink(path);
	sqlite3 *db;
	char err[256];
	if (store_open(path, STORE_READ_WRITE, &db, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "store_open: %s\n", err);
		exit(2);
	}
	return db;
}

static inline void fx_remove(const char *path)
{
	char side[600];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

/* Fills the layout described above; media files (files.id):
 *  1 Photos from 2019/IMG_1.jpg   item 1, sidecar 1 (exact), Canon EOS 40D, +60
 *  2 Holiday/IMG_1.jpg            item 1 (copy of 1), sidecar 2 (copy)
 *  3 Photos from 2019/IMG_2.jpg   item 3, favorited sidecar 3, T_MARCH_1
 *  4 Holiday/IMG_2.jpg            item 4 (other bytes), T_MARCH_2 -> "IMG_2 (2).jpg"
 *  5 Trash/IMG_5.jpg              in the trash folder
 *  6 Photos from 2019/IMG_6.jpg   sidecar 6 says trashed
 *  7 Photos from 2019/NEWYEAR.jpg 2020-01 local date, no camera
 *  8 Slash/IMG_8.png              album "A/B"
 *  9 Untitled(1)/IMG_9.jpg        untitled album
 * 10 Holiday again/IMG_2 (2).jpg  a real name equal to a numbered one, T_MARCH_2+1
 * 11 Photos from 2019/<bad utf-8> name with invalid UTF-8 */
static inline void fx_fill(sqlite3 *db)
{
	char sql[8192];
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO dirs(id, parent, name, path, logical, kind, album_id) VALUES"
	    " (1, NULL, x'', x'', NULL, 0, NULL),"
	    " (2, 1, CAST('Takeout' AS BLOB), CAST('Takeout' AS BLOB), NULL, 0, NULL),"
	    " (3, 2, CAST('Google Photos' AS BLOB), CAST('Takeout/Google Photos' AS BLOB), x'', 0,"
	    "  NULL),"
	    " (4, 3, CAST('Photos from 2019' AS BLOB),"
	    "  CAST('Takeout/Google Photos/Photos from 2019' AS BLOB),"
	    "  CAST('Photos from 2019' AS BLOB), %d, NULL),"
	    " (5, 3, CAST('Holiday' AS BLOB), CAST('Takeout/Google Photos/Holiday' AS BLOB),"
	    "  CAST('Holiday' AS BLOB), 0, 1),"
	    " (6, 3, CAST('Holiday again' AS BLOB),"
	    "  CAST('Takeout/Google Photos/Holiday again' AS BLOB),"
	    "  CAST('Holiday again' AS BLOB), 0, 2),"
	    " (7, 3, CAST('Slash' AS BLOB), CAST('Takeout/Google Photos/Slash' AS BLOB),"
	    "  CAST('Slash' AS BLOB), 0, 3),"
	    " (8, 3, CAST('Untitled(1)' AS BLOB), CAST('Takeout/Google Photos/Untitled(1)' AS "
	    "BLOB),"
	    "  CAST('Untitled(1)' AS BLOB), 0, 4),"
	    " (9, 3, CAST('Trash' AS BLOB), CAST('Takeout/Google Photos/Trash' AS BLOB),"
	    "  CAST('Trash' AS BLOB), %d, NULL),"
	    " (10, 3, CAST('Empty' AS BLOB), CAST('Takeout/Google Photos/Empty' AS BLOB),"
	    "  CAST('Empty' AS BLOB), 0, NULL);"
	    "INSERT INTO albums(id, logical, title) VALUES"
	    " (1, CAST('Holiday' AS BLOB), 'Holiday'), (2, CAST('Holiday again' AS BLOB), "
	    "'Holiday'),"
	    " (3, CAST('Slash' AS BLOB), 'A/B'), (4, CAST('Untitled(1)' AS BLOB), '');"
	    "INSERT INTO sidecars(id, dir_id, name, size, mtime_ns, ino, seen, kind, title,"
	    " description, taken, created, geo_lat, geo_lon, geo_alt, people, url_id, favorited,"
	    " archived, trashed) VALUES"
	    " (1, 4, CAST('IMG_1.jpg.json' AS BLOB), 100, 0, 0, 1, 0, 'IMG_1.jpg', 'Beach \"day\"',"
	    "  %d, 1600000000, 48.5, 2.25, 35.0,"
	    "  '[{\"name\":\"Ann\"},\"Bob\",\"Zo\xc3\xab\"]',"
	    "  'AF1Qip_x', 0, 0, 0),"
	    " (3, 4, CAST('IMG_2.jpg.json' AS BLOB), 100, 0, 0, 1, 0, 'IMG_2.jpg', NULL,"
	    "  %d, NULL, NULL, NULL, NULL, '[\"A/B\",\"Zoe\xcc\x88\",\"\"]', NULL, 1, 0, 0),"
	    " (6, 4, CAST('IMG_6.jpg.json' AS BLOB), 100, 0, 0, 1, 0, 'IMG_6.jpg', NULL,"
	    "  %d, NULL, NULL, NULL, NULL, '[\"Trashy\"]', NULL, 0, 0, 1);"
	    "INSERT INTO files(id, dir_id, name, size, mtime_ns, ino, seen, mime, item_id,"
	    " sidecar_id, match_rule, taken, taken_offset, taken_source, make, model,"
	    " date_time_original, orientation, iso, exposure_time, f_number, width, height)"
	    " VALUES"
	    " (1, 4, CAST('IMG_1.jpg' AS BLOB), 1000, 5000000000, 11, 1, 'image/jpeg', 1, 1, %d,"
	    "  %d, 60, %d, 'Canon', 'Canon EOS 40D', '2019:03:21 11:15:30', 1, 100, 0.004, 2.8,"
	    "  3888, 2592),"
	    " (2, 5, CAST('IMG_1.jpg' AS BLOB), 1000, 5000000000, 12, 1, 'image/jpeg', 1, 1, %d,"
	    "  %d, 60, %d, 'Canon', 'Canon EOS 40D', NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
	    " (3, 4, CAST('IMG_2.jpg' AS BLOB), 2000, 0, 13, 1, 'image/jpeg', 3, 3, %d,"
	    "  %d, 0, %d, 'NIKON CORPORATION', 'NIKON D70', NULL, NULL, NULL, NULL, NULL, NULL,"
	    "  NULL),"
	    " (4, 5, CAST('IMG_2.jpg' AS BLOB), 2100, 0, 14, 1, 'image/jpeg', 4, NULL, NULL,"
	    "  %d, 0, %d, 'NIKON CORPORATION', 'NIKON D70', NULL, NULL, NULL, NULL, NULL, NULL,"
	    "  NULL),"
	    " (5, 9, CAST('IMG_5.jpg' AS BLOB), 500, 0, 15, 1, 'image/jpeg', 5, NULL, NULL,"
	    "  %d, 0, %d, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
	    " (6, 4, CAST('IMG_6.jpg' AS BLOB), 600, 0, 16, 1, 'image/jpeg', 6, 6, %d,"
	    "  %d, 0, %d, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
	    " (7, 4, CAST('NEWYEAR.jpg' AS BLOB), 700, 0, 17, 1, 'image/jpeg', 7, NULL, NULL,"
	    "  %d, 120, %d, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
	    " (8, 7, CAST('IMG_8.png' AS BLOB), 800, 0, 18, 1, 'image/png', 8, NULL, NULL,"
	    "  %d, 0, %d, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
	    " (9, 8, CAST('IMG_9.jpg' AS BLOB), 900, 0, 19, 1, 'image/jpeg', 9, NULL, NULL,"
	    "  %d, 0, %d, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
	    " (10, 6, CAST('IMG_2 (2).jpg' AS BLOB), 1010, 0, 20, 1, 'image/jpeg', 10, NULL, NULL,"
	    "  %d, 0, %d, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
	    " (11, 4, x'4241445fff2e6a7067', 1100, 0, 21, 1, 'image/jpeg', 11, NULL, NULL,"
	    "  %d, 0, %d, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);",
	    FOLDER_YEAR, FOLDER_TRASH, T_MARCH_1, T_MARCH_1, T_MARCH_1, SC_EXACT, T_MARCH_1,
	    TAKEN_SIDECAR, SC_COPY, T_MARCH_1, TAKEN_SIDECAR, SC_EXACT, T_MARCH_1, TAKEN_SIDECAR,
	    T_MARCH_2, TAKEN_EXIF, T_MARCH_1, TAKEN_EXIF, SC_EXACT, T_MARCH_1, TAKEN_SIDECAR,
	    T_NEWYEAR, TAKEN_EXIF, T_MARCH_1, TAKEN_MTIME, T_MARCH_1, TAKEN_MTIME, T_MARCH_2 + 1,
	    TAKEN_MTIME, T_MARCH_1, TAKEN_FILENAME);
	fx_exec(db, sql);
	fx_exec(db,
	        "INSERT INTO meta(key, value) VALUES('index_finished', 1700000000),"
	        " ('source', '/src');"
	        "INSERT INTO problems(path, what) VALUES(CAST('Takeout/x.json' AS BLOB), 'bad');");
}

/* Builds the views inside a transaction, as the indexer does. */
static inline int fx_build(sqlite3 *db)
{
	char err[512];
	fx_exec(db, "BEGIN IMMEDIATE");
	int rc = views_build(db, "UTC", err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "views_build: %s\n", err);
	fx_exec(db, rc == 0 ? "COMMIT" : "ROLLBACK");
	return rc;
}

/* Resolves a slash-separated path from the root; 0 or a negative errno. */
static inline int fx_resolve(struct views *v, const char *path, struct vnode *out)
{
	struct vnode n = {.ino = INO_ROOT, .type = VN_DIR};
	const char *p = path;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		int rc = views_lookup(v, n.ino, p, len, &n);
		if (rc != 0)
			return rc;
		p += len + (slash ? 1 : 0);
	}
	*out = n;
	return 0;
}

#endif
