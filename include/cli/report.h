/* What takeoutfs tells the user outside of errors: --help, --version, and
 * the summary of an indexing pass.
 * Owns: those texts. Must not: decide anything (main does). */
#ifndef TFS_CLI_REPORT_H
#define TFS_CLI_REPORT_H

#include "index/indexer.h"

#include <stddef.h>
#include <stdio.h>

/* The one-paragraph summary of --index-only. */
void cli_format_summary(const struct index_summary *s, const char *db_path, char *out,
                        size_t outlen);
/* The shorter line printed before mounting. */
void cli_format_short_summary(const struct index_summary *s, char *out, size_t outlen);

/* "takeoutfs [options] SOURCE MOUNTPOINT ..." lines. */
void cli_print_usage(FILE *out);
/* Usage and takeoutfs's own options (libfuse's are printed by the caller:
 * fuse_cmdline_help and fuse_lowlevel_help write to stdout). */
void cli_print_options_help(FILE *out);
/* takeoutfs's version and every library's. */
void cli_print_versions(FILE *out);

#endif
