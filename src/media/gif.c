/* GIF: the logical screen's size from the header (GIF has no EXIF). */
#include "media/parsers.h"

void gif_probe(struct probe_ctx *c)
{
	const uint8_t *h = c->src->head;
	if (c->src->head_len < 10) {
		probe_problem(c, "GIF header truncated");
		return;
	}
	c->out->width = rd_le16(h + 6);
	c->out->height = rd_le16(h + 8);
	c->out->has |= MI_WIDTH | MI_HEIGHT;
}
