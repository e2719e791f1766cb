/* The mounted filesystem: serves the views of a finished store through the
 * libfuse3 low-level API. Owns the FUSE session, its thin handlers, the
 * multithreaded loop and clean unmount on fusermount3 -u / SIGINT / SIGTERM.
 * Must not: index (the store is complete when fs_serve starts) or write to SOURCE;
 * its only store writes are the CRC cache of fs/crc.h, through one writer. */
#ifndef TFS_FS_FS_H
#define TFS_FS_FS_H

#include <stdbool.h>
#include <stddef.h>

struct fuse_args;

struct fs_config {
	const char *const *sources; /* the SOURCEs' real paths (source_open_all) */
	size_t n_sources;
	const char *db_path; /* the store */
	const char *mountpoint;
	bool foreground;    /* -f / -d */
	bool single_thread; /* -s */
	bool hidemeta;      /* -o hidemeta */
	bool xmp;           /* -o xmp: NAME.EXT.xmp beside every media file */
	bool crc_eager;     /* -o crc=eager */
	bool passthrough;   /* -o passthrough=auto (default): the kernel reads media itself */
};

/* Mounts, daemonizes unless foreground, serves until unmounted or signalled.
 * args holds the FUSE options left after takeoutfs's own were taken out.
 * Returns 0 on a clean unmount, non-zero (after printing one line) otherwise. */
int fs_serve(const struct fs_config *cfg, struct fuse_args *args);

#endif
