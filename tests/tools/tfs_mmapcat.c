/* tfs_mmapcat: writes FILE to stdout through mmap(2) rather than read(2), so
 * the mount tests can check that a mapped media file shows the source's bytes.
 * Usage: tfs_mmapcat FILE. Exits 1, saying why, on any failure. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: tfs_mmapcat FILE\n");
		return 1;
	}
	int fd = open(argv[1], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		perror(argv[1]);
		return 1;
	}
	if (st.st_size == 0)
		return 0;
	const char *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	size_t done = 0, len = (size_t)st.st_size;
	while (done < len) {
		ssize_t n = write(STDOUT_FILENO, p + done, len - done);
		if (n <= 0) {
			perror("write");
			return 1;
		}
		done += (size_t)n;
	}
	munmap((void *)p, len);
	close(fd);
	return 0;
}
