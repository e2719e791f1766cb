/* media_probe(): recognises the container by its first bytes and runs the
 * parser for it (media/parsers.h) over the bounded reader (media/reader.h).
 * Owns: format detection and dispatch. Must not: parse a format itself. */
#include <string.h>

#include "media/parsers.h"

static bool is_heif_brand(const uint8_t *b)
{
	static const char brands[][5] = {"heic", "heix", "heim", "heis", "hevc", "hevx",
	                                 "mif1", "mif2", "msf1", "avif", "avis", "MiHE"};
	for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
		if (memcmp(b, brands[i], 4) == 0)
			return true;
	return false;
}

static bool is_video_brand(const uint8_t *b)
{
	static const char brands[][5] = {"isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42",
	                                 "qt  ", "M4V ", "M4VH", "M4VP", "avc1", "3gp4", "3gp5",
	                                 "3gp6", "3g2a", "MSNV", "dash", "XAVC"};
	for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
		if (memcmp(b, brands[i], 4) == 0)
			return true;
	return false;
}

/* ftyp: HEIF when the major brand says so, or when only the compatible
 * brands name an image format and none a movie. */
static enum media_format format_from_ftyp(const uint8_t *h, size_t n)
{
	uint32_t size = rd_be32(h);
	if (size < 16 || size > n)
		size = n < 64 ? (uint32_t)n : 64;
	if (is_heif_brand(h + 8))
		return MF_HEIF;
	if (is_video_brand(h + 8))
		return MF_MP4;
	for (uint32_t o = 16; o + 4 <= size; o += 4)
		if (is_heif_brand(h + o))
			return MF_HEIF;
	return MF_MP4;
}

static bool is_quicktime_top_box(const uint8_t *h, size_t n)
{
	static const char types[][5] = {"moov", "mdat", "free", "skip", "wide", "pnot"};
	if (n < 8)
		return false;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (memcmp(h + 4, types[i], 4) == 0)
			return true;
	return false;
}

static enum media_format detect_format(const uint8_t *h, size_t n)
{
	if (n >= 3 && h[0] == 0xff && h[1] == 0xd8 && h[2] == 0xff)
		return MF_JPEG;
	if (n >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0)
		return MF_PNG;
	if (n >= 4 && (memcmp(h, "II*\0", 4) == 0 || memcmp(h, "MM\0*", 4) == 0))
		return MF_TIFF;
	if (n >= 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WEBP", 4) == 0)
		return MF_WEBP;
	if (n >= 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "AVI ", 4) == 0)
		return MF_OTHER_VIDEO;
	if (n >= 6 && (memcmp(h, "GIF87a", 6) == 0 || memcmp(h, "GIF89a", 6) == 0))
		return MF_GIF;
	if (n >= 12 && memcmp(h + 4, "ftyp", 4) == 0)
		return format_from_ftyp(h, n);
	if (is_quicktime_top_box(h, n))
		return MF_MP4;
	if (n >= 4 && memcmp(h, "\x1a\x45\xdf\xa3", 4) == 0)
		return MF_OTHER_VIDEO;
	return MF_UNKNOWN;
}

static void run_parser(struct probe_ctx *c)
{
	switch (c->out->format) {
	case MF_JPEG:
		jpeg_probe(c);
		break;
	case MF_PNG:
		png_probe(c);
		break;
	case MF_TIFF:
		tiff_probe(c);
		break;
	case MF_WEBP:
		webp_probe(c);
		break;
	case MF_GIF:
		gif_probe(c);
		break;
	case MF_HEIF:
		isobmff_probe(c, true);
		break;
	case MF_MP4:
		isobmff_probe(c, false);
		break;
	case MF_OTHER_VIDEO:
	case MF_UNKNOWN:
		break;
	}
}

static int probe_with(const struct media_source *src, struct media_info *out, bool detect,
                      enum media_format f, const uint8_t *tiff, size_t tiff_len)
{
	memset(out, 0, sizeof *out);
	if (!src || !src->head)
		return 0;
	struct media_source s = *src;
	if (s.head_len > s.size)
		s.head_len = (size_t)s.size;
	struct probe_ctx c;
	probe_ctx_begin(&c, &s, out);
	out->format = detect ? detect_format(s.head, s.head_len) : f;
	if (tiff)
		probe_exif_tiff(&c, tiff, tiff_len);
	else
		run_parser(&c);
	probe_ctx_end(&c);
	return c.oom ? -1 : 0;
}

int media_probe(const struct media_source *src, struct media_info *out)
{
	return probe_with(src, out, true, MF_UNKNOWN, NULL, 0);
}

int media_probe_as(const struct media_source *src, struct media_info *out, enum media_format f)
{
	return probe_with(src, out, false, f, NULL, 0);
}

int media_probe_tiff_block(const uint8_t *tiff, size_t len, struct media_info *out)
{
	struct media_source s = {tiff, len, len, NULL, NULL};
	return probe_with(&s, out, false, MF_UNKNOWN, tiff, len);
}
