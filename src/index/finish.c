/* Finishing an index pass: everything derived from more than one row is
 * computed here, after the workers are done, so the workers never need to
 * see each other's results: set-based statements of the store
 * (store/derive.h) plus the policy they leave to the indexer (which copy
 * represents an item, a file's taken time). */
#include "index/finish.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index/classify.h"
#include "index/sidecar.h"
#include "index/sidecar_json.h"
#include "media/taken.h"
#include "store/crc.h"
#include "store/derive.h"
#include "store/store.h"
#include "util/growbuf.h"

/* The enum values the store's statements test (store/derive.h). */
_Static_assert(FOLDER_PLAIN == STORE_FOLDER_PLAIN, "store/derive.h: folder kind");
_Static_assert(SJ_MEDIA == STORE_SIDECAR_MEDIA && SJ_ALBUM == STORE_SIDECAR_ALBUM,
               "store/derive.h: sidecar kinds");
_Static_assert(SC_COPY == STORE_RULE_COPY, "store/derive.h: the copy rule");

/* Every failure of a step reads "cannot finish the index: WHY". */
static int failed(const char *why, char *err, size_t errlen)
{
	snprintf(err, errlen, "cannot finish the index: %s", why);
	return -1;
}

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

/* The members of the identity-key group being read, and the updates. */
struct grouping {
	struct member *g;
	size_t n, cap;
	int64_t ident;
	int64_t *upd;
	size_t n_upd, cap_upd;
};

static int rank_of(int dir_kind)
{
	return dir_kind == FOLDER_YEAR || dir_kind == FOLDER_LEGACY_DATE ? 0
	       : dir_kind == FOLDER_TRASH                                ? 2
	                                                                 : 1;
}

static int add_member(void *ctx, const struct store_item_member *m)
{
	struct grouping *gr = ctx;
	if (gr->n && m->ident != gr->ident) {
		int rc = settle_group(gr->g, gr->n, &gr->upd, &gr->n_upd, &gr->cap_upd);
		gr->n = 0;
		if (rc != 0)
			return -1;
	}
	gr->ident = m->ident;
	if (grow_array_from((void **)&gr->g, &gr->cap, gr->n + 1, sizeof *gr->g, 16) != 0)
		return -1;
	char *path = malloc(m->dir_len + m->name_len + 2);
	if (!path)
		return -1;
	memcpy(path, m->dir ? m->dir : "", m->dir_len);
	path[m->dir_len] = '/';
	memcpy(path + m->dir_len + 1, m->name ? m->name : "", m->name_len);
	path[m->dir_len + 1 + m->name_len] = '\0';
	gr->g[gr->n++] = (struct member){.id = m->id,
	                                 .item_id = m->item_id,
	                                 .crc = m->crc,
	                                 .rank = rank_of(m->dir_kind),
	                                 .path_len = m->path_len,
	                                 .path = path};
	return 0;
}

/* Byte-identical copies: settles each group the store lists. */
static int assign_items(store_db *db, char *err, size_t errlen)
{
	char why[256] = "";
	struct grouping gr = {0};
	int rc = store_items_begin(db, why, sizeof why);
	if (rc == 0)
		rc = store_items_scan(db, add_member, &gr, why, sizeof why);
	if (rc == 0 && gr.n)
		rc = settle_group(gr.g, gr.n, &gr.upd, &gr.n_upd, &gr.cap_upd);
	else
		for (size_t i = 0; i < gr.n; i++)
			free(gr.g[i].path);
	free(gr.g);
	if (rc == 0)
		rc = store_items_set(db, gr.upd, gr.n_upd / 2, why, sizeof why);
	free(gr.upd);
	if (rc == 0)
		rc = store_items_end(db, why, sizeof why);
	return rc == 0 ? 0 : failed(why, err, errlen);
}

/* Runs one of the store's steps (its message in why_); a failure is the pass's. */
#define STEP(call)                                                                                 \
	do {                                                                                       \
		char why_[256] = "";                                                               \
		if ((call) != 0)                                                                   \
			return failed(why_, err, errlen);                                          \
	} while (0)

/* The taken time again, from the store's columns (taken_decide's rules). */
static void decide_taken(void *ctx, const struct store_taken_inputs *in, int64_t *utc,
                         int *offset_minutes, int *source)
{
	(void)ctx;
	struct media_info mi;
	memset(&mi, 0, sizeof mi);
	snprintf(mi.date_time_original, sizeof mi.date_time_original, "%s", in->date_time_original);
	snprintf(mi.offset_time_original, sizeof mi.offset_time_original, "%s",
	         in->offset_time_original);
	snprintf(mi.creation_date, sizeof mi.creation_date, "%s", in->creation_date);
	if (in->has_container_time) {
		mi.has |= MI_CONTAINER_TIME;
		mi.container_time = in->container_time;
	}
	struct taken_inputs tin = {.has_sidecar_taken = in->has_sidecar_taken,
	                           .sidecar_taken = in->sidecar_taken,
	                           .mi = &mi,
	                           .name = in->name,
	                           .name_len = in->name_len,
	                           .mtime = in->mtime_ns / 1000000000};
	struct taken t;
	taken_decide(&tin, &t);
	*utc = t.utc;
	*offset_minutes = t.offset_minutes;
	*source = (int)t.source;
}

static void walk_problem(void *ctx, size_t i, const char **path, const char **what)
{
	const struct walk *w = ctx;
	*path = w->problems[i].path;
	*what = w->problems[i].what;
}

static const struct {
	const char *key;
	enum store_count what;
	size_t offset;
} COUNTS[] = {
    {"count_media", STORE_COUNT_MEDIA, offsetof(struct index_summary, media)},
    {"count_distinct", STORE_COUNT_DISTINCT, offsetof(struct index_summary, distinct)},
    {"count_sidecars", STORE_COUNT_SIDECARS, offsetof(struct index_summary, sidecars)},
    {"count_matched", STORE_COUNT_MATCHED, offsetof(struct index_summary, matched)},
    {"count_unused_sidecars", STORE_COUNT_UNUSED_SIDECARS,
     offsetof(struct index_summary, unused_sidecars)},
    {"count_albums", STORE_COUNT_ALBUMS, offsetof(struct index_summary, albums)},
    {"count_problems", STORE_COUNT_PROBLEMS, offsetof(struct index_summary, problems)},
};

static void derive_counts(struct index_summary *sum)
{
	sum->duplicates = sum->media - sum->distinct;
	sum->unmatched = sum->media - sum->matched;
}

static int store_counts(store_db *db, struct index_summary *sum)
{
	for (size_t i = 0; i < sizeof COUNTS / sizeof COUNTS[0]; i++) {
		uint64_t *field = (uint64_t *)((char *)sum + COUNTS[i].offset);
		*field = (uint64_t)store_count(db, COUNTS[i].what);
		if (store_meta_set_int(db, COUNTS[i].key, (int64_t)*field) != 0)
			return -1;
	}
	derive_counts(sum);
	return 0;
}

static void load_counts(store_db *db, struct index_summary *sum)
{
	for (size_t i = 0; i < sizeof COUNTS / sizeof COUNTS[0]; i++) {
		uint64_t *field = (uint64_t *)((char *)sum + COUNTS[i].offset);
		*field = (uint64_t)store_meta_get_int(db, COUNTS[i].key, 0);
	}
	derive_counts(sum);
}

static int write_pass_meta(const struct finish_input *in, const struct index_summary *sum)
{
	store_db *db = in->db;
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
	store_db *db = in->db;
	STEP(store_exec(db, STORE_INDEXES_SQL, why_, sizeof why_));
	STEP(store_build_albums(db, why_, sizeof why_));
	if (assign_items(db, err, errlen) != 0)
		return -1;
	STEP(store_relink_begin(db, in->force, in->relinked, in->n_relinked, why_, sizeof why_));
	STEP(store_borrow_copy_sidecars(db, why_, sizeof why_));
	STEP(store_retake(db, decide_taken, NULL, why_, sizeof why_));
	STEP(store_replace_problems(db, in->walk->n_problems, walk_problem, (void *)in->walk, why_,
	                            sizeof why_));
	STEP(store_crc_drop_stale(db, why_, sizeof why_));
	if (in->derive && in->derive(db, in->tz, err, errlen) != 0)
		return -1;
	if (in->derive)
		STEP(store_meta_set_int(db, "derive_version", in->derive_version));
	STEP(store_relink_end(db, why_, sizeof why_));
	return 0;
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
	STEP(store_exec(in->db, "BEGIN IMMEDIATE", why_, sizeof why_));
	if (derive_everything(in, err, errlen) != 0 || store_counts(in->db, sum) != 0 ||
	    write_pass_meta(in, sum) != 0) {
		if (!err[0])
			snprintf(err, errlen, "cannot finish the index: %s", store_errmsg(in->db));
		store_exec(in->db, "ROLLBACK", NULL, 0);
		return -1;
	}
	STEP(store_exec(in->db, "COMMIT", why_, sizeof why_));
	return 0;
}
