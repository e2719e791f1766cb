/* The default store location and its private cache folder. */
#include "cli/paths.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define STORE_ID_NAME_MAX 40

uint64_t cli_path_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static bool is_name_safe(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_' || ch == '.';
}

/* The last component of path, trimmed of trailing slashes: [*start, *end). */
static void last_component(const char *path, const char **start, const char **end)
{
	const char *e = path + strlen(path);
	while (e > path && e[-1] == '/')
		e--;
	const char *s = e;
	while (s > path && s[-1] != '/')
		s--;
	*start = s;
	*end = e;
}

/* Readable, filename-safe form of the last component: runs of other bytes
 * (spaces, UTF-8, ...) become one '_'; never starts with '.'; "root" for "/". */
static void sanitized_name(const char *path, char *out, size_t outlen)
{
	const char *s, *e;
	last_component(path, &s, &e);
	size_t n = 0;
	for (; s < e && n + 1 < outlen; s++) {
		unsigned char ch = (unsigned char)*s;
		if (is_name_safe(ch) && !(n == 0 && ch == '.'))
			out[n++] = (char)ch;
		else if (n > 0 && out[n - 1] != '_')
			out[n++] = '_';
	}
	while (n > 0 && out[n - 1] == '_')
		n--;
	out[n] = '\0';
	if (n == 0)
		snprintf(out, outlen, "root");
}

int cli_store_id(const char *real_source, char *out, size_t outlen)
{
	char name[STORE_ID_NAME_MAX + 1];
	sanitized_name(real_source, name, sizeof name);
	int n = snprintf(out, outlen, "%016" PRIx64 "-%s", cli_path_hash(real_source), name);
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen)
			out[0] = '\0';
		return -1;
	}
	return 0;
}

int cli_default_store_path(const char *real_source, const char *xdg_cache_home, const char *home,
                           char *out, size_t outlen, char *err, size_t errlen)
{
	char id[17 + STORE_ID_NAME_MAX + 1];
	if (cli_store_id(real_source, id, sizeof id) != 0) {
		snprintf(err, errlen, "%s: cannot name a store for it; use -o db=PATH",
		         real_source);
		return -1;
	}
	int n;
	if (xdg_cache_home && xdg_cache_home[0] == '/')
		n = snprintf(out, outlen, "%s/takeoutfs/%s.sqlite", xdg_cache_home, id);
	else if (home && home[0] == '/')
		n = snprintf(out, outlen, "%s/.cache/takeoutfs/%s.sqlite",
		             strcmp(home, "/") == 0 ? "" : home, id);
	else {
		snprintf(err, errlen,
		         "no place for the store: neither XDG_CACHE_HOME nor HOME is an absolute "
		         "path; set one of them, or use -o db=PATH");
		return -1;
	}
	if (n < 0 || (size_t)n >= outlen) {
		snprintf(err, errlen, "the default store path is too long; use -o db=PATH");
		return -1;
	}
	return 0;
}

int cli_make_private_dirs(const char *dir, char *err, size_t errlen)
{
	char path[4096];
	int n = snprintf(path, sizeof path, "%s", dir);
	if (n < 0 || (size_t)n >= sizeof path) {
		snprintf(err, errlen, "%.64s...: path too long; use a shorter -o db=PATH", dir);
		return -1;
	}
	/* Each prefix in turn, so that only the folders we create get 0700. */
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen,
			         "cannot create the store folder %s: %s; set XDG_CACHE_HOME or use "
			         "-o db=PATH",
			         path, strerror(errno));
			return -1;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen,
		         "cannot create the store folder %s: %s; set XDG_CACHE_HOME or use -o "
		         "db=PATH",
		         path, stat(path, &st) != 0 ? strerror(errno) : "a file has that name");
		return -1;
	}
	return 0;
}
