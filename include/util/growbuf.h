/* Growing arrays and byte buffers (walk entries, stored rows, view rows,
 * rendered documents): doubling growth, and text handed out as offsets so a
 * later reallocation cannot leave a pointer dangling. Every array of
 * takeoutfs that grows, grows here.
 * Owns: that growth policy. Must not: hold anything the daemon keeps while
 * serving that grows with the library (its heap must not). */
#ifndef TFS_UTIL_GROWBUF_H
#define TFS_UTIL_GROWBUF_H

#include <stddef.h>

/* Makes *arr (of *cap elements of elem bytes) hold at least need elements.
 * 0, or -1 when out of memory (*arr is then unchanged). */
int grow_array(void **arr, size_t *cap, size_t need, size_t elem);

/* The same, starting at first elements when *arr is still empty. */
int grow_array_from(void **arr, size_t *cap, size_t need, size_t elem, size_t first);

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
