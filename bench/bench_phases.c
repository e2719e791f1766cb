/* Times each phase of one index pass (walk, sidecars, media, finish) through
 * the indexer's progress callback. Usage: bench_phases SOURCE DB [THREADS] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "index/indexer.h"
#include "views/views.h"

static const char *const PHASES[] = {"walk", "sidecars+match", "media", "finish"};

struct seen {
	int phase;
	double started, cpu_started;
};

/* CPU seconds of all the process's threads so far: beside a phase's wall
 * time it tells how many cores the phase kept busy. */
static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void print_phase(const struct seen *s, double now)
{
	double wall = now - s->started, cpu = cpu_seconds() - s->cpu_started;
	printf("%-15s %7.3f s  cpu %6.3f s (%.0f%%)\n", PHASES[s->phase], wall, cpu,
	       wall > 0 ? 100 * cpu / wall : 0);
}

static void on_progress(void *ctx, const struct index_progress *p)
{
	struct seen *s = ctx;
	if ((int)p->phase == s->phase)
		return;
	if (s->phase >= 0)
		print_phase(s, p->elapsed);
	s->phase = (int)p->phase;
	s->started = p->elapsed;
	s->cpu_started = cpu_seconds();
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s SOURCE DB [THREADS]\n", argv[0]);
		return 2;
	}
	struct seen s = {-1, 0, 0};
	const char *sources[] = {argv[1]};
	struct index_options opt = {.sources = sources,
	                            .n_sources = 1,
	                            .db_path = argv[2],
	                            .threads = argc > 3 ? atoi(argv[3]) : 0,
	                            .progress = on_progress,
	                            .progress_ctx = &s,
	                            .derive = views_build};
	struct index_summary sum;
	char err[512] = "";
	int rc = indexer_run(&opt, &sum, err, sizeof err);
	if (rc != INDEX_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	print_phase(&s, sum.seconds);
	printf("total           %7.3f s  media=%llu opened=%llu (%.0f media/s)\n", sum.seconds,
	       (unsigned long long)sum.media, (unsigned long long)sum.opened,
	       (double)sum.media / sum.seconds);
	return 0;
}
