/* Renders NAME.meta and status.json from the store (see views/meta.h). The
 * output is built by hand rather than through cJSON so that the layout, the
 * number formats and the fixed-width crc32 field are under our control. */
#include "views/meta.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index/sidecar.h"
#include "media/taken.h"
#include "util/growbuf.h"
#include "util/ustr.h"
#include "views/camera.h"

/* The width of a known crc32 value, "0a1b2c3d" with its quotes. */
#define CRC_FIELD_WIDTH 10

void jbuf_free(struct jbuf *b)
{
	free(b->p);
	*b = (struct jbuf){0};
}

void jbuf_raw(struct jbuf *b, const char *s, size_t len)
{
	if (b->oom)
		return;
	if (grow_array_from((void **)&b->p, &b->cap, b->len + len + 1, 1, 1024) != 0) {
		b->oom = true;
		return;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void jbuf_cstr(struct jbuf *b, const char *s)
{
	jbuf_raw(b, s, strlen(s));
}

static void jbuf_escaped(struct jbuf *b, const char *s, size_t len)
{
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		jbuf_raw(b, s + run, i - run);
		run = i + 1;
		char esc[8];
		switch (c) {
		case '"':
			jbuf_raw(b, "\\\"", 2);
			break;
		case '\\':
			jbuf_raw(b, "\\\\", 2);
			break;
		case '\n':
			jbuf_raw(b, "\\n", 2);
			break;
		case '\t':
			jbuf_raw(b, "\\t", 2);
			break;
		case '\r':
			jbuf_raw(b, "\\r", 2);
			break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", c);
			jbuf_raw(b, esc, 6);
		}
	}
	jbuf_raw(b, s + run, len - run);
}

/* Escapes s[0..len), repairing invalid UTF-8 first (names are raw bytes). */
static void jbuf_utf8(struct jbuf *b, const char *s, size_t len)
{
	if (ustr_valid_utf8(s, len) && !memchr(s, 0, len)) {
		jbuf_escaped(b, s, len);
		return;
	}
	char *clean = ustr_sanitize_utf8(s, len);
	if (!clean)
		b->oom = true;
	else
		jbuf_escaped(b, clean, strlen(clean));
	free(clean);
}

void jbuf_string(struct jbuf *b, const char *s, size_t len)
{
	jbuf_raw(b, "\"", 1);
	if (s && len) /* SQLite gives NULL for an empty value */
		jbuf_utf8(b, s, len);
	jbuf_raw(b, "\"", 1);
}

static void jbuf_int(struct jbuf *b, long long v)
{
	char num[32];
	jbuf_raw(b, num, (size_t)snprintf(num, sizeof num, "%lld", v));
}

/* Numbers as ExifTool -n prints them: integers without a fraction, others
 * with up to 15 significant digits; non-finite values become null. */
static void jbuf_double(struct jbuf *b, double v)
{
	char num[40];
	if (!isfinite(v)) {
		jbuf_cstr(b, "null");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(num, sizeof num, "%.0f", v);
	else
		snprintf(num, sizeof num, "%.15g", v);
	jbuf_cstr(b, num);
}

/* A column as JSON: its SQLite type decides the JSON type. */
static void jbuf_column(struct jbuf *b, sqlite3_stmt *st, int col)
{
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		jbuf_int(b, sqlite3_column_int64(st, col));
		break;
	case SQLITE_FLOAT:
		jbuf_double(b, sqlite3_column_double(st, col));
		break;
	case SQLITE_NULL:
		jbuf_cstr(b, "null");
		break;
	default:
		jbuf_string(b, (const char *)sqlite3_column_blob(st, col),
		            (size_t)sqlite3_column_bytes(st, col));
	}
}

/* --- .meta --- */

/* The columns of FILE_SQL, in order: the enum of column numbers and the
 * SELECT list are both generated from this one list, so they cannot drift
 * apart. FIRST names the first column, NEXT each later one. */
#define FILE_COLUMNS(FIRST, NEXT)                                                                  \
	FIRST(C_NAME, "f.name")                                                                    \
	NEXT(C_DPATH, "d.path")                                                                    \
	NEXT(C_SIZE, "f.size")                                                                     \
	NEXT(C_MIME, "f.mime")                                                                     \
	NEXT(C_CRC, "f.crc32")                                                                     \
	NEXT(C_TAKEN, "f.taken")                                                                   \
	NEXT(C_OFFSET, "f.taken_offset")                                                           \
	NEXT(C_TSRC, "f.taken_source")                                                             \
	NEXT(C_MAKE, "f.make")                                                                     \
	NEXT(C_MODEL, "f.model")                                                                   \
	NEXT(C_LENS, "f.lens_model")                                                               \
	NEXT(C_DTO, "f.date_time_original")                                                        \
	NEXT(C_CD, "f.create_date")                                                                \
	NEXT(C_OTO, "f.offset_time_original")                                                      \
	NEXT(C_SSTO, "f.subsec_time_original")                                                     \
	NEXT(C_ORIENT, "f.orientation")                                                            \
	NEXT(C_ISO, "f.iso")                                                                       \
	NEXT(C_EXPO, "f.exposure_time")                                                            \
	NEXT(C_FNUM, "f.f_number")                                                                 \
	NEXT(C_FOCAL, "f.focal_length")                                                            \
	NEXT(C_LAT, "f.gps_lat")                                                                   \
	NEXT(C_LON, "f.gps_lon")                                                                   \
	NEXT(C_ALT, "f.gps_alt")                                                                   \
	NEXT(C_WIDTH, "f.width")                                                                   \
	NEXT(C_HEIGHT, "f.height")                                                                 \
	NEXT(C_RULE, "f.match_rule")                                                               \
	NEXT(C_ITEM, "COALESCE(f.item_id, f.id)")                                                  \
	NEXT(C_SC_ID, "s.id")                                                                      \
	NEXT(C_SC_NAME, "s.name")                                                                  \
	NEXT(C_SC_DPATH, "sd.path")                                                                \
	NEXT(C_SC_TITLE, "s.title")                                                                \
	NEXT(C_SC_DESC, "s.description")                                                           \
	NEXT(C_SC_TAKEN, "s.taken")                                                                \
	NEXT(C_SC_CREATED, "s.created")                                                            \
	NEXT(C_SC_LAT, "s.geo_lat")                                                                \
	NEXT(C_SC_LON, "s.geo_lon")                                                                \
	NEXT(C_SC_ALT, "s.geo_alt")                                                                \
	NEXT(C_SC_PEOPLE, "s.people")                                                              \
	NEXT(C_SC_URL, "s.url")                                                                    \
	NEXT(C_SC_FAV, "s.favorited")                                                              \
	NEXT(C_SC_ARCH, "s.archived")                                                              \
	NEXT(C_SC_TRASH, "s.trashed")                                                              \
	/* Most files have no copy and no album: these spare two queries. */                       \
	NEXT(C_HAS_COPIES, "EXISTS (SELECT 1 FROM files c"                                         \
	                   " WHERE c.item_id = COALESCE(f.item_id, f.id) AND c.id <> f.id)")       \
	NEXT(C_IN_ALBUM, "d.album_id IS NOT NULL")

#define COLUMN_NUMBER(name, sql) name,
#define COLUMN_FIRST(name, sql)  sql
#define COLUMN_NEXT(name, sql)   ", " sql

enum { FILE_COLUMNS(COLUMN_NUMBER, COLUMN_NUMBER) C_COUNT };

#define FILE_FROM                                                                                  \
	" FROM files f JOIN dirs d ON d.id = f.dir_id"                                             \
	" LEFT JOIN sidecars s ON s.id = f.sidecar_id LEFT JOIN dirs sd ON sd.id = s.dir_id"       \
	" WHERE f.id = ?1"

static const char FILE_SQL[] = "SELECT " FILE_COLUMNS(COLUMN_FIRST, COLUMN_NEXT) FILE_FROM;

static const char COPIES_SQL[] =
    "SELECT d.path, f.name, f.crc32 FROM files f JOIN dirs d ON d.id = f.dir_id"
    " WHERE f.item_id = ?1 AND f.id <> ?2 ORDER BY d.path, f.name";

/* Untitled albums are called by their folder's name, as in by-album/. */
static const char ALBUMS_SQL[] =
    "SELECT COALESCE(NULLIF(CAST(a.title AS BLOB), x''),"
    "  (SELECT d2.name FROM dirs d2 WHERE d2.album_id = a.id ORDER BY d2.path LIMIT 1))"
    " FROM albums a WHERE a.id IN (SELECT d.album_id FROM files f"
    "  JOIN dirs d ON d.id = f.dir_id WHERE f.item_id = ?1 OR f.id = ?2)"
    " ORDER BY a.logical, a.id";

struct meta {
	sqlite3 *db;
	sqlite3_stmt *file, *copies, *albums;
	/* This file's CRC for the rendering under way (store or caller). */
	bool crc_known;
	uint32_t crc;
};

struct meta *meta_open(sqlite3 *db, char *err, size_t errlen)
{
	struct meta *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->db = db;
	if (sqlite3_prepare_v3(db, FILE_SQL, -1, SQLITE_PREPARE_PERSISTENT, &m->file, NULL) ||
	    sqlite3_prepare_v3(db, COPIES_SQL, -1, SQLITE_PREPARE_PERSISTENT, &m->copies, NULL) ||
	    sqlite3_prepare_v3(db, ALBUMS_SQL, -1, SQLITE_PREPARE_PERSISTENT, &m->albums, NULL)) {
		snprintf(err, errlen, "cannot prepare the .meta queries: %s", sqlite3_errmsg(db));
		meta_close(m);
		return NULL;
	}
	assert(sqlite3_column_count(m->file) == C_COUNT); /* FILE_COLUMNS made both */
	return m;
}

void meta_close(struct meta *m)
{
	if (!m)
		return;
	sqlite3_finalize(m->file);
	sqlite3_finalize(m->copies);
	sqlite3_finalize(m->albums);
	free(m);
}

static void key(struct jbuf *b, const char *k, bool first)
{
	jbuf_cstr(b, first ? "\n  \"" : ",\n  \"");
	jbuf_cstr(b, k);
	jbuf_cstr(b, "\": ");
}

/* "key": value inside an inline object, only when the column is not NULL. */
static void inline_col(struct jbuf *b, const char *k, sqlite3_stmt *st, int col, bool *first)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return;
	jbuf_cstr(b, *first ? "\"" : ", \"");
	jbuf_cstr(b, k);
	jbuf_cstr(b, "\": ");
	jbuf_column(b, st, col);
	*first = false;
}

/* A source-relative path from a directory path ('' = SOURCE) and a name. */
static void jbuf_path(struct jbuf *b, sqlite3_stmt *st, int dcol, int ncol)
{
	size_t dlen = (size_t)sqlite3_column_bytes(st, dcol);
	size_t nlen = (size_t)sqlite3_column_bytes(st, ncol);
	const char *d = sqlite3_column_blob(st, dcol);
	const char *n = sqlite3_column_blob(st, ncol);
	char *joined = malloc(dlen + nlen + 2);
	if (!joined) {
		b->oom = true;
		return;
	}
	size_t len = 0;
	if (dlen) {
		memcpy(joined, d, dlen);
		joined[dlen] = '/';
		len = dlen + 1;
	}
	if (nlen)
		memcpy(joined + len, n, nlen);
	jbuf_string(b, joined, len + nlen);
	free(joined);
}

static void render_taken(struct jbuf *b, sqlite3_stmt *st)
{
	if (sqlite3_column_type(st, C_TAKEN) == SQLITE_NULL) {
		jbuf_cstr(b, "null");
		return;
	}
	int64_t utc = sqlite3_column_int64(st, C_TAKEN);
	int offset;
	if (sqlite3_column_type(st, C_OFFSET) != SQLITE_NULL) {
		offset = sqlite3_column_int(st, C_OFFSET);
	} else {
		time_t t = (time_t)utc;
		struct tm tm;
		offset = localtime_r(&t, &tm) ? (int)(tm.tm_gmtoff / 60) : 0;
	}
	char iso[48];
	taken_format_iso8601(utc, offset, iso, sizeof iso);
	jbuf_string(b, iso, strlen(iso));
}

static void render_crc(struct meta *m, struct jbuf *b)
{
	if (!m->crc_known) {
		jbuf_cstr(b, "null");
		for (int i = 4; i < CRC_FIELD_WIDTH; i++)
			jbuf_raw(b, " ", 1);
		return;
	}
	char crc[16];
	snprintf(crc, sizeof crc, "\"%08x\"", (unsigned)m->crc);
	jbuf_cstr(b, crc);
}

static void render_camera(struct jbuf *b, sqlite3_stmt *st)
{
	char cam[256];
	size_t n = camera_name((const char *)sqlite3_column_text(st, C_MAKE),
	                       (const char *)sqlite3_column_text(st, C_MODEL), cam, sizeof cam);
	if (n == 0)
		jbuf_cstr(b, "null");
	else
		jbuf_string(b, cam, n);
}

static void render_gps(struct jbuf *b, sqlite3_stmt *st)
{
	int lat = C_LAT, lon = C_LON, alt = C_ALT;
	if (sqlite3_column_type(st, lat) == SQLITE_NULL ||
	    sqlite3_column_type(st, lon) == SQLITE_NULL) {
		lat = C_SC_LAT, lon = C_SC_LON, alt = C_SC_ALT;
		if (sqlite3_column_type(st, lat) == SQLITE_NULL ||
		    sqlite3_column_type(st, lon) == SQLITE_NULL) {
			jbuf_cstr(b, "null");
			return;
		}
	}
	jbuf_cstr(b, "{\"lat\": ");
	jbuf_double(b, sqlite3_column_double(st, lat));
	jbuf_cstr(b, ", \"lon\": ");
	jbuf_double(b, sqlite3_column_double(st, lon));
	jbuf_cstr(b, ", \"alt\": ");
	if (sqlite3_column_type(st, alt) == SQLITE_NULL)
		jbuf_cstr(b, "null");
	else
		jbuf_double(b, sqlite3_column_double(st, alt));
	jbuf_cstr(b, "}");
}

static void render_exif(struct jbuf *b, sqlite3_stmt *st)
{
	static const struct {
		const char *name;
		int col;
	} tags[] = {
	    {"Make", C_MAKE},
	    {"Model", C_MODEL},
	    {"DateTimeOriginal", C_DTO},
	    {"CreateDate", C_CD},
	    {"OffsetTimeOriginal", C_OTO},
	    {"SubSecTimeOriginal", C_SSTO},
	    {"Orientation", C_ORIENT},
	    {"ISO", C_ISO},
	    {"ExposureTime", C_EXPO},
	    {"FNumber", C_FNUM},
	    {"FocalLength", C_FOCAL},
	    {"LensModel", C_LENS},
	    {"GPSLatitude", C_LAT},
	    {"GPSLongitude", C_LON},
	    {"GPSAltitude", C_ALT},
	    {"ImageWidth", C_WIDTH},
	    {"ImageHeight", C_HEIGHT},
	};
	bool first = true;
	jbuf_cstr(b, "{");
	for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
		inline_col(b, tags[i].name, st, tags[i].col, &first);
	jbuf_cstr(b, "}");
}

/* The sidecar's people: an array of names, or of objects with a "name". */
static void render_people(struct jbuf *b, sqlite3_stmt *st, bool *first)
{
	const char *text = (const char *)sqlite3_column_text(st, C_SC_PEOPLE);
	cJSON *arr = text ? cJSON_Parse(text) : NULL;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(arr);
		return;
	}
	jbuf_cstr(b, *first ? "\"people\": [" : ", \"people\": [");
	*first = false;
	bool first_name = true;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		const cJSON *name = cJSON_IsObject(it) ? cJSON_GetObjectItem(it, "name") : it;
		if (!cJSON_IsString(name))
			continue;
		if (!first_name)
			jbuf_cstr(b, ", ");
		jbuf_string(b, name->valuestring, strlen(name->valuestring));
		first_name = false;
	}
	jbuf_cstr(b, "]");
	cJSON_Delete(arr);
}

static void render_flag(struct jbuf *b, const char *k, sqlite3_stmt *st, int col)
{
	jbuf_cstr(b, ", \"");
	jbuf_cstr(b, k);
	jbuf_cstr(b, sqlite3_column_int(st, col) ? "\": true" : "\": false");
}

static int render_albums(struct meta *m, struct jbuf *b, int64_t item, int64_t file_id, bool *first)
{
	sqlite3_stmt *q = m->albums;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, item);
	sqlite3_bind_int64(q, 2, file_id);
	int n = 0, rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (n++ == 0)
			jbuf_cstr(b, *first ? "\"albums\": [" : ", \"albums\": [");
		else
			jbuf_cstr(b, ", ");
		jbuf_column(b, q, 0);
	}
	if (n) {
		jbuf_cstr(b, "]");
		*first = false;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static int render_google(struct meta *m, struct jbuf *b, sqlite3_stmt *st, int64_t file_id)
{
	bool first = true;
	jbuf_cstr(b, "{");
	if (sqlite3_column_type(st, C_SC_ID) != SQLITE_NULL) {
		inline_col(b, "title", st, C_SC_TITLE, &first);
		inline_col(b, "description", st, C_SC_DESC, &first);
		inline_col(b, "photoTakenTime", st, C_SC_TAKEN, &first);
		inline_col(b, "creationTime", st, C_SC_CREATED, &first);
		if (sqlite3_column_type(st, C_SC_LAT) != SQLITE_NULL &&
		    sqlite3_column_type(st, C_SC_LON) != SQLITE_NULL) {
			bool geo_first = true;
			jbuf_cstr(b, first ? "\"geoData\": {" : ", \"geoData\": {");
			inline_col(b, "latitude", st, C_SC_LAT, &geo_first);
			inline_col(b, "longitude", st, C_SC_LON, &geo_first);
			inline_col(b, "altitude", st, C_SC_ALT, &geo_first);
			jbuf_cstr(b, "}");
			first = false;
		}
		render_people(b, st, &first);
		if (first) /* the flags below start with ", " */
			jbuf_cstr(b, "\"favorited\": ");
		else
			jbuf_cstr(b, ", \"favorited\": ");
		jbuf_cstr(b, sqlite3_column_int(st, C_SC_FAV) ? "true" : "false");
		first = false;
		render_flag(b, "archived", st, C_SC_ARCH);
		render_flag(b, "trashed", st, C_SC_TRASH);
		inline_col(b, "url", st, C_SC_URL, &first);
	}
	int rc = 0;
	if (sqlite3_column_int(st, C_HAS_COPIES) || sqlite3_column_int(st, C_IN_ALBUM))
		rc = render_albums(m, b, sqlite3_column_int64(st, C_ITEM), file_id, &first);
	jbuf_cstr(b, "}");
	return rc;
}

/* A copy whose CRC is known and differs from this file's known CRC shares
 * only size, head and tail with it (the identity key), not its bytes. */
static bool copy_differs(const struct meta *m, sqlite3_stmt *q, int col)
{
	return m->crc_known && sqlite3_column_type(q, col) != SQLITE_NULL &&
	       (uint32_t)(sqlite3_column_int64(q, col) & 0xffffffffu) != m->crc;
}

static int render_copies(struct meta *m, struct jbuf *b, int64_t item, int64_t file_id)
{
	sqlite3_stmt *q = m->copies;
	sqlite3_reset(q);
	sqlite3_bind_int64(q, 1, item);
	sqlite3_bind_int64(q, 2, file_id);
	int n = 0, shown = 0, rc;
	size_t full = 0; /* the list's length with every copy shown */
	jbuf_cstr(b, "[");
	size_t start = b->len;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		size_t at = b->len;
		if (shown)
			jbuf_cstr(b, ", ");
		size_t path_at = b->len;
		jbuf_path(b, q, 0, 1);
		full += (b->len - path_at) + (n++ ? 2 : 0);
		if (copy_differs(m, q, 2))
			b->len = at; /* same identity, different bytes: not a copy */
		else
			shown++;
	}
	for (size_t i = b->len - start; i < full && !b->oom; i++)
		jbuf_raw(b, " ", 1);
	jbuf_cstr(b, "]");
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static void render_name_col(struct jbuf *b, const char *name)
{
	if (name)
		jbuf_string(b, name, strlen(name));
	else
		jbuf_cstr(b, "null");
}

static int render_file(struct meta *m, sqlite3_stmt *st, int64_t file_id, struct jbuf *b)
{
	jbuf_cstr(b, "{");
	key(b, "source", true);
	jbuf_path(b, st, C_DPATH, C_NAME);
	key(b, "sidecar", false);
	if (sqlite3_column_type(st, C_SC_ID) == SQLITE_NULL)
		jbuf_cstr(b, "null");
	else
		jbuf_path(b, st, C_SC_DPATH, C_SC_NAME);
	key(b, "match", false);
	render_name_col(b, sqlite3_column_type(st, C_RULE) == SQLITE_NULL
	                       ? NULL
	                       : sc_rule_name((enum sc_rule)sqlite3_column_int(st, C_RULE)));
	key(b, "size", false);
	jbuf_column(b, st, C_SIZE);
	key(b, "mime", false);
	jbuf_column(b, st, C_MIME);
	key(b, "crc32", false);
	render_crc(m, b);
	key(b, "taken", false);
	render_taken(b, st);
	key(b, "taken_source", false);
	render_name_col(b,
	                sqlite3_column_type(st, C_TSRC) == SQLITE_NULL
	                    ? NULL
	                    : taken_source_name((enum taken_source)sqlite3_column_int(st, C_TSRC)));
	key(b, "camera", false);
	render_camera(b, st);
	key(b, "width", false);
	jbuf_column(b, st, C_WIDTH);
	key(b, "height", false);
	jbuf_column(b, st, C_HEIGHT);
	key(b, "orientation", false);
	jbuf_column(b, st, C_ORIENT);
	key(b, "gps", false);
	render_gps(b, st);
	key(b, "exif", false);
	render_exif(b, st);
	key(b, "google", false);
	int64_t item = sqlite3_column_int64(st, C_ITEM);
	if (render_google(m, b, st, file_id) != 0)
		return -EIO;
	key(b, "copies", false);
	if (!sqlite3_column_int(st, C_HAS_COPIES))
		jbuf_cstr(b, "[]");
	else if (render_copies(m, b, item, file_id) != 0)
		return -EIO;
	jbuf_cstr(b, "\n}\n");
	return 0;
}

int meta_render(struct meta *m, int64_t file_id, struct jbuf *out)
{
	return meta_render_crc(m, file_id, NULL, out, NULL);
}

int meta_render_crc(struct meta *m, int64_t file_id, const uint32_t *crc, struct jbuf *out,
                    bool *crc_known)
{
	out->len = 0;
	out->oom = false;
	sqlite3_stmt *st = m->file;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, file_id);
	int step = sqlite3_step(st);
	int rc;
	if (step == SQLITE_ROW) {
		m->crc_known = crc || sqlite3_column_type(st, C_CRC) != SQLITE_NULL;
		m->crc = crc ? *crc : (uint32_t)(sqlite3_column_int64(st, C_CRC) & 0xffffffffu);
		if (crc_known)
			*crc_known = m->crc_known;
		rc = render_file(m, st, file_id, out);
	} else
		rc = step == SQLITE_DONE ? -ENOENT : -EIO;
	sqlite3_reset(st);
	if (rc == 0 && out->oom)
		rc = -ENOMEM;
	return rc;
}

/* --- status.json --- */

static int status_meta(sqlite3 *db, struct jbuf *b)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta ORDER BY key", -1, &st, NULL))
		return -1;
	jbuf_cstr(b, "{");
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		jbuf_cstr(b, n++ ? ",\n    " : "\n    ");
		jbuf_column(b, st, 0);
		jbuf_cstr(b, ": ");
		jbuf_column(b, st, 1);
	}
	jbuf_cstr(b, n ? "\n  }" : "}");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int status_count(sqlite3 *db, struct jbuf *b, const char *k, const char *sql, bool first)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		return -1;
	key(b, k, first);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		jbuf_column(b, st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* A capped list: each row's columns joined as one JSON value (a path, or an
 * object with the problem). count_sql gives the total. */
static int status_list(sqlite3 *db, struct jbuf *b, const char *k, const char *sql, bool with_what)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		return -1;
	sqlite3_bind_int(st, 1, STATUS_LIST_MAX);
	key(b, k, false);
	jbuf_cstr(b, "[");
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		jbuf_cstr(b, n++ ? ",\n    " : "\n    ");
		if (with_what)
			jbuf_cstr(b, "{\"path\": ");
		jbuf_path(b, st, 0, 1);
		if (with_what) {
			jbuf_cstr(b, ", \"what\": ");
			jbuf_column(b, st, 2);
			jbuf_cstr(b, "}");
		}
	}
	jbuf_cstr(b, n ? "\n  ]" : "]");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static bool has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	bool has = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

/* Identity collisions found by the full CRCs (fs/crc.c records them): the
 * file, and in "what" the other file it was wrongly grouped with. */
static const char CONFLICTS_SQL[] =
    "SELECT d.path, f.name, 'crc32 differs from its identity copy ' ||"
    "  CAST(CASE WHEN length(d2.path) = 0 THEN f2.name ELSE d2.path || '/' || f2.name END"
    "  AS TEXT)"
    " FROM crc_conflicts c JOIN files f ON f.id = c.file_id JOIN dirs d ON d.id = f.dir_id"
    " JOIN files f2 ON f2.id = c.other_id JOIN dirs d2 ON d2.id = f2.dir_id"
    " ORDER BY d.path, f.name LIMIT ?1";

int status_render(sqlite3 *db, struct jbuf *b)
{
	b->len = 0;
	b->oom = false;
	jbuf_cstr(b, "{");
	int rc = 0;
	rc |= status_count(db, b, "files", "SELECT COUNT(*) FROM files", true);
	rc |= status_count(db, b, "items",
	                   "SELECT COUNT(DISTINCT COALESCE(item_id, id)) FROM files", false);
	rc |= status_count(db, b, "sidecars_matched",
	                   "SELECT COUNT(*) FROM files WHERE sidecar_id IS NOT NULL", false);
	rc |= status_count(db, b, "unmatched_count",
	                   "SELECT COUNT(*) FROM files WHERE sidecar_id IS NULL", false);
	rc |= status_count(db, b, "albums", "SELECT COUNT(*) FROM albums", false);
	rc |= status_count(db, b, "problem_count",
	                   "SELECT (SELECT COUNT(*) FROM problems)"
	                   " + (SELECT COUNT(*) FROM files WHERE problem IS NOT NULL)"
	                   " + (SELECT COUNT(*) FROM sidecars WHERE problem IS NOT NULL)",
	                   false);
	key(b, "index", false);
	rc |= status_meta(db, b);
	rc |= status_list(db, b, "unmatched",
	                  "SELECT d.path, f.name FROM files f JOIN dirs d ON d.id = f.dir_id"
	                  " WHERE f.sidecar_id IS NULL ORDER BY d.path, f.name LIMIT ?1",
	                  false);
	rc |= status_list(db, b, "problems",
	                  "SELECT * FROM (SELECT '' AS d, path AS n, what FROM problems"
	                  " UNION ALL SELECT d.path, f.name, f.problem FROM files f"
	                  "  JOIN dirs d ON d.id = f.dir_id WHERE f.problem IS NOT NULL"
	                  " UNION ALL SELECT d.path, s.name, s.problem FROM sidecars s"
	                  "  JOIN dirs d ON d.id = s.dir_id WHERE s.problem IS NOT NULL)"
	                  " ORDER BY d, n LIMIT ?1",
	                  true);
	if (has_table(db, "crc_conflicts")) {
		rc |= status_list(db, b, "crc_conflicts", CONFLICTS_SQL, true);
	} else { /* the first mount creates the table */
		key(b, "crc_conflicts", false);
		jbuf_cstr(b, "[]");
	}
	jbuf_cstr(b, "\n}\n");
	if (b->oom)
		return -1;
	return rc ? -1 : 0;
}

/* A number left-aligned in a field wide enough for any int64, so the
 * document's length does not change as the counters grow. */
static void jbuf_fixed_int(struct jbuf *b, int64_t v)
{
	char num[32];
	snprintf(num, sizeof num, "%-20lld", (long long)v);
	jbuf_cstr(b, num);
}

int status_render_live(const struct jbuf *base, const struct status_live *live, struct jbuf *out)
{
	static const char END[] = "\n}\n";
	const struct status_crc *crc = &live->crc;
	out->len = 0;
	out->oom = false;
	size_t keep = base->len;
	if (keep >= sizeof END - 1 &&
	    memcmp(base->p + keep - (sizeof END - 1), END, sizeof END - 1) == 0)
		keep -= sizeof END - 1;
	jbuf_raw(out, base->p, keep);
	key(out, "crc", false);
	jbuf_cstr(out, crc->eager ? "{\"mode\": \"eager\", \"computed\": "
	                          : "{\"mode\": \"lazy\",  \"computed\": ");
	jbuf_fixed_int(out, crc->computed);
	jbuf_cstr(out, ", \"total\": ");
	jbuf_fixed_int(out, crc->total);
	jbuf_cstr(out, ", \"computed_this_mount\": ");
	jbuf_fixed_int(out, crc->computed_this_mount);
	jbuf_cstr(out, ", \"read_this_mount_bytes\": ");
	jbuf_fixed_int(out, crc->read_this_mount_bytes);
	jbuf_cstr(out, ", \"conflicts\": ");
	jbuf_fixed_int(out, crc->conflicts);
	jbuf_cstr(out, "}");
	key(out, "reads", false);
	jbuf_cstr(out, live->reads.passthrough
	                   ? "{\"passthrough\": true,  \"opens_passthrough\": "
	                   : "{\"passthrough\": false, \"opens_passthrough\": ");
	jbuf_fixed_int(out, live->reads.through);
	jbuf_cstr(out, ", \"opens_daemon\": ");
	jbuf_fixed_int(out, live->reads.via_daemon);
	jbuf_cstr(out, "}");
	jbuf_cstr(out, END);
	return out->oom ? -1 : 0;
}
