/* SOURCE as a user gives it (source_open in source/source.h): a folder that
 * may hold archive parts beside extracted ones, or one archive part. The top
 * folder's archives are shown as the folders their extraction makes, each
 * served by its own backend (source/zip_part.c, source/tar_part.c); everything
 * else is the folder backend's. Paths are routed by their first component.
 * The parts are opened in parallel (one thread per part, at most one per
 * CPU): a tar or tgz part not yet in the store is read whole then.
 * Owns: which top-level files are parts, their folder names, and the rule that
 * a part present both as an archive and extracted is taken once.
 * Must not: parse an archive itself, or look for archives below the top
 * folder (an archive inside a Takeout is an ordinary file). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/span_cache.h"
#include "source/archive_part.h"
#include "source/backend.h"
#include "source/tar_scan.h"
#include "store/archive_parts.h"
#include "util/growbuf.h"

enum part_kind { KIND_NONE, KIND_ZIP, KIND_TAR, KIND_TGZ };

/* An archive found, before it is opened (in parallel with the others). */
struct candidate {
	int fd;
	enum part_kind kind;
	char file[256]; /* its name in the top folder */
	char name[256]; /* the folder it is shown as */
	bool in_folder;
	char *path;     /* its path when given as a SOURCE of its own (malloc'd), or NULL */
	struct stat st; /* the archive as opened */
	/* What opening it gave. */
	struct source *src;
	int rc;
	bool scanned;
	char err[200];
};

struct part {
	char name[256]; /* the folder it is shown as */
	char file[256]; /* the archive's own name in the top folder ("" when given alone) */
	char *path;     /* the archive's path as SOURCE was given, to see it replaced;
	                   NULL for a folder among several SOURCEs */
	struct stat st; /* the archive as opened */
	struct source *src;
};

struct parts {
	struct source base;
	char *path;            /* SOURCE as given */
	struct source *folder; /* NULL when SOURCE is one archive */
	struct part *parts;
	size_t n_parts, cap;
	struct span_cache *cache;
	bool own_cache; /* false: a folder among several SOURCEs, sharing their cache */
	struct source_options opt;
	struct candidate *found; /* archives to open */
	size_t n_found, found_cap;
	unsigned passes; /* tar and tgz parts read whole */
};

/* A folder of the tree: the top, or one of a backend's. */
struct parts_dir {
	struct source_dir base;
	struct source_dir *inner; /* NULL for the top */
};

struct parts_reader {
	struct source_reader base;
	struct source_reader *folder;
	struct source_reader **parts; /* made on first use */
};

static const struct source_ops PARTS_OPS;

/* The folder name of an archive part: its name without its extension. */
static void part_name(const char *file, char *out, size_t cap)
{
	static const char *const exts[] = {".zip", ".tar.gz", ".tgz", ".tar"};
	size_t len = strlen(file);
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t n = strlen(exts[i]);
		if (len > n && strcasecmp(file + len - n, exts[i]) == 0) {
			len -= n;
			break;
		}
	}
	snprintf(out, cap, "%.*s", (int)len, file);
}

/* True when fd starts like a zip archive (a local header, or the end record
 * of an empty archive). */
static bool looks_like_zip(int fd)
{
	unsigned char magic[4];
	if (pread(fd, magic, sizeof magic, 0) != (ssize_t)sizeof magic)
		return false;
	return magic[0] == 'P' && magic[1] == 'K' &&
	       ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
}

static enum part_kind kind_of(int fd)
{
	bool gzip;
	if (looks_like_zip(fd))
		return KIND_ZIP;
	if (tar_scan_recognise(fd, &gzip))
		return gzip ? KIND_TGZ : KIND_TAR;
	return KIND_NONE;
}

bool source_looks_like_archive(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	bool archive = kind_of(fd) != KIND_NONE;
	close(fd);
	return archive;
}

static const struct part *find_part(const struct parts *p, const char *name, size_t len)
{
	for (size_t i = 0; i < p->n_parts; i++)
		if (strlen(p->parts[i].name) == len && memcmp(p->parts[i].name, name, len) == 0)
			return &p->parts[i];
	return NULL;
}

/* Notes an archive to open (fd taken over). 0 or -ENOMEM. */
static int add_candidate(struct parts *p, int fd, enum part_kind kind, const char *file,
                         const char *name, bool in_folder)
{
	if (grow_array((void **)&p->found, &p->found_cap, p->n_found + 1, sizeof *p->found) != 0) {
		close(fd);
		return -ENOMEM;
	}
	struct candidate *c = &p->found[p->n_found++];
	*c = (struct candidate){.fd = fd, .kind = kind, .in_folder = in_folder};
	if (fstat(fd, &c->st) != 0) {
		c->rc = -errno;
		snprintf(c->err, sizeof c->err, "%s", strerror(errno));
	}
	snprintf(c->file, sizeof c->file, "%s", file);
	snprintf(c->name, sizeof c->name, "%s", name);
	return 0;
}

static void open_candidate(struct parts *p, struct candidate *c)
{
	int fd = c->fd;
	c->fd = -1;
	if (c->rc != 0) {
		close(fd);
		return;
	}
	if (c->kind == KIND_ZIP) {
		c->rc = source_open_zip(fd, c->name, p->cache, &c->src, c->err, sizeof c->err);
		return;
	}
	struct tar_open_options o = {.cache = p->cache,
	                             .db_path = p->opt.db_path,
	                             .file = c->file,
	                             .progress = p->opt.progress,
	                             .progress_ctx = p->opt.progress_ctx};
	c->rc = source_open_tar(fd, c->kind == KIND_TGZ, c->name, &o, &c->src, &c->scanned, c->err,
	                        sizeof c->err);
}

struct opener {
	struct parts *p;
	atomic_size_t next;
};

static void *open_some(void *arg)
{
	struct opener *o = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&o->next, 1);
		if (i >= o->p->n_found)
			return NULL;
		open_candidate(o->p, &o->p->found[i]);
	}
}

/* Opens every candidate, several at once; a part that fails does not stop
 * the others. */
static void open_candidates(struct parts *p)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = p->opt.threads > 0 ? (size_t)p->opt.threads : cpus > 0 ? (size_t)cpus : 1;
	if (n > p->n_found)
		n = p->n_found;
	struct opener o = {.p = p};
	atomic_init(&o.next, 0);
	pthread_t *threads = n > 1 ? calloc(n, sizeof *threads) : NULL;
	size_t started = 0;
	while (threads && started < n &&
	       pthread_create(&threads[started], NULL, open_some, &o) == 0)
		started++;
	open_some(&o); /* this thread too (alone when no thread could start) */
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}

static const char *kind_name(enum part_kind kind)
{
	return kind == KIND_ZIP ? "zip archive" : kind == KIND_TGZ ? "tgz archive" : "tar archive";
}

/* Takes an opened candidate into the parts (or its failure as a problem).
 * 0 or -ENOMEM. */
static int add_part(struct parts *p, struct candidate *c)
{
	struct source *src = c->src;
	c->src = NULL;
	if (c->rc == -ENOMEM)
		return c->rc;
	if (c->rc != 0) {
		char what[300];
		snprintf(what, sizeof what, "cannot read this %s: %s", kind_name(c->kind), c->err);
		return source_note_problem(&p->base, c->file, what);
	}
	p->passes += c->scanned;
	char *path = c->path        ? c->path
	             : c->in_folder ? malloc(strlen(p->path) + strlen(c->file) + 2)
	                            : strdup(p->path);
	c->path = NULL;
	if (path && c->in_folder)
		sprintf(path, "%s/%s", p->path, c->file);
	if (!path ||
	    grow_array((void **)&p->parts, &p->cap, p->n_parts + 1, sizeof *p->parts) != 0) {
		source_free(src);
		free(path);
		return -ENOMEM;
	}
	struct part *pt = &p->parts[p->n_parts++];
	pt->path = path;
	pt->st = c->st;
	int rc = 0;
	snprintf(pt->name, sizeof pt->name, "%s", c->name);
	snprintf(pt->file, sizeof pt->file, "%s", c->in_folder ? c->file : "");
	pt->src = src;
	const struct source_problem *probs;
	size_t n = source_problems(src, &probs);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char shown[4096];
		snprintf(shown, sizeof shown, "%s%s%s", c->name, *probs[i].path ? "/" : "",
		         probs[i].path);
		rc = source_note_problem(&p->base, shown, probs[i].what);
	}
	return rc;
}

/* Keeps in the store only the tables of the tar parts found now. */
static void prune_tables(struct parts *p)
{
	uint64_t *idents = calloc(p->n_found + 1, sizeof *idents);
	size_t n = 0;
	for (size_t i = 0; idents && i < p->n_found; i++)
		if (p->found[i].kind == KIND_TAR || p->found[i].kind == KIND_TGZ)
			idents[n++] = archive_part_ident_of(&p->found[i].st);
	if (idents)
		store_archive_parts_keep(p->opt.db_path, idents, n);
	free(idents);
}

/* Opens what was found and takes it in, in the order found. */
static int add_candidates(struct parts *p)
{
	open_candidates(p);
	if (p->opt.db_path && p->opt.prune_tables)
		prune_tables(p);
	int rc = 0;
	for (size_t i = 0; i < p->n_found; i++) {
		if (rc == 0)
			rc = add_part(p, &p->found[i]);
		source_free(p->found[i].src);
		free(p->found[i].path);
	}
	free(p->found);
	p->found = NULL;
	p->n_found = 0;
	return rc;
}

/* The archives at the top of the folder. 0 or a negative errno. */
static int find_parts(struct parts *p)
{
	struct source_dir *root;
	int rc = source_dir_root(p->folder, &root);
	if (rc != 0)
		return rc;
	struct source_listing l;
	rc = source_dir_list(root, false, &l);
	struct source_reader *r = rc == 0 ? source_reader_new(p->folder) : NULL;
	if (rc == 0 && !r)
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		const struct source_entry *e = &l.entries[i];
		if (e->type != SOURCE_FILE && e->type != 0)
			continue;
		struct source_file f;
		if (source_open_in(r, "", e->name, &f) != 0)
			continue; /* not a regular file, or unreadable: the walker says so */
		enum part_kind kind = kind_of(f.fd);
		int fd = kind != KIND_NONE ? dup(f.fd) : -1;
		source_close(&f);
		if (kind == KIND_NONE)
			continue;
		if (fd < 0) {
			rc = -errno;
			break;
		}
		char name[256];
		part_name(e->name, name, sizeof name);
		bool extracted = false;
		for (size_t j = 0; j < l.n; j++)
			extracted |=
			    l.entries[j].type == SOURCE_DIR && strcmp(l.entries[j].name, name) == 0;
		bool taken = false;
		for (size_t j = 0; j < p->n_found; j++)
			taken |= strcmp(p->found[j].name, name) == 0;
		if (extracted || taken) {
			close(fd);
			char what[640];
			if (extracted)
				snprintf(
				    what, sizeof what,
				    "the part %s is here twice, as this archive and as the folder "
				    "%s: the folder is used",
				    name, name);
			else
				snprintf(
				    what, sizeof what,
				    "another archive here is shown as the folder %s: this one is "
				    "left out",
				    name);
			rc = source_note_problem(&p->base, e->name, what);
			continue;
		}
		rc = add_candidate(p, fd, kind, e->name, name, true);
	}
	source_reader_free(r);
	source_listing_free(&l);
	source_dir_close(root);
	return rc ? rc : add_candidates(p);
}

int source_open(const char *path, struct source **out)
{
	return source_open_with(path, NULL, out, NULL);
}

/* source_open_with, its archives reading through cache (a cache of its own
 * when NULL). */
static int open_parts(const char *path, const struct source_options *opt, struct span_cache *cache,
                      struct parts **out, unsigned *passes)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -errno;
	struct parts *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->base.ops = &PARTS_OPS;
	if (opt)
		p->opt = *opt;
	p->path = strdup(path);
	p->own_cache = !cache;
	p->cache = cache ? cache : span_cache_new(SPAN_CACHE_DEFAULT_BYTES);
	int rc = p->cache && p->path ? 0 : -ENOMEM;
	if (rc == 0 && S_ISDIR(st.st_mode)) {
		rc = source_open_folder(path, &p->folder);
		if (rc == 0) {
			snprintf(p->base.name, sizeof p->base.name, "%s", source_name(p->folder));
			rc = find_parts(p);
		}
	} else if (rc == 0) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		enum part_kind kind = fd >= 0 && S_ISREG(st.st_mode) ? kind_of(fd) : KIND_NONE;
		if (fd < 0) {
			rc = -errno;
		} else if (kind == KIND_NONE) {
			close(fd);
			rc = -EINVAL;
		} else {
			const char *slash = strrchr(path, '/');
			const char *file = slash ? slash + 1 : path;
			char name[256];
			part_name(file, name, sizeof name);
			rc = add_candidate(p, fd, kind, file, name, false);
			if (rc == 0)
				rc = add_candidates(p);
			if (rc == 0 && p->n_parts == 0)
				rc = -EIO; /* the one archive given cannot be read */
		}
	}
	if (passes)
		*passes = p->passes;
	if (rc != 0) {
		source_free(&p->base);
		return rc;
	}
	*out = p;
	return 0;
}

int source_open_with(const char *path, const struct source_options *opt, struct source **out,
                     unsigned *passes)
{
	struct parts *p;
	int rc = open_parts(path, opt, NULL, &p, passes);
	if (rc == 0)
		*out = &p->base;
	return rc;
}

static const char *last_component(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* True when a part or an archive about to be opened is shown as name. */
static bool name_taken(const struct parts *p, const char *name)
{
	for (size_t i = 0; i < p->n_found; i++)
		if (strcmp(p->found[i].name, name) == 0)
			return true;
	return find_part(p, name, strlen(name)) != NULL;
}

/* The folder name one of several SOURCEs is shown as: its last component
 * (an archive's without its extension), with " (2)", " (3)"... when an
 * earlier SOURCE took it (a problem says so). 0 or -ENOMEM. */
static int name_for_source(struct parts *p, const char *path, bool archive, char *out, size_t cap)
{
	char trimmed[4096], base[256];
	snprintf(trimmed, sizeof trimmed, "%s", path);
	for (size_t len = strlen(trimmed); len > 1 && trimmed[len - 1] == '/'; len--)
		trimmed[len - 1] = '\0';
	if (archive)
		part_name(last_component(trimmed), base, sizeof base);
	else
		snprintf(base, sizeof base, "%s", last_component(trimmed));
	if (!base[0] || strcmp(base, "/") == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		snprintf(base, sizeof base, "SOURCE");
	snprintf(out, cap, "%s", base);
	for (int k = 2; name_taken(p, out); k++)
		snprintf(out, cap, "%.*s (%d)", (int)(cap - 16), base, k);
	if (strcmp(out, base) == 0)
		return 0;
	char what[700];
	snprintf(what, sizeof what,
	         "another SOURCE is shown as the folder %s: this one (%s) is shown as %s", base,
	         path, out);
	return source_note_problem(&p->base, out, what);
}

/* Adds one of several SOURCEs: a folder is opened now (its own parts in
 * parallel), an archive becomes a candidate opened with the other archive
 * SOURCEs. Folders come first; an archive whose folder name a folder SOURCE
 * has is the same part given twice: the folder is used. 0 or a negative
 * errno. */
static int add_source(struct parts *p, const char *path, const struct stat *st)
{
	bool archive = !S_ISDIR(st->st_mode);
	char name[256];
	if (archive) {
		part_name(last_component(path), name, sizeof name);
		const struct part *pt = find_part(p, name, strlen(name));
		if (pt && !pt->path) {
			char what[700];
			snprintf(
			    what, sizeof what,
			    "the part %s is given twice, as the archive %s and as a folder: the "
			    "folder is used",
			    name, path);
			return source_note_problem(&p->base, name, what);
		}
	}
	int rc = name_for_source(p, path, archive, name, sizeof name);
	if (rc != 0)
		return rc;
	if (archive) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		enum part_kind kind = S_ISREG(st->st_mode) ? kind_of(fd) : KIND_NONE;
		char *own = strdup(path);
		if (kind == KIND_NONE || !own) {
			close(fd);
			free(own);
			return own ? -EINVAL : -ENOMEM;
		}
		rc = add_candidate(p, fd, kind, last_component(path), name, false);
		if (rc == 0)
			p->found[p->n_found - 1].path = own;
		else
			free(own);
		return rc;
	}
	struct source_options nested = p->opt;
	nested.prune_tables = false; /* the other SOURCEs' tables are not its to drop */
	struct parts *sub;
	unsigned passes = 0;
	rc = open_parts(path, &nested, p->cache, &sub, &passes);
	if (rc != 0)
		return rc;
	p->passes += passes;
	if (grow_array((void **)&p->parts, &p->cap, p->n_parts + 1, sizeof *p->parts) != 0) {
		source_free(&sub->base);
		return -ENOMEM;
	}
	struct part *pt = &p->parts[p->n_parts++];
	*pt = (struct part){.st = *st, .src = &sub->base};
	snprintf(pt->name, sizeof pt->name, "%s", name);
	const struct source_problem *probs;
	size_t n = source_problems(&sub->base, &probs);
	for (size_t i = 0; i < n && rc == 0; i++) {
		char shown[4096];
		snprintf(shown, sizeof shown, "%s%s%s", name, *probs[i].path ? "/" : "",
		         probs[i].path);
		rc = source_note_problem(&p->base, shown, probs[i].what);
	}
	return rc;
}

int source_open_all(const char *const *paths, size_t n, const struct source_options *opt,
                    struct source **out, unsigned *passes)
{
	if (n == 1)
		return source_open_with(paths[0], opt, out, passes);
	if (n == 0)
		return -EINVAL;
	struct stat *st = calloc(n, sizeof *st);
	struct parts *p = calloc(1, sizeof *p);
	if (p) {
		p->base.ops = &PARTS_OPS;
		if (opt)
			p->opt = *opt;
		p->opt.prune_tables = false; /* each SOURCE's own parts only: see add_source */
		p->own_cache = true;
		p->path = strdup("");
		p->cache = span_cache_new(SPAN_CACHE_DEFAULT_BYTES);
	}
	int rc = st && p && p->path && p->cache ? 0 : -ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (stat(paths[i], &st[i]) != 0)
			rc = -errno;
	for (int folders = 1; folders >= 0 && rc == 0; folders--) {
		for (size_t i = 0; rc == 0 && i < n; i++) {
			if (S_ISDIR(st[i].st_mode) != folders)
				continue;
			bool again = false;
			for (size_t j = 0; j < i; j++)
				again |=
				    st[j].st_dev == st[i].st_dev && st[j].st_ino == st[i].st_ino;
			rc = again ? source_note_problem(
			                 &p->base, "", "a SOURCE is given twice: it is taken once")
			           : add_source(p, paths[i], &st[i]);
		}
	}
	if (rc == 0)
		rc = add_candidates(p); /* the archive SOURCEs, in parallel */
	if (rc == 0 && p->n_parts == 0)
		rc = -EIO; /* none of the SOURCEs could be read */
	if (passes)
		*passes = p ? p->passes : 0;
	free(st);
	if (rc != 0) {
		if (p)
			source_free(&p->base);
		return rc;
	}
	*out = &p->base;
	return 0;
}

static void parts_free(struct source *s)
{
	struct parts *p = (struct parts *)s;
	for (size_t i = 0; i < p->n_parts; i++) {
		source_free(p->parts[i].src);
		free(p->parts[i].path);
	}
	free(p->parts);
	for (size_t i = 0; i < p->n_found; i++) {
		if (p->found[i].fd >= 0)
			close(p->found[i].fd);
		free(p->found[i].path);
	}
	free(p->found);
	free(p->path);
	source_free(p->folder);
	if (p->own_cache)
		span_cache_free(p->cache);
	free(p);
}

/* --- listing --- */

static int wrap_dir(struct source *s, struct source_dir *inner, struct source_dir **out)
{
	struct parts_dir *d = malloc(sizeof *d);
	if (!d) {
		source_dir_close(inner);
		return -ENOMEM;
	}
	*d = (struct parts_dir){.base.src = s, .inner = inner};
	*out = &d->base;
	return 0;
}

static int parts_dir_root(struct source *s, struct source_dir **out)
{
	return wrap_dir(s, NULL, out);
}

static int parts_dir_open(struct source_dir *parent, const char *name, struct source_dir **out)
{
	struct parts *p = (struct parts *)parent->src;
	struct source_dir *inner_parent = ((struct parts_dir *)parent)->inner, *inner;
	int rc;
	if (inner_parent) {
		rc = source_dir_open(inner_parent, name, &inner);
	} else {
		const struct part *pt = find_part(p, name, strlen(name));
		if (pt) {
			rc = source_dir_root(pt->src, &inner);
		} else if (p->folder) {
			struct source_dir *root;
			rc = source_dir_root(p->folder, &root);
			if (rc == 0) {
				rc = source_dir_open(root, name, &inner);
				source_dir_close(root);
			}
		} else {
			rc = -ENOENT;
		}
	}
	return rc != 0 ? rc : wrap_dir(parent->src, inner, out);
}

static void parts_dir_close(struct source_dir *d)
{
	source_dir_close(((struct parts_dir *)d)->inner);
	free(d);
}

static bool is_part_file(const struct parts *p, const char *name)
{
	for (size_t i = 0; i < p->n_parts; i++)
		if (strcmp(p->parts[i].file, name) == 0)
			return true;
	return false;
}

/* The top folder: the folder's entries, each archive part shown as a folder
 * in the archive's place (with the archive file's facts). */
static int list_top(struct parts *p, bool facts, struct source_listing *out)
{
	struct source_listing l = {0};
	if (p->folder) {
		struct source_dir *root;
		int rc = source_dir_root(p->folder, &root);
		if (rc == 0) {
			rc = source_dir_list(root, facts, &l);
			source_dir_close(root);
		}
		if (rc != 0) {
			source_listing_free(&l);
			return rc;
		}
	}
	size_t names = 1;
	for (size_t i = 0; i < l.n; i++)
		names += l.entries[i].len + 1;
	for (size_t i = 0; i < p->n_parts; i++)
		names += strlen(p->parts[i].name) + 1;
	out->entries = calloc(l.n + p->n_parts + 1, sizeof *out->entries);
	out->names = malloc(names);
	if (!out->entries || !out->names) {
		source_listing_free(&l);
		return -ENOMEM;
	}
	out->read_error = l.read_error;
	size_t at = 0, n = 0;
	for (size_t i = 0; i < l.n; i++) {
		struct source_entry e = l.entries[i];
		if (e.type != SOURCE_DIR && is_part_file(p, e.name)) {
			e.type = SOURCE_DIR;
			char name[256];
			part_name(e.name, name, sizeof name);
			memcpy(out->names + at, name, strlen(name) + 1);
			e.len = strlen(name);
		} else {
			memcpy(out->names + at, e.name, e.len + 1);
		}
		e.name = out->names + at;
		at += e.len + 1;
		out->entries[n++] = e;
	}
	for (size_t i = 0; i < p->n_parts; i++) {
		if (p->parts[i].file[0])
			continue; /* listed in its archive's place above */
		size_t len = strlen(p->parts[i].name);
		memcpy(out->names + at, p->parts[i].name, len + 1);
		out->entries[n++] =
		    (struct source_entry){.name = out->names + at, .len = len, .type = SOURCE_DIR};
		at += len + 1;
	}
	out->n = n;
	source_listing_free(&l);
	return 0;
}

static int parts_dir_list(struct source_dir *dir, bool facts, struct source_listing *out)
{
	struct source_dir *inner = ((struct parts_dir *)dir)->inner;
	if (inner)
		return source_dir_list(inner, facts, out);
	return list_top((struct parts *)dir->src, facts, out);
}

/* --- files --- */

static struct source_reader *parts_reader_new(struct source *s)
{
	struct parts *p = (struct parts *)s;
	struct parts_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->base.src = s;
	r->parts = calloc(p->n_parts + 1, sizeof *r->parts);
	r->folder = p->folder ? source_reader_new(p->folder) : NULL;
	if (!r->parts || (p->folder && !r->folder)) {
		free(r->parts);
		source_reader_free(r->folder);
		free(r);
		return NULL;
	}
	return &r->base;
}

static void parts_reader_free(struct source_reader *base)
{
	struct parts_reader *r = (struct parts_reader *)base;
	struct parts *p = (struct parts *)base->src;
	for (size_t i = 0; i < p->n_parts; i++)
		source_reader_free(r->parts[i]);
	free(r->parts);
	source_reader_free(r->folder);
	free(r);
}

/* True while the archive at the part's path is still the one opened. */
static bool part_unchanged(const struct part *pt)
{
	struct stat st;
	return stat(pt->path, &st) == 0 && st.st_dev == pt->st.st_dev &&
	       st.st_ino == pt->st.st_ino && st.st_size == pt->st.st_size &&
	       st.st_mtim.tv_sec == pt->st.st_mtim.tv_sec &&
	       st.st_mtim.tv_nsec == pt->st.st_mtim.tv_nsec;
}

/* Splits path at its first component: the part it names (and *rest, the
 * path inside it), or NULL for the folder's. */
static const struct part *route(const struct parts *p, const char *path, const char **rest)
{
	const char *slash = strchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : strlen(path);
	const struct part *pt = find_part(p, path, len);
	*rest = pt ? (slash ? slash + 1 : "") : path;
	return pt;
}

/* The reader of dir_path's backend, and dir_path inside it. NULL: -ENOENT or
 * -ENOMEM in *rc. */
static struct source_reader *reader_for(struct parts_reader *r, const char *dir_path,
                                        const char *name, const char **inner_dir,
                                        const char **inner_name, int *rc)
{
	struct parts *p = (struct parts *)r->base.src;
	const struct part *pt = route(p, *dir_path ? dir_path : name, inner_dir);
	*inner_name = name;
	*rc = -ENOENT;
	if (!pt) {
		*inner_dir = dir_path;
		return r->folder;
	}
	if (!*dir_path)
		return NULL; /* the part's folder itself: not a file */
	size_t i = (size_t)(pt - p->parts);
	if (!r->parts[i])
		r->parts[i] = source_reader_new(pt->src);
	*rc = -ENOMEM;
	return r->parts[i];
}

/* Calls the backend's open directly: the open belongs to it (its pread and
 * close), not to this one. */
static int open_with(struct source_reader *inner, const char *dir_path, const char *name,
                     struct source_file *f)
{
	*f = (struct source_file){.fd = -1, .src = inner->src};
	int rc = inner->src->ops->open_in(inner, dir_path, name, f);
	if (rc != 0)
		*f = (struct source_file){.fd = -1};
	return rc;
}

static int parts_open_in(struct source_reader *base, const char *dir_path, const char *name,
                         struct source_file *f)
{
	const char *d, *n;
	int rc;
	struct source_reader *inner =
	    reader_for((struct parts_reader *)base, dir_path, name, &d, &n, &rc);
	return inner ? open_with(inner, d, n, f) : rc;
}

static int parts_stat_in(struct source_reader *base, const char *dir_path, const char *name,
                         struct source_facts *out)
{
	const char *d, *n;
	int rc;
	struct source_reader *inner =
	    reader_for((struct parts_reader *)base, dir_path, name, &d, &n, &rc);
	return inner ? source_stat_in(inner, d, n, out) : rc;
}

static int parts_open_path(struct source *s, const char *path, struct source_file *f)
{
	struct parts *p = (struct parts *)s;
	const char *rest;
	const struct part *pt = route(p, path, &rest);
	struct source *inner = pt ? pt->src : p->folder;
	if (!inner || !*rest)
		return -ENOENT;
	if (pt && pt->path && !part_unchanged(pt))
		return -EIO; /* never bytes of an archive that was replaced or rewritten */
	*f = (struct source_file){.fd = -1, .src = inner};
	int rc = inner->ops->open_path(inner, rest, f);
	if (rc != 0)
		*f = (struct source_file){.fd = -1};
	return rc;
}

static ssize_t parts_pread(const struct source_file *f, void *buf, size_t len, uint64_t off)
{
	(void)f, (void)buf, (void)len, (void)off;
	return -EBADF; /* every open belongs to the backend that made it */
}

static void parts_close(struct source_file *f)
{
	(void)f; /* likewise */
}

static const struct source_ops PARTS_OPS = {
    .free = parts_free,
    .dir_root = parts_dir_root,
    .dir_open = parts_dir_open,
    .dir_close = parts_dir_close,
    .dir_list = parts_dir_list,
    .reader_new = parts_reader_new,
    .reader_free = parts_reader_free,
    .open_in = parts_open_in,
    .stat_in = parts_stat_in,
    .open_path = parts_open_path,
    .pread = parts_pread,
    .close = parts_close,
};
