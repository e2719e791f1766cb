/* child_run (cli/child.h): fork, run the job, send its result through a
 * pipe, exit. The parent takes the result only from a child that exited 0,
 * so a crash, a sanitizer report or a kill is never taken for success. */
#include "cli/child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static size_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* The child: dies with the parent, runs the job, sends the result. exit()
 * rather than _exit(): the sanitizers' leak check runs at exit. */
static void run_in_child(pid_t parent, int out_fd, child_job_fn job, void *arg, void *result,
                         size_t result_len)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127); /* the parent is gone already, or would not be noticed */
	job(arg, result);
	bool sent = write_all(out_fd, result, result_len);
	close(out_fd);
	exit(sent ? 0 : 126);
}

static void describe_end(int status, size_t got, size_t want, char *err, size_t errlen)
{
	if (WIFSIGNALED(status))
		snprintf(err, errlen, "was killed by signal %d (%s)", WTERMSIG(status),
		         strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		snprintf(err, errlen, "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(err, errlen, "exited after sending %zu of %zu result bytes", got, want);
}

int child_run(child_job_fn job, void *arg, void *result, size_t result_len, char *err,
              size_t errlen)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "could not start (pipe: %s)", strerror(errno));
		return -1;
	}
	pid_t parent = getpid();
	fflush(NULL); /* or the child would print what is buffered again */
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "could not start (fork: %s)", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		run_in_child(parent, fds[1], job, arg, result, result_len);
	}
	close(fds[1]);
	size_t got = read_all(fds[0], result, result_len);
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got == result_len && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	describe_end(status, got, result_len, err, errlen);
	return -1;
}
