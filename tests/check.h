/* Minimal assertion helpers for the unit tests. Every test program ends with
 * CHECK_DONE(), which prints the "N passed, N failed" line CI reads and
 * returns non-zero when any check failed. */
#ifndef TFS_TESTS_CHECK_H
#define TFS_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed_, check_failed_;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (cond) {                                                                        \
			check_passed_++;                                                           \
		} else {                                                                           \
			check_failed_++;                                                           \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_MSG(cond, ...)                                                                       \
	do {                                                                                       \
		if (cond) {                                                                        \
			check_passed_++;                                                           \
		} else {                                                                           \
			check_failed_++;                                                           \
			fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);   \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		CHECK_MSG(a_ &&b_ &&strcmp(a_, b_) == 0, "'%s' != '%s'", a_ ? a_ : "(null)",       \
		          b_ ? b_ : "(null)");                                                     \
	} while (0)

#define CHECK_INT(a, b)                                                                            \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		CHECK_MSG(a_ == b_, "%lld != %lld", a_, b_);                                       \
	} while (0)

#define CHECK_DONE()                                                                               \
	do {                                                                                       \
		printf("%d passed, %d failed\n", check_passed_, check_failed_);                    \
		return check_failed_ ? 1 : 0;                                                      \
	} while (0)

#endif
