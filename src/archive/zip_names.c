/* Zip member names: UTF-8 when flag bit 11 says so, the Info-ZIP Unicode Path
 * extra (0x7075) when its CRC-32 of the stored name matches (the stored name
 * is then a legacy-encoded copy), else code page 437 as the format says.
 * Owns: the CP437 table. Must not: judge the path (member_path does). */
#include <string.h>
#include <zlib.h>

#include "problem_set.h"
#include "util/ustr.h"
#include "zip_format.h"

/* Unicode code points of CP437 bytes 0x80..0xFF (below 0x80 it is ASCII). */
static const uint16_t cp437_high[128] = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF,
    0x00EE, 0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA,
    0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
    0x255D, 0x255C, 0x255B, 0x2510, 0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4,
    0x221E, 0x03C6, 0x03B5, 0x2229, 0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

bool zip_cp437_to_utf8(const uint8_t *raw, size_t len, char *out, size_t cap, size_t *out_len)
{
	size_t o = *out_len;
	for (size_t i = 0; i < len; i++) {
		uint32_t c = raw[i] < 0x80 ? raw[i] : cp437_high[raw[i] - 0x80];
		char enc[3];
		size_t n;
		if (c < 0x80) {
			enc[0] = (char)c;
			n = 1;
		} else if (c < 0x800) {
			enc[0] = (char)(0xC0 | c >> 6);
			enc[1] = (char)(0x80 | (c & 0x3F));
			n = 2;
		} else {
			enc[0] = (char)(0xE0 | c >> 12);
			enc[1] = (char)(0x80 | (c >> 6 & 0x3F));
			enc[2] = (char)(0x80 | (c & 0x3F));
			n = 3;
		}
		if (o + n > cap) {
			*out_len = o;
			return false;
		}
		memcpy(out + o, enc, n);
		o += n;
	}
	*out_len = o;
	return true;
}

/* The Unicode Path extra's name when it applies to raw[0..raw_len). */
static bool unicode_path(const uint8_t *raw, size_t raw_len, const uint8_t *extra, size_t extra_len,
                         const uint8_t **name, size_t *name_len)
{
	const uint8_t *d;
	size_t n;
	if (!zip_extra_find(extra, extra_len, ZIP_EXTRA_UNICODE, &d, &n) || n < 5 || d[0] != 1)
		return false;
	uint32_t crc = (uint32_t)crc32_z(crc32_z(0, Z_NULL, 0), raw, raw_len);
	if (crc != zip_le32(d + 1))
		return false;
	*name = d + 5;
	*name_len = n - 5;
	return true;
}

void zip_decode_name(const uint8_t *raw, size_t raw_len, uint16_t flags, const uint8_t *extra,
                     size_t extra_len, struct zip_entry *e)
{
	const size_t cap = sizeof e->name - 1;
	const uint8_t *u;
	size_t ulen;
	bool fits;
	e->name_len = 0;
	if (flags & ZIP_FLAG_UTF8 || unicode_path(raw, raw_len, extra, extra_len, &u, &ulen)) {
		if (flags & ZIP_FLAG_UTF8) {
			u = raw;
			ulen = raw_len;
			e->name_source = ZIP_NAME_UTF8;
		} else {
			e->name_source = ZIP_NAME_UNICODE;
		}
		fits = ulen <= cap;
		e->name_len = fits ? ulen : cap;
		memcpy(e->name, u, e->name_len);
	} else if (ustr_valid_utf8((const char *)raw, raw_len)) {
		/* Info-ZIP on Unix stores the local (UTF-8) bytes without the flag,
		 * and unzip writes them back as they are. */
		e->name_source = ZIP_NAME_UTF8;
		fits = raw_len <= cap;
		e->name_len = fits ? raw_len : cap;
		memcpy(e->name, raw, e->name_len);
	} else {
		e->name_source = ZIP_NAME_CP437;
		fits = zip_cp437_to_utf8(raw, raw_len, e->name, cap, &e->name_len);
	}
	e->name[e->name_len] = '\0';
	if (!fits)
		arc_note(&e->problem, ARC_NAME_TOO_LONG, "member name over %zu bytes", cap);
	else if (memchr(e->name, '\0', e->name_len) != NULL)
		arc_note(&e->problem, ARC_NAME_NUL, "member name holds a NUL byte");
}
