/* libmagic wrapper: one magic_t per sniffer, opened with MIME-type output and
 * the NO_CHECK flags that skip tests irrelevant to media (see mime.h).
 * ISO BMFF files (HEIC, MP4, MOV) match late in libmagic's database, at about
 * 25x the cost of a JPEG; libmagic's ISO Media rules read only the ftyp box,
 * so its answer is remembered per distinct ftyp box (a phone writes the same
 * one into every file). */
#include <magic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/mime.h"

#define MIME_FALLBACK "application/octet-stream"

/* Checks that never identify an image or video; tests/unit/test_conformance.c
 * verifies the answers on the real corpus equal `file --mime-type -b`. */
#define MIME_FLAGS                                                                                 \
	(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF |     \
	 MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_ENCODING | MAGIC_NO_CHECK_TEXT |                      \
	 MAGIC_NO_CHECK_TOKENS | MAGIC_NO_CHECK_JSON | MAGIC_NO_CHECK_CSV |                        \
	 MAGIC_NO_CHECK_APPTYPE)

#define FTYP_CACHE_SLOTS 8
#define FTYP_MIN         16
#define FTYP_MAX         64

struct ftyp_answer {
	uint8_t box[FTYP_MAX];
	size_t len;
	char mime[64];
};

struct mime_sniffer {
	magic_t magic;
	struct ftyp_answer cache[FTYP_CACHE_SLOTS];
	int used, next;
};

/* Length of the leading ftyp box if it can key the cache, else 0. */
static size_t ftyp_key_len(const uint8_t *b, size_t len)
{
	if (len < FTYP_MIN || memcmp(b + 4, "ftyp", 4) != 0)
		return 0;
	size_t box = (size_t)b[0] << 24 | (size_t)b[1] << 16 | (size_t)b[2] << 8 | b[3];
	return box >= FTYP_MIN && box <= FTYP_MAX && box <= len ? box : 0;
}

static const char *cached_answer(struct mime_sniffer *s, const uint8_t *b, size_t key)
{
	for (int i = 0; i < s->used; i++)
		if (s->cache[i].len == key && memcmp(s->cache[i].box, b, key) == 0)
			return s->cache[i].mime;
	return NULL;
}

static void remember_answer(struct mime_sniffer *s, const uint8_t *b, size_t key, const char *m)
{
	if (strlen(m) >= sizeof s->cache[0].mime)
		return;
	struct ftyp_answer *a = &s->cache[s->next];
	s->next = (s->next + 1) % FTYP_CACHE_SLOTS;
	if (s->used < FTYP_CACHE_SLOTS)
		s->used++;
	memcpy(a->box, b, key);
	a->len = key;
	strcpy(a->mime, m);
}

struct mime_sniffer *mime_sniffer_new(char *err, size_t errlen)
{
	struct mime_sniffer *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->magic = magic_open(MIME_FLAGS);
	if (!s->magic) {
		snprintf(err, errlen, "magic_open failed");
		free(s);
		return NULL;
	}
	if (magic_load(s->magic, NULL) != 0) {
		snprintf(err, errlen, "magic_load: %s", magic_error(s->magic));
		magic_close(s->magic);
		free(s);
		return NULL;
	}
	return s;
}

const char *mime_sniff(struct mime_sniffer *s, const void *buf, size_t len)
{
	if (!s || !buf || len == 0)
		return MIME_FALLBACK;
	size_t key = ftyp_key_len(buf, len);
	const char *m = key ? cached_answer(s, buf, key) : NULL;
	if (m)
		return m;
	m = magic_buffer(s->magic, buf, len);
	if (!m || !*m)
		return MIME_FALLBACK;
	if (key)
		remember_answer(s, buf, key, m);
	return m;
}

void mime_sniffer_free(struct mime_sniffer *s)
{
	if (!s)
		return;
	magic_close(s->magic);
	free(s);
}
