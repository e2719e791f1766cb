/* The people of the live files' sidecars (store/people.h), from the JSON
 * array in sidecars.people; a value that is not valid JSON names nobody,
 * and neither does an empty name. */
#include "store/people.h"
#include <sqlite3.h>

/* A person is a name, or an object with a "name" (as the .meta reads them). */
static const char PEOPLE_SQL[] =
    "SELECT item, name FROM (SELECT COALESCE(f.item_id, f.id) AS item,"
    "  CASE j.type WHEN 'text' THEN j.value"
    "   WHEN 'object' THEN json_extract(j.value, '$.name') END AS name"
    " FROM files f JOIN dirs d ON d.id = f.dir_id JOIN sidecars s ON s.id = f.sidecar_id,"
    " json_each(CASE WHEN json_valid(s.people) THEN s.people ELSE '[]' END) j"
    " WHERE s.people IS NOT NULL AND d.kind <> ?1 AND COALESCE(s.trashed, 0) = 0)"
    " WHERE typeof(name) = 'text' AND name <> ''";

int store_scan_people(store_db *db, int trash_kind,
                      int (*fn)(void *ctx, int64_t item, const char *name, size_t len), void *ctx)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, PEOPLE_SQL, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, trash_kind);
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		if (name && (rc = fn(ctx, sqlite3_column_int64(st, 0), name, len)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	return rc;
}
