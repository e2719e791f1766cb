/* Unit tests of the Takeout JSON reader (sidecar_json.h): the §3.7 example,
 * both album forms, files that are not sidecars, and hostile input (binary,
 * broken, huge, deeply nested, mistyped, absurd values, NUL escapes). */
#include "check.h"
#include "index/sidecar_json.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct sj_doc parse(const char *json)
{
	struct sj_doc doc;
	int rc = sj_parse(json, strlen(json), &doc);
	CHECK_INT(rc, 0);
	return doc;
}

static void test_example_sidecar(void)
{
	const char *json =
	    "{\n"
	    "  \"title\": \"PXL_20230922_144936660.jpg\",\n"
	    "  \"description\": \"\",\n"
	    "  \"imageViews\": \"3\",\n"
	    "  \"creationTime\": {\"timestamp\": \"1695397525\", \"formatted\": \"Sep 22, 2023, "
	    "3:45:25 PM UTC\"},\n"
	    "  \"photoTakenTime\": {\"timestamp\": \"1695394176\", \"formatted\": \"Sep 22, 2023, "
	    "2:49:36 PM UTC\"},\n"
	    "  \"geoData\": {\"latitude\": 48.79, \"longitude\": 2.48, \"altitude\": 90.25, "
	    "\"latitudeSpan\": 0.0, \"longitudeSpan\": 0.0},\n"
	    "  \"geoDataExif\": {\"latitude\": 48.7981917, \"longitude\": 2.4866833, \"altitude\": "
	    "-0.0, \"latitudeSpan\": 0.0, \"longitudeSpan\": 0.0},\n"
	    "  \"people\": [{\"name\": \"Susan\"}, {\"name\": \"Jean-Fran\\u00e7ois\"}],\n"
	    "  \"url\": \"https://photos.google.com/photo/AF1QipXYZ\",\n"
	    "  \"googlePhotosOrigin\": {\"mobileUpload\": {\"deviceFolder\": {\"localFolderName\": "
	    "\"\"}, \"deviceType\": \"ANDROID_PHONE\"}},\n"
	    "  \"favorited\": true\n"
	    "}\n";
	struct sj_doc doc = parse(json);
	CHECK_INT(doc.kind, SJ_MEDIA);
	CHECK_STR(doc.media.title, "PXL_20230922_144936660.jpg");
	CHECK_STR(doc.media.description, "");
	CHECK(doc.media.has_taken);
	CHECK_INT(doc.media.taken, 1695394176);
	CHECK(doc.media.has_created);
	CHECK_INT(doc.media.created, 1695397525);
	CHECK(doc.media.geo.present);
	CHECK(doc.media.geo.lat == 48.79 && doc.media.geo.lon == 2.48);
	CHECK(doc.media.geo.alt == 90.25);
	CHECK(doc.media.geo_exif.present);
	CHECK(doc.media.geo_exif.lat == 48.7981917 && doc.media.geo_exif.lon == 2.4866833);
	CHECK(doc.media.geo_exif.alt == 0.0 && signbit(doc.media.geo_exif.alt));
	CHECK_INT(doc.media.n_people, 2);
	if (doc.media.n_people == 2) {
		CHECK_STR(doc.media.people[0], "Susan");
		CHECK_STR(doc.media.people[1], "Jean-Fran\xC3\xA7ois");
	}
	CHECK_STR(doc.media.url, "https://photos.google.com/photo/AF1QipXYZ");
	CHECK(doc.media.favorited);
	CHECK(!doc.media.archived && !doc.media.trashed);
	sj_free(&doc);
	CHECK(doc.media.title == NULL && doc.media.people == NULL);
	sj_free(&doc); /* freeing twice is harmless */
}

static void test_flags_and_minimal_sidecars(void)
{
	struct sj_doc doc = parse("{\"title\":\"a.jpg\",\"photoTakenTime\":{\"timestamp\":\"1\"},"
	                          "\"archived\":true,\"trashed\":true,\"favorited\":false}");
	CHECK_INT(doc.kind, SJ_MEDIA);
	CHECK(doc.media.archived && doc.media.trashed && !doc.media.favorited);
	CHECK(doc.media.has_taken && doc.media.taken == 1);
	CHECK(doc.media.description == NULL && doc.media.url == NULL);
	sj_free(&doc);

	/* §3.6 rule 3: photoTakenTime of any value makes a sidecar. */
	doc = parse("{\"photoTakenTime\": null}");
	CHECK_INT(doc.kind, SJ_MEDIA);
	CHECK(!doc.media.has_taken && doc.media.title == NULL);
	sj_free(&doc);
	doc = parse("{\"title\":\"x.jpg\",\"photoTakenTime\":{\"timestamp\":\"0\"}}");
	CHECK_INT(doc.kind, SJ_MEDIA);
	CHECK(!doc.media.has_taken);
	sj_free(&doc);

	/* ... or url / imageViews / creationTime together with a title (2017-era). */
	const char *with_title[] = {
	    "{\"title\":\"x.jpg\",\"url\":\"https://photos.google.com/photo/1\"}",
	    "{\"title\":\"x.jpg\",\"imageViews\":\"12\"}",
	    "{\"title\":\"x.jpg\",\"creationTime\":{\"timestamp\":\"1500000000\"}}",
	};
	for (size_t i = 0; i < sizeof with_title / sizeof *with_title; i++) {
		doc = parse(with_title[i]);
		CHECK_MSG(doc.kind == SJ_MEDIA, "%s", with_title[i]);
		CHECK_STR(doc.media.title, "x.jpg");
		sj_free(&doc);
	}
	doc = parse("{\"title\":\"x.jpg\",\"creationTime\":{\"timestamp\":\"1500000000\"}}");
	CHECK(doc.media.has_created && doc.media.created == 1500000000 && !doc.media.has_taken);
	sj_free(&doc);

	/* ente's "caption" stands in for a missing description. */
	doc = parse("{\"title\":\"x\",\"photoTakenTime\":{},\"caption\":\"Hello\"}");
	CHECK_STR(doc.media.description, "Hello");
	sj_free(&doc);
	doc = parse(
	    "{\"title\":\"x\",\"photoTakenTime\":{},\"description\":\"D\",\"caption\":\"C\"}");
	CHECK_STR(doc.media.description, "D");
	sj_free(&doc);

	/* Duplicate keys: the first one counts, as in cJSON's own lookups. */
	doc = parse("{\"title\":\"first\",\"title\":\"second\",\"photoTakenTime\":{}}");
	CHECK_STR(doc.media.title, "first");
	sj_free(&doc);

	/* A UTF-8 byte-order mark is tolerated. */
	doc = parse("\xEF\xBB\xBF{\"title\":\"bom.jpg\",\"photoTakenTime\":{}}");
	CHECK_INT(doc.kind, SJ_MEDIA);
	CHECK_STR(doc.media.title, "bom.jpg");
	sj_free(&doc);
}

static void test_albums(void)
{
	/* Legacy form (immich-go issue #212). */
	struct sj_doc doc =
	    parse("{\"albumData\": {\"title\": \"Vacances 2019\", \"description\": "
	          "\"Plage\", \"access\": \"protected\", \"location\": \"Nice\", "
	          "\"date\": {\"timestamp\": \"1563000000\", \"formatted\": \"x\"}}}");
	CHECK_INT(doc.kind, SJ_ALBUM);
	CHECK_STR(doc.album.title, "Vacances 2019");
	CHECK_STR(doc.album.description, "Plage");
	CHECK(doc.album.has_date && doc.album.date == 1563000000);
	sj_free(&doc);

	/* Legacy wrapper holding something else: still an album, nothing known. */
	doc = parse("{\"albumData\": [1, 2]}");
	CHECK_INT(doc.kind, SJ_ALBUM);
	CHECK(doc.album.title == NULL && !doc.album.has_date);
	sj_free(&doc);

	/* Current form with enrichments and comments; Cyrillic title. */
	doc = parse(
	    "{\n  \"title\": \"\\u0424\\u043e\\u043a\\u0443\\u0441 \\u0432\\u044a\\u0440\\u0445"
	    "\\u0443 \\u0435\\u0434\\u0438\\u043d \\u0434\\u0435\\u043d\",\n"
	    "  \"description\": \"\",\n  \"access\": \"protected\",\n"
	    "  \"date\": {\"timestamp\": \"1695394176\", \"formatted\": \"22 sept. 2023\"},\n"
	    "  \"enrichments\": [{\"narrativeEnrichment\": {\"text\": \"Day 1\"}},\n"
	    "    {\"locationEnrichment\": {\"location\": [{\"name\": \"Paris\", "
	    "\"latitudeE7\": 488566000, \"longitudeE7\": 23522000}]}}],\n"
	    "  \"sharedAlbumComments\": [{\"text\": \"nice\", \"creationTime\": "
	    "{\"timestamp\": \"1695394999\"}, \"contentOwnerName\": \"Bob\"}]\n}");
	CHECK_INT(doc.kind, SJ_ALBUM);
	CHECK_STR(doc.album.title, "\xD0\xA4\xD0\xBE\xD0\xBA\xD1\x83\xD1\x81 "
	                           "\xD0\xB2\xD1\x8A\xD1\x80\xD1\x85\xD1\x83 "
	                           "\xD0\xB5\xD0\xB4\xD0\xB8\xD0\xBD \xD0\xB4\xD0\xB5\xD0\xBD");
	CHECK_STR(doc.album.description, "");
	CHECK(doc.album.has_date && doc.album.date == 1695394176);
	sj_free(&doc);

	/* 2025 export: only a title, maybe empty (untitled album). */
	doc = parse("{\"title\": \"Album test 6/10/23\"}");
	CHECK_INT(doc.kind, SJ_ALBUM);
	CHECK_STR(doc.album.title, "Album test 6/10/23");
	CHECK(doc.album.description == NULL && !doc.album.has_date);
	sj_free(&doc);
	doc = parse("{\"title\": \"\"}");
	CHECK_INT(doc.kind, SJ_ALBUM);
	CHECK_STR(doc.album.title, "");
	sj_free(&doc);

	/* Legacy album geoData does not make it a sidecar. */
	doc = parse("{\"title\": \"Trip\", \"geoData\": {\"latitude\": 1.5, \"longitude\": 2.5}}");
	CHECK_INT(doc.kind, SJ_ALBUM);
	sj_free(&doc);
}

static void test_ignored_files(void)
{
	const char *ignored[] = {
	    /* print order (immich-go json_test.go shape), also with a title */
	    "{\"externalOrderId\": \"123-456\", \"type\": \"PHOTO_BOOK\", \"quantity\": \"1\", "
	    "\"numPages\": \"20\", \"creationTime\": {\"formatted\": \"Jan 1, 2020\"}, "
	    "\"client\": \"WEB\", \"category\": \"SHIPPED_PRINTS\"}",
	    "{\"externalOrderId\": \"1\", \"title\": \"My book\", \"creationTime\": "
	    "{\"formatted\": "
	    "\"x\"}}",
	    /* user-generated-memory-titles.json: title is an array (immich-go #108) */
	    "{\"title\": [\"Summer\", \"Winter\"]}",
	    "{\"title\":[\"S\"],\"creationTime\":{\"timestamp\":\"1500000000\"},\"url\":\"x\"}",
	    /* shared_album_comments.json-like and other shapes */
	    "{\"comments\": [{\"text\": \"hi\"}]}",
	    "{}",
	    "{\"title\": 42}",
	    "{\"title\": null}",
	    /* media-only keys without a date are not an album either */
	    "{\"title\": \"x.jpg\", \"people\": [{\"name\": \"A\"}]}",
	    "{\"title\": \"x.jpg\", \"googlePhotosOrigin\": {\"fromPartnerSharing\": {}}}",
	};
	for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++) {
		struct sj_doc doc = parse(ignored[i]);
		CHECK_MSG(doc.kind == SJ_IGNORED, "kind %d for %s", doc.kind, ignored[i]);
		CHECK(doc.media.title == NULL && doc.album.title == NULL);
		sj_free(&doc);
	}
}

static void check_broken(const char *buf, size_t len, const char *reason_part)
{
	struct sj_doc doc;
	int rc = sj_parse(buf, len, &doc);
	CHECK_INT(rc, 0);
	CHECK_INT(doc.kind, SJ_BROKEN);
	CHECK_MSG(doc.error[0] != '\0', "no reason given");
	CHECK_MSG(strstr(doc.error, reason_part) != NULL, "reason '%s' lacks '%s'", doc.error,
	          reason_part);
	CHECK(memchr(doc.error, '\0', sizeof doc.error) != NULL);
	sj_free(&doc);
}

static void test_broken_input(void)
{
	/* AppleDouble ._IMG_1234.jpg.json (gpth issue #143): binary header. */
	static const char apple_double[] = "\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        "
	                                   "\x00\x02\x00\x00\x00\x09\x00\x00\x00\x32\x00\x00\x0e"
	                                   "\xb0\x00\x00\x00\x02\x00\x00\x0e\xe2\x00\x00\x01\x1e"
	                                   "\xff\xff\xfe\xfe";
	check_broken(apple_double, sizeof apple_double - 1, "UTF-8");
	check_broken(apple_double, 30, "JSON"); /* the valid-UTF-8 prefix: not JSON */

	const char *truncated = "{\"title\": \"IMG_1.jpg\", \"photoTakenTime\": {\"timest";
	check_broken(truncated, strlen(truncated), "JSON");
	check_broken("", 0, "empty");
	check_broken("  \n", 3, "empty");
	check_broken("[1, 2, 3]", 9, "not an object");
	check_broken("\"title\"", 7, "not an object");
	check_broken("{} {}", 5, "after");
	check_broken("{\"a\":1}\0junk", 12, "after");
	check_broken("{\"a\":1,}", 8, "JSON");
	check_broken("{'a':1}", 7, "JSON");
	/* Invalid UTF-8 inside a string: overlong, surrogate, truncated, >U+10FFFF. */
	check_broken("{\"title\":\"\xC0\xAF\"}", 13, "UTF-8");
	check_broken("{\"title\":\"\xED\xA0\x80\"}", 14, "UTF-8");
	check_broken("{\"title\":\"\xE2\x82\"}", 13, "UTF-8");
	check_broken("{\"title\":\"\xF4\x90\x80\x80\"}", 15, "UTF-8");
	check_broken("{\"title\":\"abc\xE2", 14, "UTF-8");
	/* A lone surrogate escape cannot become UTF-8: cJSON refuses it. */
	check_broken("{\"title\":\"\\uD800\"}", 18, "JSON");
	/* sj_parse with no buffer at all */
	struct sj_doc doc;
	CHECK_INT(sj_parse(NULL, 0, &doc), 0);
	CHECK_INT(doc.kind, SJ_BROKEN);
	sj_free(&doc);
}

static void test_huge_string(void)
{
	const size_t n = 20u << 20;
	const char *head = "{\"title\": \"", *tail = "\", \"photoTakenTime\": {\"timestamp\": "
	                                             "\"1695394176\"}}";
	size_t len = strlen(head) + n + strlen(tail);
	char *buf = malloc(len);
	CHECK(buf != NULL);
	if (!buf)
		return;
	memcpy(buf, head, strlen(head));
	for (size_t i = 0; i < n; i++)
		buf[strlen(head) + i] = (char)('a' + i % 26);
	memcpy(buf + strlen(head) + n, tail, strlen(tail));
	struct sj_doc doc;
	CHECK_INT(sj_parse(buf, len, &doc), 0);
	CHECK_INT(doc.kind, SJ_MEDIA);
	CHECK(doc.media.title && strlen(doc.media.title) == n);
	CHECK(doc.media.has_taken && doc.media.taken == 1695394176);
	sj_free(&doc);
	free(buf);
}

static void test_deep_nesting(void)
{
	const size_t depth = 100000;
	char *buf = malloc(2 * depth + 64);
	CHECK(buf != NULL);
	if (!buf)
		return;
	memset(buf, '[', depth);
	memset(buf + depth, ']', depth);
	check_broken(buf, 2 * depth, "nested");

	/* Deep objects inside an otherwise valid sidecar. */
	size_t o = 0;
	o += (size_t)sprintf(buf + o, "{\"photoTakenTime\":{},\"x\":");
	for (size_t i = 0; i < depth / 5; i++)
		o += (size_t)sprintf(buf + o, "{\"a\":");
	buf[o++] = '1';
	memset(buf + o, '}', depth / 5 + 1);
	o += depth / 5 + 1;
	check_broken(buf, o, "nested");

	/* Unterminated deep nesting (a truncated file). */
	check_broken(buf, depth, "nested");

	/* Within the limit it parses. */
	o = 0;
	o += (size_t)sprintf(buf + o, "{\"photoTakenTime\":{},\"x\":");
	memset(buf + o, '[', 500);
	memset(buf + o + 500, ']', 500);
	o += 1000;
	buf[o++] = '}';
	struct sj_doc doc;
	CHECK_INT(sj_parse(buf, o, &doc), 0);
	CHECK_INT(doc.kind, SJ_MEDIA);
	sj_free(&doc);
	free(buf);
}

static void test_wrong_types(void)
{
	const char *json =
	    "{\"title\": 12, \"description\": [\"a\"], \"photoTakenTime\": \"1695394176\", "
	    "\"creationTime\": {\"timestamp\": {\"v\": 1}}, \"geoData\": {\"latitude\": \"48.1\", "
	    "\"longitude\": \"2.2\"}, \"geoDataExif\": [48.1, 2.2], \"people\": {\"name\": \"A\"}, "
	    "\"url\": 5, \"favorited\": \"true\", \"archived\": 1, \"trashed\": null}";
	struct sj_doc doc = parse(json);
	CHECK_INT(doc.kind, SJ_MEDIA);
	CHECK(doc.media.title == NULL && doc.media.description == NULL && doc.media.url == NULL);
	CHECK(!doc.media.has_taken && !doc.media.has_created);
	CHECK(!doc.media.geo.present && !doc.media.geo_exif.present);
	CHECK(doc.media.n_people == 0);
	CHECK(!doc.media.favorited && !doc.media.archived && !doc.media.trashed);
	sj_free(&doc);

	/* People entries of every wrong shape are skipped, good ones kept. */
	doc = parse("{\"photoTakenTime\": {}, \"people\": [1, \"Bob\", {\"name\": 3}, {}, "
	            "{\"name\": \"\"}, null, {\"name\": \"Ann\"}, [{\"name\": \"Deep\"}]]}");
	CHECK_INT(doc.media.n_people, 1);
	if (doc.media.n_people == 1)
		CHECK_STR(doc.media.people[0], "Ann");
	sj_free(&doc);

	/* Geo: 0/0 is "none", out-of-range is "none", a missing altitude is 0,
	 * huge numbers (infinity after strtod) are not numbers. */
	doc = parse("{\"photoTakenTime\": {}, \"geoData\": {\"latitude\": 0.0, \"longitude\": 0.0, "
	            "\"altitude\": 12.0}, \"geoDataExif\": {\"latitude\": -33.5, \"longitude\": "
	            "151.25}}");
	CHECK(!doc.media.geo.present);
	CHECK(doc.media.geo_exif.present && doc.media.geo_exif.lat == -33.5 &&
	      doc.media.geo_exif.lon == 151.25 && doc.media.geo_exif.alt == 0.0);
	sj_free(&doc);
	doc = parse("{\"photoTakenTime\": {}, \"geoData\": {\"latitude\": 91, \"longitude\": 0.5}, "
	            "\"geoDataExif\": {\"latitude\": 1e999, \"longitude\": 2}}");
	CHECK(!doc.media.geo.present && !doc.media.geo_exif.present);
	sj_free(&doc);
	doc =
	    parse("{\"photoTakenTime\": {}, \"geoData\": {\"latitude\": 0.0, \"longitude\": 1e-7, "
	          "\"altitude\": 1e999}}");
	CHECK(doc.media.geo.present && doc.media.geo.lon == 1e-7 && doc.media.geo.alt == 0.0);
	sj_free(&doc);

	/* Album fields of the wrong type. */
	doc =
	    parse("{\"albumData\": {\"title\": [\"x\"], \"description\": 4, \"date\": \"2019\"}}");
	CHECK_INT(doc.kind, SJ_ALBUM);
	CHECK(doc.album.title == NULL && doc.album.description == NULL && !doc.album.has_date);
	sj_free(&doc);
}

static bool taken_of(const char *timestamp_json, int64_t *t)
{
	char json[256];
	snprintf(json, sizeof json, "{\"photoTakenTime\": {\"timestamp\": %s}}", timestamp_json);
	struct sj_doc doc = parse(json);
	CHECK_INT(doc.kind, SJ_MEDIA);
	bool has = doc.media.has_taken;
	*t = doc.media.taken;
	sj_free(&doc);
	return has;
}

static void test_timestamps(void)
{
	int64_t t;
	const char *absent[] = {
	    "\"0\"",
	    "\"\"",
	    "\"abc\"",
	    "\"12abc\"",
	    "\"1.5e9\"",
	    "\" 1695394176\"",
	    "\"-\"",
	    "\"99999999999\"", /* year 5138 */
	    "\"-5364662401\"", /* 1799-12-31T23:59:59Z */
	    "\"7289654400\"",  /* 2201-01-01T00:00:00Z */
	    "\"1000000000000000000000\"",
	    "0",
	    "-0.0",
	    "0.4",
	    "1e300",
	    "-1e300",
	    "null",
	    "true",
	    "[1695394176]",
	    "{}",
	};
	for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
		CHECK_MSG(!taken_of(absent[i], &t), "%s accepted as %lld", absent[i], (long long)t);

	CHECK(taken_of("\"1695394176\"", &t) && t == 1695394176);
	CHECK(taken_of("1695394176", &t) && t == 1695394176);         /* ente's numbers */
	CHECK(taken_of("1695394176.9", &t) && t == 1695394176);       /* fraction dropped */
	CHECK(taken_of("\"-1\"", &t) && t == -1);                     /* 1969 is a real year */
	CHECK(taken_of("\"-5364662400\"", &t) && t == -5364662400LL); /* 1800-01-01 */
	CHECK(taken_of("\"7289654399\"", &t) && t == 7289654399LL);   /* 2200-12-31 */
	CHECK(taken_of("\"0001695394176\"", &t) && t == 1695394176);

	/* A missing timestamp or time object. */
	struct sj_doc doc = parse("{\"title\":\"a\",\"photoTakenTime\":{\"formatted\":\"x\"}}");
	CHECK(doc.kind == SJ_MEDIA && !doc.media.has_taken);
	sj_free(&doc);
	doc = parse("{\"title\":\"a\",\"url\":\"u\"}");
	CHECK(doc.kind == SJ_MEDIA && !doc.media.has_taken && !doc.media.has_created);
	sj_free(&doc);
}

static void test_nul_escapes(void)
{
	/* "\u0000" ends a string: strings handed out are NUL-free C strings. */
	struct sj_doc doc = parse("{\"title\": \"IMG\\u0000.jpg\", \"description\": \"\\u0000x\", "
	                          "\"photoTakenTime\": {}, \"people\": [{\"name\": \"\\u0000\"}, "
	                          "{\"name\": \"A\\u0000B\"}], \"url\": \"u\\u0000\"}");
	CHECK_INT(doc.kind, SJ_MEDIA);
	CHECK_STR(doc.media.title, "IMG");
	CHECK_STR(doc.media.description, "");
	CHECK_INT(doc.media.n_people, 1);
	if (doc.media.n_people == 1)
		CHECK_STR(doc.media.people[0], "A");
	CHECK_STR(doc.media.url, "u");
	sj_free(&doc);

	/* A timestamp is cut at a NUL like every other string. */
	doc = parse("{\"photoTakenTime\": {\"timestamp\": \"16\\u000095394176\"}}");
	CHECK(doc.kind == SJ_MEDIA && doc.media.has_taken && doc.media.taken == 16);
	sj_free(&doc);

	/* Escaped astral characters decode to valid 4-byte UTF-8. */
	doc = parse("{\"title\": \"\\ud83d\\ude00.jpg\"}");
	CHECK_INT(doc.kind, SJ_ALBUM);
	CHECK_STR(doc.album.title, "\xF0\x9F\x98\x80.jpg");
	sj_free(&doc);
}

/* A raw NUL (not the \u0000 escape) is not JSON: the file is broken, not cut short. */
static void test_raw_nul_byte(void)
{
	static const char doc_with_nul[] = "{\"title\": \"a\0b\", \"photoTakenTime\": "
	                                   "{\"timestamp\": \"1600000000\"}}";
	struct sj_doc doc;
	CHECK_INT(sj_parse(doc_with_nul, sizeof doc_with_nul - 1, &doc), 0);
	CHECK_INT(doc.kind, SJ_BROKEN);
	CHECK(strstr(doc.error, "NUL") != NULL);
	sj_free(&doc);
}

int main(void)
{
	test_example_sidecar();
	test_flags_and_minimal_sidecars();
	test_albums();
	test_ignored_files();
	test_broken_input();
	test_huge_string();
	test_deep_nesting();
	test_wrong_types();
	test_timestamps();
	test_nul_escapes();
	test_raw_nul_byte();
	CHECK_DONE();
}
