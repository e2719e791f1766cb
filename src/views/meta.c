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
#include "store/meta_rows.h"
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
static void jbuf_value(struct jbuf *b, const struct store_value *v)
{
	switch (v->type) {
	case STORE_INTEGER:
		jbuf_int(b, v->i);
		break;
	case STORE_REAL:
		jbuf_double(b, v->d);
		break;
	case STORE_NULL:
		jbuf_cstr(b, "null");
		break;
	case STORE_TEXT:
	case STORE_BLOB:
		jbuf_string(b, v->s, v->len);
	}
}

static bool is_null(const struct store_value *v)
{
	return v->type == STORE_NULL;
}

/* --- .meta --- */

struct meta {
	struct store_meta_reader *rows;
	/* This file's CRC for the rendering under way (store or caller). */
	bool crc_known;
	uint32_t crc;
};

struct meta *meta_open(store_db *db, char *err, size_t errlen)
{
	struct meta *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (!(m->rows = store_meta_reader_open(db, err, errlen))) {
		free(m);
		return NULL;
	}
	return m;
}

void meta_close(struct meta *m)
{
	if (!m)
		return;
	store_meta_reader_close(m->rows);
	free(m);
}

static void key(struct jbuf *b, const char *k, bool first)
{
	jbuf_cstr(b, first ? "\n  \"" : ",\n  \"");
	jbuf_cstr(b, k);
	jbuf_cstr(b, "\": ");
}

/* "key": value inside an inline object, only when the column is not NULL. */
static void inline_col(struct jbuf *b, const char *k, const struct store_value *v, bool *first)
{
	if (is_null(v))
		return;
	jbuf_cstr(b, *first ? "\"" : ", \"");
	jbuf_cstr(b, k);
	jbuf_cstr(b, "\": ");
	jbuf_value(b, v);
	*first = false;
}

/* A source-relative path from a directory path ('' = SOURCE) and a name. */
static void jbuf_path(struct jbuf *b, const char *d, size_t dlen, const char *n, size_t nlen)
{
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

static void jbuf_path_cols(struct jbuf *b, const struct store_value *dir,
                           const struct store_value *name)
{
	jbuf_path(b, dir->s, dir->len, name->s, name->len);
}

static void render_taken(struct jbuf *b, const struct store_value *col)
{
	if (is_null(&col[MC_TAKEN])) {
		jbuf_cstr(b, "null");
		return;
	}
	int64_t utc = col[MC_TAKEN].i;
	int offset;
	if (!is_null(&col[MC_OFFSET])) {
		offset = (int)col[MC_OFFSET].i;
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

/* A text column as a C string, NULL when NULL (what SQLite's column_text
 * gives for the make, the model and the people, which are stored as text). */
static const char *value_text(const struct store_value *v)
{
	return v->type == STORE_TEXT ? v->s : NULL;
}

static void render_camera(struct jbuf *b, const struct store_value *col)
{
	char cam[256];
	size_t n =
	    camera_name(value_text(&col[MC_MAKE]), value_text(&col[MC_MODEL]), cam, sizeof cam);
	if (n == 0)
		jbuf_cstr(b, "null");
	else
		jbuf_string(b, cam, n);
}

static void render_gps(struct jbuf *b, const struct store_value *col)
{
	int lat = MC_LAT, lon = MC_LON, alt = MC_ALT;
	if (is_null(&col[lat]) || is_null(&col[lon])) {
		lat = MC_SC_LAT, lon = MC_SC_LON, alt = MC_SC_ALT;
		if (is_null(&col[lat]) || is_null(&col[lon])) {
			jbuf_cstr(b, "null");
			return;
		}
	}
	jbuf_cstr(b, "{\"lat\": ");
	jbuf_double(b, col[lat].d);
	jbuf_cstr(b, ", \"lon\": ");
	jbuf_double(b, col[lon].d);
	jbuf_cstr(b, ", \"alt\": ");
	if (is_null(&col[alt]))
		jbuf_cstr(b, "null");
	else
		jbuf_double(b, col[alt].d);
	jbuf_cstr(b, "}");
}

static void render_exif(struct jbuf *b, const struct store_value *col)
{
	static const struct {
		const char *name;
		int col;
	} tags[] = {
	    {"Make", MC_MAKE},
	    {"Model", MC_MODEL},
	    {"DateTimeOriginal", MC_DTO},
	    {"CreateDate", MC_CD},
	    {"OffsetTimeOriginal", MC_OTO},
	    {"SubSecTimeOriginal", MC_SSTO},
	    {"Orientation", MC_ORIENT},
	    {"ISO", MC_ISO},
	    {"ExposureTime", MC_EXPO},
	    {"FNumber", MC_FNUM},
	    {"FocalLength", MC_FOCAL},
	    {"LensModel", MC_LENS},
	    {"GPSLatitude", MC_LAT},
	    {"GPSLongitude", MC_LON},
	    {"GPSAltitude", MC_ALT},
	    {"ImageWidth", MC_WIDTH},
	    {"ImageHeight", MC_HEIGHT},
	};
	bool first = true;
	jbuf_cstr(b, "{");
	for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
		inline_col(b, tags[i].name, &col[tags[i].col], &first);
	jbuf_cstr(b, "}");
}

/* The sidecar's people: an array of names, or of objects with a "name". */
static void render_people(struct jbuf *b, const struct store_value *people, bool *first)
{
	const char *text = value_text(people);
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

static void render_flag(struct jbuf *b, const char *k, const struct store_value *v)
{
	jbuf_cstr(b, ", \"");
	jbuf_cstr(b, k);
	jbuf_cstr(b, (int)v->i ? "\": true" : "\": false");
}

/* The "albums" list while it is written: n names so far. */
struct album_list {
	struct jbuf *b;
	bool *first;
	int n;
};

static void add_album(void *ctx, const struct store_value *name)
{
	struct album_list *l = ctx;
	if (l->n++ == 0)
		jbuf_cstr(l->b, *l->first ? "\"albums\": [" : ", \"albums\": [");
	else
		jbuf_cstr(l->b, ", ");
	jbuf_value(l->b, name);
}

static int render_albums(struct meta *m, struct jbuf *b, int64_t item, int64_t file_id, bool *first)
{
	struct album_list l = {.b = b, .first = first};
	int rc = store_meta_albums(m->rows, item, file_id, add_album, &l);
	if (l.n) {
		jbuf_cstr(b, "]");
		*first = false;
	}
	return rc;
}

static int render_google(struct meta *m, struct jbuf *b, const struct store_value *col,
                         int64_t file_id)
{
	bool first = true;
	jbuf_cstr(b, "{");
	if (!is_null(&col[MC_SC_ID])) {
		inline_col(b, "title", &col[MC_SC_TITLE], &first);
		inline_col(b, "description", &col[MC_SC_DESC], &first);
		inline_col(b, "photoTakenTime", &col[MC_SC_TAKEN], &first);
		inline_col(b, "creationTime", &col[MC_SC_CREATED], &first);
		if (!is_null(&col[MC_SC_LAT]) && !is_null(&col[MC_SC_LON])) {
			bool geo_first = true;
			jbuf_cstr(b, first ? "\"geoData\": {" : ", \"geoData\": {");
			inline_col(b, "latitude", &col[MC_SC_LAT], &geo_first);
			inline_col(b, "longitude", &col[MC_SC_LON], &geo_first);
			inline_col(b, "altitude", &col[MC_SC_ALT], &geo_first);
			jbuf_cstr(b, "}");
			first = false;
		}
		render_people(b, &col[MC_SC_PEOPLE], &first);
		if (first) /* the flags below start with ", " */
			jbuf_cstr(b, "\"favorited\": ");
		else
			jbuf_cstr(b, ", \"favorited\": ");
		jbuf_cstr(b, (int)col[MC_SC_FAV].i ? "true" : "false");
		first = false;
		render_flag(b, "archived", &col[MC_SC_ARCH]);
		render_flag(b, "trashed", &col[MC_SC_TRASH]);
		inline_col(b, "url", &col[MC_SC_URL], &first);
	}
	int rc = 0;
	if ((int)col[MC_HAS_COPIES].i || (int)col[MC_IN_ALBUM].i)
		rc = render_albums(m, b, col[MC_ITEM].i, file_id, &first);
	jbuf_cstr(b, "}");
	return rc;
}

/* The "copies" list while it is written: n copies listed, shown of them
 * shown, full the list's length had every copy been shown. */
struct copy_list {
	const struct meta *m;
	struct jbuf *b;
	int n, shown;
	size_t full;
};

/* A copy whose CRC is known and differs from this file's known CRC shares
 * only size, head and tail with it (the identity key), not its bytes. */
static bool copy_differs(const struct meta *m, const struct store_meta_copy *c)
{
	return m->crc_known && c->has_crc && c->crc != m->crc;
}

static void add_copy(void *ctx, const struct store_meta_copy *c)
{
	struct copy_list *l = ctx;
	struct jbuf *b = l->b;
	size_t at = b->len;
	if (l->shown)
		jbuf_cstr(b, ", ");
	size_t path_at = b->len;
	jbuf_path(b, c->dir, c->dir_len, c->name, c->name_len);
	l->full += (b->len - path_at) + (l->n++ ? 2 : 0);
	if (copy_differs(l->m, c))
		b->len = at; /* same identity, different bytes: not a copy */
	else
		l->shown++;
}

static int render_copies(struct meta *m, struct jbuf *b, int64_t item, int64_t file_id)
{
	struct copy_list l = {.m = m, .b = b};
	jbuf_cstr(b, "[");
	size_t start = b->len;
	int rc = store_meta_copies(m->rows, item, file_id, add_copy, &l);
	for (size_t i = b->len - start; i < l.full && !b->oom; i++)
		jbuf_raw(b, " ", 1);
	jbuf_cstr(b, "]");
	return rc;
}

static void render_name_col(struct jbuf *b, const char *name)
{
	if (name)
		jbuf_string(b, name, strlen(name));
	else
		jbuf_cstr(b, "null");
}

static int render_file(struct meta *m, const struct store_value *col, int64_t file_id,
                       struct jbuf *b)
{
	jbuf_cstr(b, "{");
	key(b, "source", true);
	jbuf_path_cols(b, &col[MC_DPATH], &col[MC_NAME]);
	key(b, "sidecar", false);
	if (is_null(&col[MC_SC_ID]))
		jbuf_cstr(b, "null");
	else
		jbuf_path_cols(b, &col[MC_SC_DPATH], &col[MC_SC_NAME]);
	key(b, "match", false);
	render_name_col(b,
	                is_null(&col[MC_RULE]) ? NULL : sc_rule_name((enum sc_rule)col[MC_RULE].i));
	key(b, "size", false);
	jbuf_value(b, &col[MC_SIZE]);
	key(b, "mime", false);
	jbuf_value(b, &col[MC_MIME]);
	key(b, "crc32", false);
	render_crc(m, b);
	key(b, "taken", false);
	render_taken(b, col);
	key(b, "taken_source", false);
	render_name_col(b, is_null(&col[MC_TSRC])
	                       ? NULL
	                       : taken_source_name((enum taken_source)col[MC_TSRC].i));
	key(b, "camera", false);
	render_camera(b, col);
	key(b, "width", false);
	jbuf_value(b, &col[MC_WIDTH]);
	key(b, "height", false);
	jbuf_value(b, &col[MC_HEIGHT]);
	key(b, "orientation", false);
	jbuf_value(b, &col[MC_ORIENT]);
	key(b, "gps", false);
	render_gps(b, col);
	key(b, "exif", false);
	render_exif(b, col);
	key(b, "google", false);
	int64_t item = col[MC_ITEM].i;
	if (render_google(m, b, col, file_id) != 0)
		return -EIO;
	key(b, "copies", false);
	if (!(int)col[MC_HAS_COPIES].i)
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

/* One rendering: its arguments, for the row's callback. */
struct rendering {
	struct meta *m;
	int64_t file_id;
	const uint32_t *crc;
	struct jbuf *out;
	bool *crc_known;
};

static int render_row(void *ctx, const struct store_value *col)
{
	struct rendering *r = ctx;
	struct meta *m = r->m;
	m->crc_known = r->crc || !is_null(&col[MC_CRC]);
	m->crc = r->crc ? *r->crc : (uint32_t)(col[MC_CRC].i & 0xffffffffu);
	if (r->crc_known)
		*r->crc_known = m->crc_known;
	return render_file(m, col, r->file_id, r->out);
}

int meta_render_crc(struct meta *m, int64_t file_id, const uint32_t *crc, struct jbuf *out,
                    bool *crc_known)
{
	out->len = 0;
	out->oom = false;
	struct rendering r = {m, file_id, crc, out, crc_known};
	int rc = store_meta_file(m->rows, file_id, render_row, &r);
	if (rc == 0 && out->oom)
		rc = -ENOMEM;
	return rc;
}

/* --- status.json --- */

/* A list of status.json while it is written: n rows so far. */
struct status_rows {
	struct jbuf *b;
	int n;
	bool with_what;
};

static void add_meta_pair(void *ctx, const struct store_value *k, const struct store_value *v)
{
	struct status_rows *l = ctx;
	jbuf_cstr(l->b, l->n++ ? ",\n    " : "\n    ");
	jbuf_value(l->b, k);
	jbuf_cstr(l->b, ": ");
	jbuf_value(l->b, v);
}

static int status_meta(store_db *db, struct jbuf *b)
{
	struct status_rows l = {.b = b};
	jbuf_cstr(b, "{");
	int rc = store_status_meta(db, add_meta_pair, &l);
	jbuf_cstr(b, l.n ? "\n  }" : "}");
	return rc;
}

static void status_count(struct jbuf *b, const char *k, int64_t n, bool first)
{
	key(b, k, first);
	jbuf_int(b, n);
}

static void add_listed(void *ctx, const struct store_listed *row)
{
	struct status_rows *l = ctx;
	struct jbuf *b = l->b;
	jbuf_cstr(b, l->n++ ? ",\n    " : "\n    ");
	if (l->with_what)
		jbuf_cstr(b, "{\"path\": ");
	jbuf_path(b, row->dir, row->dir_len, row->name, row->name_len);
	if (l->with_what) {
		jbuf_cstr(b, ", \"what\": ");
		jbuf_value(b, &row->what);
		jbuf_cstr(b, "}");
	}
}

/* A capped list: each row one JSON value (a path, or an object with the
 * problem). */
static int status_list(store_db *db, struct jbuf *b, const char *k, enum store_status_list which,
                       bool with_what)
{
	struct status_rows l = {.b = b, .with_what = with_what};
	key(b, k, false);
	jbuf_cstr(b, "[");
	int rc = store_status_list(db, which, STATUS_LIST_MAX, add_listed, &l);
	jbuf_cstr(b, l.n ? "\n  ]" : "]");
	return rc;
}

int status_render(store_db *db, struct jbuf *b)
{
	b->len = 0;
	b->oom = false;
	struct store_status_counts c;
	int rc = store_status_counts(db, &c);
	jbuf_cstr(b, "{");
	status_count(b, "files", c.files, true);
	status_count(b, "items", c.items, false);
	status_count(b, "sidecars_matched", c.sidecars_matched, false);
	status_count(b, "unmatched_count", c.unmatched, false);
	status_count(b, "albums", c.albums, false);
	status_count(b, "problem_count", c.problems, false);
	key(b, "index", false);
	rc |= status_meta(db, b);
	rc |= status_list(db, b, "unmatched", STORE_LIST_UNMATCHED, false);
	rc |= status_list(db, b, "problems", STORE_LIST_PROBLEMS, true);
	rc |= status_list(db, b, "crc_conflicts", STORE_LIST_CRC_CONFLICTS, true);
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
