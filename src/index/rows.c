/* The indexer's writer operations: one function per kind of row, run on the
 * writer thread. Each turns a row a phase filled into the store's plain row
 * (store/rows.h) and frees nothing but what the row itself owns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/pass.h"
#include "index/sidecar.h"
#include "store/rows.h"

int row_put_dir(struct writer *w, void *arg)
{
	return store_put_dir(w, arg);
}

static char *people_json(const struct sj_media *m);

int row_put_sidecar(struct writer *w, void *arg)
{
	struct sidecar_row *r = arg;
	struct store_sidecar_row s = {.id = r->id,
	                              .dir_id = r->dir_id,
	                              .generation = r->generation,
	                              .name = r->name,
	                              .name_len = r->name_len,
	                              .size = r->size,
	                              .ino = r->ino,
	                              .mtime_ns = r->mtime_ns,
	                              .kind = (int)r->doc.kind,
	                              .problem = r->problem};
	char *people = NULL;
	if (r->doc.kind == SJ_MEDIA) {
		const struct sj_media *m = &r->doc.media;
		const struct sj_geo *g = m->geo.present ? &m->geo : &m->geo_exif;
		s.title = m->title && *m->title ? m->title : NULL;
		s.description = m->description;
		s.has_taken = m->has_taken;
		s.taken = m->taken;
		s.has_created = m->has_created;
		s.created = m->created;
		s.has_geo = g->present;
		s.geo_lat = g->lat;
		s.geo_lon = g->lon;
		s.geo_alt = g->alt;
		s.people = people = people_json(m);
		s.url = m->url;
		s.favorited = m->favorited;
		s.archived = m->archived;
		s.trashed = m->trashed;
	} else if (r->doc.kind == SJ_ALBUM) {
		const struct sj_album *a = &r->doc.album;
		s.title = a->title;
		s.description = a->description;
		s.has_taken = a->has_date;
		s.taken = a->date;
	}
	int rc = store_put_sidecar(w, &s);
	free(people);
	sj_free(&r->doc);
	return rc;
}

int row_put_file(struct writer *w, void *arg)
{
	const struct file_row *r = arg;
	const struct media_info *mi = &r->x.mi;
	const struct store_file_row s = {
	    .id = r->id,
	    .dir_id = r->dir_id,
	    .generation = r->generation,
	    .name = r->name,
	    .name_len = r->name_len,
	    .size = r->x.size,
	    .ino = r->x.ino,
	    .mtime_ns = r->x.mtime_ns,
	    .mime = r->x.mime,
	    .format = (int)mi->format,
	    .ident = r->x.ident,
	    .sidecar_id = r->sidecar_id,
	    .rule = r->rule,
	    .taken = r->taken.utc,
	    .taken_offset = r->taken.offset_minutes,
	    .taken_source = (int)r->taken.source,
	    .make = mi->make,
	    .model = mi->model,
	    .lens_model = mi->lens_model,
	    .date_time_original = mi->date_time_original,
	    .create_date = mi->create_date,
	    .offset_time_original = mi->offset_time_original,
	    .subsec_time_original = mi->subsec_time_original,
	    .creation_date = mi->creation_date,
	    .has_orientation = mi->has & MI_ORIENTATION,
	    .has_width = mi->has & MI_WIDTH,
	    .has_height = mi->has & MI_HEIGHT,
	    .has_iso = mi->has & MI_ISO,
	    .has_exposure = mi->has & MI_EXPOSURE,
	    .has_f_number = mi->has & MI_FNUMBER,
	    .has_focal = mi->has & MI_FOCAL,
	    .has_gps = mi->has & MI_GPS,
	    .has_gps_alt = mi->has & MI_GPS_ALT,
	    .has_container_time = mi->has & MI_CONTAINER_TIME,
	    .orientation = mi->orientation,
	    .width = mi->width,
	    .height = mi->height,
	    .iso = mi->iso,
	    .exposure_time = mi->exposure_time,
	    .f_number = mi->f_number,
	    .focal_length = mi->focal_length,
	    .gps_lat = mi->gps_lat,
	    .gps_lon = mi->gps_lon,
	    .gps_alt = mi->gps_alt,
	    .container_time = mi->container_time,
	    .has_crc = r->x.has_crc,
	    .crc32 = r->x.crc32,
	    .problem = r->x.problem,
	};
	return store_put_file(w, &s);
}

int row_relink_file(struct writer *w, void *arg)
{
	const struct relink_row *r = arg;
	return store_relink_file(w, r->id, r->sidecar_id, r->rule);
}

int row_delete(struct writer *w, void *arg)
{
	const struct delete_row *r = arg;
	return store_delete_row(w, r->what, r->id);
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
