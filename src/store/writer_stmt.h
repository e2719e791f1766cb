/* The writer's statement cache, for the writer_fn of store/ only (the other
 * layers submit rows through the store's own functions and never see a
 * statement).
 * Owns: nothing (writer.c keeps the cache). Must not: be included outside
 * src/store. */
#ifndef TFS_STORE_WRITER_STMT_H
#define TFS_STORE_WRITER_STMT_H

#include <sqlite3.h>

#include "store/writer.h"

/* The statement for sql, prepared once on the writer's connection and reset. */
sqlite3_stmt *writer_stmt(struct writer *w, const char *sql);
sqlite3 *writer_db(struct writer *w);

#endif
