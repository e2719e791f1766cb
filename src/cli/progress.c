/* Progress display while indexing. The indexer calls cli_progress_report
 * from its threads ~10 times a second; everything here is cheap and runs
 * under one mutex. Time comes from the report (p->elapsed), never from a
 * clock of our own, so the arithmetic is testable. */
#include "cli/progress.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Shorter windows make the rate jumpy; longer ones make it lag. */
#define RATE_WINDOW_SECONDS 1.0
#define RATE_SMOOTHING      0.3

void cli_rate_init(struct cli_rate *r)
{
	memset(r, 0, sizeof *r);
	r->phase = -1;
}

double cli_rate_update(struct cli_rate *r, const struct index_progress *p)
{
	if (r->phase != (int)p->phase || p->done < r->sample_done || p->elapsed < r->sample_time) {
		r->phase = (int)p->phase;
		r->phase_start = r->sample_time = p->elapsed;
		r->phase_done = r->sample_done = p->done;
		r->rate = 0;
		return 0;
	}
	double window = p->elapsed - r->sample_time;
	if (window < RATE_WINDOW_SECONDS) {
		/* Until the first full window, the average since the phase began. */
		double since = p->elapsed - r->phase_start;
		if (r->rate == 0 && since >= 0.2)
			return (double)(p->done - r->phase_done) / since;
		return r->rate;
	}
	double instant = (double)(p->done - r->sample_done) / window;
	r->rate =
	    r->rate == 0 ? instant : (1 - RATE_SMOOTHING) * r->rate + RATE_SMOOTHING * instant;
	r->sample_time = p->elapsed;
	r->sample_done = p->done;
	return r->rate;
}

double cli_eta_seconds(uint64_t done, uint64_t total, double rate)
{
	if (total > 0 && done >= total)
		return 0;
	if (total == 0 || rate <= 0 || !isfinite(rate))
		return -1;
	return (double)(total - done) / rate;
}

void cli_format_count(uint64_t n, char *out, size_t outlen)
{
	char digits[24];
	int len = snprintf(digits, sizeof digits, "%" PRIu64, n);
	char buf[32];
	size_t o = 0;
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	snprintf(out, outlen, "%s", buf);
}

void cli_format_duration(double secs, char *out, size_t outlen)
{
	if (!(secs >= 0) || secs > 100.0 * 3600 * 24) {
		snprintf(out, outlen, "--:--");
		return;
	}
	uint64_t s = (uint64_t)(secs + 0.5);
	if (s >= 3600)
		snprintf(out, outlen, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60,
		         s % 60);
	else
		snprintf(out, outlen, "%" PRIu64 ":%02" PRIu64, s / 60, s % 60);
}

const char *cli_phase_name(enum index_phase phase)
{
	switch (phase) {
	case INDEX_WALK:
		return "scanning folders";
	case INDEX_SIDECARS:
		return "reading sidecars";
	case INDEX_MEDIA:
		return "reading media";
	case INDEX_FINISH:
		return "finishing";
	}
	return "indexing";
}

void cli_format_progress(const struct index_progress *p, double rate, char *out, size_t outlen)
{
	char done[32], total[32], speed[32], eta[32]; /* eta: room for any uint64_t h:mm:ss */
	cli_format_count(p->done, done, sizeof done);
	cli_format_count(p->total, total, sizeof total);
	/* Clamped before the conversion: a huge double does not fit a uint64_t. */
	cli_format_count(rate > 0 && isfinite(rate) ? (uint64_t)(fmin(rate, 1e12) + 0.5) : 0, speed,
	                 sizeof speed);
	int n = p->total ? snprintf(out, outlen, "%s: %s/%s files", cli_phase_name(p->phase), done,
	                            total)
	                 : snprintf(out, outlen, "%s: %s files", cli_phase_name(p->phase), done);
	if (n < 0 || (size_t)n >= outlen || !(rate > 0 && isfinite(rate)))
		return; /* no rate yet: no speed, no ETA */
	double left = cli_eta_seconds(p->done, p->total, rate);
	cli_format_duration(left, eta, sizeof eta);
	snprintf(out + n, outlen - (size_t)n, ", %s files/s%s%s", speed, left >= 0 ? ", ETA " : "",
	         left >= 0 ? eta : "");
}

enum cli_progress_mode cli_progress_mode_for(FILE *out, bool quiet)
{
	if (quiet)
		return CLI_PROGRESS_NONE;
	return isatty(fileno(out)) ? CLI_PROGRESS_TTY : CLI_PROGRESS_LINES;
}

static size_t terminal_columns(FILE *out)
{
	struct winsize ws;
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

void cli_progress_init(struct cli_progress *pg, FILE *out, enum cli_progress_mode mode)
{
	memset(pg, 0, sizeof *pg);
	pthread_mutex_init(&pg->lock, NULL);
	pg->out = out;
	pg->mode = mode;
	pg->last_print = -1;
	pg->last_phase = -1;
	cli_rate_init(&pg->rate);
	pg->columns = mode == CLI_PROGRESS_TTY ? terminal_columns(out) : 0;
}

/* Rewrites the terminal line; the line is cut to the width so that it never
 * wraps, because \r only returns to the start of the last screen line. */
static void show_on_terminal(struct cli_progress *pg, const char *line)
{
	size_t width = pg->columns - 1;
	size_t len = strlen(line);
	if (len > width)
		len = width;
	size_t pad = pg->shown > len ? pg->shown - len : 0;
	fprintf(pg->out, "\r%.*s%*s", (int)len, line, (int)pad, "");
	fflush(pg->out);
	pg->shown = len;
}

void cli_progress_report(void *ctx, const struct index_progress *p)
{
	struct cli_progress *pg = ctx;
	if (pg->mode == CLI_PROGRESS_NONE)
		return;
	pthread_mutex_lock(&pg->lock);
	double rate = cli_rate_update(&pg->rate, p);
	char line[256];
	cli_format_progress(p, rate, line, sizeof line);
	if (pg->mode == CLI_PROGRESS_TTY) {
		show_on_terminal(pg, line);
	} else if (p->elapsed - (pg->last_print < 0 ? 0 : pg->last_print) >=
	           CLI_PROGRESS_LINE_SECONDS) {
		fprintf(pg->out, "takeoutfs: %s\n", line);
		fflush(pg->out);
		pg->last_print = p->elapsed;
	}
	pg->last_phase = (int)p->phase;
	pthread_mutex_unlock(&pg->lock);
}

/* bytes as "512 KiB", "1.2 GiB". */
static void format_bytes(double bytes, char *out, size_t outlen)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;
	while (bytes >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	snprintf(out, outlen, u && bytes < 10 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

void cli_format_part_progress(const struct source_progress *p, char *out, size_t outlen)
{
	char done[32], total[32], speed[32], eta[32];
	double rate = p->seconds > 0 ? (double)p->done / p->seconds : 0;
	format_bytes((double)p->done, done, sizeof done);
	format_bytes((double)p->total, total, sizeof total);
	format_bytes(rate, speed, sizeof speed);
	if (p->finished) {
		cli_format_duration(p->seconds, eta, sizeof eta);
		snprintf(out, outlen, "read %s: %s in %s, %s/s", p->part, total, eta, speed);
		return;
	}
	int n = snprintf(out, outlen, "reading %s: %s of %s (%d%%)", p->part, done, total,
	                 p->total ? (int)(100.0 * (double)p->done / (double)p->total) : 0);
	if (n < 0 || (size_t)n >= outlen || rate <= 0 || p->done == 0)
		return;
	cli_format_duration(cli_eta_seconds(p->done, p->total, rate), eta, sizeof eta);
	snprintf(out + n, outlen - (size_t)n, ", %s/s, ETA %s", speed, eta);
}

/* Whether this part's line is due in lines mode (every CLI_PROGRESS_LINE_SECONDS,
 * and its last). Under the lock. */
static bool part_line_due(struct cli_progress *pg, const struct source_progress *p)
{
	size_t i = 0;
	while (i < CLI_PROGRESS_PARTS && pg->parts[i].part && pg->parts[i].part != p->part)
		i++;
	if (i == CLI_PROGRESS_PARTS)
		return p->finished;
	if (!pg->parts[i].part) {
		pg->parts[i].part = p->part;
		pg->parts[i].last_print = 0;
	}
	if (!p->finished && p->seconds - pg->parts[i].last_print < CLI_PROGRESS_LINE_SECONDS)
		return false;
	pg->parts[i].last_print = p->seconds;
	return true;
}

void cli_progress_part_report(void *ctx, const struct source_progress *p)
{
	struct cli_progress *pg = ctx;
	if (pg->mode == CLI_PROGRESS_NONE)
		return;
	pthread_mutex_lock(&pg->lock);
	char line[512];
	cli_format_part_progress(p, line, sizeof line);
	if (pg->mode == CLI_PROGRESS_TTY && !p->finished) {
		show_on_terminal(pg, line);
	} else if (pg->mode == CLI_PROGRESS_TTY || part_line_due(pg, p)) {
		if (pg->shown)
			fprintf(pg->out, "\r%*s\r", (int)pg->shown, "");
		pg->shown = 0;
		fprintf(pg->out, "takeoutfs: %s\n", line);
		fflush(pg->out);
	}
	pthread_mutex_unlock(&pg->lock);
}

void cli_progress_finish(struct cli_progress *pg)
{
	pthread_mutex_lock(&pg->lock);
	if (pg->mode == CLI_PROGRESS_TTY && pg->shown) {
		fprintf(pg->out, "\r%*s\r", (int)pg->shown, "");
		fflush(pg->out);
		pg->shown = 0;
	}
	pthread_mutex_unlock(&pg->lock);
}

void cli_progress_destroy(struct cli_progress *pg)
{
	pthread_mutex_destroy(&pg->lock);
}
