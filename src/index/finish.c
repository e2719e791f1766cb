/* Finishing an index pass: everything derived from more than one row is
 * computed here with set-based SQL over the store, after the workers are
 * done, so the workers never need to see each other's results. */
#include "index/finish.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index/sidecar.h"
#include "index/sidecar_json.h"
#include "media/taken.h"
#include "store/store.h"
#include "util/growbuf.h"

/* One album per logical folder that holds album metadata and is a plain
 * folder (2020-era exports put a metadata file in year folders too). When
 * archive parts hold several copies, the first by path wins: the choice
 * depends on SOURCE alone, not on the order rows were written in. */
static const char ALBUMS_SQL[] =
    "DELETE FROM albums;"
    "INSERT INTO albums(logical, title, description, date, meta_path)"
    " SELECT logical, title, description, taken, meta_path FROM ("
    "  SELECT d.logical, s.title, s.description, s.taken,"
    "   CAST(d.path || (CASE WHEN length(d.path) > 0 THEN '/' ELSE '' END) || s.name AS BLOB)"
    "    AS meta_path,"
    "   ROW_NUMBER() OVER (PARTITION BY d.logical ORDER BY d.path, s.name) AS rn"
    "  FROM sidecars s JOIN dirs d ON d.id = s.dir_id"
    "  WHERE s.kind = 3 AND d.logical IS NOT NULL AND d.kind = 0)"
    " WHERE rn = 1;"
    "UPDATE dirs SET album_id = (SELECT a.id FROM albums a WHERE a.logical = dirs.logical);";

/* Rule 9: a file with no sidecar of its own takes the sidecar of a
 * byte-identical copy elsewhere (album copies of year-folder items): the
 * copy matched by the strictest rule, then the first by path. Earlier
 * borrowings are redone, since the copies may have changed. 10 is SC_COPY. */
#define SC_COPY_VALUE 10
_Static_assert(SC_COPY == SC_COPY_VALUE, "SC_COPY changed: update BORROW_SQL");
static const char BORROW_SQL[] =
    "INSERT OR IGNORE INTO temp.relink SELECT id FROM files WHERE match_rule = 10;"
    "UPDATE files SET sidecar_id = NULL, match_rule = NULL WHERE match_rule = 10;"
    "UPDATE files SET match_rule = 10, sidecar_id = ("
    "  SELECT f2.sidecar_id FROM files f2 JOIN dirs d2 ON d2.id = f2.dir_id"
    "  WHERE f2.item_id = files.item_id AND f2.sidecar_id IS NOT NULL"
    "  ORDER BY f2.match_rule, d2.path, f2.name LIMIT 1)"
    " WHERE sidecar_id IS NULL AND EXISTS (SELECT 1 FROM files f2"
    "  WHERE f2.item_id = files.item_id AND f2.sidecar_id IS NOT NULL);"
    "INSERT OR IGNORE INTO temp.relink SELECT id FROM files WHERE match_rule = 10;";

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen);

/* A conflict stands only while both files keep the CRC it was found with:
 * a rewritten file is inserted again with crc32 NULL, a removed one is gone. */
static const char STALE_CONFLICTS_SQL[] =
    "DELETE FROM crc_conflicts WHERE"
    " file_id NOT IN (SELECT id FROM files WHERE crc32 IS NOT NULL) OR"
    " other_id NOT IN (SELECT id FROM files WHERE crc32 IS NOT NULL);";

/* Byte-identical copies share item_id: the id of the copy in a year (or
 * legacy date) folder if there is one, trash last, then the shortest path,
 * then path order. One scan of the shared keys' files in ident order; only
 * rows whose item_id changes are written (the writer inserts item_id = id). */
struct member {
	int64_t id, item_id;
	int64_t crc; /* full-file CRC-32, or -1 while not computed */
	int rank;    /* 0 year/date folder, 1 other, 2 trash */
	int64_t path_len;
	char *path; /* folder path + "/" + name, for the final tie-break */
};

static bool member_before(const struct member *a, const struct member *b)
{
	if (a->rank != b->rank)
		return a->rank < b->rank;
	if (a->path_len != b->path_len)
		return a->path_len < b->path_len;
	return strcmp(a->path, b->path) < 0;
}

static int queue_item_update(int64_t **upd, size_t *n, size_t *cap, int64_t id, int64_t item)
{
	if (grow_array_from((void **)upd, cap, *n + 2, sizeof **upd, 1024) != 0)
		return -1;
	(*upd)[(*n)++] = id;
	(*upd)[(*n)++] = item;
	return 0;
}

/* Gives members [0, n) of one partition the id of its representative. */
static int settle_partition(struct member *const *m, size_t n, int64_t **upd, size_t *n_upd,
                            size_t *cap)
{
	size_t rep = 0;
	for (size_t i = 1; i < n; i++)
		if (member_before(m[i], m[rep]))
			rep = i;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (m[i]->item_id != m[rep]->id)
			rc = queue_item_update(upd, n_upd, cap, m[i]->id, m[rep]->id);
	return rc;
}

/* One identity-key group. The key reads only the head and tail, so once
 * full CRCs exist they decide: members with different CRCs are different
 * items. When the group holds two or more CRCs, a member without one cannot
 * be placed and stands alone (files that differ are never merged). */
static int settle_group(struct member *g, size_t n, int64_t **upd, size_t *n_upd, size_t *cap)
{
	struct member **part = malloc(n * sizeof *part);
	int rc = part ? 0 : -1;
	int64_t first_crc = -1;
	bool several_crcs = false;
	for (size_t i = 0; i < n; i++) {
		if (g[i].crc < 0)
			continue;
		if (first_crc < 0)
			first_crc = g[i].crc;
		else if (g[i].crc != first_crc)
			several_crcs = true;
	}
	bool *done = calloc(n, sizeof *done);
	if (!done)
		rc = -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (done[i])
			continue;
		size_t k = 0;
		for (size_t j = i; j < n; j++) {
			bool same = !several_crcs || (g[i].crc >= 0 && g[j].crc == g[i].crc);
			if (!done[j] && (j == i || same)) {
				part[k++] = &g[j];
				done[j] = true;
			}
		}
		rc = settle_partition(part, k, upd, n_upd, cap);
	}
	for (size_t i = 0; i < n; i++)
		free(g[i].path);
	free(done);
	free(part);
	return rc;
}

static int apply_item_updates(sqlite3 *db, const int64_t *upd, size_t n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "UPDATE files SET item_id=?2 WHERE id=?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	int rc = 0;
	for (size_t i = 0; i + 1 < n && rc == 0; i += 2) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, upd[i]);
		sqlite3_bind_int64(st, 2, upd[i + 1]);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The identity keys held by more than one file. Only their files are read
 * one by one; every other file is its own item, which one UPDATE settles (a
 * third of the rows instead of all of them). There is no index on ident: it
 * would cost 20 bytes per item of store for 0.05 s here. */
#define SHARED_IDENTS_SQL "(SELECT ident FROM temp.shared_idents)"

static int assign_items(sqlite3 *db, char *err, size_t errlen)
{
	if (exec(db,
	         "DROP TABLE IF EXISTS temp.shared_idents;"
	         "CREATE TEMP TABLE shared_idents(ident INTEGER PRIMARY KEY);"
	         "INSERT INTO temp.shared_idents SELECT ident FROM files"
	         " WHERE ident IS NOT NULL GROUP BY ident HAVING COUNT(*) > 1;"
	         "UPDATE files SET item_id = id"
	         " WHERE item_id IS NOT id AND ident NOT IN " SHARED_IDENTS_SQL ";",
	         err, errlen) != 0)
		return -1;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(
	        db,
	        "SELECT f.id, f.ident, f.item_id,"
	        " CASE WHEN d.kind IN (1, 2) THEN 0 WHEN d.kind = 3 THEN 2 ELSE 1 END,"
	        " length(d.path) + length(f.name), d.path, f.name, COALESCE(f.crc32, -1)"
	        " FROM files f JOIN dirs d ON d.id = f.dir_id"
	        " WHERE f.ident IN " SHARED_IDENTS_SQL " ORDER BY f.ident",
	        -1, &st, NULL) != SQLITE_OK)
		goto fail;
	struct member *g = NULL;
	size_t n = 0, cap = 0, n_upd = 0, cap_upd = 0;
	int64_t *upd = NULL, group_ident = 0;
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		int64_t ident = sqlite3_column_int64(st, 1);
		if (n && ident != group_ident) {
			rc = settle_group(g, n, &upd, &n_upd, &cap_upd);
			n = 0;
		}
		group_ident = ident;
		if (grow_array_from((void **)&g, &cap, n + 1, sizeof *g, 16) != 0) {
			rc = -1;
			break;
		}
		const char *dir = (const char *)sqlite3_column_blob(st, 5);
		int dlen = sqlite3_column_bytes(st, 5);
		const char *name = (const char *)sqlite3_column_blob(st, 6);
		int nlen = sqlite3_column_bytes(st, 6);
		char *path = malloc((size_t)dlen + (size_t)nlen + 2);
		if (!path) {
			rc = -1;
			break;
		}
		memcpy(path, dir ? dir : "", (size_t)dlen);
		path[dlen] = '/';
		memcpy(path + dlen + 1, name ? name : "", (size_t)nlen);
		path[dlen + 1 + nlen] = '\0';
		g[n++] = (struct member){.id = sqlite3_column_int64(st, 0),
		                         .item_id = sqlite3_column_int64(st, 2),
		                         .crc = sqlite3_column_int64(st, 7),
		                         .rank = sqlite3_column_int(st, 3),
		                         .path_len = sqlite3_column_int64(st, 4),
		                         .path = path};
	}
	if (rc == 0 && n)
		rc = settle_group(g, n, &upd, &n_upd, &cap_upd);
	else
		for (size_t i = 0; i < n; i++)
			free(g[i].path);
	sqlite3_finalize(st);
	free(g);
	if (rc == 0)
		rc = apply_item_updates(db, upd, n_upd);
	free(upd);
	if (rc == 0)
		rc = store_exec(db, "DROP TABLE temp.shared_idents;", NULL, 0);
	if (rc == 0)
		return 0;
fail:
	snprintf(err, errlen, "cannot finish the index: %s", sqlite3_errmsg(db));
	return -1;
}

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char msg[256];
	if (store_exec(db, sql, msg, sizeof msg) == 0)
		return 0;
	snprintf(err, errlen, "cannot finish the index: %s", msg);
	return -1;
}

static int record_relinked(const struct finish_input *in, char *err, size_t errlen)
{
	if (exec(in->db,
	         "DROP TABLE IF EXISTS temp.relink;"
	         "CREATE TEMP TABLE relink(id INTEGER PRIMARY KEY);",
	         err, errlen) != 0)
		return -1;
	if (in->force)
		return exec(in->db, "INSERT INTO temp.relink SELECT id FROM files;", err, errlen);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(in->db, "INSERT OR IGNORE INTO temp.relink VALUES(?1)", -1, &st,
	                       NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < in->n_relinked; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, in->relinked[i]);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			goto fail;
		}
	}
	sqlite3_finalize(st);
	return 0;
fail:
	snprintf(err, errlen, "cannot finish the index: %s", sqlite3_errmsg(in->db));
	return -1;
}

static void copy_column_text(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

/* Taken time again for every file in temp.relink, from the store's columns. */
static int recompute_taken(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *sel, *upd;
	if (sqlite3_prepare_v2(db,
	                       "SELECT f.id, f.name, f.mtime_ns, f.date_time_original,"
	                       " f.offset_time_original, f.container_time, s.taken"
	                       " FROM temp.relink r JOIN files f ON f.id = r.id"
	                       " LEFT JOIN sidecars s ON s.id = f.sidecar_id",
	                       -1, &sel, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(db,
	                       "UPDATE files SET taken=?2, taken_offset=?3, taken_source=?4"
	                       " WHERE id=?1",
	                       -1, &upd, NULL) != SQLITE_OK) {
		sqlite3_finalize(sel);
		goto fail;
	}
	int rc = 0;
	while (sqlite3_step(sel) == SQLITE_ROW) {
		struct media_info mi;
		memset(&mi, 0, sizeof mi);
		copy_column_text(sel, 3, mi.date_time_original, sizeof mi.date_time_original);
		copy_column_text(sel, 4, mi.offset_time_original, sizeof mi.offset_time_original);
		if (sqlite3_column_type(sel, 5) != SQLITE_NULL) {
			mi.has |= MI_CONTAINER_TIME;
			mi.container_time = sqlite3_column_int64(sel, 5);
		}
		struct taken_inputs tin = {.has_sidecar_taken =
		                               sqlite3_column_type(sel, 6) != SQLITE_NULL,
		                           .sidecar_taken = sqlite3_column_int64(sel, 6),
		                           .mi = &mi,
		                           .name = sqlite3_column_blob(sel, 1),
		                           .name_len = (size_t)sqlite3_column_bytes(sel, 1),
		                           .mtime = sqlite3_column_int64(sel, 2) / 1000000000};
		struct taken t;
		taken_decide(&tin, &t);
		sqlite3_reset(upd);
		sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0));
		sqlite3_bind_int64(upd, 2, t.utc);
		sqlite3_bind_int(upd, 3, t.offset_minutes);
		sqlite3_bind_int(upd, 4, (int)t.source);
		if (sqlite3_step(upd) != SQLITE_DONE) {
			rc = -1;
			break;
		}
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	if (rc == 0)
		return 0;
fail:
	snprintf(err, errlen, "cannot finish the index: %s", sqlite3_errmsg(db));
	return -1;
}

static int record_walk_problems(sqlite3 *db, const struct walk *w, char *err, size_t errlen)
{
	if (exec(db, "DELETE FROM problems;", err, errlen) != 0)
		return -1;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "INSERT INTO problems(path, what) VALUES(?1, ?2)", -1, &st,
	                            NULL) == SQLITE_OK
	             ? 0
	             : -1;
	for (size_t i = 0; i < w->n_problems && rc == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_blob(st, 1, w->problems[i].path, (int)strlen(w->problems[i].path),
		                  SQLITE_STATIC);
		sqlite3_bind_text(st, 2, w->problems[i].what, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
	}
	if (rc)
		snprintf(err, errlen, "cannot finish the index: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

static const struct {
	const char *key;
	const char *sql;
	size_t offset;
} COUNTS[] = {
    {"count_media", "SELECT COUNT(*) FROM files", offsetof(struct index_summary, media)},
    {"count_distinct", "SELECT COUNT(DISTINCT item_id) FROM files",
     offsetof(struct index_summary, distinct)},
    {"count_sidecars", "SELECT COUNT(*) FROM sidecars WHERE kind = 2",
     offsetof(struct index_summary, sidecars)},
    {"count_matched", "SELECT COUNT(*) FROM files WHERE sidecar_id IS NOT NULL",
     offsetof(struct index_summary, matched)},
    {"count_unused_sidecars",
     "SELECT COUNT(*) FROM sidecars WHERE kind = 2 AND id NOT IN"
     " (SELECT sidecar_id FROM files WHERE sidecar_id IS NOT NULL)",
     offsetof(struct index_summary, unused_sidecars)},
    {"count_albums", "SELECT COUNT(*) FROM albums", offsetof(struct index_summary, albums)},
    {"count_problems",
     "SELECT (SELECT COUNT(*) FROM problems)"
     " + (SELECT COUNT(*) FROM files WHERE problem IS NOT NULL)"
     " + (SELECT COUNT(*) FROM sidecars WHERE problem IS NOT NULL)",
     offsetof(struct index_summary, problems)},
};

static void derive_counts(struct index_summary *sum)
{
	sum->duplicates = sum->media - sum->distinct;
	sum->unmatched = sum->media - sum->matched;
}

static int store_counts(sqlite3 *db, struct index_summary *sum)
{
	for (size_t i = 0; i < sizeof COUNTS / sizeof COUNTS[0]; i++) {
		uint64_t *field = (uint64_t *)((char *)sum + COUNTS[i].offset);
		*field = (uint64_t)store_query_int(db, COUNTS[i].sql, 0);
		if (store_meta_set_int(db, COUNTS[i].key, (int64_t)*field) != 0)
			return -1;
	}
	derive_counts(sum);
	return 0;
}

static void load_counts(sqlite3 *db, struct index_summary *sum)
{
	for (size_t i = 0; i < sizeof COUNTS / sizeof COUNTS[0]; i++) {
		uint64_t *field = (uint64_t *)((char *)sum + COUNTS[i].offset);
		*field = (uint64_t)store_meta_get_int(db, COUNTS[i].key, 0);
	}
	derive_counts(sum);
}

static int write_pass_meta(const struct finish_input *in, const struct index_summary *sum)
{
	sqlite3 *db = in->db;
	double per_s = in->seconds > 0 ? (double)sum->media / in->seconds : 0;
	return store_meta_set(db, "source", in->source) || store_meta_set(db, "tz", in->tz) ||
	       store_meta_set_int(db, "index_finished", (int64_t)time(NULL)) ||
	       store_meta_set_int(db, "index_ms", (int64_t)(in->seconds * 1000)) ||
	       store_meta_set_int(db, "index_items_per_second", (int64_t)per_s) ||
	       store_meta_set_int(db, "index_opened", (int64_t)in->opened) ||
	       store_meta_set_int(db, "index_complete", 1);
}

static int derive_everything(const struct finish_input *in, char *err, size_t errlen)
{
	if (exec(in->db, STORE_INDEXES_SQL, err, errlen) != 0 ||
	    exec(in->db, ALBUMS_SQL, err, errlen) != 0 || assign_items(in->db, err, errlen) != 0 ||
	    record_relinked(in, err, errlen) != 0 || exec(in->db, BORROW_SQL, err, errlen) != 0 ||
	    recompute_taken(in->db, err, errlen) != 0 ||
	    record_walk_problems(in->db, in->walk, err, errlen) != 0 ||
	    exec(in->db, STALE_CONFLICTS_SQL, err, errlen) != 0)
		return -1;
	if (in->derive && in->derive(in->db, in->tz, err, errlen) != 0)
		return -1;
	return exec(in->db, "DROP TABLE IF EXISTS temp.relink;", err, errlen);
}

int finish_pass(const struct finish_input *in, struct index_summary *sum, char *err, size_t errlen)
{
	sum->opened = in->opened;
	sum->removed = in->removed;
	sum->changed = in->changed;
	if (!in->changed) {
		load_counts(in->db, sum);
		return 0;
	}
	if (exec(in->db, "BEGIN IMMEDIATE", err, errlen) != 0)
		return -1;
	if (derive_everything(in, err, errlen) != 0 || store_counts(in->db, sum) != 0 ||
	    write_pass_meta(in, sum) != 0) {
		if (!err[0])
			snprintf(err, errlen, "cannot finish the index: %s",
			         sqlite3_errmsg(in->db));
		store_exec(in->db, "ROLLBACK", NULL, 0);
		return -1;
	}
	return exec(in->db, "COMMIT", err, errlen);
}
