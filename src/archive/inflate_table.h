/* The in-memory seek-point table behind struct inflate_index: points in
 * increasing order of both offsets, their packed windows in one buffer, and
 * the span arithmetic the reader and the blob parser share.
 * Owns: the table's invariants (inflate_table_check states them). Must not:
 * inflate or read compressed data. Errors: 0 or a negative errno. */
#ifndef TFS_ARCHIVE_INFLATE_TABLE_H
#define TFS_ARCHIVE_INFLATE_TABLE_H

#include "archive/inflate_index.h"

#include <stddef.h>
#include <stdint.h>

struct inflate_point {
	uint64_t bit;           /* compressed position, in bits from the stream's start */
	uint64_t out;           /* uncompressed offset */
	uint32_t span_crc;      /* CRC-32 of the output from here to the next point */
	uint32_t window_len;    /* bytes of history before this point (<= 32 KiB) */
	uint32_t window_stored; /* packed size in windows[] */
	uint64_t window_at;     /* where the packed window starts in windows[] */
};

struct inflate_index {
	enum inflate_format format;
	uint64_t comp_size, out_size;
	uint32_t crc;
	uint32_t npoints;
	size_t cap;
	struct inflate_point *points;
	unsigned char *windows;
	size_t windows_len, windows_cap;
};

/* Appends a point with its packed window (copied). When the last point has
 * the same output offset, the new one replaces it (an empty gzip member or a
 * point right at a member start). 0 or -ENOMEM. */
int inflate_table_add(struct inflate_index *t, uint64_t bit, uint64_t out,
                      const unsigned char *packed, uint32_t stored, uint32_t window_len);

/* Index of the last point at or before output offset off (off < out_size). */
uint32_t inflate_table_span_of(const struct inflate_index *t, uint64_t off);
/* Output bytes from point i to the next (or to the end). */
uint64_t inflate_table_span_size(const struct inflate_index *t, uint32_t i);

/* 0 when the table is consistent (the rules the blob parser enforces),
 * -EINVAL otherwise. */
int inflate_table_check(const struct inflate_index *t);

#endif
