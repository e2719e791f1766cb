/* The CRC service without a mount: 8 threads asking for the same file's CRC
 * at once read it once and all get zlib's value; the value reaches the store
 * through the writer; a second file whose identity copy has another CRC is
 * recorded in crc_conflicts; checked opens refuse a changed file (EIO) and a
 * folder swapped for a symbolic link. */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fs/crc.h"
#include "store/store.h"

#define BIG (24 * 1024 * 1024 + 123) /* several chunks, not a multiple */

static char dir[64], db_path[96];
static struct source *src;
static struct crc_svc *svc;
static int64_t big_size, big_mtime;

static int64_t mtime_of(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	return (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

static uint32_t write_file(const char *name, size_t size, unsigned seed)
{
	char path[160];
	snprintf(path, sizeof path, "%s/src/sub/%s", dir, name);
	unsigned char *buf = malloc(size);
	if (!buf)
		exit(2);
	for (size_t i = 0; i < size; i++)
		buf[i] = (unsigned char)((i * 2654435761u) >> 13 ^ seed);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, size, f) != size || fclose(f) != 0)
		exit(2);
	uint32_t crc = (uint32_t)crc32_z(0, buf, size);
	free(buf);
	return crc;
}

struct asker {
	uint32_t crc;
	int rc;
};

static void *ask(void *p)
{
	struct asker *a = p;
	a->rc = crc_get(svc, 1, "sub/big.jpg", big_size, big_mtime, &a->crc);
	return NULL;
}

static void fill_store(uint32_t b_crc)
{
	sqlite3 *db;
	char err[256];
	CHECK_INT(store_open(db_path, STORE_READ_WRITE, &db, err, sizeof err), STORE_OK);
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "INSERT INTO dirs(id, parent, name, path) VALUES(1, NULL, x'', x''),"
	         " (2, 1, CAST('sub' AS BLOB), CAST('sub' AS BLOB));"
	         "INSERT INTO files(id, dir_id, name, size, mtime_ns, ino, seen, item_id) VALUES"
	         " (1, 2, CAST('big.jpg' AS BLOB), %lld, %lld, 1, 1, 1),"
	         " (2, 2, CAST('a.jpg' AS BLOB), 1000, 0, 2, 1, 2),"
	         " (3, 2, CAST('b.jpg' AS BLOB), 1000, 0, 3, 1, 2);"
	         "UPDATE files SET crc32 = %u WHERE id = 3;",
	         (long long)big_size, (long long)big_mtime, b_crc ^ 1u);
	CHECK_INT(store_exec(db, sql, err, sizeof err), 0);
	store_close(db);
}

static int64_t stored_crc(int64_t id)
{
	sqlite3 *db;
	char err[256];
	int64_t v = -1;
	if (store_open(db_path, STORE_READ_ONLY, &db, err, sizeof err) != STORE_OK)
		return -2;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT crc32 FROM files WHERE id = ?1", -1, &st, NULL) == 0) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	store_close(db);
	return v;
}

static int conflicts_in_store(void)
{
	sqlite3 *db;
	char err[256];
	int n = -1;
	if (store_open(db_path, STORE_READ_ONLY, &db, err, sizeof err) != STORE_OK)
		return -2;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        db,
	        "SELECT COUNT(*) FROM crc_conflicts WHERE (file_id = 2 AND other_id = 3)"
	        " OR (file_id = 3 AND other_id = 2)",
	        -1, &st, NULL) == 0) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	store_close(db);
	return n;
}

static void test_checked_open(void)
{
	struct source_file f;
	int fd = source_open_checked(src, "sub/big.jpg", big_size, big_mtime, &f) == 0 ? f.fd : -1;
	CHECK(fd >= 0);
	if (fd >= 0)
		source_close(&f);
	CHECK_INT(source_open_checked(src, "sub/big.jpg", big_size + 1, big_mtime, &f), -EIO);
	CHECK_INT(source_open_checked(src, "sub/big.jpg", big_size, big_mtime + 1, &f), -EIO);
	char from[160], to[160];
	snprintf(from, sizeof from, "%s/src/link", dir);
	snprintf(to, sizeof to, "%s/src/sub", dir);
	CHECK_INT(symlink(to, from), 0);
	int rc = source_open_checked(src, "link/big.jpg", big_size, big_mtime, &f);
	CHECK_MSG(rc == -ELOOP || rc == -EXDEV || rc == -ENOTDIR, "a link was followed: %d", rc);
	if (rc == 0)
		source_close(&f);
	unlink(from);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/tfs-crc-test-%d-XXXXXX", (int)getpid());
	if (!mkdtemp(dir))
		return 2;
	char path[160];
	snprintf(path, sizeof path, "%s/src", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/src/sub", dir);
	mkdir(path, 0755);
	snprintf(db_path, sizeof db_path, "%s/db.sqlite", dir);
	uint32_t want = write_file("big.jpg", BIG, 7);
	uint32_t a_crc = write_file("a.jpg", 1000, 1);
	snprintf(path, sizeof path, "%s/src/sub/big.jpg", dir);
	big_size = BIG;
	big_mtime = mtime_of(path);
	snprintf(path, sizeof path, "%s/src/sub/a.jpg", dir);
	int64_t a_mtime = mtime_of(path);
	fill_store(a_crc);
	{ /* a.jpg's real mtime, so the checked open accepts it */
		sqlite3 *db;
		char err[256], sql[128];
		CHECK_INT(store_open(db_path, STORE_READ_WRITE, &db, err, sizeof err), STORE_OK);
		snprintf(sql, sizeof sql, "UPDATE files SET mtime_ns = %lld WHERE id = 2",
		         (long long)a_mtime);
		CHECK_INT(store_exec(db, sql, err, sizeof err), 0);
		store_close(db);
	}
	snprintf(path, sizeof path, "%s/src", dir);
	CHECK_INT(source_open_folder(path, &src), 0);

	svc = crc_start(db_path, src, false, NULL);
	CHECK(svc != NULL);
	if (!svc)
		CHECK_DONE();
	pthread_t t[8];
	struct asker a[8];
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, ask, &a[i]);
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		CHECK_INT(a[i].rc, 0);
		CHECK_MSG(a[i].crc == want, "asker %d got %08x, want %08x", i, a[i].crc, want);
	}
	struct status_crc st;
	crc_stats(svc, &st);
	CHECK_INT(st.computed_this_mount, 1);
	CHECK_INT(st.read_this_mount_bytes, BIG);
	uint32_t got;
	CHECK_INT(crc_get(svc, 2, "sub/a.jpg", 1000, a_mtime, &got), 0);
	CHECK(got == a_crc);
	CHECK_INT(crc_get(svc, 1, "sub/big.jpg", big_size, big_mtime, &got), 0);
	crc_stats(svc, &st);
	CHECK_INT(st.computed_this_mount, 2); /* the second ask of file 1 read nothing */
	test_checked_open();
	crc_stop(svc);

	CHECK(stored_crc(1) == (int64_t)want);
	CHECK(stored_crc(2) == (int64_t)a_crc);
	CHECK_INT(conflicts_in_store(), 2);

	source_free(src);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	CHECK_DONE();
}
