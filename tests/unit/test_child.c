/* child_run (cli/child.h) with real processes: the result comes back whole;
 * a child that dies, exits non-zero or sends too little is a failure with a
 * reason; and a child dies with its parent, as the index of a mount that is
 * killed must stop too. */
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/child.h"

struct result {
	int64_t square;
	char text[64];
	pid_t pid;
};

static void square_job(void *arg, void *out)
{
	struct result *r = out;
	int64_t n = *(const int64_t *)arg;
	r->square = n * n;
	snprintf(r->text, sizeof r->text, "square of %lld", (long long)n);
	r->pid = getpid();
}

static void killed_job(void *arg, void *out)
{
	(void)arg, (void)out;
	raise(SIGKILL);
}

static void failing_job(void *arg, void *out)
{
	(void)arg, (void)out;
	exit(3);
}

static void test_result_comes_back(void)
{
	int64_t n = 12345;
	struct result r = {0};
	char err[256] = "";
	CHECK_INT(child_run(square_job, &n, &r, sizeof r, err, sizeof err), 0);
	CHECK_INT(r.square, 12345LL * 12345LL);
	CHECK_STR(r.text, "square of 12345");
	CHECK(r.pid != getpid() && r.pid > 0); /* it ran elsewhere */
}

static void test_failures_say_why(void)
{
	struct result r;
	char err[256] = "";
	CHECK_INT(child_run(killed_job, NULL, &r, sizeof r, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "was killed by signal 9") != NULL, "%s", err);
	CHECK_INT(child_run(failing_job, NULL, &r, sizeof r, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "exited with status 3") != NULL, "%s", err);
}

/* The job of the middle process: tells the test its child's pid, then
 * waits to be killed. */
static int report_fd = -1;
static void sleeping_job(void *arg, void *out)
{
	(void)arg, (void)out;
	pid_t self = getpid();
	if (write(report_fd, &self, sizeof self) != (ssize_t)sizeof self)
		_exit(1);
	sleep(30);
}

static void test_child_dies_with_parent(void)
{
	/* Orphans come to this process, which can then see how they ended. */
	CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
	int fds[2];
	CHECK(pipe(fds) == 0);
	pid_t middle = fork();
	if (middle == 0) {
		close(fds[0]);
		report_fd = fds[1];
		struct result r;
		char err[256];
		child_run(sleeping_job, NULL, &r, sizeof r, err, sizeof err);
		_exit(0);
	}
	close(fds[1]);
	pid_t grandchild = 0;
	CHECK(read(fds[0], &grandchild, sizeof grandchild) == (ssize_t)sizeof grandchild);
	close(fds[0]);
	kill(middle, SIGKILL);
	int status = 0;
	CHECK(waitpid(middle, &status, 0) == middle);
	/* The grandchild must end by SIGKILL now, long before its 30 s sleep. */
	time_t start = time(NULL);
	pid_t got = 0;
	while ((got = waitpid(grandchild, &status, WNOHANG)) == 0 && time(NULL) - start < 10)
		usleep(10000);
	CHECK_INT(got, grandchild);
	CHECK(got == grandchild && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	if (got == 0)
		kill(grandchild, SIGKILL);
}

int main(void)
{
	test_result_comes_back();
	test_failures_say_why();
	test_child_dies_with_parent();
	CHECK_DONE();
}
