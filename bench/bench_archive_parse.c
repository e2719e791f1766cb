/* Archive structure parsing speed: for each file given, the zip central
 * directory (end records + every entry + member_path) and the local-header
 * walk (which inflates members with data descriptors), or the tar header
 * parser over the whole stream. The file is read into memory first, so the
 * figures are the parsers' CPU cost alone, in thread CPU time, best of R.
 * Usage: bench_archive_parse [-r R] FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive/member_path.h"
#include "archive/tar.h"
#include "archive/zip.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct zip_entry entry;
static struct member_path path;

static size_t zip_directory(struct zip_mem *m)
{
	struct zip_end end;
	struct arc_problem p;
	if (zip_end_locate(zip_mem_read_at, m, m->len, &end, &p) < 0)
		return 0;
	struct zip_cd_iter it;
	zip_cd_begin(&it, m->p + end.cd_offset, (size_t)end.cd_size, &end);
	size_t n = 0;
	while (zip_cd_next(&it, &entry, &p) == 1) {
		member_path_clean(entry.name, entry.name_len, &path, &p);
		n++;
	}
	return n;
}

static size_t zip_walk(struct zip_mem *m)
{
	struct zip_walk w;
	struct arc_problem p;
	size_t n = 0;
	if (zip_walk_begin(&w, zip_mem_read_at, m, m->len, &p) == 0)
		while (zip_walk_next(&w, &entry) == 1)
			n++;
	zip_walk_end(&w);
	return n;
}

static size_t tar_stream(struct zip_mem *m)
{
	struct tar_parser tp;
	struct tar_member tm;
	struct arc_problem p;
	size_t n = 0;
	uint64_t off = 0;
	tar_parser_init(&tp);
	while (off + TAR_BLOCK <= m->len) {
		enum tar_step s = tar_parser_feed(&tp, m->p + off, &tm, &p);
		off += TAR_BLOCK;
		if (s == TAR_MEMBER) {
			member_path_clean(tm.name, tm.name_len, &path, &p);
			off = tm.data_offset + tm.skip;
			n++;
		} else if (s != TAR_NEED_MORE) {
			break;
		}
	}
	tar_parser_free(&tp);
	return n;
}

static void run(const char *label, const char *file, size_t (*fn)(struct zip_mem *),
                struct zip_mem *m, int reps)
{
	double best = 1e30;
	size_t n = 0;
	for (int r = 0; r < reps; r++) {
		double t0 = now();
		n = fn(m);
		double t = now() - t0;
		if (t < best)
			best = t;
	}
	printf("%-10s %-40s %9zu members %9.3f ms %8.0f ns/member %8.1f MB/s\n", label, file, n,
	       best * 1e3, n ? best * 1e9 / (double)n : 0.0, (double)m->len / best / 1e6);
}

int main(int argc, char **argv)
{
	int reps = 5, i = 1;
	if (argc > 2 && strcmp(argv[1], "-r") == 0) {
		reps = atoi(argv[2]);
		i = 3;
	}
	for (; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (f == NULL) {
			perror(argv[i]);
			return 1;
		}
		fseek(f, 0, SEEK_END);
		size_t len = (size_t)ftell(f);
		fseek(f, 0, SEEK_SET);
		uint8_t *buf = malloc(len ? len : 1);
		struct zip_mem m = {buf, len};
		if (buf == NULL || fread(buf, 1, len, f) != len) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			return 1;
		}
		fclose(f);
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		if (m.len >= 4 && memcmp(m.p, "PK", 2) == 0) {
			run("zip-cd", base, zip_directory, &m, reps);
			run("zip-walk", base, zip_walk, &m, reps);
		} else {
			run("tar", base, tar_stream, &m, reps);
		}
		free(buf);
	}
	return 0;
}
