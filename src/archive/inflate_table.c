/* Seek-point table storage and lookups (see inflate_table.h). */
#include "inflate_table.h"

#include "inflate_engine.h"
#include "util/growbuf.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int inflate_table_add(struct inflate_index *t, uint64_t bit, uint64_t out,
                      const unsigned char *packed, uint32_t stored, uint32_t window_len)
{
	if (t->npoints && t->points[t->npoints - 1].out == out) {
		/* Replaced: its window, the last bytes of windows[], goes too. */
		t->npoints--;
		t->windows_len = t->points[t->npoints].window_at;
	}
	if (grow_array((void **)&t->points, &t->cap, (size_t)t->npoints + 1, sizeof(*t->points)))
		return -ENOMEM;
	if (stored && grow_array((void **)&t->windows, &t->windows_cap, t->windows_len + stored, 1))
		return -ENOMEM;
	struct inflate_point *p = &t->points[t->npoints++];
	p->bit = bit;
	p->out = out;
	p->span_crc = 0;
	p->window_len = window_len;
	p->window_stored = stored;
	p->window_at = t->windows_len;
	if (stored)
		memcpy(t->windows + t->windows_len, packed, stored);
	t->windows_len += stored;
	return 0;
}

uint32_t inflate_table_span_of(const struct inflate_index *t, uint64_t off)
{
	uint32_t lo = 0, hi = t->npoints; /* points[lo].out <= off < points[hi].out */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (t->points[mid].out <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

uint64_t inflate_table_span_size(const struct inflate_index *t, uint32_t i)
{
	uint64_t end = i + 1 < t->npoints ? t->points[i + 1].out : t->out_size;
	return end - t->points[i].out;
}

int inflate_table_check(const struct inflate_index *t)
{
	if (t->format != INFLATE_RAW && t->format != INFLATE_GZIP)
		return -EINVAL;
	if (t->npoints == 0 || t->points[0].out != 0)
		return -EINVAL;
	if (t->comp_size > UINT64_MAX / 8)
		return -EINVAL;
	uint64_t stored_total = 0;
	for (uint32_t i = 0; i < t->npoints; i++) {
		const struct inflate_point *p = &t->points[i];
		if (p->bit >= t->comp_size * 8)
			return -EINVAL;
		if (i > 0 && (p->bit <= p[-1].bit || p->out <= p[-1].out))
			return -EINVAL;
		if (p->out >= t->out_size && !(t->out_size == 0 && i == 0))
			return -EINVAL;
		if (p->window_len > ENGINE_WINDOW || p->window_len > p->out)
			return -EINVAL;
		if (p->window_stored > p->window_len)
			return -EINVAL;
		if (p->window_at != stored_total)
			return -EINVAL;
		stored_total += p->window_stored;
	}
	return stored_total == t->windows_len ? 0 : -EINVAL;
}

void inflate_index_info(const struct inflate_index *idx, struct inflate_index_info *info)
{
	info->format = idx->format;
	info->comp_size = idx->comp_size;
	info->out_size = idx->out_size;
	info->crc = idx->crc;
	info->points = idx->npoints;
	info->max_span = 0;
	for (uint32_t i = 0; i < idx->npoints; i++) {
		uint64_t s = inflate_table_span_size(idx, i);
		if (s > info->max_span)
			info->max_span = s;
	}
}

void inflate_index_point(const struct inflate_index *idx, uint32_t i, struct inflate_point_info *pi)
{
	assert(i < idx->npoints);
	const struct inflate_point *p = &idx->points[i];
	*pi = (struct inflate_point_info){.bit = p->bit,
	                                  .out = p->out,
	                                  .window_len = p->window_len,
	                                  .window_stored = p->window_stored};
}

void inflate_index_free(struct inflate_index *idx)
{
	if (!idx)
		return;
	free(idx->points);
	free(idx->windows);
	free(idx);
}

struct inflate_index *inflate_index_single(uint64_t comp_size, uint64_t out_size, uint32_t crc)
{
	struct inflate_index *t = calloc(1, sizeof(*t));
	if (!t || inflate_table_add(t, 0, 0, NULL, 0, 0)) {
		inflate_index_free(t);
		return NULL;
	}
	t->format = INFLATE_RAW;
	t->comp_size = comp_size;
	t->out_size = out_size;
	t->crc = crc;
	t->points[0].span_crc = crc;
	return t;
}

uint32_t inflate_crc32(uint32_t crc, const void *buf, size_t len)
{
	return engine_crc32(crc, buf, len);
}
