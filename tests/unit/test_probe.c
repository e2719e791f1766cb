/* media_probe() on minimal files built in memory, one per container: JPEG
 * with APP1 Exif, PNG with eXIf after IDAT, HEIF with its Exif item at the
 * end of the file (reached through read_at), TIFF, WebP, MP4 with mvhd/tkhd
 * and udta GPS. Every file is also probed cut at every byte offset (must not
 * crash or loop), reads are counted against the budget, and an IFD loop must
 * terminate. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "media/mime.h"
#include "media/probe.h"

/* ---- building blocks ------------------------------------------------------ */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void put_zeros(struct buf *b, size_t n)
{
	while (n--)
		put(b, "", 1);
}

static void put8(struct buf *b, uint8_t v)
{
	put(b, &v, 1);
}

static void set16(uint8_t *p, uint16_t v, bool le)
{
	p[le ? 0 : 1] = (uint8_t)v;
	p[le ? 1 : 0] = (uint8_t)(v >> 8);
}

static void set32(uint8_t *p, uint32_t v, bool le)
{
	for (int i = 0; i < 4; i++)
		p[le ? i : 3 - i] = (uint8_t)(v >> (8 * i));
}

static void put16(struct buf *b, uint16_t v, bool le)
{
	uint8_t x[2];
	set16(x, v, le);
	put(b, x, 2);
}

static void put32(struct buf *b, uint32_t v, bool le)
{
	uint8_t x[4];
	set32(x, v, le);
	put(b, x, 4);
}

static void put_be32(struct buf *b, uint32_t v)
{
	put32(b, v, false);
}

/* ---- TIFF/EXIF builder --------------------------------------------------- */

enum { T_BYTE = 1, T_ASCII = 2, T_SHORT = 3, T_LONG = 4, T_RATIONAL = 5 };

struct ent {
	uint16_t tag, type;
	uint32_t count;
	uint32_t v;    /* SHORT/LONG/BYTE value, or a placeholder for pointers */
	const char *s; /* ASCII */
	uint32_t r[6]; /* RATIONAL num/den pairs */
};

/* Writes an IFD at the end of b (offsets relative to tiff_start); values
 * that do not fit in 4 bytes follow the IFD. Returns the IFD's offset. */
static uint32_t write_ifd(struct buf *b, size_t tiff_start, bool le, const struct ent *e, int n,
                          uint32_t next)
{
	uint32_t ifd = (uint32_t)(b->len - tiff_start);
	size_t data = b->len + 2 + 12 * (size_t)n + 4;
	struct buf extra = {0};
	put16(b, (uint16_t)n, le);
	for (int i = 0; i < n; i++) {
		put16(b, e[i].tag, le);
		put16(b, e[i].type, le);
		put32(b, e[i].count, le);
		uint32_t off = (uint32_t)(data + extra.len - tiff_start);
		if (e[i].type == T_ASCII) {
			if (e[i].count <= 4) {
				uint8_t v[4] = {0};
				memcpy(v, e[i].s, e[i].count);
				put(b, v, 4);
			} else {
				put32(b, off, le);
				put(&extra, e[i].s, e[i].count);
			}
		} else if (e[i].type == T_RATIONAL) {
			put32(b, off, le);
			for (uint32_t k = 0; k < 2 * e[i].count; k++)
				put32(&extra, e[i].r[k], le);
		} else if (e[i].type == T_SHORT) {
			put16(b, (uint16_t)e[i].v, le);
			put16(b, 0, le);
		} else if (e[i].type == T_BYTE) {
			uint8_t v[4] = {(uint8_t)e[i].v, 0, 0, 0};
			put(b, v, 4);
		} else {
			put32(b, e[i].v, le);
		}
	}
	put32(b, next, le);
	if (extra.len)
		put(b, extra.p, extra.len);
	free(extra.p);
	return ifd;
}

/* A TIFF block with camera, date, exposure and GPS tags; `extra_ifd0` adds
 * width/height tags for the TIFF test. */
static void build_tiff(struct buf *b, bool le, bool with_size)
{
	size_t start = b->len;
	put(b, le ? "II*\0" : "MM\0*", 4);
	put32(b, 8, le);
	/* IFD0 first, with pointer values patched once the sub-IFDs exist. */
	struct ent ifd0[] = {
	    {0x0100, T_LONG, 1, 4000, NULL, {0}},
	    {0x0101, T_LONG, 1, 3000, NULL, {0}},
	    {0x010f, T_ASCII, 12, 0, "TestCam Co  ", {0}},
	    {0x0110, T_ASCII, 8, 0, "Model 1\0", {0}},
	    {0x0112, T_SHORT, 1, 6, NULL, {0}},
	    {0x8769, T_LONG, 1, 0, NULL, {0}},
	    {0x8825, T_LONG, 1, 0, NULL, {0}},
	};
	int first = with_size ? 0 : 2;
	int n0 = (int)(sizeof ifd0 / sizeof ifd0[0]) - first;
	size_t ifd0_at = b->len;
	write_ifd(b, start, le, ifd0 + first, n0, 0);
	struct ent exif[] = {
	    {0x829a, T_RATIONAL, 1, 0, NULL, {1, 250}},
	    {0x829d, T_RATIONAL, 1, 0, NULL, {28, 10}},
	    {0x8827, T_SHORT, 1, 200, NULL, {0}},
	    {0x9003, T_ASCII, 20, 0, "2021:04:11 15:47:53", {0}},
	    {0x9004, T_ASCII, 20, 0, "2021:04:11 15:47:54", {0}},
	    {0x9011, T_ASCII, 7, 0, "-05:00", {0}},
	    {0x920a, T_RATIONAL, 1, 0, NULL, {425, 100}},
	};
	uint32_t exif_off = write_ifd(b, start, le, exif, 7, 0);
	struct ent gps[] = {
	    {0x0001, T_ASCII, 2, 0, "N", {0}},
	    {0x0002, T_RATIONAL, 3, 0, NULL, {39, 1, 3, 1, 456, 100}},
	    {0x0003, T_ASCII, 2, 0, "W", {0}},
	    {0x0004, T_RATIONAL, 3, 0, NULL, {94, 1, 17, 1, 1956, 100}},
	    {0x0005, T_BYTE, 1, 1, NULL, {0}},
	    {0x0006, T_RATIONAL, 1, 0, NULL, {5, 2}},
	};
	uint32_t gps_off = write_ifd(b, start, le, gps, 6, 0);
	/* patch the two pointers: the last two entries of IFD0 */
	set32(b->p + ifd0_at + 2 + 12 * (size_t)(n0 - 2) + 8, exif_off, le);
	set32(b->p + ifd0_at + 2 + 12 * (size_t)(n0 - 1) + 8, gps_off, le);
}

static void check_exif_fields(const struct media_info *mi)
{
	CHECK_STR(mi->make, "TestCam Co");
	CHECK_STR(mi->model, "Model 1");
	CHECK_STR(mi->date_time_original, "2021:04:11 15:47:53");
	CHECK_STR(mi->create_date, "2021:04:11 15:47:54");
	CHECK_STR(mi->offset_time_original, "-05:00");
	CHECK(mi->has & MI_ORIENTATION);
	CHECK_INT(mi->orientation, 6);
	CHECK(mi->has & MI_ISO);
	CHECK(fabs(mi->iso - 200) < 1e-9);
	CHECK(fabs(mi->exposure_time - 0.004) < 1e-12);
	CHECK(fabs(mi->f_number - 2.8) < 1e-12);
	CHECK(fabs(mi->focal_length - 4.25) < 1e-12);
	CHECK(mi->has & MI_GPS);
	CHECK(fabs(mi->gps_lat - (39 + 3 / 60.0 + 4.56 / 3600)) < 1e-9);
	CHECK(fabs(mi->gps_lon + (94 + 17 / 60.0 + 19.56 / 3600)) < 1e-9);
	CHECK(mi->has & MI_GPS_ALT);
	CHECK(fabs(mi->gps_alt + 2.5) < 1e-12);
}

/* ---- sources ------------------------------------------------------------- */

struct mem {
	const uint8_t *p;
	size_t len;
	int reads;
	size_t biggest;
};

static ssize_t mem_read_at(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct mem *m = ctx;
	m->reads++;
	if (len > m->biggest)
		m->biggest = len;
	if (off >= m->len)
		return 0;
	size_t n = m->len - off < len ? m->len - off : len;
	memcpy(buf, m->p + off, n);
	return (ssize_t)n;
}

/* Probes the first `len` bytes of data with a head of at most head_max. */
static int probe_mem(const uint8_t *data, size_t len, size_t head_max, struct media_info *mi,
                     struct mem *m)
{
	*m = (struct mem){data, len, 0, 0};
	struct media_source src = {data, len < head_max ? len : head_max, len, mem_read_at, m};
	return media_probe(&src, mi);
}

static void check_budget(const struct mem *m)
{
	CHECK_MSG(m->reads <= 16, "%d reads", m->reads);
	CHECK_MSG(m->biggest <= 256 * 1024, "a read of %zu bytes", m->biggest);
}

/* Every prefix of the file, with the head cut small so read_at is used too. */
static void probe_every_prefix(const struct buf *b, const char *what)
{
	int bad = 0;
	for (size_t n = 0; n <= b->len; n++) {
		struct media_info mi;
		struct mem m;
		if (probe_mem(b->p, n, n / 2, &mi, &m) != 0 || m.reads > 16)
			bad++;
	}
	CHECK_MSG(bad == 0, "%s: %d prefixes failed", what, bad);
}

/* ---- formats ------------------------------------------------------------- */

static void build_jpeg(struct buf *j, bool le)
{
	struct buf t = {0};
	build_tiff(&t, le, false);
	put(j, "\xff\xd8", 2);
	put(j, "\xff\xe0\x00\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 18);
	put(j, "\xff\xe1", 2);
	put16(j, (uint16_t)(2 + 6 + t.len), false);
	put(j, "Exif\0\0", 6);
	put(j, t.p, t.len);
	put(j, "\xff\xc0\x00\x11\x08", 5);
	put16(j, 480, false); /* height */
	put16(j, 640, false); /* width */
	put(j, "\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
	put(j, "\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00", 10);
	put(j, "\x12\x34\xff\xd9", 4);
	free(t.p);
}

static void test_jpeg(void)
{
	for (int le = 0; le <= 1; le++) {
		struct buf j = {0};
		build_jpeg(&j, le);
		struct media_info mi;
		struct mem m;
		CHECK_INT(probe_mem(j.p, j.len, 65536, &mi, &m), 0);
		CHECK_INT(mi.format, MF_JPEG);
		check_exif_fields(&mi);
		CHECK_INT(mi.width, 640);
		CHECK_INT(mi.height, 480);
		CHECK_STR(mi.problem, "");
		CHECK_INT(m.reads, 0);
		/* head holding only the first bytes: the rest comes through read_at */
		CHECK_INT(probe_mem(j.p, j.len, 24, &mi, &m), 0);
		check_exif_fields(&mi);
		CHECK_INT(mi.width, 640);
		check_budget(&m);
		probe_every_prefix(&j, "jpeg");
		free(j.p);
	}
}

static void put_png_chunk(struct buf *b, const char *type, const void *data, size_t len)
{
	put_be32(b, (uint32_t)len);
	size_t at = b->len;
	put(b, type, 4);
	if (len)
		put(b, data, len);
	put_be32(b, (uint32_t)crc32(0, b->p + at, (uInt)(4 + len)));
}

static void build_png(struct buf *p, size_t idat_len, bool exif_first)
{
	struct buf t = {0}, ihdr = {0};
	build_tiff(&t, false, false);
	put_be32(&ihdr, 256);
	put_be32(&ihdr, 128);
	put(&ihdr, "\x08\x02\x00\x00\x00", 5);
	put(p, "\x89PNG\r\n\x1a\n", 8);
	put_png_chunk(p, "IHDR", ihdr.p, ihdr.len);
	if (exif_first)
		put_png_chunk(p, "eXIf", t.p, t.len);
	uint8_t *idat = calloc(1, idat_len);
	for (size_t i = 0; i < idat_len; i += 8192)
		put_png_chunk(p, "IDAT", idat + i, idat_len - i < 8192 ? idat_len - i : 8192);
	free(idat);
	if (!exif_first)
		put_png_chunk(p, "eXIf", t.p, t.len);
	put_png_chunk(p, "IEND", NULL, 0);
	free(t.p);
	free(ihdr.p);
}

static void test_png(void)
{
	/* eXIf after 3 MiB of IDAT: beyond the head and the chunk-walk budget */
	struct buf p = {0};
	build_png(&p, 3 << 20, false);
	struct media_info mi;
	struct mem m;
	CHECK_INT(probe_mem(p.p, p.len, 65536, &mi, &m), 0);
	CHECK_INT(mi.format, MF_PNG);
	CHECK_INT(mi.width, 256);
	CHECK_INT(mi.height, 128);
	check_exif_fields(&mi);
	check_budget(&m);
	free(p.p);

	struct buf small = {0};
	build_png(&small, 100, false);
	CHECK_INT(probe_mem(small.p, small.len, 65536, &mi, &m), 0);
	check_exif_fields(&mi);
	probe_every_prefix(&small, "png");
	free(small.p);

	struct buf early = {0};
	build_png(&early, 100, true);
	CHECK_INT(probe_mem(early.p, early.len, 65536, &mi, &m), 0);
	check_exif_fields(&mi);
	free(early.p);
}

/* Box helpers: begin writes a placeholder size, end patches it. */
static size_t box_begin(struct buf *b, const char *type)
{
	size_t at = b->len;
	put_be32(b, 0);
	put(b, type, 4);
	return at;
}

static void box_end(struct buf *b, size_t at)
{
	set32(b->p + at, (uint32_t)(b->len - at), false);
}

static void build_heif(struct buf *h, size_t mdat_len)
{
	struct buf t = {0};
	build_tiff(&t, true, false);
	size_t b = box_begin(h, "ftyp");
	put(h, "heic\0\0\0\0mif1heic", 16);
	box_end(h, b);
	size_t meta = box_begin(h, "meta");
	put_be32(h, 0);
	b = box_begin(h, "hdlr");
	put(h, "\0\0\0\0\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0", 25);
	box_end(h, b);
	b = box_begin(h, "pitm");
	put_be32(h, 0);
	put16(h, 1, false);
	box_end(h, b);
	size_t iinf = box_begin(h, "iinf");
	put_be32(h, 0);
	put16(h, 2, false);
	b = box_begin(h, "infe");
	put(h, "\x02\0\0\0\0\x01\0\0hvc1\0", 13);
	box_end(h, b);
	b = box_begin(h, "infe");
	put(h, "\x02\0\0\0\0\x02\0\0Exif\0", 13);
	box_end(h, b);
	box_end(h, iinf);
	size_t iloc = box_begin(h, "iloc");
	put_be32(h, 0);        /* version 0 */
	put(h, "\x44\x00", 2); /* offset_size 4, length_size 4, base_offset_size 0 */
	put16(h, 1, false);
	put16(h, 2, false); /* item 2 */
	put16(h, 0, false); /* data_reference_index */
	put16(h, 1, false); /* one extent */
	size_t patch = h->len;
	put_be32(h, 0);
	put_be32(h, (uint32_t)(4 + 6 + t.len));
	box_end(h, iloc);
	size_t iprp = box_begin(h, "iprp");
	size_t ipco = box_begin(h, "ipco");
	b = box_begin(h, "ispe");
	put_be32(h, 0);
	put_be32(h, 4032);
	put_be32(h, 3024);
	box_end(h, b);
	box_end(h, ipco);
	b = box_begin(h, "ipma");
	put_be32(h, 0);
	put_be32(h, 1);
	put16(h, 1, false);
	put8(h, 1);
	put8(h, 0x81);
	box_end(h, b);
	box_end(h, iprp);
	box_end(h, meta);
	b = box_begin(h, "mdat");
	put_zeros(h, mdat_len);
	size_t exif_at = h->len;
	put_be32(h, 6);
	put(h, "Exif\0\0", 6);
	put(h, t.p, t.len);
	box_end(h, b);
	set32(h->p + patch, (uint32_t)exif_at, false);
	free(t.p);
}

static void test_heif(void)
{
	struct buf h = {0};
	build_heif(&h, 200000); /* Exif item far beyond the 64 KiB head */
	struct media_info mi;
	struct mem m;
	CHECK_INT(probe_mem(h.p, h.len, 65536, &mi, &m), 0);
	CHECK_INT(mi.format, MF_HEIF);
	CHECK_INT(mi.width, 4032);
	CHECK_INT(mi.height, 3024);
	check_exif_fields(&mi);
	CHECK(m.reads >= 1);
	check_budget(&m);
	/* without read_at the far item is absent, and nothing breaks */
	struct media_source head_only = {h.p, 65536, h.len, NULL, NULL};
	CHECK_INT(media_probe(&head_only, &mi), 0);
	CHECK_INT(mi.width, 4032);
	CHECK_STR(mi.make, "");
	free(h.p);

	struct buf small = {0};
	build_heif(&small, 16);
	probe_every_prefix(&small, "heif");
	free(small.p);
}

static void test_tiff(void)
{
	for (int le = 0; le <= 1; le++) {
		struct buf t = {0};
		build_tiff(&t, le, true);
		struct media_info mi;
		struct mem m;
		CHECK_INT(probe_mem(t.p, t.len, 65536, &mi, &m), 0);
		CHECK_INT(mi.format, MF_TIFF);
		CHECK_INT(mi.width, 4000);
		CHECK_INT(mi.height, 3000);
		check_exif_fields(&mi);
		probe_every_prefix(&t, "tiff");
		free(t.p);
	}
}

/* A TIFF whose ExifIFD lies past the 64 KiB libexif reads (as in DNGs). */
static void test_tiff_far_exif_ifd(void)
{
	struct buf t = {0};
	bool le = true;
	put(&t, "II*\0", 4);
	put32(&t, 8, le);
	struct ent ifd0[] = {{0x010f, T_ASCII, 4, 0, "Cam", {0}},
	                     {0x8769, T_LONG, 1, 0, NULL, {0}}};
	size_t ifd0_at = t.len;
	write_ifd(&t, 0, le, ifd0, 2, 0);
	put_zeros(&t, 100000);
	struct ent exif[] = {{0x9003, T_ASCII, 20, 0, "2019:06:06 07:29:51", {0}},
	                     {0x829d, T_RATIONAL, 1, 0, NULL, {56, 10}}};
	uint32_t exif_off = write_ifd(&t, 0, le, exif, 2, 0);
	set32(t.p + ifd0_at + 2 + 12 + 8, exif_off, le);
	struct media_info mi;
	struct mem m;
	CHECK_INT(probe_mem(t.p, t.len, 65536, &mi, &m), 0);
	CHECK_STR(mi.make, "Cam");
	CHECK_STR(mi.date_time_original, "2019:06:06 07:29:51");
	CHECK(fabs(mi.f_number - 5.6) < 1e-12);
	CHECK_STR(mi.problem, "");
	free(t.p);
}

/* A TIFF written with its IFD0 (and Exif IFD) after 100 KB of image data. */
static void test_tiff_ifd0_at_end(void)
{
	struct buf t = {0};
	bool le = false;
	put(&t, "MM\0*", 4);
	put32(&t, 0, le);
	put_zeros(&t, 100000);
	struct ent exif[] = {{0x9003, T_ASCII, 20, 0, "2001:02:03 04:05:06", {0}}};
	uint32_t exif_off = write_ifd(&t, 0, le, exif, 1, 0);
	struct ent ifd0[] = {{0x0100, T_SHORT, 1, 320, NULL, {0}},
	                     {0x0101, T_SHORT, 1, 200, NULL, {0}},
	                     {0x010f, T_ASCII, 9, 0, "FarMaker", {0}},
	                     {0x0112, T_SHORT, 1, 8, NULL, {0}},
	                     {0x8769, T_LONG, 1, exif_off, NULL, {0}}};
	uint32_t ifd0_off = write_ifd(&t, 0, le, ifd0, 5, 0);
	set32(t.p + 4, ifd0_off, le);
	struct media_info mi;
	struct mem m;
	CHECK_INT(probe_mem(t.p, t.len, 65536, &mi, &m), 0);
	CHECK_STR(mi.make, "FarMaker");
	CHECK_INT(mi.orientation, 8);
	CHECK_INT(mi.width, 320);
	CHECK_INT(mi.height, 200);
	CHECK_STR(mi.date_time_original, "2001:02:03 04:05:06");
	CHECK_STR(mi.problem, "");
	check_budget(&m);
	free(t.p);
}

static void test_ifd_loop(void)
{
	/* IFD0's next pointer and its ExifIFD pointer both lead back to IFD0. */
	struct buf t = {0};
	bool le = false;
	put(&t, "MM\0*", 4);
	put32(&t, 8, le);
	struct ent ifd0[] = {{0x010f, T_ASCII, 5, 0, "Loop", {0}},
	                     {0x0112, T_SHORT, 1, 3, NULL, {0}},
	                     {0x8769, T_LONG, 1, 8, NULL, {0}},
	                     {0x8825, T_LONG, 1, 8, NULL, {0}}};
	write_ifd(&t, 0, le, ifd0, 4, 8);
	struct buf j = {0};
	put(&j, "\xff\xd8\xff\xe1", 4);
	put16(&j, (uint16_t)(2 + 6 + t.len), false);
	put(&j, "Exif\0\0", 6);
	put(&j, t.p, t.len);
	put(&j, "\xff\xd9", 2);
	struct media_info mi;
	struct mem m;
	CHECK_INT(probe_mem(j.p, j.len, 65536, &mi, &m), 0);
	CHECK_STR(mi.make, "Loop");
	CHECK_INT(mi.orientation, 3);
	CHECK_INT(probe_mem(t.p, t.len, 65536, &mi, &m), 0);
	CHECK_STR(mi.make, "Loop");
	free(t.p);
	free(j.p);
}

static void build_webp(struct buf *w)
{
	struct buf t = {0};
	build_tiff(&t, true, false);
	put(w, "RIFF\0\0\0\0WEBP", 12);
	put(w, "VP8X", 4);
	put32(w, 10, true);
	put(w, "\x08\0\0\0", 4);               /* EXIF flag */
	put(w, "\x7f\x07\x00\x37\x04\x00", 6); /* 1920 x 1080 */
	put(w, "VP8L", 4);
	put32(w, 6, true);
	put(w, "\x2f\0\0\0\0\0", 6);
	put(w, "EXIF", 4);
	put32(w, (uint32_t)t.len, true);
	put(w, t.p, t.len);
	if (t.len & 1)
		put8(w, 0);
	set32(w->p + 4, (uint32_t)(w->len - 8), true);
	free(t.p);
}

static void test_webp(void)
{
	struct buf w = {0};
	build_webp(&w);
	struct media_info mi;
	struct mem m;
	CHECK_INT(probe_mem(w.p, w.len, 65536, &mi, &m), 0);
	CHECK_INT(mi.format, MF_WEBP);
	CHECK_INT(mi.width, 1920);
	CHECK_INT(mi.height, 1080);
	check_exif_fields(&mi);
	probe_every_prefix(&w, "webp");
	free(w.p);
}

static void build_mp4(struct buf *v, size_t mdat_len)
{
	size_t b = box_begin(v, "ftyp");
	put(v, "isom\0\0\x02\0isomiso2mp41", 20);
	box_end(v, b);
	b = box_begin(v, "mdat");
	put_zeros(v, mdat_len);
	box_end(v, b);
	size_t moov = box_begin(v, "moov");
	b = box_begin(v, "mvhd");
	put_be32(v, 0);
	put_be32(v, 3570596428u); /* 2017-02-22 08:20:28 UTC */
	put_be32(v, 3570596428u);
	put_be32(v, 1000);
	put_be32(v, 5000);
	put_zeros(v, 80);
	box_end(v, b);
	for (int track = 0; track < 2; track++) { /* an audio track first */
		size_t trak = box_begin(v, "trak");
		b = box_begin(v, "tkhd");
		put_be32(v, 7);
		put_zeros(v, 20 + 8 + 8 + 36);
		put_be32(v, track ? 1920u << 16 : 0);
		put_be32(v, track ? 1080u << 16 : 0);
		box_end(v, b);
		size_t mdia = box_begin(v, "mdia");
		b = box_begin(v, "hdlr");
		put_be32(v, 0);
		put_be32(v, 0);
		put(v, track ? "vide" : "soun", 4);
		put_zeros(v, 13);
		box_end(v, b);
		box_end(v, mdia);
		box_end(v, trak);
	}
	size_t udta = box_begin(v, "udta");
	b = box_begin(v, "\xa9xyz");
	put16(v, 18, false);
	put16(v, 0x15c7, false);
	put(v, "+51.4169-000.0806/", 18);
	box_end(v, b);
	box_end(v, udta);
	box_end(v, moov);
}

static void test_mp4(void)
{
	struct buf v = {0};
	build_mp4(&v, 300000); /* moov after a big mdat: reached through read_at */
	struct media_info mi;
	struct mem m;
	CHECK_INT(probe_mem(v.p, v.len, 65536, &mi, &m), 0);
	CHECK_INT(mi.format, MF_MP4);
	CHECK_INT(mi.width, 1920);
	CHECK_INT(mi.height, 1080);
	CHECK(mi.has & MI_CONTAINER_TIME);
	CHECK_INT(mi.container_time, 1487751628);
	CHECK_STR(mi.create_date, "2017:02:22 08:20:28");
	CHECK(mi.has & MI_GPS);
	CHECK(fabs(mi.gps_lat - 51.4169) < 1e-9);
	CHECK(fabs(mi.gps_lon + 0.0806) < 1e-9);
	check_budget(&m);
	free(v.p);

	struct buf small = {0};
	build_mp4(&small, 8);
	probe_every_prefix(&small, "mp4");
	free(small.p);
}

static void test_garbage_and_mime(void)
{
	struct media_info mi;
	struct media_source none = {NULL, 0, 0, NULL, NULL};
	CHECK_INT(media_probe(&none, &mi), 0);
	CHECK_INT(mi.format, MF_UNKNOWN);
	uint8_t noise[4096];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof noise; i++) {
		x = x * 1103515245u + 12345u;
		noise[i] = (uint8_t)(x >> 16);
	}
	struct mem m;
	CHECK_INT(probe_mem(noise, sizeof noise, 65536, &mi, &m), 0);
	CHECK_INT(mi.format, MF_UNKNOWN);

	char err[128];
	struct mime_sniffer *s = mime_sniffer_new(err, sizeof err);
	CHECK_MSG(s != NULL, "%s", err);
	struct buf j = {0};
	build_jpeg(&j, true);
	CHECK_STR(mime_sniff(s, j.p, j.len), "image/jpeg");
	struct buf p = {0};
	build_png(&p, 10, true);
	CHECK_STR(mime_sniff(s, p.p, p.len), "image/png");
	struct buf h = {0};
	build_heif(&h, 16);
	CHECK_STR(mime_sniff(s, h.p, h.len), "image/heic");
	CHECK_STR(mime_sniff(s, h.p, h.len), "image/heic"); /* from the ftyp cache */
	struct buf v = {0};
	build_mp4(&v, 16);
	CHECK_STR(mime_sniff(s, v.p, v.len), "video/mp4");
	free(h.p);
	free(v.p);
	CHECK_STR(mime_sniff(s, NULL, 0), "application/octet-stream");
	CHECK_STR(mime_sniff(NULL, j.p, j.len), "application/octet-stream");
	mime_sniffer_free(s);
	free(j.p);
	free(p.p);
}

int main(void)
{
	test_jpeg();
	test_png();
	test_heif();
	test_tiff();
	test_tiff_far_exif_ifd();
	test_tiff_ifd0_at_end();
	test_ifd_loop();
	test_webp();
	test_mp4();
	test_garbage_and_mime();
	CHECK_DONE();
}
