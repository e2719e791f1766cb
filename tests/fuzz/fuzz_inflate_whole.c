/* Fuzz target: a small member inflated whole (inflate_whole), as the zip
 * backend does with sidecars. The first two input bytes are the declared
 * length (little-endian, up to 64 KiB), the next four the declared CRC-32,
 * the rest the raw deflate stream. Success must mean exactly the declared
 * length with that CRC; nothing is ever written past the declared length
 * (ASan watches the exact-size buffer). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archive/inflate_index.h"

#define REQUIRE(c) ((c) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 6)
		return 0;
	size_t len = (size_t)data[0] | (size_t)data[1] << 8;
	uint32_t crc = (uint32_t)data[2] | (uint32_t)data[3] << 8 | (uint32_t)data[4] << 16 |
	               (uint32_t)data[5] << 24;
	unsigned char *out = malloc(len ? len : 1);
	if (!out)
		return 0;
	int rc = inflate_whole(data + 6, size - 6, out, len, crc);
	REQUIRE(rc == 0 || rc == -EIO || rc == -ENOMEM);
	if (rc == 0)
		REQUIRE(inflate_crc32(0, out, len) == crc);
	free(out);
	return 0;
}
