/* The indexer end to end on a small real Takeout built from the bundled
 * camera files: matching, duplicates, albums, problems, the incremental
 * re-run that opens nothing, source changes, and recovery from a pass that
 * was cut short. Checks go through the SQLite store the indexer wrote. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "index/indexer.h"
#include "store/store.h"
#include "views/views.h"

static char root[512], src[600], db_path[600], data_dir[512];

static void write_file(const char *rel, const char *text)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", src, rel);
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static void copy_file(const char *from_data, const char *rel)
{
	char in[1024], out[1024], buf[65536];
	snprintf(in, sizeof in, "%s/%s", data_dir, from_data);
	snprintf(out, sizeof out, "%s/%s", src, rel);
	FILE *a = fopen(in, "rb"), *b = fopen(out, "wb");
	if (!a || !b) {
		fprintf(stderr, "cannot copy %s to %s\n", in, out);
		exit(2);
	}
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, a)) > 0)
		fwrite(buf, 1, n, b);
	fclose(a);
	fclose(b);
}

static void make_dir(const char *rel)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", src, rel);
	mkdir(path, 0755);
}

static const char SIDECAR_1[] =
    "{\n  \"title\": \"IMG_1.jpg\",\n  \"description\": \"\",\n"
    "  \"photoTakenTime\": {\"timestamp\": \"1552124130\", \"formatted\": \"x\"},\n"
    "  \"geoData\": {\"latitude\": 48.5, \"longitude\": 2.25, \"altitude\": 10.0},\n"
    "  \"people\": [{\"name\": \"Susan\"}],\n  \"favorited\": true,\n"
    "  \"url\": \"https://photos.google.com/photo/AF1QipABC\"\n}\n";
static const char SIDECAR_3[] = "{\"title\": \"IMG_3.jpg\", \"photoTakenTime\": "
                                "{\"timestamp\": \"1262347200\"}, \"url\": \"odd\"}";

static void build_tree(void)
{
	make_dir("Takeout");
	make_dir("Takeout/Google Photos");
	make_dir("Takeout/Google Photos/Photos from 2019");
	make_dir("Takeout/Google Photos/Trip to Paris");
	make_dir("Takeout/Google Photos/Trash");
	copy_file("canon_eos40d_1.jpg", "Takeout/Google Photos/Photos from 2019/IMG_1.jpg");
	write_file("Takeout/Google Photos/Photos from 2019/IMG_1.jpg.json", SIDECAR_1);
	copy_file("nikon_d70_1.jpg", "Takeout/Google Photos/Photos from 2019/IMG_2.jpg");
	copy_file("canon_eos40d_1.jpg", "Takeout/Google Photos/Trip to Paris/IMG_1.jpg");
	write_file("Takeout/Google Photos/Trip to Paris/metadata.json",
	           "{\"title\": \"Trip to Paris\", \"description\": \"spring\"}");
	copy_file("ricoh_capliog3_1.jpg", "Takeout/Google Photos/Trash/IMG_3.jpg");
	write_file("Takeout/Google Photos/Trash/IMG_3.jpg.supplemental-metadata.json", SIDECAR_3);
	write_file("Takeout/Google Photos/Photos from 2019/broken.json", "{\"title\": ");
	write_file("Takeout/Google Photos/Photos from 2019/notes.txt", "not media");
	char path[1024];
	snprintf(path, sizeof path, "%s/Takeout/Google Photos/Photos from 2019/pipe", src);
	mkfifo(path, 0644);
	snprintf(path, sizeof path, "%s/Takeout/Google Photos/Photos from 2019/escape.jpg", src);
	if (symlink("/etc/passwd", path) != 0)
		perror("symlink");
}

static int run(struct index_summary *sum, bool reindex)
{
	const char *sources[] = {src};
	struct index_options opt = {.sources = sources,
	                            .n_sources = 1,
	                            .db_path = db_path,
	                            .threads = 2,
	                            .reindex = reindex,
	                            .derive = views_build};
	char err[512] = "";
	int rc = indexer_run(&opt, sum, err, sizeof err);
	if (rc != INDEX_OK)
		fprintf(stderr, "indexer_run: %d: %s\n", rc, err);
	return rc;
}

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;
	char err[256];
	if (store_open(db_path, STORE_READ_ONLY, &db, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	return db;
}

static long long query_int(const char *sql)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	} else {
		fprintf(stderr, "query failed: %s: %s\n", sql, sqlite3_errmsg(db));
	}
	store_close(db);
	return v;
}

static char *query_text(const char *sql)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st;
	char *v = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			v = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	store_close(db);
	return v;
}

/* A digest of everything the indexer derives, to compare two stores. */
static char *store_digest(void)
{
	return query_text(
	    "SELECT group_concat(x, '|') FROM (SELECT CAST(d.path AS TEXT) || '/' ||"
	    " CAST(f.name AS TEXT) || ':' || f.id || ':' || COALESCE(f.sidecar_id, '-') || ':'"
	    " || COALESCE(f.match_rule, '-') || ':' || f.item_id || ':' || f.taken || ':' ||"
	    " f.taken_source || ':' || COALESCE(f.make, '-') AS x FROM files f JOIN dirs d"
	    " ON d.id = f.dir_id ORDER BY d.path, f.name)");
}

static void check_first_index(const struct index_summary *s)
{
	CHECK_INT(s->media, 4);
	CHECK_INT(s->distinct, 3);
	CHECK_INT(s->duplicates, 1);
	CHECK_INT(s->sidecars, 2);
	CHECK_INT(s->albums, 1);
	CHECK(s->problems >= 3); /* broken JSON, FIFO, symbolic link */
	CHECK(s->changed);
	CHECK(s->opened >= 7);
	/* IMG_1 in the year folder: exact match, sidecar date, EXIF make. */
	CHECK_INT(query_int("SELECT match_rule FROM files WHERE name = CAST('IMG_1.jpg' AS BLOB)"
	                    " AND dir_id = (SELECT id FROM dirs WHERE kind = 1)"),
	          1);
	CHECK_INT(query_int("SELECT taken FROM files f JOIN dirs d ON d.id = f.dir_id"
	                    " WHERE d.kind = 1 AND f.name = CAST('IMG_1.jpg' AS BLOB)"),
	          1552124130);
	CHECK_INT(query_int("SELECT taken_source FROM files f JOIN dirs d ON d.id = f.dir_id"
	                    " WHERE d.kind = 1 AND f.name = CAST('IMG_1.jpg' AS BLOB)"),
	          1);
	char *make = query_text("SELECT make FROM files WHERE name = CAST('IMG_2.jpg' AS BLOB)");
	CHECK_STR(make, "NIKON CORPORATION");
	free(make);
	/* The album copy is the same item and borrows the year folder's sidecar (rule 9). */
	CHECK_INT(query_int("SELECT COUNT(DISTINCT item_id) FROM files"
	                    " WHERE name = CAST('IMG_1.jpg' AS BLOB)"),
	          1);
	CHECK_INT(query_int("SELECT match_rule FROM files f JOIN dirs d ON d.id = f.dir_id"
	                    " WHERE d.album_id IS NOT NULL"),
	          10);
	char *title = query_text("SELECT title FROM albums");
	CHECK_STR(title, "Trip to Paris");
	free(title);
	/* The representative of the group is the year-folder copy. */
	CHECK_INT(query_int("SELECT COUNT(*) FROM files f JOIN dirs d ON d.id = f.dir_id"
	                    " WHERE d.kind = 1 AND f.item_id = f.id"
	                    " AND f.name = CAST('IMG_1.jpg' AS BLOB)"),
	          1);
	/* New-style sidecar in the trash matched; IMG_2 has none. */
	CHECK_INT(query_int("SELECT match_rule FROM files WHERE name = CAST('IMG_3.jpg' AS BLOB)"),
	          1);
	CHECK_INT(query_int("SELECT sidecar_id IS NULL FROM files"
	                    " WHERE name = CAST('IMG_2.jpg' AS BLOB)"),
	          1);
	CHECK_INT(
	    query_int("SELECT taken_source FROM files WHERE name = CAST('IMG_2.jpg' AS BLOB)"), 2);
	CHECK_INT(query_int("SELECT COUNT(*) FROM problems WHERE what LIKE 'symbolic link%'"), 1);
	CHECK_INT(query_int("SELECT COUNT(*) FROM sidecars WHERE problem LIKE 'broken JSON%'"), 1);
	CHECK_INT(query_int("SELECT value FROM meta WHERE key = 'index_complete'"), 1);
}

static void check_unchanged_rerun(const char *digest)
{
	struct index_summary s;
	CHECK_INT(run(&s, false), INDEX_OK);
	CHECK_INT(s.opened, 0);
	CHECK(!s.changed);
	CHECK_INT(s.media, 4);
	CHECK_INT(s.distinct, 3);
	char *again = store_digest();
	CHECK_STR(again, digest);
	free(again);
}

static void check_source_changes(void)
{
	/* A new photo, a vanished one, and a sidecar rewritten with a new date. */
	copy_file("motorola_xt1575_1.jpg", "Takeout/Google Photos/Photos from 2019/IMG_4.jpg");
	char path[1024];
	snprintf(path, sizeof path, "%s/Takeout/Google Photos/Photos from 2019/IMG_2.jpg", src);
	CHECK(unlink(path) == 0);
	write_file(
	    "Takeout/Google Photos/Photos from 2019/IMG_1.jpg.json",
	    "{\"title\": \"IMG_1.jpg\", \"photoTakenTime\": {\"timestamp\": \"1600000000\"}}");
	struct index_summary s;
	CHECK_INT(run(&s, false), INDEX_OK);
	CHECK(s.changed);
	CHECK_INT(s.media, 4);
	CHECK_INT(s.removed, 1);
	CHECK_INT(s.opened, 2); /* the new photo and the rewritten sidecar */
	CHECK_INT(query_int("SELECT COUNT(*) FROM files WHERE name = CAST('IMG_2.jpg' AS BLOB)"),
	          0);
	/* Both copies of IMG_1 follow the new sidecar date, without being re-read. */
	CHECK_INT(query_int("SELECT COUNT(*) FROM files WHERE name = CAST('IMG_1.jpg' AS BLOB)"
	                    " AND taken = 1600000000"),
	          2);
}

static void check_interrupted_pass_recovers(void)
{
	char *before = store_digest();
	/* What a kill -9 mid-pass leaves: the completion flag down, derived
	 * columns stale. The next pass must rebuild them without re-reading. */
	sqlite3 *db;
	char err[256];
	CHECK(store_open(db_path, STORE_READ_WRITE, &db, err, sizeof err) == STORE_OK);
	CHECK(store_exec(
	          db,
	          "UPDATE meta SET value = 0 WHERE key = 'index_complete';"
	          "UPDATE files SET item_id = NULL, taken = 0;"
	          "UPDATE files SET sidecar_id = NULL, match_rule = NULL WHERE match_rule = 10;"
	          "DELETE FROM albums;",
	          err, sizeof err) == 0);
	store_close(db);
	struct index_summary s;
	CHECK_INT(run(&s, false), INDEX_OK);
	CHECK_INT(s.opened, 0);
	char *after = store_digest();
	CHECK_STR(after, before);
	CHECK_INT(query_int("SELECT COUNT(*) FROM albums"), 1);
	free(before);
	free(after);
}

/* Full CRCs overrule the identity key: two copies whose CRCs differ (an
 * identity-key collision) are split into two items by the next pass. */
static void check_crc_splits_identity_collisions(void)
{
	sqlite3 *db;
	char err[256];
	CHECK(store_open(db_path, STORE_READ_WRITE, &db, err, sizeof err) == STORE_OK);
	CHECK(store_exec(db,
	                 "UPDATE files SET crc32 = 1 WHERE name = CAST('IMG_1.jpg' AS BLOB)"
	                 " AND dir_id = (SELECT id FROM dirs WHERE kind = 1);"
	                 "UPDATE files SET crc32 = 2 WHERE name = CAST('IMG_1.jpg' AS BLOB)"
	                 " AND dir_id = (SELECT id FROM dirs WHERE album_id IS NOT NULL);"
	                 "UPDATE meta SET value = 0 WHERE key = 'index_complete';",
	                 err, sizeof err) == 0);
	store_close(db);
	struct index_summary s;
	CHECK_INT(run(&s, false), INDEX_OK);
	CHECK_INT(query_int("SELECT COUNT(DISTINCT item_id) FROM files"
	                    " WHERE name = CAST('IMG_1.jpg' AS BLOB)"),
	          2);
	/* With equal CRCs they are one item again. */
	CHECK(store_open(db_path, STORE_READ_WRITE, &db, err, sizeof err) == STORE_OK);
	CHECK(store_exec(db,
	                 "UPDATE files SET crc32 = 1 WHERE name = CAST('IMG_1.jpg' AS BLOB);"
	                 "UPDATE meta SET value = 0 WHERE key = 'index_complete';",
	                 err, sizeof err) == 0);
	store_close(db);
	CHECK_INT(run(&s, false), INDEX_OK);
	CHECK_INT(query_int("SELECT COUNT(DISTINCT item_id) FROM files"
	                    " WHERE name = CAST('IMG_1.jpg' AS BLOB)"),
	          1);
	/* A recorded conflict goes once a file of the pair loses its CRC (rewritten). */
	CHECK(store_open(db_path, STORE_READ_WRITE, &db, err, sizeof err) == STORE_OK);
	CHECK(store_exec(db,
	                 "INSERT INTO crc_conflicts SELECT a.id, b.id FROM files a, files b"
	                 " WHERE a.name = CAST('IMG_1.jpg' AS BLOB)"
	                 " AND b.name = CAST('IMG_1.jpg' AS BLOB) AND a.id != b.id;"
	                 "UPDATE files SET crc32 = NULL WHERE id = (SELECT MIN(id) FROM files"
	                 " WHERE name = CAST('IMG_1.jpg' AS BLOB));"
	                 "UPDATE meta SET value = 0 WHERE key = 'index_complete';",
	                 err, sizeof err) == 0);
	store_close(db);
	CHECK_INT(run(&s, false), INDEX_OK);
	CHECK_INT(query_int("SELECT COUNT(*) FROM crc_conflicts"), 0);
}

static void check_reindex_keeps_ids(void)
{
	char *before = store_digest();
	struct index_summary s;
	CHECK_INT(run(&s, true), INDEX_OK);
	CHECK(s.opened >= 6);
	char *after = store_digest();
	CHECK_STR(after, before);
	free(before);
	free(after);
}

/* A 1 MiB description and 5,000 people are kept bounded, with a problem noted. */
static void check_huge_sidecar_is_bounded(void)
{
	size_t n = 1 << 20;
	char *json = malloc(n + 200000);
	CHECK(json != NULL);
	size_t len = (size_t)sprintf(json, "{\"title\": \"IMG_9.jpg\", \"photoTakenTime\": "
	                                   "{\"timestamp\": \"1262347200\"}, \"description\": \"");
	memset(json + len, 'x', n);
	len += n;
	len += (size_t)sprintf(json + len, "\", \"people\": [");
	for (int i = 0; i < 5000; i++)
		len += (size_t)sprintf(json + len, "%s{\"name\": \"P%d\"}", i ? ", " : "", i);
	strcpy(json + len, "]}");
	copy_file("ricoh_capliog3_1.jpg", "Takeout/Google Photos/Photos from 2019/IMG_9.jpg");
	write_file("Takeout/Google Photos/Photos from 2019/IMG_9.jpg.json", json);
	free(json);
	struct index_summary s;
	CHECK_INT(run(&s, false), INDEX_OK);
	CHECK_INT(query_int("SELECT length(description) FROM sidecars"
	                    " WHERE name = CAST('IMG_9.jpg.json' AS BLOB)"),
	          64 * 1024);
	CHECK_INT(query_int("SELECT json_array_length(people) FROM sidecars"
	                    " WHERE name = CAST('IMG_9.jpg.json' AS BLOB)"),
	          1000);
	CHECK_INT(query_int("SELECT problem LIKE '%shortened%' FROM sidecars"
	                    " WHERE name = CAST('IMG_9.jpg.json' AS BLOB)"),
	          1);
	CHECK_INT(query_int("SELECT taken FROM files WHERE name = CAST('IMG_9.jpg' AS BLOB)"),
	          1262347200);
}

static void check_errors(void)
{
	const char *sources[] = {"/nonexistent/takeout"};
	struct index_options opt = {
	    .sources = sources, .n_sources = 1, .db_path = db_path, .derive = views_build};
	struct index_summary s;
	char err[512] = "";
	CHECK_INT(indexer_run(&opt, &s, err, sizeof err), INDEX_ERR_SOURCE);
	CHECK(strstr(err, "/nonexistent/takeout") != NULL);
	char empty[700];
	snprintf(empty, sizeof empty, "%s/empty", root);
	mkdir(empty, 0755);
	char other_db[700];
	snprintf(other_db, sizeof other_db, "%s/other.sqlite", root);
	sources[0] = empty;
	opt.db_path = other_db;
	CHECK_INT(indexer_run(&opt, &s, err, sizeof err), INDEX_ERR_NOT_TAKEOUT);
	CHECK(strstr(err, "no photos or videos") != NULL);
	/* A store from the future is refused, untouched. */
	sqlite3 *db;
	CHECK(store_open(db_path, STORE_READ_WRITE, &db, err, sizeof err) == STORE_OK);
	CHECK(store_meta_set_int(db, "schema_version", STORE_SCHEMA_VERSION + 1) == 0);
	store_close(db);
	sources[0] = src;
	opt.db_path = db_path;
	CHECK_INT(indexer_run(&opt, &s, err, sizeof err), INDEX_ERR_STORE_NEWER);
	CHECK(strstr(err, "newer") != NULL);
}

/* sidecars.url is virtual: the usual prefix is not stored, any other url is. */
static void check_url_columns(void)
{
	char *url = query_text("SELECT url FROM sidecars WHERE url_id IS NOT NULL");
	CHECK_STR(url ? url : "", "https://photos.google.com/photo/AF1QipABC");
	free(url);
	url = query_text("SELECT url_id FROM sidecars WHERE url_id IS NOT NULL");
	CHECK_STR(url ? url : "", "AF1QipABC");
	free(url);
	url = query_text("SELECT url FROM sidecars WHERE url_other IS NOT NULL");
	CHECK_STR(url ? url : "", "odd");
	free(url);
}

/* A store of schema 1 is refused for serving and emptied, then filled
 * again, by the next index pass. */
static void check_older_store_is_rebuilt(void)
{
	sqlite3 *db;
	CHECK_INT(sqlite3_open(db_path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "UPDATE meta SET value = 1 WHERE key = 'schema_version'", NULL,
	                       NULL, NULL),
	          SQLITE_OK);
	sqlite3_close(db);
	char err[512] = "";
	CHECK_INT(store_open(db_path, STORE_READ_ONLY, &db, err, sizeof err), STORE_ERR_CORRUPT);
	CHECK_MSG(strstr(err, "older takeoutfs") != NULL, "message: %s", err);
	/* Opened for writing: emptied, and the old pages given back. */
	CHECK_INT(store_open(db_path, STORE_READ_WRITE, &db, err, sizeof err), STORE_OK);
	CHECK_INT(store_query_int(db, "SELECT COUNT(*) FROM files", -1), 0);
	CHECK_INT(store_query_int(db, "PRAGMA freelist_count", -1), 0);
	store_close(db);
	struct index_summary sum;
	CHECK_INT(run(&sum, false), INDEX_OK);
	CHECK_MSG(sum.opened > 0, "an emptied store is filled by a full pass (opened %llu)",
	          (unsigned long long)sum.opened);
	CHECK_INT(query_int("SELECT value FROM meta WHERE key = 'schema_version'"),
	          STORE_SCHEMA_VERSION);

	CHECK_INT(query_int("SELECT COUNT(*) FROM files WHERE name = CAST('IMG_2.jpg' AS BLOB)"),
	          1);
}

/* Empty media files identify nothing: three of them, each with its own
 * sidecar, stay three items, each with a problem noted. */
static void check_empty_files_are_not_copies(void)
{
	make_dir("Takeout/Google Photos/Photos from 2021");
	for (int i = 1; i <= 3; i++) {
		char rel[128], json[256];
		snprintf(rel, sizeof rel, "Takeout/Google Photos/Photos from 2021/EMPTY_%d.jpg", i);
		write_file(rel, "");
		snprintf(rel, sizeof rel,
		         "Takeout/Google Photos/Photos from 2021/EMPTY_%d.jpg.json", i);
		snprintf(json, sizeof json,
		         "{\"title\": \"EMPTY_%d.jpg\", \"photoTakenTime\": "
		         "{\"timestamp\": \"16%d0000000\"}}",
		         i, i);
		write_file(rel, json);
	}
	struct index_summary s;
	CHECK_INT(run(&s, false), INDEX_OK);
	const char *empty = " FROM files WHERE CAST(name AS TEXT) LIKE 'EMPTY_%.jpg'";
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT COUNT(DISTINCT item_id)%s", empty);
	CHECK_INT(query_int(sql), 3);
	snprintf(sql, sizeof sql, "SELECT COUNT(*)%s AND ident IS NULL AND size = 0", empty);
	CHECK_INT(query_int(sql), 3);
	snprintf(sql, sizeof sql, "SELECT COUNT(*)%s AND problem LIKE 'empty file%%'", empty);
	CHECK_INT(query_int(sql), 3);
	snprintf(sql, sizeof sql, "SELECT COUNT(DISTINCT taken)%s", empty);
	CHECK_INT(query_int(sql), 3);
}

int main(void)
{
	const char *srcdir = getenv("TFS_SRC");
	snprintf(data_dir, sizeof data_dir, "%s/tests/data", srcdir ? srcdir : "..");
	snprintf(root, sizeof root, "/tmp/tfs-test-indexer-XXXXXX");
	if (!mkdtemp(root))
		return 2;
	snprintf(src, sizeof src, "%s/src", root);
	snprintf(db_path, sizeof db_path, "%s/store.sqlite", root);
	mkdir(src, 0755);
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	build_tree();

	struct index_summary s;
	CHECK_INT(run(&s, false), INDEX_OK);
	check_first_index(&s);
	check_url_columns();
	check_older_store_is_rebuilt();
	char *digest = store_digest();
	check_unchanged_rerun(digest);
	free(digest);
	check_source_changes();
	check_interrupted_pass_recovers();
	check_crc_splits_identity_collisions();
	check_reindex_keeps_ids();
	check_huge_sidecar_is_bounded();
	check_empty_files_are_not_copies();
	check_errors();

	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", root);
	CHECK_DONE();
}
