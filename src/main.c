/* takeoutfs: parse the command line, check everything that can be checked
 * quickly, index SOURCE into the store (with progress), then mount it.
 * Every user mistake ends here as one line on stderr and a non-zero exit. */
#include "cli/checks.h"
#include "cli/child.h"
#include "cli/options.h"
#include "cli/paths.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "fs/fs.h"
#include "index/indexer.h"
#include "util/growbuf.h"
#include "views/meta_sizes.h"
#include "views/views.h"

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum exit_status {
	STATUS_OK = 0,
	STATUS_FAILED = 1, /* SOURCE, MOUNTPOINT, store or mount problem */
	STATUS_USAGE = 2,  /* the command line itself is wrong */
};

/* mountinfo with thousands of mounts is a few MiB; nothing we read is larger. */
#define SMALL_FILE_MAX (16u << 20)

/* Past this many entries a folder with no media is "more than N" anyway. */
#define CENSUS_LIMIT 100000

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("takeoutfs: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* A small file read whole (procfs ones report no size), or NULL. */
static char *read_small_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			if (cap >= SMALL_FILE_MAX)
				break; /* what was read is still usable */
			if (grow_array((void **)&buf, &cap, cap + 1, 1) != 0) {
				free(buf);
				buf = NULL;
				break;
			}
		}
		ssize_t got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	*len = n;
	return buf;
}

static int check_allow_other(const struct cli_options *opt, char *err, size_t errlen)
{
	if (!opt->allow_other)
		return 0;
	size_t len = 0;
	char *conf = read_small_file("/etc/fuse.conf", &len);
	int rc = cli_check_allow_other(geteuid() == 0, "allow_other", conf, len, err, errlen);
	free(conf);
	return rc;
}

static int check_mount_target(const struct cli_options *opt, char *err, size_t errlen)
{
	size_t len = 0;
	char *mountinfo = read_small_file("/proc/self/mountinfo", &len);
	int rc = cli_check_mountpoint(opt->mountpoint, opt->nonempty, mountinfo, len, err, errlen);
	free(mountinfo);
	if (rc == 0)
		rc = cli_check_fuse_device("/dev/fuse", err, errlen);
	if (rc == 0)
		rc = check_allow_other(opt, err, errlen);
	return rc;
}

/* The SOURCEs' real paths; text names them all, one per line (the store's
 * default name is made from it), label for messages. */
struct sources {
	char **real;
	size_t n;
	char *text, *label;
};

static void sources_free(struct sources *src)
{
	for (size_t i = 0; i < src->n; i++)
		free(src->real[i]);
	free(src->real);
	free(src->text);
	free(src->label);
}

/* src->real[0..n) joined with sep. NULL: no memory. */
static char *join_sources(const struct sources *src, const char *sep)
{
	size_t len = 1;
	for (size_t i = 0; i < src->n; i++)
		len += strlen(src->real[i]) + strlen(sep);
	char *out = malloc(len), *at = out;
	for (size_t i = 0; out && i < src->n; i++)
		at += sprintf(at, "%s%s", i ? sep : "", src->real[i]);
	return out;
}

/* With several SOURCEs, an empty folder among them is most likely a mount
 * point put in the wrong place (it comes last), not a part of the library. */
static bool is_empty_folder(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	struct cli_folder_census census;
	cli_count_folder(path, 1, &census);
	return census.folders == 0 && census.json == 0 && census.files == 0;
}

/* Checks every SOURCE and fills src (free it with sources_free, also on
 * failure). STATUS_OK, or the status to exit with after saying why. */
static int check_sources(const struct cli_options *opt, struct sources *src)
{
	char err[1024];
	*src = (struct sources){.real = calloc(opt->n_sources, sizeof *src->real)};
	if (!src->real) {
		say("out of memory while reading the command line");
		return STATUS_FAILED;
	}
	for (size_t i = 0; i < opt->n_sources; i++) {
		if (opt->n_sources > 1 && is_empty_folder(opt->sources[i])) {
			say("%s: an empty folder is no SOURCE; %s", opt->sources[i],
			    opt->index_only
			        ? "--index-only takes SOURCEs only: leave out the mount "
			          "point, or leave out --index-only to mount"
			        : "the mount point comes last: takeoutfs [options] "
			          "SOURCE... MOUNTPOINT");
			sources_free(src);
			return STATUS_USAGE;
		}
		if (cli_check_source(opt->sources[i], &src->real[src->n], err, sizeof err) != 0) {
			say("%s", err);
			sources_free(src);
			return STATUS_FAILED;
		}
		src->n++;
	}
	src->text = join_sources(src, "\n");
	src->label = join_sources(src, ", ");
	if (!src->text || !src->label) {
		say("out of memory while reading the command line");
		sources_free(src);
		return STATUS_FAILED;
	}
	return STATUS_OK;
}

/* The store's path, absolute: the daemon leaves the working folder. */
static int store_path(const struct cli_options *opt, const struct sources *src, char *out,
                      size_t outlen, char *err, size_t errlen)
{
	if (opt->db_path) {
		char cwd[PATH_MAX];
		int n;
		if (opt->db_path[0] == '/')
			n = snprintf(out, outlen, "%s", opt->db_path);
		else if (getcwd(cwd, sizeof cwd))
			n = snprintf(out, outlen, "%s/%s", cwd, opt->db_path);
		else {
			snprintf(err, errlen,
			         "-o db=%s: cannot tell the current folder (%s); give "
			         "an absolute path",
			         opt->db_path, strerror(errno));
			return -1;
		}
		if (n < 0 || (size_t)n >= outlen) {
			snprintf(err, errlen, "-o db=%.64s...: path too long; use a shorter path",
			         opt->db_path);
			return -1;
		}
		return 0;
	}
	if (cli_default_store_path(src->text, getenv("XDG_CACHE_HOME"), getenv("HOME"), out, outlen,
	                           err, errlen) != 0)
		return -1;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", out);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	return cli_make_private_dirs(dir, err, errlen);
}

static void explain_index_failure(int rc, const struct sources *src, const char *msg)
{
	if (rc == INDEX_ERR_NOT_TAKEOUT && src->n == 1) {
		struct cli_folder_census census;
		char held[128];
		cli_count_folder(src->real[0], CENSUS_LIMIT, &census);
		cli_format_census(&census, held, sizeof held);
		say("%s: no photos or videos found (%s); point takeoutfs at the folder holding "
		    "Takeout/, or at the Takeout folder itself",
		    src->real[0], held);
		return;
	}
	if (rc == INDEX_ERR_NOT_TAKEOUT) {
		say("%s: no photos or videos found in any of them; give the folders holding "
		    "Takeout/, the Takeout folders themselves, or the archive parts",
		    src->label);
		return;
	}
	if (rc == INDEX_ERR_NOMEM) {
		say("out of memory while indexing; close other programs or use fewer -o threads=N");
		return;
	}
	const char *advice = "";
	if (!strchr(msg, ';')) {
		if (rc == INDEX_ERR_SOURCE)
			advice = "; check that SOURCE is readable";
		else if (rc == INDEX_ERR_STORE_NEWER)
			advice = "; upgrade takeoutfs or use another -o db=PATH";
		else if (rc == INDEX_ERR_STORE)
			advice = "; choose a writable place for the store with -o db=PATH";
	}
	say("%s%s", msg[0] ? msg : "indexing failed", advice);
}

/* Ctrl-C while the progress line is up: end the line first, so that the
 * shell prompt does not land in the middle of it, then die of the signal as
 * usual (the store is consistent after any interruption). */
static void end_progress_line_and_die(int sig)
{
	static const char nl = '\n';
	ssize_t ignored = write(STDERR_FILENO, &nl, 1);
	(void)ignored;
	signal(sig, SIG_DFL);
	raise(sig);
}

static int index_source(const struct cli_options *opt, const struct sources *src,
                        const char *db_path, struct index_summary *sum)
{
	struct cli_progress progress;
	cli_progress_init(&progress, stderr, cli_progress_mode_for(stderr, opt->quiet));
	struct index_options io = {
	    .sources = (const char *const *)src->real,
	    .n_sources = src->n,
	    .db_path = db_path,
	    .threads = opt->threads,
	    .reindex = opt->reindex,
	    .progress = cli_progress_report,
	    .part_progress = cli_progress_part_report,
	    .progress_ctx = &progress,
	    .derive = views_build,
	    .derive_version = VIEWS_VERSION,
	};
	char msg[1024] = "";
	memset(sum, 0, sizeof *sum);
	struct sigaction on_interrupt = {.sa_handler = end_progress_line_and_die}, old_int,
	                 old_term;
	sigemptyset(&on_interrupt.sa_mask);
	bool on_terminal = progress.mode == CLI_PROGRESS_TTY;
	if (on_terminal) {
		sigaction(SIGINT, &on_interrupt, &old_int);
		sigaction(SIGTERM, &on_interrupt, &old_term);
	}
	int rc = indexer_run(&io, sum, msg, sizeof msg);
	cli_progress_finish(&progress);
	if (on_terminal) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	cli_progress_destroy(&progress);
	if (rc != INDEX_OK)
		explain_index_failure(rc, src, msg);
	return rc;
}

static void print_help(void)
{
	cli_print_options_help(stdout);
	fflush(stdout);
	fuse_cmdline_help();
	fuse_lowlevel_help();
}

static int apply_time_zone(const char *zone)
{
	char err[512];
	if (cli_check_tz(zone, getenv("TZDIR"), err, sizeof err) != 0) {
		say("%s", err);
		return -1;
	}
	/* Before any thread exists: setenv is not thread-safe. */
	setenv("TZ", zone, 1);
	tzset();
	return 0;
}

static int mount_store(const struct cli_options *opt, const struct sources *src,
                       const char *db_path, struct fuse_args *args)
{
	char *real_mountpoint = realpath(opt->mountpoint, NULL);
	struct fs_config cfg = {
	    .sources = (const char *const *)src->real,
	    .n_sources = src->n,
	    .db_path = db_path,
	    .mountpoint = real_mountpoint ? real_mountpoint : opt->mountpoint,
	    .foreground = opt->foreground,
	    .single_thread = opt->single_thread,
	    .hidemeta = opt->hidemeta,
	    .xmp = opt->xmp,
	    .crc_eager = opt->crc_eager,
	    .passthrough = !opt->no_passthrough,
	};
	fflush(stdout);
	fflush(stderr);
	int rc = fs_serve(&cfg, args);
	free(real_mountpoint);
	return rc;
}

/* Before serving, every .meta's size (and every .xmp's under -o xmp), after
 * a pass that changed anything, so that listings never render: the first
 * ls -l after a mount is then as cheap as the next. Without the sizes the
 * mount still works, rendering on demand, so a failure is only reported. */
static void record_meta_sizes(const struct cli_options *opt, const char *db_path)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int threads = opt->threads > 0 ? opt->threads : cpus > 0 ? (int)cpus : 1;
	char err[512];
	if (meta_sizes_build_with_xmp(db_path, threads, opt->xmp, err, sizeof err) != 0)
		say("%s (.meta and .xmp sizes are computed when listed instead)", err);
}

/* What a mount does before serving, in a child process (cli/child.h). */
struct prepare_job {
	const struct cli_options *opt;
	const struct sources *src;
	const char *db_path;
};
struct prepare_result {
	int rc; /* enum index_error */
	struct index_summary sum;
};

static void prepare_store_for_serving(void *arg, void *result)
{
	const struct prepare_job *job = arg;
	struct prepare_result *r = result;
	r->rc = index_source(job->opt, job->src, job->db_path, &r->sum);
	/* No .meta listed and no .xmp served: no size needed. */
	if (r->rc == INDEX_OK && (!job->opt->hidemeta || job->opt->xmp))
		record_meta_sizes(job->opt, job->db_path);
}

/* Indexes and records the .meta sizes in a child, so that none of the
 * memory they used stays with the daemon. The child prints its own errors. */
static bool prepared_in_child(const struct cli_options *opt, const struct sources *src,
                              const char *db_path, struct index_summary *sum)
{
	struct prepare_job job = {.opt = opt, .src = src, .db_path = db_path};
	struct prepare_result r = {.rc = INDEX_OK};
	char err[256];
	if (child_run(prepare_store_for_serving, &job, &r, sizeof r, err, sizeof err) != 0) {
		say("indexing %s: the indexer %s; the store is consistent, run takeoutfs again to "
		    "finish",
		    src->label, err);
		return false;
	}
	*sum = r.sum;
	return r.rc == INDEX_OK;
}

/* SOURCE, MOUNTPOINT and the store passed their checks: index, then either
 * print the summary (--index-only) or mount. */
static int index_then_serve(const struct cli_options *opt, const struct sources *src,
                            const char *db_path, struct fuse_args *args)
{
	struct index_summary sum;
	bool indexed = opt->index_only ? index_source(opt, src, db_path, &sum) == INDEX_OK
	                               : prepared_in_child(opt, src, db_path, &sum);
	if (!indexed)
		return STATUS_FAILED;
	char text[1024];
	if (opt->index_only) {
		cli_format_summary(&sum, db_path, text, sizeof text);
		printf("%s: %s\n", src->label, text);
		return STATUS_OK;
	}
	if (!opt->quiet) {
		cli_format_short_summary(&sum, text, sizeof text);
		say("%s", text);
	}
	return mount_store(opt, src, db_path, args);
}

/* Everything after the command line is known to be well-formed. */
static int run(const struct cli_options *opt, struct fuse_args *args)
{
	char err[1024];
	if (opt->tz && apply_time_zone(opt->tz) != 0)
		return STATUS_USAGE;
	struct sources src;
	int status = check_sources(opt, &src);
	if (status != STATUS_OK)
		return status;
	char db_path[PATH_MAX];
	if ((!opt->index_only && check_mount_target(opt, err, sizeof err) != 0) ||
	    store_path(opt, &src, db_path, sizeof db_path, err, sizeof err) != 0 ||
	    cli_check_store(db_path, err, sizeof err) != 0) {
		say("%s", err);
		status = STATUS_FAILED;
	} else {
		status = index_then_serve(opt, &src, db_path, args);
	}
	sources_free(&src);
	return status;
}

int main(int argc, char **argv)
{
	struct cli_options opt;
	struct fuse_args args;
	char err[1024];
	int rc = cli_parse(argc, argv, &opt, &args, err, sizeof err);
	int status;
	if (rc == CLI_PARSE_NOMEM) {
		say("out of memory while reading the command line");
		status = STATUS_FAILED;
	} else if (rc != CLI_PARSE_OK) {
		say("%s", err);
		status = STATUS_USAGE;
	} else if (opt.show_help) {
		print_help();
		status = STATUS_OK;
	} else if (opt.show_version) {
		cli_print_versions(stdout);
		status = STATUS_OK;
	} else {
		status = run(&opt, &args);
	}
	cli_options_free(&opt);
	fuse_opt_free_args(&args);
	return status;
}
