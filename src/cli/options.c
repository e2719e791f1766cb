/* Command-line parsing with libfuse's fuse_opt_parse: takeoutfs keeps its own
 * -o keys, hands the rest to FUSE, quietly drops what mount(8) and /etc/fstab
 * add but FUSE rejects, and refuses what cannot work (rw, unknown options)
 * before any indexing starts. */
#include "cli/options.h"

#include <errno.h>
#include <fuse_log.h>
#include <fuse_lowlevel.h>
#include <fuse_opt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cli_key {
	KEY_HELP = 1,
	KEY_VERSION,
	KEY_INDEX_ONLY,
	KEY_FOREGROUND,
	KEY_DEBUG,
	KEY_SINGLE_THREAD,
	KEY_DB,
	KEY_THREADS,
	KEY_REINDEX,
	KEY_CRC,
	KEY_PASSTHROUGH,
	KEY_HIDEMETA,
	KEY_XMP,
	KEY_TZ,
	KEY_QUIET,
	KEY_NONEMPTY,
	KEY_RO,
	KEY_RW,
};

static const struct fuse_opt cli_opt_specs[] = {
    FUSE_OPT_KEY("-h", KEY_HELP),
    FUSE_OPT_KEY("--help", KEY_HELP),
    FUSE_OPT_KEY("-V", KEY_VERSION),
    FUSE_OPT_KEY("--version", KEY_VERSION),
    FUSE_OPT_KEY("--index-only", KEY_INDEX_ONLY),
    FUSE_OPT_KEY("-f", KEY_FOREGROUND),
    FUSE_OPT_KEY("-d", KEY_DEBUG),
    FUSE_OPT_KEY("debug", KEY_DEBUG),
    FUSE_OPT_KEY("-s", KEY_SINGLE_THREAD),
    FUSE_OPT_KEY("db=", KEY_DB),
    FUSE_OPT_KEY("threads=", KEY_THREADS),
    FUSE_OPT_KEY("reindex", KEY_REINDEX),
    FUSE_OPT_KEY("crc=", KEY_CRC),
    FUSE_OPT_KEY("passthrough=", KEY_PASSTHROUGH),
    FUSE_OPT_KEY("hidemeta", KEY_HIDEMETA),
    FUSE_OPT_KEY("xmp", KEY_XMP),
    FUSE_OPT_KEY("tz=", KEY_TZ),
    FUSE_OPT_KEY("quiet", KEY_QUIET),
    FUSE_OPT_KEY("nonempty", KEY_NONEMPTY),
    FUSE_OPT_KEY("ro", KEY_RO),
    FUSE_OPT_KEY("rw", KEY_RW),
    FUSE_OPT_END,
};

struct parse_ctx {
	struct cli_options *opt;
	char *err;
	size_t errlen;
	const char **positional; /* every positional argument, in order */
	size_t n_positional;
	bool failed;
	bool nomem;
};

/* Only the first mistake is reported: it is the one the user reads first. */
static int fail(struct parse_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parse_ctx *c, const char *fmt, ...)
{
	if (!c->failed && c->err && c->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	c->failed = true;
	return 0;
}

static const char *value_of(const char *arg)
{
	const char *eq = strchr(arg, '=');
	return eq ? eq + 1 : "";
}

static int set_string(struct parse_ctx *c, char **dst, const char *value)
{
	char *copy = strdup(value);
	if (!copy) {
		c->nomem = true;
		return -1;
	}
	free(*dst);
	*dst = copy;
	return 0;
}

static int take_threads(struct parse_ctx *c, const char *value)
{
	char *end = NULL;
	errno = 0;
	long n = strtol(value, &end, 10);
	if (!*value || *end || errno || n < 1 || n > CLI_MAX_THREADS)
		return fail(c,
		            "-o threads=%s: not a number of threads; give a whole number from 1 "
		            "to %d, or leave the option out to use every CPU",
		            value, CLI_MAX_THREADS);
	c->opt->threads = (int)n;
	return 0;
}

static int take_crc(struct parse_ctx *c, const char *value)
{
	if (strcmp(value, "lazy") == 0)
		c->opt->crc_eager = false;
	else if (strcmp(value, "eager") == 0)
		c->opt->crc_eager = true;
	else
		return fail(c, "-o crc=%s: unknown CRC mode; use crc=lazy or crc=eager", value);
	return 0;
}

static int take_passthrough(struct parse_ctx *c, const char *value)
{
	if (strcmp(value, "auto") == 0)
		c->opt->no_passthrough = false;
	else if (strcmp(value, "off") == 0)
		c->opt->no_passthrough = true;
	else
		return fail(
		    c, "-o passthrough=%s: unknown mode; use passthrough=auto or passthrough=off",
		    value);
	return 0;
}

static int take_positional(struct parse_ctx *c, const char *arg)
{
	const char **more = realloc(c->positional, (c->n_positional + 1) * sizeof *c->positional);
	if (!more) {
		c->nomem = true;
		return -1;
	}
	c->positional = more;
	c->positional[c->n_positional++] = arg;
	return 0;
}

/* An -o option that is not takeoutfs's own: FUSE's, mount(8)'s, or a mistake. */
static int take_foreign_option(struct parse_ctx *c, const char *arg)
{
	if (arg[0] == '-')
		return fail(c, "%s: unknown option; see takeoutfs --help", arg);
	if (cli_is_mount_only_option(arg))
		return 0;
	if (cli_fuse_accepts(arg)) {
		if (strcmp(arg, "allow_other") == 0 || strcmp(arg, "allow_root") == 0)
			c->opt->allow_other = true;
		return 1;
	}
	if (cli_fuse_loop_option(arg))
		return fail(c,
		            "-o %s: fuse's loop options (clone_fd, max_threads, max_idle_threads) "
		            "are set by takeoutfs itself; leave it out (-s serves with one thread)",
		            arg);
	return fail(c, "-o %s: unknown option; see takeoutfs --help for the options", arg);
}

static int take_option(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	(void)outargs;
	struct parse_ctx *c = data;
	struct cli_options *o = c->opt;
	switch (key) {
	case FUSE_OPT_KEY_NONOPT:
		return take_positional(c, arg);
	case FUSE_OPT_KEY_OPT:
		return take_foreign_option(c, arg);
	case KEY_HELP:
		o->show_help = true;
		return 0;
	case KEY_VERSION:
		o->show_version = true;
		return 0;
	case KEY_INDEX_ONLY:
		o->index_only = true;
		return 0;
	case KEY_FOREGROUND:
		o->foreground = true; /* fs_config carries it; libfuse's session rejects -f */
		return 0;
	case KEY_DEBUG:
		o->debug = o->foreground = true;
		return 1; /* libfuse's session prints its request trace */
	case KEY_SINGLE_THREAD:
		o->single_thread = true;
		return 0;
	case KEY_DB:
		if (!*value_of(arg))
			return fail(c,
			            "-o db=: no path given; write -o db=PATH (the store's file)");
		return set_string(c, &o->db_path, value_of(arg));
	case KEY_THREADS:
		return take_threads(c, value_of(arg));
	case KEY_REINDEX:
		o->reindex = true;
		return 0;
	case KEY_CRC:
		return take_crc(c, value_of(arg));
	case KEY_PASSTHROUGH:
		return take_passthrough(c, value_of(arg));
	case KEY_HIDEMETA:
		o->hidemeta = true;
		return 0;
	case KEY_XMP:
		o->xmp = true;
		return 0;
	case KEY_TZ:
		if (!*value_of(arg))
			return fail(c, "-o tz=: no time zone given; write e.g. -o tz=Europe/Paris");
		return set_string(c, &o->tz, value_of(arg));
	case KEY_QUIET:
		o->quiet = true;
		return 0;
	case KEY_NONEMPTY:
		/* libfuse 3 mounts over non-empty folders and rejects this option;
		 * takeoutfs only uses it to skip its own emptiness check. */
		o->nonempty = true;
		return 0;
	case KEY_RO:
		return 1;
	case KEY_RW:
		return fail(c, "-o rw: takeoutfs mounts are read-only; use -o ro (mount(8) and "
		               "/etc/fstab pass rw unless ro is among the options)");
	}
	return fail(c, "%s: unexpected option; see takeoutfs --help", arg);
}

/* The positional arguments are SOURCE... then MOUNTPOINT, or SOURCE...
 * alone with --index-only. opt->sources takes the array over. */
static int check_positionals(struct parse_ctx *c)
{
	struct cli_options *o = c->opt;
	o->sources = c->positional;
	o->n_sources = c->n_positional;
	c->positional = NULL;
	if (o->show_help || o->show_version)
		return 0;
	if (o->n_sources == 0)
		return fail(c, "missing argument: no SOURCE given; usage: takeoutfs [options] "
		               "SOURCE... MOUNTPOINT, or "
		               "takeoutfs --index-only [options] SOURCE... (see takeoutfs --help)");
	if (!o->index_only) {
		if (o->n_sources == 1)
			return fail(c,
			            "missing argument: no MOUNTPOINT given; usage: takeoutfs "
			            "[options] SOURCE... MOUNTPOINT, or "
			            "takeoutfs --index-only [options] SOURCE... to build the store "
			            "only");
		o->mountpoint = o->sources[--o->n_sources];
	}
	for (size_t i = 0; i < o->n_sources; i++)
		if (!*o->sources[i])
			return fail(c, "SOURCE is empty; give the folder of the extracted Takeout "
			               "or its archive parts");
	if (o->mountpoint && !*o->mountpoint)
		return fail(c, "MOUNTPOINT is empty; give an empty folder to mount on");
	return 0;
}

/* libfuse reports its own parse errors through fuse_log. While takeoutfs
 * parses, they are kept (the first one) to become part of our one line, and
 * the probes of cli_fuse_accepts are silenced. Single-threaded: startup. */
static bool fuse_log_capturing;
static char fuse_log_first[256];

static void quiet_fuse_log(enum fuse_log_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!fuse_log_capturing || fuse_log_first[0])
		return;
	vsnprintf(fuse_log_first, sizeof fuse_log_first, fmt, ap);
	fuse_log_first[strcspn(fuse_log_first, "\n")] = '\0';
}

/* Silences fuse_log; returns whether a capture was running (to restore). */
static bool quiet_fuse_log_begin(void)
{
	bool was = fuse_log_capturing;
	fuse_log_capturing = false;
	fuse_set_log_func(quiet_fuse_log);
	return was;
}

static void quiet_fuse_log_end(bool was_capturing)
{
	fuse_log_capturing = was_capturing;
	if (!was_capturing)
		fuse_set_log_func(NULL);
}

/* The first libfuse message, without its "fuse: " prefix. */
static const char *fuse_log_message(void)
{
	const char *m = fuse_log_first;
	return strncmp(m, "fuse: ", 6) == 0 ? m + 6 : m;
}

int cli_parse(int argc, char **argv, struct cli_options *opt, struct fuse_args *args, char *err,
              size_t errlen)
{
	memset(opt, 0, sizeof *opt);
	if (err && errlen)
		err[0] = '\0';
	*args = (struct fuse_args)FUSE_ARGS_INIT(argc, argv);
	struct parse_ctx c = {.opt = opt, .err = err, .errlen = errlen};
	fuse_log_first[0] = '\0';
	fuse_log_capturing = true;
	fuse_set_log_func(quiet_fuse_log);
	int rc = fuse_opt_parse(args, &c, cli_opt_specs, take_option);
	fuse_log_capturing = false;
	fuse_set_log_func(NULL);
	if (rc != 0 && !c.failed && !c.nomem)
		fail(&c, "command line: %s; see takeoutfs --help",
		     fuse_log_first[0] ? fuse_log_message() : "cannot be read");
	if (!c.failed && !c.nomem)
		check_positionals(&c);
	free(c.positional);
	if (c.nomem)
		return CLI_PARSE_NOMEM;
	return c.failed ? CLI_PARSE_USAGE : CLI_PARSE_OK;
}

void cli_options_free(struct cli_options *opt)
{
	free(opt->db_path);
	free(opt->tz);
	free(opt->sources);
	opt->db_path = opt->tz = NULL;
	opt->sources = NULL;
	opt->n_sources = 0;
}

bool cli_is_mount_only_option(const char *opt)
{
	static const char *const exact[] = {
	    "defaults", "auto",        "noauto",      "user",          "users",
	    "nouser",   "owner",       "group",       "_netdev",       "nofail",
	    "relatime", "norelatime",  "strictatime", "nostrictatime", "nodiratime",
	    "diratime", "lazytime",    "nolazytime",  "iversion",      "noiversion",
	    "mand",     "nomand",      "silent",      "loud",          "sw",
	    "xx",       "x-gvfs-show", "x-gvfs-hide",
	};
	static const char *const prefixes[] = {"x-", "X-", "comment="};
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (strcmp(opt, exact[i]) == 0)
			return true;
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncmp(opt, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

bool cli_fuse_accepts(const char *opt)
{
	/* Asking libfuse itself keeps this right for every libfuse version.
	 * fs_serve hands the options straight to fuse_session_new (it does not
	 * run fuse_parse_cmdline), so that is the parser to ask. */
	char *argv[] = {"takeoutfs", "-o", (char *)opt, NULL};
	struct fuse_args a = FUSE_ARGS_INIT(3, argv);
	struct fuse_lowlevel_ops ops;
	memset(&ops, 0, sizeof ops);
	bool was = quiet_fuse_log_begin();
	struct fuse_session *se = fuse_session_new(&a, &ops, sizeof ops, NULL);
	quiet_fuse_log_end(was);
	if (se)
		fuse_session_destroy(se);
	fuse_opt_free_args(&a);
	return se != NULL;
}

bool cli_fuse_loop_option(const char *opt)
{
	/* fuse_parse_cmdline takes what it knows out of args and leaves the rest
	 * as "-o" "opt" (it adds -osubtype=... of its own). */
	char *argv[] = {"takeoutfs", "-o", (char *)opt, NULL};
	struct fuse_args a = FUSE_ARGS_INIT(3, argv);
	struct fuse_cmdline_opts co;
	memset(&co, 0, sizeof co);
	bool was = quiet_fuse_log_begin();
	bool taken = fuse_parse_cmdline(&a, &co) == 0;
	for (int i = 1; taken && i < a.argc; i++)
		taken = strcmp(a.argv[i], "-o") != 0;
	quiet_fuse_log_end(was);
	free(co.mountpoint);
	fuse_opt_free_args(&a);
	return taken;
}
