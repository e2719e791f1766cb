/* Unicode string helpers shared by the matcher, the views and the .meta renderer.
 * Owns: UTF-8 validation and repair, UTF-16 length counting (Google truncates
 * names in UTF-16 units), NFC normalization and ASCII case folding.
 * Must not: allocate except where a function says it returns a new string;
 * touch the disk. Inputs are (pointer, length) pairs: names may contain NULs
 * only in fuzzed input, never crash on them. */
#ifndef TFS_UTIL_USTR_H
#define TFS_UTIL_USTR_H

#include <stdbool.h>
#include <stddef.h>

/* <0, 0 or >0 as a sorts before, with or after b byte by byte, a prefix
 * before its extensions: SQLite's order of BLOBs, and the order the walk,
 * the store and the views all keep names in. */
int ustr_bytes_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* Length of the well-formed UTF-8 sequence at s[0..len) (1 for any ASCII
 * byte, NUL included), or 0 when none starts there: no overlongs, no
 * surrogates, nothing above U+10FFFF. len >= 1. */
size_t ustr_utf8_seq_len(const char *s, size_t len);

/* Offset of the first byte that breaks UTF-8 well-formedness, or len. */
size_t ustr_utf8_invalid_offset(const char *s, size_t len);

/* Length of the longest prefix of s[0..len) that is at most max bytes and
 * does not end inside a UTF-8 sequence (len when it fits). */
size_t ustr_utf8_cut(const char *s, size_t len, size_t max);

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool ustr_valid_utf8(const char *s, size_t len);

/* Number of UTF-16 code units s[0..len) would take. Invalid bytes count as one unit each. */
size_t ustr_utf16_len(const char *s, size_t len);

/* Byte length of the longest prefix of s[0..len) that fits in `units` UTF-16
 * units without splitting a character (a surrogate pair counts as 2 units). */
size_t ustr_utf16_prefix(const char *s, size_t len, size_t units);

/* NFC-normalized, NUL-terminated copy of s[0..len) (malloc'd; caller frees).
 * Invalid UTF-8 is copied unchanged. Returns NULL only when out of memory. */
char *ustr_nfc(const char *s, size_t len);

/* A copy of s[0..len) that is valid UTF-8: each invalid byte becomes U+FFFD
 * and NUL becomes U+FFFD too (malloc'd, NUL-terminated). NULL when out of memory. */
char *ustr_sanitize_utf8(const char *s, size_t len);

/* ASCII-only case-insensitive comparison of two byte ranges (extensions). */
bool ustr_ascii_ieq(const char *a, size_t alen, const char *b, size_t blen);

#endif
