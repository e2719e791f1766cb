/* The takeoutfs command line: turns argv into struct cli_options plus the
 * fuse_args that are left for libfuse.
 * Owns: takeoutfs's own options (-o db=, threads=, reindex, crc=, passthrough=, hidemeta,
 * xmp, tz=, quiet, nonempty; --index-only, -h, -V), which -o options are passed to
 * FUSE, dropped (mount(8) and /etc/fstab options FUSE rejects) or refused.
 * Must not: touch the disk, print, or exit; errors come back as one line in
 * err ("<what>: <why>; <what to do>", without the "takeoutfs: " prefix). */
#ifndef TFS_CLI_OPTIONS_H
#define TFS_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct fuse_args;

#define CLI_MAX_THREADS 1024

struct cli_options {
	const char **sources; /* the SOURCEs as given (malloc'd array into argv) */
	size_t n_sources;
	const char
	    *mountpoint;     /* MOUNTPOINT as given (the last argument); NULL with --index-only */
	char *db_path;       /* -o db=PATH (malloc'd), NULL for the default */
	char *tz;            /* -o tz=ZONE (malloc'd), NULL when not given */
	int threads;         /* -o threads=N; 0 means online CPUs */
	bool reindex;        /* -o reindex */
	bool crc_eager;      /* -o crc=eager */
	bool no_passthrough; /* -o passthrough=off */
	bool hidemeta;       /* -o hidemeta */
	bool xmp;            /* -o xmp: NAME.EXT.xmp sidecars in every view */
	bool quiet;          /* -o quiet */
	bool nonempty;       /* -o nonempty: mount over a folder that is not empty */
	bool index_only;     /* --index-only */
	bool show_help;      /* -h, --help */
	bool show_version;   /* -V, --version */
	bool foreground;     /* -f, or implied by -d */
	bool debug;          /* -d, -o debug */
	bool single_thread;  /* -s */
	bool allow_other;    /* -o allow_other or allow_root went to FUSE */
};

enum cli_parse_status {
	CLI_PARSE_OK = 0,
	CLI_PARSE_USAGE = -1, /* a user mistake; err says which */
	CLI_PARSE_NOMEM = -2,
};

/* Parses argv. On success args holds argv[0] and every option meant for
 * libfuse's session (-d included, for its request trace; -f and -s are taken
 * out: fs_config carries them), opt the rest. The caller frees both (cli_options_free,
 * fuse_opt_free_args), also on failure. With -h or -V the positional arguments are not checked. */
int cli_parse(int argc, char **argv, struct cli_options *opt, struct fuse_args *args, char *err,
              size_t errlen);

void cli_options_free(struct cli_options *opt);

/* True for options that mount(8), mount.fuse3 and /etc/fstab pass along but
 * that mean nothing to a FUSE filesystem (noauto, _netdev, x-systemd.*, ...). */
bool cli_is_mount_only_option(const char *opt);

/* True when this libfuse's fuse_session_new accepts "-o opt" (asked of
 * libfuse itself, silently): what fs_serve will be able to use. */
bool cli_fuse_accepts(const char *opt);

/* True for the options of libfuse's command-line helper (clone_fd,
 * max_threads=, max_idle_threads=, ...) that fuse_cmdline_help lists but the
 * session does not take: fs_serve sets up its loop itself. */
bool cli_fuse_loop_option(const char *opt);

#endif
