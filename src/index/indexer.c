/* The indexer's pipeline, top to bottom:
 *
 *   walk  ->  reconcile with the store  ->  sidecars (parse changed JSON)
 *         ->  match (per logical folder)  ->  media (extract changed files)
 *         ->  finish (albums, duplicates, borrowed sidecars, taken times,
 *                     views, stats)
 *
 * Each parallel phase is a loop over an array that N worker threads share
 * through an atomic cursor; rows go to the single writer thread. Nothing is
 * read again for a file whose (size, mtime, inode) the store already holds.
 * A pass that will change the store first clears meta.index_complete, so a
 * pass cut short by kill -9 is finished by the next one. */
#include "index/indexer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index/classify.h"
#include "index/extract.h"
#include "index/finish.h"
#include "index/pass.h"
#include "index/sidecar.h"
#include "index/sidecar_json.h"
#include "index/walk.h"
#include "media/taken.h"
#include "store/store.h"
#include "store/writer.h"
#include "util/growbuf.h"
#include "util/strmap.h"
#include "util/ustr.h"

#define SIDECAR_TEXT_MAX   (64 * 1024)
#define SIDECAR_PEOPLE_MAX 1000
#define SIDECAR_NAME_MAX   1024

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ------------------------------------------------------------------ */
/* Parallel loops                                                      */

struct worker {
	struct pass *p;
	struct extract_ctx *ctx;
	struct writer_batch batch; /* rows on their way to the writer */
	pthread_t thread;
};

typedef void (*item_fn)(struct worker *wk, size_t item);

struct loop {
	struct worker *workers;
	int n_workers;
	item_fn fn;
	size_t n_items;
	atomic_size_t next, done;
};

static void *loop_thread(void *arg)
{
	struct worker *wk = arg;
	struct loop *l = wk->p->loop;
	for (;;) {
		size_t i = atomic_fetch_add(&l->next, 1);
		if (i >= l->n_items)
			break;
		l->fn(wk, i);
		atomic_fetch_add(&l->done, 1);
	}
	wk->batch.w = wk->p->writer;
	writer_batch_flush(&wk->batch);
	return NULL;
}

static void report(struct pass *p, enum index_phase phase, uint64_t done, uint64_t total)
{
	if (!p->opt->progress)
		return;
	struct index_progress pr = {phase, done, total, seconds_since(&p->start)};
	p->opt->progress(p->opt->progress_ctx, &pr);
}

/* Runs fn over [0, n_items) on every worker, reporting progress ~10 times a second. */
static int run_loop(struct pass *p, struct worker *workers, int n_workers, item_fn fn,
                    size_t n_items, enum index_phase phase)
{
	struct loop l = {.workers = workers, .n_workers = n_workers, .fn = fn, .n_items = n_items};
	atomic_init(&l.next, 0);
	atomic_init(&l.done, 0);
	p->loop = &l;
	int started = 0;
	for (int i = 0; i < n_workers; i++) {
		if (pthread_create(&workers[i].thread, NULL, loop_thread, &workers[i]) != 0)
			break;
		started++;
	}
	if (started == 0)
		loop_thread(&workers[0]);
	while (atomic_load(&l.done) < n_items && started > 0) {
		report(p, phase, atomic_load(&l.done), n_items);
		struct timespec ts = {0, 100 * 1000000};
		nanosleep(&ts, NULL);
	}
	for (int i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	report(p, phase, n_items, n_items);
	p->loop = NULL;
	return atomic_load(&p->oom) ? -1 : 0;
}

static int submit(struct pass *p, writer_fn fn, void *row)
{
	if (!row) {
		atomic_store(&p->oom, true);
		return -1;
	}
	return writer_submit(p->writer, fn, row);
}

/* From a worker thread: through its local batch. */
static int submit_batched(struct worker *wk, writer_fn fn, void *row)
{
	if (!row) {
		atomic_store(&wk->p->oom, true);
		return -1;
	}
	wk->batch.w = wk->p->writer;
	return writer_batch_add(&wk->batch, fn, row);
}

/* ------------------------------------------------------------------ */
/* Phase: sidecars                                                     */

/* Cuts s to at most max bytes without splitting a UTF-8 character; true if cut. */
static bool shorten_utf8(char *s, size_t max)
{
	if (!s || strlen(s) <= max)
		return false;
	s[ustr_utf8_cut(s, strlen(s), max)] = '\0';
	return true;
}

/* A sidecar's text goes into every .meta that uses it, rendered on demand:
 * a 20 MiB description would make each read of such a .meta slow. The store
 * keeps a bounded prefix and says so; SOURCE keeps the whole. */
static void bound_sidecar_strings(struct sj_doc *doc, char *problem, size_t len)
{
	bool cut = false;
	if (doc->kind == SJ_MEDIA) {
		cut |= shorten_utf8(doc->media.title, SIDECAR_TEXT_MAX);
		cut |= shorten_utf8(doc->media.description, SIDECAR_TEXT_MAX);
		cut |= shorten_utf8(doc->media.url, SIDECAR_TEXT_MAX);
		for (size_t i = SIDECAR_PEOPLE_MAX; i < doc->media.n_people; i++) {
			free(doc->media.people[i]);
			cut = true;
		}
		if (doc->media.n_people > SIDECAR_PEOPLE_MAX)
			doc->media.n_people = SIDECAR_PEOPLE_MAX;
		for (size_t i = 0; i < doc->media.n_people; i++)
			cut |= shorten_utf8(doc->media.people[i], SIDECAR_NAME_MAX);
	} else if (doc->kind == SJ_ALBUM) {
		cut |= shorten_utf8(doc->album.title, SIDECAR_TEXT_MAX);
		cut |= shorten_utf8(doc->album.description, SIDECAR_TEXT_MAX);
	}
	if (cut)
		snprintf(problem, len,
		         "sidecar text over the store's bounds (%d KiB per field, %d people): kept "
		         "shortened",
		         SIDECAR_TEXT_MAX / 1024, SIDECAR_PEOPLE_MAX);
}

static void parse_one_sidecar(struct worker *wk, size_t item)
{
	struct pass *p = wk->p;
	size_t i = p->work_list[item];
	const struct walk_file *f = &p->walk.files[i];
	const struct walk_dir *d = &p->walk.dirs[f->dir];
	struct file_state *s = &p->fs[i];
	struct sidecar_row *r = calloc(1, sizeof *r);
	if (!r) {
		atomic_store(&p->oom, true);
		return;
	}
	r->id = s->id;
	r->dir_id = p->dir_ids[f->dir];
	r->generation = p->generation;
	r->name = f->name;
	r->name_len = f->name_len;
	const char *buf;
	/* The facts of the file as read win over the walk's (none on a first
	 * index; and a file rewritten since the walk is stored as it was read). */
	struct extract_facts facts = {f->size, f->mtime_ns, f->ino};
	long len = extract_read_json(wk->ctx, d->path, f->name, &buf, &facts, r->problem,
	                             sizeof r->problem);
	r->size = facts.size;
	r->mtime_ns = facts.mtime_ns;
	r->ino = facts.ino;
	atomic_fetch_add(&p->opened, 1);
	if (len < 0) {
		r->doc.kind = SJ_BROKEN;
	} else if (sj_parse(buf, (size_t)len, &r->doc) != 0) {
		atomic_store(&p->oom, true);
		free(r);
		return;
	} else if (r->doc.kind == SJ_BROKEN) {
		snprintf(r->problem, sizeof r->problem, "broken JSON: %s", r->doc.error);
	} else {
		bound_sidecar_strings(&r->doc, r->problem, sizeof r->problem);
	}
	s->kind = (uint8_t)r->doc.kind;
	const char *title = r->doc.kind == SJ_MEDIA   ? r->doc.media.title
	                    : r->doc.kind == SJ_ALBUM ? r->doc.album.title
	                                              : NULL;
	if (title && !(s->title = strdup(title)))
		atomic_store(&p->oom, true);
	s->has_taken = r->doc.kind == SJ_MEDIA && r->doc.media.has_taken;
	s->taken = r->doc.media.taken;
	submit_batched(wk, row_put_sidecar, r);
}

/* ------------------------------------------------------------------ */
/* Phase: matching                                                     */

static void match_one_group(struct worker *wk, size_t item)
{
	struct pass *p = wk->p;
	int32_t g = p->dirty_groups[item];
	size_t n_media = 0, n_side = 0;
	for (size_t k = p->group_dirs_first[g]; k < p->group_dirs_first[g + 1]; k++) {
		const struct walk_dir *d = &p->walk.dirs[p->group_dirs[k]];
		for (size_t i = d->first_file; i < d->first_file + d->n_files; i++) {
			if (p->walk.files[i].kind == FILE_MEDIA)
				n_media++;
			else if (p->fs[i].kind == SJ_MEDIA)
				n_side++;
		}
	}
	if (!n_media)
		return;
	struct sc_sidecar *sc = calloc(n_side ? n_side : 1, sizeof *sc);
	size_t *sc_file = calloc(n_side ? n_side : 1, sizeof *sc_file);
	struct sc_media *me = calloc(n_media, sizeof *me);
	size_t *me_file = calloc(n_media, sizeof *me_file);
	struct sc_result *res = calloc(n_media, sizeof *res);
	if (!sc || !sc_file || !me || !me_file || !res)
		goto oom;
	n_media = n_side = 0;
	for (size_t k = p->group_dirs_first[g]; k < p->group_dirs_first[g + 1]; k++) {
		const struct walk_dir *d = &p->walk.dirs[p->group_dirs[k]];
		for (size_t i = d->first_file; i < d->first_file + d->n_files; i++) {
			const struct walk_file *f = &p->walk.files[i];
			if (f->kind == FILE_MEDIA) {
				me[n_media] = (struct sc_media){f->name, f->name_len};
				me_file[n_media++] = i;
			} else if (p->fs[i].kind == SJ_MEDIA) {
				sc[n_side] =
				    (struct sc_sidecar){f->name, f->name_len, p->fs[i].title};
				sc_file[n_side++] = i;
			}
		}
	}
	if (sc_match_directory(sc, n_side, me, n_media, res) != 0)
		goto oom;
	for (size_t m = 0; m < n_media; m++) {
		struct file_state *s = &p->fs[me_file[m]];
		s->sidecar_id = res[m].sidecar >= 0 ? p->fs[sc_file[res[m].sidecar]].id : 0;
		s->rule = (uint8_t)res[m].rule;
		if (s->status == ST_UNCHANGED &&
		    (s->sidecar_id != s->stored_sidecar_id || s->rule != s->stored_rule ||
		     (s->sidecar_id && p->fs[sc_file[res[m].sidecar]].status != ST_UNCHANGED)))
			s->relink = true;
	}
	goto done;
oom:
	atomic_store(&p->oom, true);
done:
	free(sc);
	free(sc_file);
	free(me);
	free(me_file);
	free(res);
}

/* ------------------------------------------------------------------ */
/* Phase: media                                                        */

static void extract_one_media(struct worker *wk, size_t item)
{
	struct pass *p = wk->p;
	size_t i = p->work_list[item];
	const struct walk_file *f = &p->walk.files[i];
	const struct walk_dir *d = &p->walk.dirs[f->dir];
	struct file_state *s = &p->fs[i];
	struct file_row *r = calloc(1, sizeof *r);
	if (!r) {
		atomic_store(&p->oom, true);
		return;
	}
	if (extract_media(wk->ctx, d->path, f->name, &r->x) != 0) {
		atomic_store(&p->oom, true);
		free(r);
		return;
	}
	atomic_fetch_add(&p->opened, 1);
	if (r->x.vanished) {
		/* Gone since the walk: nothing to index; a stored row goes too. */
		if (s->status == ST_CHANGED) {
			struct delete_row *del = malloc(sizeof *del);
			if (del)
				*del = (struct delete_row){STORE_FILES, s->id};
			submit_batched(wk, row_delete, del);
		}
		free(r);
		return;
	}
	if (r->x.problem[0] && !r->x.size && !r->x.ino) { /* could not open: keep walk facts */
		r->x.size = f->size;
		r->x.mtime_ns = f->mtime_ns;
		r->x.ino = f->ino;
	}
	r->id = s->id;
	r->dir_id = p->dir_ids[f->dir];
	r->generation = p->generation;
	r->name = f->name;
	r->name_len = f->name_len;
	r->sidecar_id = s->sidecar_id;
	r->rule = s->rule;
	struct taken_inputs in = {.has_sidecar_taken = p->sidecar_taken_by_file[i] != INT64_MIN,
	                          .sidecar_taken = p->sidecar_taken_by_file[i],
	                          .mi = &r->x.mi,
	                          .name = f->name,
	                          .name_len = f->name_len,
	                          .mtime = r->x.mtime_ns / 1000000000};
	taken_decide(&in, &r->taken);
	submit_batched(wk, row_put_file, r);
}

/* ------------------------------------------------------------------ */

static int prepare_groups(struct pass *p, size_t *n_dirty)
{
	size_t ng = p->walk.n_groups;
	p->group_dirs_first = calloc(ng + 1, sizeof *p->group_dirs_first);
	p->group_dirs = calloc(p->walk.n_dirs ? p->walk.n_dirs : 1, sizeof *p->group_dirs);
	p->dirty_groups = calloc(ng ? ng : 1, sizeof *p->dirty_groups);
	if (!p->group_dirs_first || !p->group_dirs || !p->dirty_groups)
		return -1;
	for (size_t d = 0; d < p->walk.n_dirs; d++)
		p->group_dirs_first[p->walk.dirs[d].group + 1]++;
	for (size_t g = 0; g < ng; g++)
		p->group_dirs_first[g + 1] += p->group_dirs_first[g];
	size_t *fill = calloc(ng ? ng : 1, sizeof *fill);
	if (!fill)
		return -1;
	for (size_t d = 0; d < p->walk.n_dirs; d++) {
		int32_t g = p->walk.dirs[d].group;
		p->group_dirs[p->group_dirs_first[g] + fill[g]++] = d;
	}
	free(fill);
	*n_dirty = 0;
	for (size_t g = 0; g < ng; g++)
		if (p->group_dirty[g] || p->force)
			p->dirty_groups[(*n_dirty)++] = (int32_t)g;
	return 0;
}

static void free_groups(struct pass *p)
{
	free(p->group_dirs_first);
	free(p->group_dirs);
	free(p->dirty_groups);
	p->group_dirs_first = p->group_dirs = NULL;
	p->dirty_groups = NULL;
}

/* The sidecar's taken time for every media file, looked up by the sidecar's
 * store id through a map built from this pass's JSON files. */
static int fill_sidecar_taken(struct pass *p)
{
	p->sidecar_taken_by_file =
	    malloc((p->walk.n_files ? p->walk.n_files : 1) * sizeof *p->sidecar_taken_by_file);
	if (!p->sidecar_taken_by_file)
		return -1;
	struct strmap by_id = {0};
	for (size_t i = 0; i < p->walk.n_files; i++) {
		if (p->walk.files[i].kind == FILE_JSON &&
		    strmap_put(&by_id, (const char *)&p->fs[i].id, sizeof p->fs[i].id,
		               (int64_t)i) != 0) {
			strmap_free(&by_id);
			return -1;
		}
	}
	for (size_t i = 0; i < p->walk.n_files; i++) {
		p->sidecar_taken_by_file[i] = INT64_MIN;
		const struct file_state *s = &p->fs[i];
		if (p->walk.files[i].kind != FILE_MEDIA || !s->sidecar_id)
			continue;
		int64_t j =
		    strmap_get(&by_id, (const char *)&s->sidecar_id, sizeof s->sidecar_id, -1);
		if (j >= 0 && p->fs[j].has_taken)
			p->sidecar_taken_by_file[i] = p->fs[j].taken;
	}
	strmap_free(&by_id);
	return 0;
}

static int collect_work(struct pass *p, enum file_kind kind)
{
	free(p->work_list);
	p->work_list = malloc((p->walk.n_files ? p->walk.n_files : 1) * sizeof *p->work_list);
	if (!p->work_list)
		return -1;
	p->n_work = 0;
	for (size_t i = 0; i < p->walk.n_files; i++)
		if (p->walk.files[i].kind == kind && p->fs[i].status != ST_UNCHANGED)
			p->work_list[p->n_work++] = i;
	return 0;
}

static int submit_relinks_and_deletions(struct pass *p)
{
	for (size_t i = 0; i < p->walk.n_files; i++) {
		struct file_state *s = &p->fs[i];
		if (!s->relink)
			continue;
		struct relink_row *r = malloc(sizeof *r);
		if (r)
			*r = (struct relink_row){s->id, s->sidecar_id, s->rule};
		if (submit(p, row_relink_file, r) != 0 || id_list_push(&p->relinked, s->id) != 0)
			return -1;
	}
	const struct {
		enum store_table what;
		const struct id_list *list;
	} gone[] = {{STORE_FILES, &p->gone_files},
	            {STORE_SIDECARS, &p->gone_sidecars},
	            {STORE_DIRS, &p->gone_dirs}};
	for (size_t t = 0; t < sizeof gone / sizeof gone[0]; t++)
		for (size_t k = 0; k < gone[t].list->n; k++) {
			struct delete_row *r = malloc(sizeof *r);
			if (r)
				*r = (struct delete_row){gone[t].what, gone[t].list->ids[k]};
			if (submit(p, row_delete, r) != 0)
				return -1;
		}
	return 0;
}

int id_list_push(struct id_list *l, int64_t id)
{
	if (grow_array_from((void **)&l->ids, &l->cap, l->n + 1, sizeof *l->ids, 64) != 0)
		return -1;
	l->ids[l->n++] = id;
	return 0;
}

void id_list_free(struct id_list *l)
{
	free(l->ids);
	memset(l, 0, sizeof *l);
}

/* Hands the folder rows reconcile collected to the writer (which frees them). */
static int submit_pending_dirs(struct pass *p)
{
	int rc = 0;
	for (size_t i = 0; i < p->dir_rows.n; i++) {
		if (rc == 0)
			rc = writer_submit(p->writer, row_put_dir, p->dir_rows.rows[i]);
		else
			free(p->dir_rows.rows[i]);
	}
	p->dir_rows.n = 0;
	return rc;
}

static bool pass_changes_anything(const struct pass *p, size_t n_dirty_groups)
{
	if (p->force || n_dirty_groups || p->gone_files.n || p->gone_sidecars.n || p->gone_dirs.n)
		return true;
	for (size_t i = 0; i < p->walk.n_files; i++)
		if (p->fs[i].status != ST_UNCHANGED)
			return true;
	return false;
}

static const char *current_tz(void)
{
	const char *tz = getenv("TZ");
	return tz ? tz : "";
}

static struct source *open_source(const struct index_options *opt, unsigned *passes, char *err,
                                  size_t errlen)
{
	struct source *src = NULL;
	struct source_options so = {.db_path = opt->db_path,
	                            .progress = opt->part_progress,
	                            .progress_ctx = opt->progress_ctx,
	                            .threads = opt->threads,
	                            .prune_tables = true};
	int rc = source_open_all(opt->sources, opt->n_sources, &so, &src, passes);
	const char *which = opt->n_sources == 1 ? opt->sources[0] : "among the SOURCEs";
	if (rc == -EINVAL)
		snprintf(err, errlen, "SOURCE %s is neither a folder nor an archive", which);
	else if (rc != 0)
		snprintf(err, errlen, "SOURCE %s: %s", which, strerror(-rc));
	return rc == 0 ? src : NULL;
}

/* The SOURCEs as the store records them: one per line. NULL: no memory. */
static char *sources_text(const struct index_options *opt)
{
	size_t len = 1;
	for (size_t i = 0; i < opt->n_sources; i++)
		len += strlen(opt->sources[i]) + 1;
	char *text = malloc(len), *at = text;
	for (size_t i = 0; text && i < opt->n_sources; i++)
		at += sprintf(at, "%s%s", i ? "\n" : "", opt->sources[i]);
	if (text)
		*at = '\0';
	return text;
}

static int map_store_error(int rc)
{
	return rc == STORE_ERR_NEWER ? INDEX_ERR_STORE_NEWER : INDEX_ERR_STORE;
}

static int start_workers(struct pass *p, struct worker *workers, int n, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		workers[i].p = p;
		workers[i].ctx = extract_ctx_new(p->source, err, errlen);
		if (!workers[i].ctx)
			return -1;
	}
	return 0;
}

static void free_pass(struct pass *p, struct worker *workers, int n_workers)
{
	reconcile_discard(p);
	for (int i = 0; i < n_workers; i++)
		extract_ctx_free(workers[i].ctx);
	if (p->fs)
		for (size_t i = 0; i < p->walk.n_files; i++)
			free(p->fs[i].title);
	free(p->fs);
	free(p->dir_ids);
	free(p->group_dirty);
	for (size_t i = 0; i < p->dir_rows.n; i++)
		free(p->dir_rows.rows[i]);
	free(p->dir_rows.rows);
	id_list_free(&p->gone_files);
	id_list_free(&p->gone_sidecars);
	id_list_free(&p->gone_dirs);
	free(p->work_list);
	free(p->sidecar_taken_by_file);
	free_groups(p);
	id_list_free(&p->relinked);
	walk_free(&p->walk);
}

static int threads_wanted(const struct index_options *opt)
{
	if (opt->threads > 0)
		return opt->threads > 64 ? 64 : opt->threads;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static int run_phases(struct pass *p, struct worker *workers, int n_workers,
                      struct index_summary *sum)
{
	size_t n_dirty = 0;
	int rc = -1;
	if (collect_work(p, FILE_JSON) != 0)
		goto out;
	if (run_loop(p, workers, n_workers, parse_one_sidecar, p->n_work, INDEX_SIDECARS) != 0)
		goto out;
	if (prepare_groups(p, &n_dirty) != 0)
		goto out;
	if (run_loop(p, workers, n_workers, match_one_group, n_dirty, INDEX_SIDECARS) != 0)
		goto out;
	if (fill_sidecar_taken(p) != 0 || collect_work(p, FILE_MEDIA) != 0)
		goto out;
	if (run_loop(p, workers, n_workers, extract_one_media, p->n_work, INDEX_MEDIA) != 0)
		goto out;
	if (submit_relinks_and_deletions(p) != 0)
		goto out;
	sum->removed = p->gone_files.n;
	rc = 0;
out:
	return rc;
}

/* A first index writes into an empty file, and a rollback journal records
 * only pages that existed before a transaction: almost nothing here. In WAL
 * mode every page would be written and synced twice (log, then checkpoint),
 * 0.35 s of a 3.8 s index of 100k items. Crash safety is the same (a hot
 * journal is rolled back on the next open); the store returns to WAL, which
 * the daemon's readers need, when the pass ends (or at the next open). If
 * another connection holds the store the switch fails and WAL stays. */
static void use_rollback_journal_for_bulk_load(store_db *db)
{
	store_use_wal(db, false);
}

int indexer_run(const struct index_options *opt, struct index_summary *sum, char *err,
                size_t errlen)
{
	memset(sum, 0, sizeof *sum);
	struct pass p = {.opt = opt};
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	atomic_init(&p.opened, 0);
	atomic_init(&p.oom, false);
	/* The store first: the source keeps the tables of its tar parts there. */
	int rc = store_open(opt->db_path, STORE_READ_WRITE, &p.db, err, errlen);
	if (rc != STORE_OK)
		return map_store_error(rc);
	p.source = open_source(opt, &sum->parts_read, err, errlen);
	if (!p.source) {
		store_close(p.db);
		return INDEX_ERR_SOURCE;
	}
	int n_workers = threads_wanted(opt);
	struct worker *workers = calloc((size_t)n_workers, sizeof *workers);
	int result = INDEX_ERR_NOMEM;
	if (!workers)
		goto out;

	report(&p, INDEX_WALK, 0, 0);
	/* With nothing stored there is nothing to compare, so the walk need not
	 * stat the files: the workers fstat what they open. */
	bool first_index = store_has_no_rows(p.db);
	if (first_index)
		use_rollback_journal_for_bulk_load(p.db);
	else
		reconcile_prefetch(&p); /* on failure reconcile reads the store itself */
	int walked = walk_tree(p.source, !first_index, &p.walk, err, errlen);
	reconcile_wait(&p); /* the connection is this thread's again */
	if (walked != 0)
		goto out;
	size_t n_media = 0;
	for (size_t i = 0; i < p.walk.n_files; i++)
		n_media += p.walk.files[i].kind == FILE_MEDIA;
	if (n_media == 0) {
		snprintf(err, errlen,
		         "%s holds no photos or videos (%zu folders, %zu JSON files, %zu other "
		         "files)",
		         opt->n_sources == 1 ? opt->sources[0] : "the SOURCEs", p.walk.n_dirs,
		         p.walk.n_files, p.walk.n_other);
		result = INDEX_ERR_NOT_TAKEOUT;
		goto out;
	}
	report(&p, INDEX_WALK, p.walk.n_files, p.walk.n_files);

	p.fs = calloc(p.walk.n_files ? p.walk.n_files : 1, sizeof *p.fs);
	p.dir_ids = calloc(p.walk.n_dirs, sizeof *p.dir_ids);
	p.group_dirty = calloc(p.walk.n_groups ? p.walk.n_groups : 1, sizeof *p.group_dirty);
	if (!p.fs || !p.dir_ids || !p.group_dirty)
		goto out;
	char *tz_stored = store_meta_get(p.db, "tz");
	bool tz_changed = tz_stored && strcmp(tz_stored, current_tz()) != 0;
	free(tz_stored);
	p.force = opt->reindex || tz_changed || store_meta_get_int(p.db, "index_complete", 1) == 0;
	p.generation = store_meta_get_int(p.db, "generation", 0) + 1;
	store_max_ids(p.db, &p.next_file_id, &p.next_sidecar_id, &p.next_dir_id);

	if (reconcile(&p) != 0) {
		snprintf(err, errlen, "cannot read the store %s: %s", opt->db_path,
		         store_errmsg(p.db));
		result = INDEX_ERR_STORE;
		goto out;
	}
	size_t n_dirty_groups = 0;
	for (size_t g = 0; g < p.walk.n_groups; g++)
		n_dirty_groups += p.group_dirty[g];
	p.changed =
	    pass_changes_anything(&p, n_dirty_groups) ||
	    (opt->derive && store_meta_get_int(p.db, "derive_version", 0) != opt->derive_version);
	/* Until finish commits, the store says "a pass is under way". Written
	 * here, before the writer thread owns the connection. */
	if (p.changed && (store_meta_set_int(p.db, "index_complete", 0) != 0 ||
	                  store_meta_set_int(p.db, "generation", p.generation) != 0)) {
		snprintf(err, errlen, "cannot write the store %s: %s", opt->db_path,
		         store_errmsg(p.db));
		result = INDEX_ERR_STORE;
		goto out;
	}
	p.writer = writer_start(p.db, 4096, 8192, err, errlen);
	if (!p.writer)
		goto out;
	if (p.changed && (submit_pending_dirs(&p) != 0 ||
	                  start_workers(&p, workers, n_workers, err, errlen) != 0 ||
	                  run_phases(&p, workers, n_workers, sum) != 0)) {
		char werr[256] = "";
		writer_finish(p.writer, werr, sizeof werr);
		p.writer = NULL;
		if (!err[0])
			snprintf(err, errlen, "%s",
			         werr[0] ? werr : "out of memory while indexing");
		result = werr[0] ? INDEX_ERR_STORE : INDEX_ERR_NOMEM;
		goto out;
	}
	if (writer_finish(p.writer, err, errlen) != 0) {
		p.writer = NULL;
		result = INDEX_ERR_STORE;
		goto out;
	}
	p.writer = NULL;
	report(&p, INDEX_FINISH, 0, 1);
	char *sources = sources_text(opt);
	if (!sources) {
		result = INDEX_ERR_NOMEM;
		goto out;
	}
	struct finish_input fin = {.db = p.db,
	                           .changed = p.changed,
	                           .force = p.force,
	                           .tz = current_tz(),
	                           .source = sources,
	                           .walk = &p.walk,
	                           .relinked = p.relinked.ids,
	                           .n_relinked = p.relinked.n,
	                           .opened = atomic_load(&p.opened),
	                           .removed = p.gone_files.n,
	                           .seconds = seconds_since(&p.start),
	                           .derive = opt->derive,
	                           .derive_version = opt->derive_version};
	int finished = finish_pass(&fin, sum, err, errlen);
	free(sources);
	if (finished != 0) {
		result = INDEX_ERR_STORE;
		goto out;
	}
	report(&p, INDEX_FINISH, 1, 1);
	if (first_index)
		store_use_wal(p.db, true); /* else the next open does */
	sum->seconds = seconds_since(&p.start);
	result = INDEX_OK;
out:
	if (p.writer)
		writer_finish(p.writer, NULL, 0);
	free_pass(&p, workers, workers ? n_workers : 0);
	free(workers);
	store_close(p.db);
	source_free(p.source);
	return result;
}
