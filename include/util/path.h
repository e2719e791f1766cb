/* Joining a folder path and a name as the store keeps them (raw bytes,
 * "" for SOURCE itself) into one relative path.
 * Owns: the separator rule and the checks a path handed to open() needs.
 * Must not: touch the disk. */
#ifndef TFS_UTIL_PATH_H
#define TFS_UTIL_PATH_H

#include <stddef.h>

/* Writes dir + "/" + name (just name when dir is empty) into buf with a NUL.
 * Returns its length, -ENOENT when name is empty or a NUL byte sits inside
 * either part, -ENAMETOOLONG when it does not fit in cap bytes. */
long path_join(char *buf, size_t cap, const char *dir, size_t dir_len, const char *name,
               size_t name_len);

#endif
