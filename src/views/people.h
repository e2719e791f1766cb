/* The people of by-person/ for views_build: each person the live items'
 * sidecars name, with the items naming them, each once.
 * Names are NFC (a name written both ways is one person); the folder name
 * cleaning (" ∕ " for "/", ...) is left to views_build, as for albums.
 * Owns: that grouping and its order. Must not: write to the store, or
 * outlive one build (index-time memory, never the daemon's). */
#ifndef TFS_VIEWS_PEOPLE_H
#define TFS_VIEWS_PEOPLE_H

#include "store/store.h"
#include <stdbool.h>
#include <stddef.h>

#include "views/view_items.h"

struct person_item {
	size_t name, name_len; /* the person, in people.text */
	size_t rank;           /* index of the item in view_items.v */
};

struct people {
	struct person_item *v; /* in (name bytes, rank) order, no pair twice */
	size_t n;
	char *text;
};

/* Loads the people of items (the view_items of the same build; trash_kind
 * as for them). 0, or -1 with err. */
int people_load(store_db *db, int trash_kind, const struct view_items *items, struct people *out,
                char *err, size_t errlen);
void people_free(struct people *p);

/* Whether entries i and j name the same person. */
bool people_same_name(const struct people *p, size_t i, size_t j);

#endif
