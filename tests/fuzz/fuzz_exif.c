/* Fuzz target: the EXIF handoff alone: a raw TIFF block goes behind an
 * "Exif\0\0" header to libexif, and the tags come back into media_info. */
#include "media/parsers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_info mi;
	media_probe_tiff_block(data, size, &mi);
	return 0;
}
