/* Hand-made damaged and hostile zips, built byte by byte here so that each
 * case is exactly one fault: the directory reader and the walk must report
 * each one with its code (never crash, loop or read outside the buffer,
 * which the ASan build checks), and keep what is intact. */
#include <errno.h>
#include <zlib.h>

#include "archive/member_path.h"
#include "archive/zip.h"
#include "archive_fixtures.h"
#include "check.h"

/* A growing archive. */
struct zb {
	uint8_t p[1 << 20];
	size_t len;
};

static void put(struct zb *z, const void *s, size_t n)
{
	memcpy(z->p + z->len, s, n);
	z->len += n;
}

static void put16(struct zb *z, uint32_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	put(z, b, 2);
}

static void put32(struct zb *z, uint32_t v)
{
	put16(z, v & 0xFFFF);
	put16(z, v >> 16);
}

static void put64(struct zb *z, uint64_t v)
{
	put32(z, (uint32_t)v);
	put32(z, (uint32_t)(v >> 32));
}

enum descriptor { NO_DESC, DESC_SIG32, DESC_NOSIG32, DESC_SIG64, DESC_NOSIG64 };

/* One member as written: its local header fields and what the directory says. */
struct zm {
	const char *name;
	size_t name_len; /* 0: strlen(name) */
	const char *content;
	int method; /* 0 or 8 (compressed here), or another number (stored bytes) */
	uint16_t flags;
	enum descriptor desc;
	uint32_t desc_crc_xor; /* corrupts the descriptor's CRC */
	/* Filled by add_member. */
	uint64_t offset, comp, size;
	uint32_t crc;
};

static size_t name_len(const struct zm *m)
{
	return m->name_len ? m->name_len : strlen(m->name);
}

static void add_member(struct zb *z, struct zm *m)
{
	uint8_t comp[65536];
	size_t clen = strlen(m->content);
	m->size = clen;
	m->crc = (uint32_t)crc32_z(0, (const uint8_t *)m->content, clen);
	if (m->method == 8) {
		z_stream zs = {0};
		deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
		zs.next_in = (uint8_t *)m->content;
		zs.avail_in = (uInt)clen;
		zs.next_out = comp;
		zs.avail_out = sizeof comp;
		deflate(&zs, Z_FINISH);
		clen = zs.total_out;
		deflateEnd(&zs);
	} else {
		memcpy(comp, m->content, clen);
	}
	m->comp = clen;
	m->offset = z->len;
	bool d = m->desc != NO_DESC;
	uint16_t flags = m->flags | (d ? ZIP_FLAG_DESCRIPTOR : 0);
	m->flags = flags;
	put32(z, 0x04034b50);
	put16(z, 20);
	put16(z, flags);
	put16(z, (uint16_t)m->method);
	put16(z, 0);
	put16(z, 0x5721);
	put32(z, d ? 0 : m->crc);
	put32(z, d ? 0 : (uint32_t)m->comp);
	put32(z, d ? 0 : (uint32_t)m->size);
	put16(z, (uint16_t)name_len(m));
	put16(z, 0);
	put(z, m->name, name_len(m));
	put(z, comp, clen);
	if (m->desc == DESC_SIG32 || m->desc == DESC_SIG64)
		put32(z, 0x08074b50);
	if (d)
		put32(z, m->crc ^ m->desc_crc_xor);
	if (m->desc == DESC_SIG32 || m->desc == DESC_NOSIG32) {
		put32(z, (uint32_t)m->comp);
		put32(z, (uint32_t)m->size);
	} else if (d) {
		put64(z, m->comp);
		put64(z, m->size);
	}
}

/* What a central directory header says, as overrides of the member's facts. */
struct cdo {
	int set_offset;
	uint32_t offset;
	int set_comp;
	uint32_t comp;
	int set_method;
	uint16_t method;
	int set_size;
	uint32_t size;
	const uint8_t *extra;
	uint16_t extra_len;
};

static void add_central(struct zb *z, const struct zm *m, const struct cdo *o)
{
	put32(z, 0x02014b50);
	put16(z, 0x031e); /* Unix */
	put16(z, 20);
	put16(z, m->flags);
	put16(z, o && o->set_method ? o->method : (uint16_t)m->method);
	put16(z, 0);
	put16(z, 0x5721);
	put32(z, m->crc);
	put32(z, o && o->set_comp ? o->comp : (uint32_t)m->comp);
	put32(z, o && o->set_size ? o->size : (uint32_t)m->size);
	put16(z, (uint16_t)name_len(m));
	put16(z, o ? o->extra_len : 0);
	put16(z, 0);
	put16(z, 0);
	put16(z, 0);
	put32(z, 0100644u << 16);
	put32(z, o && o->set_offset ? o->offset : (uint32_t)m->offset);
	put(z, m->name, name_len(m));
	if (o && o->extra_len)
		put(z, o->extra, o->extra_len);
}

static void add_eocd(struct zb *z, uint16_t entries, uint64_t cd_off, uint64_t cd_size,
                     uint16_t comment_len)
{
	put32(z, 0x06054b50);
	put16(z, 0);
	put16(z, 0);
	put16(z, entries);
	put16(z, entries);
	put32(z, (uint32_t)cd_size);
	put32(z, (uint32_t)cd_off);
	put16(z, comment_len);
}

static struct zip_end end;
static struct arc_problem prob;

static int locate(struct zb *z)
{
	struct zip_mem b = {z->p, z->len};
	return zip_end_locate(zip_mem_read_at, &b, z->len, &end, &prob);
}

/* z := member m, `headers` directory headers for it (with overrides o), and
 * an end record claiming `entries` with the given directory offset (0: the
 * real one). Returns the directory's offset. */
static uint64_t single(struct zb *z, struct zm *m, const struct cdo *o, int headers,
                       uint16_t entries, uint64_t cd_claimed)
{
	z->len = 0;
	add_member(z, m);
	uint64_t cd = z->len;
	for (int i = 0; i < headers; i++)
		add_central(z, m, o);
	add_eocd(z, entries, cd_claimed ? cd_claimed : cd, z->len - cd, 0);
	return cd;
}

/* Locates z's directory and starts iterating it. */
static void iterate(struct zb *z, struct zip_cd_iter *it)
{
	CHECK_INT(locate(z), 0);
	zip_cd_begin(it, z->p + end.cd_offset, (size_t)end.cd_size, &end);
}

static void test_member_problems(void)
{
	static struct zb z;
	z.len = 0;
	struct zm m[] = {
	    {.name = "../x", .content = "dotdot"},
	    {.name = "/etc/passwd", .content = "root"},
	    {.name = "a\0b", .name_len = 3, .content = "nul"},
	    {.name = "secret", .content = "xxxxxxxxxxxx", .flags = ZIP_FLAG_ENCRYPTED},
	    {.name = "bzip2", .content = "BZh9", .method = 12},
	    {.name = "huge", .content = "h"},
	    {.name = "beyond", .content = "b"},
	    {.name = "ok", .content = "fine", .method = 8},
	    {.name = "renamed", .content = "r"},
	};
	size_t n = sizeof m / sizeof m[0];
	for (size_t i = 0; i < n; i++)
		add_member(&z, &m[i]);
	uint64_t cd = z.len;
	struct cdo huge = {.set_comp = 1, .comp = 0xFFFFFFF0u};
	struct cdo beyond = {.set_offset = 1, .offset = (uint32_t)cd};
	for (size_t i = 0; i < n; i++)
		add_central(&z, &m[i], i == 5 ? &huge : i == 6 ? &beyond : NULL);
	/* A second entry for "ok"'s bytes: overlap. */
	add_central(&z, &m[7], NULL);
	add_eocd(&z, (uint16_t)(n + 1), cd, z.len - cd, 0);
	/* The local header of "renamed" names another member. */
	memcpy(z.p + m[8].offset + 30, "RENAMED", 7);
	CHECK_INT(locate(&z), 0);
	struct zip_cd_iter it;
	zip_cd_begin(&it, z.p + end.cd_offset, (size_t)end.cd_size, &end);
	static struct zip_entry e;
	enum arc_code want[] = {ARC_OK,
	                        ARC_OK,
	                        ARC_NAME_NUL,
	                        ARC_ENCRYPTED,
	                        ARC_UNSUPPORTED_METHOD,
	                        ARC_OUT_OF_BOUNDS,
	                        ARC_OUT_OF_BOUNDS,
	                        ARC_OK,
	                        ARC_OK,
	                        ARC_OK};
	enum arc_code path_want[] = {ARC_NAME_DOTDOT, ARC_NAME_ABSOLUTE, ARC_NAME_NUL};
	struct zip_span spans[16];
	size_t k = 0;
	while (zip_cd_next(&it, &e, &prob) == 1) {
		CHECK_MSG(e.problem.code == want[k], "entry %zu: %s (%s)", k,
		          arc_code_name(e.problem.code), e.problem.msg);
		struct member_path mp;
		struct arc_problem pp;
		member_path_clean(e.name, e.name_len, &mp, &pp);
		if (k < 3)
			CHECK_INT(pp.code, path_want[k]);
		struct zip_local l;
		struct arc_problem lp;
		if (e.problem.code == ARC_OK) {
			CHECK_INT(zip_local_parse(z.p + e.local_offset, z.len - e.local_offset,
			                          e.local_offset, &l, &lp),
			          0);
			CHECK_INT(zip_local_check(&l, &e, end.cd_offset, &lp) == 0 ? ARC_OK
			                                                           : lp.code,
			          k == 8 ? ARC_LOCAL_MISMATCH : ARC_OK);
			spans[k] =
			    (struct zip_span){e.local_offset, l.data_offset + e.comp_size, k, 0};
		} else {
			spans[k] = (struct zip_span){0, 0, k, 0};
		}
		k++;
	}
	CHECK_INT(k, n + 1);
	CHECK_INT(zip_cd_next(&it, &e, &prob), 0);
	CHECK_INT(zip_spans_mark_overlaps(spans, k), 2);
	for (size_t i = 0; i < k; i++)
		CHECK_INT(spans[i].overlaps, spans[i].index == 7 || spans[i].index == 9);

	/* The walk sees the same members from their local headers. */
	struct zip_mem b = {z.p, z.len};
	struct zip_walk w;
	CHECK_INT(zip_walk_begin(&w, zip_mem_read_at, &b, z.len, &prob), 0);
	enum arc_code walk_want[] = {
	    ARC_OK, ARC_OK, ARC_NAME_NUL, ARC_ENCRYPTED, ARC_UNSUPPORTED_METHOD,
	    ARC_OK, ARC_OK, ARC_OK,       ARC_OK};
	k = 0;
	while (zip_walk_next(&w, &e) == 1) {
		CHECK_INT(e.problem.code, walk_want[k]);
		k++;
	}
	CHECK_INT(k, n);
	CHECK_INT(w.stop.code, ARC_OK); /* reached the directory */
	zip_walk_end(&w);
}

static void test_end_records(void)
{
	static struct zb z;
	struct zm m = {.name = "a", .content = "abc"};
	/* No end record at all. */
	z.len = 0;
	add_member(&z, &m);
	CHECK_INT(locate(&z), -EBADMSG);
	CHECK_INT(prob.code, ARC_NO_END);
	/* Tiny inputs. */
	struct zb *t = &z;
	t->len = 5;
	CHECK_INT(locate(t), -EBADMSG);
	CHECK_INT(prob.code, ARC_NO_END);
	/* The longest comment, holding a fake end record. */
	z.len = 0;
	add_member(&z, &m);
	uint64_t cd = z.len;
	add_central(&z, &m, NULL);
	add_eocd(&z, 1, cd, z.len - cd, 65535);
	size_t comment = z.len;
	memset(z.p + comment, 'c', 65535);
	z.len += 65535;
	struct zb fake = {0};
	add_eocd(&fake, 9, 0, 999999, 0);
	memcpy(z.p + comment + 100, fake.p, fake.len);
	CHECK_INT(locate(&z), 0);
	CHECK_INT(end.entries, 1);
	CHECK_INT(end.cd_offset, cd);
	CHECK_INT(end.trailing, 0);
	/* Trailing bytes after the record. */
	single(&z, &m, NULL, 1, 1, 0);
	put(&z, "junk", 4);
	CHECK_INT(locate(&z), 0);
	CHECK_INT(end.trailing, 4);
	/* A directory offset past the end record. */
	single(&z, &m, NULL, 1, 1, 0x7FFFFFF0);
	CHECK_INT(locate(&z), -EBADMSG);
	CHECK_INT(prob.code, ARC_BAD_END);
	/* More entries claimed than the directory can hold. */
	single(&z, &m, NULL, 1, 2, 0);
	CHECK_INT(locate(&z), -EBADMSG);
	CHECK_INT(prob.code, ARC_BAD_END);
	/* A count that lies the other way: 1 claimed, 2 present. */
	single(&z, &m, NULL, 2, 1, 0);
	struct zip_cd_iter it;
	static struct zip_entry e;
	iterate(&z, &it);
	CHECK_INT(zip_cd_next(&it, &e, &prob), 1);
	CHECK_INT(zip_cd_next(&it, &e, &prob), 1);
	CHECK_INT(zip_cd_next(&it, &e, &prob), -EBADMSG);
	CHECK_INT(prob.code, ARC_COUNT_MISMATCH);
	CHECK_INT(zip_cd_next(&it, &e, &prob), -EBADMSG);
	CHECK_INT(prob.code, ARC_COUNT_MISMATCH);
	/* A directory cut inside a header, and one with garbage. */
	zip_cd_begin(&it, z.p + end.cd_offset, 40, &end);
	CHECK_INT(zip_cd_next(&it, &e, &prob), -EBADMSG);
	CHECK_INT(prob.code, ARC_TRUNCATED);
	z.p[cd] = 'X';
	iterate(&z, &it);
	CHECK_INT(zip_cd_next(&it, &e, &prob), -EBADMSG);
	CHECK_INT(prob.code, ARC_BAD_SIGNATURE);
	/* Several disks. */
	single(&z, &m, NULL, 1, 1, 0);
	z.p[z.len - 22 + 4] = 1;
	CHECK_INT(locate(&z), -ENOTSUP);
	CHECK_INT(prob.code, ARC_MULTIDISK);
}

static void add_zip64_end(struct zb *z, uint64_t entries, uint64_t cd_off, uint64_t cd_size,
                          uint64_t rec_off_override)
{
	uint64_t rec = z->len;
	put32(z, 0x06064b50);
	put64(z, 44);
	put16(z, 45);
	put16(z, 45);
	put32(z, 0);
	put32(z, 0);
	put64(z, entries);
	put64(z, entries);
	put64(z, cd_size);
	put64(z, cd_off);
	put32(z, 0x07064b50);
	put32(z, 0);
	put64(z, rec_off_override ? rec_off_override : rec);
	put32(z, 1);
	add_eocd(z, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0);
}

static void test_zip64(void)
{
	static struct zb z;
	struct zm m = {.name = "a", .content = "abc"};
	z.len = 0;
	add_member(&z, &m);
	uint64_t cd = z.len;
	add_central(&z, &m, NULL);
	uint64_t cd_size = z.len - cd;
	add_zip64_end(&z, 1, cd, cd_size, 0);
	CHECK_INT(locate(&z), 0);
	CHECK(end.zip64);
	CHECK_INT(end.entries, 1);
	CHECK_INT(end.cd_offset, cd);
	CHECK_INT(end.cd_size, cd_size);
	/* The locator points past itself, or at bytes that are not the record. */
	z.len = cd + cd_size;
	add_zip64_end(&z, 1, cd, cd_size, 1ull << 40);
	CHECK_INT(locate(&z), -EBADMSG);
	CHECK_INT(prob.code, ARC_BAD_END);
	z.len = cd + cd_size;
	add_zip64_end(&z, 1, cd, cd_size, 1);
	CHECK_INT(locate(&z), -EBADMSG);
	CHECK_INT(prob.code, ARC_BAD_SIGNATURE);
	/* A ZIP64 record whose directory runs past it. */
	z.len = cd + cd_size;
	add_zip64_end(&z, 1, cd, cd_size + 1000, 0);
	CHECK_INT(locate(&z), -EBADMSG);
	CHECK_INT(prob.code, ARC_BAD_END);
	/* Sizes of 0xFFFFFFFF without a ZIP64 extra. */
	/* The ZIP64 extra holds only the overflowed fields, in their order. */
	struct zb x = {0};
	struct zm big = {.name = "b", .content = "0123456789"};
	z.len = 0;
	put(&z, "0123456789abcdef", 16); /* the member starts at 16 */
	add_member(&z, &big);
	put16(&x, 0x0001);
	put16(&x, 8);
	put64(&x, 16);
	struct cdo offset_only = {
	    .set_offset = 1, .offset = 0xFFFFFFFFu, .extra = x.p, .extra_len = (uint16_t)x.len};
	uint64_t cd2 = z.len;
	add_central(&z, &big, &offset_only);
	x.len = 0;
	put16(&x, 0x0001);
	put16(&x, 16);
	put64(&x, 10); /* uncompressed size, then (no compressed size) the offset */
	put64(&x, 16);
	struct cdo size_offset = {.set_offset = 1,
	                          .offset = 0xFFFFFFFFu,
	                          .set_size = 1,
	                          .size = 0xFFFFFFFFu,
	                          .extra = x.p,
	                          .extra_len = (uint16_t)x.len};
	add_central(&z, &big, &size_offset);
	struct cdo short_extra = size_offset;
	short_extra.extra_len = 12;
	x.p[2] = 8; /* the record says 8 bytes: one field for two */
	add_central(&z, &big, &short_extra);
	add_eocd(&z, 3, cd2, z.len - cd2, 0);
	struct zip_cd_iter it2;
	static struct zip_entry e2;
	iterate(&z, &it2);
	CHECK_INT(zip_cd_next(&it2, &e2, &prob), 1);
	CHECK_INT(e2.problem.code, ARC_OK);
	CHECK_INT(e2.local_offset, 16);
	CHECK_INT(e2.size, 10);
	CHECK_INT(zip_cd_next(&it2, &e2, &prob), 1);
	CHECK_INT(e2.problem.code, ARC_OK);
	CHECK_INT(e2.local_offset, 16);
	CHECK_INT(e2.size, 10);
	CHECK_INT(e2.comp_size, 10);
	CHECK_INT(zip_cd_next(&it2, &e2, &prob), 1);
	CHECK_INT(e2.problem.code, ARC_BAD_EXTRA);
	CHECK_INT(zip_cd_next(&it2, &e2, &prob), 0);

	struct cdo sat = {.set_comp = 1, .comp = 0xFFFFFFFFu};
	single(&z, &m, &sat, 1, 1, 0);
	struct zip_cd_iter it;
	static struct zip_entry e;
	iterate(&z, &it);
	CHECK_INT(zip_cd_next(&it, &e, &prob), 1);
	CHECK_INT(e.problem.code, ARC_BAD_EXTRA);
}

/* Walks z, expecting the members' names in order, then rc and the stop code. */
static void expect_walk(struct zb *z, const char *const *names, const enum arc_code *codes, int rc,
                        enum arc_code stop, uint64_t max_size)
{
	struct zip_mem b = {z->p, z->len};
	struct zip_walk w;
	static struct zip_entry e;
	CHECK_INT(zip_walk_begin(&w, zip_mem_read_at, &b, z->len, &prob), 0);
	if (max_size)
		w.max_member_size = max_size;
	size_t k = 0;
	int r;
	while ((r = zip_walk_next(&w, &e)) == 1) {
		CHECK_MSG(names[k] != NULL, "extra member '%s'", e.name);
		if (names[k] == NULL)
			break;
		CHECK_STR(e.name, names[k]);
		CHECK_MSG(e.problem.code == codes[k], "'%s': %s", e.name, e.problem.msg);
		k++;
	}
	CHECK_MSG(names[k] == NULL, "walk stopped before '%s': %s", names[k], w.stop.msg);
	CHECK_INT(r, rc < 0 ? arc_errno(stop) : rc); /* a failure says its errno */
	CHECK_MSG(w.stop.code == stop, "stop %s: %s", arc_code_name(w.stop.code), w.stop.msg);
	zip_walk_end(&w);
}

static void test_walk(void)
{
	static struct zb z;
	static char big[60000];
	memset(big, 'z', sizeof big - 1);
	struct zm good[] = {
	    {.name = "sig32",
	     .content = "deflated, signed descriptor",
	     .method = 8,
	     .desc = DESC_SIG32},
	    {.name = "nosig32",
	     .content = "deflated, bare descriptor",
	     .method = 8,
	     .desc = DESC_NOSIG32},
	    {.name = "nosig64",
	     .content = "deflated, bare wide descriptor",
	     .method = 8,
	     .desc = DESC_NOSIG64},
	    {.name = "stored64",
	     .content = "stored PK\x07\x08 with a wide one",
	     .desc = DESC_SIG64},
	    {.name = "badcrc",
	     .content = "the descriptor lies about this",
	     .method = 8,
	     .desc = DESC_SIG32,
	     .desc_crc_xor = 0x1234},
	    {.name = "bomb", .content = big, .method = 8, .desc = DESC_SIG32},
	};
	z.len = 0;
	for (size_t i = 0; i < 5; i++)
		add_member(&z, &good[i]);
	const char *names[] = {"sig32", "nosig32", "nosig64", "stored64", "badcrc", NULL};
	enum arc_code codes[] = {ARC_OK, ARC_OK, ARC_OK, ARC_OK, ARC_BAD_CRC};
	/* No directory at all: the walk ends at the end of the data. */
	expect_walk(&z, names, codes, -1, ARC_TRUNCATED, 0);
	/* Garbage after the members. */
	put(&z, "garbage garbage garbage garbage", 31);
	expect_walk(&z, names, codes, -1, ARC_BAD_SIGNATURE, 0);
	/* A bound on what a member may inflate to. */
	z.len = 0;
	add_member(&z, &good[5]);
	const char *none[] = {NULL};
	expect_walk(&z, none, codes, -1, ARC_TOO_BIG, 1000);
	/* Deflate data that is not deflate. */
	z.len = 0;
	add_member(&z, &good[0]);
	z.p[30 + 5] ^= 0xFF;
	z.p[30 + 6] = 0xFF;
	z.p[30 + 7] = 0xFF;
	expect_walk(&z, none, codes, -1, ARC_BAD_DATA, 0);
	/* Encrypted or another method, with a descriptor: the end cannot be found. */
	struct zm enc = {.name = "e",
	                 .content = "0123456789abcdef",
	                 .flags = ZIP_FLAG_ENCRYPTED,
	                 .desc = DESC_SIG32};
	z.len = 0;
	add_member(&z, &enc);
	expect_walk(&z, none, codes, -1, ARC_ENCRYPTED, 0);
	struct zm lzma = {
	    .name = "l", .content = "0123456789abcdef", .method = 14, .desc = DESC_SIG32};
	z.len = 0;
	add_member(&z, &lzma);
	expect_walk(&z, none, codes, -1, ARC_UNSUPPORTED_METHOD, 0);
	/* A stored member whose descriptor never comes. */
	struct zm nodesc = {.name = "s",
	                    .content = "stored, no descriptor follows PK\x07\x08 x",
	                    .desc = DESC_SIG32,
	                    .desc_crc_xor = 1};
	z.len = 0;
	add_member(&z, &nodesc);
	expect_walk(&z, none, codes, -1, ARC_TRUNCATED, 0);
	/* A size of 0xFFFFFFFF in a local header without ZIP64. */
	struct zm sat = {.name = "sat", .content = "x"};
	z.len = 0;
	add_member(&z, &sat);
	memset(z.p + 18, 0xFF, 4);
	expect_walk(&z, none, codes, -1, ARC_BAD_EXTRA, 0);
	/* A member whose data runs past the end. */
	z.len = 0;
	add_member(&z, &sat);
	z.p[18] = 200;
	expect_walk(&z, none, codes, -1, ARC_TRUNCATED, 0);
}

static void test_times(void)
{
	struct zip_dos_time t = {2023, 11, 14, 22, 13, 20};
	CHECK_INT(zip_dos_time_as_utc(&t), 1700000000);
	struct zip_dos_time zero = {1980, 0, 0, 0, 0, 0};
	CHECK_INT(zip_dos_time_as_utc(&zero), 315532800);
	struct zip_dos_time leap = {2024, 2, 29, 23, 59, 58};
	CHECK_INT(zip_dos_time_as_utc(&leap), 1709251198);
}

/* A source that fails every read, as a vanished archive would. */
static ssize_t failing_read_at(void *ctx, void *buf, size_t len, uint64_t off)
{
	(void)ctx, (void)buf, (void)len, (void)off;
	return -EIO;
}

/* The layer's one convention: a negative errno on failure, the problem's
 * code giving which (archive/problem.h), ARC_OK giving 0. */
static void test_errnos(void)
{
	CHECK_INT(zip_end_locate(failing_read_at, NULL, 100, &end, &prob), -EIO);
	CHECK_INT(prob.code, ARC_IO);
	struct zip_walk w;
	CHECK_INT(zip_walk_begin(&w, failing_read_at, NULL, 100, &prob), 0);
	struct zip_entry e;
	CHECK_INT(zip_walk_next(&w, &e), -EIO);
	CHECK_INT(w.stop.code, ARC_IO);
	CHECK_INT(zip_walk_next(&w, &e), -EIO); /* the end repeats */
	zip_walk_end(&w);
	CHECK_INT(arc_errno(ARC_OK), 0);
	CHECK_INT(arc_errno(ARC_NOMEM), -ENOMEM);
	CHECK_INT(arc_errno(ARC_TOO_BIG), -EFBIG);
	CHECK_INT(arc_errno(ARC_ENCRYPTED), -ENOTSUP);
	CHECK_INT(arc_errno(ARC_NAME_DOTDOT), -EINVAL);
	CHECK_INT(arc_errno(ARC_BAD_CHECKSUM), -EBADMSG);
	for (int c = ARC_OK + 1; c < ARC_CODE_COUNT; c++)
		CHECK_MSG(arc_errno((enum arc_code)c) < 0, "%s has no errno", arc_code_name(c));
}

int main(void)
{
	test_errnos();
	test_member_problems();
	test_end_records();
	test_zip64();
	test_walk();
	test_times();
	CHECK_DONE();
}
