/* Random access into deflate streams: raw deflate (a zip member) and gzip,
 * including several gzip members concatenated (a .tgz may be).
 *
 * One sequential pass (struct inflate_pass) delivers the uncompressed bytes in
 * order to a sink, computes their CRC-32, checks gzip trailers, enforces an
 * output limit (the declared size of a zip member: bombs stop there) and
 * records seek points: at a block boundary every `spacing` bytes of output,
 * the compressed bit offset, the uncompressed offset, the 32 KiB of output
 * before it (stored compressed) and the CRC-32 of the span up to the next
 * point (points fall only between blocks: a stream whose blocks are longer
 * than the spacing, as igzip -0 writes, gets spans as long as its blocks).
 * The table (struct inflate_index) serializes to a versioned,
 * checksummed blob and parses back. A reader (struct inflate_reader) serves
 * any range by inflating whole spans from the nearest point and checks each
 * span's CRC-32, so corrupt data, a damaged table or a changed archive gives
 * -EIO, never wrong bytes.
 *
 * Owns: deflate decoding (ISA-L), gzip framing, seek points and their blob.
 * Must not: open paths, know zip/tar/SQLite/FUSE, or keep global state.
 *
 * Errors (the archive layer's convention): 0 or a byte count on success, a
 * negative errno on failure: -EIO corrupt or truncated data (or an index that
 * does not match the data), -EFBIG output limit exceeded, -EINVAL bad
 * argument or malformed blob, -ENOMEM, -ECANCELED the sink asked to stop, or
 * whatever negative value read_at returned. The pass also keeps a one-line
 * description of its failure (inflate_pass_problem) for status.json.
 *
 * Threads: a pass or a reader is used by one thread at a time; a parsed
 * struct inflate_index is immutable and may be shared by any number of
 * readers in any threads. */
#ifndef TFS_ARCHIVE_INFLATE_INDEX_H
#define TFS_ARCHIVE_INFLATE_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct span_cache;

enum inflate_format {
	INFLATE_RAW = 0,  /* raw deflate: a zip member's data */
	INFLATE_GZIP = 1, /* one or more gzip members back to back */
};

/* Recommended spacing between seek points (bytes of output): tables under
 * 0.8% of the compressed size even for incompressible data, a random 64 KiB
 * read inflates at most about 4 MiB (bench/bench_inflate_index.c measures the
 * trade-off). */
#define INFLATE_DEFAULT_SPACING (4u << 20)

/* Reads up to len bytes of the compressed data at offset off (0 is the
 * first byte of the stream); returns the count (0 at the end) or a negative
 * errno. */
typedef ssize_t (*inflate_read_at_fn)(void *ctx, void *buf, size_t len, uint64_t off);
/* Receives output in order; returns 0 to go on, anything else to stop the
 * pass with -ECANCELED. */
typedef int (*inflate_sink_fn)(void *ctx, const unsigned char *buf, size_t len);

/* ---- the sequential pass ---- */

struct inflate_pass_config {
	enum inflate_format format;
	uint64_t spacing;     /* output bytes between seek points; 0: the default */
	uint64_t out_limit;   /* most output allowed (UINT64_MAX: none) */
	inflate_sink_fn sink; /* may be NULL */
	void *sink_ctx;
};

struct inflate_pass_result {
	uint64_t out_size;  /* bytes output */
	uint32_t crc;       /* CRC-32 of all of them */
	uint32_t members;   /* gzip members (1 for raw deflate) */
	uint64_t comp_used; /* compressed bytes up to the end of the last member */
	uint64_t trailing;  /* bytes after it that were not a gzip member (ignored) */
};

struct inflate_pass;

/* A pass in its initial state, or NULL (out of memory or bad config). */
struct inflate_pass *inflate_pass_new(const struct inflate_pass_config *cfg);
void inflate_pass_free(struct inflate_pass *p);

/* Push mode: hands the next len bytes of compressed data to the pass, which
 * inflates what it can. 0, or a negative errno (the pass is then failed;
 * further calls return the same error). */
int inflate_pass_feed(struct inflate_pass *p, const void *buf, size_t len);
/* Push mode: no more input. 0 when the stream ended properly, -EIO when it
 * is truncated. */
int inflate_pass_end(struct inflate_pass *p);

/* Pull mode: the whole pass over comp_len bytes read through read_at from
 * offset 0 (the stream's first byte). 0 or a negative errno. */
int inflate_pass_run(struct inflate_pass *p, inflate_read_at_fn read_at, void *ctx,
                     uint64_t comp_len);

/* What went wrong, in one line (static text), or NULL when nothing did. */
const char *inflate_pass_problem(const struct inflate_pass *p);
/* Totals so far (final after a successful end or run). */
void inflate_pass_result(const struct inflate_pass *p, struct inflate_pass_result *r);
/* The seek-point table, after a successful end or run; the caller frees it.
 * NULL before that, or when out of memory. */
struct inflate_index *inflate_pass_take_index(struct inflate_pass *p);
/* After a pass that failed (corrupt or truncated data, or stopped by its
 * sink): the table of the output delivered before the failure, so that the
 * intact start of a damaged stream stays readable (every span is still
 * checked by its CRC-32). The table of a complete pass when it ended well;
 * NULL when nothing was output, out of memory, or the pass is still going. */
struct inflate_index *inflate_pass_take_partial_index(struct inflate_pass *p);

/* ---- the seek-point table ---- */

struct inflate_index;

struct inflate_index_info {
	enum inflate_format format;
	uint64_t comp_size; /* compressed bytes the table covers */
	uint64_t out_size;  /* uncompressed size */
	uint32_t crc;       /* CRC-32 of all output */
	uint32_t points;    /* seek points (>= 1) */
	uint64_t max_span;  /* largest distance between two points (bytes of output) */
};

void inflate_index_info(const struct inflate_index *idx, struct inflate_index_info *info);

struct inflate_point_info {
	uint64_t bit;        /* compressed position in bits (from the stream's first byte) */
	uint64_t out;        /* uncompressed offset */
	uint32_t window_len; /* bytes of history the point carries */
	uint32_t window_stored;
};
/* Point i (< info.points), for tests and diagnostics. */
void inflate_index_point(const struct inflate_index *idx, uint32_t i,
                         struct inflate_point_info *pi);
void inflate_index_free(struct inflate_index *idx);

/* A table with one point at the start, for a raw deflate stream of comp_size
 * bytes known (e.g. from a zip central directory) to inflate to out_size bytes
 * with CRC-32 crc: no pass needed; every read inflates from the start and the
 * whole member is checked against crc. NULL when out of memory. */
struct inflate_index *inflate_index_single(uint64_t comp_size, uint64_t out_size, uint32_t crc);

/* Serializes the table: *blob (malloc'd, the caller frees) and *len. 0 or
 * -ENOMEM. Format (little-endian), version 1:
 *   "TFDX" u8 version=1 u8 format u16 0 | u64 comp_size | u64 out_size |
 *   u32 crc | u32 npoints | npoints x { u64 bit | u64 out | u32 span_crc |
 *   u32 window_len | u32 window_stored | u32 0 } | windows (window_stored
 *   bytes each: raw when equal to window_len, else raw deflate) |
 *   u32 CRC-32 of everything before it. */
int inflate_index_serialize(const struct inflate_index *idx, unsigned char **blob, size_t *len);
/* Parses an untrusted blob; rejects anything malformed or inconsistent.
 * 0 with *idx set (the caller frees it), or -EINVAL, -ENOMEM. */
int inflate_index_parse(const unsigned char *blob, size_t len, struct inflate_index **idx);

/* ---- the reader ---- */

struct inflate_reader;

/* A reader of the stream described by idx (which must outlive it), reading
 * compressed bytes through read_at. cache (may be NULL) is shared by readers
 * of many streams; stream_id names this stream in it (unique per stream and
 * per version of its archive). NULL when out of memory. */
struct inflate_reader *inflate_reader_new(const struct inflate_index *idx,
                                          inflate_read_at_fn read_at, void *ctx,
                                          struct span_cache *cache, uint64_t stream_id);
void inflate_reader_free(struct inflate_reader *r);

/* Copies up to len bytes at uncompressed offset off into buf. Returns the
 * count (short only at the end of the stream, 0 at or past it), or -EIO when
 * the data or table is corrupt (no byte is then to be trusted), -ENOMEM, or
 * a negative errno from read_at. Sequential calls continue from where the
 * last one stopped without going back to a stored window. */
ssize_t inflate_reader_read(struct inflate_reader *r, void *buf, size_t len, uint64_t off);

/* ---- a small stream, whole ---- */

/* Inflates the raw deflate stream comp[0..comp_len) in one call into out,
 * which it must fill exactly (out_len bytes, never more) with bytes whose
 * CRC-32 is crc: for members small enough to hold in memory, with no table,
 * reader or cache. 0, -EIO (corrupt, another length or another CRC), -EINVAL
 * (over 4 GiB) or -ENOMEM. */
int inflate_whole(const void *comp, size_t comp_len, void *out, size_t out_len, uint32_t crc);

/* CRC-32 (zlib's convention: crc starts at 0), the fast implementation the
 * pass uses; for callers that check members inside a stream (tar). */
uint32_t inflate_crc32(uint32_t crc, const void *buf, size_t len);

#endif
