/* The end of an index pass, in one transaction: album table, byte-identical
 * groups (item_id), sidecars borrowed from a copy (rule 9), taken times of
 * files whose sidecar changed, walk problems, the caller's derived tables
 * (index_options.derive: the views), and the statistics
 * in the meta table. Marks the store complete.
 * Must not: open files under SOURCE (everything comes from the store). */
#ifndef TFS_INDEX_FINISH_H
#define TFS_INDEX_FINISH_H

#include "store/store.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index/indexer.h"
#include "index/walk.h"

struct finish_input {
	store_db *db;
	bool changed;   /* anything written in this pass */
	bool force;     /* recompute everything derived (crash recovery, reindex, new tz) */
	const char *tz; /* the TZ the taken times were computed in */
	const char *source;
	const struct walk *walk;
	const int64_t *relinked; /* files whose sidecar link changed without a re-read */
	size_t n_relinked;
	uint64_t opened, removed;
	double seconds; /* of the pass so far */
	int (*derive)(store_db *db, const char *tz, char *err, size_t errlen); /* may be NULL */
	int64_t derive_version; /* recorded once derive ran */
};

int finish_pass(const struct finish_input *in, struct index_summary *sum, char *err, size_t errlen);

#endif
