/* Growing arrays and text: sizes reached, contents kept across growth,
 * offsets still good after reallocation, impossible sizes refused. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/growbuf.h"

int main(void)
{
	int *a = NULL;
	size_t cap = 0;
	for (int i = 0; i < 10000; i++) {
		if (grow_array((void **)&a, &cap, (size_t)i + 1, sizeof *a) != 0)
			break;
		a[i] = i;
	}
	CHECK(cap >= 10000);
	int ok = 1;
	for (int i = 0; a && i < 10000; i++)
		ok &= a[i] == i;
	CHECK(ok);
	size_t before = cap;
	CHECK_INT(grow_array((void **)&a, &cap, 5, sizeof *a), 0);
	CHECK(cap == before); /* never shrinks */
	int *kept = a;
	CHECK_INT(grow_array((void **)&a, &cap, SIZE_MAX / 2, sizeof *a), -1);
	CHECK(a == kept && cap == before); /* refused, untouched */
	free(a);

	struct textbuf t = {0};
	size_t first, off = 0;
	CHECK_INT(textbuf_add(&t, "hello", 5, &first), 0);
	for (int i = 0; i < 5000; i++)
		CHECK_INT(textbuf_add(&t, "0123456789", 10, &off), 0);
	CHECK(first == 0 && off == 5 + 4999 * 10 && t.len == 5 + 50000);
	CHECK(memcmp(t.p + first, "hello", 5) == 0 && memcmp(t.p + off, "0123456789", 10) == 0);
	size_t room;
	CHECK_INT(textbuf_reserve(&t, 300, &room), 0);
	CHECK(room == 50005 && t.len == 50305 && t.cap >= t.len);
	CHECK_INT(textbuf_reserve(&t, SIZE_MAX - 10, &room), -1);
	CHECK(t.len == 50305);
	textbuf_free(&t);
	CHECK(t.p == NULL && t.len == 0 && t.cap == 0);
	CHECK_DONE();
}
