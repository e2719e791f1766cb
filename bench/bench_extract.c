/* Extraction cost per format: media_probe() through the indexer's path (64
 * KiB head in memory, pread for the rest) and mime_sniff() on the head, over
 * the real corpus with a warm page cache, many iterations per file. Prints
 * µs/file per format and size class (best of 5 rounds), and the ratio to
 * JPEG of the same class.
 * Usage: bench_extract [CORPUS_DIR] [ITERATIONS]
 * (default: the repository's tests/corpus, as built in; 2000). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "media/mime.h"
#include "media/probe.h"

#define MAX_FILES 1024
#define ROUNDS    5

enum { CLASS_SMALL, CLASS_MEDIUM, CLASS_LARGE, N_CLASSES };
static const char *CLASS_NAMES[N_CLASSES] = {"<16K", "16K-256K", ">256K"};
static const char *FORMAT_NAMES[] = {"unknown", "JPEG", "PNG", "HEIF", "TIFF",
                                     "WebP",    "GIF",  "MP4", "video"};
#define N_FORMATS (sizeof FORMAT_NAMES / sizeof FORMAT_NAMES[0])

struct cell {
	int files;
	double probe_us, mime_us;
};

struct file_src {
	int fd;
};

static ssize_t read_at(void *ctx, uint64_t off, void *buf, size_t len)
{
	return pread(((struct file_src *)ctx)->fd, buf, len, (off_t)off);
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int size_class(uint64_t size)
{
	return size < 16 * 1024 ? CLASS_SMALL : size < 256 * 1024 ? CLASS_MEDIUM : CLASS_LARGE;
}

static bool is_media_name(const char *n)
{
	const char *dot = strrchr(n, '.');
	return dot && strcmp(dot, ".json") != 0 && strcmp(dot, ".md") != 0;
}

/* Times one file: returns false if it cannot be opened. */
static bool time_file(const char *path, int iters, struct mime_sniffer *ms, struct cell *grid,
                      uint8_t *head)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	struct stat st;
	fstat(fd, &st);
	ssize_t n = pread(fd, head, MEDIA_HEAD_BYTES, 0);
	struct file_src fs = {fd};
	struct media_source src = {head, n > 0 ? (size_t)n : 0, (uint64_t)st.st_size, read_at, &fs};
	struct media_info mi;
	media_probe(&src, &mi); /* warm up */
	mime_sniff(ms, head, src.head_len);
	/* The best of a few rounds: the machine is shared, and noise only adds. */
	double probe = 1e30, mime = 1e30;
	int per_round = iters / ROUNDS > 0 ? iters / ROUNDS : 1;
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_us();
		for (int i = 0; i < per_round; i++)
			media_probe(&src, &mi);
		double t1 = now_us();
		for (int i = 0; i < per_round; i++)
			mime_sniff(ms, head, src.head_len);
		double t2 = now_us();
		if ((t1 - t0) / per_round < probe)
			probe = (t1 - t0) / per_round;
		if ((t2 - t1) / per_round < mime)
			mime = (t2 - t1) / per_round;
	}
	close(fd);
	struct cell *c = &grid[(size_t)mi.format * N_CLASSES + (size_t)size_class(st.st_size)];
	c->files++;
	c->probe_us += probe;
	c->mime_us += mime;
	return true;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 && argv[1][0] ? argv[1] : TFS_CORPUS_DIR;
	int iters = argc > 2 ? atoi(argv[2]) : 2000;
	if (iters < 1)
		iters = 1;
	char err[256];
	struct mime_sniffer *ms = mime_sniffer_new(err, sizeof err);
	if (!ms) {
		fprintf(stderr, "bench_extract: %s\n", err);
		return 1;
	}
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "bench_extract: cannot open %s\n", dir);
		return 1;
	}
	static struct cell grid[N_FORMATS * N_CLASSES];
	static uint8_t head[MEDIA_HEAD_BYTES];
	int files = 0;
	for (struct dirent *e; (e = readdir(d)) && files < MAX_FILES;) {
		if (e->d_name[0] == '.' || !is_media_name(e->d_name))
			continue;
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (time_file(path, iters, ms, grid, head))
			files++;
	}
	closedir(d);
	printf("%d files, %d iterations each (best of %d rounds), warm cache, one thread\n\n",
	       files, iters, ROUNDS);
	printf("%-6s %-9s %5s %10s %10s %10s %8s\n", "format", "size", "files", "probe µs",
	       "mime µs", "total µs", "vs JPEG");
	for (size_t f = 0; f < N_FORMATS; f++) {
		for (int k = 0; k < N_CLASSES; k++) {
			struct cell *c = &grid[f * N_CLASSES + (size_t)k];
			if (!c->files)
				continue;
			struct cell *j = &grid[(size_t)1 * N_CLASSES + (size_t)k];
			double p = c->probe_us / c->files, m = c->mime_us / c->files;
			char ratio[16] = "-";
			if (j->files)
				snprintf(ratio, sizeof ratio, "%.2fx",
				         (p + m) / ((j->probe_us + j->mime_us) / j->files));
			printf("%-6s %-9s %5d %10.2f %10.2f %10.2f %8s\n", FORMAT_NAMES[f],
			       CLASS_NAMES[k], c->files, p, m, p + m, ratio);
		}
	}
	mime_sniffer_free(ms);
	return 0;
}
