/* Fuzz target: the WEBP parser behind media_probe(), format forced so that
 * broken magic bytes still reach it. The input's first half is the head; the
 * rest is only reachable through read_at, as in production. */
#include "fuzz_source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_probe(data, size, MF_WEBP);
	return 0;
}
