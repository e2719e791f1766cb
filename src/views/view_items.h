/* The distinct live items that by-date/, by-camera/ and favorites/ show, read
 * from the store in one scan and ordered in memory, for views_build.
 * An item is a group of files sharing files.item_id; its target is the file
 * whose id is the item id (else the smallest id), and it is a favorite when
 * any of its files' sidecars says so. Trashed files (a Trash folder, or a
 * sidecar that says "trashed") take no part.
 * Owns: that grouping, the local month of a taken time, the (taken, source
 * path, id) order. Must not: write to the store, or outlive one build (the
 * set holds every live item: it is index-time memory, never the daemon's). */
#ifndef TFS_VIEWS_VIEW_ITEMS_H
#define TFS_VIEWS_VIEW_ITEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct view_item {
	int64_t target; /* files.id shown for the item */
	int64_t item;   /* its item id (files.item_id, else the file's id) */
	bool favorite;
	char month[8];   /* "YYYY-MM", local date of the taken time; "0000-00" when unknown */
	uint32_t name;   /* offsets into view_items.text */
	uint32_t camera; /* readable camera name; camera_len 0 when there is none */
	uint16_t name_len, camera_len;
};

struct view_items {
	struct view_item *v; /* in (taken, source path, target) order */
	size_t n;
	char *text;
};

/* Loads the items (trash kind: the dirs.kind of Trash folders). 0, or -1 with err. */
int view_items_load(store_db *db, int trash_kind, struct view_items *out, char *err, size_t errlen);
void view_items_free(struct view_items *items);

/* "YYYY-MM" of a taken time (utc seconds, offset in minutes when known), or
 * of mtime_ns when there is no taken time; local dates without an offset use
 * the process's zone (main set TZ from -o tz). out holds 8 bytes. */
void view_month(bool has_taken, int64_t taken, bool has_offset, int64_t offset_minutes,
                int64_t mtime_ns, char out[8]);

#endif
