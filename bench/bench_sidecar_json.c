/* Benchmark of the Takeout JSON reader: µs per sj_parse+sj_free of a typical
 * ~700-byte sidecar (the indexer reads ~100k of them per index), of a short
 * album file, and of name classification and file-name date scanning.
 * Times are CPU time of this process (CLOCK_PROCESS_CPUTIME_ID), so that a
 * busy shared machine does not inflate them; wall time is printed too.
 * Usage: bench_sidecar_json [iterations] (default 200000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index/classify.h"
#include "index/sidecar_json.h"
#include "media/taken.h"

static const char sidecar[] =
    "{\n"
    "  \"title\": \"PXL_20230922_144936660.MP.jpg\",\n"
    "  \"description\": \"\",\n"
    "  \"imageViews\": \"37\",\n"
    "  \"creationTime\": {\n"
    "    \"timestamp\": \"1695397525\",\n"
    "    \"formatted\": \"Sep 22, 2023, 3:45:25\\u202fPM UTC\"\n"
    "  },\n"
    "  \"photoTakenTime\": {\n"
    "    \"timestamp\": \"1695394176\",\n"
    "    \"formatted\": \"Sep 22, 2023, 2:49:36\\u202fPM UTC\"\n"
    "  },\n"
    "  \"geoData\": {\n"
    "    \"latitude\": 48.7981917,\n"
    "    \"longitude\": 2.4866833,\n"
    "    \"altitude\": 90.25,\n"
    "    \"latitudeSpan\": 0.0,\n"
    "    \"longitudeSpan\": 0.0\n"
    "  },\n"
    "  \"geoDataExif\": {\n"
    "    \"latitude\": 48.7981917,\n"
    "    \"longitude\": 2.4866833,\n"
    "    \"altitude\": 90.25,\n"
    "    \"latitudeSpan\": 0.0,\n"
    "    \"longitudeSpan\": 0.0\n"
    "  },\n"
    "  \"people\": [{\n"
    "    \"name\": \"Susan\"\n"
    "  }],\n"
    "  \"url\": \"https://photos.google.com/photo/AF1QipMxYb1Hw2Kd0nQ8cZ7vL4sT9eR3uW6yA5bC2dE\",\n"
    "  \"googlePhotosOrigin\": {\n"
    "    \"mobileUpload\": {\n"
    "      \"deviceFolder\": {\n"
    "        \"localFolderName\": \"\"\n"
    "      },\n"
    "      \"deviceType\": \"ANDROID_PHONE\"\n"
    "    }\n"
    "  },\n"
    "  \"favorited\": true\n"
    "}\n";

static const char album[] = "{\n  \"title\": \"Vacances 2019\",\n  \"description\": \"\",\n"
                            "  \"access\": \"protected\",\n  \"date\": {\n    \"timestamp\": "
                            "\"1563000000\",\n    \"formatted\": \"13 juil. 2019, 06:40:00 UTC\"\n"
                            "  }\n}\n";

static double clock_seconds(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_seconds(void)
{
	return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static double bench_json(const char *json, size_t len, long n, enum sj_kind want)
{
	double t0 = now_seconds();
	for (long i = 0; i < n; i++) {
		struct sj_doc doc;
		if (sj_parse(json, len, &doc) != 0 || doc.kind != want) {
			fprintf(stderr, "bench: unexpected parse result\n");
			exit(1);
		}
		sj_free(&doc);
	}
	return (now_seconds() - t0) / (double)n * 1e6;
}

static const char *const names[] = {
    "PXL_20230922_144936660.MP.jpg",
    "PXL_20230922_144936660.MP.jpg.supplemental-metadata.json",
    "IMG_1234.HEIC",
    "Screenshot_2019-04-16-11-19-37-232_com.google.a.jpg",
    "archive_browser.html",
    "MVIMG_20180418_113218",
};
#define N_NAMES (sizeof names / sizeof names[0])

static double bench_classify(long n)
{
	size_t lens[N_NAMES];
	for (size_t k = 0; k < N_NAMES; k++)
		lens[k] = strlen(names[k]);
	volatile int sink = 0;
	double t0 = now_seconds();
	for (long i = 0; i < n; i++) {
		size_t k = (size_t)i % N_NAMES;
		sink += classify_file(names[k], lens[k]);
	}
	(void)sink;
	return (now_seconds() - t0) / (double)n * 1e6;
}

static double bench_filename_date(long n)
{
	size_t lens[N_NAMES];
	for (size_t k = 0; k < N_NAMES; k++)
		lens[k] = strlen(names[k]);
	volatile int sink = 0;
	double t0 = now_seconds();
	for (long i = 0; i < n; i++) {
		size_t k = (size_t)i % N_NAMES;
		int y, mo, d, h, mi, s;
		sink += taken_from_filename(names[k], lens[k], &y, &mo, &d, &h, &mi, &s);
	}
	(void)sink;
	return (now_seconds() - t0) / (double)n * 1e6;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	if (n <= 0)
		n = 1;
	bench_json(sidecar, sizeof sidecar - 1, n / 10 + 1, SJ_MEDIA); /* warm up */
	double wall0 = clock_seconds(CLOCK_MONOTONIC);
	double us_sidecar = bench_json(sidecar, sizeof sidecar - 1, n, SJ_MEDIA);
	double wall_us = (clock_seconds(CLOCK_MONOTONIC) - wall0) / (double)n * 1e6;
	double us_album = bench_json(album, sizeof album - 1, n, SJ_ALBUM);
	printf("sj_parse+sj_free, %zu-byte media sidecar: %.3f us/sidecar CPU (%.0f sidecars/s "
	       "per core; wall %.3f us)\n",
	       sizeof sidecar - 1, us_sidecar, 1e6 / us_sidecar, wall_us);
	printf("sj_parse+sj_free, %zu-byte album file:   %.3f us/file\n", sizeof album - 1,
	       us_album);
	printf("classify_file:                           %.3f us/name\n", bench_classify(n * 10));
	printf("taken_from_filename:                     %.3f us/name\n",
	       bench_filename_date(n * 10));
	return 0;
}
