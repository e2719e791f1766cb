/* The indexer's writer operations: one function per kind of row, run on the
 * writer thread with statements the writer prepared once. Each binds a row
 * that a phase filled and frees nothing but what the row itself owns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/pass.h"
#include "index/sidecar.h"
#include "store/store.h"

static const char SQL_PUT_DIR[] =
    "INSERT OR REPLACE INTO dirs(id, parent, name, path, logical, kind, year, album_id, seen)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT album_id FROM dirs WHERE id=?1), ?8)";

static void bind_blob_or_null(sqlite3_stmt *st, int i, const void *p, size_t len)
{
	if (p)
		sqlite3_bind_blob(st, i, p, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int step_done(sqlite3_stmt *st)
{
	return st && sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

int row_put_dir(struct writer *w, void *arg)
{
	struct dir_row *r = arg;
	sqlite3_stmt *st = writer_stmt(w, SQL_PUT_DIR);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	if (r->parent > 0)
		sqlite3_bind_int64(st, 2, r->parent);
	sqlite3_bind_blob(st, 3, r->name, (int)r->name_len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, r->path, (int)r->path_len, SQLITE_STATIC);
	bind_blob_or_null(st, 5, r->logical, r->logical_len);
	sqlite3_bind_int(st, 6, r->kind);
	if (r->year)
		sqlite3_bind_int(st, 7, r->year);
	sqlite3_bind_int64(st, 8, r->generation);
	return step_done(st);
}

static const char SQL_PUT_SIDECAR[] =
    "INSERT OR REPLACE INTO sidecars(id, dir_id, name, size, mtime_ns, ino, seen, kind,"
    " title, description, taken, created, geo_lat, geo_lon, geo_alt, people, url_id,"
    " favorited, archived, trashed, problem, url_other)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
    " ?18, ?19, ?20, ?21, ?22)";

/* The url in the two stored columns behind the virtual sidecars.url. */
static void bind_url(sqlite3_stmt *st, int id_col, int other_col, const char *url)
{
	size_t prefix = sizeof STORE_PHOTO_URL_PREFIX - 1;
	if (url && strncmp(url, STORE_PHOTO_URL_PREFIX, prefix) == 0)
		sqlite3_bind_text(st, id_col, url + prefix, -1, SQLITE_STATIC);
	else
		bind_text_or_null(st, other_col, url);
}

static char *people_json(const struct sj_media *m);

int row_put_sidecar(struct writer *w, void *arg)
{
	struct sidecar_row *r = arg;
	sqlite3_stmt *st = writer_stmt(w, SQL_PUT_SIDECAR);
	int rc = -1;
	char *people = NULL;
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->dir_id);
	sqlite3_bind_blob(st, 3, r->name, (int)r->name_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)r->size);
	sqlite3_bind_int64(st, 5, r->mtime_ns);
	sqlite3_bind_int64(st, 6, (int64_t)r->ino);
	sqlite3_bind_int64(st, 7, r->generation);
	sqlite3_bind_int(st, 8, (int)r->doc.kind);
	if (r->doc.kind == SJ_MEDIA) {
		const struct sj_media *m = &r->doc.media;
		bind_text_or_null(st, 9, m->title);
		if (m->description)
			sqlite3_bind_text(st, 10, m->description, -1, SQLITE_STATIC);
		if (m->has_taken)
			sqlite3_bind_int64(st, 11, m->taken);
		if (m->has_created)
			sqlite3_bind_int64(st, 12, m->created);
		const struct sj_geo *g = m->geo.present ? &m->geo : &m->geo_exif;
		if (g->present) {
			sqlite3_bind_double(st, 13, g->lat);
			sqlite3_bind_double(st, 14, g->lon);
			sqlite3_bind_double(st, 15, g->alt);
		}
		people = people_json(m);
		if (people)
			sqlite3_bind_text(st, 16, people, -1, SQLITE_STATIC);
		bind_url(st, 17, 22, m->url);
		sqlite3_bind_int(st, 18, m->favorited);
		sqlite3_bind_int(st, 19, m->archived);
		sqlite3_bind_int(st, 20, m->trashed);
	} else {
		for (int i = 18; i <= 20; i++)
			sqlite3_bind_int(st, i, 0);
		if (r->doc.kind == SJ_ALBUM) {
			const struct sj_album *a = &r->doc.album;
			if (a->title)
				sqlite3_bind_text(st, 9, a->title, -1, SQLITE_STATIC);
			if (a->description)
				sqlite3_bind_text(st, 10, a->description, -1, SQLITE_STATIC);
			if (a->has_date)
				sqlite3_bind_int64(st, 11, a->date);
		}
	}
	bind_text_or_null(st, 21, r->problem[0] ? r->problem : NULL);
	rc = step_done(st);
out:
	free(people);
	sj_free(&r->doc);
	return rc;
}

static const char SQL_PUT_FILE[] =
    "INSERT OR REPLACE INTO files(id, dir_id, name, size, mtime_ns, ino, seen, mime, format,"
    " ident, item_id, sidecar_id, match_rule, taken, taken_offset, taken_source, make, model,"
    " lens_model, date_time_original, create_date, offset_time_original,"
    " subsec_time_original, orientation, width, height, iso, exposure_time, f_number,"
    " focal_length, gps_lat, gps_lon, gps_alt, container_time, crc32, problem)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1, ?11, ?12, ?13, ?14, ?15, ?16,"
    " ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33,"
    " ?35, ?34)";

static void bind_int_if(sqlite3_stmt *st, int i, bool has, int64_t v)
{
	if (has)
		sqlite3_bind_int64(st, i, v);
}

static void bind_double_if(sqlite3_stmt *st, int i, bool has, double v)
{
	if (has)
		sqlite3_bind_double(st, i, v);
}

int row_put_file(struct writer *w, void *arg)
{
	struct file_row *r = arg;
	const struct media_info *mi = &r->x.mi;
	sqlite3_stmt *st = writer_stmt(w, SQL_PUT_FILE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->dir_id);
	sqlite3_bind_blob(st, 3, r->name, (int)r->name_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)r->x.size);
	sqlite3_bind_int64(st, 5, r->x.mtime_ns);
	sqlite3_bind_int64(st, 6, (int64_t)r->x.ino);
	sqlite3_bind_int64(st, 7, r->generation);
	bind_text_or_null(st, 8, r->x.mime);
	sqlite3_bind_int(st, 9, (int)mi->format);
	bind_int_if(st, 10, r->x.ident != 0, (int64_t)r->x.ident);
	bind_int_if(st, 11, r->sidecar_id > 0, r->sidecar_id);
	bind_int_if(st, 12, r->rule != SC_NONE, r->rule);
	sqlite3_bind_int64(st, 13, r->taken.utc);
	sqlite3_bind_int(st, 14, r->taken.offset_minutes);
	sqlite3_bind_int(st, 15, (int)r->taken.source);
	bind_text_or_null(st, 16, mi->make);
	bind_text_or_null(st, 17, mi->model);
	bind_text_or_null(st, 18, mi->lens_model);
	bind_text_or_null(st, 19, mi->date_time_original);
	bind_text_or_null(st, 20, mi->create_date);
	bind_text_or_null(st, 21, mi->offset_time_original);
	bind_text_or_null(st, 22, mi->subsec_time_original);
	bind_int_if(st, 23, mi->has & MI_ORIENTATION, mi->orientation);
	bind_int_if(st, 24, mi->has & MI_WIDTH, mi->width);
	bind_int_if(st, 25, mi->has & MI_HEIGHT, mi->height);
	bind_double_if(st, 26, mi->has & MI_ISO, mi->iso);
	bind_double_if(st, 27, mi->has & MI_EXPOSURE, mi->exposure_time);
	bind_double_if(st, 28, mi->has & MI_FNUMBER, mi->f_number);
	bind_double_if(st, 29, mi->has & MI_FOCAL, mi->focal_length);
	bind_double_if(st, 30, mi->has & MI_GPS, mi->gps_lat);
	bind_double_if(st, 31, mi->has & MI_GPS, mi->gps_lon);
	bind_double_if(st, 32, mi->has & MI_GPS_ALT, mi->gps_alt);
	bind_int_if(st, 33, mi->has & MI_CONTAINER_TIME, mi->container_time);
	bind_text_or_null(st, 34, r->x.problem[0] ? r->x.problem : NULL);
	bind_int_if(st, 35, r->x.has_crc, r->x.crc32);
	return step_done(st);
}

static const char SQL_RELINK[] = "UPDATE files SET sidecar_id=?2, match_rule=?3 WHERE id=?1";

int row_relink_file(struct writer *w, void *arg)
{
	struct relink_row *r = arg;
	sqlite3_stmt *st = writer_stmt(w, SQL_RELINK);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	bind_int_if(st, 2, r->sidecar_id > 0, r->sidecar_id);
	bind_int_if(st, 3, r->rule != SC_NONE, r->rule);
	return step_done(st);
}

static const char SQL_DELETE_FILE[] = "DELETE FROM files WHERE id=?1";
static const char SQL_DELETE_SIDECAR[] = "DELETE FROM sidecars WHERE id=?1";
static const char SQL_DELETE_DIR[] = "DELETE FROM dirs WHERE id=?1";

int row_delete(struct writer *w, void *arg)
{
	struct delete_row *r = arg;
	const char *sql = r->what == DELETE_FILE      ? SQL_DELETE_FILE
	                  : r->what == DELETE_SIDECAR ? SQL_DELETE_SIDECAR
	                                              : SQL_DELETE_DIR;
	sqlite3_stmt *st = writer_stmt(w, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	return step_done(st);
}

/* ------------------------------------------------------------------ */
/* people as a JSON array (names are already valid UTF-8, NUL-free)     */

static size_t json_escape(char *out, const char *s)
{
	size_t n = 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			if (out)
				out[n] = '\\', out[n + 1] = (char)*c;
			n += 2;
		} else if (*c < 0x20) {
			if (out)
				snprintf(out + n, 7, "\\u%04x", *c);
			n += 6;
		} else {
			if (out)
				out[n] = (char)*c;
			n++;
		}
	}
	return n;
}

static char *people_json(const struct sj_media *m)
{
	if (!m->n_people)
		return NULL;
	size_t len = 2;
	for (size_t i = 0; i < m->n_people; i++)
		len += json_escape(NULL, m->people[i]) + 3;
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	out[n++] = '[';
	for (size_t i = 0; i < m->n_people; i++) {
		if (i)
			out[n++] = ',';
		out[n++] = '"';
		n += json_escape(out + n, m->people[i]);
		out[n++] = '"';
	}
	out[n++] = ']';
	out[n] = '\0';
	return out;
}
