/* Turning a member name as an archive stores it (zip or tar, raw bytes, UTF-8
 * already decoded by the format parser) into a safe relative path, or a
 * refusal with its reason. Both zip and tar go through this one function, so
 * a name that would leave the mount, or could not be a Linux file name, is
 * refused the same way whatever the format.
 * Rules: a leading "./" and every empty or "." component are dropped
 * ("a//./b" is "a/b"); a trailing '/' (or "/.") marks a directory. Refused:
 * NUL anywhere, a leading '/' (absolute), any ".." component, bytes that are
 * not well-formed UTF-8 (no escape is invented: a refused name is reported,
 * not renamed), a component over 255 bytes, a result over MEMBER_PATH_MAX-1
 * bytes, and a name that is empty once cleaned ("", ".", "./": callers may
 * ignore that silently for a directory entry, tar writes "./" for its root).
 * A backslash is an ordinary byte (Linux file names may hold one).
 * Owns: those rules. Must not: touch the disk, allocate.
 * Error convention (the archive layer's): 0, or -EINVAL with *p (never NULL)
 * set to an ARC_NAME_* code. */
#ifndef TFS_ARCHIVE_MEMBER_PATH_H
#define TFS_ARCHIVE_MEMBER_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "archive/problem.h"

#define MEMBER_PATH_MAX      4096 /* bytes of the cleaned path, with its NUL */
#define MEMBER_COMPONENT_MAX 255  /* bytes of one component (NAME_MAX) */

struct member_path {
	char path[MEMBER_PATH_MAX]; /* "a/b/c.jpg": no leading, trailing or doubled '/' */
	size_t len;                 /* strlen(path), > 0 */
	bool is_dir;                /* the raw name ended with '/' (or "/.") */
};

/* Cleans raw[0..len) into *out as above. 0, or -EINVAL with *p set (*out is then
 * unspecified). */
int member_path_clean(const char *raw, size_t len, struct member_path *out, struct arc_problem *p);

#endif
