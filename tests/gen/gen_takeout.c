/* gen-takeout: writes a synthetic, deterministic, extracted Google Photos
 * Takeout (takeout-format.md §1-§6, §9) plus a manifest of what a correct
 * indexer must conclude about every media file. Used by the integration
 * tests, the benchmarks and `make demo`. Self-contained on purpose (zlib only)
 * so that it works before the project's own modules do.
 *
 * Usage: gen-takeout --out DIR [--items N] [--seed S] [--corpus DIR]
 *                    [--parts K [--part-names numbered|spaced|joined]] [--flat]
 *
 *   --items N   N distinct media items (photos/videos with their own identity).
 *               Album copies, edited copies and motion/live video parts come in
 *               addition. The fixed catalogue of edge cases (§9) is written
 *               first, scenario by scenario while it fits in N; the rest are
 *               generated items with realistic names and ratios.
 *   --seed S    PRNG seed (default 1). Same seed + items + options = same bytes.
 *   --corpus D  copy real camera files from D (jpg/png/heic/mov/mp4, <= 512 KiB)
 *               for about one item in eight, and each file once first (up to a
 *               fifth of N); a per-item marker keeps the copies distinct.
 *   --parts K   write K side-by-side extracted archive parts
 *               DIR/takeout-20240525T201456Z-00k/Takeout/Google Photos/...; every
 *               file (media, sidecar, album metadata) lands in a part chosen by a
 *               hash of its path, so a media file and its sidecar are often apart.
 *   --part-names how the parts are named (default numbered, as above): spaced
 *               writes DIR/Takeout/..., DIR/Takeout 2/..., DIR/Takeout 3/... (how
 *               some unzip tools extract later parts into one folder), joined
 *               writes DIR/Takeout1/..., DIR/Takeout2/...
 *   --flat      DIR itself is the "Google Photos" folder (no Takeout/ wrapper).
 *
 * Manifest DIR/expected.tsv: lines starting with '#' are comments (the first
 * one names the columns, the last ones list orphan sidecars as
 * "#orphan-sidecar<TAB>path" and junk files an indexer must ignore as
 * "#junk<TAB>path"). Every other line describes one media file, with
 * nine TAB-separated columns:
 *   1 path       media file, relative to DIR
 *   2 sidecar    the sidecar the indexer must pick (relative to DIR), or '-'
 *   3 rule       expected sc_rule_name(): exact, counter, truncated,
 *                title-counter, no-extension, edited, forgotten-duplicate,
 *                live-photo, title, copy; '-' when there is no sidecar
 *   4 taken      photoTakenTime of that sidecar (Unix seconds), '-' if none/zero
 *   5 favorited  0/1, from that sidecar
 *   6 trashed    0/1: the file is under Trash/Bin (its sidecar says so too)
 *   7 albums     titles of the albums holding a copy of this content, joined
 *                by '|', an empty title written as "", or '-'
 *   8 group      content group id: same id <=> byte-identical files
 *   9 flags      comma-separated notes, or '-': album-copy, album-only,
 *                edited, motion, archived, failed-video, legacy-folder,
 *                part-dup (same relative path in two parts), heic-jpeg,
 *                corpus, nfd, ext-case, no-sidecar, negative (a near-miss
 *                name that must NOT take the neighbouring sidecar), ts-zero,
 *                album-variant (album copy whose bytes differ from the
 *                year-folder copy, §5.3), rule-uncertain (the sidecar is
 *                certain, the rule name is not pinned by the spec), ambiguous
 *                (the spec itself is unsure: sidecar and rule are best
 *                guesses, tests should skip the line).
 * The album copy of an item with a sidecar copy has that copy as sidecar; an
 * album copy whose sidecar copy is missing expects rule "copy" with the
 * sidecar of the year-folder copy.
 *
 * Companion file DIR/expected-media.tsv: one line per line of expected.tsv,
 * same order, describing the media file's own content (what EXIF and
 * container parsers must find), 13 TAB-separated columns, '-' = absent:
 *   1 path  2 mime (libmagic's answer; '-' for corpus copies)  3 width
 *   4 height  5 make  6 model (raw EXIF strings)  7 datetime_original (EXIF,
 *   "YYYY:MM:DD HH:MM:SS", the camera's wall clock)  8 offset_time_original
 *   (EXIF "+HH:MM" when written)  9 camera_offset_min (minutes east of UTC of
 *   that wall clock: DateTimeOriginal = true taken instant + this (the
 *   photoTakenTime except on ts-zero lines), so it is the
 *   local offset the mount must derive, interface.md "Taken time")  10 gps
 *   ("lat,lon,alt" decimal degrees / metres)  11 orientation  12
 *   container_time (video mvhd creation time, Unix seconds)  13 origin
 *   ("generated", or the corpus file name: see its ground truth).
 *
 * Companion file DIR/expected-people.tsv: after a "#path<TAB>person" header,
 * one line per (media file, person) the file's sidecar (column 2 of
 * expected.tsv) names, the name in NFC (sidecars write Zoë decomposed in
 * every other item: one person either way). Files without a sidecar name
 * nobody. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define EXPORT_MTIME    1716675300 /* 2024-05-25 22:15:00 UTC: every file's mtime */
#define PART_NAME       "takeout-20240525T201456Z-%03d"
#define PHOTOS_ROOT     "Google Photos"
#define MAX_FILES       16
#define NAME_MAX_BYTES  512
#define MAX_CORPUS      64
#define CORPUS_MAX_SIZE (512 * 1024)

/* ---------- small utilities ---------- */

struct buf {
	char *p;
	size_t len, cap;
};

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen-takeout: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void buf_reserve(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		die("out of memory");
	b->p = p;
	b->cap = cap;
}

static void buf_add(struct buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_byte(struct buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	buf_add(b, &c, 1);
}

static void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("bad format");
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void put16(struct buf *b, unsigned v, bool be)
{
	if (be) {
		buf_byte(b, v >> 8);
		buf_byte(b, v);
	} else {
		buf_byte(b, v);
		buf_byte(b, v >> 8);
	}
}

static void put32(struct buf *b, uint32_t v, bool be)
{
	if (be) {
		put16(b, v >> 16, true);
		put16(b, v & 0xffff, true);
	} else {
		put16(b, v & 0xffff, false);
		put16(b, v >> 16, false);
	}
}

static void set32be(char *p, uint32_t v)
{
	p[0] = (char)(v >> 24);
	p[1] = (char)(v >> 16);
	p[2] = (char)(v >> 8);
	p[3] = (char)v;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		die("name too long: %s", src);
	memcpy(dst, src, n + 1);
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* splitmix64: tiny, fast, and identical on every platform. */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rnd_below(struct rng *r, unsigned n)
{
	return n ? (unsigned)(rnd(r) % n) : 0;
}

static bool chance(struct rng *r, unsigned per_mille)
{
	return rnd_below(r, 1000) < per_mille;
}

/* String set (open addressing) for created directories and used names. */
struct sset {
	char **slot;
	size_t cap, n;
};

static bool sset_find(struct sset *s, const char *k, size_t *pos)
{
	*pos = 0; /* callers grow the table first; set anyway so no path leaves it unset */
	if (!s->cap)
		return false;
	size_t i = hash_bytes(k, strlen(k)) & (s->cap - 1);
	while (s->slot[i]) {
		if (strcmp(s->slot[i], k) == 0) {
			*pos = i;
			return true;
		}
		i = (i + 1) & (s->cap - 1);
	}
	*pos = i;
	return false;
}

static bool sset_has(struct sset *s, const char *k)
{
	size_t pos;
	return sset_find(s, k, &pos);
}

static void sset_grow(struct sset *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 1024;
	char **old = s->slot;
	size_t ocap = s->cap;
	s->slot = calloc(ncap, sizeof(char *));
	if (!s->slot)
		die("out of memory");
	s->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i]) {
			size_t pos;
			sset_find(s, old[i], &pos);
			s->slot[pos] = old[i];
		}
	}
	free(old);
}

/* Returns true when the key was new. */
static bool sset_add(struct sset *s, const char *k)
{
	if ((s->n + 1) * 2 > s->cap)
		sset_grow(s);
	size_t pos;
	if (sset_find(s, k, &pos))
		return false;
	s->slot[pos] = strdup(k);
	if (!s->slot[pos])
		die("out of memory");
	s->n++;
	return true;
}

static void sset_free(struct sset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
}

/* ---------- UTF-16 length rules (takeout-format.md §2.4, §2.6) ---------- */

static size_t utf8_char_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

static size_t u16_len(const char *s)
{
	size_t units = 0;
	for (size_t i = 0; s[i];) {
		size_t l = utf8_char_len((unsigned char)s[i]);
		units += l == 4 ? 2 : 1;
		i += l;
	}
	return units;
}

/* Byte length of the longest prefix of s within max units. With keep_whole, a
 * character straddling the limit is kept (Google's media names, §2.6). */
static size_t u16_prefix(const char *s, size_t max, bool keep_whole)
{
	size_t units = 0, i = 0;
	while (s[i]) {
		size_t l = utf8_char_len((unsigned char)s[i]);
		size_t u = l == 4 ? 2 : 1;
		if (units + u > max) {
			if (keep_whole && units < max)
				i += l;
			break;
		}
		units += u;
		i += l;
	}
	return i;
}

/* ---------- media content ---------- */

struct camera {
	const char *make, *model;
	bool big_endian;
};

static const struct camera cameras[] = {
    {"Apple", "iPhone 11 Pro", true},
    {"Google", "Pixel 7", false},
    {"samsung", "SM-G991B", false},
    {"Canon", "Canon EOS 40D", false},
    {"NIKON CORPORATION", "NIKON D70", true},
    {"SONY", "DSC-RX100M3", false},
    {"FUJIFILM", "X-T3", true},
    {"OLYMPUS IMAGING CORP.", "E-PL2", false},
    {"Xiaomi", "Redmi Note 8 Pro", false},
    {NULL, NULL, false}, /* screenshots, messengers: no EXIF camera */
};
enum {
	CAM_APPLE,
	CAM_GOOGLE,
	CAM_SAMSUNG,
	CAM_CANON,
	CAM_NIKON,
	CAM_SONY,
	CAM_FUJI,
	CAM_OLYMPUS,
	CAM_XIAOMI,
	CAM_NONE
};

enum kind { K_JPEG, K_PNG, K_MP4, K_MOV, K_HEIC_JPEG, K_GIF, K_AVI, K_CORPUS };

struct meta {
	char title[NAME_MAX_BYTES];
	int64_t taken;    /* UTC */
	int64_t uploaded; /* creationTime */
	bool ts_zero;     /* sidecar carries "timestamp": "0" */
	int tz_min;       /* camera's offset from UTC */
	bool write_offset, gps, favorited, archived, trashed, has_url, legacy_times;
	int camera;
	int orientation;
	double lat, lon, alt;
	int people; /* bitmask into people_names */
	unsigned views;
	int origin; /* 0 none, 1 android, 2 ios, 3 partner */
	long id;
	int width, height;
	int corpus; /* index into the corpus, -1 for generated content */
};

static const char *const people_names[] = {"Susan", "Ahmet Yılmaz", "Jürgen", "Zoë", "李雷"};

static void tiff_entry(struct buf *ifd, struct buf *data, uint32_t data_base, uint16_t tag,
                       uint16_t type, uint32_t count, const void *val, size_t len, bool be)
{
	put16(ifd, tag, be);
	put16(ifd, type, be);
	put32(ifd, count, be);
	if (len <= 4) {
		char pad[4] = {0};
		memcpy(pad, val, len);
		buf_add(ifd, pad, 4);
	} else {
		put32(ifd, data_base + (uint32_t)data->len, be);
		buf_add(data, val, len);
		if (data->len & 1)
			buf_byte(data, 0);
	}
}

static void tiff_short_val(char out[2], unsigned v, bool be)
{
	out[be ? 0 : 1] = (char)(v >> 8);
	out[be ? 1 : 0] = (char)v;
}

static void tiff_long_val(char out[4], uint32_t v, bool be)
{
	struct buf b = {0};
	put32(&b, v, be);
	memcpy(out, b.p, 4);
	free(b.p);
}

static void rationals(struct buf *out, const uint32_t *nd, int n, bool be)
{
	for (int i = 0; i < 2 * n; i++)
		put32(out, nd[i], be);
}

static void local_time_str(int64_t utc, int tz_min, char out[64])
{
	time_t t = (time_t)(utc + tz_min * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 64, "%04d:%02d:%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Builds a TIFF (EXIF) block: IFD0 (Make, Model, Orientation, pointers),
 * Exif IFD (version, DateTimeOriginal, CreateDate, OffsetTimeOriginal), GPS. */
static void build_exif(struct buf *out, const struct meta *m)
{
	const struct camera *cam = &cameras[m->camera];
	bool be = cam->big_endian;
	char dto[64], off[32], s2[2], l4[4];
	local_time_str(m->taken, m->tz_min, dto);
	int a = m->tz_min < 0 ? -m->tz_min : m->tz_min;
	snprintf(off, sizeof(off), "%c%02d:%02d", m->tz_min < 0 ? '-' : '+', a / 60, a % 60);

	int n0 = (cam->make ? 2 : 0) + 1 + 1 + (m->gps ? 1 : 0);
	int ne = 3 + (m->write_offset ? 1 : 0);
	int ng = m->gps ? 7 : 0;
	struct buf ifd0 = {0}, d0 = {0}, ifde = {0}, de = {0}, ifdg = {0}, dg = {0};
	uint32_t off0 = 8;
	uint32_t d0_base = off0 + 2 + 12 * (uint32_t)n0 + 4;
	/* IFD0 data size must be known to place the next IFDs; compute it first. */
	size_t d0_size = 0;
	if (cam->make) {
		size_t l1 = strlen(cam->make) + 1, l2 = strlen(cam->model) + 1;
		if (l1 > 4)
			d0_size += l1 + (l1 & 1);
		if (l2 > 4)
			d0_size += l2 + (l2 & 1);
	}
	uint32_t offe = d0_base + (uint32_t)d0_size;
	uint32_t de_base = offe + 2 + 12 * (uint32_t)ne + 4;
	size_t de_size = 20 + 20 + (m->write_offset ? 8 : 0);
	uint32_t offg = de_base + (uint32_t)de_size;
	uint32_t dg_base = offg + 2 + 12 * (uint32_t)ng + 4;

	put16(&ifd0, (unsigned)n0, be);
	if (cam->make) {
		tiff_entry(&ifd0, &d0, d0_base, 0x010f, 2, (uint32_t)strlen(cam->make) + 1,
		           cam->make, strlen(cam->make) + 1, be);
		tiff_entry(&ifd0, &d0, d0_base, 0x0110, 2, (uint32_t)strlen(cam->model) + 1,
		           cam->model, strlen(cam->model) + 1, be);
	}
	tiff_short_val(s2, (unsigned)m->orientation, be);
	tiff_entry(&ifd0, &d0, d0_base, 0x0112, 3, 1, s2, 2, be);
	tiff_long_val(l4, offe, be);
	tiff_entry(&ifd0, &d0, d0_base, 0x8769, 4, 1, l4, 4, be);
	if (m->gps) {
		tiff_long_val(l4, offg, be);
		tiff_entry(&ifd0, &d0, d0_base, 0x8825, 4, 1, l4, 4, be);
	}
	put32(&ifd0, 0, be);

	put16(&ifde, (unsigned)ne, be);
	tiff_entry(&ifde, &de, de_base, 0x9000, 7, 4, "0232", 4, be);
	tiff_entry(&ifde, &de, de_base, 0x9003, 2, 20, dto, 20, be);
	tiff_entry(&ifde, &de, de_base, 0x9004, 2, 20, dto, 20, be);
	if (m->write_offset)
		tiff_entry(&ifde, &de, de_base, 0x9011, 2, 7, off, 7, be);
	put32(&ifde, 0, be);

	if (m->gps) {
		double lat = m->lat < 0 ? -m->lat : m->lat, lon = m->lon < 0 ? -m->lon : m->lon;
		double alt = m->alt < 0 ? -m->alt : m->alt;
		uint32_t la[6], lo[6], al[2];
		/* Units of 1/10000 arc second: 180 degrees need more than 32 bits. */
		uint64_t lat_s = (uint64_t)(lat * 3600.0 * 10000.0 + 0.5);
		uint64_t lon_s = (uint64_t)(lon * 3600.0 * 10000.0 + 0.5);
		la[0] = (uint32_t)(lat_s / 36000000u), la[1] = 1;
		la[2] = (uint32_t)(lat_s / 600000u % 60u), la[3] = 1;
		la[4] = (uint32_t)(lat_s % 600000u), la[5] = 10000;
		lo[0] = (uint32_t)(lon_s / 36000000u), lo[1] = 1;
		lo[2] = (uint32_t)(lon_s / 600000u % 60u), lo[3] = 1;
		lo[4] = (uint32_t)(lon_s % 600000u), lo[5] = 10000;
		al[0] = (uint32_t)(alt * 100.0 + 0.5), al[1] = 100;
		struct buf r = {0};
		put16(&ifdg, (unsigned)ng, be);
		tiff_entry(&ifdg, &dg, dg_base, 0x0000, 1, 4, "\2\3\0\0", 4, be);
		tiff_entry(&ifdg, &dg, dg_base, 0x0001, 2, 2, m->lat < 0 ? "S" : "N", 2, be);
		rationals(&r, la, 3, be);
		tiff_entry(&ifdg, &dg, dg_base, 0x0002, 5, 3, r.p, r.len, be);
		tiff_entry(&ifdg, &dg, dg_base, 0x0003, 2, 2, m->lon < 0 ? "W" : "E", 2, be);
		r.len = 0;
		rationals(&r, lo, 3, be);
		tiff_entry(&ifdg, &dg, dg_base, 0x0004, 5, 3, r.p, r.len, be);
		r.len = 0;
		rationals(&r, al, 1, be);
		tiff_entry(&ifdg, &dg, dg_base, 0x0005, 1, 1, m->alt < 0 ? "\1" : "\0", 1, be);
		tiff_entry(&ifdg, &dg, dg_base, 0x0006, 5, 1, r.p, r.len, be);
		free(r.p);
		put32(&ifdg, 0, be);
	}

	buf_add(out, be ? "MM\0*" : "II*\0", 4);
	put32(out, off0, be);
	buf_add(out, ifd0.p, ifd0.len);
	buf_add(out, d0.p, d0.len);
	buf_add(out, ifde.p, ifde.len);
	buf_add(out, de.p, de.len);
	if (m->gps) {
		buf_add(out, ifdg.p, ifdg.len);
		buf_add(out, dg.p, dg.len);
	}
	free(ifd0.p), free(d0.p), free(ifde.p), free(de.p), free(ifdg.p), free(dg.p);
}

static void jpeg_segment(struct buf *out, unsigned marker, const void *data, size_t len)
{
	buf_byte(out, 0xff);
	buf_byte(out, marker);
	put16(out, (unsigned)(len + 2), true);
	buf_add(out, data, len);
}

/* A baseline greyscale JPEG whose every 8x8 block is flat grey: one-code
 * Huffman tables make each block two zero bits, so any size costs a few bytes. */
static void jpeg_scan(struct buf *out, int w, int h)
{
	unsigned char dqt[65], sof[9], dht[18], sos[6];
	dqt[0] = 0;
	memset(dqt + 1, 1, 64);
	jpeg_segment(out, 0xdb, dqt, sizeof(dqt));
	sof[0] = 8, sof[1] = (unsigned char)(h >> 8), sof[2] = (unsigned char)h;
	sof[3] = (unsigned char)(w >> 8), sof[4] = (unsigned char)w;
	sof[5] = 1, sof[6] = 1, sof[7] = 0x11, sof[8] = 0;
	jpeg_segment(out, 0xc0, sof, sizeof(sof));
	for (int cls = 0; cls < 2; cls++) {
		memset(dht, 0, sizeof(dht));
		dht[0] = (unsigned char)(cls << 4);
		dht[1] = 1;  /* one code of length 1 ... */
		dht[17] = 0; /* ... for symbol 0: DC "no difference", AC "end of block" */
		jpeg_segment(out, 0xc4, dht, sizeof(dht));
	}
	sos[0] = 1, sos[1] = 1, sos[2] = 0, sos[3] = 0, sos[4] = 63, sos[5] = 0;
	jpeg_segment(out, 0xda, sos, sizeof(sos));
	size_t bits = (size_t)((w + 7) / 8) * (size_t)((h + 7) / 8) * 2;
	for (size_t i = 0; i < bits / 8; i++)
		buf_byte(out, 0);
	if (bits % 8)
		buf_byte(out, 0xffu >> (bits % 8));
	buf_byte(out, 0xff);
	buf_byte(out, 0xd9);
}

static void make_jpeg(struct buf *out, const struct meta *m, const char *marker)
{
	struct buf exif = {0};
	buf_byte(out, 0xff);
	buf_byte(out, 0xd8);
	if (m->camera != CAM_NONE || m->gps) {
		buf_add(&exif, "Exif\0\0", 6);
		build_exif(&exif, m);
		jpeg_segment(out, 0xe1, exif.p, exif.len);
	}
	jpeg_segment(out, 0xfe, marker, strlen(marker));
	jpeg_scan(out, m->width, m->height);
	free(exif.p);
}

static void png_chunk(struct buf *out, const char *type, const void *data, size_t len)
{
	put32(out, (uint32_t)len, true);
	size_t start = out->len;
	buf_add(out, type, 4);
	buf_add(out, data, len);
	uLong crc = crc32(0L, (const Bytef *)out->p + start, (uInt)(len + 4));
	put32(out, (uint32_t)crc, true);
}

static void make_png(struct buf *out, const struct meta *m, const char *marker)
{
	static unsigned char idat[64];
	static uLongf idat_len;
	if (!idat_len) {
		unsigned char raw[8 * 9];
		for (int y = 0; y < 8; y++) {
			raw[y * 9] = 0;
			memset(raw + y * 9 + 1, 0x80, 8);
		}
		idat_len = sizeof(idat);
		if (compress2(idat, &idat_len, raw, sizeof(raw), 9) != Z_OK)
			die("zlib failed");
	}
	unsigned char ihdr[13] = {0, 0, 0, 8, 0, 0, 0, 8, 8, 0, 0, 0, 0};
	(void)m;
	buf_add(out, "\x89PNG\r\n\x1a\n", 8);
	png_chunk(out, "IHDR", ihdr, sizeof(ihdr));
	struct buf t = {0};
	buf_str(&t, "Comment");
	buf_byte(&t, 0);
	buf_str(&t, marker);
	png_chunk(out, "tEXt", t.p, t.len);
	free(t.p);
	png_chunk(out, "IDAT", idat, idat_len);
	png_chunk(out, "IEND", "", 0);
}

static void box_begin(struct buf *out, size_t *at, const char *type)
{
	*at = out->len;
	put32(out, 0, true);
	buf_add(out, type, 4);
}

static void box_end(struct buf *out, size_t at)
{
	set32be(out->p + at, (uint32_t)(out->len - at));
}

/* ftyp + moov/mvhd (creation time in seconds since 1904) + a free box holding
 * the marker + a tiny mdat: enough for MIME sniffing and container dates. */
static void make_mp4(struct buf *out, const struct meta *m, const char *marker, bool quicktime)
{
	size_t at, moov;
	box_begin(out, &at, "ftyp");
	buf_add(out, quicktime ? "qt  " : "isom", 4);
	put32(out, quicktime ? 0x20050300 : 0x200, true);
	buf_add(out, quicktime ? "qt  " : "isomiso2mp41", quicktime ? 4 : 12);
	box_end(out, at);
	box_begin(out, &moov, "moov");
	box_begin(out, &at, "mvhd");
	uint32_t t1904 = (uint32_t)(m->taken + 2082844800LL);
	put32(out, 0, true);
	put32(out, t1904, true);
	put32(out, t1904, true);
	put32(out, 1000, true);
	put32(out, 3000 + (uint32_t)(m->id % 5000), true);
	put32(out, 0x00010000, true);
	put16(out, 0x0100, true);
	for (int i = 0; i < 10; i++)
		buf_byte(out, 0);
	static const uint32_t matrix[9] = {0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000};
	for (int i = 0; i < 9; i++)
		put32(out, matrix[i], true);
	for (int i = 0; i < 24; i++)
		buf_byte(out, 0);
	put32(out, 2, true);
	box_end(out, at);
	box_end(out, moov);
	box_begin(out, &at, "free");
	buf_str(out, marker);
	box_end(out, at);
	box_begin(out, &at, "mdat");
	buf_add(out, "\0\0\0\0\0\0\0\0", 8);
	box_end(out, at);
}

static void make_gif(struct buf *out, const char *marker)
{
	static const unsigned char head[] = {'G',  'I', 'F', '8',  '9',  'a',  1, 0, 1, 0,
	                                     0x80, 0,   0,   0xff, 0xff, 0xff, 0, 0, 0};
	static const unsigned char body[] = {0x2c, 0, 0, 0, 0,    1, 0, 1,
	                                     0,    0, 2, 2, 0x44, 1, 0, 0x3b};
	buf_add(out, head, sizeof(head));
	size_t len = strlen(marker);
	buf_byte(out, 0x21);
	buf_byte(out, 0xfe);
	for (size_t i = 0; i < len; i += 255) {
		size_t n = len - i < 255 ? len - i : 255;
		buf_byte(out, (unsigned)n);
		buf_add(out, marker + i, n);
	}
	buf_byte(out, 0);
	buf_add(out, body, sizeof(body));
}

static void riff_chunk(struct buf *out, const char *id, const void *data, size_t len)
{
	buf_add(out, id, 4);
	put32(out, (uint32_t)len, false);
	buf_add(out, data, len);
	if (len & 1)
		buf_byte(out, 0);
}

static void make_avi(struct buf *out, const char *marker)
{
	unsigned char avih[56] = {0};
	struct buf hdrl = {0};
	buf_str(&hdrl, "hdrl");
	riff_chunk(&hdrl, "avih", avih, sizeof(avih));
	buf_str(out, "RIFF");
	size_t size_at = out->len;
	put32(out, 0, false);
	buf_str(out, "AVI ");
	riff_chunk(out, "LIST", hdrl.p, hdrl.len);
	riff_chunk(out, "JUNK", marker, strlen(marker));
	uint32_t total = (uint32_t)(out->len - size_at - 4);
	out->p[size_at] = (char)total, out->p[size_at + 1] = (char)(total >> 8);
	out->p[size_at + 2] = (char)(total >> 16), out->p[size_at + 3] = (char)(total >> 24);
	free(hdrl.p);
}

/* ---------- corpus of real files ---------- */

enum corpus_fmt { CF_JPEG, CF_PNG, CF_BMFF };

struct corpus_file {
	char name[256];
	char ext[8];
	enum corpus_fmt fmt;
	char *data;
	size_t len;
};

static bool bmff_is_clean(const char *p, size_t len)
{
	size_t at = 0;
	while (at + 8 <= len) {
		uint32_t sz = (uint32_t)(unsigned char)p[at] << 24 |
		              (uint32_t)(unsigned char)p[at + 1] << 16 |
		              (uint32_t)(unsigned char)p[at + 2] << 8 | (unsigned char)p[at + 3];
		if (sz < 8) /* 0 = "to end of file", 1 = 64-bit size: don't append after those */
			return false;
		at += sz;
	}
	return at == len;
}

static int corpus_cmp(const void *a, const void *b)
{
	return strcmp(((const struct corpus_file *)a)->name, ((const struct corpus_file *)b)->name);
}

static int load_corpus(const char *dir, struct corpus_file *out, int max)
{
	DIR *d = opendir(dir);
	if (!d)
		die("cannot open corpus %s: %s", dir, strerror(errno));
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		const char *dot = strrchr(e->d_name, '.');
		if (!dot || strlen(e->d_name) >= sizeof(out[n].name) || strlen(dot) > 5)
			continue;
		char ext[8] = {0};
		for (size_t i = 0; dot[i + 1]; i++)
			ext[i] = (char)(dot[i + 1] | 0x20);
		enum corpus_fmt fmt;
		if (!strcmp(ext, "jpg") || !strcmp(ext, "jpeg"))
			fmt = CF_JPEG;
		else if (!strcmp(ext, "png"))
			fmt = CF_PNG;
		else if (!strcmp(ext, "heic") || !strcmp(ext, "mov") || !strcmp(ext, "mp4"))
			fmt = CF_BMFF;
		else
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		char *data = xmalloc(CORPUS_MAX_SIZE + 1);
		size_t len = fread(data, 1, CORPUS_MAX_SIZE + 1, f);
		fclose(f);
		bool ok = len <= CORPUS_MAX_SIZE && len > 16;
		if (ok && fmt == CF_JPEG)
			ok = (unsigned char)data[0] == 0xff && (unsigned char)data[1] == 0xd8;
		if (ok && fmt == CF_PNG)
			ok = memcmp(data, "\x89PNG", 4) == 0 && memcmp(data + 12, "IHDR", 4) == 0;
		if (ok && fmt == CF_BMFF)
			ok = bmff_is_clean(data, len);
		if (!ok) {
			free(data);
			continue;
		}
		copy_str(out[n].name, sizeof(out[n].name), e->d_name);
		memcpy(out[n].ext, ext, sizeof(ext));
		out[n].fmt = fmt;
		out[n].data = data;
		out[n].len = len;
		n++;
	}
	closedir(d);
	qsort(out, (size_t)n, sizeof(*out), corpus_cmp);
	return n;
}

/* Copies a real file with the marker inserted where the format allows extra
 * data without moving anything that offsets point to. */
static void make_from_corpus(struct buf *out, const struct corpus_file *c, const char *marker)
{
	if (c->fmt == CF_JPEG) {
		buf_add(out, c->data, 2);
		jpeg_segment(out, 0xfe, marker, strlen(marker));
		buf_add(out, c->data + 2, c->len - 2);
	} else if (c->fmt == CF_PNG) {
		buf_add(out, c->data, 33);
		struct buf t = {0};
		buf_str(&t, "Comment");
		buf_byte(&t, 0);
		buf_str(&t, marker);
		png_chunk(out, "tEXt", t.p, t.len);
		free(t.p);
		buf_add(out, c->data + 33, c->len - 33);
	} else {
		size_t at;
		buf_add(out, c->data, c->len);
		box_begin(out, &at, "free");
		buf_str(out, marker);
		box_end(out, at);
	}
}

/* ---------- albums ---------- */

struct album {
	const char *folder, *meta_name, *title;
	bool legacy_form; /* {"albumData": {...}} (§3.5) */
};

/* Folder names follow §1.4: '/' and '&' become '_', 50-character cut (which
 * leaves a trailing space), "(1)" for a repeated name, localized untitled. */
static const struct album albums[] = {
    {"Summer in Lisbon", "metadata.json", "Summer in Lisbon", false},
    {"Vacances à la mer", "métadonnées.json", "Vacances à la mer", false},
    {"Familie", "Metadaten.json", "Familie", false},
    {"Vacanze 2019", "metadati.json", "Vacanze 2019", false},
    {"🇵🇹 Lisbonne ❤️ en famille 👨‍👩‍👦‍👦", "métadonnées.json",
     "🇵🇹 Lisbonne ❤️ en famille 👨‍👩‍👦‍👦", false},
    {"Фокус върху един ден", "метаданни.json", "Фокус върху един ден", false},
    {"Family _ friends", "metadata.json", "Family & friends", true},
    {"Лето на даче", "метаданные.json", "Лето на даче", false},
    {"Estiu", "metadades.json", "Estiu", false},
    {"Leto v Tatrách", "metadáta.json", "Leto v Tatrách", false},
    /* catalogue-only albums from here on */
    {"Album test 6_10_23", "métadonnées.json", "Album test 6/10/23", false},
    {"Untitled(1)", "metadata.json", "", false},
    {"Sans titre(9)", "métadonnées.json", "", false},
    {"2003 - Viaje a Almeria (Julio 2003)", "metadatos.json", "2003 - Viaje a Almeria (Julio 2003)",
     false},
    {"2003 - Viaje a Almeria (Julio 2003)(1)", "metadatos.json",
     "2003 - Viaje a Almeria (Julio 2003)", false},
    {"2003 - Viaje a Helche, Alicante y Valencia (Julio ", "metadatos.json",
     "2003 - Viaje a Helche, Alicante y Valencia (Julio 2003)", false},
    {"Photos from vacation", "metadata.json", "Photos from vacation", false},
};
#define N_ALBUMS      ((int)(sizeof(albums) / sizeof(albums[0])))
#define N_BULK_ALBUMS 10
enum {
	AL_LISBON,
	AL_MER,
	AL_FAMILIE,
	AL_VACANZE,
	AL_EMOJI,
	AL_BG,
	AL_FRIENDS,
	AL_RU,
	AL_CA,
	AL_SK,
	AL_SLASH,
	AL_UNTITLED,
	AL_SANS_TITRE,
	AL_ALMERIA,
	AL_ALMERIA1,
	AL_HELCHE,
	AL_PHOTOS_FROM
};

/* ---------- generator state ---------- */

struct gfile {
	char name[NAME_MAX_BYTES];
	const char *rule; /* expected rule, NULL = no sidecar */
	char flags[96];
	enum kind kind;
	long group;
	size_t off, len; /* content, in iset.bytes */
};

/* One item with everything that travels with it: its sidecar, the original and
 * its derived files (edit, motion part), and the albums holding copies. */
struct iset {
	char folder[NAME_MAX_BYTES];
	struct meta m;
	bool has_sidecar;
	char sidecar[NAME_MAX_BYTES];
	struct gfile f[MAX_FILES];
	int n;
	struct buf bytes;
	uint32_t albums;   /* album copies (bitmask) */
	int home_album;    /* the folder itself is this album (album-only item), or -1 */
	int no_sc_copy_in; /* album whose copy lacks the sidecar copy, or -1 */
	bool part_dup;     /* first file also written to a second part */
	const char *flags; /* flags for every file of the set */
};

enum part_names { PARTS_NUMBERED, PARTS_SPACED, PARTS_JOINED };

struct gen {
	const char *out;
	int parts;
	enum part_names part_names;
	bool flat;
	long items_target, items_made;
	uint64_t seed;
	struct rng rng;
	struct buf manifest, media; /* expected.tsv, expected-media.tsv */
	struct buf people;          /* expected-people.tsv */
	long files, groups;
	struct sset dirs, names;
	struct corpus_file corpus[MAX_CORPUS];
	int n_corpus;
	uint32_t albums_used;
	struct iset cur;
	struct buf json, notes; /* notes: "#orphan-sidecar" and "#junk" manifest lines */
	long next_id;
	int corpus_reserved, corpus_shown;
	char yf[128];
};

static const char *const year_folder_forms[] = {"Photos from %d", "Fotos von %d", "Photos de %d",
                                                "%d yılına ait fotoğraflar"};

static void year_folder(int year, char *out, size_t cap)
{
	int form = year == 2016 ? 1 : year == 2017 ? 2 : year == 2015 ? 3 : 0;
	snprintf(out, cap, year_folder_forms[form], year);
}

static int part_of(const struct gen *g, const char *logical)
{
	if (g->parts <= 0)
		return 0;
	return 1 + (int)(hash_bytes(logical, strlen(logical)) % (uint64_t)g->parts);
}

/* The Takeout folder of a part, relative to DIR (part 0: no parts). */
static void takeout_folder(const struct gen *g, int part, char *out, size_t cap)
{
	if (part == 0)
		snprintf(out, cap, "Takeout");
	else if (g->part_names == PARTS_SPACED)
		snprintf(out, cap, part == 1 ? "Takeout" : "Takeout %d", part);
	else if (g->part_names == PARTS_JOINED)
		snprintf(out, cap, "Takeout%d", part);
	else
		snprintf(out, cap, PART_NAME "/Takeout", part);
}

/* Path relative to DIR of a file whose path below the photos root is logical. */
static void phys_path(const struct gen *g, int part, const char *logical, char *out, size_t cap)
{
	int n;
	char takeout[64];
	takeout_folder(g, part, takeout, sizeof takeout);
	if (g->flat)
		n = snprintf(out, cap, "%s", logical);
	else
		n = snprintf(out, cap, "%s/" PHOTOS_ROOT "/%s", takeout, logical);
	if (n < 0 || (size_t)n >= cap)
		die("path too long: %s", logical);
}

static void make_parents(struct gen *g, const char *full)
{
	char dir[8192];
	const char *slash = strrchr(full, '/');
	if (!slash)
		return;
	size_t len = (size_t)(slash - full);
	if (len >= sizeof(dir))
		die("path too long");
	memcpy(dir, full, len);
	dir[len] = 0;
	if (sset_has(&g->dirs, dir))
		return;
	size_t base = strlen(g->out);
	for (size_t i = base + 1; i <= len; i++) {
		if (dir[i] != '/' && dir[i] != 0)
			continue;
		char c = dir[i];
		dir[i] = 0;
		if (!sset_has(&g->dirs, dir)) {
			if (mkdir(dir, 0755) != 0 && errno != EEXIST)
				die("mkdir %s: %s", dir, strerror(errno));
			sset_add(&g->dirs, dir);
		}
		dir[i] = c;
	}
}

static void write_rel(struct gen *g, const char *rel, const void *data, size_t len)
{
	char full[8192];
	int n = snprintf(full, sizeof(full), "%s/%s", g->out, rel);
	if (n < 0 || (size_t)n >= sizeof(full))
		die("path too long: %s", rel);
	make_parents(g, full);
	int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("create %s: %s", full, strerror(errno));
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write %s: %s", full, strerror(errno));
		p += w;
		len -= (size_t)w;
	}
	/* A fixed mtime, like archive entries: keeps trees comparable across runs. */
	struct timespec ts[2] = {{EXPORT_MTIME, 0}, {EXPORT_MTIME, 0}};
	if (futimens(fd, ts) != 0)
		die("futimens %s: %s", full, strerror(errno));
	if (close(fd) != 0)
		die("close %s: %s", full, strerror(errno));
	g->files++;
}

/* Writes a file below the photos root into its hashed part; returns its
 * DIR-relative path in rel (when given). */
static void emit(struct gen *g, const char *logical, const void *data, size_t len, int part_shift,
                 char *rel, size_t cap)
{
	char tmp[8192];
	int part = part_of(g, logical);
	if (part_shift && g->parts > 1)
		part = 1 + (part - 1 + part_shift) % g->parts;
	phys_path(g, part, logical, rel ? rel : tmp, rel ? cap : sizeof(tmp));
	write_rel(g, rel ? rel : tmp, data, len);
}

/* ---------- name registry (per logical folder) ---------- */

static void reg_key(char *out, size_t cap, char type, const char *folder, const char *name)
{
	int n = snprintf(out, cap, "%c\x1f%s\x1f%s", type, folder, name);
	if (n < 0 || (size_t)n >= cap)
		die("name too long");
}

static bool name_used(struct gen *g, const char *folder, const char *name)
{
	char k[2048];
	reg_key(k, sizeof(k), 'N', folder, name);
	return sset_has(&g->names, k);
}

static void name_take(struct gen *g, const char *folder, const char *name)
{
	char k[2048];
	reg_key(k, sizeof(k), 'N', folder, name);
	if (!sset_add(&g->names, k))
		die("internal: %s/%s written twice", folder, name);
}

/* The part of a name that live-photo and edit pairing look at: up to the first
 * of ".(~" or an edit suffix, lower-cased, trailing spaces dropped. */
static void stem_key(const char *name, char *out, size_t cap)
{
	static const char *const edits[] = {"-edit", "-bearb", "-modif", "-ha ed"};
	size_t i = 0;
	for (; name[i] && !strchr(".(~", name[i]) && i + 1 < cap; i++) {
		bool edit = false;
		for (size_t e = 0; e < sizeof(edits) / sizeof(edits[0]) && name[i] == '-'; e++)
			edit = edit || strncmp(name + i, edits[e], strlen(edits[e])) == 0;
		if (edit)
			break;
		out[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] | 0x20) : name[i];
	}
	while (i > 0 && out[i - 1] == ' ')
		i--;
	out[i] = 0;
}

/* 'S' = stem owned by a catalogue or live/motion item (nobody else may use
 * it), 'U' = stem used by ordinary items (counters allowed among them). */
static bool stem_has(struct gen *g, const char *folder, const char *name, char type)
{
	char s[NAME_MAX_BYTES], k[2048];
	stem_key(name, s, sizeof(s));
	reg_key(k, sizeof(k), type, folder, s);
	return sset_has(&g->names, k);
}

static void stem_mark(struct gen *g, const char *folder, const char *name, char type)
{
	char s[NAME_MAX_BYTES], k[2048];
	stem_key(name, s, sizeof(s));
	reg_key(k, sizeof(k), type, folder, s);
	sset_add(&g->names, k);
}

/* ---------- sidecar JSON (§3.7 shape, Gson-style escaping) ---------- */

static void json_str(struct buf *b, const char *s)
{
	buf_byte(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf_byte(b, '\\');
			buf_byte(b, c);
		} else if (c < 0x20 || c == '\'' || c == '<' || c == '>' || c == '&' || c == '=') {
			buf_printf(b, "\\u%04x", c);
		} else {
			buf_byte(b, c);
		}
	}
	buf_byte(b, '"');
}

static void fmt_time(int64_t t, char *out, size_t cap)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	int h = tm.tm_hour % 12;
	snprintf(out, cap, "%s %d, %d, %d:%02d:%02d %s UTC", mon[tm.tm_mon], tm.tm_mday,
	         tm.tm_year + 1900, h ? h : 12, tm.tm_min, tm.tm_sec,
	         tm.tm_hour < 12 ? "AM" : "PM");
}

static void json_time(struct buf *b, const char *key, int64_t t, bool zero, bool last)
{
	char f[64];
	fmt_time(zero ? 0 : t, f, sizeof(f));
	buf_printf(b,
	           "  \"%s\": {\n    \"timestamp\": \"%lld\",\n    \"formatted\": \"%s\"\n  }%s\n",
	           key, zero ? 0LL : (long long)t, f, last ? "" : ",");
}

static void fmt_num(double v, char *out, size_t cap)
{
	snprintf(out, cap, "%.7f", v);
	size_t n = strlen(out);
	while (n > 2 && out[n - 1] == '0' && out[n - 2] != '.')
		out[--n] = 0;
}

static void json_geo(struct buf *b, const char *key, const struct meta *m)
{
	char la[32], lo[32], al[32];
	fmt_num(m->gps ? m->lat : 0.0, la, sizeof(la));
	fmt_num(m->gps ? m->lon : 0.0, lo, sizeof(lo));
	fmt_num(m->gps ? m->alt : 0.0, al, sizeof(al));
	buf_printf(
	    b,
	    "  \"%s\": {\n    \"latitude\": %s,\n    \"longitude\": %s,\n    \"altitude\": %s,\n"
	    "    \"latitudeSpan\": 0.0,\n    \"longitudeSpan\": 0.0\n  },\n",
	    key, la, lo, al);
}

static void url_id(const struct gen *g, long id, char *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	struct rng r = {g->seed * 1000003ULL + (uint64_t)id};
	memcpy(out, "AF1Qip", 6);
	for (int i = 6; i < 44; i++)
		out[i] = alphabet[rnd(&r) & 63];
	out[44] = 0;
}

static void sidecar_json(const struct gen *g, struct buf *b, const struct meta *m)
{
	b->len = 0;
	buf_str(b, "{\n  \"title\": ");
	json_str(b, m->title);
	/* Items with people get a description with markup characters (which
	 * json_str writes as \u escapes) and a line break. */
	buf_str(b, ",\n  \"description\": ");
	if (m->people)
		buf_printf(b, "\"Day %ld with <friends> & \\\"family\\\"\\nat home\"", m->id);
	else
		buf_str(b, "\"\"");
	buf_str(b, ",\n");
	buf_printf(b, "  \"imageViews\": \"%u\",\n", m->views);
	json_time(b, "creationTime", m->uploaded, false, false);
	if (m->legacy_times)
		json_time(b, "modificationTime", m->uploaded + 86400, false, false);
	json_time(b, "photoTakenTime", m->taken, m->ts_zero, false);
	json_geo(b, "geoData", m);
	json_geo(b, "geoDataExif", m);
	if (m->people) {
		buf_str(b, "  \"people\": [");
		bool first = true;
		for (int i = 0; i < 5; i++) {
			if (!(m->people & (1 << i)))
				continue;
			buf_str(b, first ? "{\n    \"name\": " : ", {\n    \"name\": ");
			/* Zoë decomposed (NFD) in every other sidecar: one person. */
			json_str(b, i == 3 && m->id % 2 ? "Zoe\xcc\x88" : people_names[i]);
			buf_str(b, "\n  }");
			first = false;
		}
		buf_str(b, "],\n");
	}
	if (m->has_url) {
		char id[48];
		url_id(g, m->id, id);
		buf_printf(b, "  \"url\": \"https://photos.google.com/photo/%s\",\n", id);
	}
	switch (m->origin) {
	case 1:
	case 2:
		buf_printf(
		    b,
		    "  \"googlePhotosOrigin\": {\n    \"mobileUpload\": {\n      \"deviceFolder\": "
		    "{\n        \"localFolderName\": \"\"\n      },\n      \"deviceType\": "
		    "\"%s\"\n    }\n  },\n",
		    m->origin == 1 ? "ANDROID_PHONE" : "IOS_PHONE");
		break;
	case 3:
		buf_str(
		    b, "  \"googlePhotosOrigin\": {\n    \"fromPartnerSharing\": {\n    }\n  },\n");
		break;
	default:
		break;
	}
	if (m->favorited)
		buf_str(b, "  \"favorited\": true,\n");
	if (m->archived)
		buf_str(b, "  \"archived\": true,\n");
	if (m->trashed)
		buf_str(b, "  \"trashed\": true,\n");
	/* Every member above ends with ",\n": turn the last one into "\n}". */
	b->len -= 2;
	buf_str(b, "\n}");
}

static void album_json(struct buf *b, const struct album *a, int64_t date)
{
	b->len = 0;
	const char *ind = a->legacy_form ? "    " : "  ";
	if (a->legacy_form)
		buf_str(b, "{\n  \"albumData\": {\n");
	else
		buf_str(b, "{\n");
	buf_printf(b, "%s\"title\": ", ind);
	json_str(b, a->title);
	buf_printf(b, ",\n%s\"description\": \"\",\n%s\"access\": \"protected\",\n", ind, ind);
	char f[64];
	fmt_time(date, f, sizeof(f));
	buf_printf(b,
	           "%s\"date\": {\n%s  \"timestamp\": \"%lld\",\n%s  \"formatted\": \"%s\"\n%s}\n",
	           ind, ind, (long long)date, ind, f, ind);
	buf_str(b, a->legacy_form ? "  }\n}" : "}");
}

/* ---------- naming (§2.4-§2.6) ---------- */

enum style { ST_LEGACY, ST_NEW, ST_NEW_UNCUT };

/* Sidecar name of a title: stem cut at 46 UTF-16 units (not in uncut 2025
 * exports), counter just before ".json". Returns true when the stem was cut. */
static bool sidecar_name(const char *title, enum style st, int counter, char *out, size_t cap)
{
	char src[1024], ctr[16] = "";
	snprintf(src, sizeof(src), "%s%s", title, st == ST_LEGACY ? "" : ".supplemental-metadata");
	size_t keep = st == ST_NEW_UNCUT ? strlen(src) : u16_prefix(src, 46, false);
	if (counter)
		snprintf(ctr, sizeof(ctr), "(%d)", counter);
	int n = snprintf(out, cap, "%.*s%s.json", (int)keep, src, ctr);
	if (n < 0 || (size_t)n >= cap)
		die("name too long");
	return keep < strlen(src);
}

/* Media name: title stem cut at 47 units keeping a straddling character
 * whole, counter before the extension. */
static void media_name(const char *stem, const char *ext, bool cut, int counter, char *out,
                       size_t cap)
{
	char ctr[16] = "";
	size_t keep = cut ? u16_prefix(stem, 47, true) : strlen(stem);
	if (counter)
		snprintf(ctr, sizeof(ctr), "(%d)", counter);
	int n = snprintf(out, cap, "%.*s%s%s%s", (int)keep, stem, ctr, *ext ? "." : "", ext);
	if (n < 0 || (size_t)n >= cap)
		die("name too long");
}

/* The §8.2 rule that finds a sidecar named by sidecar_name() for the media
 * named by media_name(). *uncertain is set for the 46-unit new-style stem,
 * which is both the exact legacy name and a clipped new-style name. */
static const char *rule_for(const char *title, enum style st, bool clipped, int counter,
                            bool *uncertain)
{
	*uncertain = false;
	if (!clipped)
		return counter ? "counter" : "exact";
	if (st == ST_NEW && u16_len(title) == 46) {
		*uncertain = true;
		return counter ? "counter" : "exact";
	}
	return "truncated";
}

/* ---------- items ---------- */

static const struct {
	double lat, lon, alt;
} places[] = {
    {38.7223, -9.1393, 45.0},   {48.8584, 2.2945, 35.5},   {41.0082, 28.9784, 39.0},
    {35.6762, 139.6503, 40.0},  {40.7128, -74.006, 10.25}, {-33.8688, 151.2093, 3.0},
    {31.5590, 35.4732, -430.5}, {64.1466, -21.9426, 12.0},
};
static const int tz_table[] = {0, 60, 120, -300, -240, 330, 540, -420, 600, 180};
static const int dims[][2] = {{64, 48}, {48, 64}, {80, 60}, {32, 32}, {96, 64}};

static int64_t year_start(int year)
{
	struct tm tm = {0};
	tm.tm_year = year - 1900;
	tm.tm_mday = 1;
	return (int64_t)timegm(&tm);
}

static void random_meta(struct gen *g, struct meta *m, int year, int camera)
{
	struct rng *r = &g->rng;
	memset(m, 0, sizeof(*m));
	m->id = ++g->next_id;
	int64_t start = year_start(year), len = year_start(year + 1) - start;
	m->taken = start + (int64_t)(rnd(r) % (uint64_t)len);
	m->uploaded = m->taken + 60 + rnd_below(r, 30 * 86400);
	m->tz_min = tz_table[rnd_below(r, sizeof(tz_table) / sizeof(tz_table[0]))];
	m->camera = camera;
	bool phone = camera == CAM_APPLE || camera == CAM_GOOGLE || camera == CAM_SAMSUNG ||
	             camera == CAM_XIAOMI;
	m->write_offset = phone && year >= 2018 && chance(r, 700);
	m->gps = camera != CAM_NONE && chance(r, phone ? 500 : 150);
	int p = (int)rnd_below(r, sizeof(places) / sizeof(places[0]));
	m->lat = places[p].lat + (double)rnd_below(r, 2000) / 100000.0;
	m->lon = places[p].lon + (double)rnd_below(r, 2000) / 100000.0;
	m->alt = places[p].alt;
	m->favorited = chance(r, 50);
	m->people = chance(r, 150) ? (int)(1 + rnd_below(r, 31)) : 0;
	m->views = rnd_below(r, 3000);
	m->origin = chance(r, 20) ? 3 : camera == CAM_APPLE ? 2 : phone ? 1 : 0;
	m->has_url = !(year < 2017 && chance(r, 300));
	m->legacy_times = !m->has_url;
	unsigned o = rnd_below(r, 1000);
	m->orientation = o < 80 ? 6 : o < 100 ? 3 : o < 120 ? 8 : 1;
	int d = (int)rnd_below(r, sizeof(dims) / sizeof(dims[0]));
	m->width = dims[d][0];
	m->height = dims[d][1];
	m->corpus = -1;
}

static const char *ext_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && dot != name ? dot + 1 : "";
}

static bool ext_is(const char *name, const char *ext)
{
	return strcasecmp(ext_of(name), ext) == 0;
}

static enum kind kind_for_name(const char *name)
{
	if (ext_is(name, "jpg") || ext_is(name, "jpeg") || !strcmp(name, ".jpg"))
		return K_JPEG;
	if (ext_is(name, "png"))
		return K_PNG;
	if (ext_is(name, "gif"))
		return K_GIF;
	if (ext_is(name, "avi"))
		return K_AVI;
	if (ext_is(name, "mov"))
		return K_MOV;
	if (ext_is(name, "heic"))
		return K_HEIC_JPEG;
	return K_MP4; /* mp4, Pixel .MP / .MP~2, extension-less motion parts */
}

static void set_begin(struct gen *g, const char *folder, const struct meta *m)
{
	struct iset *s = &g->cur;
	struct buf keep = s->bytes;
	memset(s, 0, sizeof(*s));
	s->bytes = keep;
	s->bytes.len = 0;
	copy_str(s->folder, sizeof(s->folder), folder);
	s->m = *m;
	s->home_album = -1;
	s->no_sc_copy_in = -1;
	g->items_made++;
}

static void set_sidecar(struct gen *g, const char *name)
{
	struct iset *s = &g->cur;
	copy_str(s->sidecar, sizeof(s->sidecar), name);
	s->has_sidecar = true;
	name_take(g, s->folder, name);
}

static void append_flag(char *flags, size_t cap, const char *flag)
{
	if (!flag || !*flag)
		return;
	size_t n = strlen(flags);
	snprintf(flags + n, cap - n, "%s%s", n ? "," : "", flag);
}

static struct gfile *set_file_common(struct gen *g, const char *name, const char *rule,
                                     const char *flags)
{
	struct iset *s = &g->cur;
	if (s->n >= MAX_FILES)
		die("internal: too many files in one item");
	struct gfile *f = &s->f[s->n++];
	memset(f, 0, sizeof(*f));
	copy_str(f->name, sizeof(f->name), name);
	f->rule = rule;
	append_flag(f->flags, sizeof(f->flags), flags);
	name_take(g, s->folder, name);
	return f;
}

static void set_file(struct gen *g, const char *name, const char *rule, enum kind k,
                     const char *flags)
{
	struct iset *s = &g->cur;
	int idx = s->n;
	struct gfile *f = set_file_common(g, name, rule, flags);
	char marker[96];
	snprintf(marker, sizeof(marker), "gen-takeout item %ld.%d", s->m.id, idx);
	f->off = s->bytes.len;
	switch (k) {
	case K_JPEG:
	case K_HEIC_JPEG:
		make_jpeg(&s->bytes, &s->m, marker);
		break;
	case K_PNG:
		make_png(&s->bytes, &s->m, marker);
		break;
	case K_MP4:
	case K_MOV:
		make_mp4(&s->bytes, &s->m, marker, k == K_MOV);
		break;
	case K_GIF:
		make_gif(&s->bytes, marker);
		break;
	case K_AVI:
		make_avi(&s->bytes, marker);
		break;
	case K_CORPUS:
		make_from_corpus(&s->bytes, &g->corpus[s->m.corpus], marker);
		append_flag(f->flags, sizeof(f->flags), "corpus");
		break;
	}
	if (k == K_HEIC_JPEG)
		append_flag(f->flags, sizeof(f->flags), "heic-jpeg");
	f->len = s->bytes.len - f->off;
	f->group = ++g->groups;
	f->kind = k;
}

/* Another name for the previous file's bytes (§5.1 case 3). */
static void set_file_same(struct gen *g, const char *name, const char *rule, const char *flags)
{
	struct iset *s = &g->cur;
	struct gfile prev = s->f[s->n - 1];
	struct gfile *f = set_file_common(g, name, rule, flags);
	f->off = prev.off;
	f->len = prev.len;
	f->group = prev.group;
	f->kind = prev.kind;
}

static bool album_fits(struct gen *g, int a)
{
	struct iset *s = &g->cur;
	const char *folder = albums[a].folder;
	if (s->has_sidecar && name_used(g, folder, s->sidecar))
		return false;
	for (int i = 0; i < s->n; i++) {
		if (name_used(g, folder, s->f[i].name) || stem_has(g, folder, s->f[i].name, 'S') ||
		    stem_has(g, folder, s->f[i].name, 'U'))
			return false;
	}
	return true;
}

static void album_take(struct gen *g, int a)
{
	struct iset *s = &g->cur;
	const char *folder = albums[a].folder;
	if (!album_fits(g, a))
		die("internal: album %s cannot take %s", folder, s->f[0].name);
	if (s->has_sidecar)
		name_take(g, folder, s->sidecar);
	for (int i = 0; i < s->n; i++) {
		name_take(g, folder, s->f[i].name);
		stem_mark(g, folder, s->f[i].name, 'S');
	}
	s->albums |= 1u << a;
}

static bool is_trash_folder(const char *folder)
{
	return !strcmp(folder, "Trash") || !strcmp(folder, "Bin");
}

/* One line of expected-media.tsv: what the file itself says (columns in the
 * comment at the top). */
static void media_line(struct gen *g, const char *path, const struct gfile *f)
{
	static const char *const mimes[] = {"image/jpeg",      "image/png",  "video/mp4",
	                                    "video/quicktime", "image/jpeg", "image/gif",
	                                    "video/x-msvideo", "-"};
	const struct meta *m = &g->cur.m;
	struct buf *b = &g->media;
	bool jpeg = f->kind == K_JPEG || f->kind == K_HEIC_JPEG;
	bool exif = jpeg && (m->camera != CAM_NONE || m->gps);
	buf_printf(b, "%s\t%s\t", path, mimes[f->kind]);
	if (jpeg)
		buf_printf(b, "%d\t%d\t", m->width, m->height);
	else if (f->kind == K_PNG)
		buf_str(b, "8\t8\t");
	else if (f->kind == K_GIF)
		buf_str(b, "1\t1\t");
	else
		buf_str(b, "-\t-\t");
	const struct camera *cam = &cameras[m->camera];
	buf_printf(b, "%s\t%s\t", exif && cam->make ? cam->make : "-",
	           exif && cam->make ? cam->model : "-");
	if (exif) {
		char dto[64];
		int a = m->tz_min < 0 ? -m->tz_min : m->tz_min;
		local_time_str(m->taken, m->tz_min, dto);
		buf_printf(b, "%s\t", dto);
		if (m->write_offset)
			buf_printf(b, "%c%02d:%02d\t", m->tz_min < 0 ? '-' : '+', a / 60, a % 60);
		else
			buf_str(b, "-\t");
		buf_printf(b, "%d\t", m->tz_min);
	} else {
		buf_str(b, "-\t-\t-\t");
	}
	if (exif && m->gps) {
		char la[32], lo[32], al[32];
		fmt_num(m->lat, la, sizeof(la));
		fmt_num(m->lon, lo, sizeof(lo));
		fmt_num(m->alt, al, sizeof(al));
		buf_printf(b, "%s,%s,%s\t", la, lo, al);
	} else {
		buf_str(b, "-\t");
	}
	if (exif)
		buf_printf(b, "%d\t", m->orientation);
	else
		buf_str(b, "-\t");
	if (f->kind == K_MP4 || f->kind == K_MOV)
		buf_printf(b, "%lld\t", (long long)m->taken);
	else
		buf_str(b, "-\t");
	buf_printf(b, "%s\n", f->kind == K_CORPUS ? g->corpus[m->corpus].name : "generated");
}

static void manifest_line(struct gen *g, const char *path, const char *sidecar, const char *rule,
                          const struct gfile *f, const char *extra)
{
	media_line(g, path, f);
	struct iset *s = &g->cur;
	struct buf *b = &g->manifest;
	char flags[256] = "";
	append_flag(flags, sizeof(flags), f->flags);
	append_flag(flags, sizeof(flags), s->flags);
	append_flag(flags, sizeof(flags), extra);
	if (!rule)
		append_flag(flags, sizeof(flags), "no-sidecar");
	buf_printf(b, "%s\t%s\t%s\t", path, rule ? sidecar : "-", rule ? rule : "-");
	if (rule && !s->m.ts_zero)
		buf_printf(b, "%lld", (long long)s->m.taken);
	else
		buf_str(b, "-");
	buf_printf(b, "\t%d\t%d\t", rule && s->m.favorited ? 1 : 0,
	           is_trash_folder(s->folder) ? 1 : 0);
	uint32_t mask = s->albums | (s->home_album >= 0 ? 1u << s->home_album : 0);
	bool first = true;
	for (int a = 0; a < N_ALBUMS; a++) {
		if (!(mask & (1u << a)))
			continue;
		if (!first)
			buf_byte(b, '|');
		buf_str(b, albums[a].title[0] ? albums[a].title : "\"\"");
		first = false;
	}
	if (first)
		buf_byte(b, '-');
	buf_printf(b, "\t%ld\t%s\n", f->group, flags[0] ? flags : "-");
	for (int i = 0; rule && i < 5; i++)
		if (s->m.people & (1 << i))
			buf_printf(&g->people, "%s\t%s\n", path, people_names[i]);
}

static void set_flush(struct gen *g)
{
	struct iset *s = &g->cur;
	char logical[2048], sc_rel[8192] = "-", rel[8192];
	if (s->has_sidecar) {
		sidecar_json(g, &g->json, &s->m);
		snprintf(logical, sizeof(logical), "%s/%s", s->folder, s->sidecar);
		emit(g, logical, g->json.p, g->json.len, 0, sc_rel, sizeof(sc_rel));
	}
	const char *where = s->home_album >= 0 ? "album-only" : NULL;
	for (int i = 0; i < s->n; i++) {
		struct gfile *f = &s->f[i];
		snprintf(logical, sizeof(logical), "%s/%s", s->folder, f->name);
		emit(g, logical, s->bytes.p + f->off, f->len, 0, rel, sizeof(rel));
		manifest_line(g, rel, sc_rel, f->rule, f, where);
		if (i == 0 && s->part_dup && g->parts > 1) {
			emit(g, logical, s->bytes.p + f->off, f->len, 1, rel, sizeof(rel));
			manifest_line(g, rel, sc_rel, f->rule, f, "part-dup");
		}
	}
	if (s->home_album >= 0)
		g->albums_used |= 1u << s->home_album;
	for (int a = 0; a < N_ALBUMS; a++) {
		if (!(s->albums & (1u << a)))
			continue;
		g->albums_used |= 1u << a;
		bool sc_copy = s->has_sidecar && a != s->no_sc_copy_in;
		char asc_rel[8192] = "-";
		if (sc_copy) {
			snprintf(logical, sizeof(logical), "%s/%s", albums[a].folder, s->sidecar);
			emit(g, logical, g->json.p, g->json.len, 0, asc_rel, sizeof(asc_rel));
		}
		for (int i = 0; i < s->n; i++) {
			struct gfile *f = &s->f[i];
			snprintf(logical, sizeof(logical), "%s/%s", albums[a].folder, f->name);
			emit(g, logical, s->bytes.p + f->off, f->len, 0, rel, sizeof(rel));
			const char *rule = f->rule && !sc_copy ? "copy" : f->rule;
			manifest_line(g, rel, sc_copy ? asc_rel : sc_rel, rule, f, "album-copy");
		}
	}
}

/* ---------- the catalogue of §9 edge cases ---------- */

static bool room(const struct gen *g, long n)
{
	return g->items_made + n <= g->items_target;
}

static int cam_for_name(const char *n)
{
	if (!strncmp(n, "PXL_", 4) || !strncmp(n, "MVIMG", 5))
		return CAM_GOOGLE;
	if (!strncmp(n, "IMG_", 4) || !strncmp(n, "IMAG", 4))
		return CAM_APPLE;
	if (!strncmp(n, "DSC", 3))
		return CAM_NIKON;
	if (n[0] == 'P' && n[1] >= '0' && n[1] <= '9')
		return CAM_OLYMPUS;
	if (n[0] >= '0' && n[0] <= '9' && strlen(n) > 15 && n[8] == '_')
		return CAM_SAMSUNG;
	return CAM_NONE;
}

static const char *yf(struct gen *g, int year)
{
	year_folder(year, g->yf, sizeof(g->yf));
	return g->yf;
}

/* Starts a catalogue item in folder with its JSON title and sidecar name
 * (NULL: the item has no sidecar). */
static void cat(struct gen *g, const char *folder, int year, const char *title, const char *sidecar)
{
	struct meta m;
	random_meta(g, &m, year, cam_for_name(title));
	copy_str(m.title, sizeof(m.title), title);
	set_begin(g, folder, &m);
	if (sidecar)
		set_sidecar(g, sidecar);
}

static void cf(struct gen *g, const char *name, const char *rule, const char *flags)
{
	set_file(g, name, rule, kind_for_name(name), flags);
	stem_mark(g, g->cur.folder, name, 'S');
}

static void cf_same(struct gen *g, const char *name, const char *rule, const char *flags)
{
	set_file_same(g, name, rule, flags);
	stem_mark(g, g->cur.folder, name, 'S');
}

/* One item, one sidecar, one media file. */
static void cat1(struct gen *g, int year, const char *title, const char *sidecar, const char *media,
                 const char *rule, const char *flags)
{
	cat(g, yf(g, year), year, title, sidecar);
	cf(g, media, rule, flags);
	set_flush(g);
}

/* An item whose sidecar name follows from its title by the §2.4 rules. */
static void cat_style(struct gen *g, int year, const char *title, enum style st, int counter,
                      const char *media)
{
	char sc[NAME_MAX_BYTES];
	bool uncertain;
	bool clipped = sidecar_name(title, st, counter, sc, sizeof(sc));
	const char *rule = rule_for(title, st, clipped, counter, &uncertain);
	cat1(g, year, title, sc, media, rule, uncertain ? "rule-uncertain" : NULL);
}

static void orphan_sidecar(struct gen *g, int year, const char *title, const char *sidecar)
{
	struct meta m;
	char logical[2048], rel[8192];
	random_meta(g, &m, year, cam_for_name(title));
	copy_str(m.title, sizeof(m.title), title);
	sidecar_json(g, &g->json, &m);
	snprintf(logical, sizeof(logical), "%s/%s", yf(g, year), sidecar);
	name_take(g, yf(g, year), sidecar);
	stem_mark(g, yf(g, year), title, 'S');
	emit(g, logical, g->json.p, g->json.len, 0, rel, sizeof(rel));
	buf_printf(&g->notes, "#orphan-sidecar\t%s\n", rel);
}

static void catalogue_basics(struct gen *g)
{
	if (room(g, 3)) {
		cat1(g, 2021, "PXL_20211013_220651983.jpg", "PXL_20211013_220651983.jpg.json",
		     "PXL_20211013_220651983.jpg", "exact", NULL);
		cat1(g, 2021, "DSC_0100.JPG", "DSC_0100.JPG.json", "DSC_0100.JPG", "exact", NULL);
		cat1(g, 2021, "PXL_20211013_220651958.jpg", NULL, "PXL_20211013_220651958.jpg",
		     NULL, "negative");
	}
	if (room(g, 3)) {
		cat1(g, 2012, "DSC_0238.JPG", "DSC_0238.JPG.json", "DSC_0238.JPG", "exact", NULL);
		cat1(g, 2012, "DSC_0238.JPG", "DSC_0238.JPG(1).json", "DSC_0238(1).JPG", "counter",
		     NULL);
		cat1(g, 2012, "DSC_0238_1.JPG", "DSC_0238_1.JPG.json", "DSC_0238_1.JPG", "exact",
		     NULL);
	}
	if (room(g, 2)) {
		cat1(g, 2019, "IMG_3397.JPG", "IMG_3397.JPG.supplemental-metadata.json",
		     "IMG_3397.JPG", "exact", NULL);
		cat1(g, 2016, "20161105_170829.jpg",
		     "20161105_170829.jpg.supplemental-metadata.json", "20161105_170829.jpg",
		     "exact", NULL);
	}
	if (room(g, 4)) {
		cat1(g, 2019, "MVIMG_20191230_232926.jpg",
		     "MVIMG_20191230_232926.jpg.supplemental-metadat.json",
		     "MVIMG_20191230_232926.jpg", "truncated", NULL);
		cat1(g, 2020, "Screenshot_20200301-161151.png",
		     "Screenshot_20200301-161151.png.supplemental-me.json",
		     "Screenshot_20200301-161151.png", "truncated", NULL);
		cat(g, yf(g, 2023), 2023, "Screenshot_20231027_123303_Facebook.jpg",
		    "Screenshot_20231027_123303_Facebook.jpg.supple.json");
		cf(g, "Screenshot_20231027_123303_Facebook.jpg", "truncated", NULL);
		cf(g, "Screenshot_20231027_123303_Facebook-edited.jpg", "edited", "edited");
		set_flush(g);
		cat1(g, 2023, "Screenshot_20231027_123303_Facebook.jpg",
		     "Screenshot_20231027_123303_Facebook.jpg.supple(1).json",
		     "Screenshot_20231027_123303_Facebook(1).jpg", "truncated", NULL);
	}
}

/* The original's rule: its sidecar is either one of the two full names or a
 * clipped one. */
static const char *full_or_truncated(const char *title, const char *sidecar)
{
	char full[NAME_MAX_BYTES];
	snprintf(full, sizeof(full), "%s.json", title);
	if (!strcmp(full, sidecar))
		return "exact";
	snprintf(full, sizeof(full), "%s.supplemental-metadata.json", title);
	return strcmp(full, sidecar) ? "truncated" : "exact";
}

static void cat_edit(struct gen *g, int year, const char *title, const char *sidecar,
                     const char *edit, const char *flags)
{
	cat(g, yf(g, year), year, title, sidecar);
	cf(g, title, full_or_truncated(title, sidecar), NULL);
	cf(g, edit, "edited", flags);
	set_flush(g);
}

static void cat_live(struct gen *g, int year, const char *still, const char *motion)
{
	char sc[NAME_MAX_BYTES];
	snprintf(sc, sizeof(sc), "%s.json", still);
	cat(g, yf(g, year), year, still, sc);
	cf(g, still, "exact", NULL);
	cf(g, motion, "live-photo", "motion");
	set_flush(g);
}

static void catalogue_edits_live(struct gen *g)
{
	if (room(g, 5)) {
		cat_edit(g, 2013, "IMAG0061.JPG", "IMAG0061.JPG.supplemental-metadata.json",
		         "IMAG0061-edited.JPG", "edited");
		cat_edit(g, 2022, "PXL_20220405_090123740.PORTRAIT.jpg",
		         "PXL_20220405_090123740.PORTRAIT.jpg.json",
		         "PXL_20220405_090123740.PORTRAIT-modifié.jpg", "edited");
		/* Same folder: the edit of another photo must stay unmatched. */
		cat1(g, 2022, "PXL_20220405_090123741.PORTRAIT.jpg", NULL,
		     "PXL_20220405_090123741.PORTRAIT-modifié.jpg", NULL, "edited,negative");
		/* NFD "é" = "e" + U+0301, as macOS writes it (§2.8). */
		cat_edit(g, 2007, "08-21-07_1547.jpg", "08-21-07_1547.jpg.json",
		         "08-21-07_1547-modifie\xcc\x81.jpg", "edited,nfd");
		cat_edit(g, 2016, "IMG_20160704_101010.jpg", "IMG_20160704_101010.jpg.json",
		         "IMG_20160704_101010-bearbeitet.jpg", "edited");
	}
	if (room(g, 1))
		cat_edit(g, 2018, "IMG_20180512_093000.jpg",
		         "IMG_20180512_093000.jpg.supplemental-metadata.json",
		         "IMG_20180512_093000-modificato.jpg", "edited");
	if (room(g, 4)) {
		cat_live(g, 2019, "IMG_4573.HEIC", "IMG_4573.MP4");
		cat_live(g, 2023, "20231227_152817.jpg", "20231227_152817.MP4");
		cat_live(g, 2022, "PXL_20221228_185930354.MP.jpg", "PXL_20221228_185930354.MP");
		cat_live(g, 2018, "MVIMG_20180418_113218.jpg", "MVIMG_20180418_113218");
	}
	if (room(g, 3)) {
		cat1(g, 2022, "Screenshot_2022-10-28-09-31-43-118_com.snapchat.jpg",
		     "Screenshot_2022-10-28-09-31-43-118_com.snapcha.json",
		     "Screenshot_2022-10-28-09-31-43-118_com.snapchat.jpg", "truncated", NULL);
		cat1(g, 2023, "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINAL.jpg",
		     "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN.json",
		     "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINA.jpg", "truncated", NULL);
		cat1(g, 2023, "PXL_20230814_201154491.LONG_EXPOSURE-01.COVER.jpg",
		     "PXL_20230814_201154491.LONG_EXPOSURE-01.COVER..json",
		     "PXL_20230814_201154491.LONG_EXPOSURE-01.COVER.jpg", "truncated", NULL);
	}
	if (room(g, 4)) {
		cat1(g, 2020, "Peanut Butter Balls",
		     "Peanut Butter Balls.supplemental-metadata.json", "Peanut Butter Balls.jpg",
		     "no-extension", NULL);
		cat1(g, 2012, "27/06/12 - 2", "27_06_12 - 2.json", "27_06_12 - 2.jpg",
		     "no-extension", NULL);
		cat1(g, 2012, "27/06/12 - 1.mov", "27_06_12 - 1.mov.json", "27_06_12 - 1.mov",
		     "exact", NULL);
		cat1(g, 2010, "P7040106.JPG", "P7040106.JPG.json", "P7040106.jpg", "exact",
		     "ext-case");
	}
}

static void catalogue_special_folders(struct gen *g)
{
	char sc[NAME_MAX_BYTES];
	if (!room(g, 4))
		return;
	cat(g, "Trash", 2020, "IMG_7001.JPG", "IMG_7001.JPG.json");
	g->cur.m.trashed = true;
	cf(g, "IMG_7001.JPG", "exact", NULL);
	set_flush(g);
	sidecar_name("PXL_20240101_101010101.jpg", ST_NEW, 0, sc, sizeof(sc));
	cat(g, "Bin", 2024, "PXL_20240101_101010101.jpg", sc);
	g->cur.m.trashed = true;
	cf(g, "PXL_20240101_101010101.jpg", "truncated", NULL);
	set_flush(g);
	cat(g, "Archive", 2021, "IMG_7002.JPG", "IMG_7002.JPG.json");
	g->cur.m.archived = true;
	g->cur.flags = "archived";
	cf(g, "IMG_7002.JPG", "exact", NULL);
	set_flush(g);
	cat(g, "Failed Videos", 2019, "VID_20190101_120000.mp4", NULL);
	cf(g, "VID_20190101_120000.mp4", NULL, "failed-video");
	set_flush(g);
}

static void cat_in_albums(struct gen *g, int year, const char *title, const int *al, int n_al)
{
	char sc[NAME_MAX_BYTES];
	snprintf(sc, sizeof(sc), "%s.json", title);
	cat(g, yf(g, year), year, title, sc);
	cf(g, title, "exact", NULL);
	for (int i = 0; i < n_al; i++)
		album_take(g, al[i]);
	set_flush(g);
}

static void catalogue_albums(struct gen *g)
{
	if (!room(g, 11))
		return;
	/* Only in an album, not in any year folder (gpth #22). */
	cat(g, albums[AL_LISBON].folder, 2019, "IMG_5002.JPG", "IMG_5002.JPG.json");
	g->cur.home_album = AL_LISBON;
	cf(g, "IMG_5002.JPG", "exact", NULL);
	set_flush(g);
	/* Album copy without its sidecar copy: borrows the year-folder sidecar. */
	cat(g, yf(g, 2019), 2019, "IMG_5001.JPG", "IMG_5001.JPG.json");
	cf(g, "IMG_5001.JPG", "exact", NULL);
	album_take(g, AL_FAMILIE);
	g->cur.no_sc_copy_in = AL_FAMILIE;
	set_flush(g);
	/* Album copy whose bytes differ from the year-folder copy (§5.3). */
	cat(g, yf(g, 2016), 2016, "20160105_121621_LLS.jpg", "20160105_121621_LLS.jpg.json");
	cf(g, "20160105_121621_LLS.jpg", "exact", NULL);
	set_flush(g);
	struct meta m = g->cur.m;
	m.id = ++g->next_id;
	set_begin(g, albums[AL_MER].folder, &m);
	set_sidecar(g, "20160105_121621_LLS.jpg.json");
	g->cur.home_album = AL_MER;
	cf(g, "20160105_121621_LLS.jpg", "exact", "album-variant");
	set_flush(g);
	/* Album part without a sidecar in the export (§9.3). */
	cat(g, albums[AL_VACANZE].folder, 2018, "Bebop2_20180719203057+0200.mp4", NULL);
	g->cur.home_album = AL_VACANZE;
	cf(g, "Bebop2_20180719203057+0200.mp4", NULL, NULL);
	set_flush(g);
	static const int untitled[] = {AL_UNTITLED, AL_SANS_TITRE}, slash[] = {AL_SLASH},
	                 almeria[] = {AL_ALMERIA, AL_ALMERIA1}, helche[] = {AL_HELCHE},
	                 photos_from[] = {AL_PHOTOS_FROM}, emoji[] = {AL_EMOJI};
	cat_in_albums(g, 2021, "IMG_20210704_120000.jpg", untitled, 2);
	cat_in_albums(g, 2023, "IMG_20231006_101500.jpg", slash, 1);
	cat_in_albums(g, 2003, "DSC_0301.JPG", almeria, 2);
	cat_in_albums(g, 2003, "DSC_0302.JPG", helche, 1);
	cat_in_albums(g, 2019, "IMG_20190801_120000.jpg", photos_from, 1);
	/* A live pair in the emoji album: both parts and the sidecar are copied. */
	cat(g, yf(g, 2019), 2019, "IMG_6001.HEIC", "IMG_6001.HEIC.json");
	cf(g, "IMG_6001.HEIC", "exact", NULL);
	cf(g, "IMG_6001.MP4", "live-photo", "motion");
	album_take(g, emoji[0]);
	set_flush(g);
}

static void catalogue_counters(struct gen *g)
{
	char sc[NAME_MAX_BYTES], media[NAME_MAX_BYTES];
	if (room(g, 6)) {
		cat1(g, 2023, "PXL_20231118_035751175.MP.jpg", "PXL_20231118_035751175.MP.jpg.json",
		     "PXL_20231118_035751175.MP.jpg", "exact", NULL);
		cat_live(g, 2021, "PXL_20210102_221126856.MP~2.jpg", "PXL_20210102_221126856.MP~2");
		cat1(g, 2023, "PXL_20231006_063909898.LS.mp4", "PXL_20231006_063909898.LS.mp4.json",
		     "PXL_20231006_063909898.LS.mp4", "exact", NULL);
		cat1(g, 2012, "DSC_0101.JPG", "DSC_0101.JPG.json", "DSC_0101.JPG", "exact", NULL);
		cat1(g, 2012, "DSC_0101.JPG", "DSC_0101.JPG(1).json", "DSC_0101(1).JPG", "counter",
		     NULL);
		cat1(g, 2019, "IMG_2710.HEIC", "IMG_2710.HEIC.json", "IMG_2710.HEIC", "exact",
		     NULL);
	}
	if (room(g, 4)) {
		cat1(g, 2019, "IMG_2710.HEIC", "IMG_2710.HEIC(1).json", "IMG_2710(1).HEIC",
		     "counter", NULL);
		cat1(g, 2018, "IMG_3479.JPG", "IMG_3479.JPG.json", "IMG_3479.JPG", "exact", NULL);
		cat1(g, 2018, "IMG_3479.JPG", "IMG_3479.JPG(1).json", "IMG_3479(1).JPG", "counter",
		     NULL);
		cat1(g, 2018, "IMG_3479.JPG", "IMG_3479.JPG(2).json", "IMG_3479(2).JPG", "counter",
		     NULL);
	}
	if (room(g, 11)) {
		for (int i = 0; i <= 10; i++) {
			sidecar_name("image.jpg", ST_LEGACY, i, sc, sizeof(sc));
			media_name("image", "jpg", false, i, media, sizeof(media));
			cat1(g, 2013, "image.jpg", sc, media, i ? "counter" : "exact", NULL);
		}
	}
	if (room(g, 4)) {
		cat1(g, 2014, "img_(87).(vacation stuff).lol.jpg",
		     "img_(87).(vacation stuff).lol.jpg(87).json",
		     "img_(87).(vacation stuff).lol(87).jpg", "counter", NULL);
		cat1(g, 2014, "photo(3).jpg", "photo(3).jpg.json", "photo(3).jpg", "title-counter",
		     NULL);
		cat1(g, 2014, "Urlaub in Knaufspesch in der Schneifel (38).JPG",
		     "Urlaub in Knaufspesch in der Schneifel (38).JP.json",
		     "Urlaub in Knaufspesch in der Schneifel (38).JPG", "title-counter",
		     "rule-uncertain");
		cat1(g, 2014, "skytree (2).jpg", "skytree (2).jpg.supplemental-metadata.json",
		     "skytree (2).jpg", "title-counter", "rule-uncertain");
	}
}

static void catalogue_truncation(struct gen *g)
{
	if (room(g, 9)) {
		/* clang-format 14 splits emoji literals again on every run. */
		/* clang-format off */
		cat1(
		    g, 2019,
		    "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛😜🤪😝🤑🤗🤭🤫🤔🤐🤨😐😑😶😏😒🙄😬😮‍💨🤥😌😔😪🤤😴😷🤒🤕🤢🤮🤧🥵🥶🥴😵‍💫🤯🤠🥳🥸😎🤓🧐.jpg",
		    "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋.json",
		    "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛.jpg",
		    "truncated", NULL);
		/* clang-format on */
		cat1(g, 2019, "05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jpg",
		     "05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jp.json",
		     "05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jpg", "truncated", NULL);
		cat1(g, 2020,
		     "Backyard_ceremony_wedding_photography_xxxxxxx_magnoliastudios-371.jpg",
		     "Backyard_ceremony_wedding_photography_xxxxxxx_.json",
		     "Backyard_ceremony_wedding_photography_xxxxxxx_m.jpg", "truncated", NULL);
		cat1(g, 2020,
		     "Backyard_ceremony_wedding_photography_xxxxxxx_magnoliastudios-864.jpg",
		     "Backyard_ceremony_wedding_photography_xxxxxxx_(494).json",
		     "Backyard_ceremony_wedding_photography_xxxxxxx_m(494).jpg", "truncated", NULL);
		cat1(g, 2010, "13039_327707840323_537645323_9470255_27214_n.jpg",
		     "13039_327707840323_537645323_9470255_27214_n.j.json",
		     "13039_327707840323_537645323_9470255_27214_n.jpg", "truncated", NULL);
		cat1(g, 2010, "13039_327707840323_537645323_9470255_27214_n.jpg",
		     "13039_327707840323_537645323_9470255_27214_n.j(1).json",
		     "13039_327707840323_537645323_9470255_27214_n(1).jpg", "truncated", NULL);
		cat1(g, 2018, "01D1C847-D498-4814-9F10-6B81D768077B-1050-0000012BFC8FF17F_tmp.jpg",
		     "01D1C847-D498-4814-9F10-6B81D768077B-1050-0000.json",
		     "01D1C847-D498-4814-9F10-6B81D768077B-1050-00000.jpg", "truncated", NULL);
		/* Forgotten duplicates: the edit suffix was cut away, the edit collided
		 * with the original and got (1) and no sidecar (§2.5). §8 rule 3 (clipped
		 * B+E) already finds the sidecar, so the rule name is not pinned. */
		cat(g, yf(g, 2019), 2019, "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238e0f1.jpg",
		    "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238.json");
		cf(g, "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238e.jpg", "truncated", NULL);
		cf(g, "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238e(1).jpg",
		   "forgotten-duplicate", "edited,rule-uncertain");
		set_flush(g);
		cat(g, yf(g, 2019), 2019, "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_P.jpg",
		    "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_.json");
		cf(g, "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_P.jpg", "truncated", NULL);
		cf(g, "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_P(1).jpg",
		   "forgotten-duplicate", "edited,rule-uncertain");
		set_flush(g);
	}
	if (room(g, 9)) {
		cat1(g, 2020, "JakFvscx9E0 1631x1080.jpg",
		     "JakFvscx9E0 1631x1080.jpg.supplemental-metadat.json",
		     "JakFvscx9E0 1631x1080.jpg", "truncated", NULL);
		cat1(g, 2021, "0bca7b90-299e-4000-b29a-d97037b18456.jpg",
		     "0bca7b90-299e-4000-b29a-d97037b18456.jpg.suppl.json",
		     "0bca7b90-299e-4000-b29a-d97037b18456.jpg", "truncated", NULL);
		cat1(g, 2021, "0F87D8FC-0D60-4043-9B52-81B5682CF506.jpg",
		     "0F87D8FC-0D60-4043-9B52-81B5682CF506.jpg.suppl.json",
		     "0F87D8FC-0D60-4043-9B52-81B5682CF506.jpg", "truncated", NULL);
		cat1(g, 2017, "Screenshot_2017-07-05-10-05-26.png",
		     "Screenshot_2017-07-05-10-05-26.png.supplementa.json",
		     "Screenshot_2017-07-05-10-05-26.png", "truncated", NULL);
		cat1(g, 2024, "Screenshot_20241227_105539_Edge.jpg",
		     "Screenshot_20241227_105539_Edge.jpg.supplement.json",
		     "Screenshot_20241227_105539_Edge.jpg", "truncated", NULL);
		cat1(g, 2022, "D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg",
		     "D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg.supp.json",
		     "D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg", "truncated", NULL);
		cat1(g, 2020, "MVIMG_20200207_134534~2.jpg",
		     "MVIMG_20200207_134534~2.jpg.supplemental-metad.json",
		     "MVIMG_20200207_134534~2.jpg", "truncated", NULL);
		cat1(g, 2021, "Scan35.jpg", "Scan35.jpg.supplemental-metadata.json", "Scan35.jpg",
		     "exact", NULL);
		cat1(g, 2021, "Scan35.jpg", "Scan35.jpg.supplemental-metadata(1).json",
		     "Scan35(1).jpg", "counter", NULL);
	}
	if (room(g, 4)) {
		cat1(g, 2009, "CLIP0001.AVI", "CLIP0001.AVI.supplemental-metadata(10).json",
		     "CLIP0001(10).AVI", "counter", NULL);
		cat1(g, 2024,
		     "Screenshot_2024-01-14-14-13-33-16_948cd9899890cbd5c2798760b2b95377.jpg",
		     "Screenshot_2024-01-14-14-13-33-16_948cd9899890.json",
		     "Screenshot_2024-01-14-14-13-33-16_948cd9899890cbd5c2798760b2b95377.jpg",
		     "truncated", NULL);
		/* 2025 exports that no longer clip (§2.4, last bullet). */
		cat_style(g, 2025, "Screenshot_20250312_081500_Instagram.jpg", ST_NEW_UNCUT, 0,
		          "Screenshot_20250312_081500_Instagram.jpg");
		cat_style(g, 2025, "Screenshot_20250312_081500_Instagram.jpg", ST_NEW_UNCUT, 1,
		          "Screenshot_20250312_081500_Instagram(1).jpg");
	}
	if (room(g, 3)) {
		/* The truncation ladder at 44/45/46 units (§9.1 rule-derived names). */
		static const char a40[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
		char title[64];
		for (int extra = 0; extra < 3; extra++) {
			snprintf(title, sizeof(title), "%s%.*s.jpg", a40, extra, "AA");
			cat_style(g, 2011, title, ST_NEW, 0, title);
		}
	}
}

/* Every remnant length of "supplemental-metadata" (§2.4): titles of 24 to 46
 * units, plus two with a counter. */
static void catalogue_remnant_ladder(struct gen *g)
{
	char title[64], media[80];
	if (!room(g, 25))
		return;
	for (int len = 24; len <= 46; len++) {
		snprintf(title, sizeof(title), "L%02d_%.*s.jpg", len, len - 8,
		         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		cat_style(g, 2022, title, ST_NEW, 0, title);
	}
	for (int len = 30; len <= 39; len += 9) {
		snprintf(title, sizeof(title), "L%02d_%.*s.jpg", len, len - 8,
		         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		snprintf(media, sizeof(media), "L%02d_%.*s(1).jpg", len, len - 8,
		         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		cat_style(g, 2022, title, ST_NEW, 1, media);
	}
}

static void catalogue_titles(struct gen *g)
{
	if (room(g, 8)) {
		cat1(g, 2016, "1190642159672506179",
		     "1190642159672506179.supplemental-metadata.json", "1190642159672506179.jpg",
		     "no-extension", NULL);
		cat(g, yf(g, 2017), 2017, "2234089303984509579",
		    "2234089303984509579.supplemental-metadata.json");
		cf(g, "2234089303984509579.jpg", "no-extension", NULL);
		cf(g, "2234089303984509579-edited.jpg", "edited", "edited");
		set_flush(g);
		cat1(g, 2013, "2013-12-23", "2013-12-23.supplemental-metadata.json",
		     "2013-12-23.jpg", "no-extension", NULL);
		cat1(g, 2013, "2013-12-23", "2013-12-23.supplemental-metadata(1).json",
		     "2013-12-23(1).jpg", "no-extension", NULL);
		cat1(g, 2012, "4/13/12 - 1", "4_13_12 - 1.supplemental-metadata.json",
		     "4_13_12 - 1.jpg", "no-extension", NULL);
		cat1(g, 2012, "4/13/12 - 1", "4_13_12 - 1.supplemental-metadata(1).json",
		     "4_13_12 - 1(1).jpg", "no-extension", NULL);
		cat_edit(g, 2023, "IMG-20230325-WA0122~2.jpg",
		         "IMG-20230325-WA0122~2.jpg.supplemental-metadat.json",
		         "IMG-20230325-WA0122~2-edited.jpg", "edited");
	}
}

static void catalogue_edit_counters(struct gen *g)
{
	if (room(g, 4)) {
		cat(g, yf(g, 2012), 2012, "IMG_20120216_094016.jpg",
		    "IMG_20120216_094016.jpg.supplemental-metadata.json");
		cf(g, "IMG_20120216_094016.jpg", "exact", NULL);
		cf(g, "IMG_20120216_094016-edited.jpg", "edited", "edited");
		cf(g, "IMG_20120216_094016-edited(1).jpg", "edited", "edited");
		set_flush(g);
		cat(g, yf(g, 2018), 2018, "IMG_20180830_123540573.jpg",
		    "IMG_20180830_123540573.jpg.json");
		cf(g, "IMG_20180830_123540573.jpg", "exact", NULL);
		cf(g, "IMG_20180830_123540573-edited.jpg", "edited", "edited");
		set_flush(g);
		cat(g, yf(g, 2018), 2018, "IMG_20180830_123540573.jpg",
		    "IMG_20180830_123540573.jpg(1).json");
		cf(g, "IMG_20180830_123540573(1).jpg", "counter", NULL);
		cf(g, "IMG_20180830_123540573-edited(1).jpg", "edited", "edited");
		set_flush(g);
		cat(g, yf(g, 2015), 2015, "IMG-20150125-WA0003.jpg",
		    "IMG-20150125-WA0003.jpg.json");
		cf(g, "IMG-20150125-WA0003.jpg", "exact", NULL);
		cf(g, "IMG-20150125-WA0003-modifié.jpg", "edited", "edited");
		cf(g, "IMG-20150125-WA0003-modifié(1).jpg", "edited", "edited");
		set_flush(g);
	}
	if (room(g, 1)) {
		cat(g, yf(g, 2020), 2020, "simple_file_20200101.jpg",
		    "simple_file_20200101.jpg.json");
		cf(g, "simple_file_20200101.jpg", "exact", NULL);
		cf(g, "simple_file_20200101-edited.jpg", "edited", "edited");
		cf_same(g, "simple_file_20200101-edited(1).jpg", "edited", "edited");
		set_flush(g);
	}
}

static void catalogue_misc(struct gen *g)
{
	if (room(g, 9)) {
		cat_live(g, 2019, "IMG_5580.HEIC", "IMG_5580.MP4");
		cat_live(g, 2019, "MVIMG_20190215_193501.jpg", "MVIMG_20190215_193501.MP4");
		cat1(g, 2016, "image000000.gif", "image000000.gif.json", "image000000.gif", "exact",
		     NULL);
		cat1(g, 2016, "image000000.jpg", "image000000.jpg.json", "image000000.jpg", "exact",
		     NULL);
		cat1(g, 2011, "IMG_1.jpg", "IMG_1.jpg.json", "IMG_1.jpg", "exact", NULL);
		cat1(g, 2011, "IMG_12.jpg", NULL, "IMG_12.jpg", NULL, "negative");
		cat1(g, 2012, "DSC_0102.JPG", "DSC_0102.JPG.json", "DSC_0102.JPG", "exact", NULL);
		cat1(g, 2012, "DSC_0102.JPG", "DSC_0102.JPG(2).json", "DSC_0102(2).JPG", "counter",
		     NULL);
		cat1(g, 2012, "DSC_0102.JPG", NULL, "DSC_0102(1).JPG", NULL, "negative");
	}
	if (room(g, 6)) {
		/* Media named only ".jpg" / "(1).jpg" (immich-go #88, #128). */
		cat1(g, 2020, ".jpg", ".jpg.json", ".jpg", "exact", "rule-uncertain");
		cat1(g, 2020, ".jpg", ".jpg(1).json", "(1).jpg", "counter", "rule-uncertain");
		cat1(g, 2019, "✈️ DSC04119.jpg", "✈️ DSC04119.jpg.json",
		     "✈️ DSC04119.jpg", "exact", NULL);
		cat1(g, 2019, "Фото 001.jpg", "Фото 001.jpg.supplemental-metadata.json",
		     "Фото 001.jpg", "exact", NULL);
		cat(g, yf(g, 2016), 2016, "FB_IMG_1456789012345.jpg",
		    "FB_IMG_1456789012345.jpg.json");
		g->cur.m.ts_zero = true;
		cf(g, "FB_IMG_1456789012345.jpg", "exact", "ts-zero");
		set_flush(g);
		cat1(g, 2010, "P1010001.JPG", "P1010001.JPG.json", "P1010001.JPG", "exact", NULL);
	}
	if (room(g, 2)) {
		/* Gson escapes ' and & as \u0027 / \u0026 in the title; file names
		 * keep ' but turn & into _ (§2.11). */
		cat1(g, 2018, "Mum's birthday.jpg", "Mum's birthday.jpg.json", "Mum's birthday.jpg",
		     "exact", NULL);
		cat1(g, 2018, "Tom & Jerry.jpg", "Tom _ Jerry.jpg.json", "Tom _ Jerry.jpg", "exact",
		     NULL);
	}
	if (room(g, 4)) {
		/* Legacy per-date folders (§1.3). */
		static const struct {
			const char *folder;
			int y, mon, day, days;
			const char *title, *sidecar, *media, *rule;
		} legacy[] = {
		    {"2003-12-31", 2003, 12, 31, 1, "20031231", "20031231.json", "20031231.jpg",
		     "no-extension"},
		    {"2003-12-31", 2003, 12, 31, 1, "IMG_0001.JPG", "IMG_0001.JPG.json",
		     "IMG_0001.JPG", "exact"},
		    {"2009-11-24-25", 2009, 11, 24, 2, "DSCF0001.JPG", "DSCF0001.JPG.json",
		     "DSCF0001.JPG", "exact"},
		    {"2009-11-24-25", 2009, 11, 24, 2, "DSCF0002.JPG", "DSCF0002.JPG.json",
		     "DSCF0002.JPG", "exact"},
		};
		for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++) {
			cat(g, legacy[i].folder, legacy[i].y, legacy[i].title, legacy[i].sidecar);
			struct tm tm = {0};
			tm.tm_year = legacy[i].y - 1900;
			tm.tm_mon = legacy[i].mon - 1;
			tm.tm_mday = legacy[i].day;
			g->cur.m.taken = (int64_t)timegm(&tm) +
			                 rnd_below(&g->rng, 86400u * (unsigned)legacy[i].days);
			g->cur.m.uploaded = g->cur.m.taken + 3600;
			g->cur.flags = "legacy-folder";
			cf(g, legacy[i].media, legacy[i].rule, NULL);
			set_flush(g);
		}
	}
	if (room(g, 2)) {
		/* Two titles equal in their first 46 units: the sidecar counter and
		 * the media names disagree; only the JSON title tells them apart
		 * (§2.5, [I]). The spec does not say what Google really writes. */
		static const char p46[] = "Birthday_party_at_grandmas_house_in_the_summer";
		char title[128], media[128], sc[128];
		snprintf(title, sizeof(title), "%sA_first_shot.jpg", p46);
		snprintf(media, sizeof(media), "%sA.jpg", p46);
		snprintf(sc, sizeof(sc), "%s.json", p46);
		cat1(g, 2019, title, sc, media, "truncated", "ambiguous");
		snprintf(title, sizeof(title), "%sB_second_shot.jpg", p46);
		snprintf(media, sizeof(media), "%sB.jpg", p46);
		snprintf(sc, sizeof(sc), "%s(1).json", p46);
		cat1(g, 2019, title, sc, media, "title", "ambiguous");
	}
}

static void catalogue(struct gen *g)
{
	catalogue_basics(g);
	catalogue_edits_live(g);
	catalogue_special_folders(g);
	catalogue_albums(g);
	catalogue_counters(g);
	catalogue_truncation(g);
	catalogue_titles(g);
	catalogue_edit_counters(g);
	catalogue_misc(g);
	catalogue_remnant_ladder(g);
	/* Sidecars whose media is missing: always written, not items. */
	orphan_sidecar(g, 2019, "IMG_9999.JPG", "IMG_9999.JPG.json");
	orphan_sidecar(g, 2020, "PXL_20200101_000000000.jpg",
	               "PXL_20200101_000000000.jpg.supplemental-metada.json");
}

/* ---------- generated items ---------- */

enum scheme {
	NM_IMG,
	NM_DSC,
	NM_PXL,
	NM_SAMSUNG,
	NM_XIAOMI,
	NM_SCREEN_PNG,
	NM_SCREEN_LONG,
	NM_WHATSAPP,
	NM_VID,
	NM_MOV,
	NM_LONG,
	NM_NOEXT,
	NM_HEIC,
	NM_LIVE,
	NM_PIXEL_MP,
	NM_MVIMG,
	NM_NOSIDECAR,
	NM_COUNT,
	NM_CORPUS = NM_COUNT
};

/* Per mille of items; live/motion ~2%, no sidecar 1%, long names 4%. */
static const int scheme_weight[NM_COUNT] = {168, 80, 130, 80, 60, 50, 30, 60, 50,
                                            30,  10, 10,  60, 12, 5,  5,  10};

static const char *const apps[] = {"whatsapp", "instagram.android", "google.android.apps.maps",
                                   "snapchat.android", "android.chrome"};
static const char *const edit_suffixes[] = {"-edited",  "-edited",    "-edited",     "-edited",
                                            "-edited",  "-edited",    "-bearbeitet", "-modifié",
                                            "-modifié", "-modificato"};

struct plan {
	char title[NAME_MAX_BYTES], stem[NAME_MAX_BYTES], ext[16];
	char media[NAME_MAX_BYTES], sidecar[NAME_MAX_BYTES];
	char motion[NAME_MAX_BYTES], edit[NAME_MAX_BYTES];
	enum kind kind, motion_kind;
	const char *rule;
	bool uncertain, has_sidecar, counterable, exclusive, no_ext_title;
	int counter;
};

static void split_title(struct plan *p)
{
	const char *dot = strrchr(p->title, '.');
	size_t n = dot ? (size_t)(dot - p->title) : strlen(p->title);
	memcpy(p->stem, p->title, n);
	p->stem[n] = 0;
	copy_str(p->ext, sizeof(p->ext), dot ? dot + 1 : "");
}

static int pick_scheme(struct gen *g)
{
	unsigned r = rnd_below(&g->rng, 1000);
	for (int i = 0; i < NM_COUNT; i++) {
		if (r < (unsigned)scheme_weight[i])
			return i;
		r -= (unsigned)scheme_weight[i];
	}
	return NM_IMG;
}

static int camera_for_scheme(struct gen *g, int scheme)
{
	switch (scheme) {
	case NM_IMG:
		return chance(&g->rng, 500) ? CAM_APPLE : CAM_CANON;
	case NM_DSC:
		return chance(&g->rng, 500) ? CAM_NIKON : CAM_SONY;
	case NM_PXL:
	case NM_PIXEL_MP:
	case NM_MVIMG:
		return CAM_GOOGLE;
	case NM_SAMSUNG:
		return CAM_SAMSUNG;
	case NM_XIAOMI:
		return CAM_XIAOMI;
	case NM_LONG:
		return chance(&g->rng, 500) ? CAM_FUJI : CAM_OLYMPUS;
	case NM_HEIC:
	case NM_LIVE:
		return CAM_APPLE;
	default:
		return CAM_NONE;
	}
}

/* Fills the title (and the kinds) of a plan for a scheme. */
static void plan_title(struct gen *g, struct plan *p, int scheme, const struct meta *m)
{
	struct rng *r = &g->rng;
	time_t lt = (time_t)(m->taken + m->tz_min * 60);
	struct tm t;
	gmtime_r(&lt, &t);
	int Y = t.tm_year + 1900, M = t.tm_mon + 1, D = t.tm_mday;
	unsigned num = 1 + rnd_below(r, 9999), ms = rnd_below(r, 1000);
	char *T = p->title;
	size_t cap = sizeof(p->title);
	p->kind = K_JPEG;
	p->motion[0] = 0;
	p->has_sidecar = true;
	p->counterable = true;
	p->exclusive = false;
	p->no_ext_title = false;
	switch (scheme) {
	case NM_IMG:
		snprintf(T, cap, "IMG_%04u.JPG", num);
		break;
	case NM_DSC:
		snprintf(T, cap, m->camera == CAM_SONY ? "DSC0%04u.JPG" : "DSC_%04u.JPG", num);
		break;
	case NM_PXL:
		snprintf(T, cap, "PXL_%04d%02d%02d_%02d%02d%02d%03u.jpg", Y, M, D, t.tm_hour,
		         t.tm_min, t.tm_sec, ms);
		break;
	case NM_SAMSUNG:
		snprintf(T, cap, "%04d%02d%02d_%02d%02d%02d.jpg", Y, M, D, t.tm_hour, t.tm_min,
		         t.tm_sec);
		break;
	case NM_XIAOMI:
		snprintf(T, cap, "IMG_%04d%02d%02d_%02d%02d%02d.jpg", Y, M, D, t.tm_hour, t.tm_min,
		         t.tm_sec);
		break;
	case NM_SCREEN_PNG:
		snprintf(T, cap, "Screenshot_%04d%02d%02d-%02d%02d%02d.png", Y, M, D, t.tm_hour,
		         t.tm_min, t.tm_sec);
		p->kind = K_PNG;
		break;
	case NM_SCREEN_LONG:
		snprintf(T, cap, "Screenshot_%04d-%02d-%02d-%02d-%02d-%02d-%03u_com.%s.jpg", Y, M,
		         D, t.tm_hour, t.tm_min, t.tm_sec, ms,
		         apps[rnd_below(r, sizeof(apps) / sizeof(apps[0]))]);
		break;
	case NM_WHATSAPP:
		snprintf(T, cap, "IMG-%04d%02d%02d-WA%04u.jpg", Y, M, D, num % 200);
		break;
	case NM_VID:
		snprintf(T, cap, "VID_%04d%02d%02d_%02d%02d%02d.mp4", Y, M, D, t.tm_hour, t.tm_min,
		         t.tm_sec);
		p->kind = K_MP4;
		break;
	case NM_MOV:
		snprintf(T, cap, "IMG_%04u.MOV", num);
		p->kind = K_MOV;
		break;
	case NM_LONG:
		snprintf(T, cap, "%06u_family_reunion_at_the_lake_house_summer_edition.jpg",
		         (unsigned)(rnd(r) % 1000000));
		p->counterable = false;
		p->exclusive = true;
		break;
	case NM_NOEXT:
		snprintf(T, cap, "Scan %05u", (unsigned)(rnd(r) % 100000));
		p->no_ext_title = true;
		p->counterable = false;
		p->exclusive = true;
		break;
	case NM_HEIC:
		snprintf(T, cap, "IMG_%04u.HEIC", num);
		p->kind = K_HEIC_JPEG;
		break;
	case NM_LIVE:
		if (chance(r, 800)) {
			snprintf(T, cap, "IMG_%04u.HEIC", num);
			snprintf(p->motion, sizeof(p->motion), "IMG_%04u.MP4", num);
			p->kind = K_HEIC_JPEG;
			p->motion_kind = K_MP4;
		} else {
			snprintf(T, cap, "IMG_%04u.JPG", num);
			snprintf(p->motion, sizeof(p->motion), "IMG_%04u.MOV", num);
			p->motion_kind = K_MOV;
		}
		p->counterable = false;
		p->exclusive = true;
		break;
	case NM_PIXEL_MP:
		snprintf(T, cap, "PXL_%04d%02d%02d_%02d%02d%02d%03u.MP.jpg", Y, M, D, t.tm_hour,
		         t.tm_min, t.tm_sec, ms);
		snprintf(p->motion, sizeof(p->motion), "PXL_%04d%02d%02d_%02d%02d%02d%03u.MP", Y, M,
		         D, t.tm_hour, t.tm_min, t.tm_sec, ms);
		p->motion_kind = K_MP4;
		p->counterable = false;
		p->exclusive = true;
		break;
	case NM_MVIMG:
		snprintf(T, cap, "MVIMG_%04d%02d%02d_%02d%02d%02d.jpg", Y, M, D, t.tm_hour,
		         t.tm_min, t.tm_sec);
		snprintf(p->motion, sizeof(p->motion),
		         chance(r, 500) ? "MVIMG_%04d%02d%02d_%02d%02d%02d"
		                        : "MVIMG_%04d%02d%02d_%02d%02d%02d.MP4",
		         Y, M, D, t.tm_hour, t.tm_min, t.tm_sec);
		p->motion_kind = K_MP4;
		p->counterable = false;
		p->exclusive = true;
		break;
	case NM_NOSIDECAR:
		snprintf(T, cap, "received_%ld.jpeg", m->id);
		p->has_sidecar = false;
		p->counterable = false;
		p->exclusive = true;
		break;
	case NM_CORPUS: {
		const struct corpus_file *c = &g->corpus[m->corpus];
		const char *pattern = c->fmt == CF_JPEG         ? "DSCN%04u.JPG"
		                      : c->fmt == CF_PNG        ? "IMG_%04u.PNG"
		                      : !strcmp(c->ext, "heic") ? "IMG_%04u.HEIC"
		                      : !strcmp(c->ext, "mov")  ? "MVI_%04u.MOV"
		                                                : "VID_%04u.mp4";
		snprintf(T, cap, pattern, num);
		p->kind = K_CORPUS;
		break;
	}
	default:
		die("internal: scheme %d", scheme);
	}
	split_title(p);
}

/* Names the media and sidecar in folder; false when the names collide in a
 * way whose expected match the spec cannot pin down. */
static bool plan_names(struct gen *g, struct plan *p, const char *folder, enum style st)
{
	if (stem_has(g, folder, p->title, 'S'))
		return false;
	if (p->exclusive && stem_has(g, folder, p->title, 'U'))
		return false;
	const char *ext = p->no_ext_title ? "jpg" : p->ext;
	const char *stem = p->no_ext_title ? p->title : p->stem;
	for (int counter = 0; counter < 50; counter++) {
		bool clipped = false;
		media_name(stem, ext, st != ST_NEW_UNCUT, counter, p->media, sizeof(p->media));
		if (p->has_sidecar)
			clipped =
			    sidecar_name(p->title, st, counter, p->sidecar, sizeof(p->sidecar));
		bool used_m = name_used(g, folder, p->media);
		bool used_s = p->has_sidecar && name_used(g, folder, p->sidecar);
		if (!used_m && !used_s) {
			p->counter = counter;
			if (!p->has_sidecar)
				p->rule = NULL;
			else if (p->no_ext_title)
				p->rule = "no-extension";
			else
				p->rule = rule_for(p->title, st, clipped, counter, &p->uncertain);
			if (p->motion[0] && name_used(g, folder, p->motion))
				return false;
			return true;
		}
		if (used_m != used_s || !p->counterable)
			return false;
	}
	return false;
}

static bool plan_edit(struct gen *g, struct plan *p, const char *folder)
{
	const char *suffix =
	    edit_suffixes[rnd_below(&g->rng, sizeof(edit_suffixes) / sizeof(edit_suffixes[0]))];
	const char *stem = p->no_ext_title ? p->title : p->stem;
	char full[256];
	if (strlen(stem) + strlen(suffix) >= sizeof(full))
		return false;
	size_t ls = strlen(stem), lx = strlen(suffix);
	memcpy(full, stem, ls);
	memcpy(full + ls, suffix, lx + 1);
	if (u16_len(full) > 47)
		return false;
	snprintf(p->edit, sizeof(p->edit), "%s.%s", full, p->no_ext_title ? "jpg" : p->ext);
	return !name_used(g, folder, p->edit);
}

static void bulk_item(struct gen *g)
{
	struct rng *r = &g->rng;
	int year = 2005 + (int)rnd_below(r, 20);
	unsigned place = rnd_below(r, 1000);
	int home = -1, scheme = pick_scheme(g);
	char folder[NAME_MAX_BYTES];
	const char *set_flags = NULL;
	/* The first bulk items show each corpus file once (small demo trees too). */
	int forced = g->corpus_shown < g->corpus_reserved ? g->corpus_shown++ : -1;
	bool corpus = g->n_corpus && (chance(r, 125) || forced >= 0);
	if (corpus)
		scheme = NM_CORPUS;
	if (place < 6)
		copy_str(folder, sizeof(folder), "Trash");
	else if (place < 10)
		copy_str(folder, sizeof(folder), "Bin");
	else if (place < 20)
		copy_str(folder, sizeof(folder), "Archive"), set_flags = "archived";
	else if (place < 40)
		home = (int)rnd_below(r, N_BULK_ALBUMS),
		copy_str(folder, sizeof(folder), albums[home].folder);
	else if (scheme == NM_VID && chance(r, 60))
		copy_str(folder, sizeof(folder), "Failed Videos"), set_flags = "failed-video";
	else
		year_folder(year, folder, sizeof(folder));

	struct meta m;
	random_meta(g, &m, year, camera_for_scheme(g, scheme));
	if (corpus)
		m.corpus = forced >= 0 ? forced : (int)rnd_below(r, (unsigned)g->n_corpus);
	m.trashed = place < 10;
	m.archived = place >= 10 && place < 20;
	unsigned sr = rnd_below(r, 1000);
	enum style st = sr < 450 ? ST_LEGACY : sr < 900 ? ST_NEW : ST_NEW_UNCUT;

	struct plan p;
	bool ok = false;
	for (int attempt = 0; attempt < 40 && !ok; attempt++) {
		plan_title(g, &p, scheme, &m);
		if (set_flags && !strcmp(set_flags, "failed-video"))
			p.has_sidecar = false;
		ok = plan_names(g, &p, folder, st);
	}
	if (!ok) {
		/* Practically unreachable: fall back to a name nobody else uses. */
		snprintf(p.title, sizeof(p.title), "gen_%ld.jpg", m.id);
		split_title(&p);
		p.kind = K_JPEG, p.motion[0] = 0, p.has_sidecar = true, p.no_ext_title = false;
		p.counterable = false, p.exclusive = true;
		m.corpus = -1;
		if (!plan_names(g, &p, folder, st))
			die("internal: cannot name item %ld", m.id);
	}
	copy_str(m.title, sizeof(m.title), p.title);
	set_begin(g, folder, &m);
	struct iset *s = &g->cur;
	s->flags = set_flags;
	s->home_album = home;
	if (p.has_sidecar)
		set_sidecar(g, p.sidecar);
	set_file(g, p.media, p.rule, p.kind, p.uncertain ? "rule-uncertain" : NULL);
	stem_mark(g, folder, p.media, p.exclusive ? 'S' : 'U');
	if (p.motion[0]) {
		set_file(g, p.motion, "live-photo", p.motion_kind, "motion");
		stem_mark(g, folder, p.motion, 'S');
	}
	bool stillish = p.kind == K_JPEG || p.kind == K_HEIC_JPEG ||
	                (p.kind == K_CORPUS && g->corpus[m.corpus].fmt == CF_JPEG);
	if (p.has_sidecar && p.counter == 0 && stillish && !p.motion[0] && chance(r, 30) &&
	    plan_edit(g, &p, folder))
		set_file(g, p.edit, "edited", p.kind == K_HEIC_JPEG ? K_HEIC_JPEG : K_JPEG,
		         "edited");
	bool in_year = home < 0 && !set_flags && !m.trashed;
	if (in_year && p.counter == 0 && chance(r, 180)) {
		int n_al = chance(r, 100) ? 2 : 1;
		for (int i = 0; i < n_al; i++) {
			int a = (int)rnd_below(r, N_BULK_ALBUMS);
			if (!(s->albums & (1u << a)) && album_fits(g, a))
				album_take(g, a);
		}
		/* Now and then the album lacks the sidecar copy (§9.3). */
		if (s->albums && p.has_sidecar && chance(r, 20))
			s->no_sc_copy_in = __builtin_ctz(s->albums);
	}
	/* Drawn even without parts so that --parts changes only the layout. */
	bool dup = chance(r, 3);
	s->part_dup = g->parts > 1 && dup;
	set_flush(g);
}

/* ---------- album metadata, root files, junk ---------- */

static void write_album_metadata(struct gen *g)
{
	char logical[2048];
	for (int a = 0; a < N_ALBUMS; a++) {
		if (!(g->albums_used & (1u << a)))
			continue;
		album_json(&g->json, &albums[a], year_start(2010 + a % 14) + 86400LL * (a + 1));
		snprintf(logical, sizeof(logical), "%s/%s", albums[a].folder, albums[a].meta_name);
		emit(g, logical, g->json.p, g->json.len, 0, NULL, 0);
	}
}

static void junk(struct gen *g, const char *logical, const void *data, size_t len)
{
	char rel[8192];
	emit(g, logical, data, len, 0, rel, sizeof(rel));
	buf_printf(&g->notes, "#junk\t%s\n", rel);
}

static void write_root_files(struct gen *g)
{
	static const char prints[] =
	    "[{\n  \"externalOrderId\": \"1234-5678\",\n  \"type\": \"PRINT_ORDER\",\n  "
	    "\"quantity\": \"1\",\n  \"numPages\": \"20\",\n  \"creationTime\": {\n    "
	    "\"formatted\": \"May 2, 2021, 8:11:03 PM UTC\"\n  },\n  \"client\": \"WEB\",\n  "
	    "\"category\": \"SHIPPED_PRINTS\"\n}]";
	static const char comments[] =
	    "[{\n  \"text\": \"Nice!\",\n  \"creationTime\": {\n    "
	    "\"timestamp\": \"1561000000\",\n    \"formatted\": \"Jun 20, "
	    "2019, 3:06:40 AM UTC\"\n  },\n  \"contentOwnerName\": "
	    "\"Susan\"\n}]";
	static const char memories[] = "{\n  \"title\": [\"Été 2019\", \"Summer trip\"]\n}";
	static const char html[] =
	    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
	    "Archive browser</title></head><body>Google Takeout</body></html>\n";
	/* AppleDouble: binary, invalid UTF-8, named like a sidecar (gpth #143). */
	static const unsigned char appledouble[] = {
	    0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00, 'M',  'a',  'c',  ' ',  'O',
	    'S',  ' ',  'X',  ' ',  ' ',  ' ',  ' ',  ' ',  ' ',  ' ',  ' ',  0x00, 0x02,
	    0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x32, 0x00, 0x00, 0x00, 0x20, 0xff,
	    0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	static const unsigned char ds_store[] = {0x00, 0x00, 0x00, 0x01, 'B',  'u',  'd',  '1',
	                                         0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x08, 0x00,
	                                         0x00, 0x00, 0x10, 0x0c, 0xff, 0xfe, 0x00, 0x00};
	char rel[8192];
	emit(g, "print-subscriptions.json", prints, sizeof(prints) - 1, 0, rel, sizeof(rel));
	buf_printf(&g->notes, "#junk\t%s\n", rel);
	emit(g, "shared_album_comments.json", comments, sizeof(comments) - 1, 0, rel, sizeof(rel));
	buf_printf(&g->notes, "#junk\t%s\n", rel);
	emit(g, "user-generated-memory-titles.json", memories, sizeof(memories) - 1, 0, rel,
	     sizeof(rel));
	buf_printf(&g->notes, "#junk\t%s\n", rel);
	if (!g->flat) {
		for (int part = g->parts ? 1 : 0; part <= g->parts; part++) {
			char path[256], takeout[64];
			takeout_folder(g, part, takeout, sizeof takeout);
			snprintf(path, sizeof(path), "%s/archive_browser.html", takeout);
			write_rel(g, path, html, sizeof(html) - 1);
			buf_printf(&g->notes, "#junk\t%s\n", path);
		}
	}
	char logical[2048];
	snprintf(logical, sizeof(logical), "%s/._IMG_3479.JPG.json", yf(g, 2018));
	junk(g, logical, appledouble, sizeof(appledouble));
	snprintf(logical, sizeof(logical), "%s/._IMG_3479.JPG", yf(g, 2018));
	junk(g, logical, appledouble, sizeof(appledouble));
	junk(g, ".DS_Store", ds_store, sizeof(ds_store));
	snprintf(logical, sizeof(logical), "%s/.DS_Store", yf(g, 2019));
	junk(g, logical, ds_store, sizeof(ds_store));
	/* A NAS thumbnail: a real JPEG, but junk. */
	struct meta m;
	struct buf thumb = {0};
	random_meta(g, &m, 2018, CAM_NONE);
	make_jpeg(&thumb, &m, "synology thumbnail");
	snprintf(logical, sizeof(logical), "%s/@eaDir/IMG_3479.JPG/SYNOFILE_THUMB_M.jpg",
	         yf(g, 2018));
	junk(g, logical, thumb.p, thumb.len);
	free(thumb.p);
}

/* ---------- main ---------- */

static void usage(FILE *f)
{
	fputs("usage: gen-takeout --out DIR [--items N] [--seed S] [--corpus DIR] [--parts K "
	      "[--part-names numbered|spaced|joined]] "
	      "[--flat]\n"
	      "Writes a synthetic extracted Google Photos Takeout under DIR and its manifest\n"
	      "DIR/expected.tsv (columns documented in tests/gen/gen_takeout.c).\n",
	      f);
}

static long parse_long(const char *s, const char *what, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die("bad %s: %s", what, s);
	return v;
}

static void prepare_out_dir(struct gen *g)
{
	if (mkdir(g->out, 0755) != 0 && errno != EEXIST)
		die("mkdir %s: %s", g->out, strerror(errno));
	DIR *d = opendir(g->out);
	if (!d)
		die("open %s: %s", g->out, strerror(errno));
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			closedir(d);
			die("%s is not empty", g->out);
		}
	}
	closedir(d);
	sset_add(&g->dirs, g->out);
}

int main(int argc, char **argv)
{
	static struct gen gs;
	struct gen *g = &gs;
	const char *corpus = NULL;
	g->items_target = 200;
	g->seed = 1;
	static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
	                                     {"items", required_argument, NULL, 'n'},
	                                     {"seed", required_argument, NULL, 's'},
	                                     {"corpus", required_argument, NULL, 'c'},
	                                     {"parts", required_argument, NULL, 'p'},
	                                     {"flat", no_argument, NULL, 'f'},
	                                     {"part-names", required_argument, NULL, 'P'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "o:n:s:c:p:P:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			g->out = optarg;
			break;
		case 'n':
			g->items_target = parse_long(optarg, "--items", 0, 10000000);
			break;
		case 's':
			g->seed = (uint64_t)parse_long(optarg, "--seed", 0, 0x7fffffffL);
			break;
		case 'c':
			corpus = optarg;
			break;
		case 'p':
			g->parts = (int)parse_long(optarg, "--parts", 1, 999);
			break;
		case 'P':
			if (strcmp(optarg, "numbered") == 0)
				g->part_names = PARTS_NUMBERED;
			else if (strcmp(optarg, "spaced") == 0)
				g->part_names = PARTS_SPACED;
			else if (strcmp(optarg, "joined") == 0)
				g->part_names = PARTS_JOINED;
			else
				die("--part-names: numbered, spaced or joined");
			break;
		case 'f':
			g->flat = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!g->out || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (g->flat && g->parts)
		die("--flat and --parts exclude each other");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	g->rng.s = g->seed * 0x2545f4914f6cdd1dULL + 17;
	if (corpus)
		g->n_corpus = load_corpus(corpus, g->corpus, MAX_CORPUS);
	prepare_out_dir(g);

	buf_str(&g->manifest,
	        "#path\tsidecar\trule\ttaken\tfavorited\ttrashed\talbums\tgroup\tflags\n");
	buf_printf(&g->manifest,
	           "# gen-takeout manifest v1: seed=%llu items=%ld parts=%d flat=%d corpus=%d "
	           "(columns: see tests/gen/gen_takeout.c)\n",
	           (unsigned long long)g->seed, g->items_target, g->parts, g->flat ? 1 : 0,
	           g->n_corpus);
	/* With a corpus, keep room for one item per corpus file (at most a fifth
	 * of the items) ahead of the catalogue, which would otherwise take all of
	 * a small tree. */
	long full = g->items_target;
	g->corpus_reserved = (int)(g->n_corpus < full / 5 ? g->n_corpus : full / 5);
	g->items_target = full - g->corpus_reserved;
	buf_str(&g->people, "#path\tperson\n");
	buf_str(&g->media, "#path\tmime\twidth\theight\tmake\tmodel\tdatetime_original\t"
	                   "offset_time_original\tcamera_offset_min\tgps\torientation\t"
	                   "container_time\torigin\n");
	catalogue(g);
	g->items_target = full;
	while (g->items_made < g->items_target)
		bulk_item(g);
	write_album_metadata(g);
	write_root_files(g);
	buf_add(&g->manifest, g->notes.p ? g->notes.p : "", g->notes.len);
	write_rel(g, "expected.tsv", g->manifest.p, g->manifest.len);
	write_rel(g, "expected-media.tsv", g->media.p, g->media.len);
	write_rel(g, "expected-people.tsv", g->people.p, g->people.len);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("gen-takeout: %ld items, %ld files (manifests included), %.2f s\n", g->items_made,
	       g->files, secs);

	for (int i = 0; i < g->n_corpus; i++)
		free(g->corpus[i].data);
	free(g->manifest.p), free(g->media.p), free(g->people.p), free(g->notes.p), free(g->json.p),
	    free(g->cur.bytes.p);
	sset_free(&g->dirs);
	sset_free(&g->names);
	return 0;
}
