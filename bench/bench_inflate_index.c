/* Random access into gzip, measured against the decompressors of this
 * machine, in one run. For two kinds of data (photo-like: the media files of
 * --photos repeated, or random bytes; and compressible JSON-like text) it
 * writes PARTS files, compresses them with the `gzip` tool, then prints:
 *  - the index pass (ISA-L, seek points at the default spacing, CRC-32) over
 *    all parts in parallel against `gzip -dc`, `pigz -dc`, `igzip -dc` and a
 *    plain zlib inflate run over the same parts in parallel, with ratios
 *    (each the best of --reps runs, default 2: the machine may be shared);
 *  - for each spacing: points, blob size as % of the compressed part,
 *    median / 90th / worst latency of random 64 KiB reads at any offset of
 *    part 1 (a fresh reader each, no span cache, data in the page cache),
 *    and the sequential read throughput of one reader over part 1.
 * Usage: bench_inflate_index [--size MiB] [--parts N] [--photos DIR]
 *        [--reads N] [--reps N] [--spacings 1,2,4,8,16] [--kinds photo,text]
 *        [--dir D] */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "archive/inflate_index.h"

#define MAX_PARTS 16

static uint64_t size_mib = 2048;
static int parts = 2;
static const char *photos_dir;
static int nreads = 200;
static int reps = 2;
static char spacings_arg[128] = "1,2,4,8,16";
static char kinds_arg[64] = "photo,text";
static char dir[512];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_inflate_index: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double shell_time(const char *cmd)
{
	char full[4096];
	snprintf(full, sizeof full, "cd '%s' && { %s; }", dir, cmd);
	double t0 = now();
	if (system(full) != 0) {
		fprintf(stderr, "bench_inflate_index: failed: %s\n", cmd);
		return -1;
	}
	return now() - t0;
}

static int have(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The media files of photos_dir, concatenated, as the photo-like pattern. */
static unsigned char *photo_pattern(size_t *len)
{
	*len = 0;
	if (!photos_dir)
		return NULL;
	DIR *d = opendir(photos_dir);
	if (!d)
		die(photos_dir);
	unsigned char *buf = NULL;
	for (struct dirent *e; (e = readdir(d));) {
		const char *dot = strrchr(e->d_name, '.');
		if (!dot || strstr(".md.txt.json", dot))
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", photos_dir, e->d_name);
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		buf = realloc(buf, *len + (size_t)st.st_size);
		FILE *f = fopen(path, "rb");
		if (!buf || !f || fread(buf + *len, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
			die(path);
		fclose(f);
		*len += (size_t)st.st_size;
	}
	closedir(d);
	return buf;
}

static void fill_text(unsigned char *p, size_t n)
{
	static const char *words[] = {"{\n  \"title\": \"IMG_",
	                              ".jpg\",\n  \"description\": \"\",\n",
	                              "  \"photoTakenTime\": {\n    \"timestamp\": \"",
	                              "\",\n    \"formatted\": \"",
	                              " UTC\"\n  },\n  \"geoData\": {\n    \"latitude\": ",
	                              ",\n    \"longitude\": ",
	                              "\n  },\n  \"url\": \"https://photos.google.com/photo/",
	                              "\"\n}\n"};
	size_t at = 0;
	unsigned w = 0;
	while (at < n) {
		char tmp[96];
		int k = snprintf(tmp, sizeof tmp, "%s%llu", words[w++ % 8],
		                 (unsigned long long)(next_rand() % 100000000));
		for (int i = 0; i < k && at < n; i++)
			p[at++] = (unsigned char)tmp[i];
	}
}

/* Writes part files kind_k.bin and compresses them with gzip in parallel. */
static uint64_t make_parts(const char *kind)
{
	size_t patlen = 0;
	unsigned char *pat = strcmp(kind, "photo") == 0 ? photo_pattern(&patlen) : NULL;
	uint64_t part_size = (size_mib << 20) / (uint64_t)parts;
	size_t chunk = 8u << 20;
	unsigned char *buf = malloc(chunk);
	if (!buf)
		die("malloc");
	size_t patpos = 0;
	for (int k = 0; k < parts; k++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s_%d.bin", dir, kind, k);
		FILE *f = fopen(path, "wb");
		if (!f)
			die(path);
		for (uint64_t done = 0; done < part_size;) {
			size_t n = part_size - done < chunk ? (size_t)(part_size - done) : chunk;
			if (pat) {
				for (size_t i = 0; i < n;) {
					size_t m =
					    patlen - patpos < n - i ? patlen - patpos : n - i;
					memcpy(buf + i, pat + patpos, m);
					i += m;
					patpos = (patpos + m) % patlen;
				}
			} else if (strcmp(kind, "photo") == 0) {
				for (size_t i = 0; i + 8 <= n; i += 8) {
					uint64_t r = next_rand();
					memcpy(buf + i, &r, 8);
				}
			} else {
				fill_text(buf, n);
			}
			if (fwrite(buf, 1, n, f) != n)
				die(path);
			done += n;
		}
		fclose(f);
	}
	free(buf);
	free(pat);
	char cmd[1024] = "";
	for (int k = 0; k < parts; k++) {
		char one[160];
		snprintf(one, sizeof one, "gzip -6 -c %s_%d.bin > %s_%d.gz & ", kind, k, kind, k);
		strcat(cmd, one);
	}
	strcat(cmd, "wait");
	double t = shell_time(cmd);
	printf("  made %d x %llu MiB %s parts, gzip -6 in %.1f s\n", parts,
	       (unsigned long long)(part_size >> 20), kind, t);
	return part_size;
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		die(path);
	return (uint64_t)st.st_size;
}

static ssize_t fd_read_at(void *ctx, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(*(int *)ctx, buf, len, (off_t)off);
	return n < 0 ? -errno : n;
}

struct job {
	char path[1024];
	uint64_t spacing;
	int zlib_only;
	uint64_t out;
	int rc;
	struct inflate_index *idx;
	double seconds;
};

static int zlib_inflate_file(int fd, uint64_t *out)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 31) != Z_OK)
		return -1;
	size_t isz = 1u << 20, osz = 1u << 20;
	unsigned char *in = malloc(isz), *ob = malloc(osz);
	uint64_t off = 0;
	int rc = 0;
	for (;;) {
		if (z.avail_in == 0) {
			ssize_t n = pread(fd, in, isz, (off_t)off);
			if (n <= 0)
				break;
			off += (uint64_t)n;
			z.next_in = in;
			z.avail_in = (uInt)n;
		}
		z.next_out = ob;
		z.avail_out = (uInt)osz;
		int zr = inflate(&z, Z_NO_FLUSH);
		*out += osz - z.avail_out;
		if (zr == Z_STREAM_END) {
			inflateReset(&z);
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			rc = -1;
			break;
		}
	}
	inflateEnd(&z);
	free(in);
	free(ob);
	return rc;
}

static void *run_job(void *arg)
{
	struct job *j = arg;
	int fd = open(j->path, O_RDONLY);
	if (fd < 0)
		die(j->path);
	double t0 = now();
	if (j->zlib_only) {
		j->rc = zlib_inflate_file(fd, &j->out);
	} else {
		struct inflate_pass_config cfg = {INFLATE_GZIP, j->spacing, UINT64_MAX, NULL, NULL};
		struct inflate_pass *p = inflate_pass_new(&cfg);
		j->rc = inflate_pass_run(p, fd_read_at, &fd, file_size(j->path));
		struct inflate_pass_result res;
		inflate_pass_result(p, &res);
		j->out = res.out_size;
		j->idx = inflate_pass_take_index(p);
		inflate_pass_free(p);
	}
	j->seconds = now() - t0;
	close(fd);
	return NULL;
}

/* Runs one job per part in parallel; returns wall seconds. */
static double run_parallel(const char *kind, uint64_t spacing, int zlib_only, struct job *jobs)
{
	pthread_t th[MAX_PARTS];
	double t0 = now();
	for (int k = 0; k < parts; k++) {
		memset(&jobs[k], 0, sizeof jobs[k]);
		snprintf(jobs[k].path, sizeof jobs[k].path, "%s/%s_%d.gz", dir, kind, k);
		jobs[k].spacing = spacing;
		jobs[k].zlib_only = zlib_only;
		if (pthread_create(&th[k], NULL, run_job, &jobs[k]))
			die("pthread_create");
	}
	for (int k = 0; k < parts; k++)
		pthread_join(th[k], NULL);
	double t = now() - t0;
	for (int k = 0; k < parts; k++)
		if (jobs[k].rc)
			fprintf(stderr, "bench_inflate_index: %s failed: %d\n", jobs[k].path,
			        jobs[k].rc);
	return t;
}

static double tool_parallel(const char *tool, const char *kind)
{
	char cmd[2048] = "";
	for (int k = 0; k < parts; k++) {
		char one[200];
		snprintf(one, sizeof one, "%s -dc %s_%d.gz > /dev/null & ", tool, kind, k);
		strcat(cmd, one);
	}
	strcat(cmd, "wait");
	return shell_time(cmd);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void throughput_table(const char *kind, uint64_t part_size)
{
	double total_mb = (double)part_size * parts / 1e6;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "cat %s_*.gz > /dev/null", kind);
	shell_time(cmd); /* page cache warm for everyone */
	struct {
		const char *name;
		double secs;
	} rows[6];
	int nrows = 0;
	const char *tools[] = {"gzip", "pigz", "igzip"};
	for (int i = 0; i < 3; i++) {
		if (!have(tools[i])) {
			printf("  (%s not installed)\n", tools[i]);
			continue;
		}
		double best = 1e30;
		for (int rep = 0; rep < reps; rep++) {
			double t = tool_parallel(tools[i], kind);
			best = t < best ? t : best;
		}
		rows[nrows].name = tools[i];
		rows[nrows++].secs = best;
	}
	struct job jobs[MAX_PARTS];
	rows[nrows].name = "zlib inflate";
	rows[nrows++].secs = run_parallel(kind, 0, 1, jobs);
	double ours = 1e30;
	for (int rep = 0; rep < reps; rep++) {
		double t = run_parallel(kind, 0, 0, jobs);
		if (t < ours)
			ours = t;
		for (int k = 0; k < parts; k++)
			inflate_index_free(jobs[k].idx);
	}
	double fastest = 1e30, gzip_secs = rows[0].secs;
	printf("\n  %s: %d parts in parallel, %.0f MB uncompressed\n", kind, parts, total_mb);
	printf("  %-28s %9s %9s %10s\n", "decompressor", "seconds", "MB/s", "pass/it");
	for (int i = 0; i < nrows; i++) {
		printf("  %-28s %9.2f %9.0f %9.0f%%\n", rows[i].name, rows[i].secs,
		       total_mb / rows[i].secs, 100.0 * rows[i].secs / ours);
		if (strcmp(rows[i].name, "zlib inflate") != 0 && rows[i].secs < fastest)
			fastest = rows[i].secs;
	}
	printf("  %-28s %9.2f %9.0f\n", "index pass (takeoutfs)", ours, total_mb / ours);
	printf("  (pass/it: that run's time over the pass's; above 100%%, the pass is faster)\n");
	printf("  index pass vs gzip -dc: %.0f%%, vs the fastest tool: %.0f%% (goal >= 90%%)\n",
	       100.0 * gzip_secs / ours, 100.0 * fastest / ours);
}

static void spacing_table(const char *kind)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s_0.gz", dir, kind);
	uint64_t comp = file_size(path);
	printf("\n  %s part 1 (%.0f MB compressed): random 64 KiB reads, fresh reader each\n", kind,
	       (double)comp / 1e6);
	printf("  %8s %7s %10s %8s %9s %9s %9s %9s %10s\n", "spacing", "points", "blob KB",
	       "blob %", "pass s", "median ms", "p90 ms", "worst ms", "seq MB/s");
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	char list[128];
	snprintf(list, sizeof list, "%s", spacings_arg);
	double *lat = malloc(sizeof(double) * (size_t)nreads);
	unsigned char *buf = malloc(1u << 20);
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		uint64_t spacing = strtoull(tok, NULL, 10) << 20;
		struct job j;
		memset(&j, 0, sizeof j);
		snprintf(j.path, sizeof j.path, "%s", path);
		j.spacing = spacing;
		run_job(&j);
		if (j.rc || !j.idx) {
			printf("  pass failed (%d)\n", j.rc);
			continue;
		}
		unsigned char *blob;
		size_t blen;
		if (inflate_index_serialize(j.idx, &blob, &blen))
			die("serialize");
		free(blob);
		struct inflate_index_info info;
		inflate_index_info(j.idx, &info);
		int failures = 0;
		for (int i = 0; i < nreads; i++) {
			uint64_t off = next_rand() % (info.out_size - 65536);
			double t0 = now();
			struct inflate_reader *r =
			    inflate_reader_new(j.idx, fd_read_at, &fd, NULL, 0);
			ssize_t got = inflate_reader_read(r, buf, 65536, off);
			inflate_reader_free(r);
			lat[i] = (now() - t0) * 1e3;
			failures += got != 65536;
		}
		qsort(lat, (size_t)nreads, sizeof *lat, cmp_double);
		struct inflate_reader *r = inflate_reader_new(j.idx, fd_read_at, &fd, NULL, 0);
		double t0 = now();
		uint64_t off = 0;
		for (ssize_t got; (got = inflate_reader_read(r, buf, 65536, off)) > 0;)
			off += (uint64_t)got;
		double seq = now() - t0;
		inflate_reader_free(r);
		printf("  %5s MiB %7u %10.1f %7.3f%% %9.2f %9.2f %9.2f %9.2f %10.0f%s\n", tok,
		       info.points, blen / 1e3, 100.0 * (double)blen / (double)comp, j.seconds,
		       lat[nreads / 2], lat[nreads * 9 / 10], lat[nreads - 1], off / seq / 1e6,
		       failures || off != info.out_size ? "  READ ERRORS" : "");
		inflate_index_free(j.idx);
	}
	free(lat);
	free(buf);
	close(fd);
}

int main(int argc, char **argv)
{
	const char *base = NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--size") && v)
			size_mib = strtoull(v, NULL, 10), i++;
		else if (!strcmp(a, "--parts") && v)
			parts = atoi(v), i++;
		else if (!strcmp(a, "--photos") && v)
			photos_dir = v, i++;
		else if (!strcmp(a, "--reps") && v)
			reps = atoi(v), i++;
		else if (!strcmp(a, "--reads") && v)
			nreads = atoi(v), i++;
		else if (!strcmp(a, "--spacings") && v)
			snprintf(spacings_arg, sizeof spacings_arg, "%s", v), i++;
		else if (!strcmp(a, "--kinds") && v)
			snprintf(kinds_arg, sizeof kinds_arg, "%s", v), i++;
		else if (!strcmp(a, "--dir") && v)
			base = v, i++;
		else {
			fprintf(stderr,
			        "usage: %s [--size MiB] [--parts N] [--photos DIR] "
			        "[--reads N] [--reps N] [--spacings 1,2,4] [--kinds photo,text] "
			        "[--dir D]\n",
			        argv[0]);
			return 2;
		}
	}
	if (parts < 1 || parts > MAX_PARTS || nreads < 10 || size_mib < 64 || reps < 1) {
		fprintf(stderr, "bench_inflate_index: bad arguments\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "%s/bench-inflate-XXXXXX",
	         base               ? base
	         : getenv("TMPDIR") ? getenv("TMPDIR")
	                            : "/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp");
	printf("bench_inflate_index: %llu MiB per kind in %d parts, %d reads per spacing\n",
	       (unsigned long long)size_mib, parts, nreads);
	char kinds[64];
	snprintf(kinds, sizeof kinds, "%s", kinds_arg);
	char *save = NULL;
	for (char *kind = strtok_r(kinds, ",", &save); kind; kind = strtok_r(NULL, ",", &save)) {
		uint64_t part_size = make_parts(kind);
		throughput_table(kind, part_size);
		spacing_table(kind);
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -f %s_*", kind);
		shell_time(cmd);
	}
	rmdir(dir);
	return 0;
}
