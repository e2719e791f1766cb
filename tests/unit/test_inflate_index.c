/* Random access into deflate streams made by real tools: gzip at several
 * levels, members concatenated with cat, pigz, zip members cut out by
 * offset, Python's zlib with full and sync flushes and stored blocks, empty
 * streams. For each: the pass's output, CRC-32 and member count; every seek
 * point re-checked with zlib (primed at the recorded bit with the plain
 * data's window, it must inflate the right bytes: the points are real block
 * boundaries, independent of ISA-L); the blob round trip; random, boundary
 * and sequential reads compared byte for byte; the same through push mode in
 * odd chunks. Then the failures: truncation, flipped bytes, a bomb against
 * its limit, a changed archive under a reader, damaged blobs. */
#include "check.h"
#include "mem_source.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "archive/inflate_index.h"
#include "archive/span_cache.h"

#define SPACING (256u << 10)

static char dir[64];

static void run(const char *cmd)
{
	char full[4096];
	snprintf(full, sizeof full, "cd %s && %s", dir, cmd);
	if (system(full) != 0) {
		fprintf(stderr, "command failed: %s\n", cmd);
		exit(2);
	}
}

static int have(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static struct mem load(const char *name)
{
	char path[160];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "missing %s\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	struct mem m = {malloc((size_t)n + 1), (size_t)n};
	if (!m.p || fread(m.p, 1, m.n, f) != m.n)
		exit(2);
	fclose(f);
	return m;
}

static void save(const char *name, const unsigned char *p, size_t n)
{
	char path[160];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		exit(2);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Text with repeats (compresses ~4x), like JSON sidecars. */
static struct mem make_text(size_t n)
{
	static const char *words[] = {"\"title\": ",
	                              "\"photoTakenTime\"",
	                              "{\"timestamp\": \"",
	                              "Google Photos",
	                              "IMG_2023",
	                              ".jpg",
	                              "\n",
	                              "  ",
	                              "}, ",
	                              "\"geoData\": {\"latitude\": ",
	                              "0.0",
	                              "people"};
	struct mem m = {malloc(n), n};
	size_t at = 0;
	while (at < n) {
		char tmp[64];
		int k = (next_rand() % 4 == 0)
		            ? snprintf(tmp, sizeof tmp, "%llu",
		                       (unsigned long long)(next_rand() % 100000))
		            : snprintf(tmp, sizeof tmp, "%s", words[next_rand() % 12]);
		for (int i = 0; i < k && at < n; i++)
			m.p[at++] = (unsigned char)tmp[i];
	}
	return m;
}

/* Incompressible bytes with a few compressible stretches, like JPEGs. */
static struct mem make_photo(size_t n)
{
	struct mem m = {malloc(n), n};
	for (size_t i = 0; i < n; i += 8) {
		uint64_t r = next_rand();
		memcpy(m.p + i, &r, n - i < 8 ? n - i : 8);
	}
	for (size_t at = 1000; at + 5000 < n; at += 700000)
		memset(m.p + at, 0, 5000);
	return m;
}

struct sink_check {
	const struct mem *plain;
	uint64_t pos;
	int bad;
};

static int sink_compare(void *ctx, const unsigned char *buf, size_t len)
{
	struct sink_check *s = ctx;
	if (s->pos + len > s->plain->n || memcmp(s->plain->p + s->pos, buf, len) != 0)
		s->bad = 1;
	s->pos += len;
	return 0;
}

/* zlib primed at the point with the plain window must inflate the plain
 * bytes that follow: the point is a block boundary at that exact bit. */
static int zlib_agrees(const struct mem *comp, const struct mem *plain,
                       const struct inflate_point_info *pt)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, -15) != Z_OK)
		return 0;
	uint64_t byte = pt->bit / 8;
	int skip = (int)(pt->bit % 8);
	z.next_in = comp->p + byte + (skip ? 1 : 0);
	z.avail_in = (uInt)(comp->n - byte - (skip ? 1 : 0));
	if (skip)
		inflatePrime(&z, 8 - skip, comp->p[byte] >> skip);
	if (pt->window_len)
		inflateSetDictionary(&z, plain->p + pt->out - pt->window_len, pt->window_len);
	unsigned char out[4096];
	size_t want = plain->n - pt->out < sizeof out ? plain->n - pt->out : sizeof out;
	z.next_out = out;
	z.avail_out = (uInt)want;
	int rc = inflate(&z, Z_SYNC_FLUSH);
	size_t got = want - z.avail_out;
	inflateEnd(&z);
	return (rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR) && got == want &&
	       memcmp(out, plain->p + pt->out, want) == 0;
}

static void check_reads(const struct inflate_index *idx, const struct mem *comp,
                        const struct mem *plain, struct span_cache *cache, uint64_t id)
{
	struct inflate_reader *r = inflate_reader_new(idx, mem_read_at, (void *)comp, cache, id);
	CHECK(r != NULL);
	size_t cap = 300000;
	unsigned char *buf = malloc(cap);
	int bad = 0;
	for (int k = 0; k < 40 && plain->n; k++) {
		uint64_t off = next_rand() % plain->n;
		size_t len = 1 + next_rand() % cap;
		ssize_t got = inflate_reader_read(r, buf, len, off);
		size_t expect = plain->n - off < len ? plain->n - off : len;
		if (got != (ssize_t)expect || memcmp(buf, plain->p + off, expect) != 0)
			bad++;
	}
	struct inflate_index_info info;
	inflate_index_info(idx, &info);
	for (uint32_t i = 1; i < info.points && i < 20; i++) {
		struct inflate_point_info pt;
		inflate_index_point(idx, i, &pt);
		ssize_t got = inflate_reader_read(r, buf, 100, pt.out - 50);
		size_t expect = plain->n - (pt.out - 50) < 100 ? plain->n - (pt.out - 50) : 100;
		if (got != (ssize_t)expect || memcmp(buf, plain->p + pt.out - 50, expect) != 0)
			bad++;
	}
	uint64_t off = 0;
	for (;;) {
		ssize_t got = inflate_reader_read(r, buf, 65536, off);
		if (got <= 0) {
			if (got < 0)
				bad++;
			break;
		}
		if (memcmp(buf, plain->p + off, (size_t)got) != 0)
			bad++;
		off += (uint64_t)got;
	}
	CHECK_INT(off, plain->n);
	CHECK_INT(bad, 0);
	CHECK_INT(inflate_reader_read(r, buf, 10, plain->n), 0);
	free(buf);
	inflate_reader_free(r);
}

static void check_stream(const char *name, enum inflate_format fmt, const struct mem *comp,
                         const struct mem *plain, uint32_t members)
{
	fprintf(stderr, "  %s: %zu -> %zu bytes\n", name, comp->n, plain->n);
	struct sink_check sc = {plain, 0, 0};
	struct inflate_pass_config cfg = {fmt, SPACING, UINT64_MAX, sink_compare, &sc};
	struct inflate_pass *p = inflate_pass_new(&cfg);
	CHECK(p != NULL);
	int rc = inflate_pass_run(p, mem_read_at, (void *)comp, comp->n);
	CHECK_MSG(rc == 0, "%s: pass %d (%s)", name, rc, inflate_pass_problem(p));
	struct inflate_pass_result res;
	inflate_pass_result(p, &res);
	CHECK_INT(res.out_size, plain->n);
	CHECK_INT(res.crc, crc32_z(0, plain->p, plain->n));
	CHECK_INT(res.members, members);
	CHECK_INT(res.trailing, 0);
	CHECK_INT(sc.bad, 0);
	CHECK_INT(sc.pos, plain->n);
	struct inflate_index *idx = inflate_pass_take_index(p);
	inflate_pass_free(p);
	CHECK(idx != NULL);
	if (!idx)
		return;

	struct inflate_index_info info;
	inflate_index_info(idx, &info);
	CHECK_INT(info.out_size, plain->n);
	uint32_t zlib_bad = 0;
	for (uint32_t i = 0; i < info.points; i++) {
		struct inflate_point_info pt;
		inflate_index_point(idx, i, &pt);
		if (plain->n && !zlib_agrees(comp, plain, &pt))
			zlib_bad++;
	}
	CHECK_MSG(zlib_bad == 0, "%s: %u of %u points rejected by zlib", name, zlib_bad,
	          info.points);
	/* Points where the spacing asks for them (streams made of blocks). */
	if (plain->n > 4 * SPACING && strstr(name, "stored") == NULL)
		CHECK_MSG(info.points >= plain->n / SPACING / 2, "%s: only %u points", name,
		          info.points);

	unsigned char *blob;
	size_t blen;
	CHECK_INT(inflate_index_serialize(idx, &blob, &blen), 0);
	struct inflate_index *back = NULL;
	CHECK_INT(inflate_index_parse(blob, blen, &back), 0);
	unsigned char *blob2;
	size_t blen2;
	if (back && inflate_index_serialize(back, &blob2, &blen2) == 0) {
		CHECK(blen2 == blen && memcmp(blob, blob2, blen) == 0);
		free(blob2);
	}
	free(blob);
	if (back) {
		check_reads(back, comp, plain, NULL, 0);
		struct span_cache *cache = span_cache_new(8u << 20);
		check_reads(back, comp, plain, cache, 7);
		span_cache_free(cache);
	}
	inflate_index_free(back);
	inflate_index_free(idx);

	/* Push mode in odd chunks gives the same output and a table that reads. */
	sc = (struct sink_check){plain, 0, 0};
	p = inflate_pass_new(&cfg);
	rc = 0;
	for (size_t at = 0; at < comp->n && rc == 0; at += 7919)
		rc = inflate_pass_feed(p, comp->p + at, comp->n - at < 7919 ? comp->n - at : 7919);
	if (rc == 0)
		rc = inflate_pass_end(p);
	CHECK_MSG(rc == 0, "%s: push pass %d (%s)", name, rc, inflate_pass_problem(p));
	CHECK_INT(sc.bad, 0);
	CHECK_INT(sc.pos, plain->n);
	idx = inflate_pass_take_index(p);
	inflate_pass_free(p);
	if (idx && plain->n) {
		struct inflate_reader *r =
		    inflate_reader_new(idx, mem_read_at, (void *)comp, NULL, 0);
		unsigned char buf[5000];
		int bad = 0;
		for (int k = 0; k < 20; k++) {
			uint64_t off = next_rand() % plain->n;
			ssize_t got = inflate_reader_read(r, buf, sizeof buf, off);
			size_t expect = plain->n - off < sizeof buf ? plain->n - off : sizeof buf;
			if (got != (ssize_t)expect || memcmp(buf, plain->p + off, expect) != 0)
				bad++;
		}
		CHECK_INT(bad, 0);
		inflate_reader_free(r);
	}
	inflate_index_free(idx);
}

/* A zip member's deflated data: local header at 0, sizes in it. */
static struct mem zip_member_data(const struct mem *zip)
{
	const unsigned char *h = zip->p;
	CHECK(h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4);
	CHECK_INT(h[8] | h[9] << 8, 8);
	size_t csize =
	    (size_t)h[18] | (size_t)h[19] << 8 | (size_t)h[20] << 16 | (size_t)h[21] << 24;
	size_t at = 30 + (size_t)(h[26] | h[27] << 8) + (size_t)(h[28] | h[29] << 8);
	struct mem m = {malloc(csize), csize};
	memcpy(m.p, zip->p + at, csize);
	return m;
}

/* igzip -0 writes one block for the whole stream: one span of 72 MiB, more
 * than a reader keeps, so each read inflates it through and checks it. */
static void huge_block(const struct mem *text)
{
	run("for i in 1 2 3 4 5 6 7 8 9 10 11 12; do cat text.bin; done | igzip -0 -c > huge.gz");
	struct mem c = load("huge.gz");
	struct inflate_index *idx = mem_index(&c, INFLATE_GZIP, SPACING);
	CHECK(idx != NULL);
	if (!idx)
		return;
	struct inflate_index_info info;
	inflate_index_info(idx, &info);
	CHECK_INT(info.out_size, 12 * text->n);
	CHECK(info.max_span > (64u << 20));
	struct inflate_reader *r = inflate_reader_new(idx, mem_read_at, &c, NULL, 0);
	unsigned char buf[1000];
	int bad = 0;
	for (int k = 0; k < 3; k++) {
		uint64_t off = (next_rand() % 12) * text->n + next_rand() % (text->n - sizeof buf);
		ssize_t got = inflate_reader_read(r, buf, sizeof buf, off);
		bad += got != (ssize_t)sizeof buf ||
		       memcmp(buf, text->p + off % text->n, sizeof buf) != 0;
	}
	CHECK_INT(bad, 0);
	inflate_reader_free(r);
	inflate_index_free(idx);
	free(c.p);
}

static const char *PY_MAKE =
    "import zlib, gzip, sys, struct\n"
    "text = open('text.bin','rb').read()\n"
    "photo = open('photo.bin','rb').read()\n"
    "def raw(data, level, flush=None, every=0):\n"
    "    c = zlib.compressobj(level, zlib.DEFLATED, -15)\n"
    "    out = []\n"
    "    step = every or len(data) or 1\n"
    "    for i in range(0, len(data), step):\n"
    "        out.append(c.compress(data[i:i+step]))\n"
    "        if flush is not None: out.append(c.flush(flush))\n"
    "    out.append(c.flush())\n"
    "    return b''.join(out)\n"
    "open('py_l1.raw','wb').write(raw(text, 1))\n"
    "open('py_l9.raw','wb').write(raw(text, 9))\n"
    "open('py_stored.raw','wb').write(raw(photo, 0))\n"
    "open('py_full.raw','wb').write(raw(text, 6, zlib.Z_FULL_FLUSH, 100000))\n"
    "open('py_sync.raw','wb').write(raw(photo, 6, zlib.Z_SYNC_FLUSH, 33333))\n"
    "open('py_empty.raw','wb').write(raw(b'', 6))\n"
    "open('py_empty.gz','wb').write(gzip.compress(b''))\n"
    "open('py_l9.gz','wb').write(gzip.compress(text, 9))\n"
    /* FEXTRA, FNAME, FCOMMENT and FHCRC, then an empty member, then text. */
    "body = raw(photo[:300000], 6)\n"
    "hdr = b'\\x1f\\x8b\\x08\\x1e' + b'\\0'*4 + b'\\0\\xff' + struct.pack('<H',5) + b'extra'"
    " + b'name\\0' + b'comment\\0'\n"
    "hdr += struct.pack('<H', zlib.crc32(hdr) & 0xffff)\n"
    "m1 = hdr + body + struct.pack('<II', zlib.crc32(photo[:300000]), 300000)\n"
    "open('py_fields.gz','wb').write(m1 + gzip.compress(b'') + gzip.compress(text, 1))\n"
    "open('fields.bin','wb').write(photo[:300000] + text)\n"
    "open('zeros.raw','wb').write(raw(bytes(20000000), 9))\n";

static void real_tool_streams(const struct mem *text, const struct mem *photo)
{
	save("text.bin", text->p, text->n);
	save("photo.bin", photo->p, photo->n);
	save("make.py", (const unsigned char *)PY_MAKE, strlen(PY_MAKE));
	run("python3 make.py");
	run("gzip -c -6 text.bin > text6.gz && gzip -c -1 photo.bin > photo1.gz && "
	    "gzip -c -9 text.bin > text9.gz && cat text6.gz photo1.gz > cat.gz && "
	    "cat text.bin photo.bin > cat.bin");
	run("zip -q -X -6 member.zip text.bin && zip -q -X -1 member_photo.zip photo.bin");

	struct {
		const char *file;
		enum inflate_format fmt;
		const struct mem *plain;
		uint32_t members;
	} cases[] = {
	    {"text6.gz", INFLATE_GZIP, text, 1},   {"text9.gz", INFLATE_GZIP, text, 1},
	    {"photo1.gz", INFLATE_GZIP, photo, 1}, {"py_l1.raw", INFLATE_RAW, text, 1},
	    {"py_l9.raw", INFLATE_RAW, text, 1},   {"py_stored.raw", INFLATE_RAW, photo, 1},
	    {"py_full.raw", INFLATE_RAW, text, 1}, {"py_sync.raw", INFLATE_RAW, photo, 1},
	    {"py_l9.gz", INFLATE_GZIP, text, 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mem c = load(cases[i].file);
		check_stream(cases[i].file, cases[i].fmt, &c, cases[i].plain, cases[i].members);
		free(c.p);
	}
	struct mem catplain = load("cat.bin"), cat = load("cat.gz");
	check_stream("cat.gz (two gzip members)", INFLATE_GZIP, &cat, &catplain, 2);
	free(cat.p);
	free(catplain.p);

	struct mem fplain = load("fields.bin"), fgz = load("py_fields.gz");
	check_stream("py_fields.gz (header fields, empty member)", INFLATE_GZIP, &fgz, &fplain, 3);
	free(fgz.p);
	free(fplain.p);

	struct mem empty = {NULL, 0};
	struct mem e1 = load("py_empty.raw"), e2 = load("py_empty.gz");
	check_stream("py_empty.raw", INFLATE_RAW, &e1, &empty, 1);
	check_stream("py_empty.gz", INFLATE_GZIP, &e2, &empty, 1);
	free(e1.p);
	free(e2.p);

	const char *zips[] = {"member.zip", "member_photo.zip"};
	for (int i = 0; i < 2; i++) {
		struct mem z = load(zips[i]);
		struct mem d = zip_member_data(&z);
		check_stream(zips[i], INFLATE_RAW, &d, i ? photo : text, 1);
		free(d.p);
		free(z.p);
	}

	if (have("pigz")) {
		run("pigz -c -p 2 -b 128 text.bin > pigz.gz");
		struct mem c = load("pigz.gz");
		check_stream("pigz.gz", INFLATE_GZIP, &c, text, 1);
		free(c.p);
	} else {
		fprintf(stderr, "  (pigz not installed: skipped)\n");
	}
	if (have("igzip")) {
		run("igzip -c -1 text.bin > igzip1.gz");
		struct mem c = load("igzip1.gz");
		check_stream("igzip1.gz", INFLATE_GZIP, &c, text, 1);
		free(c.p);
		huge_block(text);
	} else {
		fprintf(stderr, "  (igzip not installed: skipped)\n");
	}
}

static int pass_over(const struct mem *comp, enum inflate_format fmt, uint64_t limit, uint64_t *out)
{
	struct inflate_pass_config cfg = {fmt, SPACING, limit, NULL, NULL};
	struct inflate_pass *p = inflate_pass_new(&cfg);
	int rc = inflate_pass_run(p, mem_read_at, (void *)comp, comp->n);
	struct inflate_pass_result res;
	inflate_pass_result(p, &res);
	if (out)
		*out = res.out_size;
	if (rc)
		CHECK(inflate_pass_problem(p) != NULL);
	inflate_pass_free(p);
	return rc;
}

static void failures(const struct mem *text)
{
	struct mem gz = load("text6.gz"), raw = load("py_l9.raw");
	/* Truncated anywhere: an error, never success. */
	int ok = 0;
	for (size_t cut = 0; cut < gz.n; cut += gz.n / 37 + 1) {
		struct mem t = {gz.p, cut};
		ok += pass_over(&t, INFLATE_GZIP, UINT64_MAX, NULL) == 0;
	}
	for (size_t cut = 0; cut < raw.n; cut += raw.n / 37 + 1) {
		struct mem t = {raw.p, cut};
		ok += pass_over(&t, INFLATE_RAW, UINT64_MAX, NULL) == 0;
	}
	CHECK_INT(ok, 0);
	struct mem t = {gz.p, gz.n - 1};
	CHECK_INT(pass_over(&t, INFLATE_GZIP, UINT64_MAX, NULL), -EIO);

	/* A flipped byte in a gzip member: corrupt data or a CRC mismatch. */
	int passed = 0;
	for (size_t at = 20; at < gz.n; at += gz.n / 29 + 1) {
		gz.p[at] ^= 0x5a;
		passed += pass_over(&gz, INFLATE_GZIP, UINT64_MAX, NULL) == 0;
		gz.p[at] ^= 0x5a;
	}
	CHECK_INT(passed, 0);
	/* Not gzip at all. */
	CHECK_INT(pass_over(text, INFLATE_GZIP, UINT64_MAX, NULL), -EIO);

	/* Trailing bytes after the last member are reported, not fatal. */
	struct mem junk = {malloc(gz.n + 5), gz.n + 5};
	memcpy(junk.p, gz.p, gz.n);
	memcpy(junk.p + gz.n, "JUNK!", 5);
	struct inflate_pass_config cfg = {INFLATE_GZIP, SPACING, UINT64_MAX, NULL, NULL};
	struct inflate_pass *p = inflate_pass_new(&cfg);
	CHECK_INT(inflate_pass_run(p, mem_read_at, &junk, junk.n), 0);
	struct inflate_pass_result res;
	inflate_pass_result(p, &res);
	CHECK_INT(res.trailing, 5);
	CHECK_INT(res.comp_used, gz.n);
	inflate_pass_free(p);
	free(junk.p);
	/* One stray byte, alone in its feed() call, or a lone 0x1f at the end. */
	const char *strays[] = {"J", "\x1f"};
	for (int i = 0; i < 2; i++) {
		p = inflate_pass_new(&cfg);
		CHECK_INT(inflate_pass_feed(p, gz.p, gz.n), 0);
		CHECK_INT(inflate_pass_feed(p, strays[i], 1), 0);
		CHECK_INT(inflate_pass_end(p), 0);
		CHECK_INT(inflate_pass_end(p), 0);
		inflate_pass_result(p, &res);
		CHECK_INT(res.trailing, 1);
		CHECK_INT(res.members, 1);
		inflate_pass_free(p);
	}

	/* A bomb: 20 MB of zeros declared as 1 MB stops at 1 MB. */
	struct mem bomb = load("zeros.raw");
	uint64_t out = 0;
	CHECK_INT(pass_over(&bomb, INFLATE_RAW, 1000000, &out), -EFBIG);
	CHECK_INT(out, 1000000);
	CHECK_INT(pass_over(&bomb, INFLATE_RAW, 20000000, &out), 0);
	CHECK_INT(out, 20000000);
	CHECK_INT(pass_over(&bomb, INFLATE_RAW, 19999999, &out), -EFBIG);
	free(bomb.p);

	/* The archive changes under an index: reads of the changed span fail. */
	struct inflate_index *idx = mem_index(&raw, INFLATE_RAW, SPACING);
	struct inflate_index_info info;
	inflate_index_info(idx, &info);
	CHECK(info.points > 4);
	struct inflate_point_info p2, p3;
	inflate_index_point(idx, 2, &p2);
	inflate_index_point(idx, 3, &p3);
	size_t mid = (size_t)((p2.bit + p3.bit) / 16);
	int eio = 0, wrong = 0;
	unsigned char *buf = malloc(SPACING * 2);
	for (int flip = 1; flip < 256; flip += 37) {
		raw.p[mid] ^= (unsigned char)flip;
		struct inflate_reader *r = inflate_reader_new(idx, mem_read_at, &raw, NULL, 0);
		ssize_t got = inflate_reader_read(r, buf, 1000, p2.out + 10);
		eio += got == -EIO;
		wrong += got > 0 && memcmp(buf, text->p + p2.out + 10, (size_t)got) != 0;
		/* The spans before and after still read. */
		got = inflate_reader_read(r, buf, 1000, p3.out + 10);
		CHECK(got == 1000 && memcmp(buf, text->p + p3.out + 10, 1000) == 0);
		inflate_reader_free(r);
		raw.p[mid] ^= (unsigned char)flip;
	}
	CHECK_INT(eio, 7);
	CHECK_INT(wrong, 0);
	/* Shorter than the index says: -EIO, not a short read. */
	struct mem shorter = {raw.p, (size_t)(p3.bit / 8)};
	struct inflate_reader *r = inflate_reader_new(idx, mem_read_at, &shorter, NULL, 0);
	CHECK_INT(inflate_reader_read(r, buf, 1000, p3.out + 10), -EIO);
	inflate_reader_free(r);

	/* Damaged blobs are refused: every single flipped byte, every cut. */
	unsigned char *blob;
	size_t blen;
	CHECK_INT(inflate_index_serialize(idx, &blob, &blen), 0);
	int accepted = 0;
	for (size_t at = 0; at < blen; at += (at < 200 ? 1 : 97)) {
		struct inflate_index *back = NULL;
		blob[at] ^= 0x10;
		accepted += inflate_index_parse(blob, blen, &back) == 0;
		inflate_index_free(back);
		blob[at] ^= 0x10;
	}
	for (size_t cut = 0; cut < blen; cut += 13) {
		struct inflate_index *back = NULL;
		accepted += inflate_index_parse(blob, cut, &back) == 0;
		inflate_index_free(back);
	}
	CHECK_INT(accepted, 0);
	/* A damaged stored window (checksum made right): a fresh read there
	 * fails or is right, never wrong; a reader going through in order does
	 * not need the stored windows at all and reads everything. */
	int window_eio = 0, window_wrong = 0;
	for (int k = 0; k < 4; k++) {
		unsigned char *copy = malloc(blen);
		memcpy(copy, blob, blen);
		copy[32 + (size_t)info.points * 32 + 10 + (size_t)k * 97] ^= 0x21;
		uint32_t c2 = (uint32_t)crc32_z(0, copy, blen - 4);
		for (int i = 0; i < 4; i++)
			copy[blen - 4 + i] = (unsigned char)(c2 >> (8 * i));
		struct inflate_index *dmg = NULL;
		CHECK_INT(inflate_index_parse(copy, blen, &dmg), 0);
		struct inflate_point_info p1;
		inflate_index_point(dmg, 1, &p1);
		r = inflate_reader_new(dmg, mem_read_at, &raw, NULL, 0);
		ssize_t got = inflate_reader_read(r, buf, 1000, p1.out + 10);
		window_eio += got == -EIO;
		window_wrong += got > 0 && memcmp(buf, text->p + p1.out + 10, (size_t)got) != 0;
		inflate_reader_free(r);
		r = inflate_reader_new(dmg, mem_read_at, &raw, NULL, 0);
		uint64_t off = 0;
		for (ssize_t g; (g = inflate_reader_read(r, buf, 100000, off)) > 0;
		     off += (uint64_t)g)
			window_wrong += memcmp(buf, text->p + off, (size_t)g) != 0;
		CHECK_INT(off, text->n);
		inflate_reader_free(r);
		inflate_index_free(dmg);
		free(copy);
	}
	CHECK(window_eio > 0);
	CHECK_INT(window_wrong, 0);
	/* A consistent checksum over inconsistent content is refused too:
	 * points out of order. */
	memcpy(buf, blob, 32);
	unsigned char swapped[64];
	memcpy(swapped, blob + 32 + 32, 32);
	memcpy(swapped + 32, blob + 32 + 64, 32);
	memcpy(blob + 32 + 32, swapped + 32, 32);
	memcpy(blob + 32 + 64, swapped, 32);
	uint32_t crc = (uint32_t)crc32_z(0, blob, blen - 4);
	for (int i = 0; i < 4; i++)
		blob[blen - 4 + i] = (unsigned char)(crc >> (8 * i));
	struct inflate_index *back = NULL;
	CHECK_INT(inflate_index_parse(blob, blen, &back), -EINVAL);
	free(blob);
	free(buf);
	inflate_index_free(idx);

	/* A single-point table from a zip directory's facts checks the CRC. */
	struct inflate_index *one = inflate_index_single(raw.n, text->n, 12345);
	r = inflate_reader_new(one, mem_read_at, &raw, NULL, 0);
	unsigned char small[100];
	CHECK_INT(inflate_reader_read(r, small, 100, 5), -EIO);
	inflate_reader_free(r);
	inflate_index_free(one);
	one = inflate_index_single(raw.n, text->n, (uint32_t)crc32_z(0, text->p, text->n));
	r = inflate_reader_new(one, mem_read_at, &raw, NULL, 0);
	CHECK(inflate_reader_read(r, small, 100, 5) == 100 && memcmp(small, text->p + 5, 100) == 0);
	inflate_reader_free(r);
	inflate_index_free(one);
	free(gz.p);
	free(raw.p);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/tfs-inflate-XXXXXX");
	if (!mkdtemp(dir))
		return 2;
	struct mem text = make_text(6u << 20);
	struct mem photo = make_photo(5u << 20);
	CHECK_INT(inflate_crc32(0, text.p, text.n), crc32_z(0, text.p, text.n));
	real_tool_streams(&text, &photo);
	failures(&text);
	free(text.p);
	free(photo.p);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	CHECK_DONE();
}
