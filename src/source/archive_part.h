/* What the archive backends of source/ share (private to source/): the part's
 * file and its identity, bounded reads of it, the facts of members and made-up
 * folders, member names fit to show in a problem line, and listings of a
 * member tree.
 * Also the listing and lookup operations both backends share.
 * Owns: the rule that a member's identity changes with its archive's (so a
 * replaced part is read again) and stays put while the archive does.
 * Must not: parse any archive format.
 * Errors: 0 or a count, or a negative errno. */
#ifndef TFS_SOURCE_ARCHIVE_PART_H
#define TFS_SOURCE_ARCHIVE_PART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "source/backend.h"
#include "source/member_tree.h"
#include "source/source.h"

struct span_cache;

struct archive_part {
	int fd;                    /* the archive, O_RDONLY */
	struct source_facts facts; /* of the archive file */
	uint64_t ident;            /* hash of its device, inode, size and mtime */
	struct span_cache *cache;  /* shared with the other parts; may be NULL */
	char fatal[160];           /* why the part cannot be read at all, or "" */
};

/* The identity of the archive file st describes (archive_part.ident). */
uint64_t archive_part_ident_of(const struct stat *st);

/* Takes fd over (closed by archive_part_release, also after a failure). 0 or
 * a negative errno (-EINVAL: not a regular file). */
int archive_part_init(struct archive_part *p, int fd, struct span_cache *cache);
void archive_part_release(struct archive_part *p);

/* Reads len bytes at off, fewer only at the end of the archive. The count or
 * a negative errno. */
ssize_t archive_part_pread(struct archive_part *p, void *buf, size_t len, uint64_t off);

/* Notes why the whole part cannot be read and returns -EIO. */
int archive_part_fail(struct archive_part *p, const char *why);

/* The facts of a member, and of a folder its paths make. */
struct source_facts archive_part_member_facts(const struct archive_part *p, uint64_t size,
                                              int64_t mtime_ns, uint64_t member);
struct source_facts archive_part_dir_facts(const struct archive_part *p, const char *path,
                                           size_t len);

/* A member's compressed bytes [offset, offset + length) of a part, as an
 * inflate_read_at_fn context (archive_stream_read). */
struct archive_stream {
	struct archive_part *part;
	uint64_t offset, length;
};
ssize_t archive_stream_read(void *ctx, void *buf, size_t len, uint64_t off);

/* raw[0..len) made fit for a problem line: NUL, control characters and bytes
 * that are not UTF-8 become '?', cut to cap - 1 bytes. */
void archive_shown_name(const char *raw, size_t len, char *out, size_t cap);

/* Lists the children of folder node dir into out (source_dir_list's
 * contract), with the facts facts_of gives. 0 or -ENOMEM. */
typedef struct source_facts (*archive_facts_fn)(const void *ctx, const struct member_node *n);
int archive_list_children(const struct member_tree *t, const struct member_node *dir,
                          struct source_listing *out, archive_facts_fn facts_of, const void *ctx);

/* What an archive backend's struct source begins with: its part and the
 * tree of its members, with the facts of a node (facts_of, ctx = the
 * source), and how a member is opened. The listing, lookup and open
 * operations below serve any backend built so. */
struct archive_source {
	struct source base;
	struct archive_part part;
	struct member_tree tree;
	archive_facts_fn facts_of;
	/* Opens the member file at path (of len bytes): the backend's own. */
	int (*open_member)(struct archive_source *a, const char *path, size_t len,
	                   struct source_file *f);
};

/* The end of a backend's open: on rc 0 hands the source out, else sets err
 * (the part's fatal reason, or rc's) and frees it. Returns rc. */
int archive_source_opened(struct archive_source *a, int rc, struct source **out, char *err,
                          size_t errlen);
/* Frees the tree and closes the part (the backend frees the rest). */
void archive_source_release(struct archive_source *a);

int archive_dir_root(struct source *s, struct source_dir **out);
int archive_dir_open(struct source_dir *parent, const char *name, struct source_dir **out);
void archive_dir_close(struct source_dir *d);
int archive_dir_list(struct source_dir *dir, bool facts, struct source_listing *out);
struct source_reader *archive_reader_new(struct source *s);
void archive_reader_free(struct source_reader *r);
int archive_stat_in(struct source_reader *r, const char *dir_path, const char *name,
                    struct source_facts *out);
int archive_open_in(struct source_reader *r, const char *dir_path, const char *name,
                    struct source_file *f);
int archive_open_path(struct source *s, const char *path, struct source_file *f);

/* dir_path/name as one path ("" for the top folder). 0 or -ENAMETOOLONG. */
int archive_join_path(const char *dir_path, const char *name, char *out, size_t cap, size_t *len);

#endif
