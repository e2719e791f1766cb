/* libmagic wrapper: one magic_t per sniffer, opened with MIME-type output and
 * the NO_CHECK flags that skip tests irrelevant to media (see mime.h). */
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>

#include "media/mime.h"

#define MIME_FALLBACK "application/octet-stream"

/* Checks that never identify an image or video; tests/unit/test_conformance.c
 * verifies the answers on the real corpus equal `file --mime-type -b`. */
#define MIME_FLAGS                                                                                 \
	(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF |     \
	 MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_ENCODING | MAGIC_NO_CHECK_TEXT |                      \
	 MAGIC_NO_CHECK_TOKENS | MAGIC_NO_CHECK_JSON | MAGIC_NO_CHECK_CSV |                        \
	 MAGIC_NO_CHECK_APPTYPE)

struct mime_sniffer {
	magic_t magic;
};

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
	const char *m = magic_buffer(s->magic, buf, len);
	return m && *m ? m : MIME_FALLBACK;
}

void mime_sniffer_free(struct mime_sniffer *s)
{
	if (!s)
		return;
	magic_close(s->magic);
	free(s);
}
