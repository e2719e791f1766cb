/* inflate_whole (archive/inflate_index.h): a small raw deflate stream made by
 * zlib inflates to exactly its bytes; a corrupt stream, a stream longer or
 * shorter than declared (a bomb stops at the declared length) and a wrong
 * CRC-32 are -EIO, never bytes taken as good. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "archive/inflate_index.h"
#include "check.h"

/* Raw deflate of src (zlib, level 6, no header): the length, or 0. */
static size_t deflate_raw(const unsigned char *src, size_t len, unsigned char *dst, size_t cap)
{
	z_stream z = {0};
	if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	z.next_in = (unsigned char *)src;
	z.avail_in = (uInt)len;
	z.next_out = dst;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t out = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? out : 0;
}

int main(void)
{
	enum { N = 100000 };
	unsigned char *text = malloc(N), *comp = malloc(2 * N), *out = malloc(N + 16);
	for (size_t i = 0; i < N; i++)
		text[i] =
		    (unsigned char)("{\"title\": \"IMG_0001.jpg\", \"people\": []}\n"[i % 40] ^
		                    (i % 997 == 0));
	size_t clen = deflate_raw(text, N, comp, 2 * N);
	CHECK(clen > 0 && clen < N);
	uint32_t crc = inflate_crc32(0, text, N);

	memset(out, 0, N);
	CHECK_INT(inflate_whole(comp, clen, out, N, crc), 0);
	CHECK(memcmp(out, text, N) == 0);

	/* Declared shorter than the stream: stops there (a bomb), -EIO. */
	CHECK_INT(inflate_whole(comp, clen, out, N - 1, inflate_crc32(0, text, N - 1)), -EIO);
	/* Declared longer: the stream ends first. */
	CHECK_INT(inflate_whole(comp, clen, out, N + 1, crc), -EIO);
	/* Another CRC. */
	CHECK_INT(inflate_whole(comp, clen, out, N, crc ^ 1), -EIO);
	/* Cut short, and one byte flipped in the middle. */
	CHECK_INT(inflate_whole(comp, clen / 2, out, N, crc), -EIO);
	comp[clen / 2] ^= 0x5a;
	CHECK_INT(inflate_whole(comp, clen, out, N, crc), -EIO);

	/* The empty member: one empty final block. */
	unsigned char empty[8];
	size_t elen = deflate_raw((const unsigned char *)"", 0, empty, sizeof empty);
	CHECK(elen > 0);
	CHECK_INT(inflate_whole(empty, elen, out, 0, 0), 0);

	free(text);
	free(comp);
	free(out);
	CHECK_DONE();
}
