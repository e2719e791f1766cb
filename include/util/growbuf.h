/* Growing arrays and byte buffers for the index-time tables built in memory
 * (walk entries, stored rows, view rows): doubling growth, and text handed
 * out as offsets so a later reallocation cannot leave a pointer dangling.
 * Owns: that growth policy. Must not: be used for anything the daemon keeps
 * while serving (its heap must not grow with the library). */
#ifndef TFS_UTIL_GROWBUF_H
#define TFS_UTIL_GROWBUF_H

#include <stddef.h>

/* Makes *arr (of *cap elements of elem bytes) hold at least need elements.
 * 0, or -1 when out of memory (*arr is then unchanged). */
int grow_array(void **arr, size_t *cap, size_t need, size_t elem);

struct textbuf {
	char *p;
	size_t len, cap;
};

/* Appends len bytes of room; *off is where they start. 0 or -1. */
int textbuf_reserve(struct textbuf *t, size_t len, size_t *off);
/* Appends s[0..len); *off is where it starts. 0 or -1. */
int textbuf_add(struct textbuf *t, const void *s, size_t len, size_t *off);
void textbuf_free(struct textbuf *t);

#endif
