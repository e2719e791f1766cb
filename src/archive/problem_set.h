/* Private to the archive layer: filling a struct arc_problem.
 * Owns: the formatting of its message. Must not: be called by other layers
 * (they only read problems). */
#ifndef TFS_ARCHIVE_PROBLEM_SET_H
#define TFS_ARCHIVE_PROBLEM_SET_H

#include "archive/problem.h"

/* Sets p (may be NULL) to code with a printf-style message, truncated to fit.
 * Returns arc_errno(code), so that parsers write `return arc_fail(p, ...);`. */
int arc_fail(struct arc_problem *p, enum arc_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like arc_fail, but only when p holds no problem yet: the first problem
 * found for a member is the one reported. */
void arc_note(struct arc_problem *p, enum arc_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
