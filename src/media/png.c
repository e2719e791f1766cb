/* PNG: size from IHDR; the eXIf chunk (raw TIFF) wherever it is. Chunks are
 * walked by their lengths while the read budget allows; when it runs low the
 * file's tail is searched for an eXIf chunk whose CRC proves it is one (the
 * usual place of an eXIf written after IDAT is just before IEND). */
#include <string.h>
#include <zlib.h>

#include "media/parsers.h"

#define PNG_MAX_CHUNKS 100000
#define PNG_TAIL       (64 * 1024)
#define PNG_SIG_LEN    8

static bool chunk_type_is_sane(const uint8_t *t)
{
	for (int i = 0; i < 4; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z')))
			return false;
	return true;
}

/* Searches the tail for "eXIf" with a matching CRC; returns true if handed over. */
static bool exif_from_tail(struct probe_ctx *c, uint64_t from)
{
	uint64_t size = c->src->size;
	uint64_t start = size > PNG_TAIL ? size - PNG_TAIL : 0;
	if (start < from)
		start = from;
	size_t got;
	const uint8_t *t = probe_bytes_upto(c, start, (size_t)(size - start), &got);
	if (!t)
		return false;
	for (size_t i = got >= 12 ? got - 12 : 0;; i--) {
		if (i >= 4 && memcmp(t + i, "eXIf", 4) == 0) {
			size_t len = rd_be32(t + i - 4);
			if (len <= got - i - 4 && got - i - 4 - len >= 4) {
				uint32_t crc = (uint32_t)crc32(0, t + i, (uInt)(4 + len));
				if (crc == rd_be32(t + i + 4 + len)) {
					probe_exif_at(c, start + i + 4, len);
					return true;
				}
			}
		}
		if (i == 0)
			break;
	}
	return false;
}

void png_probe(struct probe_ctx *c)
{
	const uint8_t *h = probe_bytes(c, PNG_SIG_LEN, 16);
	if (!h || memcmp(h + 4, "IHDR", 4) != 0) {
		probe_problem(c, "PNG without IHDR");
		return;
	}
	c->out->width = (int)(rd_be32(h + 8) & 0x7fffffff);
	c->out->height = (int)(rd_be32(h + 12) & 0x7fffffff);
	c->out->has |= MI_WIDTH | MI_HEIGHT;

	uint64_t pos = PNG_SIG_LEN, size = c->src->size;
	for (int n = 0; n < PNG_MAX_CHUNKS && pos + 12 <= size; n++) {
		bool in_memory =
		    pos + 8 <= c->src->head_len ||
		    (c->win_len && pos >= c->win_off && pos + 8 <= c->win_off + c->win_len);
		if (!in_memory && c->reads_left <= 2)
			break;
		const uint8_t *p = probe_bytes(c, pos, 8);
		if (!p || !chunk_type_is_sane(p + 4)) {
			probe_problem(c, "PNG chunk damaged");
			return;
		}
		uint64_t len = rd_be32(p);
		if (len > size - pos - 12) {
			probe_problem(c, "PNG chunk truncated");
			return;
		}
		if (memcmp(p + 4, "eXIf", 4) == 0) {
			probe_exif_at(c, pos + 8, (size_t)len);
			return;
		}
		if (memcmp(p + 4, "IEND", 4) == 0)
			return;
		pos += 12 + len;
	}
	if (pos + 12 <= size)
		exif_from_tail(c, pos);
}
