/* The indexer: walks SOURCE, matches sidecars, extracts metadata in N worker
 * threads and writes the store through one batched writer thread; then
 * resolves duplicates, borrowed sidecars and taken times, and rebuilds the
 * views when anything changed. Incremental: files whose size, mtime and inode
 * are unchanged are not opened again.
 * Must not: print (progress goes through the callback, errors into err), or
 * write anything under SOURCE. */
#ifndef TFS_INDEX_INDEXER_H
#define TFS_INDEX_INDEXER_H

#include "store/store.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source/source.h"

enum index_phase { INDEX_WALK, INDEX_SIDECARS, INDEX_MEDIA, INDEX_FINISH };

struct index_progress {
	enum index_phase phase;
	uint64_t done, total; /* files of the current phase */
	double elapsed;       /* seconds since the start */
};

struct index_options {
	const char *const *sources; /* the SOURCEs as given (source_open_all) */
	size_t n_sources;
	const char *db_path; /* the store */
	int threads;         /* extractor threads; <= 0 means online CPUs */
	bool reindex;        /* ignore what the store holds */
	/* Called from the indexer's threads at most ~10 times a second. */
	void (*progress)(void *ctx, const struct index_progress *p);
	void *progress_ctx;
	/* The pass over each tar or tgz part not yet in the store, from the
	 * parts' own threads (progress_ctx is its ctx too). NULL: none. */
	source_progress_fn part_progress;
	/* The caller's tables derived from the store (the views, views_build):
	 * run at the end of a pass that changed the store, inside its last
	 * transaction, so they are never out of step with what the pass wrote.
	 * tz is the zone the taken times were computed in. NULL: none. Returns
	 * 0, or -1 with err. */
	int (*derive)(store_db *db, const char *tz, char *err, size_t errlen);
	/* The version of what derive builds (the views' layout), recorded in
	 * the store (meta "derive_version"): a store that recorded another one
	 * gets a pass that runs derive even when SOURCE is unchanged. */
	int64_t derive_version;
};

struct index_summary {
	uint64_t media;           /* media files under SOURCE */
	uint64_t distinct;        /* distinct items (byte-identical copies counted once) */
	uint64_t duplicates;      /* media - distinct */
	uint64_t sidecars;        /* JSON files classified as media sidecars */
	uint64_t matched;         /* media files with a sidecar */
	uint64_t unmatched;       /* media files without one */
	uint64_t unused_sidecars; /* media sidecars no file uses */
	uint64_t albums;
	uint64_t problems;
	uint64_t opened;     /* files read in this pass (0 on an unchanged tree) */
	unsigned parts_read; /* tar and tgz parts read whole (0 when all were in the store) */
	uint64_t removed;    /* rows dropped because the file vanished */
	bool changed;        /* the store changed in this pass */
	double seconds;
};

enum index_error {
	INDEX_OK = 0,
	INDEX_ERR_SOURCE = -1,      /* SOURCE missing or not a directory */
	INDEX_ERR_NOT_TAKEOUT = -2, /* SOURCE holds no media at all */
	INDEX_ERR_STORE = -3,       /* the store cannot be opened or written */
	INDEX_ERR_STORE_NEWER = -4, /* store from a newer takeoutfs */
	INDEX_ERR_NOMEM = -5,
};

/* Builds or updates the store. Returns an index_error; on failure err holds
 * one line for the user. */
int indexer_run(const struct index_options *opt, struct index_summary *sum, char *err,
                size_t errlen);

#endif
