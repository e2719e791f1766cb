/* ISA-L's inflate behind the few operations seek points need (see
 * inflate_engine.h). */
#include "inflate_engine.h"

#include <assert.h>
#include <errno.h>
#include <isa-l/crc.h>
#include <stdlib.h>
#include <string.h>

/* ISA-L keeps total_out in 32 bits and rejects a distance larger than
 * total_out + dict_length, so a stream over 4 GiB would see that sum wrap.
 * Once past this mark it is pulled back to a value that still allows every
 * distance (the library uses total_out for nothing else that we read). */
#define TOTAL_OUT_CLAMP (1u << 30)

int engine_init(struct engine *e, size_t in_chunk, size_t out_chunk)
{
	memset(e, 0, sizeof(*e));
	e->in_size = ENGINE_IN_PAD + in_chunk;
	e->out_size = ENGINE_WINDOW + out_chunk;
	e->in = malloc(e->in_size);
	e->out = malloc(e->out_size);
	if (!e->in || !e->out) {
		engine_free(e);
		return -ENOMEM;
	}
	isal_inflate_init(&e->st);
	e->out_pos = ENGINE_WINDOW;
	return 0;
}

void engine_free(struct engine *e)
{
	free(e->in);
	free(e->out);
	e->in = e->out = NULL;
}

void engine_input_reset(struct engine *e, uint64_t base)
{
	e->in_base = base;
	e->in_len = e->in_pos = 0;
}

unsigned char *engine_input_room(struct engine *e, size_t *room)
{
	size_t keep = e->in_pos > ENGINE_IN_PAD ? e->in_pos - ENGINE_IN_PAD : 0;
	if (keep) {
		memmove(e->in, e->in + keep, e->in_len - keep);
		e->in_base += keep;
		e->in_len -= keep;
		e->in_pos -= keep;
	}
	*room = e->in_size - e->in_len;
	return e->in + e->in_len;
}

void engine_input_added(struct engine *e, size_t n)
{
	assert(n <= e->in_size - e->in_len);
	e->in_len += n;
}

void engine_start(struct engine *e, unsigned skip_bits, const unsigned char *window, size_t wlen)
{
	assert(wlen <= ENGINE_WINDOW && skip_bits < 8);
	if (wlen)
		memmove(e->out + ENGINE_WINDOW - wlen, window, wlen);
	e->out_pos = ENGINE_WINDOW;
	e->hist = wlen;
	isal_inflate_reset(&e->st);
	e->st.crc_flag = ISAL_DEFLATE;
	if (wlen) {
		int rc =
		    isal_inflate_set_dict(&e->st, e->out + ENGINE_WINDOW - wlen, (uint32_t)wlen);
		assert(rc == COMP_OK);
		(void)rc;
	}
	if (skip_bits) {
		assert(e->in_pos < e->in_len);
		e->st.read_in = e->in[e->in_pos++] >> skip_bits;
		e->st.read_in_length = (int32_t)(8 - skip_bits);
	}
}

void engine_restart_here(struct engine *e)
{
	uint64_t bits = e->st.read_in;
	int32_t nbits = e->st.read_in_length;
	assert(nbits >= 0 && nbits <= 64);
	if (nbits < 64)
		bits &= (UINT64_C(1) << nbits) - 1;
	size_t wlen = e->hist < ENGINE_WINDOW ? e->hist : ENGINE_WINDOW;
	engine_start(e, 0, e->out + e->out_pos - wlen, wlen);
	e->st.read_in = bits;
	e->st.read_in_length = nbits;
}

uint64_t engine_bit_position(const struct engine *e)
{
	return (e->in_base + e->in_pos) * 8 - (uint64_t)e->st.read_in_length;
}

int engine_inflate(struct engine *e, size_t max_out, const unsigned char **out, size_t *produced)
{
	if (e->out_pos == e->out_size) {
		memmove(e->out, e->out + e->out_pos - ENGINE_WINDOW, ENGINE_WINDOW);
		e->out_pos = ENGINE_WINDOW;
		if (e->hist > ENGINE_WINDOW)
			e->hist = ENGINE_WINDOW;
	}
	size_t room = e->out_size - e->out_pos;
	if (max_out < room)
		room = max_out;
	e->st.next_in = e->in + e->in_pos;
	e->st.avail_in = (uint32_t)(e->in_len - e->in_pos);
	e->st.next_out = e->out + e->out_pos;
	e->st.avail_out = (uint32_t)room;
	int rc = isal_inflate(&e->st);
	size_t n = (size_t)(e->st.next_out - (e->out + e->out_pos));
	assert(n <= room);
	*out = e->out + e->out_pos;
	*produced = n;
	e->out_pos += n;
	e->hist += n;
	e->in_pos = (size_t)(e->st.next_in - e->in);
	assert(e->in_pos <= e->in_len);
	if (e->st.total_out > TOTAL_OUT_CLAMP)
		e->st.total_out = ENGINE_WINDOW * 2;
	return rc;
}

int engine_finished(const struct engine *e)
{
	return e->st.block_state == ISAL_BLOCK_FINISH;
}

int engine_between_blocks(const struct engine *e)
{
	return e->st.block_state == ISAL_BLOCK_NEW_HDR &&
	       e->st.tmp_out_valid == e->st.tmp_out_processed && e->st.write_overflow_len == 0 &&
	       e->st.copy_overflow_length == 0 && e->st.tmp_in_size == 0;
}

int engine_inside_nonfinal_block(const struct engine *e)
{
	return (e->st.block_state == ISAL_BLOCK_CODED || e->st.block_state == ISAL_BLOCK_TYPE0) &&
	       !e->st.bfinal;
}

void engine_stop_after_block(struct engine *e)
{
	assert(engine_inside_nonfinal_block(e));
	/* ISA-L reads bfinal when the block's end-of-block symbol (or the end of
	 * a stored block) is reached, and then stops as at the end of a stream. */
	e->st.bfinal = 1;
}

const unsigned char *engine_window(const struct engine *e, size_t *len)
{
	*len = e->hist < ENGINE_WINDOW ? e->hist : ENGINE_WINDOW;
	return e->out + e->out_pos - *len;
}

size_t engine_pack_window(const unsigned char *src, size_t len, unsigned char *dst,
                          unsigned char *level_buf)
{
	struct isal_zstream zs;
	if (len > 64) {
		isal_deflate_stateless_init(&zs);
		zs.level = 1;
		zs.level_buf = level_buf;
		zs.level_buf_size = ENGINE_PACK_SCRATCH;
		zs.next_in = (uint8_t *)src;
		zs.avail_in = (uint32_t)len;
		zs.next_out = dst;
		zs.avail_out = (uint32_t)len - 1;
		zs.end_of_stream = 1;
		zs.flush = NO_FLUSH;
		zs.gzip_flag = 0;
		if (isal_deflate_stateless(&zs) == COMP_OK && zs.avail_in == 0 &&
		    zs.total_out < len)
			return zs.total_out;
	}
	memcpy(dst, src, len);
	return len;
}

int engine_unpack_window(const unsigned char *src, size_t zlen, unsigned char *dst, size_t len)
{
	if (len == 0)
		return zlen == 0 ? 0 : -EIO;
	if (zlen == len) {
		memcpy(dst, src, len);
		return 0;
	}
	if (zlen > len)
		return -EIO;
	return engine_inflate_exact(src, zlen, dst, len);
}

int engine_inflate_exact(const unsigned char *src, size_t zlen, unsigned char *dst, size_t len)
{
	if (zlen > UINT32_MAX || len > UINT32_MAX)
		return -EINVAL;
	struct inflate_state *s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	isal_inflate_init(s);
	s->next_in = (uint8_t *)src;
	s->avail_in = (uint32_t)zlen;
	s->next_out = dst;
	s->avail_out = (uint32_t)len;
	s->crc_flag = ISAL_DEFLATE;
	int rc = isal_inflate_stateless(s);
	int ok = rc == ISAL_DECOMP_OK && s->total_out == len;
	free(s);
	return ok ? 0 : -EIO;
}

uint32_t engine_crc32(uint32_t crc, const void *buf, size_t len)
{
	return crc32_gzip_refl(crc, buf, len);
}
