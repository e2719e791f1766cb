/* Where the store lives when -o db is not given:
 * $XDG_CACHE_HOME/takeoutfs/<id>.sqlite (fallback ~/.cache/takeoutfs/...),
 * <id> = 16 hex digits of a hash of SOURCE's real path, a dash, and SOURCE's
 * last path component made filename-safe (so `ls` says which store is whose).
 * Owns: that naming and creating the private (0700) folders on the way.
 * Must not: open or create the store itself. */
#ifndef TFS_CLI_PATHS_H
#define TFS_CLI_PATHS_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit FNV-1a of s: stable across builds and machines, which the store
 * name needs (a store is found again by recomputing its name). */
uint64_t cli_path_hash(const char *s);

/* Writes "<16 hex>-<name>" for the real path of SOURCE. Returns 0, or -1 when
 * out is too small (out then holds an empty string). */
int cli_store_id(const char *real_source, char *out, size_t outlen);

/* The default store path for real_source, given the values of
 * XDG_CACHE_HOME and HOME (either may be NULL; relative values are ignored,
 * as the XDG spec says). Returns 0, or -1 with err set. Pure. */
int cli_default_store_path(const char *real_source, const char *xdg_cache_home, const char *home,
                           char *out, size_t outlen, char *err, size_t errlen);

/* mkdir -p for dir, creating missing folders with mode 0700. Returns 0, or -1
 * with err set to "<what>: <why>; <what to do>". */
int cli_make_private_dirs(const char *dir, char *err, size_t errlen);

#endif
