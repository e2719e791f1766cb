/* Entry-name policy of the views: cleaning arbitrary bytes into a name the
 * kernel accepts, shortening long names keeping their extension, and the
 * " (n)" numbering of items that share a name in one folder. */
#include "views/names.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/ustr.h"

#define EXT_MAX 16

size_t names_ext_start(const char *name, size_t len)
{
	const char *dot = NULL;
	for (size_t i = len; i > 1; i--) {
		if (name[i - 1] == '.') {
			dot = name + i - 1;
			break;
		}
	}
	if (!dot)
		return len;
	size_t at = (size_t)(dot - name);
	if (len - at > EXT_MAX)
		return len;
	for (size_t i = at; i < len; i++)
		if (name[i] == ' ')
			return len;
	return at;
}

/* Appends the replacement of one input byte (or the byte itself) to out. */
static size_t clean_byte(unsigned char c, char *out)
{
	if (c == '/') {
		memcpy(out, "\xe2\x88\x95", 3); /* U+2215 DIVISION SLASH */
		return 3;
	}
	if (c == 0) {
		memcpy(out, "\xef\xbf\xbd", 3); /* U+FFFD */
		return 3;
	}
	out[0] = (char)c;
	return 1;
}

/* Cleans name[0..len) into buf without any length limit (buf holds 3*len+16). */
static size_t clean_unbounded(const char *name, size_t len, char *buf)
{
	if (len == 0) {
		memcpy(buf, "untitled", 8);
		return 8;
	}
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.')) {
		for (size_t i = 0; i < len; i++)
			memcpy(buf + 3 * i, "\xe2\x80\xa4", 3); /* U+2024 ONE DOT LEADER */
		return 3 * len;
	}
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += clean_byte((unsigned char)name[i], buf + n);
	return n;
}

/* Joins stem + insert + ext into out, cutting the stem so the whole fits max. */
static size_t fit(const char *stem, size_t stem_len, const char *insert, size_t ins_len,
                  const char *ext, size_t ext_len, size_t max, char *out)
{
	if (ins_len + ext_len >= max) { /* pathological: keep what fits */
		ext_len = 0;
		if (ins_len >= max)
			ins_len = 0;
	}
	size_t keep = ustr_utf8_cut(stem, stem_len, max - ins_len - ext_len);
	if (keep == 0 && stem_len > 0)
		keep = 1 < stem_len ? 1 : stem_len;
	memcpy(out, stem, keep);
	memcpy(out + keep, insert, ins_len);
	memcpy(out + keep + ins_len, ext, ext_len);
	out[keep + ins_len + ext_len] = '\0';
	return keep + ins_len + ext_len;
}

static size_t clean_with_insert(const char *name, size_t len, const char *insert, size_t max,
                                char *out)
{
	if (max > NAMES_MAX)
		max = NAMES_MAX;
	/* A name longer than a few NAME_MAX is cut first: the result is shorter anyway. */
	if (len > 4 * NAMES_MAX) {
		size_t ext = names_ext_start(name, len);
		char tmp[4 * NAMES_MAX + 1];
		size_t ext_len = len - ext;
		size_t head = 4 * NAMES_MAX - ext_len;
		memcpy(tmp, name, head);
		memcpy(tmp + head, name + ext, ext_len);
		return clean_with_insert(tmp, 4 * NAMES_MAX, insert, max, out);
	}
	char buf[12 * NAMES_MAX + 16];
	size_t n = clean_unbounded(name, len, buf);
	size_t ext = names_ext_start(buf, n);
	return fit(buf, ext, insert, strlen(insert), buf + ext, n - ext, max, out);
}

size_t names_clean(const char *name, size_t len, size_t max, char *out)
{
	return clean_with_insert(name, len, "", max, out);
}

size_t names_numbered(const char *name, size_t len, unsigned n, size_t max, char *out)
{
	char insert[24];
	snprintf(insert, sizeof insert, " (%u)", n);
	return clean_with_insert(name, len, insert, max, out);
}
