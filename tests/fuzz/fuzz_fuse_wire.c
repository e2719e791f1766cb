/* Fuzz target: the FUSE passthrough wire (fs/passthrough.h). The input is read
 * as a request from the device, then patched as an INIT reply and as an open
 * reply of its own length; none of them may read or write outside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs/passthrough.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool is_init;
	uint64_t unique;
	passthrough_init_offers(data, size, &is_init, &unique);
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	passthrough_patch_init_reply(copy, size);
	memcpy(copy, data, size);
	passthrough_patch_open_reply(copy, size, size ? (int32_t)data[0] : 0);
	free(copy);
	return 0;
}
