/* The zip parts of a SOURCE (source_open): a generated Takeout in two parts,
 * packed by Info-ZIP zip (media stored, the rest deflated; ZIP64 forced; a
 * pipe's data descriptors) and by Python's zipfile, must show through the
 * source API exactly the tree and the bytes of the parts extracted: every
 * file, size, mtime, and every byte read whole and at random offsets. Then
 * the faults: a part also present extracted, a part cut short (its local
 * headers are walked), members that would leave the tree or are encrypted,
 * and a file that only claims to be a zip. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "source/source.h"

static char work[256];

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return system(cmd);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc((size_t)n + 1);
	*len = buf && fread(buf, 1, (size_t)n, f) == (size_t)n ? (size_t)n : 0;
	fclose(f);
	return buf;
}

struct tally {
	int files, dirs, bad;
};

/* Walks the source folder dir (path rel) and checks every file against
 * extracted/rel; counts what it saw. */
static void compare_tree(struct source *s, struct source_reader *r, struct source_dir *dir,
                         const char *rel, const char *extracted, struct tally *t)
{
	struct source_listing l;
	CHECK_INT(source_dir_list(dir, true, &l), 0);
	for (size_t i = 0; i < l.n; i++) {
		const struct source_entry *e = &l.entries[i];
		char sub[4096], native[8192];
		snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->name);
		snprintf(native, sizeof native, "%s/%s", extracted, sub);
		struct stat st;
		if (lstat(native, &st) != 0) {
			CHECK_MSG(false, "%s is in the source, not in the extracted parts", sub);
			t->bad++;
			continue;
		}
		if (e->type == SOURCE_DIR) {
			CHECK_MSG(S_ISDIR(st.st_mode), "%s: a folder here only", sub);
			struct source_dir *child;
			CHECK_INT(source_dir_open(dir, e->name, &child), 0);
			t->dirs++;
			compare_tree(s, r, child, sub, extracted, t);
			source_dir_close(child);
			continue;
		}
		t->files++;
		CHECK_MSG(e->type == SOURCE_FILE && S_ISREG(st.st_mode), "%s: type", sub);
		CHECK_MSG(e->facts.size == (uint64_t)st.st_size, "%s: size %llu, extracted %lld",
		          sub, (unsigned long long)e->facts.size, (long long)st.st_size);
		CHECK_MSG(
		    e->facts.mtime_ns / 1000000000 == st.st_mtim.tv_sec, "%s: mtime %lld != %lld",
		    sub, (long long)(e->facts.mtime_ns / 1000000000), (long long)st.st_mtim.tv_sec);
		size_t want_len;
		unsigned char *want = slurp(native, &want_len);
		struct source_file f;
		int rc = source_open_in(r, rel, e->name, &f);
		CHECK_MSG(rc == 0, "%s: open %d", sub, rc);
		if (rc != 0 || !want) {
			free(want);
			continue;
		}
		CHECK(!f.passthrough);
		unsigned char *got = malloc(want_len + 16);
		ssize_t n = source_pread(&f, got, want_len + 16, 0);
		bool same = n == (ssize_t)want_len && memcmp(got, want, want_len) == 0;
		/* Three reads at offsets inside the file, then one past its end. */
		for (int k = 1; k <= 3 && same && want_len > 1; k++) {
			uint64_t off = (uint64_t)(want_len * (size_t)k / 4);
			size_t len = want_len - off < 777 ? want_len - off : 777;
			n = source_pread(&f, got, len, off);
			same = n == (ssize_t)len && memcmp(got, want + off, len) == 0;
		}
		same = same && source_pread(&f, got, 10, want_len) == 0;
		CHECK_MSG(same, "%s: bytes differ from the extracted file", sub);
		t->bad += !same;
		source_close(&f);
		free(got);
		free(want);
	}
	source_listing_free(&l);
}

static void check_format(const char *gen_src, const char *format)
{
	char out[512];
	snprintf(out, sizeof out, "%s/%s", work, format);
	CHECK_INT(run("python3 %s/tests/gen/pack_parts.py %s %s %s", getenv("TFS_SRC"), gen_src,
	              out, format),
	          0);
	struct source *s;
	int rc = source_open(out, &s);
	CHECK_MSG(rc == 0, "%s: source_open %d", format, rc);
	if (rc != 0)
		return;
	const struct source_problem *probs;
	size_t np = source_problems(s, &probs);
	for (size_t i = 0; i < np; i++)
		fprintf(stderr, "%s: problem %s: %s\n", format, probs[i].path, probs[i].what);
	CHECK_MSG(np == 0, "%s: %zu problems", format, np);
	struct source_reader *r = source_reader_new(s);
	struct source_dir *root;
	CHECK_INT(source_dir_root(s, &root), 0);
	struct tally t = {0};
	compare_tree(s, r, root, "", gen_src, &t);
	source_dir_close(root);
	printf("%s: %d files, %d folders, %d wrong\n", format, t.files, t.dirs, t.bad);
	CHECK_MSG(t.files > 300 && t.bad == 0, "%s", format);
	/* The checked open by path, as the FUSE layer and the CRC service use it. */
	struct source_file f;
	char path[512];
	snprintf(path, sizeof path, "takeout-20240525T201456Z-001/Takeout/archive_browser.html");
	struct stat st;
	char native[1024];
	snprintf(native, sizeof native, "%s/%s", gen_src, path);
	CHECK_INT(stat(native, &st), 0);
	CHECK_INT(
	    source_open_checked(s, path, st.st_size, (int64_t)st.st_mtim.tv_sec * 1000000000, &f),
	    0);
	source_close(&f);
	CHECK_INT(source_open_checked(s, path, st.st_size + 1,
	                              (int64_t)st.st_mtim.tv_sec * 1000000000, &f),
	          -EIO);
	CHECK_INT(source_open_checked(s, "takeout-20240525T201456Z-001/nope", 1, 0, &f), -ENOENT);
	source_reader_free(r);
	source_free(s);
}

static bool has_problem(struct source *s, const char *path_part, const char *what_part)
{
	const struct source_problem *probs;
	size_t n = source_problems(s, &probs);
	for (size_t i = 0; i < n; i++)
		if (strstr(probs[i].path, path_part) && strstr(probs[i].what, what_part))
			return true;
	return false;
}

/* Hostile members, made with Python's zipfile: each is a problem, the rest
 * of the part is served. */
static void check_hostile(void)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s/hostile", work);
	CHECK_INT(run("mkdir -p %s && python3 -W ignore - %s/evil.zip <<'EOF'\n"
	              "import sys, zipfile\n"
	              "with zipfile.ZipFile(sys.argv[1], 'w') as z:\n"
	              "    z.writestr('Takeout/ok.json', '{}')\n"
	              "    z.writestr('../escape.jpg', 'x')\n"
	              "    z.writestr('/etc/passwd', 'x')\n"
	              "    z.writestr('Takeout/a/../../up.jpg', 'x')\n"
	              "    z.writestr('Takeout/secret.jpg', 'x')\n"
	              "    z.writestr('Takeout/ok.json', '{\"again\": 1}')\n"
	              "# zipfile will not write the encryption flag: set it in both headers.\n"
	              "data = bytearray(open(sys.argv[1], 'rb').read())\n"
	              "name = b'Takeout/secret.jpg'\n"
	              "i = data.find(name)\n"
	              "while i >= 0:\n"
	              "    if data[i - 30:i - 26] == b'PK\\x03\\x04': data[i - 24] |= 1\n"
	              "    if data[i - 46:i - 42] == b'PK\\x01\\x02': data[i - 38] |= 1\n"
	              "    i = data.find(name, i + 1)\n"
	              "open(sys.argv[1], 'wb').write(data)\n"
	              "EOF",
	              dir, dir),
	          0);
	/* Not a zip, though named like one; and a zip that is also extracted. */
	CHECK_INT(run("echo 'not a zip' > %s/fake.zip && mkdir -p %s/twice/Takeout && "
	              "cd %s && python3 -c \"import zipfile; "
	              "zipfile.ZipFile('twice.zip','w').writestr('Takeout/x.json','{}')\"",
	              dir, dir, dir),
	          0);
	/* Two directory entries sharing one member's bytes (the overlapping-files
	 * zip bomb): both refused. */
	CHECK_INT(run("cd %s && python3 - <<'EOF'\n"
	              "import struct, zipfile\n"
	              "with zipfile.ZipFile('overlap.zip', 'w') as z:\n"
	              "    z.writestr('Takeout/a.jpg', 'A' * 1000)\n"
	              "    z.writestr('Takeout/fine.jpg', 'F' * 10)\n"
	              "data = bytearray(open('overlap.zip', 'rb').read())\n"
	              "eocd = data.rfind(b'PK\\x05\\x06')\n"
	              "n, size, off = struct.unpack('<HII', data[eocd + 10:eocd + 20])\n"
	              "first = data[off:off + 46 + len('Takeout/a.jpg')]\n"
	              "twin = first.replace(b'Takeout/a.jpg', b'Takeout/b.jpg')\n"
	              "cd = data[off:off + size] + twin\n"
	              "end = data[eocd:eocd + 22]\n"
	              "end[8:10] = end[10:12] = struct.pack('<H', n + 1)\n"
	              "end[12:16] = struct.pack('<I', size + len(twin))\n"
	              "open('overlap.zip', 'wb').write(data[:off] + cd + end)\n"
	              "EOF",
	              dir),
	          0);
	struct source *s;
	CHECK_INT(source_open(dir, &s), 0);
	CHECK(has_problem(s, "overlap/Takeout/a.jpg", "overlaps"));
	CHECK(has_problem(s, "overlap/Takeout/b.jpg", "overlaps"));
	CHECK(!has_problem(s, "overlap/Takeout/fine.jpg", ""));
	CHECK(has_problem(s, "evil/../escape.jpg", ".."));
	CHECK(has_problem(s, "evil//etc/passwd", "absolute"));
	CHECK(has_problem(s, "evil/Takeout/a/../../up.jpg", ".."));
	CHECK(has_problem(s, "evil/Takeout/secret.jpg", "encrypted"));
	CHECK(has_problem(s, "evil/Takeout/ok.json", "twice"));
	CHECK(has_problem(s, "twice.zip", "folder is used"));
	struct source_reader *r = source_reader_new(s);
	struct source_file f;
	CHECK_INT(source_open_in(r, "evil/Takeout", "ok.json", &f), 0);
	char buf[16];
	CHECK_INT(source_pread(&f, buf, sizeof buf, 0), 2); /* the first of the two */
	source_close(&f);
	CHECK_INT(source_open_in(r, "evil/Takeout", "secret.jpg", &f), -ENOENT);
	CHECK_INT(source_open_in(r, "", "fake.zip", &f), 0); /* an ordinary file */
	source_close(&f);
	CHECK_INT(source_open_in(r, "twice/Takeout", "x.json", &f), -ENOENT); /* the folder's */
	source_reader_free(r);
	source_free(s);
}

/* A part cut inside its central directory: the local headers are walked. */
static void check_truncated(const char *gen_src)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s/cut", work);
	CHECK_INT(run("mkdir -p %s && cd %s/takeout-20240525T201456Z-001 && "
	              "zip -q -r -n .jpg:.mp4 %s/part.zip . && cd %s && "
	              "truncate -s $(( $(stat -c %%s part.zip) - 300 )) part.zip",
	              dir, gen_src, dir, dir),
	          0);
	struct source *s;
	CHECK_INT(source_open(dir, &s), 0);
	CHECK(has_problem(s, "part", "no central directory"));
	struct source_reader *r = source_reader_new(s);
	struct source_dir *root, *part;
	CHECK_INT(source_dir_root(s, &root), 0);
	CHECK_INT(source_dir_open(root, "part", &part), 0);
	struct tally t = {0};
	char extracted[1024];
	snprintf(extracted, sizeof extracted, "%s/takeout-20240525T201456Z-001", gen_src);
	/* Compare through a path that names the part the way the tree does. */
	char link[1100];
	snprintf(link, sizeof link, "%s/cut-ref", work);
	CHECK_INT(run("mkdir -p %s && ln -sfn %s %s/part", link, extracted, link), 0);
	compare_tree(s, r, part, "part", link, &t);
	printf("cut part: %d files served from local headers, %d wrong\n", t.files, t.bad);
	CHECK(t.files > 100 && t.bad == 0);
	source_dir_close(part);
	source_dir_close(root);
	source_reader_free(r);
	source_free(s);
}

int main(void)
{
	const char *gen = getenv("TFS_GEN"), *srcdir = getenv("TFS_SRC");
	if (!gen || !srcdir) {
		fprintf(stderr,
		        "test_source_zip: TFS_GEN and TFS_SRC must be set (run through ctest)\n");
		CHECK(false);
		CHECK_DONE();
	}
	snprintf(work, sizeof work, "/tmp/tfs-source-zip.XXXXXX");
	CHECK(mkdtemp(work) != NULL);
	char gen_src[512];
	snprintf(gen_src, sizeof gen_src, "%s/src", work);
	CHECK_INT(
	    run("%s --out %s --items 300 --seed 4 --parts 2 --corpus %s/tests/data >/dev/null "
	        "&& rm %s/*.tsv",
	        gen, gen_src, srcdir, gen_src),
	    0);
	const char *formats[] = {"zip-infozip", "zip64-infozip", "zip-python", "zip-stream"};
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		check_format(gen_src, formats[i]);
	check_hostile();
	check_truncated(gen_src);
	run("rm -rf %s", work);
	CHECK_DONE();
}
