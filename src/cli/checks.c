/* Pre-flight checks: everything that can be found wrong in milliseconds is
 * found before an indexing pass that may take minutes. Each failure becomes
 * one line saying what is wrong and what to do about it. */
#include "cli/checks.h"

#include "source/source.h"
#include "store/store.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static bool ends_with_any(const char *path, const char *const *exts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ends_with(path, exts[i]))
			return true;
	return false;
}

int cli_check_source(const char *source, char **real, char *err, size_t errlen)
{
	struct stat st;
	*real = NULL;
	if (stat(source, &st) != 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR)
			snprintf(
			    err, errlen,
			    "%s: no such folder; give the folder of the extracted Takeout (the "
			    "one holding Takeout/)",
			    source);
		else
			snprintf(err, errlen, "%s: %s; give a folder takeoutfs can read", source,
			         strerror(e));
		return -1;
	}
	bool archive = S_ISREG(st.st_mode) && source_looks_like_archive(source);
	static const char *const tars[] = {".tgz", ".tar.gz", ".tar"};
	static const char *const others[] = {".tar.bz2", ".tbz2", ".7z", ".rar", ".tar.xz"};
	if (!S_ISDIR(st.st_mode) && !archive) {
		if (ends_with(source, ".zip"))
			snprintf(
			    err, errlen,
			    "%s: not a zip archive (no zip header: a download cut at its start?); "
			    "give a .zip part, or the folder holding the parts",
			    source);
		else if (ends_with_any(source, tars, 3))
			snprintf(err, errlen,
			         "%s: not a tar archive (no gzip or tar header: a download cut at "
			         "its start?); give a .tgz or .tar part, or the folder holding the "
			         "parts",
			         source);
		else if (ends_with_any(source, others, 5))
			snprintf(
			    err, errlen,
			    "%s: is an archive takeoutfs cannot read (it reads .zip, .tgz and .tar "
			    "parts); extract it first and give that folder",
			    source);
		else
			snprintf(err, errlen,
			         "%s: not a folder; give the folder of the extracted Takeout (the "
			         "one holding Takeout/), or its .zip, .tgz or .tar parts",
			         source);
		return -1;
	}
	if (access(source, archive ? R_OK : R_OK | X_OK) != 0) {
		snprintf(err, errlen, "%s: %s; give a folder takeoutfs can read", source,
		         strerror(errno));
		return -1;
	}
	*real = realpath(source, NULL);
	if (!*real) {
		snprintf(err, errlen, "%s: %s; give a folder takeoutfs can read", source,
		         strerror(errno));
		return -1;
	}
	return 0;
}

/* Copies the mountinfo field at s[0..n) to out, decoding \ooo escapes.
 * Returns false when it does not fit. */
static bool unescape_field(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		const char *d = s + i + 1;
		if (ch == '\\' && i + 3 < n && d[0] >= '0' && d[0] <= '3' && d[1] >= '0' &&
		    d[1] <= '7' && d[2] >= '0' && d[2] <= '7') {
			ch = (char)((d[0] - '0') * 64 + (d[1] - '0') * 8 + (d[2] - '0'));
			i += 3;
		}
		if (o + 1 >= outlen)
			return false;
		out[o++] = ch;
	}
	out[o] = '\0';
	return true;
}

/* The fifth space-separated field of the line [s, e): the mount point. */
static bool mount_point_field(const char *s, const char *e, const char **fs, size_t *fn)
{
	for (int field = 0; field < 4; field++) {
		while (s < e && *s != ' ')
			s++;
		if (s == e)
			return false;
		s++;
	}
	const char *f = s;
	while (s < e && *s != ' ')
		s++;
	*fs = f;
	*fn = (size_t)(s - f);
	return *fn > 0;
}

bool cli_mountinfo_lists(const char *mountinfo, size_t len, const char *path)
{
	const char *p = mountinfo, *end = mountinfo + len;
	char mp[PATH_MAX];
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *f;
		size_t fn;
		if (mount_point_field(p, line_end, &f, &fn) &&
		    unescape_field(f, fn, mp, sizeof mp) && strcmp(mp, path) == 0)
			return true;
		p = nl ? nl + 1 : end;
	}
	return false;
}

static int describe_mountpoint_stat_error(const char *mountpoint, int e, char *err, size_t errlen)
{
	if (e == ENOENT)
		snprintf(err, errlen,
		         "%s: no such folder; create it first (mkdir -p '%s') or choose an empty "
		         "folder",
		         mountpoint, mountpoint);
	else if (e == ENOTCONN)
		snprintf(err, errlen,
		         "%s: a dead FUSE mount is still there (%s); unmount it first with "
		         "fusermount3 -u '%s'",
		         mountpoint, strerror(e), mountpoint);
	else
		snprintf(err, errlen, "%s: %s; choose an empty folder you can use", mountpoint,
		         strerror(e));
	return -1;
}

/* The first entry of dir other than "." and "..", or "" when empty. */
static int first_entry(const char *dir, char *name, size_t namelen)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	name[0] = '\0';
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(name, namelen, "%s", de->d_name);
		break;
	}
	closedir(d);
	return 0;
}

int cli_check_mountpoint(const char *mountpoint, bool nonempty, const char *mountinfo,
                         size_t mountinfo_len, char *err, size_t errlen)
{
	struct stat st;
	if (stat(mountpoint, &st) != 0)
		return describe_mountpoint_stat_error(mountpoint, errno, err, errlen);
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a folder; mount on an empty folder", mountpoint);
		return -1;
	}
	char *real = realpath(mountpoint, NULL);
	if (!real)
		return describe_mountpoint_stat_error(mountpoint, errno, err, errlen);
	bool mounted = mountinfo && cli_mountinfo_lists(mountinfo, mountinfo_len, real);
	free(real);
	if (mounted) {
		snprintf(err, errlen,
		         "%s: something is already mounted there; unmount it first (fusermount3 "
		         "-u '%s', or umount) or choose another folder",
		         mountpoint, mountpoint);
		return -1;
	}
	if (nonempty)
		return 0;
	char name[256];
	if (first_entry(mountpoint, name, sizeof name) != 0) {
		snprintf(err, errlen, "%s: cannot list it: %s; choose an empty folder you can use",
		         mountpoint, strerror(errno));
		return -1;
	}
	if (name[0]) {
		snprintf(err, errlen,
		         "%s: the folder is not empty (it holds '%.64s'); choose an empty folder, "
		         "or add -o nonempty to hide its content while mounted",
		         mountpoint, name);
		return -1;
	}
	return 0;
}

int cli_check_fuse_device(const char *path, char *err, size_t errlen)
{
	static const char advice[] =
	    "load the fuse module (modprobe fuse) or, in a container, pass the device in "
	    "(docker run --device /dev/fuse --cap-add SYS_ADMIN)";
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s, FUSE is not available; %s", path, strerror(errno),
		         advice);
		return -1;
	}
	if (!S_ISCHR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a device, FUSE is not available; %s", path, advice);
		return -1;
	}
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		/* libfuse 3.14 opens the device itself before it would ever run
		 * the setuid fusermount3, so a device the user cannot open ends
		 * the mount, helper or not. */
		if (e == EACCES || e == EPERM)
			snprintf(err, errlen,
			         "%s: %s, FUSE is not allowed for this user; ask the administrator "
			         "to make the device usable (it is normally mode 0666)",
			         path, strerror(e));
		else
			snprintf(err, errlen, "%s: %s, FUSE is not available; %s", path,
			         strerror(e), advice);
		return -1;
	}
	close(fd);
	return 0;
}

/* The folder part of path ("." when none). */
static void folder_of(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, outlen, ".");
	else if (slash == path)
		snprintf(out, outlen, "/");
	else
		snprintf(out, outlen, "%.*s", (int)(slash - path), path);
}

static bool on_read_only_disk(const char *path)
{
	struct statvfs sv;
	return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

/* The store's folder must take new files: SQLite puts -wal and -shm beside it. */
static int check_store_folder(const char *db_path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	folder_of(db_path, dir, sizeof dir);
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen,
		         "store %s: its folder %s does not exist; create it or choose another -o "
		         "db=PATH",
		         db_path, dir);
		return -1;
	}
	if (on_read_only_disk(dir)) {
		snprintf(err, errlen,
		         "store %s: the disk is read-only; choose a writable place with -o db=PATH",
		         db_path);
		return -1;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		int e = errno;
		snprintf(err, errlen,
		         "store %s: cannot write in %s (%s); choose a writable place "
		         "with -o db=PATH",
		         db_path, dir, strerror(e));
		return -1;
	}
	return 0;
}

/* Adds the advice to a store message that lacks one. */
static void store_message(const char *msg, char *err, size_t errlen)
{
	if (strchr(msg, ';'))
		snprintf(err, errlen, "%s", msg);
	else
		snprintf(err, errlen, "%s; delete it or choose another -o db=PATH", msg);
}

int cli_check_store(const char *db_path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(db_path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen,
		         "store %s: is a folder; -o db= takes the store's file, e.g. -o "
		         "db=%s/photos.sqlite",
		         db_path, db_path);
		return -1;
	}
	if (check_store_folder(db_path, err, errlen) != 0)
		return -1;
	if (stat(db_path, &st) != 0)
		return 0; /* a new store: the indexer creates it */
	if (on_read_only_disk(db_path) || access(db_path, W_OK) != 0) {
		snprintf(err, errlen,
		         "store %s: not writable (%s); choose a writable place with -o db=PATH",
		         db_path, on_read_only_disk(db_path) ? "read-only disk" : strerror(errno));
		return -1;
	}
	store_db *db = NULL;
	char msg[512];
	int rc = store_open(db_path, STORE_READ_WRITE, &db, msg, sizeof msg);
	store_close(db);
	if (rc == STORE_OK)
		return 0;
	if (rc == STORE_ERR_NEWER)
		snprintf(
		    err, errlen,
		    "store %s: written by a newer takeoutfs (schema %lld, this one knows up to "
		    "%d); upgrade takeoutfs, or use another -o db=PATH to index again",
		    db_path, store_file_schema_version(db_path), STORE_SCHEMA_VERSION);
	else
		store_message(msg, err, errlen);
	return -1;
}

/* --- /etc/fuse.conf --- */

bool cli_fuse_conf_allows_other(const char *conf, size_t len)
{
	const char *p = conf, *end = conf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		const char *q = e;
		while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r'))
			q--;
		static const char key[] = "user_allow_other";
		if ((size_t)(q - p) == sizeof key - 1 && memcmp(p, key, sizeof key - 1) == 0)
			return true;
		p = nl ? nl + 1 : end;
	}
	return false;
}

int cli_check_allow_other(bool is_root, const char *option, const char *conf, size_t len, char *err,
                          size_t errlen)
{
	if (is_root || (conf && cli_fuse_conf_allows_other(conf, len)))
		return 0;
	snprintf(err, errlen,
	         "-o %s: /etc/fuse.conf does not allow it for users other than root; add the "
	         "line user_allow_other to /etc/fuse.conf (as root), or leave the option out",
	         option);
	return -1;
}

/* --- time zones --- */

static const char *posix_tz_name(const char *s)
{
	if (*s == '<') {
		const char *p = s + 1;
		while (*p && (isalnum((unsigned char)*p) || *p == '+' || *p == '-'))
			p++;
		if (*p != '>' || p - s - 1 < 3)
			return NULL;
		return p + 1;
	}
	const char *p = s;
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* Digits as a number, at most `max_digits` of them and at most max. */
static const char *posix_tz_number(const char *s, int max_digits, long max, long *out)
{
	long v = 0;
	int n = 0;
	while (isdigit((unsigned char)s[n]) && n < max_digits)
		v = v * 10 + (s[n++] - '0');
	if (n == 0 || isdigit((unsigned char)s[n]) || v > max)
		return NULL;
	*out = v;
	return s + n;
}

/* [+-]hh[:mm[:ss]]; hours up to max_hours. */
static const char *posix_tz_time(const char *s, long max_hours)
{
	long v;
	if (*s == '+' || *s == '-')
		s++;
	if (!(s = posix_tz_number(s, 3, max_hours, &v)))
		return NULL;
	for (int i = 0; i < 2 && *s == ':'; i++)
		if (!(s = posix_tz_number(s + 1, 2, 59, &v)))
			return NULL;
	return s;
}

/* Jn, n or Mm.w.d, optionally /time. */
static const char *posix_tz_date(const char *s)
{
	long v;
	if (*s == 'J') {
		if (!(s = posix_tz_number(s + 1, 3, 365, &v)) || v < 1)
			return NULL;
	} else if (*s == 'M') {
		if (!(s = posix_tz_number(s + 1, 2, 12, &v)) || v < 1 || *s != '.')
			return NULL;
		if (!(s = posix_tz_number(s + 1, 1, 5, &v)) || v < 1 || *s != '.')
			return NULL;
		if (!(s = posix_tz_number(s + 1, 1, 6, &v)))
			return NULL;
	} else if (!(s = posix_tz_number(s, 3, 365, &v))) {
		return NULL;
	}
	if (*s == '/')
		s = posix_tz_time(s + 1, 167);
	return s;
}

bool cli_posix_tz_valid(const char *s)
{
	if (!s || !(s = posix_tz_name(s)) || !(s = posix_tz_time(s, 24)))
		return false;
	if (!*s)
		return true;
	if (!(s = posix_tz_name(s)))
		return false;
	if (*s && *s != ',' && !(s = posix_tz_time(s, 24)))
		return false;
	if (!*s)
		return true;
	if (*s != ',' || !(s = posix_tz_date(s + 1)) || *s != ',' || !(s = posix_tz_date(s + 1)))
		return false;
	return *s == '\0';
}

static bool is_tzif_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	char magic[4];
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	          read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
	          memcmp(magic, "TZif", 4) == 0;
	close(fd);
	return ok;
}

int cli_check_tz(const char *zone, const char *tzdir, char *err, size_t errlen)
{
	const char *name = zone[0] == ':' ? zone + 1 : zone;
	if (*name && !strstr(name, "..")) {
		char path[PATH_MAX];
		int n = name[0] == '/'
		            ? snprintf(path, sizeof path, "%s", name)
		            : snprintf(path, sizeof path, "%s/%s",
		                       tzdir && *tzdir ? tzdir : "/usr/share/zoneinfo", name);
		if (n > 0 && (size_t)n < sizeof path && is_tzif_file(path))
			return 0;
	}
	if (zone[0] != ':' && cli_posix_tz_valid(zone))
		return 0;
	snprintf(err, errlen,
	         "-o tz=%s: unknown time zone; use a name from /usr/share/zoneinfo such as "
	         "Europe/Paris, or a POSIX rule such as UTC0",
	         zone);
	return -1;
}

/* --- describing a folder without media --- */

static void count_into(struct source_dir *dir, int depth, uint64_t limit,
                       struct cli_folder_census *c)
{
	if (depth > 64)
		return;
	struct source_listing l;
	if (source_dir_list(dir, false, &l) == 0) {
		for (size_t i = 0; i < l.n; i++) {
			const struct source_entry *e = &l.entries[i];
			if (c->folders + c->json + c->files >= limit) {
				c->truncated = true;
				break;
			}
			if (e->error)
				continue;
			struct source_dir *sub;
			if (e->type == SOURCE_DIR) {
				c->folders++;
				if (source_dir_open(dir, e->name, &sub) == 0) {
					count_into(sub, depth + 1, limit, c);
					source_dir_close(sub);
				}
			} else if (ends_with(e->name, ".json")) {
				c->json++;
			} else {
				c->files++;
			}
		}
	}
	source_listing_free(&l);
}

void cli_count_folder(const char *path, uint64_t limit, struct cli_folder_census *c)
{
	memset(c, 0, sizeof *c);
	struct source *src;
	struct source_dir *root;
	if (source_open(path, &src) != 0)
		return;
	if (source_dir_root(src, &root) == 0) {
		count_into(root, 0, limit, c);
		source_dir_close(root);
	}
	source_free(src);
}

void cli_format_census(const struct cli_folder_census *c, char *out, size_t outlen)
{
	if (c->folders == 0 && c->json == 0 && c->files == 0) {
		snprintf(out, outlen, "it is empty");
		return;
	}
	char json[64] = "";
	if (c->json)
		snprintf(json, sizeof json, ", %" PRIu64 " JSON file%s", c->json,
		         c->json == 1 ? "" : "s");
	snprintf(out, outlen, "it holds %s%" PRIu64 " folder%s%s and %" PRIu64 " other file%s",
	         c->truncated ? "more than " : "", c->folders, c->folders == 1 ? "" : "s", json,
	         c->files, c->files == 1 ? "" : "s");
}
