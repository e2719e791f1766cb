/* Checks run before the long indexing, so that every user mistake costs one
 * line and no waiting: SOURCE, MOUNTPOINT, /dev/fuse, the store, -o tz.
 * Owns: those checks and their messages ("<what>: <why>; <what to do>", no
 * "takeoutfs: " prefix), and the description of a folder that is not a Takeout.
 * Must not: print, exit, or change anything on disk (the store check only
 * opens an existing store). Parsers (mountinfo, TZ) take buffers, not paths. */
#ifndef TFS_CLI_CHECKS_H
#define TFS_CLI_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SOURCE exists, is a readable folder. On success *real is its malloc'd realpath. */
int cli_check_source(const char *source, char **real, char *err, size_t errlen);

/* True when mountinfo[0..len) (the format of /proc/self/mountinfo) lists
 * path as a mount point. Mount points there escape space, tab, newline and
 * backslash as \ooo; path is compared unescaped. */
bool cli_mountinfo_lists(const char *mountinfo, size_t len, const char *path);

/* MOUNTPOINT exists, is a folder, is not already a mount point (according to
 * mountinfo, which may be NULL when unknown) and, unless nonempty, is empty. */
int cli_check_mountpoint(const char *mountpoint, bool nonempty, const char *mountinfo,
                         size_t mountinfo_len, char *err, size_t errlen);

/* The FUSE device at path (normally /dev/fuse) exists, is a character device
 * and this user can open it (libfuse opens it before any fusermount3). */
int cli_check_fuse_device(const char *path, char *err, size_t errlen);

/* The store at db_path can be used: an existing one opens for writing and is
 * not from a newer takeoutfs; for a new one, its folder exists and is writable. */
int cli_check_store(const char *db_path, char *err, size_t errlen);

/* True when fuse.conf[0..len) (the format of /etc/fuse.conf) has an active
 * user_allow_other line. */
bool cli_fuse_conf_allows_other(const char *conf, size_t len);

/* -o allow_other (or allow_root) for a user other than root needs
 * user_allow_other in /etc/fuse.conf, else fusermount3 refuses the mount
 * after the whole indexing. conf may be NULL (no such file). */
int cli_check_allow_other(bool is_root, const char *option, const char *conf, size_t len, char *err,
                          size_t errlen);

/* True when s is a POSIX TZ rule such as "UTC0", "EST5EDT" or
 * "CET-1CEST,M3.5.0,M10.5.0/3" (the form glibc parses when no file matches). */
bool cli_posix_tz_valid(const char *s);

/* ZONE is a POSIX TZ rule or names a TZif file (under tzdir when relative;
 * a leading ':' is allowed). glibc silently falls back to UTC on anything
 * else, which would shift every date: hence the check. */
int cli_check_tz(const char *zone, const char *tzdir, char *err, size_t errlen);

/* What a folder with no media holds, counted recursively (stops counting
 * after `limit` entries): e.g. "it holds 3 folders and 12 other files", or
 * "it holds 1 folder, 4 JSON files and 2 other files" (JSON alone is a hint
 * that the media went into another archive part). */
struct cli_folder_census {
	uint64_t folders, json, files; /* files: other than JSON */
	bool truncated;
};
void cli_count_folder(const char *path, uint64_t limit, struct cli_folder_census *c);
void cli_format_census(const struct cli_folder_census *c, char *out, size_t outlen);

#endif
