/* Unit tests of the taken-time rule (taken.h): every step of the chain, the
 * quarter-hour offset rule and its ±14 h bound, EXIF placeholders, every
 * file-name example of interface.md and takeout-format.md §4.3, and the ISO
 * 8601 form. main() runs the zone-dependent checks in Europe/Paris and in
 * America/New_York (TZ set once per run, before any call, as main.c does). */
#include "check.h"
#include "media/taken.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIDECAR_T 1695394176 /* 2023-09-22T14:49:36Z */
#define MARCH_T   1553159730 /* 2019-03-21T09:15:30Z = 10:15:30 in Paris (CET) */

static struct media_info exif(const char *dto, const char *oto)
{
	struct media_info mi;
	memset(&mi, 0, sizeof mi);
	mi.format = MF_JPEG;
	snprintf(mi.date_time_original, sizeof mi.date_time_original, "%s", dto);
	snprintf(mi.offset_time_original, sizeof mi.offset_time_original, "%s", oto);
	return mi;
}

static struct taken decide(bool has_sidecar, int64_t sidecar, const struct media_info *mi,
                           const char *name, int64_t mtime)
{
	struct taken_inputs in = {
	    .has_sidecar_taken = has_sidecar,
	    .sidecar_taken = sidecar,
	    .mi = mi,
	    .name = name,
	    .name_len = name ? strlen(name) : 0,
	    .mtime = mtime,
	};
	struct taken t;
	taken_decide(&in, &t);
	return t;
}

static void check_iso(int64_t utc, int offset, const char *want)
{
	char buf[32];
	taken_format_iso8601(utc, offset, buf, sizeof buf);
	CHECK_STR(buf, want);
}

static void check_taken(struct taken t, enum taken_source source, int64_t utc, int offset,
                        const char *iso)
{
	CHECK_MSG(t.source == source, "source %d, want %d", t.source, source);
	CHECK_MSG(t.utc == utc, "utc %lld, want %lld", (long long)t.utc, (long long)utc);
	CHECK_MSG(t.offset_minutes == offset, "offset %d, want %d", t.offset_minutes, offset);
	if (iso)
		check_iso(t.utc, t.offset_minutes, iso);
}

/* The offset of the process's zone at an instant, computed independently. */
static int zone_offset(int64_t utc)
{
	time_t t = (time_t)utc;
	struct tm tm;
	localtime_r(&t, &tm);
	return (int)(tm.tm_gmtoff / 60);
}

/* ---- zone-independent checks ------------------------------------------------- */

static void test_source_names(void)
{
	CHECK(taken_source_name(TAKEN_NONE) == NULL);
	CHECK_STR(taken_source_name(TAKEN_SIDECAR), "sidecar");
	CHECK_STR(taken_source_name(TAKEN_EXIF), "exif");
	CHECK_STR(taken_source_name(TAKEN_CONTAINER), "container");
	CHECK_STR(taken_source_name(TAKEN_FILENAME), "filename");
	CHECK_STR(taken_source_name(TAKEN_MTIME), "mtime");
}

static void test_iso8601(void)
{
	check_iso(MARCH_T, 60, "2019-03-21T10:15:30+01:00");
	check_iso(0, 0, "1970-01-01T00:00:00+00:00");
	check_iso(-1, 0, "1969-12-31T23:59:59+00:00");
	check_iso(SIDECAR_T, 345, "2023-09-22T20:34:36+05:45");
	check_iso(SIDECAR_T, -210, "2023-09-22T11:19:36-03:30");
	check_iso(SIDECAR_T, -600, "2023-09-22T04:49:36-10:00");
	check_iso(951782400, 0, "2000-02-29T00:00:00+00:00");
	check_iso(-5364662400LL, 0, "1800-01-01T00:00:00+00:00");
	check_iso(4102444799LL, 840, "2100-01-01T13:59:59+14:00");
	/* A short buffer is truncated, never overrun. */
	char small[8];
	taken_format_iso8601(MARCH_T, 60, small, sizeof small);
	CHECK_STR(small, "2019-03");
	/* Absurd inputs still give a NUL-terminated string. */
	char buf[32];
	taken_format_iso8601(INT64_MAX, 60, buf, sizeof buf);
	CHECK(memchr(buf, '\0', sizeof buf) != NULL);
	taken_format_iso8601(INT64_MIN, -60, buf, sizeof buf);
	CHECK(memchr(buf, '\0', sizeof buf) != NULL);
}

struct name_case {
	const char *name;
	int y, mo, d, h, mi, s;
};

static void test_filename_dates(void)
{
	static const struct name_case cases[] = {
	    /* interface.md */
	    {"IMG_20190321_101530", 2019, 3, 21, 10, 15, 30},
	    {"IMG_20190321_101530.jpg", 2019, 3, 21, 10, 15, 30},
	    {"PXL_20230809_203449253", 2023, 8, 9, 20, 34, 49},
	    {"PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINA.jpg", 2023, 8, 9, 20, 34, 49},
	    {"Screenshot_2019-03-21-10-15-30", 2019, 3, 21, 10, 15, 30},
	    {"IMG-20190321-WA0001", 2019, 3, 21, 0, 0, 0},
	    {"VID_20220107_113306.mp4", 2022, 1, 7, 11, 33, 6},
	    /* §4.3 (gpth guess_extractor.dart) */
	    {"Screenshot_20190919-053857_Camera-edited.jpg", 2019, 9, 19, 5, 38, 57},
	    {"IMG_20190509_154733-edited.jpg", 2019, 5, 9, 15, 47, 33},
	    {"MVIMG_20190215_193501.MP4", 2019, 2, 15, 19, 35, 1},
	    {"Screenshot_2019-04-16-11-19-37-232_com.google.a.jpg", 2019, 4, 16, 11, 19, 37},
	    {"signal-2020-10-26-163832.jpg", 2020, 10, 26, 16, 38, 32},
	    {"00004XTR_00004_BURST20190216172030.jpg", 2019, 2, 16, 17, 20, 30},
	    {"201801261147521000.jpg", 2018, 1, 26, 11, 47, 52},
	    {"IMG_1_BURST20160520195318.jpg", 2016, 5, 20, 19, 53, 18},
	    {"2016_01_30_11_49_15.mp4", 2016, 1, 30, 11, 49, 15},
	    /* §4.3 (immich-go namesdate.go examples) */
	    {"PXL_20220909_154515546.TS.mp4", 2022, 9, 9, 15, 45, 15},
	    {"Screenshot from 2022-12-17 19-45-43.png", 2022, 12, 17, 19, 45, 43},
	    {"Bebop2_20180719194940+0200.mp4", 2018, 7, 19, 19, 49, 40},
	    {"00015IMG_00015_BURST20171111030039_COVER.jpg", 2017, 11, 11, 3, 0, 39},
	    {"IMG-20150125-WA0003.jpg", 2015, 1, 25, 0, 0, 0},
	    /* names of §9.1 that carry dates */
	    {"Screenshot_20231027_123303_Facebook(1).jpg", 2023, 10, 27, 12, 33, 3},
	    {"Screenshot_2022-10-28-09-31-43-118_com.snapchat.jpg", 2022, 10, 28, 9, 31, 43},
	    {"MVIMG_20200207_134534~2.jpg", 2020, 2, 7, 13, 45, 34},
	    {"IMG-20230325-WA0122~2-edited.jpg", 2023, 3, 25, 0, 0, 0},
	    {"2013-12-23(1).jpg", 2013, 12, 23, 0, 0, 0},
	    {"simple_file_20200101-edited(1).jpg", 2020, 1, 1, 0, 0, 0},
	    {"20161105_170829.jpg", 2016, 11, 5, 17, 8, 29},
	    /* other common shapes */
	    {"2019-03-21 10.15.30.jpg", 2019, 3, 21, 10, 15, 30},
	    {"IMG_20120229_235959.jpg", 2012, 2, 29, 23, 59, 59},
	    {"IMG_18000101_000000.jpg", 1800, 1, 1, 0, 0, 0},
	    /* a date-only part before a full one: the full one wins */
	    {"20190101_album_20190321_101530.jpg", 2019, 3, 21, 10, 15, 30},
	    /* an impossible time leaves the date */
	    {"IMG_20190321_246030.jpg", 2019, 3, 21, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct name_case *c = &cases[i];
		int y = -1, mo = -1, d = -1, h = -1, mi = -1, s = -1;
		bool ok = taken_from_filename(c->name, strlen(c->name), &y, &mo, &d, &h, &mi, &s);
		CHECK_MSG(ok && y == c->y && mo == c->mo && d == c->d && h == c->h && mi == c->mi &&
		              s == c->s,
		          "'%s': %d %04d-%02d-%02d %02d:%02d:%02d", c->name, ok, y, mo, d, h, mi,
		          s);
	}

	static const char *const no_date[] = {
	    "IMG_1234.jpg",
	    "DSC_0238_1.JPG",
	    "1190642159672506179.jpg",
	    "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238e.jpg",
	    "13039_327707840323_537645323_9470255_27214_n(1).jpg",
	    "05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jpg",
	    "01D1C847-D498-4814-9F10-6B81D768077B-1050-00000.jpg",
	    "JakFvscx9E0 1631x1080.jpg",
	    "camphoto_1804928587.jpg",
	    "2234089303984509579-edited.jpg",
	    "IMG_20191332_101530.jpg", /* month 13 */
	    "IMG_20190230_101530.jpg", /* 30 February */
	    "IMG_20190229_101530.jpg", /* not a leap year */
	    "IMG_20190100_101530.jpg", /* day 0 */
	    "IMG_17991231_235959.jpg", /* before 1800 */
	    "IMG_21000101_000000.jpg", /* after 2099 */
	    "IMG_20990101_000000.jpg", /* far future */
	    "x120190321_101530.jpg",   /* the date must start a digit run */
	    "2019-03-2110-15-30.jpg",  /* digits glued to a separated date */
	    "2019-03_21.jpg",          /* mixed date separators */
	    "201903211.jpg",           /* a 9-digit number */
	    "Photos from 2019",
	    "",
	    "2019",
	};
	for (size_t i = 0; i < sizeof no_date / sizeof *no_date; i++) {
		int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
		bool ok =
		    taken_from_filename(no_date[i], strlen(no_date[i]), &y, &mo, &d, &h, &mi, &s);
		CHECK_MSG(!ok, "'%s' gave %04d-%02d-%02d %02d:%02d:%02d", no_date[i], y, mo, d, h,
		          mi, s);
	}

	/* Future limit: one day of slack. */
	time_t now = time(NULL);
	struct tm tm;
	char name[64];
	int y, mo, d, h, mi, s;
	time_t later = now + 3 * 86400;
	gmtime_r(&later, &tm);
	strftime(name, sizeof name, "IMG_%Y%m%d_%H%M%S.jpg", &tm);
	CHECK_MSG(!taken_from_filename(name, strlen(name), &y, &mo, &d, &h, &mi, &s), "%s", name);
	gmtime_r(&now, &tm);
	strftime(name, sizeof name, "IMG_%Y%m%d_%H%M%S.jpg", &tm);
	CHECK_MSG(taken_from_filename(name, strlen(name), &y, &mo, &d, &h, &mi, &s), "%s", name);

	/* The length is what counts, not a NUL. */
	CHECK(!taken_from_filename("IMG_20190321_101530", 11, &y, &mo, &d, &h, &mi, &s));
	CHECK(taken_from_filename("IMG_20190321_101530\0", 20, &y, &mo, &d, &h, &mi, &s));
	CHECK(!taken_from_filename("IMG_2019\0"
	                           "0321_101530",
	                           20, &y, &mo, &d, &h, &mi, &s));
	CHECK(!taken_from_filename(NULL, 0, &y, &mo, &d, &h, &mi, &s));
}

static void test_sidecar_offsets_zone_free(void)
{
	/* OffsetTimeOriginal wins, whatever DateTimeOriginal says. */
	struct media_info mi = exif("2023:09:22 20:19:36", "+05:30");
	check_taken(decide(true, SIDECAR_T, &mi, NULL, 0), TAKEN_SIDECAR, SIDECAR_T, 330,
	            "2023-09-22T20:19:36+05:30");
	mi = exif("", "-03:00");
	check_taken(decide(true, SIDECAR_T, &mi, NULL, 0), TAKEN_SIDECAR, SIDECAR_T, -180, NULL);

	/* No OffsetTimeOriginal: the distance to DateTimeOriginal, when it is a
	 * whole number of quarter hours within ±14 h. */
	mi = exif("2023:09:22 20:34:36", ""); /* +05:45, Nepal */
	check_taken(decide(true, SIDECAR_T, &mi, NULL, 0), TAKEN_SIDECAR, SIDECAR_T, 345,
	            "2023-09-22T20:34:36+05:45");
	mi = exif("2023:09:22 04:49:36", ""); /* -10:00 */
	check_taken(decide(true, SIDECAR_T, &mi, NULL, 0), TAKEN_SIDECAR, SIDECAR_T, -600,
	            "2023-09-22T04:49:36-10:00");
	mi = exif("2023:09:22 14:49:36", ""); /* a camera on UTC */
	check_taken(decide(true, SIDECAR_T, &mi, NULL, 0), TAKEN_SIDECAR, SIDECAR_T, 0,
	            "2023-09-22T14:49:36+00:00");
	mi = exif("2023:09:23 04:49:36", ""); /* +14:00 exactly */
	check_taken(decide(true, SIDECAR_T, &mi, NULL, 0), TAKEN_SIDECAR, SIDECAR_T, 840, NULL);
	mi = exif("2023:09:22 00:49:36", ""); /* -14:00 exactly */
	check_taken(decide(true, SIDECAR_T, &mi, NULL, 0), TAKEN_SIDECAR, SIDECAR_T, -840, NULL);
	/* Subsecond digits and 'T' do not matter. */
	mi = exif("2023-09-22T20:34:36.123", "");
	check_taken(decide(true, SIDECAR_T, &mi, NULL, 0), TAKEN_SIDECAR, SIDECAR_T, 345, NULL);
}

/* ---- zone-dependent checks (run in each zone) ----------------------------------- */

static void test_sidecar_offset_fallbacks(void)
{
	int zone = zone_offset(SIDECAR_T);
	static const struct {
		const char *dto, *oto;
	} fallback[] = {
	    {"", ""},                          /* no EXIF date */
	    {"2023:09:22 16:50:36", ""},       /* 2 h 01 min: not a quarter hour */
	    {"2023:09:22 16:49:37", ""},       /* one second off */
	    {"2023:09:22 20:42:36", ""},       /* +05:53 */
	    {"2023:09:23 05:04:36", ""},       /* +14:15: beyond ±14 h */
	    {"2023:09:22 00:34:36", ""},       /* -14:15 */
	    {"2023:09:25 14:49:36", ""},       /* three days off */
	    {"0000:00:00 00:00:00", ""},       /* placeholder */
	    {"    :  :     :  :  ", "   :  "}, /* blank EXIF */
	    {"2023:09:22 16:49:36", "+25:00"}, /* nonsense offset: the date rule applies */
	};
	for (size_t i = 0; i < sizeof fallback / sizeof *fallback; i++) {
		struct media_info mi = exif(fallback[i].dto, fallback[i].oto);
		struct taken t = decide(true, SIDECAR_T, &mi, NULL, 0);
		int want = i == sizeof fallback / sizeof *fallback - 1 ? 120 : zone;
		CHECK_MSG(t.source == TAKEN_SIDECAR && t.utc == SIDECAR_T &&
		              t.offset_minutes == want,
		          "case %zu (%s): offset %d, want %d", i, fallback[i].dto, t.offset_minutes,
		          want);
	}
	/* No media info at all. */
	check_taken(decide(true, SIDECAR_T, NULL, "IMG_20010101_000000.jpg", 5), TAKEN_SIDECAR,
	            SIDECAR_T, zone, NULL);
	/* A zero sidecar time is no sidecar time. */
	struct media_info mi = exif("2019:03:21 10:15:30", "+01:00");
	check_taken(decide(true, 0, &mi, NULL, 0), TAKEN_EXIF, MARCH_T, 60, NULL);
	check_taken(decide(false, SIDECAR_T, &mi, NULL, 0), TAKEN_EXIF, MARCH_T, 60, NULL);
}

static void test_exif_step(const char *zone_name)
{
	bool paris = strcmp(zone_name, "Europe/Paris") == 0;
	/* With OffsetTimeOriginal the zone does not matter. */
	struct media_info mi = exif("2019:03:21 10:15:30", "+01:00");
	check_taken(decide(false, 0, &mi, "IMG_20000101_000000.jpg", 7), TAKEN_EXIF, MARCH_T, 60,
	            "2019-03-21T10:15:30+01:00");
	mi = exif("2019:03:21 10:15:30", "-03:30");
	check_taken(decide(false, 0, &mi, NULL, 7), TAKEN_EXIF, MARCH_T + 4 * 3600 + 30 * 60, -210,
	            "2019-03-21T10:15:30-03:30");
	mi = exif("2019:03:21 10:15:30", "+0545");
	check_taken(decide(false, 0, &mi, NULL, 7), TAKEN_EXIF, MARCH_T - 4 * 3600 - 45 * 60, 345,
	            "2019-03-21T10:15:30+05:45");

	/* Without it, the wall time is read in the process's zone. */
	mi = exif("2019:03:21 10:15:30", "");
	if (paris)
		check_taken(decide(false, 0, &mi, NULL, 7), TAKEN_EXIF, MARCH_T, 60,
		            "2019-03-21T10:15:30+01:00");
	else /* New York is on EDT (-4) by March 21 */
		check_taken(decide(false, 0, &mi, NULL, 7), TAKEN_EXIF, 1553177730, -240,
		            "2019-03-21T10:15:30-04:00");
	mi = exif("2019:07:14 10:00:00", "   :  ");
	if (paris)
		check_taken(decide(false, 0, &mi, NULL, 7), TAKEN_EXIF, 1563091200, 120,
		            "2019-07-14T10:00:00+02:00");
	else
		check_taken(decide(false, 0, &mi, NULL, 7), TAKEN_EXIF, 1563091200 + 6 * 3600, -240,
		            "2019-07-14T10:00:00-04:00");
	/* Winter. */
	mi = exif("2019:01:05 12:00:00", "");
	struct taken t = decide(false, 0, &mi, NULL, 7);
	CHECK(t.source == TAKEN_EXIF && t.offset_minutes == (paris ? 60 : -300));
	check_iso(t.utc, t.offset_minutes,
	          paris ? "2019-01-05T12:00:00+01:00" : "2019-01-05T12:00:00-05:00");
	/* A wall time in the spring-forward gap still yields an EXIF time. */
	mi = exif(paris ? "2019:03:31 02:30:00" : "2019:03:10 02:30:00", "");
	t = decide(false, 0, &mi, NULL, 7);
	CHECK(t.source == TAKEN_EXIF && t.offset_minutes == zone_offset(t.utc));

	/* Placeholders and broken dates fall through to the next step (mtime here). */
	static const char *const rejected[] = {
	    "0000:00:00 00:00:00",      "1970:01:01 00:00:00", "1904:01:01 00:00:00",
	    "2036:01:01 23:59:59",      "2019:13:01 10:00:00", "2019:00:10 10:00:00",
	    "2019:02:29 10:00:00",      "2019:01:32 10:00:00", "2019:01:01 24:00:00",
	    "2019:01:01 23:60:00",      "2019:01:01 23:59:60", "1799:12:31 23:59:59",
	    "2100:01:01 00:00:00",      "    :  :     :  :  ", "2019:01:01",
	    "2019:01:01 10:00:00 junk", "2019/01/01 10:00:00", "",
	};
	for (size_t i = 0; i < sizeof rejected / sizeof *rejected; i++) {
		mi = exif(rejected[i], "");
		t = decide(false, 0, &mi, "IMG_1234.jpg", 1000000000);
		CHECK_MSG(t.source == TAKEN_MTIME && t.utc == 1000000000, "'%s' gave source %d",
		          rejected[i], t.source);
	}
	/* Real dates next to the placeholders are fine. */
	mi = exif("1970:01:01 00:00:01", "+00:00");
	check_taken(decide(false, 0, &mi, NULL, 7), TAKEN_EXIF, 1, 0, NULL);
	mi = exif("1904:01:01 00:00:00", "+01:00"); /* placeholder even with a zone */
	CHECK_INT(decide(false, 0, &mi, NULL, 7).source, TAKEN_MTIME);
}

static void test_container_step(void)
{
	struct media_info mi;
	memset(&mi, 0, sizeof mi);
	mi.format = MF_MP4;
	mi.has = MI_CONTAINER_TIME;
	mi.container_time = MARCH_T;
	check_taken(decide(false, 0, &mi, "VID_20000101_000000.mp4", 7), TAKEN_CONTAINER, MARCH_T,
	            zone_offset(MARCH_T), NULL);
	/* EXIF comes first. */
	snprintf(mi.date_time_original, sizeof mi.date_time_original, "2019:07:14 10:00:00");
	snprintf(mi.offset_time_original, sizeof mi.offset_time_original, "+02:00");
	check_taken(decide(false, 0, &mi, NULL, 7), TAKEN_EXIF, 1563091200, 120, NULL);
	/* The flag is what says a container time exists. */
	memset(&mi, 0, sizeof mi);
	mi.container_time = MARCH_T;
	CHECK_INT(decide(false, 0, &mi, NULL, 7).source, TAKEN_MTIME);
	/* Muxer placeholders: 0 (1970), the 1904 epoch, 2036, 0xFFFFFFFF after 1904. */
	static const int64_t rejected[] = {
	    0, -2082844800LL, 2082844799LL, 2212122495LL, -9000000000LL, 5000000000LL};
	for (size_t i = 0; i < sizeof rejected / sizeof *rejected; i++) {
		mi.has = MI_CONTAINER_TIME;
		mi.container_time = rejected[i];
		struct taken t = decide(false, 0, &mi, "VID_20220107_113306.mp4", 7);
		CHECK_MSG(t.source == TAKEN_FILENAME, "container %lld gave source %d",
		          (long long)rejected[i], t.source);
	}
}

static void test_filename_and_mtime_steps(const char *zone_name)
{
	bool paris = strcmp(zone_name, "Europe/Paris") == 0;
	struct taken t = decide(false, 0, NULL, "IMG_20190321_101530.jpg", 7);
	if (paris)
		check_taken(t, TAKEN_FILENAME, MARCH_T, 60, "2019-03-21T10:15:30+01:00");
	else
		check_taken(t, TAKEN_FILENAME, 1553177730, -240, "2019-03-21T10:15:30-04:00");
	t = decide(false, 0, NULL, "IMG-20150125-WA0003.jpg", 7);
	CHECK_INT(t.source, TAKEN_FILENAME);
	check_iso(t.utc, t.offset_minutes,
	          paris ? "2015-01-25T00:00:00+01:00" : "2015-01-25T00:00:00-05:00");
	/* Media info without any date does not stop the file-name step. */
	struct media_info mi = exif("", "");
	CHECK_INT(decide(false, 0, &mi, "PXL_20230809_203449253.jpg", 7).source, TAKEN_FILENAME);

	/* Last resort: mtime, shown in the local zone. */
	check_taken(decide(false, 0, NULL, "IMG_1234.jpg", 1563091200), TAKEN_MTIME, 1563091200,
	            paris ? 120 : -240, NULL);
	check_taken(decide(false, 0, NULL, NULL, 0), TAKEN_MTIME, 0, paris ? 60 : -300, NULL);
	check_taken(decide(false, 0, &mi, "", -86400), TAKEN_MTIME, -86400, paris ? 60 : -300,
	            NULL);
}

/* An offset in the file name (VID_20180723180057+0200.mp4) stands in for
 * -o tz wherever the files give no offset; one they give still wins. */
static void test_filename_offset(void)
{
	const int64_t july = 1532361657; /* 2018-07-23T16:00:57Z = 18:00:57+02:00 */
	check_taken(decide(false, 0, NULL, "VID_20180723180057+0200.mp4", 7), TAKEN_FILENAME, july,
	            120, "2018-07-23T18:00:57+02:00");
	check_taken(decide(false, 0, NULL, "IMG_20180723_103057-05:30.jpg", 7), TAKEN_FILENAME,
	            july, -330, "2018-07-23T10:30:57-05:30");
	/* EXIF without an offset: its wall time read in the name's offset. */
	struct media_info mi = exif("2018:07:23 18:00:57", "");
	check_taken(decide(false, 0, &mi, "VID_20180723180057+0200.mp4", 7), TAKEN_EXIF, july, 120,
	            NULL);
	mi = exif("2018:07:23 18:00:57", "+03:00"); /* EXIF's own offset wins */
	check_taken(decide(false, 0, &mi, "VID_20180723180057+0200.mp4", 7), TAKEN_EXIF,
	            july - 3600, 180, NULL);
	/* A container time (UTC) shown in the name's offset. */
	memset(&mi, 0, sizeof mi);
	mi.has = MI_CONTAINER_TIME;
	mi.container_time = july;
	check_taken(decide(false, 0, &mi, "VID_20180723180057+0200.mp4", 7), TAKEN_CONTAINER, july,
	            120, "2018-07-23T18:00:57+02:00");
	/* And a sidecar instant with nothing else to go by. */
	check_taken(decide(true, july, NULL, "VID_20180723180057+0200.mp4", 7), TAKEN_SIDECAR, july,
	            120, NULL);
	/* Digits after the offset make it no offset: the local zone applies. */
	CHECK_INT(decide(false, 0, NULL, "VID_20180723180057+020012.mp4", 7).offset_minutes,
	          zone_offset(july));
}

/* iPhone videos: Keys CreationDate gives the capture instant and its offset,
 * before the container's UTC time, and the offset of a sidecar instant. */
static void test_creation_date(void)
{
	const int64_t capture = 1563956740; /* 2019-07-24T08:25:40Z = 11:25:40+03:00 */
	struct media_info mi;
	memset(&mi, 0, sizeof mi);
	mi.format = MF_MP4;
	mi.has = MI_CONTAINER_TIME;
	mi.container_time = capture + 17;
	snprintf(mi.creation_date, sizeof mi.creation_date, "2019:07:24 11:25:40+03:00");
	check_taken(decide(false, 0, &mi, NULL, 7), TAKEN_CONTAINER, capture, 180,
	            "2019-07-24T11:25:40+03:00");
	check_taken(decide(true, capture + 1, &mi, NULL, 7), TAKEN_SIDECAR, capture + 1, 180, NULL);
	/* Without a zone it is not used: the container time in the local zone. */
	snprintf(mi.creation_date, sizeof mi.creation_date, "2019:07:24 11:25:40");
	check_taken(decide(false, 0, &mi, NULL, 7), TAKEN_CONTAINER, capture + 17,
	            zone_offset(capture + 17), NULL);
}

static void run_in_zone(const char *zone)
{
	setenv("TZ", zone, 1);
	tzset();
	test_filename_offset();
	test_creation_date();
	test_sidecar_offset_fallbacks();
	test_exif_step(zone);
	test_container_step();
	test_filename_and_mtime_steps(zone);
	/* The zone-free rules hold in every zone. */
	test_sidecar_offsets_zone_free();
}

int main(void)
{
	test_source_names();
	test_iso8601();
	test_filename_dates();
	run_in_zone("Europe/Paris");
	run_in_zone("America/New_York");
	CHECK_DONE();
}
