/* Runs one job in a child process and hands its fixed-size result back.
 * main indexes this way before mounting: everything the index allocated
 * (its tables, its SQLite page cache, the malloc arenas of its worker
 * threads, whose free tops glibc cannot give back) leaves with the child, so
 * the daemon holds only what serving needs, whatever the library's size.
 * Owns: the fork, the result pipe and the child's tie to its parent.
 * Must not: run with other threads alive (fork copies only the caller), or
 * print: failures come back as one line in err. */
#ifndef TFS_CLI_CHILD_H
#define TFS_CLI_CHILD_H

#include <stddef.h>

/* In the child: fills result (result_len bytes) from arg. */
typedef void (*child_job_fn)(void *arg, void *result);

/* Runs job(arg, result) in a child that is killed when this process dies
 * (as one process would be), and copies its result back. 0 when the child
 * delivered the whole result and exited 0; -1 otherwise, with err saying
 * what became of it (killed by a signal, exit status, no process). */
int child_run(child_job_fn job, void *arg, void *result, size_t result_len, char *err,
              size_t errlen);

#endif
