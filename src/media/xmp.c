/* Fallbacks ExifTool uses when EXIF lacks a tag: a few XMP properties
 * (xmp:CreateDate, exif:DateTimeOriginal, tiff:Orientation, tiff:Make/Model)
 * found by name in the packet, and the IPTC DateCreated+TimeCreated pair
 * from a Photoshop APP13 block. They never override a value EXIF gave. */
#include <stdio.h>
#include <string.h>

#include "media/parsers.h"
#include "media/text.h"

#define IPTC_MAX_RESOURCES 64
#define IPTC_MAX_DATASETS  512

/* The value of property `name` written as an attribute (name="v") or as an
 * element (<name>v</name>). */
static bool xmp_value(const uint8_t *xml, size_t len, const char *name, const uint8_t **val,
                      size_t *vlen)
{
	size_t nlen = strlen(name);
	const uint8_t *p = xml, *end = xml + len;
	while (p < end) {
		const uint8_t *hit = memmem(p, (size_t)(end - p), name, nlen);
		if (!hit)
			return false;
		const uint8_t *q = hit + nlen;
		p = q;
		if (hit == xml || (hit[-1] != '<' && hit[-1] != ' ' && hit[-1] != '\t' &&
		                   hit[-1] != '\n' && hit[-1] != '\r'))
			continue;
		while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
			q++;
		if (q >= end)
			return false;
		uint8_t stop;
		if (*q == '=' && q + 1 < end && (q[1] == '"' || q[1] == '\'')) {
			stop = q[1];
			q += 2;
		} else if (*q == '>' && hit[-1] == '<') {
			stop = '<';
			q++;
		} else {
			continue;
		}
		const uint8_t *e = memchr(q, stop, (size_t)(end - q));
		if (!e)
			return false;
		*val = q;
		*vlen = (size_t)(e - q);
		return true;
	}
	return false;
}

static void xmp_date(const uint8_t *xml, size_t len, const char *name, char *dst, size_t cap)
{
	const uint8_t *v;
	size_t vlen;
	if (!dst[0] && xmp_value(xml, len, name, &v, &vlen))
		media_date_from_iso(dst, cap, (const char *)v, vlen);
}

static void xmp_string(const uint8_t *xml, size_t len, const char *name, char *dst, size_t cap)
{
	const uint8_t *v;
	size_t vlen;
	if (!dst[0] && xmp_value(xml, len, name, &v, &vlen))
		media_copy_string(dst, cap, v, vlen, true);
}

void xmp_apply(struct probe_ctx *c, const uint8_t *xml, size_t len)
{
	struct media_info *mi = c->out;
	const uint8_t *v;
	size_t vlen;
	if (mi->create_date[0] && mi->date_time_original[0] && mi->make[0] && mi->model[0] &&
	    (mi->has & MI_ORIENTATION))
		return; /* EXIF said it all, and EXIF wins */
	xmp_date(xml, len, "xmp:CreateDate", mi->create_date, sizeof mi->create_date);
	xmp_date(xml, len, "exif:DateTimeOriginal", mi->date_time_original,
	         sizeof mi->date_time_original);
	xmp_string(xml, len, "tiff:Make", mi->make, sizeof mi->make);
	xmp_string(xml, len, "tiff:Model", mi->model, sizeof mi->model);
	if (!(mi->has & MI_ORIENTATION) && xmp_value(xml, len, "tiff:Orientation", &v, &vlen) &&
	    vlen == 1 && v[0] >= '1' && v[0] <= '8') {
		mi->orientation = v[0] - '0';
		mi->has |= MI_ORIENTATION;
	}
}

static bool all_digits(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* IPTC-NAA records: 0x1C, record, dataset, 16-bit size, data. */
static void iptc_records(struct probe_ctx *c, const uint8_t *p, size_t len)
{
	const uint8_t *date = NULL, *time = NULL;
	size_t date_len = 0, time_len = 0, pos = 0;
	for (int n = 0; n < IPTC_MAX_DATASETS && pos + 5 <= len && p[pos] == 0x1c; n++) {
		uint8_t rec = p[pos + 1], ds = p[pos + 2];
		size_t sz = rd_be16(p + pos + 3);
		if (sz & 0x8000) /* extended size: not used for dates */
			return;
		pos += 5;
		if (sz > len - pos)
			return;
		if (rec == 2 && ds == 55) {
			date = p + pos;
			date_len = sz;
		} else if (rec == 2 && ds == 60) {
			time = p + pos;
			time_len = sz;
		}
		pos += sz;
	}
	if (!date || !time || date_len != 8 || time_len < 6 || !all_digits(date, 8) ||
	    !all_digits(time, 6))
		return;
	char buf[40];
	int o = snprintf(buf, sizeof buf, "%.4s:%.2s:%.2s %.2s:%.2s:%.2s", date, date + 4, date + 6,
	                 time, time + 2, time + 4);
	if (time_len == 11 && (time[6] == '+' || time[6] == '-') && all_digits(time + 7, 4))
		snprintf(buf + o, sizeof buf - (size_t)o, "%c%.2s:%.2s", time[6], time + 7,
		         time + 9);
	media_copy_string(c->out->date_time_original, sizeof c->out->date_time_original,
	                  (const uint8_t *)buf, strlen(buf), true);
}

/* Photoshop image resources: "8BIM", id, padded Pascal name, size, data (padded). */
void iptc_apply_photoshop(struct probe_ctx *c, const uint8_t *seg, size_t len)
{
	if (c->out->date_time_original[0])
		return;
	size_t pos = 0;
	for (int n = 0; n < IPTC_MAX_RESOURCES && pos + 12 <= len; n++) {
		if (memcmp(seg + pos, "8BIM", 4) != 0)
			return;
		uint16_t id = rd_be16(seg + pos + 4);
		size_t name = 1 + (size_t)seg[pos + 6];
		name += name & 1;
		size_t at = pos + 6 + name;
		if (at + 4 > len)
			return;
		size_t sz = rd_be32(seg + at);
		at += 4;
		if (sz > len - at)
			return;
		if (id == 0x0404) {
			iptc_records(c, seg + at, sz);
			return;
		}
		pos = at + sz + (sz & 1);
	}
}
