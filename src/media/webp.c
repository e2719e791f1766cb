/* WebP: RIFF chunks. Size from VP8X (canvas), else VP8 / VP8L bitstream
 * headers; the EXIF chunk (raw TIFF, sometimes behind an "Exif\0\0" header
 * that some writers add) goes to libexif. */
#include <string.h>

#include "media/parsers.h"

#define WEBP_MAX_CHUNKS 256

static void set_size(struct media_info *mi, uint32_t w, uint32_t h)
{
	if (mi->has & MI_WIDTH)
		return;
	mi->width = (int)w;
	mi->height = (int)h;
	mi->has |= MI_WIDTH | MI_HEIGHT;
}

static void read_frame_size(struct probe_ctx *c, const uint8_t *type, uint64_t data, size_t len)
{
	const uint8_t *p;
	if (memcmp(type, "VP8X", 4) == 0 && len >= 10 && (p = probe_bytes(c, data, 10)))
		set_size(c->out, rd_le24(p + 4) + 1, rd_le24(p + 7) + 1);
	else if (memcmp(type, "VP8 ", 4) == 0 && len >= 10 && (p = probe_bytes(c, data, 10)) &&
	         p[3] == 0x9d && p[4] == 0x01 && p[5] == 0x2a)
		set_size(c->out, rd_le16(p + 6) & 0x3fff, rd_le16(p + 8) & 0x3fff);
	else if (memcmp(type, "VP8L", 4) == 0 && len >= 5 && (p = probe_bytes(c, data, 5)) &&
	         p[0] == 0x2f) {
		uint32_t bits = rd_le32(p + 1);
		set_size(c->out, (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
	}
}

static void read_exif_chunk(struct probe_ctx *c, uint64_t data, size_t len)
{
	const uint8_t *p = len >= EXIF_HEADER_LEN ? probe_bytes(c, data, EXIF_HEADER_LEN) : NULL;
	if (p && memcmp(p, "Exif\0\0", EXIF_HEADER_LEN) == 0) {
		data += EXIF_HEADER_LEN;
		len -= EXIF_HEADER_LEN;
	}
	probe_exif_at(c, data, len);
}

void webp_probe(struct probe_ctx *c)
{
	uint64_t size = c->src->size, pos = 12;
	const uint8_t *h = probe_bytes(c, 4, 4);
	if (h && rd_le32(h) + 8ull < size)
		size = rd_le32(h) + 8ull; /* ignore bytes after the RIFF */
	for (int n = 0; n < WEBP_MAX_CHUNKS && pos + 8 <= size; n++) {
		const uint8_t *p = probe_bytes(c, pos, 8);
		if (!p)
			break;
		uint8_t type[4];
		memcpy(type, p, 4);
		uint64_t len = rd_le32(p + 4), data = pos + 8;
		if (len > size - data) {
			probe_problem(c, "WebP chunk truncated");
			len = size - data;
		}
		if (memcmp(type, "EXIF", 4) == 0)
			read_exif_chunk(c, data, (size_t)len);
		else
			read_frame_size(c, type, data, (size_t)len);
		pos = data + len + (len & 1);
	}
}
