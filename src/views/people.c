/* Loads by-person/'s (person, item) pairs: the store's pairs name items by
 * item id, which a sorted (item id, rank) index turns into the items of
 * view_items; the pairs are then sorted by name and rank, and repeats
 * (two files of one item, a name listed twice) dropped. */
#include "views/people.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/people.h"
#include "util/growbuf.h"
#include "util/ustr.h"

struct item_rank {
	int64_t item;
	size_t rank;
};

struct loader {
	struct item_rank *ranks; /* by item id */
	size_t n_ranks;
	struct person_item *v;
	size_t n, cap;
	struct textbuf text;
};

/* Failures below: -1 is SQLite's (its message says why), this one is ours. */
#define OUT_OF_MEMORY (-2)

static int by_item(const void *pa, const void *pb)
{
	const struct item_rank *a = pa, *b = pb;
	return (a->item > b->item) - (a->item < b->item);
}

static int add_pair(void *ctx, int64_t item, const char *name, size_t len)
{
	struct loader *l = ctx;
	struct item_rank key = {.item = item};
	const struct item_rank *found =
	    bsearch(&key, l->ranks, l->n_ranks, sizeof *l->ranks, by_item);
	if (!found) /* only trashed files of the item name the person */
		return 0;
	assert(found->rank < l->n_ranks);
	char *nfc = ustr_nfc(name, len);
	if (!nfc)
		return OUT_OF_MEMORY;
	size_t off, nfc_len = strlen(nfc);
	int rc = grow_array((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) == 0 &&
	                 textbuf_add(&l->text, nfc, nfc_len, &off) == 0
	             ? 0
	             : OUT_OF_MEMORY;
	free(nfc);
	if (rc == 0)
		l->v[l->n++] = (struct person_item){off, nfc_len, found->rank};
	return rc;
}

static int by_name_then_rank(const void *pa, const void *pb, void *text)
{
	const struct person_item *a = pa, *b = pb;
	const char *t = text;
	int c = ustr_bytes_cmp(t + a->name, a->name_len, t + b->name, b->name_len);
	return c ? c : (a->rank > b->rank) - (a->rank < b->rank);
}

bool people_same_name(const struct people *p, size_t i, size_t j)
{
	const struct person_item *a = &p->v[i], *b = &p->v[j];
	return ustr_bytes_cmp(p->text + a->name, a->name_len, p->text + b->name, b->name_len) == 0;
}

static size_t drop_repeats(struct people *p)
{
	size_t kept = 0;
	for (size_t i = 0; i < p->n; i++)
		if (kept == 0 || p->v[kept - 1].rank != p->v[i].rank ||
		    !people_same_name(p, kept - 1, i))
			p->v[kept++] = p->v[i];
	return kept;
}

int people_load(store_db *db, int trash_kind, const struct view_items *items, struct people *out,
                char *err, size_t errlen)
{
	struct loader l = {0};
	memset(out, 0, sizeof *out);
	int rc = 0;
	if (!(l.ranks = malloc((items->n ? items->n : 1) * sizeof *l.ranks)))
		rc = OUT_OF_MEMORY;
	for (size_t i = 0; rc == 0 && i < items->n; i++)
		l.ranks[i] = (struct item_rank){items->v[i].item, i};
	l.n_ranks = rc == 0 ? items->n : 0;
	if (l.n_ranks > 1)
		qsort(l.ranks, l.n_ranks, sizeof *l.ranks, by_item);
	if (rc == 0)
		rc = store_scan_people(db, trash_kind, add_pair, &l);
	free(l.ranks);
	if (rc != 0) {
		if (err && errlen)
			snprintf(err, errlen, "views: cannot list the people: %s",
			         rc == OUT_OF_MEMORY ? "out of memory" : store_errmsg(db));
		free(l.v);
		textbuf_free(&l.text);
		return -1;
	}
	*out = (struct people){.v = l.v, .n = l.n, .text = l.text.p};
	if (out->n > 1)
		qsort_r(out->v, out->n, sizeof *out->v, by_name_then_rank, out->text);
	out->n = drop_repeats(out);
	return 0;
}

void people_free(struct people *p)
{
	free(p->v);
	free(p->text);
	memset(p, 0, sizeof *p);
}
