/* Shared by the zip and tar unit tests: makes the real-tool archives with
 * tests/gen/archive_fixtures.py into a temporary folder, reads files and
 * their reference listings (one member per line, tab-separated fields), and
 * serves a buffer through a read_at callback. */
#ifndef TFS_TESTS_ARCHIVE_FIXTURES_H
#define TFS_TESTS_ARCHIVE_FIXTURES_H

#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#include "archive/zip.h"

struct fx_buf {
	uint8_t *p;
	size_t len;
};

/* Runs the fixture script into a new temporary folder (many: members of the
 * big zip, 0 for none). Returns the folder (malloc'd) or NULL. */
static inline char *fx_make(int many)
{
	const char *src = getenv("TFS_SRC");
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char tmpl[400];
	snprintf(tmpl, sizeof tmpl, "%s/tfs-archive-XXXXXX", tmp);
	if (src == NULL || mkdtemp(tmpl) == NULL)
		return NULL;
	char out[512], cmd[1200];
	snprintf(out, sizeof out, "%s/fx", tmpl);
	snprintf(cmd, sizeof cmd, "python3 '%s/tests/gen/archive_fixtures.py' '%s' --many %d", src,
	         out, many);
	if (system(cmd) != 0) {
		fprintf(stderr, "fixture script failed: %s\n", cmd);
		return NULL;
	}
	return strdup(tmpl);
}

static inline int fx_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static inline void fx_remove(char *dir)
{
	if (dir != NULL)
		nftw(dir, fx_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* Reads a whole file; .p is NULL when it cannot be read. */
static inline struct fx_buf fx_read(const char *path)
{
	struct fx_buf b = {0};
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return b;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b.p = malloc(n > 0 ? (size_t)n : 1);
	if (b.p != NULL && fread(b.p, 1, (size_t)n, f) == (size_t)n)
		b.len = (size_t)n;
	fclose(f);
	return b;
}

#define FX_MAX_FIELDS 12

/* One listing line split on tabs (in place). */
struct fx_line {
	char *f[FX_MAX_FIELDS];
	int n;
};

/* Reads listing path into *lines (malloc'd, *count of them); the text stays
 * in *text. 0 or -1. */
static inline int fx_listing(const char *path, struct fx_line **lines, size_t *count,
                             struct fx_buf *text)
{
	*text = fx_read(path);
	if (text->p == NULL)
		return -1;
	size_t cap = 16, n = 0;
	struct fx_line *l = malloc(cap * sizeof *l);
	char *s = (char *)text->p, *end = s + text->len;
	while (s < end) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (n == cap)
			l = realloc(l, (cap *= 2) * sizeof *l);
		l[n].n = 0;
		char *t = s;
		for (;;) {
			char *tab = strchr(t, '\t');
			if (l[n].n < FX_MAX_FIELDS)
				l[n].f[l[n].n++] = t;
			if (tab == NULL)
				break;
			*tab = '\0';
			t = tab + 1;
		}
		n++;
		s = nl + 1;
	}
	*lines = l;
	*count = n;
	return 0;
}

/* An archive and its reference listing, loaded. */
struct fx_archive {
	struct fx_buf a, text;
	struct fx_line *lines;
	size_t count;
};

/* Loads dir/name and dir/name.list. 0 or -1. */
static inline int fx_load(const char *dir, const char *name, struct fx_archive *x)
{
	char path[1024], list[1100];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(list, sizeof list, "%s.list", path);
	x->a = fx_read(path);
	x->lines = NULL;
	x->count = 0;
	return x->a.p != NULL && fx_listing(list, &x->lines, &x->count, &x->text) == 0 ? 0 : -1;
}

static inline void fx_unload(struct fx_archive *x)
{
	free(x->lines);
	free(x->text.p);
	free(x->a.p);
}

/* Calls fn(dir, name, ctx) for every file of tmp/fx/kind ("zip", "tar")
 * named *.kind. Returns how many. */
static inline int fx_each(const char *tmp, const char *kind,
                          void (*fn)(const char *dir, const char *name, void *ctx), void *ctx)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s/fx/%s", tmp, kind);
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	size_t klen = strlen(kind);
	while (d && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len <= klen + 1 || de->d_name[len - klen - 1] != '.' ||
		    strcmp(de->d_name + len - klen, kind) != 0)
			continue;
		fn(dir, de->d_name, ctx);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* CRC-32 and length of the content of a stored (0) or deflated (8) member
 * whose compressed bytes are p[0..comp). -1 when the deflate data is bad. */
static inline int fx_content_crc(const uint8_t *p, uint64_t comp, int method, uint32_t *crc,
                                 uint64_t *size)
{
	uLong c = crc32_z(0, Z_NULL, 0);
	if (method == 0) {
		*crc = (uint32_t)crc32_z(c, p, (size_t)comp);
		*size = comp;
		return 0;
	}
	z_stream zs = {0};
	uint8_t out[65536];
	if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
		return -1;
	zs.next_in = (uint8_t *)p;
	zs.avail_in = (uInt)comp;
	int rc;
	*size = 0;
	do {
		zs.next_out = out;
		zs.avail_out = sizeof out;
		rc = inflate(&zs, Z_NO_FLUSH);
		c = crc32_z(c, out, sizeof out - zs.avail_out);
		*size += sizeof out - zs.avail_out;
	} while (rc == Z_OK);
	inflateEnd(&zs);
	*crc = (uint32_t)c;
	return rc == Z_STREAM_END ? 0 : -1;
}

#endif
