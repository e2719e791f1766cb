/* Times each phase of one index pass (walk, sidecars, media, finish) through
 * the indexer's progress callback. Usage: bench_phases SOURCE DB [THREADS] */
#include <stdio.h>
#include <stdlib.h>

#include "index/indexer.h"

static const char *const PHASES[] = {"walk", "sidecars+match", "media", "finish"};

struct seen {
	int phase;
	double started;
};

static void on_progress(void *ctx, const struct index_progress *p)
{
	struct seen *s = ctx;
	if ((int)p->phase == s->phase)
		return;
	if (s->phase >= 0)
		printf("%-15s %7.3f s\n", PHASES[s->phase], p->elapsed - s->started);
	s->phase = (int)p->phase;
	s->started = p->elapsed;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s SOURCE DB [THREADS]\n", argv[0]);
		return 2;
	}
	struct seen s = {-1, 0};
	struct index_options opt = {.source = argv[1],
	                            .db_path = argv[2],
	                            .threads = argc > 3 ? atoi(argv[3]) : 0,
	                            .progress = on_progress,
	                            .progress_ctx = &s};
	struct index_summary sum;
	char err[512] = "";
	int rc = indexer_run(&opt, &sum, err, sizeof err);
	if (rc != INDEX_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("%-15s %7.3f s\n", PHASES[s.phase], sum.seconds - s.started);
	printf("total           %7.3f s  media=%llu opened=%llu (%.0f media/s)\n", sum.seconds,
	       (unsigned long long)sum.media, (unsigned long long)sum.opened,
	       (double)sum.media / sum.seconds);
	return 0;
}
