/* tfs_crc32 FILE...: prints each file's full CRC-32 (zlib) as 8 lowercase hex
 * digits and its name, reading with 1 MiB preads like the daemon does. The
 * reference for the .meta "crc32" tests and the native side of
 * bench/bench_crc.sh. Exit status 1 when a file cannot be read. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (1024 * 1024)

static int crc_of(const char *path, unsigned char *buf, uLong *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	uLong crc = crc32_z(0, Z_NULL, 0);
	off_t at = 0;
	for (;;) {
		ssize_t n = pread(fd, buf, CHUNK, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		crc = crc32_z(crc, buf, (size_t)n);
		at += n;
	}
	close(fd);
	*out = crc;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: tfs_crc32 FILE...\n");
		return 2;
	}
	unsigned char *buf = malloc(CHUNK);
	if (!buf)
		return 1;
	int status = 0;
	for (int i = 1; i < argc; i++) {
		uLong crc;
		if (crc_of(argv[i], buf, &crc) != 0) {
			fprintf(stderr, "tfs_crc32: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		printf("%08lx  %s\n", crc & 0xffffffffUL, argv[i]);
	}
	free(buf);
	return status;
}
