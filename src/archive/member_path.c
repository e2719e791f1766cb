/* member_path_clean: the one gate every zip and tar member name passes
 * before it can become a path under the mount (rules in the header).
 * Owns: splitting on '/', the refusal order. Must not: allocate. */
#include "archive/member_path.h"

#include <string.h>

#include "problem_set.h"
#include "util/ustr.h"

/* Appends component c[0..n) to out (with a '/' before all but the first). */
static int append_component(struct member_path *out, const char *c, size_t n, struct arc_problem *p)
{
	size_t need = out->len + (out->len > 0) + n;
	if (need > MEMBER_PATH_MAX - 1)
		return arc_fail(p, ARC_NAME_TOO_LONG, "member path longer than %d bytes",
		                MEMBER_PATH_MAX - 1);
	if (out->len > 0)
		out->path[out->len++] = '/';
	memcpy(out->path + out->len, c, n);
	out->len += n;
	out->path[out->len] = '\0';
	return 0;
}

int member_path_clean(const char *raw, size_t len, struct member_path *out, struct arc_problem *p)
{
	arc_problem_clear(p);
	out->len = 0;
	out->path[0] = '\0';
	out->is_dir = false;
	if (len > 0 && memchr(raw, '\0', len) != NULL)
		return arc_fail(p, ARC_NAME_NUL, "member name holds a NUL byte");
	if (!ustr_valid_utf8(raw, len))
		return arc_fail(p, ARC_NAME_BAD_UTF8, "member name is not valid UTF-8");
	if (len > 0 && raw[0] == '/')
		return arc_fail(p, ARC_NAME_ABSOLUTE, "absolute member name");
	size_t i = 0;
	bool last_was_dir_marker = false;
	while (i < len) {
		const char *slash = memchr(raw + i, '/', len - i);
		size_t end = slash ? (size_t)(slash - raw) : len;
		size_t n = end - i;
		const char *c = raw + i;
		last_was_dir_marker = slash != NULL || (n == 1 && c[0] == '.');
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return arc_fail(p, ARC_NAME_DOTDOT, "member name has a '..' component");
		if (n > MEMBER_COMPONENT_MAX)
			return arc_fail(p, ARC_NAME_TOO_LONG, "member name component over %d bytes",
			                MEMBER_COMPONENT_MAX);
		int rc = n > 0 && !(n == 1 && c[0] == '.') ? append_component(out, c, n, p) : 0;
		if (rc < 0)
			return rc;
		i = end + 1;
	}
	if (out->len == 0)
		return arc_fail(p, ARC_NAME_EMPTY, "member name is empty once cleaned");
	out->is_dir = last_was_dir_marker;
	return 0;
}
