/* The taken-time rule of interface.md ("Taken time"): picks an item's instant
 * and local offset from the sidecar, EXIF, the video container, the file name
 * or the mtime, rejecting the placeholder dates of takeout-format.md §4.1.
 *
 * Calendar arithmetic for UTC is done here (days from civil), so that only the
 * two questions that need the zone database go to libc: "what is the offset
 * of the process's zone at this instant" (localtime_r) and "which instant is
 * this local wall time" (mktime). Neither touches the environment. */
#include "media/taken.h"

#include "util/civil.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ±14 h is the widest offset in use (Pacific/Kiritimati, +14:00). */
#define MAX_OFFSET_MINUTES (14 * 60)
#define QUARTER_HOUR       900

struct civil {
	int year, month, day, hour, min, sec;
};

/* ---- calendar ------------------------------------------------------------- */

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* The civil fields read as if they were UTC. */
static int64_t civil_as_utc(const struct civil *c)
{
	return civil_days_from_date(c->year, c->month, c->day) * 86400 + c->hour * 3600 +
	       c->min * 60 + c->sec;
}

static void utc_to_civil(int64_t t, struct civil *c)
{
	int64_t days = t / 86400, rem = t % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t y;
	civil_from_days(days, &y, &c->month, &c->day);
	c->year = y < -999999 ? -999999 : y > 999999 ? 999999 : (int)y;
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem / 60 % 60);
	c->sec = (int)(rem % 60);
}

static bool civil_is_valid(const struct civil *c, int min_year, int max_year)
{
	return c->year >= min_year && c->year <= max_year && c->month >= 1 && c->month <= 12 &&
	       c->day >= 1 && c->day <= days_in_month(c->year, c->month) && c->hour >= 0 &&
	       c->hour <= 23 && c->min >= 0 && c->min <= 59 && c->sec >= 0 && c->sec <= 59;
}

/* ---- the process's time zone ----------------------------------------------- */

static int local_offset_minutes(int64_t utc)
{
	time_t t = (time_t)utc;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return 0;
	return (int)(tm.tm_gmtoff / 60);
}

/* The instant of a local wall time in the process's zone. In a DST gap or
 * overlap mktime picks one of the candidates, which is all one can do. */
static bool local_to_utc(const struct civil *c, int64_t *utc, int *offset_minutes)
{
	struct tm tm = {
	    .tm_year = c->year - 1900,
	    .tm_mon = c->month - 1,
	    .tm_mday = c->day,
	    .tm_hour = c->hour,
	    .tm_min = c->min,
	    .tm_sec = c->sec,
	    .tm_isdst = -1,
	};
	errno = 0;
	time_t t = mktime(&tm);
	if (t == (time_t)-1 && errno != 0)
		return false;
	*utc = (int64_t)t;
	*offset_minutes = (int)(tm.tm_gmtoff / 60);
	return true;
}

/* ---- EXIF strings ----------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool read_digits(const char *s, size_t len, size_t at, int n, int *value)
{
	if (at + (size_t)n > len)
		return false;
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit(s[at + i]))
			return false;
		v = v * 10 + (s[at + i] - '0');
	}
	*value = v;
	return true;
}

static size_t bounded_len(const char *s, size_t cap)
{
	const char *nul = memchr(s, '\0', cap);
	return nul ? (size_t)(nul - s) : cap;
}

static size_t skip_spaces(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] == ' ')
		i++;
	return i;
}

/* "+hh:mm", "-hh:mm", "+hhmm", "+hh" or "Z" at s[*i..len); advances *i. */
static bool parse_zone(const char *s, size_t len, size_t *i, int *minutes)
{
	size_t p = *i;
	if (p < len && s[p] == 'Z') {
		*i = p + 1;
		*minutes = 0;
		return true;
	}
	if (p >= len || (s[p] != '+' && s[p] != '-'))
		return false;
	int sign = s[p] == '-' ? -1 : 1, hh, mm = 0;
	if (!read_digits(s, len, p + 1, 2, &hh))
		return false;
	p += 3;
	if (p < len && s[p] == ':')
		p++;
	if (p < len && is_digit(s[p])) {
		if (!read_digits(s, len, p, 2, &mm))
			return false;
		p += 2;
	}
	if (mm > 59 || hh * 60 + mm > MAX_OFFSET_MINUTES)
		return false;
	*i = p;
	*minutes = sign * (hh * 60 + mm);
	return true;
}

/* EXIF OffsetTimeOriginal: a zone and nothing else ("   :  " means unknown). */
static bool parse_offset_time(const char *s, size_t cap, int *minutes)
{
	size_t len = bounded_len(s, cap), i = skip_spaces(s, len, 0);
	return parse_zone(s, len, &i, minutes) && skip_spaces(s, len, i) == len;
}

/* Dates cameras and muxers write when they know nothing (§4.1), besides the
 * zero fields that civil_is_valid already refuses. */
static bool is_placeholder(const struct civil *c)
{
	static const struct civil placeholders[] = {
	    {1970, 1, 1, 0, 0, 0},
	    {1904, 1, 1, 0, 0, 0}, /* QuickTime epoch */
	    {2036, 1, 1, 23, 59, 59},
	    {2040, 2, 6, 6, 28, 15}, /* QuickTime 0xFFFFFFFF */
	};
	for (size_t i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++)
		if (memcmp(c, &placeholders[i], sizeof *c) == 0)
			return true;
	return false;
}

/* EXIF DateTimeOriginal "YYYY:MM:DD hh:mm:ss" (also with '-' in the date and
 * 'T' between), optionally followed by ".fraction" and a zone. */
static bool parse_exif_datetime(const char *s, size_t cap, struct civil *c, bool *has_zone,
                                int *zone_minutes)
{
	size_t len = bounded_len(s, cap), i = skip_spaces(s, len, 0);
	*has_zone = false;
	memset(c, 0, sizeof *c);
	if (!read_digits(s, len, i, 4, &c->year) || i + 19 > len)
		return false;
	char ds = s[i + 4];
	if ((ds != ':' && ds != '-') || s[i + 7] != ds || (s[i + 10] != ' ' && s[i + 10] != 'T') ||
	    s[i + 13] != ':' || s[i + 16] != ':')
		return false;
	if (!read_digits(s, len, i + 5, 2, &c->month) || !read_digits(s, len, i + 8, 2, &c->day) ||
	    !read_digits(s, len, i + 11, 2, &c->hour) || !read_digits(s, len, i + 14, 2, &c->min) ||
	    !read_digits(s, len, i + 17, 2, &c->sec))
		return false;
	i += 19;
	if (i < len && s[i] == '.')
		for (i++; i < len && is_digit(s[i]); i++)
			;
	i = skip_spaces(s, len, i);
	if (i < len) {
		if (!parse_zone(s, len, &i, zone_minutes) || skip_spaces(s, len, i) != len)
			return false;
		*has_zone = true;
	}
	return civil_is_valid(c, 1800, 2099) && !is_placeholder(c);
}

/* The EXIF original time of mi, with its zone when EXIF records one. */
static bool exif_original(const struct media_info *mi, struct civil *c, bool *has_zone,
                          int *zone_minutes)
{
	if (!mi || !parse_exif_datetime(mi->date_time_original, sizeof mi->date_time_original, c,
	                                has_zone, zone_minutes))
		return false;
	int offset;
	if (parse_offset_time(mi->offset_time_original, sizeof mi->offset_time_original, &offset)) {
		*has_zone = true;
		*zone_minutes = offset;
	}
	return true;
}

/* ---- the rule ---------------------------------------------------------------- */

/* A date (and maybe a time) found at one position of a name. */
struct name_date {
	struct civil c;
	bool has_time;
	bool has_zone; /* an offset right after the time: VID_20180723180057+0200 */
	int zone_minutes;
};

static bool name_date_find(const char *name, size_t len, struct name_date *out);
static bool name_zone(const struct taken_inputs *in, int *minutes);

/* QuickTime Keys CreationDate ("2018:07:23 20:00:41+02:00"): an iPhone
 * video's local capture time with its offset. Only with its zone. */
static bool creation_date(const struct media_info *mi, struct civil *c, int *zone)
{
	bool has_zone;
	return mi &&
	       parse_exif_datetime(mi->creation_date, sizeof mi->creation_date, c, &has_zone,
	                           zone) &&
	       has_zone;
}

/* The offset where the files say none: the file name's, else -o tz's. */
static int fallback_offset(const struct taken_inputs *in, int64_t utc)
{
	int zone;
	return name_zone(in, &zone) ? zone : local_offset_minutes(utc);
}

/* Offset for a sidecar instant (rule 1): EXIF's own zone; else the distance to
 * the EXIF wall time when it is a plausible zone offset; else the local zone. */
static int sidecar_offset(int64_t utc, const struct taken_inputs *in)
{
	const struct media_info *mi = in->mi;
	int offset;
	if (mi &&
	    parse_offset_time(mi->offset_time_original, sizeof mi->offset_time_original, &offset))
		return offset;
	struct civil c;
	bool has_zone;
	int zone;
	if (mi && parse_exif_datetime(mi->date_time_original, sizeof mi->date_time_original, &c,
	                              &has_zone, &zone)) {
		if (has_zone)
			return zone;
		int64_t diff = civil_as_utc(&c) - utc;
		if (diff % QUARTER_HOUR == 0 && diff >= -MAX_OFFSET_MINUTES * 60 &&
		    diff <= MAX_OFFSET_MINUTES * 60)
			return (int)(diff / 60);
	}
	if (creation_date(mi, &c, &zone))
		return zone;
	return fallback_offset(in, utc);
}

static bool from_exif(const struct taken_inputs *in, struct taken *out)
{
	struct civil c;
	bool has_zone;
	int zone = 0;
	if (!exif_original(in->mi, &c, &has_zone, &zone))
		return false;
	if (!has_zone)
		has_zone = name_zone(in, &zone);
	if (has_zone) {
		out->utc = civil_as_utc(&c) - (int64_t)zone * 60;
		out->offset_minutes = zone;
	} else if (!local_to_utc(&c, &out->utc, &out->offset_minutes)) {
		return false;
	}
	out->source = TAKEN_EXIF;
	return true;
}

/* A video's Keys CreationDate (with its offset), else its UTC creation time. */
static bool from_container(const struct taken_inputs *in, struct taken *out)
{
	const struct media_info *mi = in->mi;
	struct civil c;
	int zone;
	if (creation_date(mi, &c, &zone)) {
		out->utc = civil_as_utc(&c) - (int64_t)zone * 60;
		out->offset_minutes = zone;
		out->source = TAKEN_CONTAINER;
		return true;
	}
	if (!mi || !(mi->has & MI_CONTAINER_TIME))
		return false;
	utc_to_civil(mi->container_time, &c);
	if (!civil_is_valid(&c, 1800, 2099) || is_placeholder(&c))
		return false;
	out->utc = mi->container_time;
	out->offset_minutes = fallback_offset(in, out->utc);
	out->source = TAKEN_CONTAINER;
	return true;
}

static bool from_filename(const struct taken_inputs *in, struct taken *out)
{
	struct name_date nd;
	if (!name_date_find(in->name, in->name_len, &nd))
		return false;
	if (nd.has_zone) {
		out->utc = civil_as_utc(&nd.c) - (int64_t)nd.zone_minutes * 60;
		out->offset_minutes = nd.zone_minutes;
	} else if (!local_to_utc(&nd.c, &out->utc, &out->offset_minutes)) {
		return false;
	}
	out->source = TAKEN_FILENAME;
	return true;
}

void taken_decide(const struct taken_inputs *in, struct taken *out)
{
	memset(out, 0, sizeof *out);
	if (in->has_sidecar_taken && in->sidecar_taken != 0) {
		out->utc = in->sidecar_taken;
		out->offset_minutes = sidecar_offset(in->sidecar_taken, in);
		out->source = TAKEN_SIDECAR;
		return;
	}
	if (from_exif(in, out) || from_container(in, out) || from_filename(in, out))
		return;
	out->utc = in->mtime;
	out->offset_minutes = local_offset_minutes(in->mtime);
	out->source = TAKEN_MTIME;
}

const char *taken_source_name(enum taken_source s)
{
	switch (s) {
	case TAKEN_SIDECAR:
		return "sidecar";
	case TAKEN_EXIF:
		return "exif";
	case TAKEN_CONTAINER:
		return "container";
	case TAKEN_FILENAME:
		return "filename";
	case TAKEN_MTIME:
		return "mtime";
	case TAKEN_NONE:
		break;
	}
	return NULL;
}

/* ---- dates in file names (§4.3) ------------------------------------------------ */

static bool is_date_separator(char c)
{
	return c == '-' || c == '_' || c == '.';
}

/* "YYYYMMDD" or "YYYY?MM?DD" with one separator from - _ . used twice. */
static bool scan_date(const char *s, size_t len, size_t i, struct civil *c, size_t *end, char *sep)
{
	if (!read_digits(s, len, i, 4, &c->year) || i + 8 > len)
		return false;
	*sep = is_date_separator(s[i + 4]) ? s[i + 4] : 0;
	size_t step = *sep ? 3 : 2;
	if (!read_digits(s, len, i + 4 + (*sep ? 1 : 0), 2, &c->month))
		return false;
	size_t d = i + 4 + step;
	if (*sep && (d >= len || s[d] != *sep))
		return false;
	if (*sep)
		d++;
	if (!read_digits(s, len, d, 2, &c->day))
		return false;
	*end = d + 2;
	return true;
}

/* "hhmmss" or "hh?mm?ss" with one separator from - _ . : used twice. */
static bool scan_time(const char *s, size_t len, size_t i, struct civil *c, size_t *end)
{
	if (!read_digits(s, len, i, 2, &c->hour) || i + 2 >= len)
		return false;
	char sep = s[i + 2];
	if (is_digit(sep)) {
		if (!read_digits(s, len, i + 2, 2, &c->min) ||
		    !read_digits(s, len, i + 4, 2, &c->sec))
			return false;
		*end = i + 6; /* milliseconds may follow (PXL_..._203449253) */
		return true;
	}
	if (sep != '-' && sep != '_' && sep != '.' && sep != ':')
		return false;
	if (!read_digits(s, len, i + 3, 2, &c->min) || i + 5 >= len || s[i + 5] != sep ||
	    !read_digits(s, len, i + 6, 2, &c->sec))
		return false;
	*end = i + 8;
	return i + 8 >= len || !is_digit(s[i + 8]);
}

/* The date (and time) starting at s[i], i being the start of a digit run. */
static bool scan_name_date(const char *s, size_t len, size_t i, struct name_date *nd)
{
	size_t end;
	char date_sep;
	memset(nd, 0, sizeof *nd);
	if (!scan_date(s, len, i, &nd->c, &end, &date_sep))
		return false;
	/* Time right after a compact date (BURST20190216172030), or after one of
	 * - _ space T . ("Screenshot from 2022-12-17 19-45-43"). */
	size_t t = end;
	if (t < len && !is_digit(s[t]) &&
	    (s[t] == '-' || s[t] == '_' || s[t] == ' ' || s[t] == 'T' || s[t] == '.'))
		t++;
	else if (t < len && is_digit(s[t]) && date_sep)
		return false;
	struct civil with_time = nd->c;
	size_t time_end;
	if ((t > end || date_sep == 0) && scan_time(s, len, t, &with_time, &time_end) &&
	    civil_is_valid(&with_time, 1800, 2099)) {
		nd->c = with_time;
		nd->has_time = true;
		size_t z = time_end;
		if (z < len && (s[z] == '+' || s[z] == '-') &&
		    parse_zone(s, len, &z, &nd->zone_minutes) && (z >= len || !is_digit(s[z])))
			nd->has_zone = true;
		return true;
	}
	/* Date only (WhatsApp IMG-20150125-WA0003): the date must stand alone. */
	return end >= len || !is_digit(s[end]);
}

static bool name_date_acceptable(const struct name_date *nd)
{
	if (!civil_is_valid(&nd->c, 1800, 2099))
		return false;
	/* Wall time against now as UTC: the zone's ±14 h hide in the day of slack. */
	return civil_as_utc(&nd->c) <= (int64_t)time(NULL) + 86400;
}

static bool name_date_find(const char *name, size_t len, struct name_date *out)
{
	struct name_date best, nd;
	bool found = false;
	if (!name)
		return false;
	for (size_t i = 0; i + 8 <= len; i++) {
		if (!is_digit(name[i]) || (i > 0 && is_digit(name[i - 1])))
			continue;
		if (!scan_name_date(name, len, i, &nd) || !name_date_acceptable(&nd))
			continue;
		if (nd.has_time) {
			best = nd;
			found = true;
			break;
		}
		if (!found) {
			best = nd;
			found = true;
		}
	}
	if (found)
		*out = best;
	return found;
}

/* The offset a file name gives after its date and time, if any. */
static bool name_zone(const struct taken_inputs *in, int *minutes)
{
	struct name_date nd;
	if (!name_date_find(in->name, in->name_len, &nd) || !nd.has_zone)
		return false;
	*minutes = nd.zone_minutes;
	return true;
}

bool taken_from_filename(const char *name, size_t len, int *year, int *month, int *day, int *hour,
                         int *min, int *sec)
{
	struct name_date best;
	if (!name_date_find(name, len, &best))
		return false;
	*year = best.c.year;
	*month = best.c.month;
	*day = best.c.day;
	*hour = best.c.hour;
	*min = best.c.min;
	*sec = best.c.sec;
	return true;
}

/* ---- formatting ------------------------------------------------------------------- */

void taken_format_iso8601(int64_t utc, int offset_minutes, char *buf, size_t len)
{
	if (!buf || len == 0)
		return;
	if (offset_minutes > 24 * 60 || offset_minutes < -24 * 60)
		offset_minutes = 0;
	struct civil c;
	int64_t local = utc > INT64_MAX - 86400 || utc < INT64_MIN + 86400
	                    ? utc
	                    : utc + (int64_t)offset_minutes * 60;
	utc_to_civil(local, &c);
	int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", c.year, c.month, c.day,
	         c.hour, c.min, c.sec, offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
}
