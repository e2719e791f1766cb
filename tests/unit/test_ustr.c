/* Unicode helper tests: strict UTF-8 validation, UTF-16 unit counting and
 * prefixes (surrogate pairs never split), NFC, repair, ASCII case folding. */
#include "check.h"
#include "util/ustr.h"

#include <stdlib.h>
#include <string.h>

#define S(lit) (lit), (sizeof(lit) - 1)

static void test_validation(void)
{
	CHECK(ustr_valid_utf8(S("")));
	CHECK(ustr_valid_utf8(S("plain ascii")));
	CHECK(ustr_valid_utf8(S("modifié 編集済み 😀")));
	CHECK(ustr_valid_utf8(S("a\0b")));              /* NUL is a valid character */
	CHECK(!ustr_valid_utf8(S("\xc0\x80")));         /* overlong NUL */
	CHECK(!ustr_valid_utf8(S("\xe0\x80\xaf")));     /* overlong */
	CHECK(!ustr_valid_utf8(S("\xf0\x82\x82\xac"))); /* overlong */
	CHECK(!ustr_valid_utf8(S("\xed\xa0\x80")));     /* surrogate U+D800 */
	CHECK(!ustr_valid_utf8(S("\xf4\x90\x80\x80"))); /* above U+10FFFF */
	CHECK(!ustr_valid_utf8(S("\xf0\x9f\x98")));     /* truncated emoji */
	CHECK(!ustr_valid_utf8(S("\x80")));             /* stray continuation */
	CHECK(!ustr_valid_utf8(S("\xff")));
	CHECK(ustr_valid_utf8(S("\xf4\x8f\xbf\xbf"))); /* U+10FFFF */
	CHECK(ustr_valid_utf8(S("\xed\x9f\xbf")));     /* U+D7FF */
}

static void test_utf16_lengths(void)
{
	CHECK_INT(ustr_utf16_len(S("")), 0);
	CHECK_INT(ustr_utf16_len(S("IMG_1.jpg")), 9);
	CHECK_INT(ustr_utf16_len(S("é")), 1);
	CHECK_INT(ustr_utf16_len(S("編")), 1);
	CHECK_INT(ustr_utf16_len(S("😀")), 2);
	CHECK_INT(ustr_utf16_len(S("☺️")), 2); /* U+263A U+FE0F */
	CHECK_INT(ustr_utf16_len(S("\xff\xfe")), 2);
	CHECK_INT(ustr_utf16_len(S("\xf0\x9f\x98")), 3); /* truncated: three invalid bytes */
	/* clang-format 14 splits emoji literals again on every run. */
	/* clang-format off */
	/* §2.6: the 24-emoji media stem is 48 units, its sidecar stem 46. */
	CHECK_INT(ustr_utf16_len(S("😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛")),
	          48);
	CHECK_INT(ustr_utf16_len(S("😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋")),
	          46);
	/* clang-format on */
}

static void test_utf16_prefix(void)
{
	const char s[] = "ab😀c";
	CHECK_INT(ustr_utf16_prefix(S(s), 0), 0);
	CHECK_INT(ustr_utf16_prefix(S(s), 2), 2);
	CHECK_INT(ustr_utf16_prefix(S(s), 3), 2); /* would split the pair */
	CHECK_INT(ustr_utf16_prefix(S(s), 4), 6);
	CHECK_INT(ustr_utf16_prefix(S(s), 5), 7);
	CHECK_INT(ustr_utf16_prefix(S(s), 99), 7);
	CHECK_INT(ustr_utf16_prefix(S("\xff\xfe"
	                              "a"),
	                            2),
	          2);
	/* clang-format 14 splits emoji literals again on every run. */
	/* clang-format off */
	const char emoji[] = "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛";
	/* clang-format on */
	size_t cut = ustr_utf16_prefix(S(emoji), 47);
	CHECK_INT(ustr_utf16_len(emoji, cut), 46);
	CHECK_INT(cut, sizeof emoji - 1 - 4);
}

static void test_nfc(void)
{
	char *a = ustr_nfc(S("Cafe\xcc\x81.jpg"));
	CHECK_STR(a, "Caf\xc3\xa9.jpg");
	free(a);
	char *b = ustr_nfc(S("IMG_1.jpg"));
	CHECK_STR(b, "IMG_1.jpg");
	free(b);
	char *c = ustr_nfc(S("\xff"
	                     "e\xcc\x81")); /* invalid: copied unchanged */
	CHECK(c &&
	      memcmp(c,
	             "\xff"
	             "e\xcc\x81",
	             4) == 0 &&
	      c[4] == '\0');
	free(c);
	char *d = ustr_nfc(S("-modifie\xcc\x81(1)"));
	CHECK_STR(d, "-modifié(1)");
	free(d);
	char *e = ustr_nfc(S("\xe1\x84\x91\xe1\x85\xa7\xe1\x86\xab")); /* Hangul jamo -> syllable */
	CHECK_STR(e, "\xed\x8e\xb8");
	free(e);
	char *f = ustr_nfc("", 0);
	CHECK_STR(f, "");
	free(f);
}

static void test_sanitize(void)
{
	char *a = ustr_sanitize_utf8(S("ok é"));
	CHECK_STR(a, "ok é");
	free(a);
	char *b = ustr_sanitize_utf8(S("a\xff"
	                               "b\0c\xed\xa0\x80"));
	CHECK_STR(b, "a\xef\xbf\xbd"
	             "b\xef\xbf\xbd"
	             "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK(b && ustr_valid_utf8(b, strlen(b)));
	free(b);
	char *c = ustr_sanitize_utf8(S("\xf0\x9f\x98"));
	CHECK_STR(c, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	free(c);
}

static void test_ascii_ieq(void)
{
	CHECK(ustr_ascii_ieq(S("JPG"), S("jpg")));
	CHECK(ustr_ascii_ieq(S(""), S("")));
	CHECK(!ustr_ascii_ieq(S("jpg"), S("jpeg")));
	CHECK(!ustr_ascii_ieq(S("jpg"), S("jpf")));
	CHECK(!ustr_ascii_ieq(S("É"), S("é"))); /* ASCII only */
	CHECK(!ustr_ascii_ieq(S("@"), S("`")));
}

/* SQLite's BLOB order: bytes unsigned, a prefix first, empty first of all. */
static void test_bytes_order(void)
{
	CHECK(ustr_bytes_cmp("a", 1, "b", 1) < 0);
	CHECK(ustr_bytes_cmp("b", 1, "a", 1) > 0);
	CHECK(ustr_bytes_cmp("ab", 2, "ab", 2) == 0);
	CHECK(ustr_bytes_cmp("ab", 2, "abc", 3) < 0);
	CHECK(ustr_bytes_cmp("abc", 3, "ab", 2) > 0);
	CHECK(ustr_bytes_cmp("", 0, "a", 1) < 0 && ustr_bytes_cmp(NULL, 0, NULL, 0) == 0);
	CHECK(ustr_bytes_cmp("z", 1, "\xc3\xa9", 2) < 0); /* 0x7a before 0xc3: unsigned */
	CHECK(ustr_bytes_cmp("a\0b", 3, "a\0c", 3) < 0);  /* NULs compared, not ends */
	CHECK(ustr_bytes_cmp("a/b", 3, "a b", 3) > 0);    /* '/' 0x2f after ' ' 0x20 */
}

int main(void)
{
	test_bytes_order();
	test_validation();
	test_utf16_lengths();
	test_utf16_prefix();
	test_nfc();
	test_sanitize();
	test_ascii_ieq();
	CHECK_DONE();
}
