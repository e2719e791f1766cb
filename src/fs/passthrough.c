/* FUSE passthrough added to libfuse 3.14 through its custom-I/O hooks (see
 * fs/passthrough.h). The hooks pass every buffer through unchanged except
 * two: libfuse's INIT reply, which gains the FUSE_PASSTHROUGH flag when the
 * kernel offered it, and an open reply this thread marked, which gains
 * FOPEN_PASSTHROUGH and the backing id. Offsets are those of the kernel's
 * protocol 7.40, which only appends to what linux/fuse.h 7.38 describes. */
#include "fs/passthrough.h"

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

/* Protocol 7.40 (Linux 6.9), absent from Debian 12's linux/fuse.h. */
#define PT_FUSE_PASSTHROUGH  (1ULL << 37)
#define PT_FOPEN_PASSTHROUGH (1u << 7)
struct pt_backing_map {
	int32_t fd;
	uint32_t flags;
	uint64_t padding;
};
#define PT_IOC_BACKING_OPEN  _IOW(229, 1, struct pt_backing_map)
#define PT_IOC_BACKING_CLOSE _IOW(229, 2, uint32_t)

/* fuse_init_out: flags2, then max_stack_depth where 7.38 has unused[0]. */
#define INIT_OUT_FLAGS2      offsetof(struct fuse_init_out, flags2)
#define INIT_OUT_STACK_DEPTH offsetof(struct fuse_init_out, unused)
/* fuse_open_out: the backing id where 7.38 has padding. */
#define OPEN_OUT_BACKING_ID offsetof(struct fuse_open_out, padding)
_Static_assert(INIT_OUT_FLAGS2 == 32 && INIT_OUT_STACK_DEPTH == 36 && OPEN_OUT_BACKING_ID == 12 &&
                   sizeof(struct fuse_open_out) == 16,
               "the offsets of protocol 7.40");

#define BUCKETS 256

enum pt_state { PT_UNKNOWN, PT_ON, PT_OFF };

/* One open inode. The kernel refuses two different backing files for one
 * inode at a time, and any open without passthrough beside one with it. So
 * the opens of an inode share one backing id, or, when its backing file was
 * refused, all go through the daemon until the last of them is released. */
struct backing {
	uint64_t ino;
	int32_t id; /* 0: refused; this inode's opens are the daemon's */
	int64_t refs;
	struct backing *next;
};

struct passthrough {
	bool wanted;
	int dev_fd;
	pthread_mutex_t lock;  /* guards everything below */
	bool offered;          /* the kernel's INIT offered passthrough */
	atomic_bool init_seen; /* read without the lock by every reply */
	uint64_t init_unique;
	enum pt_state state;
	struct backing *buckets[BUCKETS];
	int64_t through, daemon;
};

/* libfuse's hooks get the session's user data, which is the filesystem's, so
 * the module is found here: one session per process. */
static struct passthrough *installed;
static _Thread_local int32_t marked_backing_id;

/* --- the wire --- */

static uint32_t get32(const void *p, size_t off)
{
	uint32_t v;
	memcpy(&v, (const char *)p + off, sizeof v);
	return v;
}

static void put32(void *p, size_t off, uint32_t v)
{
	memcpy((char *)p + off, &v, sizeof v);
}

bool passthrough_init_offers(const void *req, size_t len, bool *is_init, uint64_t *unique)
{
	*is_init = false;
	if (len < sizeof(struct fuse_in_header))
		return false;
	struct fuse_in_header h;
	memcpy(&h, req, sizeof h);
	if (h.opcode != FUSE_INIT)
		return false;
	*is_init = true;
	*unique = h.unique;
	const char *arg = (const char *)req + sizeof h;
	size_t arglen = len - sizeof h;
	/* flags2 exists only in the extended request (FUSE_INIT_EXT). */
	if (arglen < offsetof(struct fuse_init_in, flags2) + sizeof(uint32_t))
		return false;
	uint64_t flags = get32(arg, offsetof(struct fuse_init_in, flags));
	if (!(flags & FUSE_INIT_EXT))
		return false;
	flags |= (uint64_t)get32(arg, offsetof(struct fuse_init_in, flags2)) << 32;
	return (flags & PT_FUSE_PASSTHROUGH) != 0;
}

bool passthrough_patch_init_reply(void *arg, size_t len)
{
	if (len < INIT_OUT_STACK_DEPTH + sizeof(uint32_t))
		return false;
	uint32_t flags = get32(arg, offsetof(struct fuse_init_out, flags));
	/* The kernel ignores flags2 without INIT_EXT, and refuses passthrough
	 * together with the writeback cache. */
	if (!(flags & FUSE_INIT_EXT) || (flags & FUSE_WRITEBACK_CACHE))
		return false;
	put32(arg, INIT_OUT_FLAGS2,
	      get32(arg, INIT_OUT_FLAGS2) | (uint32_t)(PT_FUSE_PASSTHROUGH >> 32));
	/* SOURCE is on a plain filesystem (depth 0); the mount is depth 1. */
	put32(arg, INIT_OUT_STACK_DEPTH, 1);
	return true;
}

bool passthrough_patch_open_reply(void *arg, size_t len, int32_t backing_id)
{
	if (len != sizeof(struct fuse_open_out) || backing_id <= 0)
		return false;
	/* The kernel refuses FOPEN_PASSTHROUGH beside the caching flags. */
	uint32_t flags = get32(arg, offsetof(struct fuse_open_out, open_flags));
	flags &= ~(uint32_t)(FOPEN_KEEP_CACHE | FOPEN_DIRECT_IO | FOPEN_CACHE_DIR);
	put32(arg, offsetof(struct fuse_open_out, open_flags), flags | PT_FOPEN_PASSTHROUGH);
	put32(arg, OPEN_OUT_BACKING_ID, (uint32_t)backing_id);
	return true;
}

/* --- the hooks --- */

static ssize_t hook_read(int fd, void *buf, size_t len, void *userdata)
{
	(void)userdata;
	ssize_t n = read(fd, buf, len);
	struct passthrough *pt = installed;
	if (n <= 0 || !pt)
		return n;
	bool is_init;
	uint64_t unique = 0;
	bool offers = passthrough_init_offers(buf, (size_t)n, &is_init, &unique);
	if (is_init) {
		pthread_mutex_lock(&pt->lock);
		pt->init_seen = true;
		pt->init_unique = unique;
		pt->offered = offers;
		pthread_mutex_unlock(&pt->lock);
	}
	return n;
}

static bool is_init_reply(struct passthrough *pt, uint64_t unique)
{
	if (!atomic_load(&pt->init_seen)) /* set only while INIT awaits its reply */
		return false;
	pthread_mutex_lock(&pt->lock);
	bool yes = pt->init_seen && pt->init_unique == unique;
	if (yes)
		pt->init_seen = false;
	pthread_mutex_unlock(&pt->lock);
	return yes;
}

static void patch_reply(struct passthrough *pt, struct iovec *iov, int count)
{
	int32_t marked = marked_backing_id;
	marked_backing_id = 0;
	if (count < 2 || iov[0].iov_len != sizeof(struct fuse_out_header))
		return;
	struct fuse_out_header h;
	memcpy(&h, iov[0].iov_base, sizeof h);
	if (h.error != 0)
		return;
	if (marked > 0) {
		passthrough_patch_open_reply(iov[1].iov_base, iov[1].iov_len, marked);
		return;
	}
	if (h.unique != 0 && is_init_reply(pt, h.unique)) {
		bool on = pt->wanted && pt->offered &&
		          passthrough_patch_init_reply(iov[1].iov_base, iov[1].iov_len);
		pthread_mutex_lock(&pt->lock);
		if (!on)
			pt->state = PT_OFF;
		pthread_mutex_unlock(&pt->lock);
	}
}

static ssize_t hook_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	(void)userdata;
	if (installed)
		patch_reply(installed, iov, count);
	return writev(fd, iov, count);
}

static ssize_t hook_splice(int fdin, off_t *offin, int fdout, off_t *offout, size_t len,
                           unsigned int flags, void *userdata)
{
	(void)userdata;
	return splice(fdin, offin, fdout, offout, len, flags);
}

void passthrough_mark_open_reply(int32_t backing_id)
{
	marked_backing_id = backing_id;
}

/* --- the module --- */

struct passthrough *passthrough_new(bool wanted)
{
	struct passthrough *pt = calloc(1, sizeof *pt);
	if (!pt)
		return NULL;
	pt->wanted = wanted;
	pt->dev_fd = -1;
	pt->state = wanted ? PT_UNKNOWN : PT_OFF;
	pthread_mutex_init(&pt->lock, NULL);
	return pt;
}

void passthrough_free(struct passthrough *pt)
{
	if (!pt)
		return;
	if (installed == pt)
		installed = NULL;
	for (size_t i = 0; i < BUCKETS; i++) {
		while (pt->buckets[i]) {
			struct backing *b = pt->buckets[i];
			pt->buckets[i] = b->next;
			free(b);
		}
	}
	pthread_mutex_destroy(&pt->lock);
	free(pt);
}

int passthrough_install(struct passthrough *pt, struct fuse_session *se)
{
	static const struct fuse_custom_io IO = {
	    .read = hook_read,
	    .writev = hook_writev,
	    .splice_receive = hook_splice,
	    .splice_send = hook_splice,
	};
	if (!pt->wanted)
		return 0; /* nothing to add: libfuse's own I/O stays */
	int fd = fuse_session_fd(se);
	if (fd < 0 || fuse_session_custom_io(se, &IO, fd) != 0)
		return -1;
	pt->dev_fd = fd;
	installed = pt;
	return 0;
}

static struct backing **slot_of(struct passthrough *pt, uint64_t ino)
{
	struct backing **s = &pt->buckets[(ino * 0x9E3779B97F4A7C15ULL) >> 56];
	while (*s && (*s)->ino != ino)
		s = &(*s)->next;
	return s;
}

/* Whether a refused backing file speaks for every file of the mount: no
 * CAP_SYS_ADMIN (EPERM), or a kernel without the ioctl (ENOTTY, EOPNOTSUPP).
 * Anything else is the file's own: a source on a stacked filesystem
 * (ELOOP), one without the needed file operations (EINVAL), a full table
 * (ENOMEM). */
static bool refused_for_every_file(int err)
{
	return err == EPERM || err == ENOTTY || err == EOPNOTSUPP;
}

/* The first open of ino: registers fd as its backing file, or records that
 * the daemon serves the inode. Called with the lock held. */
static enum passthrough_answer first_open(struct passthrough *pt, struct backing **s, uint64_t ino,
                                          int fd, int32_t *backing_id)
{
	struct pt_backing_map map = {.fd = fd};
	int id = ioctl(pt->dev_fd, PT_IOC_BACKING_OPEN, &map);
	if (id <= 0 && pt->state != PT_ON && refused_for_every_file(errno)) {
		pt->state = PT_OFF;
		return PT_NEVER;
	}
	struct backing *b = malloc(sizeof *b);
	if (!b) {
		if (id > 0) {
			uint32_t closing = (uint32_t)id;
			ioctl(pt->dev_fd, PT_IOC_BACKING_CLOSE, &closing);
		}
		return PT_NO_MEMORY;
	}
	*b = (struct backing){.ino = ino, .id = id > 0 ? id : 0, .refs = 1};
	*s = b;
	if (id <= 0)
		return PT_NOT_THIS;
	pt->state = PT_ON;
	*backing_id = id;
	return PT_USE;
}

enum passthrough_answer passthrough_acquire(struct passthrough *pt, uint64_t ino, int fd,
                                            int32_t *backing_id)
{
	pthread_mutex_lock(&pt->lock);
	enum passthrough_answer a;
	struct backing **s = slot_of(pt, ino);
	if (pt->state == PT_OFF || pt->dev_fd < 0) {
		a = PT_NEVER;
	} else if (*s) {
		(*s)->refs++;
		a = (*s)->id ? PT_USE : PT_NOT_THIS;
		*backing_id = (*s)->id;
	} else {
		a = first_open(pt, s, ino, fd, backing_id);
	}
	if (a == PT_USE)
		pt->through++;
	else if (a != PT_NO_MEMORY)
		pt->daemon++;
	pthread_mutex_unlock(&pt->lock);
	return a;
}

void passthrough_release(struct passthrough *pt, uint64_t ino)
{
	pthread_mutex_lock(&pt->lock);
	struct backing **s = slot_of(pt, ino);
	struct backing *b = *s;
	if (b && --b->refs == 0) {
		*s = b->next;
		uint32_t id = (uint32_t)b->id;
		if (id)
			ioctl(pt->dev_fd, PT_IOC_BACKING_CLOSE, &id);
		free(b);
	}
	pthread_mutex_unlock(&pt->lock);
}

void passthrough_counts(struct passthrough *pt, bool *on, int64_t *through, int64_t *daemon)
{
	pthread_mutex_lock(&pt->lock);
	*on = pt->state == PT_ON;
	*through = pt->through;
	*daemon = pt->daemon;
	pthread_mutex_unlock(&pt->lock);
}
