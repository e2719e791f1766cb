/* The check of a complete read against a known CRC-32 (fs/read_verify.h). */
#include "fs/read_verify.h"

#include <errno.h>
#include <zlib.h>

void read_verify_init(struct read_verify *v, bool crc_known, uint32_t crc, uint64_t size)
{
	pthread_mutex_init(&v->lock, NULL);
	v->active = crc_known;
	v->failed = false;
	v->next = 0;
	v->size = size;
	v->sum = 0;
	v->want = crc;
}

void read_verify_destroy(struct read_verify *v)
{
	pthread_mutex_destroy(&v->lock);
}

bool read_verify_wants(struct read_verify *v, uint64_t off)
{
	pthread_mutex_lock(&v->lock);
	bool wants = v->active && off == v->next;
	if (v->active && off != v->next)
		v->active = false; /* out of order: this open is served unchecked */
	pthread_mutex_unlock(&v->lock);
	return wants;
}

bool read_verify_failed(struct read_verify *v)
{
	pthread_mutex_lock(&v->lock);
	bool failed = v->failed;
	pthread_mutex_unlock(&v->lock);
	return failed;
}

int read_verify_bytes(struct read_verify *v, const void *buf, size_t len, uint64_t off)
{
	int rc = 0;
	pthread_mutex_lock(&v->lock);
	if (!v->active || off != v->next) {
		v->active = false;
	} else {
		v->sum = (uint32_t)crc32_z(v->sum, buf, len);
		v->next += len;
		if (v->next >= v->size) {
			rc = v->sum == v->want ? 0 : -EIO;
			v->failed = rc != 0;
			v->active = false; /* checked: a second pass is not summed again */
		}
	}
	pthread_mutex_unlock(&v->lock);
	return rc;
}
