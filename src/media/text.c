/* The string and date helpers of media/ (media/text.h). */
#include "media/text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/ustr.h"

void media_copy_string(char *dst, size_t cap, const uint8_t *s, size_t len, bool trim_spaces)
{
	if (cap == 0)
		return;
	dst[0] = '\0';
	if (!s)
		return;
	const uint8_t *nul = memchr(s, 0, len);
	if (nul)
		len = (size_t)(nul - s);
	if (trim_spaces)
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
		               s[len - 1] == '\r'))
			len--;
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		/* ASCII, nearly every byte of a camera's strings, needs no decoding. */
		size_t n = s[i] < 0x80 ? 1 : ustr_utf8_seq_len((const char *)s + i, len - i);
		if (n) {
			if (o + n >= cap)
				break;
			memcpy(dst + o, s + i, n);
			o += n;
			i += n;
		} else { /* not UTF-8: read the byte as Latin-1 */
			if (o + 2 >= cap)
				break;
			dst[o++] = (char)(0xc0 | s[i] >> 6);
			dst[o++] = (char)(0x80 | (s[i] & 0x3f));
			i++;
		}
	}
	dst[o] = '\0';
}

void media_format_utc(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		snprintf(buf, cap, "%s", "");
		return;
	}
	snprintf(buf, cap, "%04d:%02d:%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Signed decimal "+DD.DDD" at s[*i]; advances *i. */
static bool parse_signed_decimal(const char *s, size_t len, size_t *i, double *out)
{
	if (*i >= len || (s[*i] != '+' && s[*i] != '-'))
		return false;
	double sign = s[*i] == '-' ? -1 : 1, v = 0, scale = 1;
	size_t start = ++*i;
	while (*i < len && is_digit(s[*i]))
		v = v * 10 + (s[(*i)++] - '0');
	if (*i < len && s[*i] == '.') {
		(*i)++;
		while (*i < len && is_digit(s[*i])) {
			scale /= 10;
			v += (s[(*i)++] - '0') * scale;
		}
	}
	if (*i == start)
		return false;
	*out = sign * v;
	return true;
}

bool media_parse_iso6709(struct media_info *mi, const char *s, size_t len)
{
	size_t i = 0;
	double lat, lon, alt;
	if (!parse_signed_decimal(s, len, &i, &lat) || !parse_signed_decimal(s, len, &i, &lon))
		return false;
	if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
		return false;
	mi->gps_lat = lat;
	mi->gps_lon = lon;
	mi->has |= MI_GPS;
	if (parse_signed_decimal(s, len, &i, &alt)) {
		mi->gps_alt = alt;
		mi->has |= MI_GPS_ALT;
	}
	return true;
}

static bool digits_at(const char *s, size_t len, size_t at, size_t n)
{
	if (at + n > len)
		return false;
	for (size_t k = 0; k < n; k++)
		if (!is_digit(s[at + k]))
			return false;
	return true;
}

/* Appends n bytes to out (of 40) at *o; false when they do not fit. */
static bool put(char *out, size_t *o, const char *s, size_t n)
{
	if (*o + n >= 40)
		return false;
	memcpy(out + *o, s, n);
	*o += n;
	return true;
}

/* Built by hand, not with snprintf: Apple videos and XMP go through here on
 * every index (snprintf was half of an iPhone video's probe). */
bool media_date_from_iso(char *dst, size_t cap, const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\0'))
		len--;
	if (!digits_at(s, len, 0, 4) || len < 10 || s[4] != '-' || !digits_at(s, len, 5, 2) ||
	    s[7] != '-' || !digits_at(s, len, 8, 2))
		return false;
	char out[40];
	size_t o = 0;
	bool ok = put(out, &o, s, 4) && put(out, &o, ":", 1) && put(out, &o, s + 5, 2) &&
	          put(out, &o, ":", 1) && put(out, &o, s + 8, 2);
	size_t i = 10;
	if (i < len && s[i] == 'T' && digits_at(s, len, 11, 2) && len > 13 && s[13] == ':' &&
	    digits_at(s, len, 14, 2)) {
		ok = ok && put(out, &o, " ", 1) && put(out, &o, s + 11, 5);
		i = 16;
		if (i < len && s[i] == ':' && digits_at(s, len, 17, 2)) {
			ok = ok && put(out, &o, s + 16, 3);
			i = 19;
		} else {
			ok = ok && put(out, &o, ":00", 3);
		}
		if (i < len && s[i] == '.') { /* fractional seconds, kept as ExifTool does */
			size_t j = i + 1;
			while (j < len && is_digit(s[j]))
				j++;
			ok = ok && put(out, &o, s + i, j - i);
			i = j;
		}
		size_t rest = len - i;
		if (rest == 5 && (s[i] == '+' || s[i] == '-') && digits_at(s, len, i + 1, 4))
			ok = ok && put(out, &o, s + i, 3) && put(out, &o, ":", 1) &&
			     put(out, &o, s + i + 3, 2);
		else if (rest <= 6)
			ok = ok && put(out, &o, s + i, rest);
	}
	if (!ok)
		return false;
	media_copy_string(dst, cap, (const uint8_t *)out, o, true);
	return true;
}
