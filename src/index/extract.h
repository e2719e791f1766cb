/* Per-file extraction for the indexer's worker threads: opens a file of
 * SOURCE through source/ (never following links), reads its head (and tail, for the identity
 * key), sniffs the MIME type and probes the metadata; reads JSON files whole.
 * Owns: the per-thread state (libmagic handle, buffers) and the identity key.
 * Must not: write anything, or read a media file beyond its head, its tail
 * and the few ranges media_probe asks for. */
#ifndef TFS_INDEX_EXTRACT_H
#define TFS_INDEX_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/probe.h"
#include "source/source.h"

#define EXTRACT_TAIL_BYTES (64 * 1024)
#define EXTRACT_MAX_JSON   (64u * 1024 * 1024) /* larger sidecars are a problem, not a crash */

struct extract_ctx;

struct extract_media_result {
	struct media_info mi;
	char mime[96];
	uint64_t ident; /* identity key: size, first and last 64 KiB; 0 for an empty file */
	uint64_t size;  /* from fstat of the opened file */
	int64_t mtime_ns;
	uint64_t ino;
	bool has_crc; /* crc32 is the file's CRC-32, known without a read (a zip member) */
	uint32_t crc32;
	char problem[160]; /* non-empty: unreadable, vanished, damaged... */
	bool vanished;     /* the file disappeared since the walk */
};

/* One per worker thread. NULL with a message when libmagic cannot start. */
struct extract_ctx *extract_ctx_new(struct source *src, char *err, size_t errlen);
void extract_ctx_free(struct extract_ctx *ctx);

/* Extracts the media file dir_path/name (relative to SOURCE). Always fills
 * *out; problems are described in out->problem. Returns -1 only when out of memory. */
int extract_media(struct extract_ctx *ctx, const char *dir_path, const char *name,
                  struct extract_media_result *out);

/* Size, mtime and inode of a file as opened (fstat). */
struct extract_facts {
	uint64_t size;
	int64_t mtime_ns;
	uint64_t ino;
};

/* Reads the JSON file dir_path/name whole into a buffer owned by ctx (valid
 * until the next call), and its facts when it could be opened. Returns the
 * length, or -1 with a reason in problem. */
long extract_read_json(struct extract_ctx *ctx, const char *dir_path, const char *name,
                       const char **buf, struct extract_facts *facts, char *problem,
                       size_t problem_len);

/* The identity key of a file given its size, head and tail (exposed for tests). */
uint64_t extract_identity(uint64_t size, const void *head, size_t head_len, const void *tail,
                          size_t tail_len);

#endif
