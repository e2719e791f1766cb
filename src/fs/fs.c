/* The FUSE low-level handlers: thin translations between kernel requests and
 * the views (views/views.h). Each serving thread has its own read-only store
 * connection. Media files are read by the kernel from the source file where
 * FUSE passthrough works (fs/passthrough.h), else spliced from the source
 * file's descriptor; .meta and status.json are answered from a rendered
 * buffer. Every write-type request fails with EROFS; extended attributes are
 * not supported. */
#include "fs/fs.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/crc.h"
#include "fs/passthrough.h"
#include "fs/read_verify.h"
#include "source/source.h"
#include "store/store.h"
#include "views/meta.h"
#include "views/views.h"

#define TIMEOUT_S   86400.0 /* the view of an unchanged store never changes */
#define MAX_THREADS 8
#define PATH_BUF    4096
/* fi->fh of a media open: FH_PASSTHROUGH when the kernel reads the file
 * itself (and it is in the passthrough table), else a struct media_open. */
#define FH_PASSTHROUGH UINT64_MAX

/* A media open this daemon serves: the source file (its own descriptor, or
 * an archive's at a base offset, or a compressed member read by pread),
 * whether the open must also be released from the passthrough table, and the
 * check of a complete read against a known CRC-32. */
struct media_open {
	struct source_file f;
	bool in_table;
	struct read_verify verify;
};

struct conn {
	store_db *db;
	struct views *views;
	struct conn *prev, *next;
};

struct fs {
	const struct fs_config *cfg;
	char *db_path; /* absolute: fuse_daemonize changes to / even in the foreground */
	atomic_bool reported;
	struct source *src;
	uid_t uid;
	gid_t gid;
	struct jbuf status;     /* status.json as indexed, without the live objects */
	size_t status_size;     /* its full size: the live objects have a fixed width */
	struct crc_svc *crc;    /* NULL before serving starts */
	struct passthrough *pt; /* NULL before mounting */
	pthread_mutex_t counters_lock;
	struct status_live counters; /* as of the last open of status.json */
	pthread_key_t key;
	pthread_mutex_t lock; /* guards the list of connections */
	struct conn *conns;
};

/* An open directory: where the previous readdir stopped. */
struct dirh {
	pthread_mutex_t lock;
	off_t next_off;
	struct views_cursor cur;
};

/* --- per-thread connections --- */

static void conn_free(struct fs *fs, struct conn *c)
{
	pthread_mutex_lock(&fs->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		fs->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&fs->lock);
	views_close(c->views);
	store_close(c->db);
	free(c);
}

static struct fs *the_fs; /* for the pthread key destructor */

static void conn_destroy(void *p)
{
	if (p && the_fs)
		conn_free(the_fs, p);
}

/* A serving thread that cannot reach the store answers EIO; say why once. */
static void report_once(struct fs *fs, const char *err)
{
	if (!atomic_exchange(&fs->reported, true))
		fprintf(stderr, "takeoutfs: %s\n", err);
}

static struct views *thread_views(struct fs *fs)
{
	struct conn *c = pthread_getspecific(fs->key);
	if (c)
		return c->views;
	char err[512];
	if (!(c = calloc(1, sizeof *c)))
		return NULL;
	if (store_open(fs->db_path, STORE_READ_ONLY, &c->db, err, sizeof err) != STORE_OK ||
	    !(c->views = views_open(c->db, fs->status_size, err, sizeof err))) {
		report_once(fs, err);
		store_close(c->db);
		free(c);
		return NULL;
	}
	store_use_serving_cache(c->db); /* up to MAX_THREADS of them */
	views_serve_xmp(c->views, fs->cfg->xmp);
	pthread_mutex_lock(&fs->lock);
	c->next = fs->conns;
	if (fs->conns)
		fs->conns->prev = c;
	fs->conns = c;
	pthread_mutex_unlock(&fs->lock);
	pthread_setspecific(fs->key, c);
	return c->views;
}

static struct fs *req_fs(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* --- attributes --- */

static void fill_stat(const struct fs *fs, const struct vnode *n, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_ino = n->ino;
	st->st_mode = n->type == VN_DIR ? S_IFDIR | 0555 : S_IFREG | 0444;
	st->st_nlink = n->nlink;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_size = (off_t)n->size;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)((n->size + 511) / 512);
	st->st_mtim.tv_sec = st->st_ctim.tv_sec = st->st_atim.tv_sec = n->mtime;
}

static void fill_entry(const struct fs *fs, const struct vnode *n, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof *e);
	e->ino = n->ino;
	e->attr_timeout = e->entry_timeout = TIMEOUT_S;
	fill_stat(fs, n, &e->attr);
}

/* --- handlers --- */

static void tfs_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	if (conn->capable & FUSE_CAP_SPLICE_WRITE)
		conn->want |= FUSE_CAP_SPLICE_WRITE;
	if (conn->capable & FUSE_CAP_SPLICE_MOVE)
		conn->want |= FUSE_CAP_SPLICE_MOVE;
}

static void tfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = req_fs(req);
	struct views *v = thread_views(fs);
	struct vnode n;
	if (!v) {
		fuse_reply_err(req, EIO);
		return;
	}
	int rc = views_lookup(v, parent, name, strlen(name), &n);
	struct fuse_entry_param e;
	if (rc == -ENOENT) { /* cached negative entry: the view does not change */
		memset(&e, 0, sizeof e);
		e.entry_timeout = TIMEOUT_S;
		fuse_reply_entry(req, &e);
		return;
	}
	if (rc != 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	fill_entry(fs, &n, &e);
	fuse_reply_entry(req, &e);
}

static void tfs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)fi;
	struct fs *fs = req_fs(req);
	struct views *v = thread_views(fs);
	struct vnode n;
	int rc = v ? views_getattr(v, ino, &n) : -EIO;
	if (rc != 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	struct stat st;
	fill_stat(fs, &n, &st);
	fuse_reply_attr(req, &st, TIMEOUT_S);
}

static void tfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (ino_tag(ino) != INO_VDIR) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	struct dirh *h = calloc(1, sizeof *h);
	if (!h) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_init(&h->lock, NULL);
	fi->fh = (uint64_t)(uintptr_t)h;
	fi->cache_readdir = 1;
	fi->keep_cache = 1;
	fuse_reply_open(req, fi);
}

static void tfs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	struct dirh *h = (struct dirh *)(uintptr_t)fi->fh;
	if (h) {
		pthread_mutex_destroy(&h->lock);
		free(h);
	}
	fuse_reply_err(req, 0);
}

struct fill {
	fuse_req_t req;
	const struct fs *fs;
	bool plus;
	char *buf;
	size_t size, used;
	off_t off;  /* offset of the next entry */
	off_t skip; /* entries still to pass over (seekdir to an old offset) */
};

static int fill_one(void *ctx, const char *name, size_t len, const struct vnode *n)
{
	struct fill *f = ctx;
	if (f->skip > 0) {
		f->skip--;
		f->off++;
		return 0;
	}
	char cname[NAMES_MAX + 8];
	memcpy(cname, name, len);
	cname[len] = '\0';
	size_t room = f->size - f->used, need;
	if (f->plus) {
		struct fuse_entry_param e;
		fill_entry(f->fs, n, &e);
		need =
		    fuse_add_direntry_plus(f->req, f->buf + f->used, room, cname, &e, f->off + 1);
	} else {
		struct stat st = {.st_ino = n->ino,
		                  .st_mode = n->type == VN_DIR ? S_IFDIR : S_IFREG};
		need = fuse_add_direntry(f->req, f->buf + f->used, room, cname, &st, f->off + 1);
	}
	if (need > room)
		return 1;
	f->used += need;
	f->off++;
	return 0;
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi, bool plus)
{
	struct fs *fs = req_fs(req);
	struct views *v = thread_views(fs);
	struct dirh *h = (struct dirh *)(uintptr_t)fi->fh;
	struct fill f = {.req = req, .fs = fs, .plus = plus, .size = size};
	if (!v || !h || !(f.buf = malloc(size))) {
		fuse_reply_err(req, v && h ? ENOMEM : EIO);
		return;
	}
	pthread_mutex_lock(&h->lock);
	if (off != h->next_off) { /* a seek: start over and pass over off entries */
		memset(&h->cur, 0, sizeof h->cur);
		f.skip = off;
	} else {
		f.off = off;
	}
	int rc = views_readdir(v, ino, &h->cur, fs->cfg->hidemeta, plus, fill_one, &f);
	h->next_off = f.off;
	pthread_mutex_unlock(&h->lock);
	if (rc != 0)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_buf(req, f.buf, f.used);
	free(f.buf);
}

static void tfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                        struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, fi, false);
}

static void tfs_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                            struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, fi, true);
}

/* Opens the source file, only while it is still the file the store
 * describes (source_open_checked). 0 or a negative errno. */
static int open_source(struct fs *fs, struct views *v, int64_t file_id, struct source_file *f)
{
	char path[PATH_BUF];
	int64_t size, mtime_ns;
	int rc = views_source_info(v, file_id, path, sizeof path, &size, &mtime_ns);
	return rc != 0 ? rc : source_open_checked(fs->src, path, size, mtime_ns, f);
}

/* Renders a .meta, computing its CRC first when the store has none yet (an
 * open or read of a .meta is the "first need"; attributes and listings never
 * compute). The new value is rendered from hand, as this connection's
 * snapshot may predate it. A source that cannot be read leaves crc32 null. */
static int render_meta(struct fs *fs, struct views *v, int64_t file_id, const char **text,
                       size_t *len)
{
	bool known;
	int rc = views_render_meta_crc(v, file_id, NULL, text, len, &known);
	if (rc != 0 || known || !fs->crc)
		return rc;
	/* A snapshot up to a second old may predate a stored CRC that the
	 * table of recent results has already forgotten (the eager pass). */
	views_renew_snapshot(v);
	rc = views_render_meta_crc(v, file_id, NULL, text, len, &known);
	if (rc != 0 || known)
		return rc;
	char path[PATH_BUF];
	int64_t size, mtime_ns;
	uint32_t crc;
	if (views_source_info(v, file_id, path, sizeof path, &size, &mtime_ns) != 0 ||
	    crc_get(fs->crc, file_id, path, size, mtime_ns, &crc) != 0)
		return rc;
	return views_render_meta_crc(v, file_id, &crc, text, len, NULL);
}

/* A .meta is rendered again for each read rather than kept per open: it is
 * small (one read), and the answer then shows a CRC computed meanwhile. */
static int check_meta(struct fs *fs, struct views *v, int64_t file_id)
{
	const char *text;
	size_t len;
	return render_meta(fs, v, file_id, &text, &len);
}

/* status.json shows the CRC counters as of its last open, so the reads of
 * one open fit together. They are not kept per open (in fi->fh): libfuse may
 * run a RELEASE before a READ the kernel sent earlier, on another thread. */
static void open_status(struct fs *fs)
{
	struct status_live counters = {.crc.eager = fs->cfg->crc_eager};
	if (fs->crc)
		crc_stats(fs->crc, &counters.crc);
	if (fs->pt)
		passthrough_counts(fs->pt, &counters.reads.passthrough, &counters.reads.through,
		                   &counters.reads.via_daemon);
	pthread_mutex_lock(&fs->counters_lock);
	fs->counters = counters;
	pthread_mutex_unlock(&fs->counters_lock);
}

static void reply_slice(fuse_req_t req, const char *text, size_t len, size_t size, off_t off);

static void read_status(fuse_req_t req, struct fs *fs, size_t size, off_t off)
{
	pthread_mutex_lock(&fs->counters_lock);
	struct status_live counters = fs->counters;
	pthread_mutex_unlock(&fs->counters_lock);
	struct jbuf doc = {0};
	if (status_render_live(&fs->status, &counters, &doc) != 0)
		fuse_reply_err(req, ENOMEM);
	else
		reply_slice(req, doc.p, doc.len, size, off);
	jbuf_free(&doc);
}

/* A .xmp is rendered again for each read, as a .meta is. */
static int check_xmp(struct views *v, fuse_ino_t ino)
{
	const char *text;
	size_t len;
	return views_render_xmp(v, ino_xmp_file(ino), &text, &len);
}

static void read_xmp(fuse_req_t req, struct fs *fs, fuse_ino_t ino, size_t size, off_t off)
{
	struct views *v = thread_views(fs);
	const char *text;
	size_t len;
	int rc = v ? views_render_xmp(v, ino_xmp_file(ino), &text, &len) : -EIO;
	if (rc != 0)
		fuse_reply_err(req, -rc);
	else
		reply_slice(req, text, len, size, off);
}

static struct media_open *media_open_of(const struct fuse_file_info *fi)
{
	assert(fi->fh != FH_PASSTHROUGH);
	return (struct media_open *)(uintptr_t)fi->fh;
}

/* Ends a media open (other opens hold nothing). */
static void release_media(struct fs *fs, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (ino_tag(ino) != INO_MEDIA)
		return;
	if (fi->fh == FH_PASSTHROUGH) {
		passthrough_release(fs->pt, ino);
		return;
	}
	struct media_open *m = media_open_of(fi);
	if (m->in_table)
		passthrough_release(fs->pt, ino);
	source_close(&m->f);
	read_verify_destroy(&m->verify);
	free(m);
}

/* How the reads of an open media file are served: by the kernel from the
 * source file (passthrough), else by this daemon; cached when passthrough is
 * off for the whole mount or impossible for the file (an archive member),
 * uncached when it is on, as the kernel refuses cached and passthrough opens
 * of one inode at the same time. Sets *backing_id to the id to mark the open
 * reply with, or 0. Returns 0, or -ENOMEM with f closed. */
static int choose_media_reads(struct fs *fs, fuse_ino_t ino, struct source_file *f,
                              struct fuse_file_info *fi, int32_t *backing_id)
{
	*backing_id = 0;
	bool in_table = false;
	switch (f->passthrough ? passthrough_acquire(fs->pt, ino, f->fd, backing_id) : PT_NEVER) {
	case PT_USE:
		source_close(f); /* the kernel holds the source file now */
		fi->fh = FH_PASSTHROUGH;
		return 0;
	case PT_NOT_THIS:
		fi->direct_io = 1;
		in_table = true;
		break;
	case PT_NEVER:
		fi->keep_cache = 1; /* SOURCE is immutable while mounted */
		break;
	case PT_NO_MEMORY:
		source_close(f);
		return -ENOMEM;
	}
	struct media_open *m = malloc(sizeof *m);
	if (!m) {
		if (in_table)
			passthrough_release(fs->pt, ino);
		source_close(f);
		return -ENOMEM;
	}
	*m = (struct media_open){.f = *f, .in_table = in_table};
	read_verify_init(&m->verify, f->crc_known, f->crc, f->facts.size);
	fi->fh = (uint64_t)(uintptr_t)m;
	return 0;
}

static void tfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = req_fs(req);
	struct views *v = thread_views(fs);
	if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & (O_TRUNC | O_APPEND))) {
		fuse_reply_err(req, EROFS);
		return;
	}
	if (!v) {
		fuse_reply_err(req, EIO);
		return;
	}
	int rc = 0;
	int32_t backing_id = 0;
	switch (ino_tag(ino)) {
	case INO_MEDIA: {
		struct source_file f;
		rc = open_source(fs, v, ino_id(ino), &f);
		if (rc == 0)
			rc = choose_media_reads(fs, ino, &f, fi, &backing_id);
		break;
	}
	case INO_META:
		/* Not keep_cache: the lazy CRC may fill in the crc32 field. */
		rc = check_meta(fs, v, ino_id(ino));
		break;
	case INO_SPECIAL:
		if (ino_is_xmp(ino)) { /* its bytes never change while mounted */
			rc = check_xmp(v, ino);
			fi->keep_cache = 1;
			break;
		}
		/* Not keep_cache either: the CRC counters move. */
		rc = ino == INO_STATUS ? 0 : -ENOENT;
		if (rc == 0)
			open_status(fs);
		break;
	case INO_VDIR:
		rc = -EISDIR;
		break;
	}
	if (rc != 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	if (backing_id)
		passthrough_mark_open_reply(backing_id);
	/* An open the kernel never saw (interrupted) gets no RELEASE. */
	if (fuse_reply_open(req, fi) != 0)
		release_media(fs, ino, fi);
}

static void reply_slice(fuse_req_t req, const char *text, size_t len, size_t size, off_t off)
{
	if (off < 0 || (size_t)off >= len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	size_t n = len - (size_t)off < size ? len - (size_t)off : size;
	fuse_reply_buf(req, text + off, n);
}

/* Bytes that sit in a file are spliced from it (an archive member's from
 * the archive, never past the member's end); a compressed member's are
 * inflated into a buffer, and so are the bytes of a read being checked
 * against the file's known CRC-32 (fs/read_verify.h). */
static void read_media(fuse_req_t req, struct media_open *m, size_t size, off_t off)
{
	const struct source_file *f = &m->f;
	if (read_verify_failed(&m->verify)) {
		fuse_reply_err(req, EIO);
		return;
	}
	bool verify = off >= 0 && read_verify_wants(&m->verify, (uint64_t)off);
	if (off < 0 || ((uint64_t)off >= f->facts.size && !verify)) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > f->facts.size - (uint64_t)off)
		size = (size_t)(f->facts.size - (uint64_t)off);
	if (f->fd >= 0 && !verify) {
		struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);
		buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
		buf.buf[0].fd = f->fd;
		buf.buf[0].pos = (off_t)f->base + off;
		fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
		return;
	}
	char *buf = malloc(size ? size : 1);
	ssize_t n = buf ? source_pread(f, buf, size, (uint64_t)off) : -ENOMEM;
	if (n >= 0 && verify && read_verify_bytes(&m->verify, buf, (size_t)n, (uint64_t)off) != 0) {
		fprintf(stderr, "takeoutfs: a read of an archive member does not match its CRC-32: "
		                "the archive is damaged\n");
		n = -EIO;
	}
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_buf(req, buf, (size_t)n);
	free(buf);
}

static void tfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
	struct fs *fs = req_fs(req);
	switch (ino_tag(ino)) {
	case INO_MEDIA: {
		if (fi->fh == FH_PASSTHROUGH) { /* the kernel reads these itself */
			fuse_reply_err(req, EIO);
			return;
		}
		read_media(req, media_open_of(fi), size, off);
		return;
	}
	case INO_META: {
		struct views *v = thread_views(fs);
		const char *text;
		size_t len;
		int rc = v ? render_meta(fs, v, ino_id(ino), &text, &len) : -EIO;
		if (rc != 0)
			fuse_reply_err(req, -rc);
		else
			reply_slice(req, text, len, size, off);
		return;
	}
	case INO_SPECIAL:
		if (ino_is_xmp(ino))
			read_xmp(req, fs, ino, size, off);
		else
			read_status(req, fs, size, off);
		return;
	default:
		fuse_reply_err(req, EISDIR);
	}
}

static void tfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	release_media(req_fs(req), ino, fi);
	fuse_reply_err(req, 0);
}

static void tfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	(void)ino;
	struct statvfs st = {.f_bsize = 4096, .f_frsize = 4096, .f_namemax = NAMES_MAX};
	fuse_reply_statfs(req, &st);
}

/* No extended attributes and no ACLs. The answer is EOPNOTSUPP, not the
 * ENOSYS of a missing handler: after ENOSYS the kernel answers ACL queries
 * with ENODATA by itself, and ls -l asks again for every file; EOPNOTSUPP
 * tells it once that this filesystem has none. (cp -a still asks per file,
 * now at the cost of a round trip.) */
static void tfs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	(void)ino, (void)name, (void)size;
	fuse_reply_err(req, EOPNOTSUPP);
}

/* --- every write-type request: read-only filesystem --- */

static void erofs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
                          struct fuse_file_info *fi)
{
	(void)ino, (void)attr, (void)to_set, (void)fi;
	fuse_reply_err(req, EROFS);
}

static void erofs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                        dev_t rdev)
{
	(void)parent, (void)name, (void)mode, (void)rdev;
	fuse_reply_err(req, EROFS);
}

static void erofs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	(void)parent, (void)name, (void)mode;
	fuse_reply_err(req, EROFS);
}

static void erofs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent, (void)name;
	fuse_reply_err(req, EROFS);
}

static void erofs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	(void)link, (void)parent, (void)name;
	fuse_reply_err(req, EROFS);
}

static void erofs_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
                         const char *newname, unsigned int flags)
{
	(void)parent, (void)name, (void)newparent, (void)newname, (void)flags;
	fuse_reply_err(req, EROFS);
}

static void erofs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	(void)ino, (void)newparent, (void)newname;
	fuse_reply_err(req, EROFS);
}

static void erofs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                        struct fuse_file_info *fi)
{
	(void)ino, (void)buf, (void)size, (void)off, (void)fi;
	fuse_reply_err(req, EROFS);
}

static void erofs_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                         struct fuse_file_info *fi)
{
	(void)parent, (void)name, (void)mode, (void)fi;
	fuse_reply_err(req, EROFS);
}

static void erofs_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset, off_t length,
                            struct fuse_file_info *fi)
{
	(void)ino, (void)mode, (void)offset, (void)length, (void)fi;
	fuse_reply_err(req, EROFS);
}

static const struct fuse_lowlevel_ops TFS_OPS = {
    .init = tfs_init,
    .lookup = tfs_lookup,
    .getattr = tfs_getattr,
    .opendir = tfs_opendir,
    .readdir = tfs_readdir,
    .readdirplus = tfs_readdirplus,
    .releasedir = tfs_releasedir,
    .open = tfs_open,
    .read = tfs_read,
    .release = tfs_release,
    .statfs = tfs_statfs,
    .getxattr = tfs_getxattr,
    .setattr = erofs_setattr,
    .mknod = erofs_mknod,
    .mkdir = erofs_mkdir,
    .unlink = erofs_unlink,
    .rmdir = erofs_unlink,
    .symlink = erofs_symlink,
    .rename = erofs_rename,
    .link = erofs_link,
    .write = erofs_write,
    .create = erofs_create,
    .fallocate = erofs_fallocate,
};

/* --- serving --- */

/* Checks the store can be served and renders status.json once (it does not
 * change while mounted). The connection is closed again: SQLite connections
 * must not cross the fork of fuse_daemonize. */
static int prepare_store(struct fs *fs)
{
	store_db *db;
	char err[512];
	if (!(fs->db_path = realpath(fs->cfg->db_path, NULL))) {
		fprintf(stderr, "takeoutfs: cannot find the store %s: %s\n", fs->cfg->db_path,
		        strerror(errno));
		return -1;
	}
	if (store_open(fs->db_path, STORE_READ_ONLY, &db, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "takeoutfs: %s\n", err);
		return -1;
	}
	struct views *v = views_open(db, 0, err, sizeof err);
	int rc = 0;
	if (!v) {
		fprintf(stderr, "takeoutfs: %s\n", err);
		rc = -1;
	} else if (status_render(db, &fs->status) != 0) {
		fprintf(stderr, "takeoutfs: cannot render status.json: %s\n", store_errmsg(db));
		rc = -1;
	} else {
		struct jbuf full = {0};
		struct status_live zero = {0};
		rc = status_render_live(&fs->status, &zero, &full);
		fs->status_size = full.len;
		jbuf_free(&full);
	}
	views_close(v);
	store_close(db);
	return rc;
}

static int serve_loop_mt(struct fuse_session *se)
{
	struct fuse_loop_config *loop = fuse_loop_cfg_create();
	if (!loop)
		return -1;
	fuse_loop_cfg_set_clone_fd(loop, 1);
	fuse_loop_cfg_set_max_threads(loop, MAX_THREADS);
	int rc = fuse_session_loop_mt(se, loop);
	fuse_loop_cfg_destroy(loop);
	return rc;
}

static int serve_loop(struct fs *fs, struct fuse_session *se)
{
	int rc;
	if (fs->cfg->single_thread)
		rc = fuse_session_loop(se);
	else
		rc = serve_loop_mt(se);
	/* The loops return the number of the signal that ended them: an
	 * unmount asked for by SIGTERM/SIGINT/SIGHUP is a clean one. */
	return rc == SIGTERM || rc == SIGINT || rc == SIGHUP ? 0 : rc;
}

static int mount_and_serve(struct fs *fs, struct fuse_args *args)
{
	struct fuse_session *se = fuse_session_new(args, &TFS_OPS, sizeof TFS_OPS, fs);
	if (!se) {
		fprintf(stderr, "takeoutfs: cannot start the FUSE session (bad -o option?)\n");
		return 1;
	}
	int rc = 1;
	if (fuse_set_signal_handlers(se) != 0) {
		fprintf(stderr, "takeoutfs: cannot install signal handlers\n");
	} else {
		if (fuse_session_mount(se, fs->cfg->mountpoint) != 0) {
			fprintf(stderr, "takeoutfs: cannot mount on %s\n", fs->cfg->mountpoint);
		} else {
			/* Should libfuse refuse the hooks, every open is served
			 * by the daemon, as status.json's "reads" then shows. */
			(void)passthrough_install(fs->pt, se);
			if (fuse_daemonize(fs->cfg->foreground) == 0) {
				/* Threads and the write connection start after the
				 * fork of fuse_daemonize, in the serving process. */
				fs->crc = crc_start(fs->db_path, fs->src, fs->cfg->crc_eager, se);
				rc = serve_loop(fs, se) == 0 ? 0 : 1;
				crc_stop(fs->crc);
				fs->crc = NULL;
			}
			fuse_session_unmount(se);
		}
		fuse_remove_signal_handlers(se);
	}
	fuse_session_destroy(se);
	return rc;
}

int fs_serve(const struct fs_config *cfg, struct fuse_args *args)
{
	struct fs fs = {.cfg = cfg, .uid = getuid(), .gid = getgid()};
	struct source_options so = {.db_path = cfg->db_path};
	int opened = source_open_all(cfg->sources, cfg->n_sources, &so, &fs.src, NULL);
	if (opened != 0) {
		fprintf(stderr, "takeoutfs: cannot open SOURCE %s: %s\n",
		        cfg->n_sources == 1 ? cfg->sources[0] : "(one of several)",
		        strerror(-opened));
		return 1;
	}
	struct fuse_args own = FUSE_ARGS_INIT(0, NULL);
	if (!args) {
		args = &own;
		fuse_opt_add_arg(args, "takeoutfs");
	}
	int rc = 1;
	if (prepare_store(&fs) == 0 && (fs.pt = passthrough_new(cfg->passthrough)) &&
	    fuse_opt_add_arg(args, "-oro,fsname=takeoutfs,subtype=takeoutfs") == 0 &&
	    pthread_key_create(&fs.key, conn_destroy) == 0) {
		pthread_mutex_init(&fs.lock, NULL);
		pthread_mutex_init(&fs.counters_lock, NULL);
		fs.counters.crc.eager = cfg->crc_eager;
		the_fs = &fs;
		rc = mount_and_serve(&fs, args);
		while (fs.conns)
			conn_free(&fs, fs.conns);
		the_fs = NULL;
		pthread_key_delete(fs.key);
		pthread_mutex_destroy(&fs.lock);
		pthread_mutex_destroy(&fs.counters_lock);
	}
	fuse_opt_free_args(&own);
	passthrough_free(fs.pt);
	jbuf_free(&fs.status);
	free(fs.db_path);
	source_free(fs.src);
	return rc;
}
