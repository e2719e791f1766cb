/* Fuzz target: the ISO BMFF parser (HEIF items and QuickTime/MP4 movies)
 * behind media_probe(); the first byte's low bit picks HEIF or movie. The
 * head is the input's first half; the rest comes through read_at. */
#include "fuzz_source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_probe(data + 1, size - 1, (data[0] & 1) ? MF_HEIF : MF_MP4);
	return 0;
}
