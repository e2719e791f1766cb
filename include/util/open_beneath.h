/* Opening a path below a directory without ever leaving it: no symbolic link
 * is followed in any component, and ".." cannot climb out. The indexer and
 * the daemon open everything under SOURCE this way, so a folder swapped for a
 * link while they run cannot make them read (or serve) a file from elsewhere.
 * Owns: that rule. Must not: be bypassed by a plain openat() of a path with
 * more than one component. */
#ifndef TFS_UTIL_OPEN_BENEATH_H
#define TFS_UTIL_OPEN_BENEATH_H

/* Like openat(dir_fd, path, flags) but confined as above ("" opens dir_fd's
 * folder itself). O_CLOEXEC is always added. Returns an fd, or -1 with errno
 * (ELOOP, EXDEV or ENOTDIR for a link or an escape; ENAMETOOLONG for a component
 * over 255 bytes). Works for paths longer than PATH_MAX. */
int open_beneath(int dir_fd, const char *path, int flags);

/* The component-by-component fallback alone (exposed for tests). */
int open_beneath_walk(int dir_fd, const char *path, int flags);

#endif
