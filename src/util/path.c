/* path_join: the one place that turns a store row's (folder, name) into the
 * relative path the daemon opens below SOURCE. */
#include "util/path.h"

#include <errno.h>
#include <string.h>

long path_join(char *buf, size_t cap, const char *dir, size_t dir_len, const char *name,
               size_t name_len)
{
	if (name_len == 0)
		return -ENOENT;
	size_t at = dir_len ? dir_len + 1 : 0;
	if (at + name_len + 1 > cap)
		return -ENAMETOOLONG;
	if (dir_len) {
		memcpy(buf, dir, dir_len);
		buf[dir_len] = '/';
	}
	memcpy(buf + at, name, name_len);
	buf[at + name_len] = '\0';
	return memchr(buf, '\0', at + name_len) ? -ENOENT : (long)(at + name_len);
}
