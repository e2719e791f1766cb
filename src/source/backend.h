/* What a backend of source/ provides (private to source/): source.c checks
 * arguments and does what is the same for every backend (reads of bytes that
 * sit contiguously in a file, the checked open's comparison), then calls
 * these. A backend's struct source, source_dir and source_reader begin with
 * the common part below, so source.c can find the operations.
 * Errors: 0 or a negative errno, as in source/source.h. */
#ifndef TFS_SOURCE_BACKEND_H
#define TFS_SOURCE_BACKEND_H

#include "source/source.h"

struct source_ops {
	void (*free)(struct source *s);
	int (*dir_root)(struct source *s, struct source_dir **out);
	int (*dir_open)(struct source_dir *parent, const char *name, struct source_dir **out);
	void (*dir_close)(struct source_dir *d);
	int (*dir_list)(struct source_dir *d, bool facts, struct source_listing *out);
	struct source_reader *(*reader_new)(struct source *s);
	void (*reader_free)(struct source_reader *r);
	int (*open_in)(struct source_reader *r, const char *dir_path, const char *name,
	               struct source_file *f);
	int (*stat_in)(struct source_reader *r, const char *dir_path, const char *name,
	               struct source_facts *out);
	int (*open_path)(struct source *s, const char *path, struct source_file *f);
	/* For files with fd -1 only (bytes not contiguous anywhere). */
	ssize_t (*pread)(const struct source_file *f, void *buf, size_t len, uint64_t off);
	void (*close)(struct source_file *f);
};

struct source {
	const struct source_ops *ops;
	char name[256]; /* source_name */
	struct source_problem *problems;
	size_t n_problems, problems_cap;
};

/* Reads len bytes of fd at off, fewer only at its end: the count or a
 * negative errno (EINTR retried). */
ssize_t source_pread_fd(int fd, void *buf, size_t len, uint64_t off);

/* Adds a problem (copies path and what). 0 or -ENOMEM. */
int source_note_problem(struct source *s, const char *path, const char *what);

struct span_cache;

/* The zip backend (source/zip_part.c): takes fd over. 0, or a negative errno
 * with err set to the reason (a line for status.json). */
int source_open_zip(int fd, const char *name, struct span_cache *cache, struct source **out,
                    char *err, size_t errlen);

/* What opening a tar or tgz part needs besides the part. */
struct tar_open_options {
	struct span_cache *cache; /* shared with the other parts; may be NULL */
	const char *db_path;      /* where member tables are kept; NULL: none */
	const char *file;         /* the archive's file name, for progress */
	source_progress_fn progress;
	void *progress_ctx;
};

/* The tar backend (source/tar_part.c): takes fd over; gzip says whether it
 * is a .tgz. *scanned tells whether the part had to be read whole (its table
 * was not in the store). 0, or a negative errno with err set to the reason. */
int source_open_tar(int fd, bool gzip, const char *name, const struct tar_open_options *opt,
                    struct source **out, bool *scanned, char *err, size_t errlen);

struct source_dir {
	struct source *src;
};

struct source_reader {
	struct source *src;
};

#endif
