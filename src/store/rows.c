/* The index tables row by row (store/rows.h): sequential scans for the
 * indexer's comparison with a walk, and its writes, bound to statements the
 * writer prepared once. */
#include "store/rows.h"

#include <sqlite3.h>
#include <string.h>

#include "store/store.h"
#include "store/writer_stmt.h"

/* --- scans --- */

static int scan_stored(sqlite3 *db, const char *sql, bool with_title,
                       int (*fn)(void *ctx, const struct store_scanned *r), void *ctx)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_scanned r = {
		    .id = sqlite3_column_int64(st, 0),
		    .dir_id = sqlite3_column_int64(st, 1),
		    .name = sqlite3_column_blob(st, 2),
		    .name_len = (size_t)sqlite3_column_bytes(st, 2),
		    .size = (uint64_t)sqlite3_column_int64(st, 3),
		    .mtime_ns = sqlite3_column_int64(st, 4),
		    .ino = (uint64_t)sqlite3_column_int64(st, 5),
		    .has_link = sqlite3_column_type(st, 6) != SQLITE_NULL,
		    .link = sqlite3_column_int64(st, 6),
		    .extra = sqlite3_column_int(st, 7),
		};
		if (with_title && sqlite3_column_type(st, 8) != SQLITE_NULL)
			r.title = (const char *)sqlite3_column_text(st, 8);
		if (fn(ctx, &r) != 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

int store_scan_files(sqlite3 *db, int (*fn)(void *ctx, const struct store_scanned *r), void *ctx)
{
	return scan_stored(db,
	                   "SELECT id, dir_id, name, size, mtime_ns, ino, sidecar_id, match_rule"
	                   " FROM files",
	                   false, fn, ctx);
}

int store_scan_sidecars(sqlite3 *db, int (*fn)(void *ctx, const struct store_scanned *r), void *ctx)
{
	return scan_stored(db,
	                   "SELECT id, dir_id, name, size, mtime_ns, ino, taken, kind, title"
	                   " FROM sidecars",
	                   true, fn, ctx);
}

int store_scan_dirs(sqlite3 *db, int (*fn)(void *ctx, const struct store_scanned_dir *d), void *ctx)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT id, path, logical, kind, parent FROM dirs", -1, &st,
	                       NULL) != SQLITE_OK)
		return -1;
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_scanned_dir d = {
		    .id = sqlite3_column_int64(st, 0),
		    .path = sqlite3_column_blob(st, 1),
		    .path_len = (size_t)sqlite3_column_bytes(st, 1),
		    .kind = sqlite3_column_int(st, 3),
		    .parent = sqlite3_column_int64(st, 4),
		};
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			d.logical = sqlite3_column_blob(st, 2);
			d.logical_len = (size_t)sqlite3_column_bytes(st, 2);
			if (!d.logical)
				d.logical = ""; /* an empty BLOB comes back as NULL */
		}
		if (fn(ctx, &d) != 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}

/* --- writes --- */

static void bind_blob_or_null(sqlite3_stmt *st, int i, const void *p, size_t len)
{
	if (p)
		sqlite3_bind_blob(st, i, p, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_text_if(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* NULL and "" are both absent. */
static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

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

static int step_done(sqlite3_stmt *st)
{
	return st && sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static const char SQL_PUT_DIR[] =
    "INSERT OR REPLACE INTO dirs(id, parent, name, path, logical, kind, year, album_id, seen)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT album_id FROM dirs WHERE id=?1), ?8)";

int store_put_dir(struct writer *w, const struct store_dir_row *r)
{
	sqlite3_stmt *st = writer_stmt(w, SQL_PUT_DIR);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	bind_int_if(st, 2, r->parent > 0, r->parent);
	sqlite3_bind_blob(st, 3, r->name, (int)r->name_len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, r->path, (int)r->path_len, SQLITE_STATIC);
	bind_blob_or_null(st, 5, r->logical, r->logical_len);
	sqlite3_bind_int(st, 6, r->kind);
	bind_int_if(st, 7, r->year != 0, r->year);
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

int store_put_sidecar(struct writer *w, const struct store_sidecar_row *r)
{
	sqlite3_stmt *st = writer_stmt(w, SQL_PUT_SIDECAR);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->dir_id);
	sqlite3_bind_blob(st, 3, r->name, (int)r->name_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)r->size);
	sqlite3_bind_int64(st, 5, r->mtime_ns);
	sqlite3_bind_int64(st, 6, (int64_t)r->ino);
	sqlite3_bind_int64(st, 7, r->generation);
	sqlite3_bind_int(st, 8, r->kind);
	bind_text_if(st, 9, r->title);
	bind_text_if(st, 10, r->description);
	bind_int_if(st, 11, r->has_taken, r->taken);
	bind_int_if(st, 12, r->has_created, r->created);
	bind_double_if(st, 13, r->has_geo, r->geo_lat);
	bind_double_if(st, 14, r->has_geo, r->geo_lon);
	bind_double_if(st, 15, r->has_geo, r->geo_alt);
	bind_text_if(st, 16, r->people);
	bind_url(st, 17, 22, r->url);
	sqlite3_bind_int(st, 18, r->favorited);
	sqlite3_bind_int(st, 19, r->archived);
	sqlite3_bind_int(st, 20, r->trashed);
	bind_text_or_null(st, 21, r->problem);
	return step_done(st);
}

static const char SQL_PUT_FILE[] =
    "INSERT OR REPLACE INTO files(id, dir_id, name, size, mtime_ns, ino, seen, mime, format,"
    " ident, item_id, sidecar_id, match_rule, taken, taken_offset, taken_source, make, model,"
    " lens_model, date_time_original, create_date, offset_time_original,"
    " subsec_time_original, orientation, width, height, iso, exposure_time, f_number,"
    " focal_length, gps_lat, gps_lon, gps_alt, container_time, crc32, problem, creation_date)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1, ?11, ?12, ?13, ?14, ?15, ?16,"
    " ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33,"
    " ?35, ?34, ?36)";

int store_put_file(struct writer *w, const struct store_file_row *r)
{
	sqlite3_stmt *st = writer_stmt(w, SQL_PUT_FILE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->dir_id);
	sqlite3_bind_blob(st, 3, r->name, (int)r->name_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)r->size);
	sqlite3_bind_int64(st, 5, r->mtime_ns);
	sqlite3_bind_int64(st, 6, (int64_t)r->ino);
	sqlite3_bind_int64(st, 7, r->generation);
	bind_text_or_null(st, 8, r->mime);
	sqlite3_bind_int(st, 9, r->format);
	bind_int_if(st, 10, r->ident != 0, (int64_t)r->ident);
	bind_int_if(st, 11, r->sidecar_id > 0, r->sidecar_id);
	bind_int_if(st, 12, r->rule != 0, r->rule);
	sqlite3_bind_int64(st, 13, r->taken);
	sqlite3_bind_int(st, 14, r->taken_offset);
	sqlite3_bind_int(st, 15, r->taken_source);
	bind_text_or_null(st, 16, r->make);
	bind_text_or_null(st, 17, r->model);
	bind_text_or_null(st, 18, r->lens_model);
	bind_text_or_null(st, 19, r->date_time_original);
	bind_text_or_null(st, 20, r->create_date);
	bind_text_or_null(st, 21, r->offset_time_original);
	bind_text_or_null(st, 22, r->subsec_time_original);
	bind_int_if(st, 23, r->has_orientation, r->orientation);
	bind_int_if(st, 24, r->has_width, r->width);
	bind_int_if(st, 25, r->has_height, r->height);
	bind_double_if(st, 26, r->has_iso, r->iso);
	bind_double_if(st, 27, r->has_exposure, r->exposure_time);
	bind_double_if(st, 28, r->has_f_number, r->f_number);
	bind_double_if(st, 29, r->has_focal, r->focal_length);
	bind_double_if(st, 30, r->has_gps, r->gps_lat);
	bind_double_if(st, 31, r->has_gps, r->gps_lon);
	bind_double_if(st, 32, r->has_gps_alt, r->gps_alt);
	bind_int_if(st, 33, r->has_container_time, r->container_time);
	bind_text_or_null(st, 34, r->problem);
	bind_int_if(st, 35, r->has_crc, r->crc32);
	bind_text_or_null(st, 36, r->creation_date);
	return step_done(st);
}

static const char SQL_RELINK[] = "UPDATE files SET sidecar_id=?2, match_rule=?3 WHERE id=?1";

int store_relink_file(struct writer *w, int64_t id, int64_t sidecar_id, int rule)
{
	sqlite3_stmt *st = writer_stmt(w, SQL_RELINK);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	bind_int_if(st, 2, sidecar_id > 0, sidecar_id);
	bind_int_if(st, 3, rule != 0, rule);
	return step_done(st);
}

int store_delete_row(struct writer *w, enum store_table table, int64_t id)
{
	static const char *const SQL[] = {
	    [STORE_FILES] = "DELETE FROM files WHERE id=?1",
	    [STORE_SIDECARS] = "DELETE FROM sidecars WHERE id=?1",
	    [STORE_DIRS] = "DELETE FROM dirs WHERE id=?1",
	};
	sqlite3_stmt *st = writer_stmt(w, SQL[table]);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return step_done(st);
}
