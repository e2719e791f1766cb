/* open_beneath: the kernel's openat2() with RESOLVE_BENEATH and
 * RESOLVE_NO_SYMLINKS does the whole check atomically in one call (Linux
 * 5.6+). Where it is missing, or the path is longer than the kernel takes,
 * the path is opened one component at a time with O_NOFOLLOW. */
#include "util/open_beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int open_with_openat2(int dir_fd, const char *path, int flags)
{
#ifdef SYS_openat2
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, dir_fd, *path ? path : ".", &how, sizeof how);
#else
	(void)dir_fd;
	(void)path;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

int open_beneath_walk(int dir_fd, const char *path, int flags)
{
	int fd = openat(dir_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	const char *p = path;
	while (fd >= 0 && *p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		bool last = !slash || !slash[1];
		char name[256];
		if (len >= sizeof name || (len == 2 && p[0] == '.' && p[1] == '.')) {
			close(fd);
			errno = len >= sizeof name ? ENAMETOOLONG : EXDEV;
			return -1;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		int next = len == 0 || (len == 1 && name[0] == '.')
		               ? -2 /* empty or "." component: stay here */
		               : openat(fd, name,
		                        last ? flags | O_NOFOLLOW | O_CLOEXEC
		                             : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next == -2) {
			next = last ? openat(fd, ".", flags | O_CLOEXEC) : fd;
			if (next == fd) {
				p += len + (slash ? 1 : 0);
				continue;
			}
		}
		int saved = errno;
		close(fd);
		errno = saved;
		fd = next;
		if (last)
			return fd;
		p += len + 1;
	}
	if (fd >= 0 && !*path) { /* "" : the folder itself, with the caller's flags */
		int self = openat(fd, ".", flags | O_CLOEXEC);
		int saved = errno;
		close(fd);
		errno = saved;
		return self;
	}
	return fd;
}

int open_beneath(int dir_fd, const char *path, int flags)
{
	int fd = open_with_openat2(dir_fd, path, flags);
	if (fd >= 0 || (errno != ENOSYS && errno != ENAMETOOLONG && errno != EPERM))
		return fd;
	/* EPERM: seccomp filters (containers) may refuse openat2 outright; an
	 * O_NOATIME refusal is EPERM too, and the walk below reports it again. */
	return open_beneath_walk(dir_fd, path, flags);
}
