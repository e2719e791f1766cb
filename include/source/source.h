/* SOURCE as the layers above see it: a tree of folders and files, listed one
 * folder at a time; each file has facts (size, mtime, identity), can be read
 * at any offset, and, where its bytes sit contiguously in a real file, offers
 * that file's descriptor and the offset they start at (to splice from, or,
 * when the descriptor is the file itself, to pass through to the kernel).
 *
 * Backends: an extracted folder (source/folder.c), a .zip part
 * (source/zip_part.c) and a .tar or .tgz part (source/tar_part.c), the last
 * two read through archive/; source/parts.c puts them side by side.
 * One struct source per SOURCE: nothing here assumes there is only one.
 *
 * Owns: every open of a file or folder under SOURCE. The folder backend
 * never follows a symbolic link, never climbs out of SOURCE, and opens with
 * O_NOATIME where the owner allows it.
 * Must not: know about Takeout (what a folder or a file means), the store's
 * tables (the member tables of tar parts are kept through store/archive_parts.h
 * as opaque blobs) or FUSE. Errors: every function returns 0 (or a count) or a negative errno. */
#ifndef TFS_SOURCE_SOURCE_H
#define TFS_SOURCE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct source;
struct source_dir;    /* an open folder of a SOURCE */
struct source_reader; /* one thread's opener (caches the last folder) */

/* What the store records of a file, to tell later whether it changed. ino
 * and dev are its identity: an inode number and the device it lives on for
 * a folder; a member's number and the archive's identity for an archive. */
struct source_facts {
	uint64_t size;
	int64_t mtime_ns;
	uint64_t ino;
	uint64_t dev;
};

enum source_type {
	SOURCE_FILE = 1, /* a regular file: the only kind that can be opened */
	SOURCE_DIR,
	SOURCE_LINK, /* never followed */
	SOURCE_FIFO,
	SOURCE_SOCKET,
	SOURCE_DEVICE,
};

struct source_entry {
	const char *name; /* NUL-terminated */
	size_t len;
	uint8_t type;              /* enum source_type; 0 when error is set */
	int error;                 /* errno of a failed look at the entry (ENOENT: it vanished) */
	struct source_facts facts; /* all 0 when listed without facts (see source_dir_list) */
};

/* One folder's entries, in the backend's order (not sorted). */
struct source_listing {
	struct source_entry *entries;
	size_t n;
	int read_error; /* errno when the listing stopped early; the entries before stay */
	char *names;    /* storage of the names */
};

/* Opens the extracted folder at path as a SOURCE. 0, or -ENOTDIR when path
 * is not a folder, or another negative errno. */
int source_open_folder(const char *path, struct source **out);

/* Opens path as a SOURCE the way a user gives it: a folder (an extracted
 * Takeout, or a folder holding archive parts and extracted parts side by side)
 * or one archive part. Each archive part at the top of the folder (.zip,
 * .tgz/.tar.gz or .tar, recognised by content) is shown as the folder its
 * extraction makes, named after it without the extension; a part
 * present both as an archive and extracted is taken once (the folder). An
 * archive that cannot be read is a problem (source_problems), not a failure.
 * 0, or a negative errno (-EINVAL: neither a folder nor an archive). */
int source_open(const char *path, struct source **out);

/* The one pass over a tar or tgz part at open: how far it got. Reported from
 * the pass's own thread (parts are read in parallel): the callback must be
 * thread-safe. */
struct source_progress {
	const char *part; /* the archive's file name */
	uint64_t done;    /* bytes of the archive read */
	uint64_t total;   /* its size */
	double seconds;   /* since this part's pass started */
	bool finished;    /* the last report of this part */
};
typedef void (*source_progress_fn)(void *ctx, const struct source_progress *p);

struct source_options {
	/* The store (an SQLite file) where the member tables and seek points of
	 * tar and tgz parts are kept, so an unchanged part is never read again;
	 * NULL: every open reads every tar and tgz part whole. */
	const char *db_path;
	source_progress_fn progress; /* may be NULL */
	void *progress_ctx;
	/* Parts read at once (0: the number of online CPUs). */
	int threads;
	/* Drop from the store the tables of tar parts no longer in SOURCE (the
	 * indexer does; a store shared by several SOURCEs must not). */
	bool prune_tables;
};

/* source_open with options (NULL: none). Also returns how many parts had to
 * be read whole (a tar or tgz part not found in the store) in *passes when
 * passes is not NULL. */
int source_open_with(const char *path, const struct source_options *opt, struct source **out,
                     unsigned *passes);

/* Opens several SOURCEs as one tree, as if they sat side by side in one
 * folder: each is shown as the folder named after it (an archive without its
 * extension; a name an earlier SOURCE took gets " (2)", " (3)"...). A folder
 * SOURCE is opened as source_open_with opens it (its own archive parts too);
 * the archive SOURCEs are read in parallel. An archive and a folder with the
 * same name are one part given twice: the folder is used; the same file or
 * folder given twice is taken once. Each of these is a problem. With n == 1
 * it is source_open_with(paths[0], ...); with several, no stored table is
 * dropped (opt->prune_tables is ignored). 0, or a negative errno: the first
 * SOURCE that cannot be opened (-EINVAL: neither a folder nor an archive), or
 * -EIO when no SOURCE could be read at all. */
int source_open_all(const char *const *paths, size_t n, const struct source_options *opt,
                    struct source **out, unsigned *passes);

/* True when path is a file that starts like an archive source_open takes as
 * a part: a zip, or a tar stream, plain or gzip-compressed. */
bool source_looks_like_archive(const char *path);

/* What opening SOURCE found wrong without failing: members refused (a name
 * leaving the tree, encryption, an unsupported method), parts that cannot be
 * read, a part present twice. path is relative to SOURCE ("" for SOURCE
 * itself); both are NUL-terminated text fit to print. */
struct source_problem {
	char *path;
	char *what;
};
size_t source_problems(const struct source *s, const struct source_problem **out);
void source_free(struct source *s);

/* The last component of SOURCE's real path ("" when unknown): a SOURCE that
 * is itself a Takeout folder changes where the photos roots are. */
const char *source_name(const struct source *s);

/* --- listing --- */

/* The top folder, and a sub-folder of an open folder (never through a link).
 * 0 or a negative errno. Close each with source_dir_close. */
int source_dir_root(struct source *s, struct source_dir **out);
int source_dir_open(struct source_dir *parent, const char *name, struct source_dir **out);
void source_dir_close(struct source_dir *d);

/* Lists d. With facts false, entries whose type the listing gives for free
 * keep their facts 0 (a first index: whoever opens the file learns them);
 * otherwise each entry is looked at (in parallel for big folders). Returns
 * 0 (read_error may be set), -ENOMEM, or another negative errno when d
 * cannot be listed at all. Free with source_listing_free (also on error). */
int source_dir_list(struct source_dir *d, bool facts, struct source_listing *out);
void source_listing_free(struct source_listing *l);

/* --- files --- */

struct source_file {
	struct source_facts facts; /* of the file as opened */
	/* The bytes sit at [base, base + facts.size) of fd; fd is -1 when they
	 * sit nowhere contiguously (a compressed member): read with source_pread. */
	int fd;
	uint64_t base;
	bool passthrough; /* fd is the file itself (base 0): the kernel may serve it */
	const struct source *src;
	void *priv;     /* the backend's state of this open (a compressed member's reader) */
	bool crc_known; /* crc is the CRC-32 of the whole file, known without reading it */
	uint32_t crc;   /* (a zip member's, from the central directory) */
};

struct source_reader *source_reader_new(struct source *s);
void source_reader_free(struct source_reader *r);

/* Opens the file dir_path/name (dir_path relative to SOURCE, "" for the top)
 * for reading. 0, or a negative errno (-EINVAL: not a regular file). */
int source_open_in(struct source_reader *r, const char *dir_path, const char *name,
                   struct source_file *f);

/* The facts of dir_path/name without opening it (a file that cannot be
 * opened is still recorded as seen). 0 or a negative errno. */
int source_stat_in(struct source_reader *r, const char *dir_path, const char *name,
                   struct source_facts *out);

/* Opens path (relative to SOURCE) only while it is still the file the store
 * describes: a file changed under the mount (other size or mtime, or no
 * longer a regular file) must fail (-EIO) rather than mix the store's size
 * with new bytes. 0 or a negative errno. */
int source_open_checked(struct source *s, const char *path, int64_t size, int64_t mtime_ns,
                        struct source_file *f);

/* Reads up to len bytes at off: fewer only at the end of the file. Returns
 * the count or a negative errno. Several threads may read one open file at
 * once (FUSE does, with read-ahead): a compressed member's reads are then
 * served one after the other. */
ssize_t source_pread(const struct source_file *f, void *buf, size_t len, uint64_t off);

/* The caller will read the whole file from the start (read-ahead hint). */
void source_will_read_all(const struct source_file *f);

void source_close(struct source_file *f);

#endif
