/* Reads what the index needs from one file, as cheaply as the kernel allows:
 * one pread of the head, one of the tail, and whatever small ranges the
 * container parser asks for, all through the thread's source_reader (which
 * caches the folder: workers take files in walk order). */
#include "index/extract.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/mime.h"
#include "util/hash.h"

struct extract_ctx {
	struct source_reader *reader;
	struct mime_sniffer *mime;
	uint8_t *head; /* MEDIA_HEAD_BYTES */
	uint8_t *tail; /* EXTRACT_TAIL_BYTES */
	char *json;    /* grows up to EXTRACT_MAX_JSON */
	size_t json_cap;
};

struct extract_ctx *extract_ctx_new(struct source *src, char *err, size_t errlen)
{
	struct extract_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ctx->reader = source_reader_new(src);
	ctx->head = malloc(MEDIA_HEAD_BYTES);
	ctx->tail = malloc(EXTRACT_TAIL_BYTES);
	if (!ctx->reader || !ctx->head || !ctx->tail) {
		snprintf(err, errlen, "out of memory");
		extract_ctx_free(ctx);
		return NULL;
	}
	ctx->mime = mime_sniffer_new(err, errlen);
	if (!ctx->mime) {
		extract_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

void extract_ctx_free(struct extract_ctx *ctx)
{
	if (!ctx)
		return;
	source_reader_free(ctx->reader);
	if (ctx->mime)
		mime_sniffer_free(ctx->mime);
	free(ctx->head);
	free(ctx->tail);
	free(ctx->json);
	free(ctx);
}

static struct extract_facts facts_of(const struct source_facts *f)
{
	return (struct extract_facts){.size = f->size, .mtime_ns = f->mtime_ns, .ino = f->ino};
}

/* The facts of a file that could not be opened (unreadable, say), so that
 * the next pass sees it unchanged and does not try again. Left as they were
 * when even that fails (it vanished). */
static void stat_unopened(struct extract_ctx *ctx, const char *dir_path, const char *name,
                          struct extract_facts *facts)
{
	struct source_facts f;
	if (source_stat_in(ctx->reader, dir_path, name, &f) == 0)
		*facts = facts_of(&f);
}

static ssize_t read_at_file(void *ctx, uint64_t off, void *buf, size_t len)
{
	ssize_t n = source_pread(ctx, buf, len, off);
	if (n < 0) {
		errno = (int)-n;
		return -1;
	}
	return n;
}

/* A 64-bit hash over 8-byte words, four independent lanes so the multiplies
 * overlap; far faster than a CRC over the 128 KiB a large file contributes. */
static uint64_t hash_bytes(uint64_t seed, const uint8_t *p, size_t len)
{
	uint64_t lane[4] = {seed, seed ^ 0x9e3779b97f4a7c15ull, seed + 0x632be59bd9b4e019ull,
	                    ~seed};
	const uint64_t k = 0x9fb21c651e98df25ull;
	size_t i = 0;
	for (; i + 32 <= len; i += 32) {
		for (int j = 0; j < 4; j++) {
			uint64_t w;
			memcpy(&w, p + i + 8 * j, 8);
			lane[j] = (lane[j] ^ w) * k;
			lane[j] ^= lane[j] >> 29;
		}
	}
	uint64_t h = hash_mix64(lane[0]) ^ hash_mix64(lane[1] + 1) ^ hash_mix64(lane[2] + 2) ^
	             hash_mix64(lane[3] + 3);
	for (; i < len; i++)
		h = hash_fnv_step(h, p[i]);
	return hash_mix64(h ^ len);
}

uint64_t extract_identity(uint64_t size, const void *head, size_t head_len, const void *tail,
                          size_t tail_len)
{
	uint64_t h = hash_mix64(size + 0x51ed27ull);
	h = hash_bytes(h, head, head_len);
	if (tail_len)
		h = hash_bytes(h, tail, tail_len);
	/* SQLite integers are signed: keep the key positive and never zero. */
	return (h >> 1) | 1;
}

static void describe_errno(char *buf, size_t len, const char *what, int err)
{
	snprintf(buf, len, "%s: %s", what, strerror(err));
}

int extract_media(struct extract_ctx *ctx, const char *dir_path, const char *name,
                  struct extract_media_result *out)
{
	memset(out, 0, sizeof *out);
	struct source_file f;
	int rc = source_open_in(ctx->reader, dir_path, name, &f);
	if (rc != 0) {
		struct extract_facts facts = {0};
		stat_unopened(ctx, dir_path, name, &facts);
		out->size = facts.size;
		out->mtime_ns = facts.mtime_ns;
		out->ino = facts.ino;
		out->vanished = rc == -ENOENT;
		describe_errno(out->problem, sizeof out->problem,
		               out->vanished ? "vanished during indexing" : "cannot open", -rc);
		return 0;
	}
	out->vanished = false;
	struct extract_facts facts = facts_of(&f.facts);
	out->size = facts.size;
	out->mtime_ns = facts.mtime_ns;
	out->ino = facts.ino;
	out->has_crc = f.crc_known;
	out->crc32 = f.crc;
	size_t want = out->size < MEDIA_HEAD_BYTES ? (size_t)out->size : MEDIA_HEAD_BYTES;
	ssize_t head_len = source_pread(&f, ctx->head, want, 0);
	if (head_len < 0) {
		describe_errno(out->problem, sizeof out->problem, "cannot read", (int)-head_len);
		source_close(&f);
		return 0;
	}
	ssize_t tail_len = 0;
	if (out->size > (uint64_t)head_len) {
		size_t tlen = out->size - (uint64_t)head_len < EXTRACT_TAIL_BYTES
		                  ? (size_t)(out->size - (uint64_t)head_len)
		                  : EXTRACT_TAIL_BYTES;
		tail_len = source_pread(&f, ctx->tail, tlen, out->size - tlen);
		if (tail_len < 0) {
			describe_errno(out->problem, sizeof out->problem, "cannot read",
			               (int)-tail_len);
			source_close(&f);
			return 0;
		}
	}
	/* An empty file identifies nothing: it is never a copy of another. */
	out->ident = out->size == 0 ? 0
	                            : extract_identity(out->size, ctx->head, (size_t)head_len,
	                                               ctx->tail, (size_t)tail_len);
	const char *mime = mime_sniff(ctx->mime, ctx->head, (size_t)head_len);
	snprintf(out->mime, sizeof out->mime, "%s", mime);
	struct media_source src = {.head = ctx->head,
	                           .head_len = (size_t)head_len,
	                           .size = out->size,
	                           .read_at = read_at_file,
	                           .ctx = &f};
	rc = media_probe(&src, &out->mi);
	source_close(&f);
	if (rc < 0)
		return -1;
	if ((size_t)head_len < want)
		snprintf(out->problem, sizeof out->problem, "file shrank while being read");
	else if (out->size == 0)
		snprintf(out->problem, sizeof out->problem, "empty file (not grouped with others)");
	else if (out->mi.problem[0])
		snprintf(out->problem, sizeof out->problem, "%s", out->mi.problem);
	return 0;
}

long extract_read_json(struct extract_ctx *ctx, const char *dir_path, const char *name,
                       const char **buf, struct extract_facts *facts, char *problem,
                       size_t problem_len)
{
	struct source_file f;
	int rc = source_open_in(ctx->reader, dir_path, name, &f);
	if (rc != 0) {
		stat_unopened(ctx, dir_path, name, facts);
		describe_errno(problem, problem_len,
		               rc == -ENOENT ? "vanished during indexing" : "cannot open", -rc);
		return -1;
	}
	*facts = facts_of(&f.facts);
	uint64_t size = f.facts.size;
	if (size > EXTRACT_MAX_JSON) {
		snprintf(problem, problem_len, "JSON file too large (%lld bytes): not read",
		         (long long)size);
		source_close(&f);
		return -1;
	}
	size_t need = (size_t)size + 1;
	if (need > ctx->json_cap) { /* exactly: a sidecar may be large, and is read once */
		char *p = realloc(ctx->json, need);
		if (!p) {
			snprintf(problem, problem_len, "out of memory reading JSON");
			source_close(&f);
			return -1;
		}
		ctx->json = p;
		ctx->json_cap = need;
	}
	ssize_t n = source_pread(&f, ctx->json, (size_t)size, 0);
	source_close(&f);
	if (n < 0) {
		describe_errno(problem, problem_len, "cannot read", (int)-n);
		return -1;
	}
	ctx->json[n] = '\0';
	*buf = ctx->json;
	return (long)n;
}
