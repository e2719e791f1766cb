/* A small raw deflate stream inflated whole, in one call (see
 * archive/inflate_index.h): what the zip backend does with a sidecar, where a
 * reader's buffers and table would cost far more than the member itself.
 * Owns: the check that the output is exactly the declared length and CRC.
 * Must not: inflate past the declared length (bombs stop there). */
#include "archive/inflate_index.h"

#include "inflate_engine.h"

#include <errno.h>

int inflate_whole(const void *comp, size_t comp_len, void *out, size_t out_len, uint32_t crc)
{
	int rc = engine_inflate_exact(comp, comp_len, out, out_len);
	if (rc != 0)
		return rc;
	return engine_crc32(0, out, out_len) == crc ? 0 : -EIO;
}
