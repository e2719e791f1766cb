/* The bounded reader of media/ (media/reader.h): the head in memory, the
 * window for reads beyond it, the read budget, the per-thread buffers. */
#include "media/reader.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void probe_problem(struct probe_ctx *c, const char *msg)
{
	if (!c->out->problem[0])
		snprintf(c->out->problem, sizeof c->out->problem, "%s", msg);
}

/* The window and EXIF buffers outlive one call, per thread: allocating and
 * freeing them per file made glibc trim and re-fault the heap each time. */
struct scratch {
	uint8_t *win, *exif;
	size_t win_cap, exif_cap;
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void free_scratch(void *p)
{
	struct scratch *s = p;
	free(s->win);
	free(s->exif);
	free(s);
}

static void make_scratch_key(void)
{
	pthread_key_create(&scratch_key, free_scratch);
}

static struct scratch *thread_scratch(void)
{
	pthread_once(&scratch_once, make_scratch_key);
	struct scratch *s = pthread_getspecific(scratch_key);
	if (!s && (s = calloc(1, sizeof *s)) && pthread_setspecific(scratch_key, s) != 0) {
		free(s);
		s = NULL;
	}
	return s;
}

bool probe_grow(struct probe_ctx *c, uint8_t **buf, size_t *cap, size_t want)
{
	if (*cap >= want)
		return true;
	uint8_t *p = realloc(*buf, want);
	if (!p) {
		c->oom = true;
		return false;
	}
	*buf = p;
	*cap = want;
	return true;
}

/* One read_at call (short reads are retried inside the same budget unit). */
static size_t read_into(struct probe_ctx *c, uint64_t off, uint8_t *dst, size_t len)
{
	const struct media_source *s = c->src;
	if (!s->read_at || c->reads_left <= 0)
		return 0;
	c->reads_left--;
	size_t got = 0;
	for (int tries = 0; got < len && tries < 4; tries++) {
		ssize_t n = s->read_at(s->ctx, off + got, dst + got, len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

const uint8_t *probe_bytes_upto(struct probe_ctx *c, uint64_t off, size_t len, size_t *got)
{
	const struct media_source *s = c->src;
	*got = 0;
	if (off >= s->size || len == 0)
		return NULL;
	uint64_t left = s->size - off;
	size_t n = left < len ? (size_t)left : len;
	if (off + n <= s->head_len) {
		*got = n;
		return s->head + off;
	}
	if (c->win_len && off >= c->win_off && off + n <= c->win_off + c->win_len) {
		*got = n;
		return c->win + (off - c->win_off);
	}
	if (!s->read_at) {
		if (off < s->head_len) {
			*got = s->head_len - (size_t)off;
			return s->head + off;
		}
		return NULL;
	}
	if (n > MEDIA_READ_MAX)
		n = MEDIA_READ_MAX;
	size_t want = n < MEDIA_WINDOW ? MEDIA_WINDOW : n;
	if (want > left)
		want = (size_t)left;
	if (!probe_grow(c, &c->win, &c->win_cap, want))
		return NULL;
	c->win_len = 0;
	size_t r = read_into(c, off, c->win, want);
	if (r == 0)
		return NULL;
	c->win_off = off;
	c->win_len = r;
	*got = r < n ? r : n;
	return c->win;
}

const uint8_t *probe_bytes(struct probe_ctx *c, uint64_t off, size_t len)
{
	size_t got;
	const uint8_t *p = probe_bytes_upto(c, off, len, &got);
	return p && got == len ? p : NULL;
}

size_t probe_copy_upto(struct probe_ctx *c, uint64_t off, size_t len, uint8_t *dst)
{
	const struct media_source *s = c->src;
	if (off >= s->size)
		return 0;
	if (len > s->size - off)
		len = (size_t)(s->size - off);
	if (off + len <= s->head_len) {
		memcpy(dst, s->head + off, len);
		return len;
	}
	/* What the window holds is copied, only the rest read: a raw file's
	 * Exif IFD usually starts inside the window its SubIFDs were read in. */
	if (c->win_len && off >= c->win_off && off < c->win_off + c->win_len) {
		size_t in = (size_t)(c->win_off + c->win_len - off);
		if (in > len)
			in = len;
		memcpy(dst, c->win + (off - c->win_off), in);
		return in == len ? len : in + read_into(c, off + in, dst + in, len - in);
	}
	return read_into(c, off, dst, len);
}

bool probe_copy(struct probe_ctx *c, uint64_t off, size_t len, uint8_t *dst)
{
	const struct media_source *s = c->src;
	if (off > s->size || len > s->size - off)
		return false;
	if (off + len <= s->head_len) {
		memcpy(dst, s->head + off, len);
		return true;
	}
	if (c->win_len && off >= c->win_off && off + len <= c->win_off + c->win_len) {
		memcpy(dst, c->win + (off - c->win_off), len);
		return true;
	}
	return read_into(c, off, dst, len) == len;
}

void probe_ctx_begin(struct probe_ctx *c, const struct media_source *src, struct media_info *out)
{
	struct scratch *sc = thread_scratch();
	*c = (struct probe_ctx){
	    .src = src, .out = out, .reads_left = MEDIA_MAX_READS, .scratch = sc};
	if (sc) {
		c->win = sc->win;
		c->win_cap = sc->win_cap;
		c->exif = sc->exif;
		c->exif_cap = sc->exif_cap;
	}
}

void probe_ctx_end(struct probe_ctx *c)
{
	struct scratch *sc = c->scratch;
	if (sc) {
		sc->win = c->win;
		sc->win_cap = c->win_cap;
		sc->exif = c->exif;
		sc->exif_cap = c->exif_cap;
	} else {
		free(c->win);
		free(c->exif);
	}
}
