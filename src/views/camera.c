/* Readable camera names from EXIF Make/Model (see views/camera.h for the policy). */
#include "views/camera.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "views/names.h"

#define PART_MAX 256

/* Suffixes that name the company rather than the brand, lowercase, longest
 * first where one is the end of another. Stripped repeatedly from the end. */
static const char *const CORPORATE_SUFFIXES[] = {
    "co., ltd.", "co.,ltd.", "co., ltd", "co.,ltd", "co ltd",  "corporation", "corp.",
    "corp",      "company",  "co.",      "ltd.",    "ltd",     "limited",     "inc.",
    "inc",       "gmbh",     "s.a.",     "imaging", "optical", "ag",
};

static bool is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0;
}

/* Copies s, dropping control characters and collapsing whitespace runs to one
 * space, without leading or trailing spaces. Returns the length. */
static size_t tidy(const char *s, char *out)
{
	size_t n = 0;
	bool pending_space = false;
	for (; s && *s && n < PART_MAX - 2; s++) {
		unsigned char c = (unsigned char)*s;
		if (is_space(c) || c < 0x20 || c == 0x7f) {
			pending_space = n > 0;
			continue;
		}
		if (pending_space)
			out[n++] = ' ';
		pending_space = false;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n;
}

/* True when s[0..len) ends with suffix (case-insensitively) that starts a word. */
static bool ends_with_word(const char *s, size_t len, const char *suffix)
{
	size_t sl = strlen(suffix);
	if (sl >= len)
		return false;
	char before = s[len - sl - 1];
	if (before != ' ' && before != ',')
		return false;
	return strncasecmp(s + len - sl, suffix, sl) == 0;
}

static size_t trim_trailing(const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == ','))
		len--;
	return len;
}

static size_t strip_corporate(char *make, size_t len)
{
	bool stripped = true;
	while (stripped) {
		stripped = false;
		for (size_t i = 0; i < sizeof CORPORATE_SUFFIXES / sizeof *CORPORATE_SUFFIXES;
		     i++) {
			if (!ends_with_word(make, len, CORPORATE_SUFFIXES[i]))
				continue;
			size_t rest = trim_trailing(make, len - strlen(CORPORATE_SUFFIXES[i]));
			if (rest == 0)
				continue;
			len = rest;
			stripped = true;
			break;
		}
	}
	make[len] = '\0';
	return len;
}

/* True when model starts with word[0..len) followed by the end or a separator. */
static bool starts_with_word(const char *model, size_t mlen, const char *word, size_t len)
{
	if (len == 0 || len > mlen || strncasecmp(model, word, len) != 0)
		return false;
	return len == mlen || model[len] == ' ' || model[len] == '-' || model[len] == '_';
}

/* The make is redundant when the model starts with it or with one of its
 * words ("KONICA MINOLTA" + "KONICA ...", "EASTMAN KODAK" + "KODAK ..."). */
static bool model_repeats_make(const char *model, size_t mlen, const char *make, size_t len)
{
	if (starts_with_word(model, mlen, make, len))
		return true;
	for (size_t at = 0; at < len;) {
		const char *sp = memchr(make + at, ' ', len - at);
		size_t word = sp ? (size_t)(sp - make) - at : len - at;
		if (word >= 2 && starts_with_word(model, mlen, make + at, word))
			return true;
		at += word + 1;
	}
	return false;
}

size_t camera_name(const char *make, const char *model, char *out, size_t outlen)
{
	char mk[PART_MAX], md[PART_MAX], joined[2 * PART_MAX];
	size_t mk_len = strip_corporate(mk, tidy(make, mk));
	size_t md_len = tidy(model, md);
	size_t n;
	if (mk_len == 0 && md_len == 0) {
		if (outlen)
			out[0] = '\0';
		return 0;
	}
	if (md_len == 0) {
		memcpy(joined, mk, mk_len);
		n = mk_len;
	} else if (mk_len == 0 || model_repeats_make(md, md_len, mk, mk_len)) {
		memcpy(joined, md, md_len);
		n = md_len;
	} else {
		memcpy(joined, mk, mk_len);
		joined[mk_len] = ' ';
		memcpy(joined + mk_len + 1, md, md_len);
		n = mk_len + 1 + md_len;
	}
	char name[NAMES_MAX + 1];
	size_t len = names_clean(joined, n, NAMES_MAX, name);
	if (outlen == 0)
		return 0;
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, name, len);
	out[len] = '\0';
	return len;
}
