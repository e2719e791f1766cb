/* Indexing progress on stderr: one updating line on a terminal, a plain line
 * every ~2 s otherwise, nothing when quiet.
 * Owns: the rate and ETA estimate, formatting of the line, and the
 * thread-safe callback the indexer calls from its own threads.
 * Must not: block the indexer for long (one short write under a mutex). */
#ifndef TFS_CLI_PROGRESS_H
#define TFS_CLI_PROGRESS_H

#include "index/indexer.h"
#include "source/source.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cli_progress_mode {
	CLI_PROGRESS_NONE,  /* -o quiet */
	CLI_PROGRESS_TTY,   /* one line rewritten with \r */
	CLI_PROGRESS_LINES, /* a plain line every CLI_PROGRESS_LINE_SECONDS */
};

#define CLI_PROGRESS_LINE_SECONDS 2.0

/* Files per second of the current phase, smoothed so that the ETA does not
 * jump with every burst of small files. Reset when the phase changes. */
struct cli_rate {
	int phase;           /* -1 before the first sample */
	double phase_start;  /* elapsed at the first sample of the phase */
	uint64_t phase_done; /* done at that sample */
	double sample_time;  /* last sample that went into rate */
	uint64_t sample_done;
	double rate; /* files/s; 0 while unknown */
};

void cli_rate_init(struct cli_rate *r);
/* Feeds one progress report; returns the current rate (0 when unknown). */
double cli_rate_update(struct cli_rate *r, const struct index_progress *p);

/* Seconds left at rate, or -1 when unknown (no total, no rate). */
double cli_eta_seconds(uint64_t done, uint64_t total, double rate);

/* "12,345": thousands separated, whatever the locale. */
void cli_format_count(uint64_t n, char *out, size_t outlen);
/* "0:07", "12:34", "1:02:03"; "--:--" when secs < 0 or absurd. */
void cli_format_duration(double secs, char *out, size_t outlen);
/* What the phase does, for humans ("reading media"). */
const char *cli_phase_name(enum index_phase phase);
/* "reading media: 1,234/5,678 files, 345 files/s, ETA 0:12". */
void cli_format_progress(const struct index_progress *p, double rate, char *out, size_t outlen);

/* "reading takeout-001.tgz: 1.2 of 4.0 GiB (30%), 350 MiB/s, ETA 0:08";
 * finished: "read takeout-001.tgz: 4.0 GiB in 0:12, 341 MiB/s". */
void cli_format_part_progress(const struct source_progress *p, char *out, size_t outlen);

#define CLI_PROGRESS_PARTS 64 /* parts whose last line time is kept (lines mode) */

struct cli_progress {
	pthread_mutex_t lock;
	FILE *out;
	enum cli_progress_mode mode;
	struct cli_rate rate;
	double last_print; /* elapsed of the last line printed; < 0 before any */
	int last_phase;
	size_t shown;   /* columns of the line on the terminal now */
	size_t columns; /* terminal width (TTY mode) */
	struct {
		const char *part;
		double last_print;
	} parts[CLI_PROGRESS_PARTS];
};

/* Picks the mode from quiet and whether out is a terminal. */
enum cli_progress_mode cli_progress_mode_for(FILE *out, bool quiet);
void cli_progress_init(struct cli_progress *pg, FILE *out, enum cli_progress_mode mode);
/* The indexer's callback (ctx is a struct cli_progress). */
void cli_progress_report(void *ctx, const struct index_progress *p);
/* The callback of the passes over tar and tgz parts (ctx likewise). */
void cli_progress_part_report(void *ctx, const struct source_progress *p);
/* Clears the terminal line; call once the indexer has returned. */
void cli_progress_finish(struct cli_progress *pg);
void cli_progress_destroy(struct cli_progress *pg);

#endif
