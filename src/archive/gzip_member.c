/* gzip member header and trailer (see gzip_member.h). */
#include "gzip_member.h"

#include "inflate_engine.h"

#include <errno.h>
#include <string.h>

enum { FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, FRESERVED = 0xe0 };

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int gzip_magic_at(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Skips a NUL-terminated field starting at *at: 1 done, 0 need more. */
static int skip_string(const unsigned char *p, size_t n, size_t *at)
{
	const unsigned char *nul = *at < n ? memchr(p + *at, 0, n - *at) : NULL;
	if (!nul)
		return 0;
	*at = (size_t)(nul - p) + 1;
	return 1;
}

long gzip_header_length(const unsigned char *p, size_t n, const char **why)
{
	if ((n >= 1 && p[0] != 0x1f) || (n >= 2 && p[1] != 0x8b)) {
		*why = "not gzip";
		return -EIO;
	}
	if (n < 10)
		return 0;
	if (p[2] != 8) {
		*why = "gzip compression method is not deflate";
		return -EIO;
	}
	unsigned flags = p[3];
	if (flags & FRESERVED) {
		*why = "gzip header has reserved flags set";
		return -EIO;
	}
	size_t at = 10;
	if (flags & FEXTRA) {
		if (n < at + 2)
			return 0;
		at += 2 + ((size_t)p[at] | (size_t)p[at + 1] << 8);
		if (n < at)
			return 0;
	}
	if ((flags & FNAME) && !skip_string(p, n, &at))
		return 0;
	if ((flags & FCOMMENT) && !skip_string(p, n, &at))
		return 0;
	if (flags & FHCRC) {
		if (n < at + 2)
			return 0;
		uint32_t crc = engine_crc32(0, p, at);
		if ((crc & 0xffff) != ((unsigned)p[at] | (unsigned)p[at + 1] << 8)) {
			*why = "gzip header CRC mismatch";
			return -EIO;
		}
		at += 2;
	}
	return (long)at;
}

int gzip_trailer_check(const unsigned char *p, uint32_t crc, uint64_t size, const char **why)
{
	if (le32(p) != crc) {
		*why = "gzip member CRC-32 mismatch";
		return -EIO;
	}
	if (le32(p + 4) != (uint32_t)size) {
		*why = "gzip member length mismatch";
		return -EIO;
	}
	return 0;
}
