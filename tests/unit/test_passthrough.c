/* The FUSE passthrough wire (fs/passthrough.h) on hand-built buffers: which
 * INIT requests offer passthrough, how the INIT and open replies are changed
 * and when they are left alone, and that a module without a device never
 * claims a file. The real kernel path is in test_mount.sh. */
#include <linux/fuse.h>
#include <stdint.h>
#include <string.h>

#include "../check.h"
#include "fs/passthrough.h"

#define PASSTHROUGH_FLAGS2 (1u << 5) /* FUSE_PASSTHROUGH is 1 << 37 */

/* An INIT request as the kernel sends it: header, then fuse_init_in. */
static size_t init_request(unsigned char *buf, uint32_t flags, uint32_t flags2, bool extended)
{
	struct fuse_in_header h = {.opcode = FUSE_INIT, .unique = 42};
	struct fuse_init_in in = {.major = 7, .minor = 45, .flags = flags, .flags2 = flags2};
	size_t arglen = extended ? sizeof in : offsetof(struct fuse_init_in, flags2);
	h.len = (uint32_t)(sizeof h + arglen);
	memcpy(buf, &h, sizeof h);
	memcpy(buf + sizeof h, &in, arglen);
	return h.len;
}

static void test_init_offers(void)
{
	unsigned char buf[256];
	bool is_init;
	uint64_t unique = 0;
	size_t n = init_request(buf, FUSE_INIT_EXT, PASSTHROUGH_FLAGS2, true);
	CHECK(passthrough_init_offers(buf, n, &is_init, &unique));
	CHECK(is_init);
	CHECK_INT(unique, 42);

	n = init_request(buf, FUSE_INIT_EXT, 0, true);
	CHECK(!passthrough_init_offers(buf, n, &is_init, &unique) && is_init);
	/* flags2 means nothing without FUSE_INIT_EXT. */
	n = init_request(buf, 0, PASSTHROUGH_FLAGS2, true);
	CHECK(!passthrough_init_offers(buf, n, &is_init, &unique) && is_init);
	/* An old kernel's short request. */
	n = init_request(buf, FUSE_INIT_EXT, 0, false);
	CHECK(!passthrough_init_offers(buf, n, &is_init, &unique) && is_init);
	/* Cut inside the header, and a request that is not INIT. */
	n = init_request(buf, FUSE_INIT_EXT, PASSTHROUGH_FLAGS2, true);
	CHECK(!passthrough_init_offers(buf, sizeof(struct fuse_in_header) - 1, &is_init, &unique) &&
	      !is_init);
	struct fuse_in_header other = {.opcode = FUSE_READ, .unique = 7};
	memcpy(buf, &other, sizeof other);
	CHECK(!passthrough_init_offers(buf, n, &is_init, &unique) && !is_init);
}

static void test_init_reply(void)
{
	struct fuse_init_out out = {.major = 7, .minor = 38, .flags = FUSE_INIT_EXT, .flags2 = 1};
	CHECK(passthrough_patch_init_reply(&out, sizeof out));
	CHECK_INT(out.flags2, 1 | PASSTHROUGH_FLAGS2); /* what libfuse set stays */
	CHECK_INT(out.unused[0], 1);                   /* max_stack_depth */
	CHECK_INT(out.flags, FUSE_INIT_EXT);

	struct fuse_init_out before = {.flags = 0};
	struct fuse_init_out o = before;
	CHECK(!passthrough_patch_init_reply(&o, sizeof o)); /* no INIT_EXT */
	CHECK(memcmp(&o, &before, sizeof o) == 0);
	before.flags = FUSE_INIT_EXT | FUSE_WRITEBACK_CACHE;
	o = before;
	CHECK(!passthrough_patch_init_reply(&o, sizeof o));
	CHECK(memcmp(&o, &before, sizeof o) == 0);
	before.flags = FUSE_INIT_EXT;
	o = before;
	/* A reply too short to hold max_stack_depth. */
	CHECK(!passthrough_patch_init_reply(&o, offsetof(struct fuse_init_out, unused)));
	CHECK(memcmp(&o, &before, sizeof o) == 0);
}

static void test_open_reply(void)
{
	struct fuse_open_out out = {.fh = 9, .open_flags = FOPEN_KEEP_CACHE | FOPEN_NOFLUSH};
	CHECK(passthrough_patch_open_reply(&out, sizeof out, 3));
	CHECK_INT(out.open_flags, (1u << 7) | FOPEN_NOFLUSH);
	CHECK_INT(out.padding, 3); /* backing_id */
	CHECK_INT(out.fh, 9);

	struct fuse_open_out before = {.fh = 9, .open_flags = FOPEN_KEEP_CACHE};
	struct fuse_open_out o = before;
	CHECK(!passthrough_patch_open_reply(&o, sizeof o, 0));
	CHECK(!passthrough_patch_open_reply(&o, sizeof o - 1, 3));
	CHECK(memcmp(&o, &before, sizeof o) == 0);
}

/* Without an installed session (or with -o passthrough=off) every open is
 * the daemon's, and counted as such. */
static void test_not_installed(void)
{
	for (int wanted = 0; wanted < 2; wanted++) {
		struct passthrough *pt = passthrough_new(wanted);
		CHECK(pt != NULL);
		if (!pt)
			return;
		int32_t id = -1;
		CHECK_INT(passthrough_acquire(pt, 5, 0, &id), PT_NEVER);
		CHECK_INT(id, -1);
		bool on = true;
		int64_t through = -1, daemon = -1;
		passthrough_counts(pt, &on, &through, &daemon);
		CHECK(!on);
		CHECK_INT(through, 0);
		CHECK_INT(daemon, 1);
		passthrough_free(pt);
	}
}

int main(void)
{
	test_init_offers();
	test_init_reply();
	test_open_reply();
	test_not_installed();
	CHECK_DONE();
}
