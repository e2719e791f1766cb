/* fs/read_verify: a complete read in order is checked against the known
 * CRC-32 (the last read fails with EIO when it is wrong), reads out of order
 * end the check, a file without a known CRC is never checked, an empty file
 * is checked on its one empty read. */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "fs/read_verify.h"

static unsigned char data[100000];

/* Serves data (with byte bad flipped, unless bad < 0) in reads of chunk
 * bytes in order; returns the result of the last read. */
static int read_all(struct read_verify *v, size_t chunk, long bad)
{
	unsigned char copy[sizeof data];
	memcpy(copy, data, sizeof data);
	if (bad >= 0)
		copy[bad] ^= 1;
	int rc = 0;
	for (size_t off = 0; off < sizeof data && rc == 0; off += chunk) {
		size_t len = sizeof data - off < chunk ? sizeof data - off : chunk;
		CHECK(read_verify_wants(v, off));
		rc = read_verify_bytes(v, copy + off, len, off);
	}
	return rc;
}

int main(void)
{
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	uint32_t crc = (uint32_t)crc32_z(0, data, sizeof data);
	struct read_verify v;

	read_verify_init(&v, true, crc, sizeof data);
	CHECK_INT(read_all(&v, 4096, -1), 0);
	CHECK(!read_verify_wants(&v, 0)); /* checked once */
	read_verify_destroy(&v);

	read_verify_init(&v, true, crc, sizeof data);
	CHECK(!read_verify_failed(&v));
	CHECK_INT(read_all(&v, 131072, 99999), -EIO); /* one read, last byte wrong */
	CHECK(read_verify_failed(&v));                /* and so is every later read of the open */
	read_verify_destroy(&v);

	read_verify_init(&v, true, crc, sizeof data);
	CHECK_INT(read_all(&v, 4096, 5000), -EIO); /* a middle byte wrong */
	read_verify_destroy(&v);

	/* Out of order: the check ends, nothing fails. */
	read_verify_init(&v, true, crc ^ 1, sizeof data);
	CHECK(read_verify_wants(&v, 0));
	CHECK_INT(read_verify_bytes(&v, data, 4096, 0), 0);
	CHECK(!read_verify_wants(&v, 8192));
	CHECK(!read_verify_wants(&v, 4096));
	CHECK_INT(read_verify_bytes(&v, data + 4096, sizeof data - 4096, 4096), 0);
	read_verify_destroy(&v);

	/* No CRC known: never summed. */
	read_verify_init(&v, false, 0, sizeof data);
	CHECK(!read_verify_wants(&v, 0));
	read_verify_destroy(&v);

	/* An empty file: its CRC is 0. */
	read_verify_init(&v, true, 0, 0);
	CHECK(read_verify_wants(&v, 0));
	CHECK_INT(read_verify_bytes(&v, data, 0, 0), 0);
	read_verify_destroy(&v);
	read_verify_init(&v, true, 1, 0);
	CHECK_INT(read_verify_bytes(&v, data, 0, 0), -EIO);
	read_verify_destroy(&v);
	CHECK_DONE();
}
