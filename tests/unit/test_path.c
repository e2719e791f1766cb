/* path_join: the separator rule and every refusal. */
#include <errno.h>

#include "check.h"
#include "util/path.h"

int main(void)
{
	char buf[16];
	CHECK_INT(path_join(buf, sizeof buf, "a/b", 3, "x.jpg", 5), 9);
	CHECK_STR(buf, "a/b/x.jpg");
	CHECK_INT(path_join(buf, sizeof buf, "", 0, "x.jpg", 5), 5);
	CHECK_STR(buf, "x.jpg");
	CHECK_INT(path_join(buf, sizeof buf, NULL, 0, "x.jpg", 5), 5);
	CHECK_INT(path_join(buf, sizeof buf, "a", 1, "", 0), -ENOENT);
	CHECK_INT(path_join(buf, sizeof buf, "a\0b", 3, "x", 1), -ENOENT);
	CHECK_INT(path_join(buf, sizeof buf, "a", 1, "x\0", 2), -ENOENT);
	CHECK_INT(path_join(buf, sizeof buf, "abcdefgh", 8, "123456", 6), 15);
	CHECK_INT(path_join(buf, sizeof buf, "abcdefgh", 8, "1234567", 7), -ENAMETOOLONG);
	CHECK_DONE();
}
