/* libmagic wrapper: one magic_t per sniffer, opened with MIME-type output and
 * the NO_CHECK flags that skip tests irrelevant to media (see mime.h).
 * ISO BMFF files (HEIC, MP4, MOV), old QuickTime and TIFF match late in
 * libmagic's database, at up to 25x the cost of a JPEG, and even a JPEG or
 * a PNG costs ~12 us, which was half the media phase's CPU. libmagic's rules for
 * all of them read only a few leading bytes (mime_cache_key), so its answer
 * is remembered per distinct content of those bytes (a camera writes the
 * same ones into every file). */
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

#define KEY_CACHE_SLOTS 8
#define FTYP_MIN        16
#define TIFF_KEY_LEN    16
#define JPEG_KEY_LEN    4
#define PNG_KEY_LEN     16 /* signature, then the IHDR chunk's length and type */

struct key_answer {
	uint8_t key[MIME_KEY_MAX];
	size_t len;
	char mime[64];
};

struct mime_sniffer {
	magic_t magic;
	struct key_answer cache[KEY_CACHE_SLOTS];
	int used, next;
};

static bool is_tiff_header(const uint8_t *b)
{
	return (b[0] == 'I' && b[1] == 'I' && (b[2] == 0x2a || b[2] == 0x2b) && b[3] == 0) ||
	       (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && (b[3] == 0x2a || b[3] == 0x2b));
}

bool mime_cache_key(const void *buf, size_t len, size_t *from, size_t *to)
{
	const uint8_t *b = buf;
	if (len < FTYP_MIN)
		return false;
	if (memcmp(b + 4, "ftyp", 4) == 0) {
		size_t box = (size_t)b[0] << 24 | (size_t)b[1] << 16 | (size_t)b[2] << 8 | b[3];
		if (box < FTYP_MIN || box > MIME_KEY_MAX || box > len)
			return false;
		*from = 0;
		*to = box;
		return true;
	}
	if (memcmp(b + 4, "moov", 4) == 0 || memcmp(b + 4, "mdat", 4) == 0) {
		*from = 4;
		*to = 8;
		return true;
	}
	if (memcmp(b, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", PNG_KEY_LEN) == 0) {
		*from = 0;
		*to = PNG_KEY_LEN;
		return true;
	}
	if (b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff) {
		*from = 0;
		*to = JPEG_KEY_LEN;
		return true;
	}
	if (is_tiff_header(b)) {
		*from = 0;
		*to = TIFF_KEY_LEN;
		return true;
	}
	return false;
}

static const char *cached_answer(struct mime_sniffer *s, const uint8_t *b, size_t key)
{
	for (int i = 0; i < s->used; i++)
		if (s->cache[i].len == key && memcmp(s->cache[i].key, b, key) == 0)
			return s->cache[i].mime;
	return NULL;
}

static void remember_answer(struct mime_sniffer *s, const uint8_t *b, size_t key, const char *m)
{
	if (strlen(m) >= sizeof s->cache[0].mime)
		return;
	struct key_answer *a = &s->cache[s->next];
	s->next = (s->next + 1) % KEY_CACHE_SLOTS;
	if (s->used < KEY_CACHE_SLOTS)
		s->used++;
	memcpy(a->key, b, key);
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
	size_t from = 0, to = 0;
	bool keyed = mime_cache_key(buf, len, &from, &to);
	const uint8_t *key = (const uint8_t *)buf + from;
	const char *m = keyed ? cached_answer(s, key, to - from) : NULL;
	if (m)
		return m;
	m = magic_buffer(s->magic, buf, len);
	if (!m || !*m)
		return MIME_FALLBACK;
	if (keyed)
		remember_answer(s, key, to - from, m);
	return m;
}

void mime_sniffer_free(struct mime_sniffer *s)
{
	if (!s)
		return;
	magic_close(s->magic);
	free(s);
}
