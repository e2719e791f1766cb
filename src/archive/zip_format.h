/* Private to the zip modules: little-endian field reads, record signatures,
 * and the steps the central directory and the local-header walk share
 * (decoding a name, applying the extra fields).
 * Owns: nothing beyond those helpers. Must not: be included outside
 * src/archive/zip_*.c. */
#ifndef TFS_ARCHIVE_ZIP_FORMAT_H
#define TFS_ARCHIVE_ZIP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive/zip.h"

#define ZIP_SIG_LOCAL      0x04034b50u
#define ZIP_SIG_CENTRAL    0x02014b50u
#define ZIP_SIG_EOCD       0x06054b50u
#define ZIP_SIG_ZIP64_EOCD 0x06064b50u
#define ZIP_SIG_ZIP64_LOC  0x07064b50u
#define ZIP_SIG_DESCRIPTOR 0x08074b50u

#define ZIP_EXTRA_ZIP64     0x0001
#define ZIP_EXTRA_TIMESTAMP 0x5455
#define ZIP_EXTRA_UNICODE   0x7075

static inline uint16_t zip_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t zip_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t zip_le64(const uint8_t *p)
{
	return (uint64_t)zip_le32(p) | (uint64_t)zip_le32(p + 4) << 32;
}

/* Finds extra field id in extra[0..len): true with its data span. Stops at
 * the first record that runs past the end (what follows is not trusted). */
bool zip_extra_find(const uint8_t *extra, size_t len, uint16_t id, const uint8_t **data,
                    size_t *data_len);

/* Replaces the 0xFFFFFFFF fields among *size, *comp_size and *local_offset
 * (local_offset NULL for a local header) with the ZIP64 extra's values, which
 * hold only the overflowed ones in that order. 0, or -EBADMSG with *problem set
 * when one is needed and absent. */
int zip_apply_zip64(const uint8_t *extra, size_t len, uint64_t *size, uint64_t *comp_size,
                    uint64_t *local_offset, struct arc_problem *problem);

/* Decodes raw[0..raw_len) into e->name as flags and the Unicode Path extra
 * say (see enum zip_name_source); sets e->problem for a NUL or a decoded name
 * over ZIP_NAME_CAP - 1 bytes. */
void zip_decode_name(const uint8_t *raw, size_t raw_len, uint16_t flags, const uint8_t *extra,
                     size_t extra_len, struct zip_entry *e);

/* Appends the UTF-8 form of CP437 bytes raw[0..len) to out[0..cap) from
 * *out_len. False when it does not fit (out is then cut). */
bool zip_cp437_to_utf8(const uint8_t *raw, size_t len, char *out, size_t cap, size_t *out_len);

/* Fills e->dos_time from the DOS time and date words, and e->mtime_unix from
 * the extended timestamp extra when it carries a modification time. */
void zip_decode_times(uint16_t dos_time, uint16_t dos_date, const uint8_t *extra, size_t extra_len,
                      struct zip_entry *e);

/* Sets e->problem for the method and the encryption flag (first problem wins). */
void zip_check_method(struct zip_entry *e);

#endif
