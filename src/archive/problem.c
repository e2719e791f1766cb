/* The archive layer's problem codes: their names, their errno, and the
 * message setter.
 * Owns: the name table and the code-to-errno table. Must not: allocate. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "archive/problem.h"
#include "problem_set.h"

static const char *const code_names[ARC_CODE_COUNT] = {
    [ARC_OK] = "ok",
    [ARC_TRUNCATED] = "truncated",
    [ARC_NO_END] = "no-end-record",
    [ARC_BAD_END] = "bad-end-record",
    [ARC_MULTIDISK] = "multi-disk",
    [ARC_BAD_SIGNATURE] = "bad-signature",
    [ARC_BAD_HEADER] = "bad-header",
    [ARC_BAD_CHECKSUM] = "bad-checksum",
    [ARC_COUNT_MISMATCH] = "count-mismatch",
    [ARC_IO] = "io-error",
    [ARC_NOMEM] = "out-of-memory",
    [ARC_BAD_EXTRA] = "bad-extra-field",
    [ARC_BAD_PAX] = "bad-pax",
    [ARC_OUT_OF_BOUNDS] = "out-of-bounds",
    [ARC_OVERLAP] = "overlap",
    [ARC_LOCAL_MISMATCH] = "local-header-mismatch",
    [ARC_UNSUPPORTED_METHOD] = "unsupported-method",
    [ARC_ENCRYPTED] = "encrypted",
    [ARC_BAD_DATA] = "bad-data",
    [ARC_BAD_CRC] = "bad-crc",
    [ARC_BAD_DESCRIPTOR] = "bad-descriptor",
    [ARC_TOO_BIG] = "too-big",
    [ARC_NAME_NUL] = "name-nul",
    [ARC_NAME_EMPTY] = "name-empty",
    [ARC_NAME_ABSOLUTE] = "name-absolute",
    [ARC_NAME_DOTDOT] = "name-dotdot",
    [ARC_NAME_BAD_UTF8] = "name-bad-utf8",
    [ARC_NAME_TOO_LONG] = "name-too-long",
};

const char *arc_code_name(enum arc_code code)
{
	if ((unsigned)code >= ARC_CODE_COUNT || code_names[code] == NULL)
		return "unknown";
	return code_names[code];
}

int arc_errno(enum arc_code code)
{
	switch (code) {
	case ARC_OK:
		return 0;
	case ARC_IO:
		return -EIO;
	case ARC_NOMEM:
		return -ENOMEM;
	case ARC_TOO_BIG:
		return -EFBIG;
	case ARC_MULTIDISK:
	case ARC_UNSUPPORTED_METHOD:
	case ARC_ENCRYPTED:
		return -ENOTSUP;
	case ARC_NAME_NUL:
	case ARC_NAME_EMPTY:
	case ARC_NAME_ABSOLUTE:
	case ARC_NAME_DOTDOT:
	case ARC_NAME_BAD_UTF8:
	case ARC_NAME_TOO_LONG:
		return -EINVAL;
	default:
		return -EBADMSG;
	}
}

void arc_problem_clear(struct arc_problem *p)
{
	p->code = ARC_OK;
	p->msg[0] = '\0';
}

int arc_fail(struct arc_problem *p, enum arc_code code, const char *fmt, ...)
{
	if (p == NULL)
		return arc_errno(code);
	p->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof p->msg, fmt, ap);
	va_end(ap);
	return arc_errno(code);
}

void arc_note(struct arc_problem *p, enum arc_code code, const char *fmt, ...)
{
	if (p->code != ARC_OK)
		return;
	p->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof p->msg, fmt, ap);
	va_end(ap);
}
