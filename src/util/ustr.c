/* Unicode helpers: UTF-8 validation and repair, UTF-16 unit counting (Google
 * truncates names in UTF-16 units), NFC through utf8proc, ASCII case folding.
 * The decoder is strict (no overlongs, no surrogates, nothing above U+10FFFF)
 * so that every function agrees on what counts as one character. */
#include "util/ustr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* The one UTF-8 decoder of takeoutfs (the probe's strings, the sidecar
 * reader and the names all use it). */
size_t ustr_utf8_seq_len(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char b0 = s[0];
	if (b0 < 0x80)
		return 1;
	size_t need;
	unsigned char lo = 0x80, hi = 0xBF;
	if (b0 >= 0xC2 && b0 <= 0xDF) {
		need = 2;
	} else if (b0 >= 0xE0 && b0 <= 0xEF) {
		need = 3;
		if (b0 == 0xE0)
			lo = 0xA0; /* overlong */
		else if (b0 == 0xED)
			hi = 0x9F; /* UTF-16 surrogates */
	} else if (b0 >= 0xF0 && b0 <= 0xF4) {
		need = 4;
		if (b0 == 0xF0)
			lo = 0x90; /* overlong */
		else if (b0 == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (len < need)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return need;
}

size_t ustr_utf8_invalid_offset(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		if (i + 8 <= len) { /* mostly ASCII: eight bytes at a time */
			uint64_t word;
			memcpy(&word, p + i, sizeof word);
			if ((word & 0x8080808080808080ull) == 0) {
				i += 8;
				continue;
			}
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = ustr_utf8_seq_len(s + i, len - i);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

size_t ustr_utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

bool ustr_valid_utf8(const char *s, size_t len)
{
	return ustr_utf8_invalid_offset(s, len) == len;
}

/* UTF-16 units taken by the character at p[0..left), and its byte length in *bytes. */
static size_t units_of_next_char(const unsigned char *p, size_t left, size_t *bytes)
{
	size_t n = ustr_utf8_seq_len((const char *)p, left);
	if (n == 0) {
		*bytes = 1; /* an invalid byte stands for itself: one unit */
		return 1;
	}
	*bytes = n;
	return n == 4 ? 2 : 1;
}

size_t ustr_utf16_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t units = 0, i = 0;
	while (i < len) {
		if (p[i] < 0x80) {
			units++;
			i++;
			continue;
		}
		size_t b;
		units += units_of_next_char(p + i, len - i, &b);
		i += b;
	}
	return units;
}

size_t ustr_utf16_prefix(const char *s, size_t len, size_t units)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0, i = 0;
	while (i < len) {
		size_t b;
		size_t u = units_of_next_char(p + i, len - i, &b);
		if (used + u > units)
			break;
		used += u;
		i += b;
	}
	return i;
}

static char *copy_bytes(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	if (len)
		memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

static bool is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

char *ustr_nfc(const char *s, size_t len)
{
	/* ASCII is already NFC, and most names are ASCII: skip utf8proc. */
	if (is_ascii(s, len) || !ustr_valid_utf8(s, len))
		return copy_bytes(s, len);
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out,
	                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0) {
		/* Only UTF8PROC_ERROR_NOMEM can happen on input we validated. */
		free(out);
		return n == UTF8PROC_ERROR_NOMEM ? NULL : copy_bytes(s, len);
	}
	return (char *)out;
}

char *ustr_sanitize_utf8(const char *s, size_t len)
{
	static const char replacement[] = "\xEF\xBF\xBD";
	const unsigned char *p = (const unsigned char *)s;
	/* Worst case: every byte becomes a 3-byte U+FFFD. */
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	char *out = malloc(len * 3 + 1);
	if (!out)
		return NULL;
	size_t o = 0, i = 0;
	while (i < len) {
		size_t n = p[i] == 0 ? 0 : ustr_utf8_seq_len((const char *)p + i, len - i);
		if (n == 0) {
			memcpy(out + o, replacement, 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

static unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

bool ustr_ascii_ieq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
			return false;
	return true;
}

int ustr_bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;
	if (c)
		return c;
	return (alen > blen) - (alen < blen);
}
