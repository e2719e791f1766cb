/* member_path_clean: what it keeps, how it collapses, and every refusal. */
#include <errno.h>
#include <string.h>

#include "archive/member_path.h"
#include "check.h"

static struct member_path mp;
static struct arc_problem p;

/* Cleans s (with its length, NULs included) and returns the code. */
static enum arc_code clean_n(const char *s, size_t len)
{
	member_path_clean(s, len, &mp, &p);
	return p.code;
}

static enum arc_code clean(const char *s)
{
	return clean_n(s, strlen(s));
}

int main(void)
{
	CHECK_INT(clean("a/b/c.jpg"), ARC_OK);
	CHECK_STR(mp.path, "a/b/c.jpg");
	CHECK_INT(mp.len, 9);
	CHECK(!mp.is_dir);
	CHECK_INT(clean("./Takeout/Google Photos/x.jpg"), ARC_OK);
	CHECK_STR(mp.path, "Takeout/Google Photos/x.jpg");
	CHECK_INT(clean("././a//b/./c"), ARC_OK);
	CHECK_STR(mp.path, "a/b/c");
	CHECK_INT(clean("dir/"), ARC_OK);
	CHECK_STR(mp.path, "dir");
	CHECK(mp.is_dir);
	CHECK_INT(clean("dir/sub/."), ARC_OK);
	CHECK_STR(mp.path, "dir/sub");
	CHECK(mp.is_dir);
	CHECK_INT(clean("a\\..\\b"), ARC_OK); /* a backslash is a name byte */
	CHECK_STR(mp.path, "a\\..\\b");
	CHECK_INT(clean("...hidden/..x/x.."), ARC_OK);
	CHECK_STR(mp.path, "...hidden/..x/x..");
	CHECK_INT(clean("caf\xc3\xa9/\xf0\x9f\x93\xb7.jpg"), ARC_OK);
	CHECK_INT(clean("Google\xc2\xa0Photos"), ARC_OK);

	static const struct {
		const char *raw;
		size_t len;
		enum arc_code code;
	} refused[] = {
	    {"", 0, ARC_NAME_EMPTY},
	    {".", 1, ARC_NAME_EMPTY},
	    {"./", 2, ARC_NAME_EMPTY},
	    {".//./", 5, ARC_NAME_EMPTY},
	    {"/etc/passwd", 11, ARC_NAME_ABSOLUTE},
	    {"//x", 3, ARC_NAME_ABSOLUTE},
	    {"../x", 4, ARC_NAME_DOTDOT},
	    {"a/../../x", 9, ARC_NAME_DOTDOT},
	    {"a/..", 4, ARC_NAME_DOTDOT},
	    {"a/../", 5, ARC_NAME_DOTDOT},
	    {"./..", 4, ARC_NAME_DOTDOT},
	    {"a\0/x", 4, ARC_NAME_NUL},
	    {"x\0", 2, ARC_NAME_NUL},
	    {"caf\xe9.txt", 8, ARC_NAME_BAD_UTF8},   /* Latin-1 */
	    {"\xc0\xaf", 2, ARC_NAME_BAD_UTF8},      /* overlong '/' */
	    {"\xed\xa0\x80", 3, ARC_NAME_BAD_UTF8},  /* surrogate */
	    {"x\xf0\x9f\x93", 4, ARC_NAME_BAD_UTF8}, /* cut character */
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		CHECK_MSG(clean_n(refused[i].raw, refused[i].len) == refused[i].code, "'%s': %s",
		          refused[i].raw, arc_code_name(p.code));
		CHECK_INT(member_path_clean(refused[i].raw, refused[i].len, &mp, &p), -EINVAL);
	}
	CHECK(strlen(p.msg) > 0);
	CHECK_STR(arc_code_name(p.code), "name-bad-utf8");

	char name[MEMBER_PATH_MAX + 600];
	memset(name, 'n', 255);
	name[255] = '\0';
	CHECK_INT(clean(name), ARC_OK);
	CHECK_INT(mp.len, 255);
	memset(name, 'n', 256);
	name[256] = '\0';
	CHECK_INT(clean(name), ARC_NAME_TOO_LONG);
	/* 16 components of 255 bytes: 4095 bytes with their slashes, the most. */
	size_t at = 0;
	for (int i = 0; i < 16; i++) {
		memset(name + at, 'a' + i, 255);
		at += 255;
		name[at++] = '/';
	}
	name[at - 1] = '\0';
	CHECK_INT(clean(name), ARC_OK);
	CHECK_INT(mp.len, MEMBER_PATH_MAX - 1);
	name[at - 1] = '/';
	memcpy(name + at, "z", 2);
	CHECK_INT(clean(name), ARC_NAME_TOO_LONG);
	/* Doubled slashes do not count against the bound. */
	CHECK_INT(clean("a//////////////////////////b"), ARC_OK);
	CHECK_STR(mp.path, "a/b");

	for (int c = 0; c < ARC_CODE_COUNT; c++)
		CHECK(strcmp(arc_code_name((enum arc_code)c), "unknown") != 0);
	CHECK_STR(arc_code_name(ARC_CODE_COUNT), "unknown");
	CHECK_DONE();
}
