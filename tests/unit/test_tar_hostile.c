/* Hand-made tar headers, one fault or one rarely seen form each: checksums
 * (signed and unsigned sums), base-256 and malformed numbers, PAX records
 * malformed or overriding (x and g), GNU long names over the bound, device
 * and link types, headers of the old GNU and V7 forms, streams cut inside
 * extension headers. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "archive/member_path.h"
#include "archive/tar.h"
#include "check.h"

static uint8_t stream[8 << 20];
static size_t slen;

static void octal(uint8_t *f, size_t len, uint64_t v)
{
	/* Digits from the right, zero-filled, NUL last. */
	f[len - 1] = '\0';
	for (size_t i = len - 1; i-- > 0; v >>= 3)
		f[i] = (uint8_t)('0' + (v & 7));
}

enum sum_kind { SUM_UNSIGNED, SUM_SIGNED, SUM_WRONG };

/* Appends a header block. magic: "ustar" (POSIX), "gnu" (old GNU) or "" (V7). */
static uint8_t *header(const char *name, char type, uint64_t size, const char *link,
                       const char *magic)
{
	uint8_t *h = stream + slen;
	memset(h, 0, 512);
	slen += 512;
	memcpy(h, name, strlen(name) < 100 ? strlen(name) : 100);
	octal(h + 100, 8, 0644);
	octal(h + 108, 8, 1000);
	octal(h + 116, 8, 1000);
	octal(h + 124, 12, size);
	octal(h + 136, 12, 1700000000);
	h[156] = (uint8_t)type;
	if (link)
		memcpy(h + 157, link, strlen(link));
	if (strcmp(magic, "ustar") == 0)
		memcpy(h + 257,
		       "ustar\0"
		       "00",
		       8);
	else if (strcmp(magic, "gnu") == 0)
		memcpy(h + 257, "ustar  \0", 8);
	return h;
}

/* Writes the checksum of h (call after the last change to it). */
static void seal(uint8_t *h, enum sum_kind sum)
{
	memset(h + 148, ' ', 8);
	long s = 0;
	for (int i = 0; i < 512; i++)
		s += sum == SUM_SIGNED ? (signed char)h[i] : h[i];
	if (sum == SUM_WRONG)
		s += 1;
	snprintf((char *)h + 148, 8, "%06lo", (unsigned long)s & 0777777);
	h[155] = ' ';
}

/* Appends a header with a correct (unsigned) checksum. */
static void plain(const char *name, char type, uint64_t size, const char *link, const char *magic)
{
	seal(header(name, type, size, link, magic), SUM_UNSIGNED);
}

static void data(const void *p, size_t len)
{
	memcpy(stream + slen, p, len);
	size_t padded = (len + 511) / 512 * 512;
	memset(stream + slen + len, 0, padded - len);
	slen += padded;
}

/* An extension member (x, g, L, K) with its data. */
static void extension(char type, const char *payload, size_t len)
{
	plain("././@LongLink", type, len, NULL, "ustar");
	data(payload, len);
}

static void file(const char *name, char type, const char *content)
{
	plain(name, type, strlen(content), NULL, "ustar");
	data(content, strlen(content));
}

static void end_blocks(void)
{
	memset(stream + slen, 0, 1024);
	slen += 1024;
}

/* Parses the stream; fills up to max members' copies. Returns the last step. */
struct got {
	char name[4200], link[256];
	size_t name_len;
	enum tar_type type;
	uint64_t size, skip;
	int64_t mtime_ns;
	enum arc_code problem;
};
static struct got got[16];
static int ngot;
static struct arc_problem prob;
static struct tar_parser tp;

static enum tar_step parse(void)
{
	struct tar_member m;
	enum tar_step step = TAR_NEED_MORE;
	uint64_t off = 0;
	tar_parser_init(&tp);
	ngot = 0;
	while (off + 512 <= slen) {
		step = tar_parser_feed(&tp, stream + off, &m, &prob);
		off += 512;
		if (step == TAR_MEMBER) {
			struct got *g = &got[ngot < 15 ? ngot++ : 15];
			size_t n =
			    m.name_len < sizeof g->name - 1 ? m.name_len : sizeof g->name - 1;
			memcpy(g->name, m.name, n);
			g->name[n] = '\0';
			g->name_len = m.name_len;
			snprintf(g->link, sizeof g->link, "%s", m.link);
			g->type = m.type;
			g->size = m.size;
			g->skip = m.skip;
			g->mtime_ns = m.mtime_ns;
			g->problem = m.problem.code;
			off = m.data_offset + m.skip;
			if (off > slen)
				break;
		} else if (step != TAR_NEED_MORE) {
			break;
		}
	}
	return step;
}

static void test_checksums(void)
{
	slen = 0;
	uint8_t *h = header("caf\xc3\xa9\xff.txt", '0', 0, NULL, "ustar");
	seal(h, SUM_SIGNED);
	plain("unsigned.txt", '0', 0, NULL, "ustar");
	h = header("wrong.txt", '0', 0, NULL, "ustar");
	seal(h, SUM_WRONG);
	CHECK_INT(parse(), TAR_ERROR);
	CHECK_INT(prob.code, ARC_BAD_CHECKSUM);
	CHECK_INT(ngot, 2);
	/* Ended: every further feed says the same. */
	struct tar_member m;
	CHECK_INT(tar_parser_feed(&tp, stream, &m, &prob), TAR_ERROR);
	CHECK_INT(prob.code, ARC_BAD_CHECKSUM);
	tar_parser_free(&tp);
	/* A checksum field that is not a number. */
	slen = 0;
	h = header("x", '0', 0, NULL, "ustar");
	memcpy(h + 148, "zzzzzzzz", 8);
	CHECK_INT(parse(), TAR_ERROR);
	CHECK_INT(prob.code, ARC_BAD_CHECKSUM);
	tar_parser_free(&tp);
}

static void test_numbers(void)
{
	int64_t v;
	CHECK_INT(tar_parse_number((const uint8_t *)"0000644\0", 8, &v), 0);
	CHECK_INT(v, 0644);
	CHECK_INT(tar_parse_number((const uint8_t *)"  644 \0\0", 8, &v), 0);
	CHECK_INT(v, 0644);
	CHECK_INT(tar_parse_number((const uint8_t *)"\0\0\0\0", 4, &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(tar_parse_number((const uint8_t *)"0008", 4, &v), -EINVAL);
	CHECK_INT(tar_parse_number((const uint8_t *)"12 3", 4, &v), -EINVAL);
	CHECK_INT(tar_parse_number((const uint8_t *)"777777777777777777777777", 24, &v), -EINVAL);
	const uint8_t pos[12] = {0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x80, 0, 0, 0}; /* 10 GiB */
	CHECK_INT(tar_parse_number(pos, 12, &v), 0);
	CHECK_INT(v, 10737418240ll);
	const uint8_t neg[12] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	                         0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE};
	CHECK_INT(tar_parse_number(neg, 12, &v), 0);
	CHECK_INT(v, -2);
	const uint8_t over[12] = {0x80, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
	CHECK_INT(tar_parse_number(over, 12, &v), -EINVAL);
	CHECK_INT(tar_parse_number(pos, 0, &v), -EINVAL);

	int64_t ns;
	CHECK_INT(tar_parse_pax_time("1700000000.123456789", 20, &ns), 0);
	CHECK_INT(ns, 1700000000123456789ll);
	CHECK_INT(tar_parse_pax_time("-1.5", 4, &ns), 0);
	CHECK_INT(ns, -1500000000ll);
	CHECK_INT(tar_parse_pax_time("7.12345678912", 13, &ns), 0);
	CHECK_INT(ns, 7123456789ll);
	CHECK_INT(tar_parse_pax_time("42", 2, &ns), 0);
	CHECK_INT(ns, 42000000000ll);
	CHECK_INT(tar_parse_pax_time("", 0, &ns), -EINVAL);
	CHECK_INT(tar_parse_pax_time(".5", 2, &ns), -EINVAL);
	CHECK_INT(tar_parse_pax_time("1e5", 3, &ns), -EINVAL);
	CHECK_INT(tar_parse_pax_time("1.2.3", 5, &ns), -EINVAL);
	CHECK_INT(tar_parse_pax_time("99999999999999999999", 20, &ns), -EINVAL);

	/* Base-256 in a header: a 10 GiB member and a negative mtime. */
	slen = 0;
	uint8_t *h = header("big.bin", '0', 0, NULL, "gnu");
	memcpy(h + 124, pos, 12);
	memcpy(h + 136, neg, 12);
	seal(h, SUM_UNSIGNED);
	CHECK_INT(parse(), TAR_MEMBER);
	CHECK_INT(ngot, 1);
	CHECK_INT(got[0].size, 10737418240ll);
	CHECK_INT(got[0].skip, 10737418240ll);
	CHECK_INT(got[0].mtime_ns, -2000000000ll);
	tar_parser_free(&tp);
	/* A negative size stops the stream. */
	slen = 0;
	h = header("neg", '0', 0, NULL, "gnu");
	memcpy(h + 124, neg, 12);
	seal(h, SUM_UNSIGNED);
	CHECK_INT(parse(), TAR_ERROR);
	CHECK_INT(prob.code, ARC_BAD_HEADER);
	tar_parser_free(&tp);
	/* So does a size that is not a number; a bad mtime is the member's problem. */
	slen = 0;
	h = header("badmtime", '0', 0, NULL, "ustar");
	memcpy(h + 136, "12x", 3);
	seal(h, SUM_UNSIGNED);
	h = header("badsize", '0', 0, NULL, "ustar");
	memcpy(h + 124, "9z", 2);
	seal(h, SUM_UNSIGNED);
	CHECK_INT(parse(), TAR_ERROR);
	CHECK_INT(prob.code, ARC_BAD_HEADER);
	CHECK_INT(ngot, 1);
	CHECK_INT(got[0].problem, ARC_BAD_HEADER);
	tar_parser_free(&tp);
}

static void test_pax(void)
{
	static const char good[] = "30 mtime=1600000000.000000001\n"
	                           "25 path=../../etc/passwd\n"
	                           "13 size=1000\n";
	slen = 0;
	extension('x', good, sizeof good - 1);
	plain("short", '0', 0, NULL, "ustar");
	static char body[1000];
	memset(body, 'b', sizeof body);
	data(body, sizeof body);
	/* Malformed records: each is a problem of the member that follows. */
	const char *bad[] = {"abc path=x\n",  "99 path=x\n",      "11 pathx=y\n", "9 =value\n",
	                     "12 size=12a\n", "15 mtime=1.2.3\n", "9 path=x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		extension('x', bad[i], strlen(bad[i]));
		file("after-bad", '0', "");
	}
	/* Empty value: the header's own name again; a sparse file is "other". */
	extension('x', "8 path=\n", 8);
	file("header-name", '0', "");
	extension('x', "22 GNU.sparse.major=1\n", 22);
	file("sparse", '0', "");
	end_blocks();
	CHECK_INT(parse(), TAR_END);
	CHECK_INT(ngot, 10);
	CHECK_STR(got[0].name, "../../etc/passwd");
	CHECK_INT(got[0].size, 1000);
	CHECK_INT(got[0].skip, 1024);
	CHECK_INT(got[0].mtime_ns, 1600000000000000001ll);
	CHECK_INT(got[0].problem, ARC_OK);
	struct member_path mp;
	struct arc_problem pp;
	CHECK_INT(member_path_clean(got[0].name, got[0].name_len, &mp, &pp), -EINVAL);
	CHECK_INT(pp.code, ARC_NAME_DOTDOT);
	for (int i = 1; i <= 7; i++) {
		CHECK_STR(got[i].name, "after-bad");
		CHECK_MSG(got[i].problem == (i == 3 ? ARC_OK : ARC_BAD_PAX), "bad record %d: %s", i,
		          arc_code_name(got[i].problem));
	}
	CHECK_STR(got[8].name, "header-name");
	CHECK_INT(got[9].type, TAR_OTHER);
	tar_parser_free(&tp);

	/* Global records hold for every later member; x overrides for one. */
	slen = 0;
	extension('g', "20 mtime=1234567890\n", 20);
	file("g1", '0', "");
	extension('x', "22 mtime=1000000000.5\n", 22);
	file("x1", '0', "");
	file("g2", '0', "");
	extension('g', "10 mtime=\n", 10);
	file("none", '0', "");
	end_blocks();
	CHECK_INT(parse(), TAR_END);
	CHECK_INT(ngot, 4);
	CHECK_INT(got[0].mtime_ns, 1234567890000000000ll);
	CHECK_INT(got[1].mtime_ns, 1000000000500000000ll);
	CHECK_INT(got[2].mtime_ns, 1234567890000000000ll);
	CHECK_INT(got[3].mtime_ns, 1700000000000000000ll);
	tar_parser_free(&tp);
}

static void test_gnu_and_types(void)
{
	static char name[TAR_EXT_MAX + 2];
	slen = 0;
	/* A GNU long name over the bound: consumed, refused, the stream goes on. */
	memset(name, 'n', sizeof name - 1);
	extension('L', name, sizeof name);
	file("truncated-name", '0', "x");
	/* A long name and a long link target. */
	memset(name, 'm', 300);
	name[300] = '\0';
	extension('L', name, 301);
	extension('K', "a/very/long/target", 19);
	plain("cut-name", '2', 0, "short-target", "gnu");
	plain("hard", '1', 0, "g1", "ustar");
	plain("dev", '3', 0, NULL, "ustar");
	plain("blk", '4', 0, NULL, "ustar");
	plain("fifo", '6', 0, NULL, "ustar");
	/* A directory's size is not data (as GNU tar reads it). */
	plain("dir/", '5', 4096, NULL, "ustar");
	/* V7: no magic, a trailing '/' makes a directory; old GNU: no prefix. */
	plain("v7dir/", '\0', 0, NULL, "");
	uint8_t *h = header("oldgnu", '0', 0, NULL, "gnu");
	memcpy(h + 345, "ATIMEATIME", 10);
	seal(h, SUM_UNSIGNED);
	h = header("posix", '0', 0, NULL, "ustar");
	memcpy(h + 345, "prefix/dir", 10);
	seal(h, SUM_UNSIGNED);
	plain("label", 'V', 0, NULL, "gnu");
	end_blocks();
	CHECK_INT(parse(), TAR_END);
	CHECK_INT(ngot, 11);
	CHECK_STR(got[0].name, "truncated-name");
	CHECK_INT(got[0].problem, ARC_NAME_TOO_LONG);
	CHECK_INT(got[1].name_len, 300);
	CHECK_STR(got[1].link, "a/very/long/target");
	CHECK_INT(got[1].type, TAR_SYMLINK);
	CHECK_INT(got[1].problem, ARC_OK);
	CHECK_INT(got[2].type, TAR_HARDLINK);
	CHECK_STR(got[2].link, "g1");
	CHECK_INT(got[3].type, TAR_DEVICE);
	CHECK_INT(got[4].type, TAR_DEVICE);
	CHECK_INT(got[5].type, TAR_FIFO);
	CHECK_INT(got[6].type, TAR_DIRECTORY);
	CHECK_INT(got[6].size, 0);
	CHECK_INT(got[6].skip, 0);
	CHECK_INT(got[7].type, TAR_DIRECTORY);
	CHECK_STR(got[8].name, "oldgnu");
	CHECK_STR(got[9].name, "prefix/dir/posix");
	CHECK_INT(got[10].type, TAR_OTHER);
	tar_parser_free(&tp);
}

static void test_cut_streams(void)
{
	struct arc_problem p;
	/* Cut inside a PAX record's data, and after it before its member. */
	slen = 0;
	static char rec[2000];
	memset(rec, 'c', sizeof rec);
	memcpy(rec, "2000 comment=", 13);
	rec[1999] = '\n';
	extension('x', rec, sizeof rec);
	file("m", '0', "");
	size_t whole = slen;
	for (size_t cut = 512; cut < whole; cut += 512) {
		slen = cut;
		CHECK_INT(parse(), TAR_NEED_MORE);
		CHECK_INT(ngot, 0);
		CHECK_INT(tar_parser_finish(&tp, &p), -EBADMSG);
		CHECK_INT(p.code, ARC_TRUNCATED);
		tar_parser_free(&tp);
	}
	slen = whole;
	CHECK_INT(parse(), TAR_MEMBER);
	CHECK_INT(tar_parser_finish(&tp, &p), 0); /* no end blocks: accepted */
	tar_parser_free(&tp);
	/* Nothing at all. */
	slen = 0;
	parse();
	CHECK_INT(tar_parser_finish(&tp, &p), 0);
	tar_parser_free(&tp);
}

int main(void)
{
	test_checksums();
	test_numbers();
	test_pax();
	test_gnu_and_types();
	test_cut_streams();
	CHECK_DONE();
}
