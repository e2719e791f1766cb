/* Fuzz target: the seek-point blob parser, and reads through whatever it
 * accepts. The input is parsed as it is, then again with its trailing
 * checksum made right so that damaged content gets past the checksum; an
 * accepted table then reads a fixed raw deflate stream (made here with zlib)
 * at offsets taken from the input. Every byte a read returns must be the
 * stream's own: a damaged table may fail a read, never change its bytes.
 * Seeds are tables of that stream at several spacings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "archive/inflate_index.h"

/* Stays on in release builds (NDEBUG): a broken promise is a crash. */
#define REQUIRE(c) ((c) ? (void)0 : abort())

#define PLAIN_SIZE 200000

static unsigned char plain[PLAIN_SIZE], *comp;
static size_t comp_len;

static void make_stream(void)
{
	uint64_t x = 7;
	for (size_t i = 0; i < PLAIN_SIZE; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		plain[i] = (unsigned char)("abcdefghijklmnop{}\n \"0123"[(x >> 59) % 26]);
	}
	z_stream z;
	memset(&z, 0, sizeof z);
	deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
	comp_len = deflateBound(&z, PLAIN_SIZE);
	comp = malloc(comp_len);
	z.next_in = plain;
	z.avail_in = PLAIN_SIZE;
	z.next_out = comp;
	z.avail_out = (uInt)comp_len;
	deflate(&z, Z_FINISH);
	comp_len = z.total_out;
	deflateEnd(&z);
}

static ssize_t comp_read_at(void *ctx, void *buf, size_t len, uint64_t off)
{
	(void)ctx;
	if (off >= comp_len)
		return 0;
	if (len > comp_len - off)
		len = (size_t)(comp_len - off);
	memcpy(buf, comp + off, len);
	return (ssize_t)len;
}

static void read_through(const struct inflate_index *idx, const uint8_t *data, size_t size)
{
	struct inflate_reader *r = inflate_reader_new(idx, comp_read_at, NULL, NULL, 0);
	if (!r)
		return;
	static unsigned char buf[70000];
	for (size_t k = 0; k + 4 <= size && k < 16; k += 4) {
		uint64_t off =
		    ((uint64_t)data[k] << 16 | (uint64_t)data[k + 1] << 8 | data[k + 2]) %
		    (PLAIN_SIZE + 1000);
		size_t len = 1 + (size_t)data[k + 3] * 250;
		ssize_t got = inflate_reader_read(r, buf, len, off);
		if (got > 0) {
			REQUIRE(off + (uint64_t)got <= PLAIN_SIZE);
			REQUIRE(memcmp(buf, plain + off, (size_t)got) == 0);
		}
	}
	inflate_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!comp)
		make_stream();
	struct inflate_index *idx = NULL;
	if (inflate_index_parse(data, size, &idx) == 0) {
		read_through(idx, data, size);
		inflate_index_free(idx);
	}
	if (size < 8)
		return 0;
	unsigned char *fixed = malloc(size);
	memcpy(fixed, data, size);
	uint32_t crc = (uint32_t)crc32_z(0, fixed, size - 4);
	for (int i = 0; i < 4; i++)
		fixed[size - 4 + i] = (unsigned char)(crc >> (8 * i));
	if (inflate_index_parse(fixed, size, &idx) == 0) {
		read_through(idx, data, size);
		inflate_index_free(idx);
	}
	free(fixed);
	return 0;
}
