/* FUSE passthrough on libfuse 3.14. Since Linux 6.9 the kernel can serve the
 * reads of an open file straight from a "backing" file the daemon registered,
 * with no request to the daemon and no second copy in the page cache. libfuse
 * 3.14 predates that protocol (7.40), so this module adds it through libfuse's
 * custom-I/O hooks: it reads the kernel's INIT offer, adds FUSE_PASSTHROUGH
 * to libfuse's INIT reply, registers source files as backing files (one per
 * open inode, as the kernel requires) and marks the matching open replies.
 *
 * Owns: those wire details and the table of backing ids of open inodes.
 * Must not: touch any other request or reply, or fail an open but for want
 * of memory: when the kernel, the privileges (CAP_SYS_ADMIN) or one backing
 * file say no, the caller is told to serve that open through the daemon. */
#ifndef TFS_FS_PASSTHROUGH_H
#define TFS_FS_PASSTHROUGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fuse_session;
struct passthrough;

/* A module for one session; wanted = false (-o passthrough=off) makes every
 * acquire answer "serve it yourself". NULL when out of memory. */
struct passthrough *passthrough_new(bool wanted);
void passthrough_free(struct passthrough *pt);

/* Hooks the session's device I/O; call after fuse_session_mount and before
 * the loop. One session per process. 0, or -1 when libfuse refuses. */
int passthrough_install(struct passthrough *pt, struct fuse_session *se);

enum passthrough_answer {
	PT_USE,       /* *backing_id is set: call passthrough_mark_open_reply */
	PT_NEVER,     /* passthrough is off for this mount: cached reads */
	PT_NOT_THIS,  /* on, but not for this file: uncached daemon reads */
	PT_NO_MEMORY, /* fail the open (ENOMEM) */
};

/* For an open of inode ino whose source is open as fd (the caller keeps and
 * closes fd; the kernel holds its own reference). Each PT_USE and each
 * PT_NOT_THIS must be paired with one passthrough_release(ino), after the
 * open's RELEASE: while one open of an inode is in the table, every other
 * open of it gets the same answer, as the kernel refuses to mix them. */
enum passthrough_answer passthrough_acquire(struct passthrough *pt, uint64_t ino, int fd,
                                            int32_t *backing_id);
void passthrough_release(struct passthrough *pt, uint64_t ino);

/* The next open reply this thread sends carries backing_id; any other reply
 * it sends first clears the mark. */
void passthrough_mark_open_reply(int32_t backing_id);

/* For status.json: whether a file went through since mounting, and how many
 * media opens were served each way. */
void passthrough_counts(struct passthrough *pt, bool *on, int64_t *through, int64_t *daemon);

/* The wire, as plain functions over buffers (tests, fuzz target). */

/* Whether req (len bytes read from the device) is an INIT request whose
 * kernel offers passthrough; sets *unique to the request's id if it is INIT. */
bool passthrough_init_offers(const void *req, size_t len, bool *is_init, uint64_t *unique);
/* Adds FUSE_PASSTHROUGH and a stacking depth of 1 to an INIT reply's
 * argument (len bytes). false, unchanged, when it cannot carry them. */
bool passthrough_patch_init_reply(void *arg, size_t len);
/* Makes an open reply's argument (len bytes) a passthrough open. */
bool passthrough_patch_open_reply(void *arg, size_t len, int32_t backing_id);

#endif
