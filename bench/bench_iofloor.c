/* The indexer's I/O floor: walk a tree and, for every regular file, open it
 * and read its first 64 KiB, on N threads. Nothing an indexer can do on the
 * same files is cheaper, so bench_index.sh prints takeoutfs against it.
 * Usage: bench_iofloor DIR [THREADS] */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct list {
	char **paths;
	size_t n, cap;
};

static void add_path(struct list *l, const char *p)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->paths = realloc(l->paths, l->cap * sizeof *l->paths);
		if (!l->paths)
			exit(2);
	}
	l->paths[l->n++] = strdup(p);
}

static void walk(const char *dir, struct list *files)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(path, files);
		else if (S_ISREG(st.st_mode))
			add_path(files, path);
	}
	closedir(d);
}

static struct list files;
static atomic_size_t next;

static void *reader(void *arg)
{
	(void)arg;
	char *buf = malloc(65536);
	for (;;) {
		size_t i = atomic_fetch_add(&next, 1);
		if (i >= files.n)
			break;
		int fd = open(files.paths[i], O_RDONLY);
		if (fd < 0)
			continue;
		if (pread(fd, buf, 65536, 0) < 0)
			perror(files.paths[i]);
		close(fd);
	}
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [THREADS]\n", argv[0]);
		return 2;
	}
	int threads = argc > 2 ? atoi(argv[2]) : (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	walk(argv[1], &files);
	pthread_t th[64];
	if (threads < 1 || threads > 64)
		threads = 2;
	for (int i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, reader, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("files=%zu seconds=%.3f files_per_s=%.0f\n", files.n, s, (double)files.n / s);
	return 0;
}
