/* Sidecar matcher benchmark: one synthetic year folder of about N media
 * files and N sidecars (legacy and new names, clipped names, counters,
 * edits, live photos, orphans), matched R times; prints ns per file
 * (media + sidecars) for the best and the median run, in thread CPU time.
 * Usage: bench_sidecar [N=20000] [R=20] */
#include "index/sidecar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct names {
	char **v;
	const char **titles;
	size_t n;
};

static void push(struct names *s, const char *fmt, int k, const char *title)
{
	char buf[128];
	snprintf(buf, sizeof buf, fmt, k);
	s->v[s->n] = strdup(buf);
	s->titles[s->n++] = title;
}

static void generate(struct names *side, struct names *media, int n)
{
	for (int k = 0; (int)media->n + 2 <= n; k++) {
		switch (k % 8) {
		case 0:
			push(side, "IMG_%05d.jpg.json", k, NULL);
			push(media, "IMG_%05d.jpg", k, NULL);
			break;
		case 1:
			push(side, "PXL_20230101_%09d.jpg.supplemental-metada.json", k, NULL);
			push(media, "PXL_20230101_%09d.jpg", k, NULL);
			break;
		case 2:
			push(side, "DSC_%05d.JPG(1).json", k, NULL);
			push(media, "DSC_%05d(1).JPG", k, NULL);
			break;
		case 3:
			push(side, "EDT_%05d.jpg.supplemental-metadata.json", k, NULL);
			push(media, "EDT_%05d.jpg", k, NULL);
			push(media, "EDT_%05d-edited.jpg", k, NULL);
			break;
		case 4:
			push(side, "%05d_Screenshot_2022-10-28-09-31-43-118_com.s.json", k, NULL);
			push(media, "%05d_Screenshot_2022-10-28-09-31-43-118_com.sna.jpg", k, NULL);
			break;
		case 5:
			push(side, "LIV_%05d.HEIC.json", k, NULL);
			push(media, "LIV_%05d.HEIC", k, NULL);
			push(media, "LIV_%05d.MP4", k, NULL);
			break;
		case 6:
			push(side, "NOX_%05d.supplemental-metadata.json", k, NULL);
			push(media, "NOX_%05d.jpg", k, NULL);
			break;
		default:
			push(side, "lonely_%05d.jpg.json", k, "lonely title.png");
			push(media, "ORPHAN_%05d.jpg", k, NULL);
			break;
		}
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	int runs = argc > 2 ? atoi(argv[2]) : 20;
	if (n < 2 || runs < 1)
		return 2;
	struct names side = {calloc((size_t)n, sizeof(char *)), calloc((size_t)n, sizeof(char *)),
	                     0};
	struct names media = {calloc((size_t)n, sizeof(char *)), calloc((size_t)n, sizeof(char *)),
	                      0};
	struct sc_sidecar *sc = calloc((size_t)n, sizeof *sc);
	struct sc_media *md = calloc((size_t)n, sizeof *md);
	struct sc_result *out = calloc((size_t)n, sizeof *out);
	double *t = calloc((size_t)runs, sizeof *t);
	if (!side.v || !side.titles || !media.v || !media.titles || !sc || !md || !out || !t)
		return 1;
	generate(&side, &media, n);
	for (size_t i = 0; i < side.n; i++)
		sc[i] = (struct sc_sidecar){side.v[i], strlen(side.v[i]), side.titles[i]};
	for (size_t i = 0; i < media.n; i++)
		md[i] = (struct sc_media){media.v[i], strlen(media.v[i])};
	size_t matched = 0;
	for (int r = 0; r < runs; r++) {
		double t0 = now();
		if (sc_match_directory(sc, side.n, md, media.n, out) != 0)
			return 1;
		t[r] = now() - t0;
	}
	for (size_t i = 0; i < media.n; i++)
		matched += out[i].sidecar >= 0;
	qsort(t, (size_t)runs, sizeof *t, cmp_double);
	double files = (double)(side.n + media.n);
	printf("sidecar matcher: %zu media + %zu sidecars (%zu matched), %d runs: "
	       "best %.0f ns/file, median %.0f ns/file (%.2f ms per directory)\n",
	       media.n, side.n, matched, runs, t[0] * 1e9 / files, t[runs / 2] * 1e9 / files,
	       t[runs / 2] * 1e3);
	/* The same files cut into directories of 10 media: per-call overhead. */
	size_t calls = 0;
	double t0 = now();
	for (int r = 0; r < runs; r++)
		for (size_t m = 0, s = 0; m + 10 <= media.n && s + 8 <= side.n; m += 10, s += 8) {
			if (sc_match_directory(sc + s, 8, md + m, 10, out) != 0)
				return 1;
			calls++;
		}
	double small = now() - t0;
	printf("small directories: %zu calls of 10 media + 8 sidecars: %.0f ns/file\n", calls,
	       small * 1e9 / (double)(calls * 18));
	for (size_t i = 0; i < side.n; i++)
		free(side.v[i]);
	for (size_t i = 0; i < media.n; i++)
		free(media.v[i]);
	free(side.v);
	free(side.titles);
	free(media.v);
	free(media.titles);
	free(sc);
	free(md);
	free(out);
	free(t);
	return 0;
}
