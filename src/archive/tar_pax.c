/* PAX extended header records ("LEN KEY=VALUE\n"): the keys a member needs
 * (path, linkpath, size, mtime with its fraction) and the GNU sparse keys,
 * which make the member one we do not read.
 * Owns: record framing and value syntax. Must not: accept a record whose
 * length runs past the data, or a number that does not fit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "problem_set.h"
#include "tar_private.h"

int tar_set_string(char **dst, size_t *dst_len, const char *s, size_t len)
{
	free(*dst);
	*dst = NULL;
	*dst_len = 0;
	if (s == NULL)
		return 0;
	*dst = malloc(len + 1);
	if (*dst == NULL)
		return -ENOMEM;
	memcpy(*dst, s, len);
	(*dst)[len] = '\0';
	*dst_len = len;
	return 0;
}

/* Parses an unsigned decimal s[0..len) (at least one digit, nothing else). */
static int parse_decimal(const char *s, size_t len, uint64_t max, uint64_t *v)
{
	uint64_t acc = 0;
	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		unsigned d = (unsigned)(s[i] - '0');
		if (acc > (max - d) / 10)
			return -EINVAL;
		acc = acc * 10 + d;
	}
	*v = acc;
	return 0;
}

int tar_parse_pax_time(const char *s, size_t len, int64_t *ns)
{
	bool negative = len > 0 && s[0] == '-';
	size_t i = negative;
	const char *dot = memchr(s + i, '.', len - i);
	size_t int_len = dot ? (size_t)(dot - (s + i)) : len - i;
	uint64_t sec;
	if (parse_decimal(s + i, int_len, INT64_MAX / 1000000000 - 1, &sec) < 0)
		return -EINVAL;
	uint64_t frac = 0;
	if (dot != NULL) {
		size_t flen = len - i - int_len - 1;
		for (size_t k = 0; k < flen; k++) {
			char c = dot[1 + k];
			if (c < '0' || c > '9')
				return -EINVAL;
			if (k < 9)
				frac = frac * 10 + (uint64_t)(c - '0');
		}
		for (size_t k = flen; k < 9; k++)
			frac *= 10;
	}
	int64_t v = (int64_t)(sec * 1000000000u + frac);
	*ns = negative ? -v : v;
	return 0;
}

/* Applies one key and value. 0, 1 when the value is malformed, -ENOMEM. */
static int apply_record(struct tar_parser *tp, const char *key, size_t klen, const char *val,
                        size_t vlen, bool global)
{
	/* An empty value removes the key's effect (POSIX). */
	const char *v = vlen ? val : NULL;
#define KEY_IS(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
	if (KEY_IS("path"))
		return global ? tar_set_string(&tp->gpax_path, &tp->gpax_path_len, v, vlen)
		              : tar_set_string(&tp->pax_path, &tp->pax_path_len, v, vlen);
	if (KEY_IS("linkpath"))
		return global ? tar_set_string(&tp->gpax_link, &tp->gpax_link_len, v, vlen)
		              : tar_set_string(&tp->pax_link, &tp->pax_link_len, v, vlen);
	if (KEY_IS("size")) {
		uint64_t size = 0;
		if (v != NULL && parse_decimal(v, vlen, INT64_MAX, &size) < 0)
			return 1;
		*(global ? &tp->gpax_has_size : &tp->pax_has_size) = v != NULL;
		*(global ? &tp->gpax_size : &tp->pax_size) = size;
		return 0;
	}
	if (KEY_IS("mtime")) {
		int64_t ns = 0;
		if (v != NULL && tar_parse_pax_time(v, vlen, &ns) < 0)
			return 1;
		*(global ? &tp->gpax_has_mtime : &tp->pax_has_mtime) = v != NULL;
		*(global ? &tp->gpax_mtime_ns : &tp->pax_mtime_ns) = ns;
		return 0;
	}
	if (!global && klen > 11 && memcmp(key, "GNU.sparse.", 11) == 0)
		tp->pax_sparse = true;
#undef KEY_IS
	return 0;
}

int tar_pax_apply(struct tar_parser *tp, const char *rec, size_t len, bool global)
{
	size_t i = 0;
	while (i < len) {
		const char *r = rec + i;
		size_t left = len - i;
		const char *sp = memchr(r, ' ', left < 21 ? left : 21);
		uint64_t rlen;
		if (sp == NULL || parse_decimal(r, (size_t)(sp - r), left, &rlen) < 0 ||
		    rlen <= (uint64_t)(sp - r) + 1 || r[rlen - 1] != '\n') {
			arc_note(&tp->pending, ARC_BAD_PAX, "malformed PAX record at byte %zu", i);
			return 0;
		}
		const char *key = sp + 1, *end = r + rlen - 1;
		const char *eq = memchr(key, '=', (size_t)(end - key));
		if (eq == NULL || eq == key) {
			arc_note(&tp->pending, ARC_BAD_PAX, "PAX record without a key at byte %zu",
			         i);
			return 0;
		}
		int rc = apply_record(tp, key, (size_t)(eq - key), eq + 1, (size_t)(end - eq - 1),
		                      global);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			arc_note(&tp->pending, ARC_BAD_PAX,
			         "PAX record '%.*s' has a malformed value",
			         (int)(eq - key > 32 ? 32 : eq - key), key);
			return 0;
		}
		i += rlen;
	}
	return 0;
}
