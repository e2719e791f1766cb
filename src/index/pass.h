/* The state of one index pass, shared by the indexer's own modules:
 * indexer.c runs the phases, reconcile.c compares the walk with the store,
 * rows.c turns results into writer operations. Not an API for anyone else.
 * Must not: grow per-file fields beyond what a phase needs (it is sized by
 * the number of files under SOURCE and lives for the whole pass). */
#ifndef TFS_INDEX_PASS_H
#define TFS_INDEX_PASS_H

#include "store/store.h"
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "index/extract.h"
#include "index/indexer.h"
#include "index/sidecar_json.h"
#include "index/walk.h"
#include "media/taken.h"
#include "store/rows.h"
#include "store/writer.h"

enum status { ST_UNCHANGED = 0, ST_NEW, ST_CHANGED };

/* What one pass knows about each walked file (parallel to walk.files). */
struct file_state {
	int64_t id;     /* store row id (kept, or newly assigned) */
	uint8_t status; /* enum status */
	uint8_t kind;   /* JSON files: enum sj_kind; media: unused */
	uint8_t rule;   /* media: enum sc_rule after matching */
	uint8_t stored_rule;
	bool has_taken; /* JSON: photoTakenTime present */
	bool relink;    /* media: its sidecar or rule changed, taken must follow */
	int64_t taken;
	int64_t sidecar_id;        /* media: store id of its sidecar, 0 = none */
	int64_t stored_sidecar_id; /* media: what the store had */
	char *title;               /* JSON: title (media sidecar or album), malloc'd */
};

struct id_list {
	int64_t *ids;
	size_t n, cap;
};

/* Writer rows made before the writer runs (folder rows, from reconcile). */
struct pending {
	void **rows;
	size_t n, cap;
};

struct loop;

struct pass {
	const struct index_options *opt;
	struct source *source;
	store_db *db;
	struct writer *writer;
	struct walk walk;
	struct file_state *fs;
	int64_t next_file_id, next_sidecar_id, next_dir_id;
	int64_t *dir_ids;  /* store id of each walked folder */
	bool *group_dirty; /* per walk group: matching must run again */
	int64_t generation;
	bool force; /* previous pass incomplete, or reindex, or tz changed */
	bool changed;
	struct timespec start;
	struct pending dir_rows; /* folder rows to write, found while reconciling */
	/* rows whose file or folder vanished, found while reconciling */
	struct id_list gone_files, gone_sidecars, gone_dirs;
	/* per-phase work */
	size_t *work_list; /* file indexes of the current phase */
	size_t n_work;
	size_t *group_dirs_first; /* folders ordered by group: CSR offsets... */
	size_t *group_dirs;       /* ...and folder indexes */
	int32_t *dirty_groups;
	int64_t *sidecar_taken_by_file; /* media file index -> sidecar taken or INT64_MIN */
	struct id_list relinked;        /* unchanged files whose sidecar link changed */
	struct loop *loop;
	struct stored_rows *stored; /* reconcile_prefetch's load, until reconcile */
	atomic_ulong opened;
	atomic_bool oom;
};

int id_list_push(struct id_list *l, int64_t id);
void id_list_free(struct id_list *l);

/* reconcile.c: assigns store ids, marks every walked file new, changed or
 * unchanged, collects folder rows in dir_rows, and lists vanished rows. It
 * reads the store on the caller's thread, so it runs before the writer
 * thread exists (the connection is not shared between threads). 0 or -1. */
int reconcile(struct pass *p);

/* Starts reading the store's files and sidecars on a thread of its own, to
 * overlap the walk (whose stats are most of an unchanged re-index). The
 * connection belongs to that thread until reconcile_wait; reconcile waits
 * too. 0, or -1 when the thread cannot start (reconcile then reads itself). */
int reconcile_prefetch(struct pass *p);
void reconcile_wait(struct pass *p);
/* Waits for and frees an unused prefetch (error paths; reconcile does it too). */
void reconcile_discard(struct pass *p);

/* rows.c: writer operations (run on the writer thread; rows are freed after).
 * Folder rows are the store's own (struct store_dir_row). */
struct sidecar_row {
	int64_t id, dir_id, generation;
	const char *name;
	size_t name_len;
	uint64_t size, ino;
	int64_t mtime_ns;
	struct sj_doc doc;
	char problem[160];
};

struct file_row {
	int64_t id, dir_id, generation, sidecar_id;
	const char *name;
	size_t name_len;
	int rule;
	struct taken taken;
	struct extract_media_result x;
};

struct relink_row {
	int64_t id, sidecar_id;
	int rule;
};

struct delete_row {
	enum store_table what;
	int64_t id;
};

int row_put_dir(struct writer *w, void *row);
int row_put_sidecar(struct writer *w, void *row);
int row_put_file(struct writer *w, void *row);
int row_relink_file(struct writer *w, void *row);
int row_delete(struct writer *w, void *row);

#endif
