/* Entry-name policy: cleaning, shortening keeping the extension, numbering. */
#include "check.h"

#include <stdlib.h>

#include "views/names.h"

static const char *clean(const char *s, size_t max)
{
	static char out[NAMES_MAX + 1];
	size_t n = names_clean(s, strlen(s), max, out);
	CHECK_INT(n, strlen(out));
	return out;
}

static const char *numbered(const char *s, unsigned n, size_t max)
{
	static char out[NAMES_MAX + 1];
	size_t len = names_numbered(s, strlen(s), n, max, out);
	CHECK_INT(len, strlen(out));
	return out;
}

static void test_extension(void)
{
	CHECK_INT(names_ext_start("IMG_1.jpg", 9), 5);
	CHECK_INT(names_ext_start("archive.tar.gz", 14), 11);
	CHECK_INT(names_ext_start(".hidden", 7), 7);
	CHECK_INT(names_ext_start("noext", 5), 5);
	CHECK_INT(names_ext_start("Mr. Smith goes", 14), 14);       /* a title, not a type */
	CHECK_INT(names_ext_start("a.verylongextension1", 20), 20); /* too long to be one */
	CHECK_INT(names_ext_start("IMG.MP~2", 8), 3);
}

static void test_clean(void)
{
	CHECK_STR(clean("IMG_1.jpg", NAMES_MAX), "IMG_1.jpg");
	CHECK_STR(clean("A/B", NAMES_MAX), "A\xe2\x88\x95"
	                                   "B");
	CHECK_STR(clean("", NAMES_MAX), "untitled");
	CHECK_STR(clean(".", NAMES_MAX), "\xe2\x80\xa4");
	CHECK_STR(clean("..", NAMES_MAX), "\xe2\x80\xa4\xe2\x80\xa4");
	CHECK_STR(clean("...", NAMES_MAX), "...");
	CHECK_STR(clean("bad\xff.jpg", NAMES_MAX), "bad\xff.jpg"); /* a real name is kept */
	char nul_name[] = {'a', 0, 'b'};
	char out[NAMES_MAX + 1];
	CHECK_INT(names_clean(nul_name, 3, NAMES_MAX, out), 5);
	CHECK_STR(out, "a\xef\xbf\xbd"
	               "b");
}

static void test_long(void)
{
	char name[1200];
	memset(name, 'a', 1000);
	strcpy(name + 1000, ".jpeg");
	const char *c = clean(name, NAMES_MEDIA_MAX);
	CHECK_INT(strlen(c), NAMES_MEDIA_MAX);
	CHECK_STR(c + NAMES_MEDIA_MAX - 5, ".jpeg");
	CHECK_INT(strlen(clean(name, NAMES_MAX)), NAMES_MAX);
	/* 2-byte characters are never cut in half. */
	for (int i = 0; i < 300; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	strcpy(name + 600, ".png");
	c = clean(name, NAMES_MAX);
	CHECK_INT(strlen(c), 254);
	CHECK_STR(c + 250, ".png");
	CHECK(((unsigned char)c[249] & 0xc0) != 0xc0); /* ends on a whole character */
	/* Slashes grow to 3 bytes and are still shortened to fit. */
	memset(name, '/', 200);
	name[200] = '\0';
	CHECK(strlen(clean(name, NAMES_MAX)) <= NAMES_MAX);
	/* Numbered long names keep both the counter and the extension. */
	memset(name, 'b', 400);
	strcpy(name + 400, ".mp4");
	c = numbered(name, 12, NAMES_MEDIA_MAX);
	CHECK_INT(strlen(c), NAMES_MEDIA_MAX);
	CHECK_STR(c + NAMES_MEDIA_MAX - 9, " (12).mp4");
}

static void test_numbered(void)
{
	CHECK_STR(numbered("IMG_1.jpg", 2, NAMES_MAX), "IMG_1 (2).jpg");
	CHECK_STR(numbered("noext", 3, NAMES_MAX), "noext (3)");
	CHECK_STR(numbered("A/B", 2, NAMES_MAX), "A\xe2\x88\x95"
	                                         "B (2)");
	CHECK_STR(numbered(".", 2, NAMES_MAX), "\xe2\x80\xa4 (2)");
	CHECK_STR(numbered("photo.edited.jpg", 10, NAMES_MAX), "photo.edited (10).jpg");
}

static void test_hostile(void)
{
	/* Random bytes: never longer than max, never "/" or NUL, never "." / "..". */
	srand(7);
	char in[700], out[NAMES_MAX + 1];
	for (int round = 0; round < 2000; round++) {
		size_t len = (size_t)(rand() % (int)sizeof in);
		for (size_t i = 0; i < len; i++)
			in[i] = (char)(rand() % 4 == 0 ? '/' : rand() % 256);
		size_t max = round % 2 ? NAMES_MAX : NAMES_MEDIA_MAX;
		size_t n = round % 3 ? names_clean(in, len, max, out)
		                     : names_numbered(in, len, (unsigned)round, max, out);
		CHECK(n > 0 && n <= max);
		CHECK(memchr(out, '/', n) == NULL && memchr(out, 0, n) == NULL);
		CHECK(strcmp(out, ".") != 0 && strcmp(out, "..") != 0);
	}
}

int main(void)
{
	test_extension();
	test_clean();
	test_long();
	test_numbered();
	test_hostile();
	CHECK_DONE();
}
