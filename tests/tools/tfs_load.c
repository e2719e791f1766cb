/* tfs_load: load generator and latency meter for a mounted takeoutfs.
 * Lists the mount once, then for --seconds runs in parallel: --readers
 * threads reading random media files whole (the time of open + first 64 KiB
 * read is recorded as "open+read"), --meta threads reading random .meta files
 * whole, --stat threads lstat-ing random paths, and --walkers threads
 * listing the whole tree again and again like find(1). Every failed call is
 * an error. Latencies come from clock_gettime(CLOCK_MONOTONIC).
 *
 * Usage: tfs_load --seconds S [--readers N] [--meta N] [--stat N] [--walkers N] MNT
 * Prints one line per kind of operation (count, errors, p50/p99/p99.9/max in
 * microseconds), the bytes read, and exits 1 when there was any error. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

struct paths {
	char **p;
	size_t n, cap;
};

static struct paths media, metas, all;
static atomic_bool stop;
static atomic_ullong bytes_read, walks_done;

enum kind { K_OPEN_READ, K_META, K_STAT, K_WALK_ENTRY, N_KINDS };
static const char *const KIND_NAMES[] = {"open+read", "meta read", "stat", "walk entry"};

struct samples {
	float *us;
	size_t n, cap;
	uint64_t errors;
	int first_errno;
	char first_error_path[512];
};

struct thread {
	pthread_t t;
	enum kind kind;
	uint64_t rng;
	struct samples s;
	const char *root;
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void push_path(struct paths *ps, const char *p)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 4096;
		ps->p = realloc(ps->p, ps->cap * sizeof *ps->p);
		if (!ps->p)
			abort();
	}
	ps->p[ps->n++] = strdup(p);
}

static void record(struct samples *s, int64_t t0)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 65536;
		s->us = realloc(s->us, s->cap * sizeof *s->us);
		if (!s->us)
			abort();
	}
	s->us[s->n++] = (float)(now_ns() - t0) / 1000.0f;
}

static void record_error(struct samples *s, const char *path, int e)
{
	if (!s->errors++) {
		s->first_errno = e;
		size_t n = strnlen(path, sizeof s->first_error_path - 1);
		memcpy(s->first_error_path, path, n);
		s->first_error_path[n] = '\0';
	}
}

static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Lists the tree once; media files are the non-.meta regular files. */
static void list_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[8192];
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
			continue;
		struct stat st;
		if (lstat(path, &st) != 0)
			continue;
		push_path(&all, path);
		if (S_ISDIR(st.st_mode))
			list_tree(path);
		else if (S_ISREG(st.st_mode))
			push_path(has_suffix(e->d_name, ".meta") ? &metas : &media, path);
	}
	closedir(d);
}

static void read_whole(struct thread *t, const char *path, bool timed_first_chunk)
{
	static _Thread_local char buf[CHUNK];
	int64_t t0 = now_ns();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		record_error(&t->s, path, errno);
		return;
	}
	bool first = true;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			record_error(&t->s, path, errno);
			break;
		}
		if (first && timed_first_chunk)
			record(&t->s, t0);
		first = false;
		if (n == 0)
			break;
		atomic_fetch_add(&bytes_read, (unsigned long long)n);
		if (atomic_load(&stop))
			break;
	}
	close(fd);
	if (!timed_first_chunk)
		record(&t->s, t0);
}

static void walk_once(struct thread *t, const char *dir)
{
	if (atomic_load(&stop))
		return;
	DIR *d = opendir(dir);
	if (!d) {
		record_error(&t->s, dir, errno);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)) && !atomic_load(&stop)) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[8192];
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
			continue;
		struct stat st;
		int64_t t0 = now_ns();
		if (lstat(path, &st) != 0) {
			record_error(&t->s, path, errno);
			continue;
		}
		record(&t->s, t0);
		if (S_ISDIR(st.st_mode))
			walk_once(t, path);
	}
	closedir(d);
}

static void *run(void *arg)
{
	struct thread *t = arg;
	while (!atomic_load(&stop)) {
		uint64_t r = next_rand(&t->rng);
		switch (t->kind) {
		case K_OPEN_READ:
			if (media.n)
				read_whole(t, media.p[r % media.n], true);
			break;
		case K_META:
			if (metas.n)
				read_whole(t, metas.p[r % metas.n], false);
			break;
		case K_STAT: {
			const char *p = all.p[r % all.n];
			struct stat st;
			int64_t t0 = now_ns();
			if (lstat(p, &st) != 0)
				record_error(&t->s, p, errno);
			else
				record(&t->s, t0);
			break;
		}
		case K_WALK_ENTRY:
			walk_once(t, t->root);
			if (!atomic_load(&stop))
				atomic_fetch_add(&walks_done, 1);
			break;
		default:
			break;
		}
	}
	return NULL;
}

static int compare_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

static float percentile(const float *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

int main(int argc, char **argv)
{
	int seconds = 10, counts[N_KINDS] = {4, 1, 1, 1};
	static const struct option opts[] = {
	    {"seconds", required_argument, 0, 's'}, {"readers", required_argument, 0, 'r'},
	    {"meta", required_argument, 0, 'm'},    {"stat", required_argument, 0, 't'},
	    {"walkers", required_argument, 0, 'w'}, {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "s:r:m:t:w:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			seconds = atoi(optarg);
			break;
		case 'r':
			counts[K_OPEN_READ] = atoi(optarg);
			break;
		case 'm':
			counts[K_META] = atoi(optarg);
			break;
		case 't':
			counts[K_STAT] = atoi(optarg);
			break;
		case 'w':
			counts[K_WALK_ENTRY] = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: tfs_load --seconds S [--readers N] [--meta N] [--stat N] "
		                "[--walkers N] MNT\n");
		return 2;
	}
	const char *root = argv[optind];
	int64_t t_list = now_ns();
	list_tree(root);
	printf("load: listed %zu entries (%zu media, %zu .meta) in %.1f s\n", all.n, media.n,
	       metas.n, (double)(now_ns() - t_list) / 1e9);
	if (!all.n)
		return 2;
	int n_threads = 0;
	for (int k = 0; k < N_KINDS; k++)
		n_threads += counts[k];
	struct thread *th = calloc((size_t)n_threads, sizeof *th);
	int i = 0;
	for (int k = 0; k < N_KINDS; k++)
		for (int j = 0; j < counts[k]; j++, i++) {
			th[i].kind = (enum kind)k;
			th[i].rng = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
			th[i].root = root;
			pthread_create(&th[i].t, NULL, run, &th[i]);
		}
	sleep((unsigned)seconds);
	atomic_store(&stop, true);
	for (i = 0; i < n_threads; i++)
		pthread_join(th[i].t, NULL);
	uint64_t total_errors = 0;
	for (int k = 0; k < N_KINDS; k++) {
		struct samples all_s = {0};
		for (i = 0; i < n_threads; i++) {
			if (th[i].kind != (enum kind)k)
				continue;
			for (size_t j = 0; j < th[i].s.n; j++)
				record(&all_s, 0), all_s.us[all_s.n - 1] = th[i].s.us[j];
			all_s.errors += th[i].s.errors;
			if (th[i].s.errors && !all_s.first_errno) {
				all_s.first_errno = th[i].s.first_errno;
				memcpy(all_s.first_error_path, th[i].s.first_error_path,
				       sizeof all_s.first_error_path);
			}
		}
		if (!counts[k])
			continue;
		if (all_s.n)
			qsort(all_s.us, all_s.n, sizeof *all_s.us, compare_float);
		printf("load: %-10s %2d threads %9zu ops %6llu errors  p50 %8.0f us  p99 %8.0f us  "
		       "p99.9 %8.0f us  max %9.0f us\n",
		       KIND_NAMES[k], counts[k], all_s.n, (unsigned long long)all_s.errors,
		       percentile(all_s.us, all_s.n, 0.5), percentile(all_s.us, all_s.n, 0.99),
		       percentile(all_s.us, all_s.n, 0.999), all_s.n ? all_s.us[all_s.n - 1] : 0);
		if (all_s.errors)
			printf("load:   first error: %s on %s\n", strerror(all_s.first_errno),
			       all_s.first_error_path);
		total_errors += all_s.errors;
		free(all_s.us);
	}
	printf("load: %d s, %.1f MiB read (%.1f MiB/s), %llu full tree walks, %llu errors\n",
	       seconds, (double)atomic_load(&bytes_read) / 1048576.0,
	       (double)atomic_load(&bytes_read) / 1048576.0 / seconds,
	       (unsigned long long)atomic_load(&walks_done), (unsigned long long)total_errors);
	return total_errors ? 1 : 0;
}
