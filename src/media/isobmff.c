/* ISO base media files. HEIF/HEIC/AVIF: meta/pitm, iinf, iloc and iprp give
 * the primary item's ispe (size) and the Exif item's extent, which may sit
 * anywhere in the file (often at its end), in one extent or several.
 * QuickTime/MP4: mvhd creation time, the first video track's tkhd size,
 * Apple's keys (make, model, ISO 6709 location, creation date with its
 * offset), the iTunes-style item list (©xyz), the udta atoms
 * ExifTool reads (©mak, ©mod, ©xyz, loci, date) and Pentax's udta TAGS.
 * Every box is bounded by its parent; nesting is fixed by the code (no
 * generic recursion) and the number of boxes visited is limited. */
#include <string.h>

#include "media/parsers.h"
#include "media/text.h"

#define BOX_MAX_VISITS  4096
#define HEIF_MAX_PROPS  4096
#define HEIF_MAX_ISPE   32
#define QT_MAX_KEYS     256
#define LEAF_MAX        (64 * 1024)
#define MAC_EPOCH_DELTA 2082844800ll /* seconds from 1904-01-01 to 1970-01-01 */

#define FOURCC(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

struct box {
	uint32_t type;
	uint64_t off, end; /* the whole box */
	uint64_t data;     /* its payload */
};

struct bmff {
	struct probe_ctx *c;
	int visits;
	/* HEIF */
	uint32_t primary, exif_item;
	bool have_exif_item;
	uint64_t idat;
	bool have_idat;
	struct {
		uint32_t index, w, h;
	} ispe[HEIF_MAX_ISPE];
	int n_ispe;
	uint64_t iloc_off, iloc_len;
	/* QuickTime */
	bool video_sized;
	uint8_t key_kind[QT_MAX_KEYS + 1];
	uint32_t n_keys;
};

enum { KEY_OTHER, KEY_MAKE, KEY_MODEL, KEY_LOCATION, KEY_CREATION_DATE };

static uint64_t payload_len(const struct box *b)
{
	return b->end - b->data;
}

/* Reads the header of the box at off inside [off, end). */
static bool box_at(struct bmff *m, uint64_t off, uint64_t end, struct box *b)
{
	if (++m->visits > BOX_MAX_VISITS || end < off || end - off < 8)
		return false;
	const uint8_t *p = probe_bytes(m->c, off, 8);
	if (!p)
		return false;
	uint64_t size = rd_be32(p);
	b->type = rd_be32(p + 4);
	b->off = off;
	b->data = off + 8;
	if (size == 1) {
		p = end - off >= 16 ? probe_bytes(m->c, off + 8, 8) : NULL;
		if (!p)
			return false;
		size = rd_be64(p);
		b->data = off + 16;
	} else if (size == 0) {
		size = end - off;
	}
	if (size < b->data - off)
		return false;
	if (size > end - off) {
		probe_problem(m->c, "box extends past its parent");
		size = end - off;
	}
	b->end = off + size;
	return true;
}

/* Payload bytes of a leaf box (at most cap), or NULL. */
static const uint8_t *leaf(struct bmff *m, const struct box *b, size_t min, size_t cap, size_t *len)
{
	uint64_t n = payload_len(b);
	if (n < min)
		return NULL;
	*len = n < cap ? (size_t)n : cap;
	return probe_bytes(m->c, b->data, *len);
}

/* ---- HEIF ---------------------------------------------------------------- */

static void heif_infe(struct bmff *m, const struct box *b)
{
	size_t n;
	const uint8_t *p = leaf(m, b, 12, 16, &n);
	if (!p || p[0] < 2)
		return;
	uint32_t id = p[0] == 2 ? rd_be16(p + 4) : rd_be32(p + 4);
	size_t type_at = p[0] == 2 ? 8 : 10;
	if (type_at + 4 <= n && memcmp(p + type_at, "Exif", 4) == 0 && !m->have_exif_item) {
		m->exif_item = id;
		m->have_exif_item = true;
	}
}

static void heif_iinf(struct bmff *m, const struct box *b)
{
	const uint8_t *p = probe_bytes(m->c, b->data, 1);
	if (!p)
		return;
	uint64_t pos = b->data + (p[0] == 0 ? 6 : 8);
	struct box e;
	while (pos < b->end && box_at(m, pos, b->end, &e)) {
		if (e.type == FOURCC('i', 'n', 'f', 'e'))
			heif_infe(m, &e);
		pos = e.end;
	}
}

static void heif_ipco(struct bmff *m, const struct box *b)
{
	uint64_t pos = b->data;
	struct box e;
	for (uint32_t index = 1; index <= HEIF_MAX_PROPS && pos < b->end; index++) {
		if (!box_at(m, pos, b->end, &e))
			return;
		size_t n;
		const uint8_t *p;
		if (e.type == FOURCC('i', 's', 'p', 'e') && m->n_ispe < HEIF_MAX_ISPE &&
		    (p = leaf(m, &e, 12, 12, &n))) {
			m->ispe[m->n_ispe].index = index;
			m->ispe[m->n_ispe].w = rd_be32(p + 4);
			m->ispe[m->n_ispe].h = rd_be32(p + 8);
			m->n_ispe++;
		}
		pos = e.end;
	}
}

static bool ispe_for_index(struct bmff *m, uint32_t index)
{
	for (int i = 0; i < m->n_ispe; i++) {
		if (m->ispe[i].index != index)
			continue;
		struct media_info *mi = m->c->out;
		mi->width = (int)(m->ispe[i].w & 0x7fffffff);
		mi->height = (int)(m->ispe[i].h & 0x7fffffff);
		mi->has |= MI_WIDTH | MI_HEIGHT;
		return true;
	}
	return false;
}

/* Finds the primary item's association list and its first ispe. */
static void heif_ipma(struct bmff *m, const struct box *b)
{
	size_t n;
	const uint8_t *p = leaf(m, b, 8, LEAF_MAX, &n);
	if (!p)
		return;
	uint8_t version = p[0];
	bool wide_index = p[3] & 1;
	uint32_t count = rd_be32(p + 4);
	size_t pos = 8;
	for (uint32_t i = 0; i < count; i++) {
		size_t id_len = version < 1 ? 2 : 4;
		if (pos + id_len + 1 > n)
			return;
		uint32_t id = version < 1 ? rd_be16(p + pos) : rd_be32(p + pos);
		uint8_t assoc = p[pos + id_len];
		pos += id_len + 1;
		size_t each = wide_index ? 2 : 1;
		if (pos + assoc * each > n)
			return;
		if (id == m->primary) {
			for (uint8_t a = 0; a < assoc; a++) {
				uint32_t index = wide_index ? rd_be16(p + pos + 2 * a) & 0x7fff
				                            : p[pos + a] & 0x7fu;
				if (ispe_for_index(m, index))
					return;
			}
			return;
		}
		pos += assoc * each;
	}
}

static void heif_iprp(struct bmff *m, const struct box *b)
{
	uint64_t pos = b->data;
	struct box e;
	while (pos < b->end && box_at(m, pos, b->end, &e)) {
		if (e.type == FOURCC('i', 'p', 'c', 'o'))
			heif_ipco(m, &e);
		else if (e.type == FOURCC('i', 'p', 'm', 'a'))
			heif_ipma(m, &e);
		pos = e.end;
	}
}

static uint64_t read_sized(const uint8_t *p, size_t size)
{
	switch (size) {
	case 4:
		return rd_be32(p);
	case 8:
		return rd_be64(p);
	default:
		return 0;
	}
}

static bool valid_field_size(size_t n)
{
	return n == 0 || n == 4 || n == 8;
}

#define HEIF_MAX_EXTENTS 8

/* An item's data: method 0 (file offsets) or 1 (inside idat), in extents. */
struct item_loc {
	int method, n;
	uint64_t off[HEIF_MAX_EXTENTS], len[HEIF_MAX_EXTENTS];
};

/* iloc: where item `want` lies (at most HEIF_MAX_EXTENTS extents). */
static bool heif_iloc_find(struct bmff *m, uint32_t want, struct item_loc *x)
{
	struct box b = {.data = m->iloc_off, .end = m->iloc_off + m->iloc_len};
	size_t n;
	const uint8_t *p = leaf(m, &b, 8, MEDIA_READ_MAX, &n);
	if (!p)
		return false;
	uint8_t version = p[0];
	if (version > 2)
		return false;
	size_t off_size = p[4] >> 4, len_size = p[4] & 15, base_size = p[5] >> 4;
	size_t index_size = version >= 1 ? (p[5] & 15) : 0;
	size_t pos = 6;
	if (!valid_field_size(off_size) || !valid_field_size(len_size) ||
	    !valid_field_size(base_size) || !valid_field_size(index_size))
		return false;
	uint32_t count;
	if (version < 2) {
		if (pos + 2 > n)
			return false;
		count = rd_be16(p + pos);
		pos += 2;
	} else {
		if (pos + 4 > n)
			return false;
		count = rd_be32(p + pos);
		pos += 4;
	}
	for (uint32_t i = 0; i < count; i++) {
		size_t id_len = version < 2 ? 2 : 4;
		size_t fixed = id_len + (version >= 1 ? 2 : 0) + 2 + base_size + 2;
		if (pos + fixed > n)
			return false;
		uint32_t id = version < 2 ? rd_be16(p + pos) : rd_be32(p + pos);
		pos += id_len;
		int method = 0;
		if (version >= 1) {
			method = rd_be16(p + pos) & 15;
			pos += 2;
		}
		pos += 2; /* data_reference_index */
		uint64_t base = read_sized(p + pos, base_size);
		pos += base_size;
		uint16_t extents = rd_be16(p + pos);
		pos += 2;
		size_t each = index_size + off_size + len_size;
		if (each && extents > (n - pos) / each)
			return false;
		if (id == want && extents >= 1) {
			if (extents > HEIF_MAX_EXTENTS)
				return false;
			x->method = method;
			x->n = extents;
			for (uint16_t k = 0; k < extents; k++) {
				const uint8_t *e = p + pos + k * each + index_size;
				x->off[k] = base + read_sized(e, off_size);
				x->len[k] = read_sized(e + off_size, len_size);
			}
			return true;
		}
		pos += extents * each;
	}
	return false;
}

/* Copies the item's extents, in order, into buf (at most cap bytes); the
 * length, or 0 when an extent is outside the file. */
static size_t heif_item_copy(struct bmff *m, struct item_loc *x, uint8_t *buf, size_t cap)
{
	uint64_t size = m->c->src->size;
	size_t got = 0;
	for (int k = 0; k < x->n && got < cap; k++) {
		uint64_t off = x->off[k], len = x->len[k];
		if (len > size || off > size - len)
			return 0;
		if (len > cap - got)
			len = cap - got;
		if (len && !probe_copy(m->c, off, (size_t)len, buf + got))
			return 0;
		got += (size_t)len;
	}
	return got;
}

/* The Exif item: a 4-byte offset to the TIFF header, then the block; it may
 * come in several extents, which are joined. */
static void heif_exif(struct bmff *m)
{
	struct item_loc x;
	if (!m->have_exif_item || !heif_iloc_find(m, m->exif_item, &x))
		return;
	if (x.method == 1) {
		if (!m->have_idat)
			return;
		for (int k = 0; k < x.n; k++)
			x.off[k] += m->idat;
	} else if (x.method != 0) {
		return;
	}
	if (x.n == 1) { /* the common case: straight to libexif */
		uint64_t size = m->c->src->size, len = x.len[0], off = x.off[0];
		if (len == 0 && off < size)
			len = size - off;
		const uint8_t *p = len >= 4 ? probe_bytes(m->c, off, 4) : NULL;
		if (!p) {
			probe_problem(m->c, "HEIF Exif item outside the file");
			return;
		}
		uint64_t skip = 4 + (uint64_t)rd_be32(p); /* tiff_header_offset */
		if (skip >= len) {
			probe_problem(m->c, "HEIF Exif item damaged");
			return;
		}
		len -= skip;
		probe_exif_at(m->c, off + skip,
		              len < MEDIA_READ_MAX ? (size_t)len : MEDIA_READ_MAX);
		return;
	}
	/* libexif reads 64 KiB of a block; room for the header it gets. */
	size_t cap = 0x10000 + 64;
	uint8_t *buf = probe_exif_buffer(m->c, cap + EXIF_HEADER_LEN);
	size_t got = buf ? heif_item_copy(m, &x, buf, cap) : 0;
	if (!buf)
		return;
	uint64_t skip = got >= 4 ? 4 + (uint64_t)rd_be32(buf) : UINT64_MAX;
	if (skip == UINT64_MAX || skip + 8 > got) {
		probe_problem(m->c,
		              got ? "HEIF Exif item damaged" : "HEIF Exif item outside the file");
		return;
	}
	/* The TIFF block behind an "Exif\0\0" header, in the same buffer. */
	memmove(buf + EXIF_HEADER_LEN, buf + skip, got - (size_t)skip);
	memcpy(buf, "Exif\0\0", EXIF_HEADER_LEN);
	exif_parse_block(m->c, buf, EXIF_HEADER_LEN + got - (size_t)skip);
}

static void heif_meta(struct bmff *m, const struct box *b)
{
	uint64_t pos = b->data + 4; /* full box */
	struct box e;
	size_t n;
	const uint8_t *p;
	while (pos < b->end && box_at(m, pos, b->end, &e)) {
		switch (e.type) {
		case FOURCC('p', 'i', 't', 'm'):
			if ((p = leaf(m, &e, 6, 8, &n)))
				m->primary =
				    p[0] == 0 ? rd_be16(p + 4) : (n >= 8 ? rd_be32(p + 4) : 0);
			break;
		case FOURCC('i', 'i', 'n', 'f'):
			heif_iinf(m, &e);
			break;
		case FOURCC('i', 'l', 'o', 'c'):
			m->iloc_off = e.data;
			m->iloc_len = payload_len(&e);
			break;
		case FOURCC('i', 'p', 'r', 'p'):
			heif_iprp(m, &e);
			break;
		case FOURCC('i', 'd', 'a', 't'):
			m->idat = e.data;
			m->have_idat = true;
			break;
		}
		pos = e.end;
	}
	heif_exif(m);
}

/* ---- QuickTime / MP4 ----------------------------------------------------- */

static void qt_mvhd(struct bmff *m, const struct box *b)
{
	size_t n;
	const uint8_t *p = leaf(m, b, 8, 12, &n);
	if (!p)
		return;
	uint64_t t = p[0] == 1 ? (n >= 12 ? rd_be64(p + 4) : 0) : rd_be32(p + 4);
	if (t == 0 || t > (uint64_t)INT64_MAX)
		return;
	struct media_info *mi = m->c->out;
	mi->container_time = (int64_t)t - MAC_EPOCH_DELTA;
	mi->has |= MI_CONTAINER_TIME;
	media_format_utc(mi->container_time, mi->create_date, sizeof mi->create_date);
}

/* tkhd width/height (16.16) of one track: stored until the handler says video. */
static bool qt_tkhd(struct bmff *m, const struct box *b, uint32_t *w, uint32_t *h)
{
	size_t n;
	const uint8_t *p = leaf(m, b, 84, 96, &n);
	if (!p)
		return false;
	size_t at = p[0] == 1 ? 88 : 76;
	if (at + 8 > n)
		return false;
	*w = (rd_be32(p + at) + 0x8000) >> 16;
	*h = (rd_be32(p + at + 4) + 0x8000) >> 16;
	return true;
}

static bool qt_mdia_is_video(struct bmff *m, const struct box *b)
{
	uint64_t pos = b->data;
	struct box e;
	size_t n;
	const uint8_t *p;
	while (pos < b->end && box_at(m, pos, b->end, &e)) {
		if (e.type == FOURCC('h', 'd', 'l', 'r') && (p = leaf(m, &e, 12, 12, &n)))
			return memcmp(p + 8, "vide", 4) == 0;
		pos = e.end;
	}
	return false;
}

static void qt_trak(struct bmff *m, const struct box *b)
{
	uint64_t pos = b->data;
	struct box e;
	uint32_t w = 0, h = 0;
	bool sized = false, video = false;
	while (pos < b->end && box_at(m, pos, b->end, &e)) {
		if (e.type == FOURCC('t', 'k', 'h', 'd'))
			sized = qt_tkhd(m, &e, &w, &h);
		else if (e.type == FOURCC('m', 'd', 'i', 'a'))
			video = qt_mdia_is_video(m, &e);
		pos = e.end;
	}
	if (sized && video && !m->video_sized) {
		m->video_sized = true;
		m->c->out->width = (int)w;
		m->c->out->height = (int)h;
		m->c->out->has |= MI_WIDTH | MI_HEIGHT;
	}
}

static uint8_t key_kind(const uint8_t *name, size_t len)
{
	static const struct {
		const char *name;
		uint8_t kind;
	} known[] = {{"com.apple.quicktime.make", KEY_MAKE},
	             {"com.apple.quicktime.model", KEY_MODEL},
	             {"com.apple.quicktime.location.ISO6709", KEY_LOCATION},
	             {"com.apple.quicktime.creationdate", KEY_CREATION_DATE}};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i].name) == len && memcmp(name, known[i].name, len) == 0)
			return known[i].kind;
	return KEY_OTHER;
}

static void qt_keys(struct bmff *m, const struct box *b)
{
	size_t n;
	const uint8_t *p = leaf(m, b, 8, LEAF_MAX, &n);
	if (!p)
		return;
	uint32_t count = rd_be32(p + 4);
	size_t pos = 8;
	m->n_keys = 0;
	for (uint32_t i = 0; i < count && i < QT_MAX_KEYS && pos + 8 <= n; i++) {
		uint32_t size = rd_be32(p + pos);
		if (size < 8 || size > n - pos)
			return;
		m->key_kind[i + 1] = key_kind(p + pos + 8, size - 8);
		m->n_keys = i + 1;
		pos += size;
	}
}

/* ilst item: its 'data' child (type, locale, value). */
static void qt_ilst_item(struct bmff *m, const struct box *b, uint8_t kind)
{
	struct box d;
	size_t n;
	const uint8_t *p;
	if (!box_at(m, b->data, b->end, &d) || d.type != FOURCC('d', 'a', 't', 'a'))
		return;
	if (!(p = leaf(m, &d, 8, 256, &n)) || rd_be32(p) != 1) /* 1: UTF-8 */
		return;
	struct media_info *mi = m->c->out;
	if (kind == KEY_MAKE && !mi->make[0])
		media_copy_string(mi->make, sizeof mi->make, p + 8, n - 8, true);
	else if (kind == KEY_MODEL && !mi->model[0])
		media_copy_string(mi->model, sizeof mi->model, p + 8, n - 8, true);
	else if (kind == KEY_LOCATION && !(mi->has & MI_GPS))
		media_parse_iso6709(mi, (const char *)p + 8, n - 8);
	else if (kind == KEY_CREATION_DATE && !mi->creation_date[0])
		media_date_from_iso(mi->creation_date, sizeof mi->creation_date,
		                    (const char *)p + 8, n - 8);
}

/* An iTunes-style item list (meta hdlr 'mdir', in udta): items named by
 * their atom type, ExifTool's ItemList group, which takes ©xyz as the
 * location (its ©mak and ©mod are not Make and Model there). */
static uint8_t item_kind(uint32_t type)
{
	return type == FOURCC(0xa9, 'x', 'y', 'z') ? KEY_LOCATION : KEY_OTHER;
}

static void qt_ilst(struct bmff *m, const struct box *b)
{
	uint64_t pos = b->data;
	struct box e;
	while (pos < b->end && box_at(m, pos, b->end, &e)) {
		if (e.type >= 1 && e.type <= m->n_keys && m->key_kind[e.type] != KEY_OTHER)
			qt_ilst_item(m, &e, m->key_kind[e.type]);
		else if (e.type > QT_MAX_KEYS && item_kind(e.type) != KEY_OTHER)
			qt_ilst_item(m, &e, item_kind(e.type));
		pos = e.end;
	}
}

static void qt_meta(struct bmff *m, const struct box *b)
{
	/* QuickTime's meta is a plain box, ISO's a full box: tell by where hdlr sits. */
	const uint8_t *p = payload_len(b) >= 12 ? probe_bytes(m->c, b->data, 12) : NULL;
	if (!p)
		return;
	uint64_t pos = b->data + (memcmp(p + 8, "hdlr", 4) == 0 ? 4 : 0);
	struct box e;
	m->n_keys = 0;
	while (pos < b->end && box_at(m, pos, b->end, &e)) {
		if (e.type == FOURCC('k', 'e', 'y', 's'))
			qt_keys(m, &e);
		else if (e.type == FOURCC('i', 'l', 's', 't'))
			qt_ilst(m, &e);
		pos = e.end;
	}
}

/* ©mak, ©mod, ©xyz: 16-bit length, 16-bit language, text. */
static void qt_udta_text(struct bmff *m, const struct box *b)
{
	size_t n;
	const uint8_t *p = leaf(m, b, 4, 256, &n);
	if (!p)
		return;
	size_t len = rd_be16(p);
	if (len > n - 4)
		len = n - 4;
	struct media_info *mi = m->c->out;
	switch (b->type) {
	case FOURCC(0xa9, 'm', 'a', 'k'):
		if (!mi->make[0])
			media_copy_string(mi->make, sizeof mi->make, p + 4, len, true);
		break;
	case FOURCC(0xa9, 'm', 'o', 'd'):
		if (!mi->model[0])
			media_copy_string(mi->model, sizeof mi->model, p + 4, len, true);
		break;
	case FOURCC(0xa9, 'x', 'y', 'z'):
		if (!(mi->has & MI_GPS))
			media_parse_iso6709(mi, (const char *)p + 4, len);
		break;
	}
}

static double fixed_16_16(const uint8_t *p)
{
	return (int32_t)rd_be32(p) / 65536.0;
}

/* 3GPP loci: full box, language, name, role, longitude, latitude, altitude. */
static void qt_loci(struct bmff *m, const struct box *b)
{
	size_t n;
	const uint8_t *p = leaf(m, b, 20, 512, &n);
	if (!p || (m->c->out->has & MI_GPS))
		return;
	const uint8_t *nul = memchr(p + 6, 0, n - 6);
	if (!nul)
		return;
	size_t at = (size_t)(nul - p) + 2; /* past the name's NUL and the role */
	if (at + 12 > n)
		return;
	double lon = fixed_16_16(p + at), lat = fixed_16_16(p + at + 4);
	if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
		return;
	struct media_info *mi = m->c->out;
	mi->gps_lon = lon;
	mi->gps_lat = lat;
	mi->gps_alt = fixed_16_16(p + at + 8);
	mi->has |= MI_GPS | MI_GPS_ALT;
}

/* Pentax's udta 'TAGS' (ExifTool's Pentax MOV table): a little-endian
 * record after "PENTAX DIGITAL CAMERA\0": Make (string[24] at 0), exposure
 * as 10/value (int32u at 0x26), FNumber and FocalLength (rational64u at 0x2a
 * and 0x48), ISO (int16u at 0xaf). Other makers' TAGS differ: skipped. */
#define PENTAX_TAGS_SIG "PENTAX DIGITAL CAMERA"
#define PENTAX_TAGS_LEN 0xb1

static bool le_ratio(const uint8_t *p, double *v)
{
	uint32_t num = rd_le32(p), den = rd_le32(p + 4);
	if (!den)
		return false;
	*v = (double)num / den;
	return true;
}

static void qt_pentax_tags(struct bmff *m, const struct box *b)
{
	size_t n;
	const uint8_t *p = leaf(m, b, PENTAX_TAGS_LEN, PENTAX_TAGS_LEN, &n);
	if (!p || memcmp(p, PENTAX_TAGS_SIG, sizeof PENTAX_TAGS_SIG) != 0)
		return;
	struct media_info *mi = m->c->out;
	if (!mi->make[0])
		media_copy_string(mi->make, sizeof mi->make, p, 24, true);
	uint32_t t = rd_le32(p + 0x26);
	if (t && !(mi->has & MI_EXPOSURE)) {
		mi->exposure_time = 10.0 / t;
		mi->has |= MI_EXPOSURE;
	}
	if (!(mi->has & MI_FNUMBER) && le_ratio(p + 0x2a, &mi->f_number))
		mi->has |= MI_FNUMBER;
	if (!(mi->has & MI_FOCAL) && le_ratio(p + 0x48, &mi->focal_length))
		mi->has |= MI_FOCAL;
	if (!(mi->has & MI_ISO) && rd_le16(p + 0xaf)) {
		mi->iso = rd_le16(p + 0xaf);
		mi->has |= MI_ISO;
	}
}

static void qt_udta(struct bmff *m, const struct box *b)
{
	uint64_t pos = b->data;
	struct box e;
	size_t n;
	const uint8_t *p;
	while (pos < b->end && box_at(m, pos, b->end, &e)) {
		switch (e.type) {
		case FOURCC(0xa9, 'm', 'a', 'k'):
		case FOURCC(0xa9, 'm', 'o', 'd'):
		case FOURCC(0xa9, 'x', 'y', 'z'):
			qt_udta_text(m, &e);
			break;
		case FOURCC('l', 'o', 'c', 'i'):
			qt_loci(m, &e);
			break;
		case FOURCC('d', 'a', 't', 'e'):
			if ((p = leaf(m, &e, 10, 64, &n)) && !m->c->out->date_time_original[0])
				media_date_from_iso(m->c->out->date_time_original,
				                    sizeof m->c->out->date_time_original,
				                    (const char *)p, n);
			break;
		case FOURCC('m', 'e', 't', 'a'):
			qt_meta(m, &e);
			break;
		case FOURCC('T', 'A', 'G', 'S'):
			qt_pentax_tags(m, &e);
			break;
		}
		pos = e.end;
	}
}

static void qt_moov(struct bmff *m, const struct box *b)
{
	uint64_t pos = b->data;
	struct box e;
	while (pos < b->end && box_at(m, pos, b->end, &e)) {
		switch (e.type) {
		case FOURCC('m', 'v', 'h', 'd'):
			qt_mvhd(m, &e);
			break;
		case FOURCC('t', 'r', 'a', 'k'):
			qt_trak(m, &e);
			break;
		case FOURCC('m', 'e', 't', 'a'):
			qt_meta(m, &e);
			break;
		case FOURCC('u', 'd', 't', 'a'):
			qt_udta(m, &e);
			break;
		}
		pos = e.end;
	}
}

void isobmff_probe(struct probe_ctx *c, bool is_heif)
{
	struct bmff m = {.c = c};
	uint64_t pos = 0, size = c->src->size;
	struct box b;
	bool found = false;
	while (pos < size && box_at(&m, pos, size, &b)) {
		if (is_heif && b.type == FOURCC('m', 'e', 't', 'a')) {
			heif_meta(&m, &b);
			found = true;
			break;
		}
		if (!is_heif && b.type == FOURCC('m', 'o', 'o', 'v')) {
			qt_moov(&m, &b);
			found = true;
			break;
		}
		pos = b.end;
	}
	if (!found)
		probe_problem(c, is_heif ? "HEIF without meta box" : "movie without moov box");
}
