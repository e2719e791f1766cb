/* Fuzz target for the Takeout JSON reader: any bytes must give a classified
 * document whose strings are NUL-terminated valid UTF-8, whose geo values are
 * finite and in range, and which frees without leaks. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "index/sidecar_json.h"

static void require(bool ok)
{
	if (!ok)
		abort();
}

static void check_string(const char *s, bool may_be_null)
{
	if (!s) {
		require(may_be_null);
		return;
	}
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
		require(n > 0);
		p += n;
		left -= n;
	}
}

static void check_geo(const struct sj_geo *g)
{
	if (!g->present)
		return;
	require(isfinite(g->lat) && isfinite(g->lon) && isfinite(g->alt));
	require(fabs(g->lat) <= 90 && fabs(g->lon) <= 180 && !(g->lat == 0 && g->lon == 0));
}

static void check_time(bool has, int64_t t)
{
	if (has)
		require(t != 0 && t >= -5364662400LL && t < 7289654400LL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sj_doc doc;
	if (sj_parse((const char *)data, size, &doc) != 0) {
		require(doc.kind == SJ_BROKEN);
		sj_free(&doc);
		return 0;
	}
	switch (doc.kind) {
	case SJ_BROKEN:
		require(doc.error[0] != '\0' && memchr(doc.error, '\0', sizeof doc.error));
		break;
	case SJ_MEDIA:
		check_string(doc.media.title, true);
		check_string(doc.media.description, true);
		check_string(doc.media.url, true);
		check_time(doc.media.has_taken, doc.media.taken);
		check_time(doc.media.has_created, doc.media.created);
		check_geo(&doc.media.geo);
		check_geo(&doc.media.geo_exif);
		for (size_t i = 0; i < doc.media.n_people; i++) {
			check_string(doc.media.people[i], false);
			require(doc.media.people[i][0] != '\0');
		}
		break;
	case SJ_ALBUM:
		check_string(doc.album.title, true);
		check_string(doc.album.description, true);
		check_time(doc.album.has_date, doc.album.date);
		break;
	case SJ_IGNORED:
		break;
	default:
		abort();
	}
	if (doc.kind != SJ_MEDIA)
		require(!doc.media.title && !doc.media.people && doc.media.n_people == 0);
	sj_free(&doc);
	return 0;
}
