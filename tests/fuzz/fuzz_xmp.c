/* Fuzz target for the XMP sidecar renderer's reading of a .meta: any bytes
 * give -EINVAL, or a packet of characters XML allows (valid UTF-8, no
 * control character but TAB and LF, no U+FFFE/U+FFFF), every '&' starting
 * one of the renderer's references, ending as every packet ends. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/ustr.h"
#include "views/xmp.h"

static void require(bool ok)
{
	if (!ok)
		abort();
}

static void check_packet(const struct jbuf *b)
{
	static const char END[] = "</x:xmpmeta>\n<?xpacket end=\"r\"?>\n";
	require(b->len > sizeof END && ustr_valid_utf8(b->p, b->len));
	require(strlen(b->p) == b->len);
	require(memcmp(b->p + b->len - (sizeof END - 1), END, sizeof END - 1) == 0);
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->p[i];
		require(c >= 0x20 || c == '\t' || c == '\n');
		if (c == 0xef && i + 2 < b->len && (unsigned char)b->p[i + 1] == 0xbf)
			require(((unsigned char)b->p[i + 2] & 0xfe) != 0xbe);
		if (c == '&')
			require(!strncmp(b->p + i, "&amp;", 5) || !strncmp(b->p + i, "&lt;", 4) ||
			        !strncmp(b->p + i, "&gt;", 4) || !strncmp(b->p + i, "&#xD;", 5));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jbuf out = {0};
	int rc = xmp_render_from_meta((const char *)data, size, &out);
	require(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc == 0)
		check_packet(&out);
	jbuf_free(&out);
	return 0;
}
