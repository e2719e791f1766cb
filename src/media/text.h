/* The string and date helpers the parsers of media/ share (private to
 * media/): stored strings made valid UTF-8, ExifTool's date forms, ISO 6709
 * positions. Must not: read anything but the bytes given. Errors: false when
 * the input is not what the function parses. */
#ifndef TFS_MEDIA_TEXT_H
#define TFS_MEDIA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/probe.h"

/* Copies a stored string into dst as trimmed, valid UTF-8 (Latin-1 bytes are
 * transcoded). trim_spaces is false for dates, which ExifTool keeps verbatim. */
void media_copy_string(char *dst, size_t cap, const uint8_t *s, size_t len, bool trim_spaces);

/* "YYYY:MM:DD hh:mm:ss" from Unix seconds (UTC). */
void media_format_utc(int64_t t, char *buf, size_t cap);

/* ISO 6709 "+DD.DDDD+DDD.DDDD+AAA.AAA/" into the GPS fields; false if malformed. */
bool media_parse_iso6709(struct media_info *mi, const char *s, size_t len);

/* XMP/QuickTime style "2019-07-24T11:25:57+0300" into ExifTool's
 * "2019:07:24 11:25:57+03:00". Returns false when it is not a date. */
bool media_date_from_iso(char *dst, size_t cap, const char *s, size_t len);

#endif
