/* The .meta and status.json renderers over a hand-filled store: every key of
 * interface.md present, values from the right tables, valid JSON for
 * hostile names, and a size that does not change when the CRC arrives. */
#include "check.h"
#include "test_views_fixture.h"

#include <cjson/cJSON.h>
#include <errno.h>

#include "util/ustr.h"
#include "views/meta.h"

static cJSON *render(struct meta *m, int64_t id, struct jbuf *b)
{
	int rc = meta_render(m, id, b);
	CHECK_INT(rc, 0);
	if (rc != 0)
		return NULL;
	CHECK(ustr_valid_utf8(b->p, b->len));
	cJSON *j = cJSON_ParseWithLength(b->p, b->len);
	CHECK_MSG(j != NULL, "not JSON: %s", b->p);
	return j;
}

static const char *str(const cJSON *j, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *j, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
	return cJSON_IsNumber(v) ? v->valuedouble : -1e300;
}

static bool is_null(const cJSON *j, const char *k)
{
	return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, k));
}

static void test_full(struct meta *m, struct jbuf *b)
{
	cJSON *j = render(m, 1, b);
	if (!j)
		return;
	static const char *const keys[] = {
	    "source", "sidecar", "match",  "size",        "mime", "crc32", "taken",  "taken_source",
	    "camera", "width",   "height", "orientation", "gps",  "exif",  "google", "copies"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		CHECK_MSG(cJSON_HasObjectItem(j, keys[i]), "missing %s", keys[i]);
	CHECK_INT(cJSON_GetArraySize(j), sizeof keys / sizeof *keys);
	CHECK_STR(str(j, "source"), "Takeout/Google Photos/Photos from 2019/IMG_1.jpg");
	CHECK_STR(str(j, "sidecar"), "Takeout/Google Photos/Photos from 2019/IMG_1.jpg.json");
	CHECK_STR(str(j, "match"), "exact");
	CHECK(num(j, "size") == 1000);
	CHECK_STR(str(j, "mime"), "image/jpeg");
	CHECK(is_null(j, "crc32"));
	CHECK_STR(str(j, "taken"), "2019-03-21T11:15:30+01:00");
	CHECK_STR(str(j, "taken_source"), "sidecar");
	CHECK_STR(str(j, "camera"), "Canon EOS 40D");
	CHECK(num(j, "width") == 3888 && num(j, "height") == 2592 && num(j, "orientation") == 1);
	const cJSON *gps = cJSON_GetObjectItem(j, "gps"); /* none in EXIF: the sidecar's */
	CHECK(num(gps, "lat") == 48.5 && num(gps, "lon") == 2.25 && num(gps, "alt") == 35);
	const cJSON *exif = cJSON_GetObjectItem(j, "exif");
	CHECK_STR(str(exif, "Make"), "Canon");
	CHECK_STR(str(exif, "Model"), "Canon EOS 40D");
	CHECK_STR(str(exif, "DateTimeOriginal"), "2019:03:21 11:15:30");
	CHECK(num(exif, "ISO") == 100 && num(exif, "ExposureTime") == 0.004 &&
	      num(exif, "FNumber") == 2.8 && num(exif, "Orientation") == 1);
	CHECK(!cJSON_HasObjectItem(exif, "LensModel")); /* only present keys */
	CHECK(!cJSON_HasObjectItem(exif, "GPSLatitude"));
	CHECK(strstr(b->p, "\"ISO\": 100,") != NULL); /* integers print without a fraction */
	const cJSON *g = cJSON_GetObjectItem(j, "google");
	CHECK_STR(str(g, "title"), "IMG_1.jpg");
	CHECK_STR(str(g, "description"), "Beach \"day\"");
	CHECK(num(g, "photoTakenTime") == T_MARCH_1 && num(g, "creationTime") == 1600000000);
	CHECK(num(cJSON_GetObjectItem(g, "geoData"), "latitude") == 48.5);
	const cJSON *people = cJSON_GetObjectItem(g, "people");
	CHECK_INT(cJSON_GetArraySize(people), 3);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(people, 0)), "Ann");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(people, 1)), "Bob");
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(g, "favorited")));
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(g, "trashed")));
	/* Stored as url_id, shown whole (the virtual sidecars.url). */
	CHECK_STR(str(g, "url"), "https://photos.google.com/photo/AF1Qip_x");
	const cJSON *albums = cJSON_GetObjectItem(g, "albums");
	CHECK_INT(cJSON_GetArraySize(albums), 1);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(albums, 0)), "Holiday");
	const cJSON *copies = cJSON_GetObjectItem(j, "copies");
	CHECK_INT(cJSON_GetArraySize(copies), 1);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(copies, 0)),
	          "Takeout/Google Photos/Holiday/IMG_1.jpg");
	cJSON_Delete(j);

	/* The album copy borrowed the sidecar (rule 9) and lists file 1 as its copy. */
	j = render(m, 2, b);
	CHECK_STR(str(j, "match"), "copy");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "copies"), 0)),
	          "Takeout/Google Photos/Photos from 2019/IMG_1.jpg");
	cJSON_Delete(j);
}

static void test_sparse(struct meta *m, struct jbuf *b)
{
	/* No sidecar, no camera, an untitled album, invalid UTF-8 in a name. */
	cJSON *j = render(m, 9, b);
	CHECK(is_null(j, "sidecar") && is_null(j, "match") && is_null(j, "camera") &&
	      is_null(j, "gps") && is_null(j, "width"));
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "exif")), 0);
	const cJSON *g = cJSON_GetObjectItem(j, "google");
	CHECK_INT(cJSON_GetArraySize(g), 1);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(g, "albums"), 0)),
	          "Untitled(1)");
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "copies")), 0);
	CHECK_STR(str(j, "taken_source"), "mtime");
	cJSON_Delete(j);
	j = render(m, 11, b);
	CHECK_STR(str(j, "source"), "Takeout/Google Photos/Photos from 2019/BAD_\xef\xbf\xbd.jpg");
	cJSON_Delete(j);
	j = render(m, 8, b);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(
	              cJSON_GetObjectItem(cJSON_GetObjectItem(j, "google"), "albums"), 0)),
	          "A/B"); /* the title, not the folder name */
	cJSON_Delete(j);
	CHECK_INT(meta_render(m, 4242, b), -ENOENT);
}

static void test_crc_keeps_size(sqlite3 *db, struct meta *m, struct jbuf *b)
{
	CHECK_INT(meta_render(m, 3, b), 0);
	size_t before = b->len;
	fx_exec(db, "UPDATE files SET crc32 = 2882400001 WHERE id = 3"); /* 0xabcdef01 */
	cJSON *j = render(m, 3, b);
	CHECK_INT(b->len, before);
	CHECK_STR(str(j, "crc32"), "abcdef01");
	cJSON_Delete(j);
	fx_exec(db, "UPDATE files SET crc32 = 15 WHERE id = 3");
	j = render(m, 3, b);
	CHECK_INT(b->len, before);
	CHECK_STR(str(j, "crc32"), "0000000f");
	cJSON_Delete(j);
}

static int copies_count(const cJSON *j)
{
	return cJSON_GetArraySize(cJSON_GetObjectItem(j, "copies"));
}

/* Files 1 and 2 share an item: once both CRCs are known and differ, the copy
 * is dropped from "copies" and the rendering keeps its length. */
static void test_crc_collision(sqlite3 *db, struct meta *m, struct jbuf *b)
{
	cJSON *j = render(m, 1, b);
	size_t before = b->len;
	CHECK_INT(copies_count(j), 1);
	cJSON_Delete(j);
	fx_exec(db, "UPDATE files SET crc32 = 5 WHERE id = 2");
	uint32_t same = 5, other = 6;
	bool known = false;
	CHECK_INT(meta_render_crc(m, 1, &same, b, &known), 0);
	CHECK(known);
	j = cJSON_ParseWithLength(b->p, b->len);
	CHECK_INT(copies_count(j), 1);
	CHECK_STR(str(j, "crc32"), "00000005");
	cJSON_Delete(j);
	CHECK_INT(meta_render_crc(m, 1, &other, b, NULL), 0);
	CHECK_INT(b->len, before);
	j = cJSON_ParseWithLength(b->p, b->len);
	CHECK_MSG(j != NULL, "not JSON: %s", b->p);
	CHECK_INT(copies_count(j), 0);
	cJSON_Delete(j);
	/* This file's CRC unknown: nothing to compare, the copy stays. */
	CHECK_INT(meta_render_crc(m, 1, NULL, b, &known), 0);
	CHECK(!known);
	j = cJSON_ParseWithLength(b->p, b->len);
	CHECK_INT(copies_count(j), 1);
	cJSON_Delete(j);
	fx_exec(db, "UPDATE files SET crc32 = NULL WHERE id = 2");
}

static void test_status_live(sqlite3 *db, struct jbuf *b)
{
	struct jbuf base = {0}, other = {0};
	CHECK_INT(status_render(db, &base), 0);
	struct status_live zero = {0};
	struct status_live some = {.crc = {.eager = true,
	                                   .computed = 7,
	                                   .total = 11,
	                                   .computed_this_mount = 3,
	                                   .read_this_mount_bytes = 123456789012345,
	                                   .conflicts = 1},
	                           .reads = {.passthrough = true, .through = 5, .via_daemon = 9}};
	CHECK_INT(status_render_live(&base, &zero, &other), 0);
	CHECK_INT(status_render_live(&base, &some, b), 0);
	CHECK_INT(b->len, other.len); /* the size does not follow the counters */
	cJSON *j = cJSON_ParseWithLength(b->p, b->len);
	CHECK_MSG(j != NULL, "not JSON: %s", b->p);
	const cJSON *crc = cJSON_GetObjectItem(j, "crc");
	CHECK_STR(str(crc, "mode"), "eager");
	CHECK(num(crc, "computed") == 7 && num(crc, "total") == 11);
	CHECK(num(crc, "read_this_mount_bytes") == 123456789012345.0);
	const cJSON *reads = cJSON_GetObjectItem(j, "reads");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(reads, "passthrough")));
	CHECK(num(reads, "opens_passthrough") == 5 && num(reads, "opens_daemon") == 9);
	CHECK(num(j, "files") == 11);
	CHECK(cJSON_IsArray(cJSON_GetObjectItem(j, "crc_conflicts")));
	cJSON_Delete(j);
	jbuf_free(&base);
	jbuf_free(&other);
}

static void test_status(sqlite3 *db, struct jbuf *b)
{
	CHECK_INT(status_render(db, b), 0);
	cJSON *j = cJSON_ParseWithLength(b->p, b->len);
	CHECK_MSG(j != NULL, "not JSON: %s", b->p);
	CHECK(num(j, "files") == 11);
	CHECK(num(j, "items") == 10);
	CHECK(num(j, "problem_count") == 1);
	CHECK(num(cJSON_GetObjectItem(j, "index"), "index_finished") == 1700000000);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "unmatched")),
	          num(j, "unmatched_count"));
	const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "problems"), 0);
	CHECK_STR(str(p, "path"), "Takeout/x.json");
	CHECK_STR(str(p, "what"), "bad");
	cJSON_Delete(j);
}

static void test_jbuf_escapes(void)
{
	struct jbuf b = {0};
	jbuf_string(&b, "a\"b\\c\n\x01\0z", 9);
	CHECK_STR(b.p, "\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbdz\"");
	jbuf_free(&b);
}

int main(void)
{
	char path[256], err[256];
	sqlite3 *db = fx_open(path, sizeof path);
	fx_fill(db);
	CHECK_INT(fx_build(db), 0);
	struct meta *m = meta_open(db, err, sizeof err);
	CHECK_MSG(m != NULL, "%s", err);
	if (!m)
		CHECK_DONE();
	struct jbuf b = {0};
	test_full(m, &b);
	test_sparse(m, &b);
	test_crc_keeps_size(db, m, &b);
	test_crc_collision(db, m, &b);
	test_status(db, &b);
	test_status_live(db, &b);
	test_jbuf_escapes();
	jbuf_free(&b);
	meta_close(m);
	store_close(db);
	fx_remove(path);
	CHECK_DONE();
}
