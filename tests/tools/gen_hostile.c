/* gen_hostile: writes a hostile extracted Takeout, the input a robust indexer
 * and mount must survive: damaged images of every format (empty, truncated,
 * bit-flipped, mislabelled), crafted container and EXIF traps (IFD loops,
 * absurd box sizes, deep nesting), broken, huge and mistyped JSON, absurd
 * timestamps, hostile album titles and camera names, hostile file names,
 * FIFOs, sockets, symbolic links of every kind, a 60-level folder and
 * unreadable entries.
 *
 * Usage: gen_hostile --out DIR --data DIR [--data DIR ...] [--seed S] [--flips N]
 *
 * DIR/src is SOURCE. DIR/cases.tsv lists every case, one a line:
 *   expect <TAB> hex(path relative to SOURCE) <TAB> label
 * where expect is
 *   walk-problem     a row in problems whose path is this path
 *   file-problem     a files row for this path with a problem
 *   sidecar-problem  a sidecars row for this path with a problem
 *   file             a files row for this path (damage may or may not be noticed)
 *   sidecar          a sidecars row for this path
 *   unreadable-file  file-problem, when the indexer cannot bypass permissions
 *   unreadable-dir   walk-problem, same condition
 * The generator is deterministic for a given seed and input files. */
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
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_DATA_DIRS 8

static const char *out_root;
static char src_root[4096];
static FILE *cases;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static int n_cases;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen_hostile: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* ---- paths and cases ---- */

static void full_path(char *out, size_t cap, const char *rel)
{
	if ((size_t)snprintf(out, cap, "%s/%s", src_root, rel) >= cap)
		die("path too long: %s", rel);
}

static void add_case(const char *expect, const char *rel, size_t rel_len, const char *label)
{
	fprintf(cases, "%s\t", expect);
	for (size_t i = 0; i < rel_len; i++)
		fprintf(cases, "%02X", (unsigned char)rel[i]);
	fprintf(cases, "\t%s\n", label);
	n_cases++;
}

static void add_case_str(const char *expect, const char *rel, const char *label)
{
	add_case(expect, rel, strlen(rel), label);
}

static void make_dirs(const char *rel)
{
	char path[8192];
	full_path(path, sizeof path, rel);
	for (char *p = path + strlen(src_root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			die("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die("mkdir %s: %s", path, strerror(errno));
}

static void write_bytes(const char *rel, const void *data, size_t len)
{
	char path[8192];
	full_path(path, sizeof path, rel);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("create %s: %s", path, strerror(errno));
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n <= 0)
			die("write %s: %s", path, strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	close(fd);
}

static void write_text(const char *rel, const char *text)
{
	write_bytes(rel, text, strlen(text));
}

static void set_mtime(const char *rel, int64_t sec)
{
	char path[8192];
	full_path(path, sizeof path, rel);
	struct timespec ts[2] = {{(time_t)sec, 0}, {(time_t)sec, 0}};
	utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW); /* the fs may refuse: fine */
}

/* ---- buffers ---- */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void buf_put(struct buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + len)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			die("out of memory");
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void buf_str(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static void buf_u8(struct buf *b, unsigned v)
{
	uint8_t c = (uint8_t)v;
	buf_put(b, &c, 1);
}

static void buf_be16(struct buf *b, unsigned v)
{
	buf_u8(b, v >> 8);
	buf_u8(b, v);
}

static void buf_be32(struct buf *b, uint32_t v)
{
	buf_be16(b, v >> 16);
	buf_be16(b, v & 0xffff);
}

static void buf_le16(struct buf *b, unsigned v)
{
	buf_u8(b, v);
	buf_u8(b, v >> 8);
}

static void buf_le32(struct buf *b, uint32_t v)
{
	buf_le16(b, v & 0xffff);
	buf_le16(b, v >> 16);
}

static struct buf read_whole(const char *path)
{
	struct buf b = {0};
	FILE *f = fopen(path, "rb");
	if (!f)
		die("open %s: %s", path, strerror(errno));
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_put(&b, tmp, n);
	fclose(f);
	return b;
}

/* ---- sample files, one per format ---- */

static const char *const FORMATS[] = {"jpg", "png", "heic", "tif", "dng", "mov", "mp4"};
#define N_FORMATS (sizeof FORMATS / sizeof FORMATS[0])

struct sample {
	char path[4096];
	off_t size;
};

static bool has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n > e + 1 && name[n - e - 1] == '.' && strcasecmp(name + n - e, ext) == 0;
}

/* The smallest file of each format over all data folders (ties: first name),
 * so that the whole suite stays fast. */
static void pick_samples(char **dirs, int n_dirs, struct sample *out)
{
	for (size_t f = 0; f < N_FORMATS; f++)
		out[f].path[0] = '\0';
	for (int d = 0; d < n_dirs; d++) {
		DIR *dir = opendir(dirs[d]);
		if (!dir)
			die("data folder %s: %s", dirs[d], strerror(errno));
		struct dirent *e;
		while ((e = readdir(dir))) {
			for (size_t f = 0; f < N_FORMATS; f++) {
				if (!has_ext(e->d_name, FORMATS[f]))
					continue;
				char path[4096];
				snprintf(path, sizeof path, "%s/%s", dirs[d], e->d_name);
				struct stat st;
				if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 64)
					continue;
				if (!out[f].path[0] || st.st_size < out[f].size ||
				    (st.st_size == out[f].size && strcmp(path, out[f].path) < 0)) {
					snprintf(out[f].path, sizeof out[f].path, "%s", path);
					out[f].size = st.st_size;
				}
			}
		}
		closedir(dir);
	}
}

/* ---- damaged copies of real files ---- */

static const char DAMAGE_DIR[] = "Takeout/Google Photos/Photos from 2020";

static void damaged(const char *fmt, const char *what, const struct buf *b, size_t len,
                    bool with_sidecar)
{
	char rel[512], side[600];
	snprintf(rel, sizeof rel, "%s/%s_%s.%s", DAMAGE_DIR, fmt, what, fmt);
	write_bytes(rel, b->p, len);
	add_case_str(len == 0 ? "file" : "file", rel, what);
	if (with_sidecar) {
		snprintf(side, sizeof side, "%s.json", rel);
		char json[256];
		snprintf(json, sizeof json,
		         "{\"title\": \"%s_%s.%s\", \"photoTakenTime\": {\"timestamp\": "
		         "\"1600000000\"}}",
		         fmt, what, fmt);
		write_text(side, json);
	}
}

static void damage_format(const char *fmt, const struct sample *s, int flips)
{
	struct buf orig = read_whole(s->path);
	struct buf work = {0};
	buf_put(&work, orig.p, orig.len);
	char what[64];

	damaged(fmt, "empty", &orig, 0, true);
	static const size_t cuts[] = {1, 2, 3, 4, 8, 12, 16, 32, 100, 512};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		if (cuts[i] >= orig.len)
			continue;
		snprintf(what, sizeof what, "trunc%zu", cuts[i]);
		damaged(fmt, what, &orig, cuts[i], i % 2 == 0);
	}
	const size_t fractions[] = {orig.len / 4, orig.len / 2, orig.len * 3 / 4, orig.len - 1};
	for (size_t i = 0; i < 4; i++) {
		snprintf(what, sizeof what, "truncfrac%zu", i);
		damaged(fmt, what, &orig, fractions[i], true);
	}
	/* Bit flips: few in the header (where parsers decide lengths), then many anywhere. */
	for (int k = 0; k < flips; k++) {
		memcpy(work.p, orig.p, orig.len);
		int n_flips = 1 << (k % 7);
		size_t span = k % 2 == 0 && orig.len > 4096 ? 4096 : orig.len;
		for (int j = 0; j < n_flips; j++) {
			size_t at = rnd() % span;
			work.p[at] ^= (uint8_t)(1u << (rnd() % 8));
		}
		snprintf(what, sizeof what, "flip%d", k);
		damaged(fmt, what, &work, orig.len, k % 3 == 0);
	}
	/* Runs of 0x00 and 0xFF over the first structures. */
	for (int v = 0; v < 2; v++) {
		memcpy(work.p, orig.p, orig.len);
		size_t at = orig.len > 64 ? 4 + rnd() % 32 : 0;
		size_t run = orig.len - at < 24 ? orig.len - at : 24;
		memset(work.p + at, v ? 0xff : 0x00, run);
		snprintf(what, sizeof what, "smash%s", v ? "ff" : "00");
		damaged(fmt, what, &work, orig.len, false);
	}
	/* The original with garbage appended, and with its head doubled. */
	memcpy(work.p, orig.p, orig.len);
	for (int i = 0; i < 300; i++)
		buf_u8(&work, (unsigned)rnd());
	damaged(fmt, "garbagetail", &work, work.len, false);
	work.len = orig.len;
	struct buf twice = {0};
	buf_put(&twice, orig.p, orig.len / 2);
	buf_put(&twice, orig.p, orig.len);
	damaged(fmt, "headtwice", &twice, twice.len, false);
	free(twice.p);
	free(work.p);

	/* Cross-labelled: this format's bytes under every other extension. */
	for (size_t f = 0; f < N_FORMATS; f++) {
		if (strcmp(FORMATS[f], fmt) == 0)
			continue;
		char rel[512];
		snprintf(rel, sizeof rel, "%s/as_%s_holding_%s.%s", DAMAGE_DIR, FORMATS[f], fmt,
		         FORMATS[f]);
		write_bytes(rel, orig.p, orig.len);
		add_case_str("file", rel, "mislabelled");
	}
	free(orig.p);
}

/* ---- crafted traps ---- */

static const char TRAP_DIR[] = "Takeout/Google Photos/Photos from 2019";

/* A little-endian TIFF whose IFD0 holds the given ASCII tags and, when
 * loop is set, an Exif pointer and next-IFD offset that point back at IFD0. */
static void tiff_with_tags(struct buf *b, const char *make, const char *model, const char *dto,
                           bool loop)
{
	size_t base = b->len;
	buf_str(b, "II");
	buf_le16(b, 42);
	buf_le32(b, 8);
	struct {
		unsigned tag;
		const char *s;
	} tags[] = {{0x010f, make}, {0x0110, model}, {0x9003, dto}};
	int n = 0;
	for (int i = 0; i < 3; i++)
		n += tags[i].s != NULL;
	n += loop ? 1 : 0;
	uint32_t data_off = 8 + 2 + 12 * (uint32_t)n + 4;
	buf_le16(b, (unsigned)n);
	uint32_t off = data_off;
	for (int i = 0; i < 3; i++) {
		if (!tags[i].s)
			continue;
		uint32_t len = (uint32_t)strlen(tags[i].s) + 1;
		buf_le16(b, tags[i].tag);
		buf_le16(b, 2);
		buf_le32(b, len);
		if (len <= 4) {
			uint8_t v[4] = {0};
			memcpy(v, tags[i].s, len);
			buf_put(b, v, 4);
		} else {
			buf_le32(b, off);
			off += len;
		}
	}
	if (loop) {
		buf_le16(b, 0x8769);
		buf_le16(b, 4);
		buf_le32(b, 1);
		buf_le32(b, 8);
	}
	buf_le32(b, loop ? 8 : 0);
	for (int i = 0; i < 3; i++)
		if (tags[i].s && strlen(tags[i].s) + 1 > 4)
			buf_put(b, tags[i].s, strlen(tags[i].s) + 1);
	(void)base;
}

static void jpeg_with_exif(struct buf *b, const char *make, const char *model, const char *dto,
                           bool loop)
{
	struct buf tiff = {0};
	tiff_with_tags(&tiff, make, model, dto, loop);
	buf_be16(b, 0xffd8);
	buf_be16(b, 0xffe1);
	buf_be16(b, (unsigned)(2 + 6 + tiff.len));
	buf_put(b, "Exif\0\0", 6);
	buf_put(b, tiff.p, tiff.len);
	/* A tiny baseline frame header so sniffers see a real JPEG. */
	static const uint8_t sof[] = {0xff, 0xc0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0};
	buf_put(b, sof, sizeof sof);
	buf_be16(b, 0xffd9);
	free(tiff.p);
}

static void write_buf_case(const char *dir, const char *name, struct buf *b, const char *expect,
                           const char *label)
{
	char rel[1024];
	snprintf(rel, sizeof rel, "%s/%s", dir, name);
	write_bytes(rel, b->p, b->len);
	add_case_str(expect, rel, label);
	b->len = 0;
}

static void box(struct buf *b, uint32_t size, const char *type)
{
	buf_be32(b, size);
	buf_put(b, type, 4);
}

static void crafted_traps(void)
{
	make_dirs(TRAP_DIR);
	struct buf b = {0};

	/* EXIF: IFD loops, absurd dates, hostile camera names. */
	jpeg_with_exif(&b, "Canon", "Loop", "2019:01:01 10:00:00", true);
	write_buf_case(TRAP_DIR, "exif_ifd_loop.jpg", &b, "file", "IFD loop");
	tiff_with_tags(&b, "Canon", "Loop", "2019:01:01 10:00:00", true);
	write_buf_case(TRAP_DIR, "tiff_ifd_loop.tif", &b, "file", "IFD loop");
	static const char *const dates[] = {"0000:00:00 00:00:00",
	                                    "9999:12:31 23:59:60",
	                                    "2019:13:45 25:61:61",
	                                    "1800:01:01 00:00:00",
	                                    "    :  :     :  :  ",
	                                    "2019:02:29 10:00:00",
	                                    "garbage",
	                                    "",
	                                    "2019:01:01 10:00:00+99:99"};
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		char name[64];
		snprintf(name, sizeof name, "absurd_exif_date_%zu.jpg", i);
		jpeg_with_exif(&b, "NIKON CORPORATION", "NIKON D70", dates[i], false);
		write_buf_case(TRAP_DIR, name, &b, "file", "absurd EXIF date");
	}
	static const char *const cameras[][2] = {
	    {"..", ".."},
	    {"/", "/"},
	    {"../../etc", "passwd"},
	    {".", ""},
	    {"", "."},
	    {"Make\nNew", "Line\nModel"},
	    {"\xff\xfe", "\xc3\x28"},
	    {"-rf", "--help"},
	    {"a/b", "../c"},
	};
	for (size_t i = 0; i < sizeof cameras / sizeof cameras[0]; i++) {
		char name[64];
		snprintf(name, sizeof name, "hostile_camera_%zu.jpg", i);
		jpeg_with_exif(&b, cameras[i][0], cameras[i][1], "2019:05:05 12:00:00", false);
		write_buf_case(TRAP_DIR, name, &b, "file", "hostile camera name");
	}
	char longmodel[400];
	memset(longmodel, 'M', sizeof longmodel - 1);
	longmodel[sizeof longmodel - 1] = '\0';
	jpeg_with_exif(&b, longmodel, longmodel, "2019:05:05 12:00:00", false);
	write_buf_case(TRAP_DIR, "hostile_camera_long.jpg", &b, "file", "400-byte camera name");

	/* JPEG: a segment length running past the end, and a zero length. */
	buf_be16(&b, 0xffd8);
	buf_be16(&b, 0xffe1);
	buf_be16(&b, 0xffff);
	buf_str(&b, "Exif\0\0II*\0");
	write_buf_case(TRAP_DIR, "jpeg_segment_past_end.jpg", &b, "file", "segment past end");
	buf_be16(&b, 0xffd8);
	for (int i = 0; i < 5000; i++) {
		buf_be16(&b, 0xffe1);
		buf_be16(&b, 2);
	}
	write_buf_case(TRAP_DIR, "jpeg_5000_empty_segments.jpg", &b, "file", "empty segments");
	buf_be16(&b, 0xffd8);
	buf_be16(&b, 0xffe1);
	buf_be16(&b, 0);
	write_buf_case(TRAP_DIR, "jpeg_zero_length.jpg", &b, "file", "zero segment length");

	/* PNG: a chunk claiming 4 GiB, and an eXIf chunk holding an IFD loop. */
	static const uint8_t png_sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	buf_put(&b, png_sig, 8);
	box(&b, 13, "IHDR");
	buf_be32(&b, 1);
	buf_be32(&b, 1);
	buf_put(&b, "\x08\x02\x00\x00\x00", 5);
	buf_be32(&b, 0);
	box(&b, 0xfffffff0u, "eXIf");
	buf_str(&b, "II*\0");
	write_buf_case(TRAP_DIR, "png_huge_chunk.png", &b, "file", "huge PNG chunk");
	buf_put(&b, png_sig, 8);
	struct buf t = {0};
	tiff_with_tags(&t, "Canon", "Loop", "2019:01:01 10:00:00", true);
	box(&b, (uint32_t)t.len, "eXIf");
	buf_put(&b, t.p, t.len);
	buf_be32(&b, 0);
	free(t.p);
	write_buf_case(TRAP_DIR, "png_exif_loop.png", &b, "file", "PNG eXIf IFD loop");

	/* ISO BMFF: sizes 0, 1 (64-bit) with a tiny or huge largesize, smaller
	 * than the header, and a 20,000-deep chain of container boxes. */
	box(&b, 20, "ftyp");
	buf_str(&b, "qt  ");
	buf_be32(&b, 0);
	buf_str(&b, "qt  ");
	box(&b, 1, "moov");
	buf_be32(&b, 0xffffffffu);
	buf_be32(&b, 0xffffff00u);
	write_buf_case(TRAP_DIR, "bmff_huge_largesize.mov", &b, "file", "huge largesize");
	box(&b, 20, "ftyp");
	buf_str(&b, "isom");
	buf_be32(&b, 0);
	buf_str(&b, "isom");
	box(&b, 1, "moov");
	buf_be32(&b, 0);
	buf_be32(&b, 4);
	write_buf_case(TRAP_DIR, "bmff_tiny_largesize.mp4", &b, "file", "largesize < header");
	box(&b, 20, "ftyp");
	buf_str(&b, "isom");
	buf_be32(&b, 0);
	buf_str(&b, "isom");
	box(&b, 3, "moov");
	box(&b, 0, "mdat");
	write_buf_case(TRAP_DIR, "bmff_size3.mp4", &b, "file", "box size 3");
	box(&b, 24, "ftyp");
	buf_str(&b, "heic");
	buf_be32(&b, 0);
	buf_str(&b, "mif1heic");
	const int depth = 20000;
	for (int i = 0; i < depth; i++)
		box(&b, (uint32_t)(8 * (depth - i)),
		    i % 3 == 0   ? "moov"
		    : i % 3 == 1 ? "trak"
		                 : "meta");
	write_buf_case(TRAP_DIR, "bmff_deep.heic", &b, "file", "20000-deep boxes");
	box(&b, 24, "ftyp");
	buf_str(&b, "heic");
	buf_be32(&b, 0);
	buf_str(&b, "mif1heic");
	box(&b, 8 + 4 + 8 + 8, "meta");
	buf_be32(&b, 0);
	box(&b, 8 + 8, "iloc");
	buf_be32(&b, 0x01000000);
	buf_be16(&b, 0x4440);
	buf_be16(&b, 0xffff); /* 65535 items in 4 bytes */
	write_buf_case(TRAP_DIR, "heif_iloc_lies.heic", &b, "file", "iloc count past end");
	box(&b, 24, "ftyp");
	buf_str(&b, "qt  ");
	buf_be32(&b, 0);
	buf_str(&b, "qt  ");
	box(&b, 8 + 8 + 100, "moov");
	box(&b, 8 + 100, "mvhd");
	buf_be32(&b, 0x01000000); /* version 1, 64-bit times */
	for (int i = 0; i < 24; i++)
		buf_u8(&b, 0xff);
	write_buf_case(TRAP_DIR, "mvhd_absurd_time.mov", &b, "file", "mvhd time 2^64-1");

	/* Mislabelled and random content. */
	for (int i = 0; i < 6; i++) {
		size_t n = (size_t)1 << (i * 4); /* 1 B .. 1 MiB */
		for (size_t k = 0; k < n; k++)
			buf_u8(&b, (unsigned)rnd());
		char name[64];
		snprintf(name, sizeof name, "random_%zu.jpg", n);
		write_buf_case(TRAP_DIR, name, &b, "file", "random bytes");
	}
	buf_str(&b, "{\"title\": \"not an image\"}");
	write_buf_case(TRAP_DIR, "json_inside.png", &b, "file", "JSON named .png");
	free(b.p);

	/* A sparse 300 MiB video: only head and tail are real. */
	char rel[512], path[8192];
	snprintf(rel, sizeof rel, "%s/sparse_300MiB.mp4", TRAP_DIR);
	full_path(path, sizeof path, rel);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 300ll << 20) != 0)
		die("sparse file %s: %s", path, strerror(errno));
	close(fd);
	add_case_str("file", rel, "sparse 300 MiB");
}

/* ---- JSON ---- */

static const char JSON_DIR[] = "Takeout/Google Photos/Photos from 2022";
static struct buf tiny_jpeg;

static void media_with_sidecar(const char *stem, const void *json, size_t json_len,
                               const char *expect_sidecar)
{
	char rel[512], side[600];
	snprintf(rel, sizeof rel, "%s/%s.jpg", JSON_DIR, stem);
	/* Distinct bytes per item so no two merge as duplicates. */
	struct buf b = {0};
	buf_put(&b, tiny_jpeg.p, tiny_jpeg.len);
	buf_str(&b, stem);
	write_bytes(rel, b.p, b.len);
	free(b.p);
	add_case_str("file", rel, "media of a hostile sidecar");
	snprintf(side, sizeof side, "%s.json", rel);
	write_bytes(side, json, json_len);
	add_case_str(expect_sidecar, side, stem);
}

static void json_case(const char *stem, const char *json, const char *expect)
{
	media_with_sidecar(stem, json, strlen(json), expect);
}

static void hostile_json(void)
{
	make_dirs(JSON_DIR);
	json_case("invalid_1", "{\"title\": ", "sidecar-problem");
	json_case("invalid_2", "{\"title\": \"x\",}", "sidecar-problem");
	json_case("invalid_3", "not json at all", "sidecar-problem");
	json_case("invalid_4", "{\"title\": \"\xff\xfe\"}", "sidecar-problem");
	json_case("invalid_5", "\xef\xbb\xbf", "sidecar-problem");
	media_with_sidecar("invalid_6", "{\"title\": \"a\0b\"}", 16, "sidecar-problem");
	json_case("empty_file", "", "sidecar-problem");
	json_case("truncated", "{\"title\": \"truncated.jpg\", \"photoTakenTime\": {\"timest",
	          "sidecar-problem");
	/* Valid JSON of the wrong shape or types: absent values, not problems. */
	static const char *const wrong[] = {
	    "[]",
	    "\"a string\"",
	    "42",
	    "null",
	    "{}",
	    "{\"title\": 123, \"photoTakenTime\": \"x\"}",
	    "{\"title\": null, \"photoTakenTime\": {\"timestamp\": {}}}",
	    "{\"title\": [], \"photoTakenTime\": {\"timestamp\": [1,2]}, \"geoData\": \"x\"}",
	    "{\"title\": {}, \"photoTakenTime\": 1600000000, \"people\": {}}",
	    "{\"title\": \"w.jpg\", \"people\": [1, null, {\"name\": 5}, {\"name\": \"ok\"}]}",
	    "{\"title\": \"w.jpg\", \"geoData\": {\"latitude\": \"NaN\", \"longitude\": 1e999}}",
	    "{\"title\": \"w.jpg\", \"geoData\": {\"latitude\": 1e308, \"longitude\": -1e308,"
	    " \"altitude\": 1e308}}",
	    "{\"title\": \"w.jpg\", \"favorited\": \"yes\", \"archived\": 2, \"trashed\": []}",
	    "{\"title\": \"w.jpg\", \"url\": 7, \"description\": false}",
	    "{\"title\": \"w.jpg\", \"photoTakenTime\": {\"timestamp\": \"1600000000\"},"
	    " \"photoTakenTime\": {\"timestamp\": \"1\"}}",
	};
	for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
		char stem[32];
		snprintf(stem, sizeof stem, "wrong_type_%zu", i);
		json_case(stem, wrong[i], "sidecar");
	}
	static const char *const stamps[] = {"99999999999999999999",
	                                     "-1",
	                                     "0",
	                                     "1e308",
	                                     "253402300800",
	                                     "-62135596801",
	                                     "abc",
	                                     "9223372036854775807",
	                                     "-9223372036854775808",
	                                     "1600000000.999",
	                                     " 12",
	                                     "0x10",
	                                     "",
	                                     "18446744073709551616"};
	for (size_t i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
		char stem[32], json[256];
		snprintf(stem, sizeof stem, "absurd_time_%zu", i);
		snprintf(json, sizeof json,
		         "{\"title\": \"%s.jpg\", \"photoTakenTime\": {\"timestamp\": \"%s\"},"
		         " \"creationTime\": {\"timestamp\": \"%s\"}}",
		         stem, stamps[i], stamps[i]);
		json_case(stem, json, "sidecar");
		char stem2[32];
		snprintf(stem2, sizeof stem2, "absurd_numtime_%zu", i);
		if (strspn(stamps[i], "0123456789-.e") == strlen(stamps[i]) && stamps[i][0]) {
			snprintf(json, sizeof json,
			         "{\"title\": \"%s.jpg\", \"photoTakenTime\": {\"timestamp\": %s}}",
			         stem2, stamps[i]);
			json_case(stem2, json, "sidecar");
		}
	}
	json_case("nul_title",
	          "{\"title\": \"a\\u0000b.jpg\", \"description\": \"x\\u0000y\","
	          " \"people\": [{\"name\": \"\\u0000\"}], \"photoTakenTime\": {\"timestamp\": "
	          "\"1600000000\"}}",
	          "sidecar");
	json_case("surrogates", "{\"title\": \"\\ud800\\udfff\\udc00.jpg\"}", "sidecar");
	json_case("slash_title", "{\"title\": \"../../etc/passwd\"}", "sidecar");

	/* Depth: 100,000 nested arrays and objects, and a deep but legal 500. */
	struct buf b = {0};
	for (int i = 0; i < 100000; i++)
		buf_u8(&b, '[');
	for (int i = 0; i < 100000; i++)
		buf_u8(&b, ']');
	media_with_sidecar("deep_arrays", b.p, b.len, "sidecar-problem");
	b.len = 0;
	buf_str(&b, "{\"title\": \"deep_objects.jpg\", \"x\": ");
	for (int i = 0; i < 100000; i++)
		buf_str(&b, "{\"a\":");
	buf_str(&b, "1");
	for (int i = 0; i < 100000; i++)
		buf_u8(&b, '}');
	buf_u8(&b, '}');
	media_with_sidecar("deep_objects", b.p, b.len, "sidecar-problem");
	b.len = 0;
	for (int i = 0; i < 100000; i++)
		buf_u8(&b, '[');
	media_with_sidecar("deep_unclosed", b.p, b.len, "sidecar-problem");
	b.len = 0;
	buf_str(&b, "{\"title\": \"deep_legal.jpg\", \"x\": ");
	for (int i = 0; i < 500; i++)
		buf_u8(&b, '[');
	for (int i = 0; i < 500; i++)
		buf_u8(&b, ']');
	buf_u8(&b, '}');
	media_with_sidecar("deep_legal", b.p, b.len, "sidecar");

	/* 20 MiB: one huge description, and a million people. */
	b.len = 0;
	buf_str(&b, "{\"title\": \"huge_description.jpg\", \"description\": \"");
	while (b.len < (20u << 20))
		buf_str(&b, "twenty years of photos ");
	buf_str(&b, "\", \"photoTakenTime\": {\"timestamp\": \"1600000000\"}}");
	media_with_sidecar("huge_description", b.p, b.len, "sidecar");
	b.len = 0;
	buf_str(&b, "{\"title\": \"huge_people.jpg\", \"photoTakenTime\": {\"timestamp\": "
	            "\"1600000000\"}, \"people\": [");
	for (int i = 0; b.len < (20u << 20); i++) {
		char p[48];
		snprintf(p, sizeof p, "%s{\"name\": \"p%d\"}", i ? "," : "", i);
		buf_str(&b, p);
	}
	buf_str(&b, "]}");
	media_with_sidecar("huge_people", b.p, b.len, "sidecar");
	free(b.p);

	/* Sparse 70 MiB sidecar: larger than the indexer reads. */
	char rel[512], path[8192];
	snprintf(rel, sizeof rel, "%s/sparse_json.jpg", JSON_DIR);
	write_bytes(rel, tiny_jpeg.p, tiny_jpeg.len - 2);
	add_case_str("file", rel, "media of a 70 MiB sidecar");
	snprintf(rel, sizeof rel, "%s/sparse_json.jpg.json", JSON_DIR);
	full_path(path, sizeof path, rel);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || pwrite(fd, "{", 1, 0) != 1 || ftruncate(fd, 70ll << 20) != 0)
		die("sparse json %s: %s", path, strerror(errno));
	close(fd);
	add_case_str("sidecar-problem", rel, "70 MiB sidecar");
}

/* ---- albums with hostile titles ---- */

static void hostile_albums(void)
{
	static const char *const titles[] = {
	    "..",
	    "/",
	    "../../etc",
	    ".",
	    "",
	    "a/b",
	    "\\u0000",
	    "x\\u0000y",
	    "\\n",
	    "-rf",
	    "Photos from 2019",
	    "\\u202eexif.jpg",
	    "../../../../../../../../tmp/escape",
	};
	for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
		char dir[256], rel[512], json[512];
		snprintf(dir, sizeof dir, "Takeout/Google Photos/Album %zu", i);
		make_dirs(dir);
		snprintf(rel, sizeof rel, "%s/metadata.json", dir);
		snprintf(json, sizeof json,
		         "{\"title\": \"%s\", \"description\": \"%s\", \"date\": {\"timestamp\": "
		         "\"-99999999999\"}}",
		         titles[i], titles[i]);
		write_text(rel, json);
		add_case_str("sidecar", rel, "hostile album title");
		snprintf(rel, sizeof rel, "%s/IMG_%04zu.jpg", dir, i);
		struct buf b = {0};
		buf_put(&b, tiny_jpeg.p, tiny_jpeg.len);
		buf_put(&b, rel, strlen(rel));
		write_bytes(rel, b.p, b.len);
		free(b.p);
		add_case_str("file", rel, "media in a hostile album");
	}
	/* Two albums with the same hostile title. */
	for (int i = 0; i < 2; i++) {
		char dir[256], rel[512];
		snprintf(dir, sizeof dir, "Takeout/Google Photos/Twin %d", i);
		make_dirs(dir);
		snprintf(rel, sizeof rel, "%s/metadata.json", dir);
		write_text(rel, "{\"title\": \"..\"}");
		snprintf(rel, sizeof rel, "%s/twin.jpg", dir);
		struct buf b = {0};
		buf_put(&b, tiny_jpeg.p, tiny_jpeg.len);
		buf_put(&b, rel, strlen(rel));
		write_bytes(rel, b.p, b.len);
		free(b.p);
		add_case_str("file", rel, "media in a twin album");
	}
}

/* ---- hostile names ---- */

static const char NAME_DIR[] = "Takeout/Google Photos/Photos from 2021";

static void name_case(const char *dir, const char *name, size_t name_len, const char *label)
{
	char rel[1024];
	size_t dl = strlen(dir);
	memcpy(rel, dir, dl);
	rel[dl] = '/';
	memcpy(rel + dl + 1, name, name_len);
	rel[dl + 1 + name_len] = '\0';
	struct buf b = {0};
	buf_put(&b, tiny_jpeg.p, tiny_jpeg.len);
	buf_put(&b, name, name_len);
	write_bytes(rel, b.p, b.len);
	free(b.p);
	set_mtime(rel, 1577880000); /* one day, so by-date puts them side by side */
	add_case("file", rel, dl + 1 + name_len, label);
}

static void hostile_names(void)
{
	make_dirs(NAME_DIR);
	static const char *const names[] = {
	    "new\nline.jpg",
	    "\n.jpg",
	    "tab\there.jpg",
	    "bad\xff\xfeutf8.jpg",
	    "\xc3\x28.jpg",
	    "-rf.jpg",
	    "--help.jpg",
	    "-.jpg",
	    " .jpg",
	    "trailing .jpg",
	    "star*?[].jpg",
	    "back\\slash.jpg",
	    "quote\"'.jpg",
	    ("\xe2\x80\xae" /* RIGHT-TO-LEFT OVERRIDE, split off the hex escape */
	     "gpj.exe.jpg"),
	    ".hidden.jpg",
	    "...jpg",
	    "IMG_99999999_999999.jpg",
	    "IMG_00000000_000000.jpg",
	    "PXL_20991399_256199999.jpg",
	    "nfc-\xc3\xa9.jpg",
	    "nfd-e\xcc\x81.jpg",
	    "UPPER.JPG",
	    "x.jpg.jpg.jpg",
	    "\x01\x02\x1f.jpg",
	    "%s%n%x.jpg",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		name_case(NAME_DIR, names[i], strlen(names[i]), "hostile name");
	/* 255 bytes, in ASCII and in 3-byte UTF-8, twice each in two folders on one day
	 * so the mount must shorten names and add " (2)". */
	char name[256];
	memset(name, 'L', 251);
	memcpy(name + 251, ".jpg", 4);
	name_case(NAME_DIR, name, 255, "255-byte name");
	size_t n = 0;
	while (n + 3 <= 251) {
		memcpy(name + n, "\xe2\x82\xac", 3); /* euro sign */
		n += 3;
	}
	memcpy(name + n, ".jpg", 4);
	name_case(NAME_DIR, name, n + 4, "long UTF-8 name");
	make_dirs("Takeout/Google Photos/Photos from 2021 twin");
	memset(name, 'L', 251);
	memcpy(name + 251, ".jpg", 4);
	name_case("Takeout/Google Photos/Photos from 2021 twin", name, 255, "255-byte twin");

	/* Folders with hostile names. */
	static const char *const dirs[] = {"-rf", "new\nline", "bad\xff", "..."};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		char dir[256];
		snprintf(dir, sizeof dir, "Takeout/Google Photos/%s", dirs[i]);
		make_dirs(dir);
		name_case(dir, "in_hostile_folder.jpg", 21, "in a hostile folder");
	}
	memset(name, 'D', 255);
	name[255] = '\0';
	char dir[512];
	snprintf(dir, sizeof dir, "Takeout/Google Photos/%s", name);
	make_dirs(dir);
	name_case(dir, "in_long_folder.jpg", 18, "in a 255-byte folder");
}

/* ---- special files ---- */

static const char SPECIAL_DIR[] = "Takeout/Google Photos/Photos from 2023";

static void symlink_case(const char *target, const char *name, const char *label)
{
	char rel[512], path[8192];
	snprintf(rel, sizeof rel, "%s/%s", SPECIAL_DIR, name);
	full_path(path, sizeof path, rel);
	if (symlink(target, path) != 0)
		die("symlink %s: %s", path, strerror(errno));
	add_case_str("walk-problem", rel, label);
}

static void special_files(void)
{
	make_dirs(SPECIAL_DIR);
	char rel[512], path[8192];
	name_case(SPECIAL_DIR, "normal.jpg", 10, "a normal neighbour");
	snprintf(rel, sizeof rel, "%s/fifo.jpg", SPECIAL_DIR);
	full_path(path, sizeof path, rel);
	if (mkfifo(path, 0644) != 0)
		die("mkfifo %s: %s", path, strerror(errno));
	add_case_str("walk-problem", rel, "FIFO");
	snprintf(rel, sizeof rel, "%s/fifo.jpg.json", SPECIAL_DIR);
	full_path(path, sizeof path, rel);
	if (mkfifo(path, 0644) != 0)
		die("mkfifo %s: %s", path, strerror(errno));
	add_case_str("walk-problem", rel, "FIFO sidecar");

	/* sun_path is short: bind relative to the folder. */
	snprintf(rel, sizeof rel, "%s", SPECIAL_DIR);
	full_path(path, sizeof path, rel);
	int here = open(".", O_RDONLY | O_DIRECTORY);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "socket.jpg");
	if (here < 0 || s < 0 || chdir(path) != 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || fchdir(here) != 0)
		die("socket in %s: %s", path, strerror(errno));
	close(s);
	close(here);
	snprintf(rel, sizeof rel, "%s/socket.jpg", SPECIAL_DIR);
	add_case_str("walk-problem", rel, "socket");

	symlink_case("loop_b.jpg", "loop_a.jpg", "symlink loop");
	symlink_case("loop_a.jpg", "loop_b.jpg", "symlink loop");
	symlink_case("self.jpg", "self.jpg", "self symlink");
	symlink_case("/etc/passwd", "passwd.jpg", "symlink out of SOURCE (absolute)");
	symlink_case("../../../../../../../../../../etc/hostname", "hostname.jpg",
	             "symlink out of SOURCE (relative)");
	symlink_case("/", "root_dir", "symlink to /");
	symlink_case("..", "parent_dir", "symlink to the parent");
	symlink_case(".", "dot_dir", "symlink dir loop");
	symlink_case("nowhere/at/all.jpg", "dangling.jpg", "dangling symlink");
	symlink_case("normal.jpg", "alias.jpg", "symlink inside SOURCE");
	symlink_case("/dev/zero", "zero.jpg", "symlink to a device");
	symlink_case("/proc/self/mem", "mem.json", "symlink to /proc");

	/* Symlinked folders at the top: a Takeout part that is a link. */
	full_path(path, sizeof path, "Takeout/Google Photos/Linked album");
	if (symlink("/etc", path) != 0)
		die("symlink %s: %s", path, strerror(errno));
	add_case_str("walk-problem", "Takeout/Google Photos/Linked album", "symlinked folder");

	/* Unreadable file and folder (root bypasses this unless capabilities are dropped). */
	name_case(SPECIAL_DIR, "unreadable.jpg", 14, "unreadable file");
	snprintf(rel, sizeof rel, "%s/unreadable.jpg", SPECIAL_DIR);
	full_path(path, sizeof path, rel);
	chmod(path, 0);
	add_case_str("unreadable-file", rel, "chmod 000 file");
	snprintf(rel, sizeof rel, "%s/unreadable.jpg.json", SPECIAL_DIR);
	write_text(rel, "{\"title\": \"unreadable.jpg\"}");
	full_path(path, sizeof path, rel);
	chmod(path, 0);
	add_case_str("unreadable-file", rel, "chmod 000 sidecar");
	make_dirs("Takeout/Google Photos/Locked");
	/* No case for the file inside: when the folder is unreadable it cannot be indexed. */
	write_bytes("Takeout/Google Photos/Locked/inside.jpg", tiny_jpeg.p, tiny_jpeg.len);
	full_path(path, sizeof path, "Takeout/Google Photos/Locked");
	chmod(path, 0);
	add_case_str("unreadable-dir", "Takeout/Google Photos/Locked", "chmod 000 folder");
}

/* ---- depth ---- */

static void deep_tree(int levels)
{
	char rel[8192] = "Takeout/Google Photos/Deep";
	for (int i = 1; i <= levels; i++) {
		size_t n = strlen(rel);
		snprintf(rel + n, sizeof rel - n, "/level %02d", i);
	}
	make_dirs(rel);
	name_case(rel, "bottom.jpg", 10, "60 levels down");
}

/* The smallest valid JPEG we can vouch for: SOI, a frame header, EOI. */
static void make_tiny_jpeg(void)
{
	jpeg_with_exif(&tiny_jpeg, "Canon", "Canon EOS 40D", "2019:03:21 10:15:30", false);
}

int main(int argc, char **argv)
{
	char *data_dirs[MAX_DATA_DIRS];
	int n_data = 0, flips = 12;
	uint64_t seed = 1;
	static const struct option opts[] = {{"out", required_argument, 0, 'o'},
	                                     {"data", required_argument, 0, 'd'},
	                                     {"seed", required_argument, 0, 's'},
	                                     {"flips", required_argument, 0, 'f'},
	                                     {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "o:d:s:f:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out_root = optarg;
			break;
		case 'd':
			if (n_data == MAX_DATA_DIRS)
				die("too many --data folders");
			data_dirs[n_data++] = optarg;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'f':
			flips = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: gen_hostile --out DIR --data DIR [--data DIR] "
			                "[--seed S] [--flips N]\n");
			return 2;
		}
	}
	if (!out_root || !n_data)
		die("need --out and at least one --data");
	rng_state ^= seed * 0x2545f4914f6cdd1dull;
	if (!rng_state)
		rng_state = 1;
	mkdir(out_root, 0755);
	snprintf(src_root, sizeof src_root, "%s/src", out_root);
	if (mkdir(src_root, 0755) != 0)
		die("mkdir %s: %s (must not exist yet)", src_root, strerror(errno));
	char path[4096];
	snprintf(path, sizeof path, "%s/cases.tsv", out_root);
	cases = fopen(path, "w");
	if (!cases)
		die("cannot write %s", path);
	make_tiny_jpeg();

	struct sample samples[N_FORMATS];
	pick_samples(data_dirs, n_data, samples);
	make_dirs(DAMAGE_DIR);
	int n_formats = 0;
	for (size_t f = 0; f < N_FORMATS; f++) {
		if (!samples[f].path[0]) {
			fprintf(stderr, "gen_hostile: no .%s sample in the data folders\n",
			        FORMATS[f]);
			continue;
		}
		damage_format(FORMATS[f], &samples[f], flips);
		n_formats++;
	}
	/* HEIC holding JPEG bytes, as Google Photos really exports them. */
	if (samples[0].path[0]) {
		struct buf j = read_whole(samples[0].path);
		char rel[512];
		snprintf(rel, sizeof rel, "%s/jpeg_inside.heic", DAMAGE_DIR);
		write_bytes(rel, j.p, j.len);
		add_case_str("file", rel, "HEIC holding JPEG");
		free(j.p);
	}
	crafted_traps();
	hostile_json();
	hostile_albums();
	hostile_names();
	special_files();
	deep_tree(60);
	fclose(cases);
	printf("gen_hostile: %d cases (%d formats) in %s\n", n_cases, n_formats, src_root);
	free(tiny_jpeg.p);
	return n_formats == (int)N_FORMATS ? 0 : 1;
}
