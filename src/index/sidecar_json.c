/* Reader for Takeout JSON files (takeout-format.md §3): checks UTF-8, parses
 * with cJSON, classifies the object by content (§3.6) and copies the fields of
 * a media sidecar (§3.1-3.3) or an album metadata file (§3.5) into plain C
 * values. Every odd value becomes "absent"; only input that is not a UTF-8
 * JSON object is SJ_BROKEN.
 *
 * Strings handed out are NUL-free valid UTF-8: a "\u0000" escape ends the
 * string (cJSON decodes it to a NUL byte, and the text after it is dropped).
 *
 * Deliberate choices, all in the direction of "never misfile a sidecar":
 * - §3.6 rule 4 (print orders) is tested before the second half of rule 3
 *   (title with url/imageViews/creationTime), because print-order objects carry
 *   a creationTime of their own; a real sidecar never has externalOrderId.
 * - Rule 3's second half needs `title` to be a string, so the memory-titles
 *   file (title is an array) stays ignored whatever else it holds.
 * - Rule 5 ("string title and none of the media keys") also treats keys only a
 *   media sidecar has (people, geoDataExif, googlePhotosOrigin, ...) as media
 *   keys, so an odd sidecar without a date is never taken for an album.
 * - Deep nesting is refused by cJSON itself (CJSON_NESTING_LIMIT, 1000 levels
 *   in the packaged 1.7.15), so parsing never recurses deeper than that.
 * - cJSON gives no separate out-of-memory signal; a parse that fails for lack
 *   of memory is reported as a syntax error. Our own copies report -1.
 * - cJSON_ParseWithLengthOpts resets and sets a process-wide error slot on
 *   every call, a data race when indexer threads parse at once; parses are
 *   therefore serialized by a mutex (a few µs each, a small share of the
 *   indexer's work). Reading the parsed tree needs no lock. */
#include "index/sidecar_json.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ustr.h"

/* Timestamps outside years 1800..2200 are absurd (§4.1 pitfalls). */
#define SJ_MIN_TIME (-5364662400LL) /* 1800-01-01T00:00:00Z */
#define SJ_END_TIME 7289654400LL    /* 2201-01-01T00:00:00Z */

/* ---- parse failures -------------------------------------------------------- */

/* Deepest array/object nesting in buf[0..len), ignoring brackets inside
 * strings. Only used to explain a failed parse, so it may be slow-ish. */
static size_t nesting_depth(const char *buf, size_t len)
{
	size_t depth = 0, deepest = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > deepest)
				deepest = depth;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return deepest;
}

static bool only_whitespace(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return false;
	return true;
}

static pthread_mutex_t cjson_parse_lock = PTHREAD_MUTEX_INITIALIZER;

/* cJSON may look a byte past the length it is given (cJSON issues #800 and
 * #804), so it parses a NUL-padded copy; the copy costs far less than parsing. */
#define CJSON_PAD 8

/* Parses buf as one JSON object with nothing but whitespace after it. On
 * failure returns NULL with a reason in doc->error (and *oom when the reason
 * is a failed allocation of ours). */
static cJSON *parse_json(const char *buf, size_t len, struct sj_doc *doc, bool *oom)
{
	*oom = false;
	if (len == 0 || only_whitespace(buf, buf + len)) {
		snprintf(doc->error, sizeof doc->error, "empty file");
		return NULL;
	}
	size_t bad = ustr_utf8_invalid_offset(buf, len);
	if (bad != len) {
		snprintf(doc->error, sizeof doc->error, "not valid UTF-8 (byte %zu)", bad);
		return NULL;
	}
	char *text = len <= SIZE_MAX - CJSON_PAD ? malloc(len + CJSON_PAD) : NULL;
	if (!text) {
		*oom = true;
		snprintf(doc->error, sizeof doc->error, "out of memory");
		return NULL;
	}
	memcpy(text, buf, len);
	memset(text + len, 0, CJSON_PAD);

	const char *end = NULL;
	pthread_mutex_lock(&cjson_parse_lock);
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	pthread_mutex_unlock(&cjson_parse_lock);
	size_t at = end && end >= text && end <= text + len ? (size_t)(end - text) : len;
	if (!root) {
		if (nesting_depth(text, at < len ? at + 1 : len) >= CJSON_NESTING_LIMIT)
			snprintf(doc->error, sizeof doc->error, "JSON nested deeper than %d levels",
			         CJSON_NESTING_LIMIT);
		else
			snprintf(doc->error, sizeof doc->error, "not valid JSON (byte %zu)", at);
	} else if (!only_whitespace(text + at, text + len)) {
		snprintf(doc->error, sizeof doc->error, "text after the JSON value (byte %zu)", at);
	} else if (!cJSON_IsObject(root)) {
		snprintf(doc->error, sizeof doc->error, "JSON is not an object");
	} else {
		free(text);
		return root;
	}
	cJSON_Delete(root);
	free(text);
	return NULL;
}

/* ---- the keys we look at ----------------------------------------------------- */

/* The members of the top-level object that matter; first occurrence wins
 * (as with cJSON_GetObjectItem). */
struct members {
	const cJSON *title, *description, *caption, *photo_taken, *creation, *geo, *geo_exif,
	    *people, *url, *image_views, *favorited, *archived, *trashed, *album_data,
	    *external_order_id, *date;
	bool media_only_key; /* a key only a media sidecar has (rule 5) */
};

enum { MEDIA_ONLY = -1 };

struct key_slot {
	const char *name;
	ptrdiff_t offset; /* into struct members, or MEDIA_ONLY */
};

#define SLOT(key, field)                                                                           \
	{                                                                                          \
		key, (ptrdiff_t)offsetof(struct members, field)                                    \
	}
static const struct key_slot key_slots[] = {
    SLOT("title", title),
    SLOT("description", description),
    SLOT("caption", caption),
    SLOT("photoTakenTime", photo_taken),
    SLOT("creationTime", creation),
    SLOT("geoData", geo),
    SLOT("geoDataExif", geo_exif),
    SLOT("people", people),
    SLOT("url", url),
    SLOT("imageViews", image_views),
    SLOT("favorited", favorited),
    SLOT("archived", archived),
    SLOT("trashed", trashed),
    SLOT("albumData", album_data),
    SLOT("externalOrderId", external_order_id),
    SLOT("date", date),
    {"googlePhotosOrigin", MEDIA_ONLY},
    {"photoLastModifiedTime", MEDIA_ONLY},
    {"modificationTime", MEDIA_ONLY},
    {"appSource", MEDIA_ONLY},
};
#undef SLOT

static void note_member(struct members *m, const cJSON *item)
{
	const char *key = item->string;
	if (!key)
		return;
	for (size_t i = 0; i < sizeof key_slots / sizeof key_slots[0]; i++) {
		const struct key_slot *slot = &key_slots[i];
		if (slot->name[0] != key[0] || strcmp(slot->name, key) != 0)
			continue;
		if (slot->offset == MEDIA_ONLY) {
			m->media_only_key = true;
		} else {
			const cJSON **field = (const cJSON **)((char *)m + slot->offset);
			if (!*field)
				*field = item;
		}
		return;
	}
}

static void collect_members(const cJSON *object, struct members *m)
{
	memset(m, 0, sizeof *m);
	for (const cJSON *item = object->child; item; item = item->next)
		note_member(m, item);
	if (m->geo_exif || m->people || m->favorited || m->archived || m->trashed)
		m->media_only_key = true;
}

/* ---- §3.6 -------------------------------------------------------------------- */

static enum sj_kind classify_object(const struct members *m)
{
	if (m->album_data)
		return SJ_ALBUM;
	if (m->photo_taken)
		return SJ_MEDIA;
	if (m->external_order_id)
		return SJ_IGNORED;
	bool string_title = cJSON_IsString(m->title);
	if (string_title && (m->url || m->image_views || m->creation))
		return SJ_MEDIA;
	if (string_title && !m->media_only_key)
		return SJ_ALBUM;
	return SJ_IGNORED;
}

/* ---- values ------------------------------------------------------------------- */

/* Copies a JSON string member into *out (left NULL when the member is absent,
 * not a string, or not valid UTF-8). Returns -1 only when out of memory. */
static int copy_string(const cJSON *item, char **out)
{
	*out = NULL;
	if (!cJSON_IsString(item) || !item->valuestring)
		return 0;
	size_t len = strlen(item->valuestring); /* stops at a decoded \u0000 */
	if (!ustr_valid_utf8(item->valuestring, len))
		return 0;
	char *copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, item->valuestring, len + 1);
	*out = copy;
	return 0;
}

static bool timestamp_is_plausible(int64_t t)
{
	return t != 0 && t >= SJ_MIN_TIME && t < SJ_END_TIME;
}

/* Decimal Unix seconds as Takeout writes them: optional '-', digits only. */
static bool parse_decimal_seconds(const char *s, int64_t *out)
{
	bool negative = *s == '-';
	if (negative)
		s++;
	if (!*s)
		return false;
	int64_t v = 0;
	for (int n = 0; *s; s++, n++) {
		if (*s < '0' || *s > '9' || n >= 15)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = negative ? -v : v;
	return true;
}

/* Reads a time object's "timestamp" (string or number) into *out. */
static bool read_time_object(const cJSON *obj, int64_t *out)
{
	if (!cJSON_IsObject(obj))
		return false;
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(obj, "timestamp");
	int64_t t;
	if (cJSON_IsString(ts) && ts->valuestring) {
		if (!parse_decimal_seconds(ts->valuestring, &t))
			return false;
	} else if (cJSON_IsNumber(ts)) {
		double d = ts->valuedouble;
		if (!isfinite(d) || d < (double)SJ_MIN_TIME || d >= (double)SJ_END_TIME)
			return false;
		t = (int64_t)d;
	} else {
		return false;
	}
	if (!timestamp_is_plausible(t))
		return false;
	*out = t;
	return true;
}

static bool read_number(const cJSON *obj, const char *key, double *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble))
		return false;
	*out = item->valuedouble;
	return true;
}

/* A geo object; 0.0/0.0 and out-of-range coordinates mean "no location". */
static void read_geo(const cJSON *obj, struct sj_geo *geo)
{
	memset(geo, 0, sizeof *geo);
	double lat, lon, alt;
	if (!cJSON_IsObject(obj) || !read_number(obj, "latitude", &lat) ||
	    !read_number(obj, "longitude", &lon))
		return;
	if ((lat == 0.0 && lon == 0.0) || fabs(lat) > 90.0 || fabs(lon) > 180.0)
		return;
	geo->present = true;
	geo->lat = lat;
	geo->lon = lon;
	geo->alt = read_number(obj, "altitude", &alt) ? alt : 0.0;
}

static int read_people(const cJSON *array, struct sj_media *media)
{
	if (!cJSON_IsArray(array))
		return 0;
	size_t n = (size_t)cJSON_GetArraySize(array);
	if (n == 0)
		return 0;
	media->people = calloc(n, sizeof *media->people);
	if (!media->people)
		return -1;
	for (const cJSON *person = array->child; person; person = person->next) {
		if (!cJSON_IsObject(person))
			continue;
		char *name;
		if (copy_string(cJSON_GetObjectItemCaseSensitive(person, "name"), &name) != 0)
			return -1;
		if (!name)
			continue;
		if (!*name) {
			free(name);
			continue;
		}
		media->people[media->n_people++] = name;
	}
	return 0;
}

static int read_media(const struct members *m, struct sj_media *media)
{
	if (copy_string(m->title, &media->title) != 0 ||
	    copy_string(m->description, &media->description) != 0 ||
	    copy_string(m->url, &media->url) != 0)
		return -1;
	if (!media->description && copy_string(m->caption, &media->description) != 0)
		return -1;
	media->has_taken = read_time_object(m->photo_taken, &media->taken);
	media->has_created = read_time_object(m->creation, &media->created);
	read_geo(m->geo, &media->geo);
	read_geo(m->geo_exif, &media->geo_exif);
	media->favorited = cJSON_IsTrue(m->favorited);
	media->archived = cJSON_IsTrue(m->archived);
	media->trashed = cJSON_IsTrue(m->trashed);
	return read_people(m->people, media);
}

static int read_album(const struct members *top, struct sj_album *album)
{
	struct members legacy;
	const struct members *m = top;
	if (top->album_data) {
		if (!cJSON_IsObject(top->album_data))
			return 0;
		collect_members(top->album_data, &legacy);
		m = &legacy;
	}
	if (copy_string(m->title, &album->title) != 0 ||
	    copy_string(m->description, &album->description) != 0)
		return -1;
	album->has_date = read_time_object(m->date, &album->date);
	return 0;
}

/* ---- API ---------------------------------------------------------------------- */

int sj_parse(const char *buf, size_t len, struct sj_doc *doc)
{
	memset(doc, 0, sizeof *doc);
	doc->kind = SJ_BROKEN;
	if (!buf) {
		snprintf(doc->error, sizeof doc->error, "no data");
		return 0;
	}
	bool oom;
	cJSON *root = parse_json(buf, len, doc, &oom);
	if (!root)
		return oom ? -1 : 0;
	/* JSON allows no raw control characters, NUL least of all; cJSON reads
	 * one inside a string, and the string would be cut there. */
	const char *nul = memchr(buf, '\0', len);
	if (nul) {
		cJSON_Delete(root);
		snprintf(doc->error, sizeof doc->error, "NUL byte at offset %zu",
		         (size_t)(nul - buf));
		return 0;
	}

	struct members m;
	collect_members(root, &m);
	enum sj_kind kind = classify_object(&m);
	int rc = 0;
	if (kind == SJ_MEDIA)
		rc = read_media(&m, &doc->media);
	else if (kind == SJ_ALBUM)
		rc = read_album(&m, &doc->album);
	cJSON_Delete(root);

	if (rc != 0) {
		sj_free(doc);
		snprintf(doc->error, sizeof doc->error, "out of memory");
		return -1;
	}
	doc->kind = kind;
	return 0;
}

void sj_free(struct sj_doc *doc)
{
	if (!doc)
		return;
	free(doc->media.title);
	free(doc->media.description);
	free(doc->media.url);
	for (size_t i = 0; i < doc->media.n_people; i++)
		free(doc->media.people[i]);
	free(doc->media.people);
	free(doc->album.title);
	free(doc->album.description);
	memset(doc, 0, sizeof *doc);
	doc->kind = SJ_BROKEN;
}
