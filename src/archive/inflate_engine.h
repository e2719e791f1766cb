/* The inflater shared by the sequential pass and the reader: ISA-L's inflate
 * state, an input buffer that keeps a few bytes of history before the read
 * position (ISA-L may hand back up to 8 buffered bytes), an output buffer that
 * keeps the last 32 KiB of output in front of the write position (the window a
 * seek point needs), and the bit arithmetic of priming the decoder at any bit
 * of the compressed data.
 * Owns: every access to struct inflate_state's fields. Must not: know about
 * gzip framing, seek-point tables or where the input comes from.
 * Errors: functions return 0 or a negative errno (-ENOMEM, -EIO for data
 * that does not inflate); engine_inflate returns ISA-L's code (negative for
 * corrupt data), which the pass and the reader turn into -EIO. */
#ifndef TFS_ARCHIVE_INFLATE_ENGINE_H
#define TFS_ARCHIVE_INFLATE_ENGINE_H

#include <isa-l/igzip_lib.h>
#include <stddef.h>
#include <stdint.h>

#define ENGINE_WINDOW 32768u
#define ENGINE_IN_PAD 64u

struct engine {
	struct inflate_state st;
	unsigned char *in;  /* in_size bytes; in[0] is stream offset in_base */
	size_t in_size;     /* allocated input bytes */
	size_t in_len;      /* valid bytes in in[] */
	size_t in_pos;      /* next byte not yet handed to the decoder */
	uint64_t in_base;   /* stream offset of in[0] */
	unsigned char *out; /* ENGINE_WINDOW history + out_chunk */
	size_t out_size;
	size_t out_pos; /* next output byte is written at out[out_pos] */
	size_t hist;    /* bytes before out_pos that belong to the current stream */
};

/* Allocates buffers: in_chunk bytes of input, out_chunk bytes of output per
 * call. 0 or -ENOMEM. */
int engine_init(struct engine *e, size_t in_chunk, size_t out_chunk);
void engine_free(struct engine *e);

/* Forgets all input; the next byte appended is stream offset base. */
void engine_input_reset(struct engine *e, uint64_t base);
/* Moves the unread bytes (and ENGINE_IN_PAD bytes before them) to the front;
 * returns where new input may be appended and how much (*room). */
unsigned char *engine_input_room(struct engine *e, size_t *room);
/* Records that n bytes were appended at engine_input_room(). */
void engine_input_added(struct engine *e, size_t n);
/* Unread input bytes (those not handed to the decoder). */
static inline size_t engine_input_unread(const struct engine *e)
{
	return e->in_len - e->in_pos;
}

/* Starts a raw deflate stream at the current input position plus skip_bits
 * (0..7) into its first byte, with window[0..wlen) as history (wlen <=
 * ENGINE_WINDOW). The caller has made that byte available when skip_bits > 0.
 * Output history restarts at the window. */
void engine_start(struct engine *e, unsigned skip_bits, const unsigned char *window, size_t wlen);
/* Restarts the decoder at the current bit position (just after a block),
 * with the last ENGINE_WINDOW bytes of output as history: how the pass goes on
 * after a stop it forced. */
void engine_restart_here(struct engine *e);

/* Bit position of the decoder in the stream (bits consumed). */
uint64_t engine_bit_position(const struct engine *e);

/* Runs the decoder into at most max_out bytes of output; *produced is how
 * many bytes were written at out (which points into e->out). Returns ISA-L's
 * code: < 0 for corrupt data. */
int engine_inflate(struct engine *e, size_t max_out, const unsigned char **out, size_t *produced);

/* The decoder finished a block whose BFINAL bit was set (or that it was
 * told to treat as final) and every byte of it was output. */
int engine_finished(const struct engine *e);
/* The decoder sits exactly between two blocks with no output pending. */
int engine_between_blocks(const struct engine *e);
/* The decoder is inside a block whose header said it is not the last one. */
int engine_inside_nonfinal_block(const struct engine *e);
/* Makes the decoder stop after the block it is inside, as if it were the
 * last: the seek-point technique for ISA-L, which has no "stop at block end"
 * call. Only when engine_inside_nonfinal_block(). */
void engine_stop_after_block(struct engine *e);

/* The last min(hist, ENGINE_WINDOW) output bytes: the window a seek point
 * here needs. */
const unsigned char *engine_window(const struct engine *e, size_t *len);

/* Window compression for stored seek points. Compresses src[0..len) into dst
 * (capacity cap >= len); returns the compressed length, or len with a plain
 * copy when compression does not help. level_buf is a scratch buffer of
 * ENGINE_PACK_SCRATCH bytes. */
#define ENGINE_PACK_SCRATCH ISAL_DEF_LVL1_DEFAULT
size_t engine_pack_window(const unsigned char *src, size_t len, unsigned char *dst,
                          unsigned char *level_buf);
/* Undoes engine_pack_window: 0, or -EIO when src does not inflate to exactly
 * len bytes (-ENOMEM). */
int engine_unpack_window(const unsigned char *src, size_t zlen, unsigned char *dst, size_t len);

/* Inflates the raw deflate stream src[0..zlen) in one call into dst, which
 * it must fill exactly (len bytes, never more). 0, -EIO (corrupt, or another
 * length), -EINVAL (over 4 GiB) or -ENOMEM. */
int engine_inflate_exact(const unsigned char *src, size_t zlen, unsigned char *dst, size_t len);

/* CRC-32 (the zip/gzip polynomial, zlib's convention: start with 0). */
uint32_t engine_crc32(uint32_t crc, const void *buf, size_t len);

#endif
