/* Doubling growth for arrays and text (util/growbuf.h). */
#include "util/growbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int grow_array(void **arr, size_t *cap, size_t need, size_t elem)
{
	return grow_array_from(arr, cap, need, elem, 256);
}

int grow_array_from(void **arr, size_t *cap, size_t need, size_t elem, size_t first)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : first;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			return -1;
		n *= 2;
	}
	void *p = realloc(*arr, n * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = n;
	return 0;
}

int textbuf_reserve(struct textbuf *t, size_t len, size_t *off)
{
	if (len > SIZE_MAX - t->len)
		return -1;
	size_t cap = t->cap;
	if (grow_array((void **)&t->p, &cap, t->len + len, 1) != 0)
		return -1;
	t->cap = cap;
	*off = t->len;
	t->len += len;
	return 0;
}

int textbuf_add(struct textbuf *t, const void *s, size_t len, size_t *off)
{
	if (textbuf_reserve(t, len, off) != 0)
		return -1;
	if (len)
		memcpy(t->p + *off, s, len);
	return 0;
}

void textbuf_free(struct textbuf *t)
{
	free(t->p);
	t->p = NULL;
	t->len = t->cap = 0;
}
