/* TIFF and TIFF-based raw (DNG, NEF, CR2...): the file itself is the EXIF
 * block, so its start goes to libexif. The image size is ExifTool's: the
 * first IFD (IFD0, then IFD0's SubIFDs) whose SubfileType is 0 (the full-
 * resolution image), else IFD0 - which is why a DNG reports the raw size.
 * IFDs libexif cannot reach (past 64 KiB) are handed over through shims. */
#include <string.h>

#include "media/parsers.h"

#define TIFF_TAG_SUBFILE_TYPE 0x00fe
#define TIFF_TAG_WIDTH        0x0100
#define TIFF_TAG_HEIGHT       0x0101
#define TIFF_TAG_SUB_IFDS     0x014a
#define TIFF_TAG_EXIF_IFD     0x8769
#define TIFF_TAG_GPS_IFD      0x8825
#define TIFF_TAG_INTEROP_IFD  0xa005
#define LIBEXIF_REACH         (0xfffe - EXIF_HEADER_LEN) /* TIFF bytes libexif looks at */
#define SHIM_LEN              26                         /* header + a one-entry IFD0 */
#define TIFF_HEADER_LEN       8
#define FAR_MARGIN            4096 /* room an IFD and its values usually take */
#define TIFF_TAG_INERT        0xffff
#define TIFF_MAX_ENTRIES      1024
#define TIFF_MAX_SUB_IFDS     8
#define TIFF_TYPE_LONG        4

struct tiff_ifd {
	bool has_subfile, has_w, has_h;
	uint32_t subfile, w, h;
	uint32_t sub[TIFF_MAX_SUB_IFDS];
	int n_sub;
	uint32_t exif_ifd, gps_ifd; /* 0: none */
};

static uint32_t entry_value(const uint8_t *e, bool le)
{
	uint16_t type = rd_tiff16(e + 2, le);
	return type == 3 ? rd_tiff16(e + 8, le) : rd_tiff32(e + 8, le);
}

static void read_sub_ifd_offsets(struct probe_ctx *c, const uint8_t *e, bool le,
                                 struct tiff_ifd *ifd)
{
	uint32_t n = rd_tiff32(e + 4, le);
	if (n > TIFF_MAX_SUB_IFDS)
		n = TIFF_MAX_SUB_IFDS;
	if (n == 1) {
		ifd->sub[ifd->n_sub++] = rd_tiff32(e + 8, le);
		return;
	}
	const uint8_t *arr = probe_bytes(c, rd_tiff32(e + 8, le), 4 * (size_t)n);
	for (uint32_t i = 0; arr && i < n; i++)
		ifd->sub[ifd->n_sub++] = rd_tiff32(arr + 4 * i, le);
}

static bool read_ifd(struct probe_ctx *c, uint64_t off, bool le, struct tiff_ifd *ifd)
{
	memset(ifd, 0, sizeof *ifd);
	const uint8_t *p = probe_bytes(c, off, 2);
	if (!p)
		return false;
	uint32_t n = rd_tiff16(p, le);
	if (n > TIFF_MAX_ENTRIES)
		return false;
	uint32_t sub_entry = UINT32_MAX;
	p = probe_bytes(c, off + 2, 12 * (size_t)n);
	if (!p)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = p + 12 * i;
		switch (rd_tiff16(e, le)) {
		case TIFF_TAG_SUBFILE_TYPE:
			ifd->has_subfile = true;
			ifd->subfile = entry_value(e, le);
			break;
		case TIFF_TAG_WIDTH:
			ifd->has_w = true;
			ifd->w = entry_value(e, le);
			break;
		case TIFF_TAG_HEIGHT:
			ifd->has_h = true;
			ifd->h = entry_value(e, le);
			break;
		case TIFF_TAG_SUB_IFDS:
			sub_entry = i;
			break;
		case TIFF_TAG_EXIF_IFD:
			ifd->exif_ifd = rd_tiff32(e + 8, le);
			break;
		case TIFF_TAG_GPS_IFD:
			ifd->gps_ifd = rd_tiff32(e + 8, le);
			break;
		}
	}
	/* Read last: it may move the window that p points into. */
	if (sub_entry != UINT32_MAX) {
		uint8_t e[12];
		memcpy(e, p + 12 * sub_entry, 12);
		read_sub_ifd_offsets(c, e, le, ifd);
	}
	return true;
}

static uint32_t type_size(uint16_t type)
{
	static const uint8_t sizes[] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};
	return type < sizeof sizes ? sizes[type] : 0;
}

static void put16(uint8_t *p, uint16_t v, bool le)
{
	p[le ? 0 : 1] = (uint8_t)v;
	p[le ? 1 : 0] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v, bool le)
{
	for (int i = 0; i < 4; i++)
		p[le ? i : 3 - i] = (uint8_t)(v >> (8 * i));
}

static bool is_pointer_tag(uint16_t tag)
{
	return tag == TIFF_TAG_EXIF_IFD || tag == TIFF_TAG_GPS_IFD || tag == TIFF_TAG_INTEROP_IFD;
}

/* Rewrites the entries of the IFD at t (file offset base), now at block
 * offset at, so that offsets point into the block. Data lying before base is
 * dropped (count 0); pointers to IFDs before base, or all of them when
 * drop_pointers, get an inert tag number (those IFDs get shims of their own). */
static void rebase_entries(uint8_t *t, size_t len, uint32_t base, uint32_t at, bool drop_pointers,
                           bool le)
{
	uint32_t n = rd_tiff16(t, le);
	for (uint32_t i = 0; i < n && 2 + 12 * (size_t)(i + 1) <= len; i++) {
		uint8_t *e = t + 2 + 12 * i;
		uint16_t tag = rd_tiff16(e, le);
		uint64_t bytes = (uint64_t)type_size(rd_tiff16(e + 2, le)) * rd_tiff32(e + 4, le);
		uint32_t off = rd_tiff32(e + 8, le);
		if (is_pointer_tag(tag)) {
			if (drop_pointers || off < base)
				put16(e, TIFF_TAG_INERT, le);
			else
				put32(e + 8, off - base + at, le);
		} else if (bytes > 4) {
			if (off < base)
				put32(e + 4, 0, le);
			else
				put32(e + 8, off - base + at, le);
		}
	}
	if (2 + 12 * (size_t)n + 4 <= len)
		put32(t + 2 + 12 * n, 0, le); /* no next IFD */
}

/* libexif sees only the first 64 KiB of a block, but TIFF writers put IFDs
 * anywhere (a DNG's Exif IFD often lies past its raw data, Photoshop writes
 * IFD0 at the end). This hands libexif a small block: a header, for an Exif
 * or GPS IFD an IFD0 holding only the pointer tag, then the file's bytes from
 * that IFD on, offsets rebased. pointer_tag 0 means the IFD is IFD0 itself. */
static void parse_far_ifd(struct probe_ctx *c, bool le, uint16_t pointer_tag, uint32_t off)
{
	uint32_t at = pointer_tag ? SHIM_LEN : TIFF_HEADER_LEN;
	size_t want = LIBEXIF_REACH - at;
	uint8_t *b = probe_exif_buffer(c, EXIF_HEADER_LEN + at + want);
	if (!b)
		return;
	uint8_t *t = b + EXIF_HEADER_LEN;
	size_t got = probe_copy_upto(c, off, want, t + at);
	if (got < 2) {
		probe_problem(c, "TIFF IFD outside the file");
		return;
	}
	memcpy(b, "Exif\0\0", EXIF_HEADER_LEN);
	memcpy(t, le ? "II*\0" : "MM\0*", 4);
	put32(t + 4, TIFF_HEADER_LEN, le);
	if (pointer_tag) {
		put16(t + 8, 1, le);
		put16(t + 10, pointer_tag, le);
		put16(t + 12, TIFF_TYPE_LONG, le);
		put32(t + 14, 1, le);
		put32(t + 18, SHIM_LEN, le);
		put32(t + 22, 0, le);
	}
	rebase_entries(t + at, got, off, at, pointer_tag == 0, le);
	exif_parse_block(c, b, EXIF_HEADER_LEN + at + got);
}

/* Whether libexif, reading the first 64 KiB, may miss (part of) this IFD. */
static bool beyond_libexif(uint32_t off)
{
	return off != 0 && off > LIBEXIF_REACH - FAR_MARGIN;
}

static void set_size(struct media_info *mi, const struct tiff_ifd *ifd)
{
	if (ifd->has_w && ifd->has_h) {
		mi->width = (int)(ifd->w & 0x7fffffff);
		mi->height = (int)(ifd->h & 0x7fffffff);
		mi->has |= MI_WIDTH | MI_HEIGHT;
	}
}

static void tiff_size(struct probe_ctx *c, bool le, uint32_t ifd0_off, struct tiff_ifd *ifd0p)
{
	struct tiff_ifd ifd0, sub;
	if (!read_ifd(c, ifd0_off, le, &ifd0)) {
		probe_problem(c, "TIFF IFD0 unreadable");
		return;
	}
	*ifd0p = ifd0;
	if (ifd0.has_subfile && ifd0.subfile == 0) {
		set_size(c->out, &ifd0);
		return;
	}
	for (int i = 0; i < ifd0.n_sub; i++) {
		if (ifd0.sub[i] == ifd0_off || !read_ifd(c, ifd0.sub[i], le, &sub))
			continue;
		if (sub.has_subfile && sub.subfile == 0) {
			set_size(c->out, &sub);
			return;
		}
	}
	set_size(c->out, &ifd0);
}

void tiff_probe(struct probe_ctx *c)
{
	const uint8_t *h = probe_bytes(c, 0, 8);
	if (!h)
		return;
	bool le = h[0] == 'I';
	uint32_t ifd0 = rd_tiff32(h + 4, le);
	bool ifd0_far = beyond_libexif(ifd0);
	if (ifd0_far)
		parse_far_ifd(c, le, 0, ifd0);
	else
		probe_exif_at(
		    c, 0, c->src->size < MEDIA_READ_MAX ? (size_t)c->src->size : MEDIA_READ_MAX);
	struct tiff_ifd first = {0};
	tiff_size(c, le, ifd0, &first);
	if (first.exif_ifd && (ifd0_far || beyond_libexif(first.exif_ifd)))
		parse_far_ifd(c, le, TIFF_TAG_EXIF_IFD, first.exif_ifd);
	if (first.gps_ifd && (ifd0_far || beyond_libexif(first.gps_ifd)))
		parse_far_ifd(c, le, TIFF_TAG_GPS_IFD, first.gps_ifd);
}
