/* Maker notes: the few values ExifTool takes from a camera maker's private
 * block that takeoutfs shows when the standard EXIF tags lack them: Canon's
 * LensModel (tag 0x0095) and ISO (CameraISO when it is a number, else
 * BaseISO x AutoISO / 100, ExifTool's Composite:ISO), Olympus's Equipment
 * LensModel (0x2010/0x0203), Nikon's ISO (0x0002), the capture time of
 * Reconyx trail cameras, which write no EXIF date, and the ISO line of
 * Kodak's private IFD (IFD0 tag 0x8290). libexif does not expose
 * these values as numbers, so the maker note IFD is read here from the TIFF
 * block, every offset checked against it.
 * Must not: replace a value EXIF gave, or read outside the block it is given.
 * Errors: none; a maker note that cannot be read is skipped (the file is not
 * damaged for it, ExifTool only warns). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "media/parsers.h"
#include "media/text.h"

#define TAG_EXIF_IFD   0x8769
#define TAG_MAKER_NOTE 0x927c
#define TYPE_SHORT     3
#define TYPE_LONG      4
#define TYPE_SSHORT    8
#define TYPE_IFD       13
#define MAX_ENTRIES    512

/* An IFD's bytes: offsets inside it are relative to `base` (a pointer into
 * the block), and `adjust` is added to them (Canon notes moved by an editor). */
struct view {
	const uint8_t *base;
	size_t len; /* bytes from base to the end of the block */
	bool le;
	int64_t adjust;
};

static const uint8_t type_bytes[] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};

/* The 12-byte entry of tag in the IFD at off, or NULL. */
static const uint8_t *find_entry(const struct view *v, uint64_t off, uint16_t tag)
{
	if (off > v->len || v->len - off < 2)
		return NULL;
	uint32_t n = rd_tiff16(v->base + off, v->le);
	if (n > MAX_ENTRIES)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t at = off + 2 + 12 * (uint64_t)i;
		if (at + 12 > v->len)
			return NULL;
		if (rd_tiff16(v->base + at, v->le) == tag)
			return v->base + at;
	}
	return NULL;
}

/* Where an entry's value lies (offset from v->base) and how long it is. */
static bool entry_data(const struct view *v, const uint8_t *e, uint64_t *off, uint64_t *bytes)
{
	uint16_t type = rd_tiff16(e + 2, v->le);
	uint32_t count = rd_tiff32(e + 4, v->le);
	if (type >= sizeof type_bytes || !type_bytes[type])
		return false;
	*bytes = (uint64_t)type_bytes[type] * count;
	if (*bytes <= 4) {
		*off = (uint64_t)(e + 8 - v->base);
		return true;
	}
	int64_t at = (int64_t)rd_tiff32(e + 8, v->le) + v->adjust;
	if (at < 0 || (uint64_t)at > v->len || *bytes > v->len - (uint64_t)at)
		return false;
	*off = (uint64_t)at;
	return true;
}

static bool entry_text(const struct view *v, const uint8_t *e, char *dst, size_t cap)
{
	uint64_t off, bytes;
	if (!e || rd_tiff16(e + 2, v->le) != 2 || !entry_data(v, e, &off, &bytes))
		return false;
	media_copy_string(dst, cap, v->base + off, (size_t)bytes, true);
	return dst[0] != '\0';
}

/* Element idx of a SHORT or SSHORT array entry. */
static bool entry_short(const struct view *v, const uint8_t *e, uint32_t idx, int32_t *out)
{
	uint64_t off, bytes;
	uint16_t type = e ? rd_tiff16(e + 2, v->le) : 0;
	if ((type != TYPE_SHORT && type != TYPE_SSHORT) || !entry_data(v, e, &off, &bytes) ||
	    2 * (uint64_t)idx + 2 > bytes)
		return false;
	uint16_t raw = rd_tiff16(v->base + off + 2 * idx, v->le);
	*out = type == TYPE_SSHORT ? (int16_t)raw : raw;
	return true;
}

/* ---- Canon ---------------------------------------------------------------- */

/* CameraSettings[16]: a number when bit 14 is set, else a code. */
static bool canon_camera_iso(int32_t raw, double *iso)
{
	static const int codes[][2] = {{16, 50}, {17, 100}, {18, 200}, {19, 400}, {20, 800}};
	if (raw == 0x7fff)
		return false;
	if (raw & 0x4000) {
		*iso = raw & 0x3fff;
		return true;
	}
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i][0] == raw) {
			*iso = codes[i][1];
			return true;
		}
	return false;
}

static bool canon_iso(const struct view *v, uint64_t ifd, double *iso)
{
	int32_t raw, base, autoiso;
	if (entry_short(v, find_entry(v, ifd, 0x0001), 16, &raw) && canon_camera_iso(raw, iso))
		return true;
	const uint8_t *shot = find_entry(v, ifd, 0x0004);
	if (!entry_short(v, shot, 1, &autoiso) || !entry_short(v, shot, 2, &base) || base == 0)
		return false;
	double b = exp(base / 32.0 * log(2)) * 100 / 32, a = exp(autoiso / 32.0 * log(2)) * 100;
	*iso = b * a / 100;
	return isfinite(*iso) && *iso > 0;
}

/* Canon notes end with "II*\0" (or "MM\0*") and the offset the note had when
 * the camera wrote it; an editor that moved the note left its value offsets
 * pointing at the old place. */
static int64_t canon_adjust(const uint8_t *note, size_t len, int64_t at)
{
	if (len < 8)
		return 0;
	const uint8_t *f = note + len - 8;
	bool le = memcmp(f, "II*\0", 4) == 0;
	if (!le && memcmp(f, "MM\0*", 4) != 0)
		return 0;
	return at - (int64_t)rd_tiff32(f + 4, le);
}

/* Canon writes its notes little-endian whatever the TIFF's order (a
 * big-endian file re-saved by an editor): the order whose entry count is
 * plausible wins, as ExifTool guesses it. */
static bool note_order(const uint8_t *ifd, bool le)
{
	uint16_t n = rd_tiff16(ifd, le), swapped = rd_tiff16(ifd, !le);
	return (n == 0 || n > MAX_ENTRIES) && swapped > 0 && swapped <= MAX_ENTRIES ? !le : le;
}

static void canon_note(struct media_info *mi, const uint8_t *tiff, size_t len, bool le, uint64_t at,
                       uint64_t bytes)
{
	le = note_order(tiff + at, le);
	struct view v = {tiff, len, le, canon_adjust(tiff + at, (size_t)bytes, (int64_t)at)};
	if (!mi->lens_model[0])
		entry_text(&v, find_entry(&v, at, 0x0095), mi->lens_model, sizeof mi->lens_model);

	if (!(mi->has & MI_ISO) && canon_iso(&v, at, &mi->iso))
		mi->has |= MI_ISO;
}

/* ---- Olympus -------------------------------------------------------------- */

static void olympus_note(struct media_info *mi, const uint8_t *tiff, size_t len, bool le,
                         uint64_t at, uint64_t bytes)
{
	struct view v = {tiff, len, le, 0};
	uint64_t ifd;
	if (bytes >= 16 && memcmp(tiff + at, "OLYMPUS\0", 8) == 0) {
		/* Newer notes: own byte order, offsets from the note's start. */
		const uint8_t *h = tiff + at + 8;
		if (memcmp(h, "II", 2) != 0 && memcmp(h, "MM", 2) != 0)
			return;
		v = (struct view){tiff + at, len - (size_t)at, h[0] == 'I', 0};
		ifd = 12;
	} else if (bytes >= 10 && memcmp(tiff + at, "OLYMP\0", 6) == 0) {
		ifd = at + 8; /* older notes: offsets from the TIFF header */
	} else {
		return;
	}
	const uint8_t *eq = find_entry(&v, ifd, 0x2010);
	if (!eq || mi->lens_model[0])
		return;
	uint16_t type = rd_tiff16(eq + 2, v.le);
	uint64_t sub, sub_bytes;
	if ((type == TYPE_IFD || type == TYPE_LONG) && rd_tiff32(eq + 4, v.le) == 1)
		sub = rd_tiff32(eq + 8, v.le);
	else if (!entry_data(&v, eq, &sub, &sub_bytes))
		return;
	entry_text(&v, find_entry(&v, sub, 0x0203), mi->lens_model, sizeof mi->lens_model);
}

/* ---- Nikon ---------------------------------------------------------------- */

/* Type 3 notes: "Nikon\0", a version, then a TIFF header of their own. */
static void nikon_note(struct media_info *mi, const uint8_t *tiff, size_t len, uint64_t at,
                       uint64_t bytes)
{
	if (bytes < 18 || memcmp(tiff + at, "Nikon\0\2", 7) != 0 || (mi->has & MI_ISO))
		return;
	const uint8_t *h = tiff + at + 10;
	bool le = h[0] == 'I';
	if ((memcmp(h, "II*\0", 4) != 0 && memcmp(h, "MM\0*", 4) != 0))
		return;
	struct view v = {h, len - (size_t)at - 10, le, 0};
	int32_t iso;
	if (entry_short(&v, find_entry(&v, rd_tiff32(h + 4, le), 0x0002), 1, &iso) && iso > 0) {
		mi->iso = iso;
		mi->has |= MI_ISO;
	}
}

/* ---- Reconyx -------------------------------------------------------------- */

/* HyperFire trail cameras ("\x01\xf1" and a version, little-endian) keep
 * the capture time only here: six shorts from word 0x0b, seconds first. */
static void reconyx_note(struct media_info *mi, const uint8_t *note, uint64_t bytes)
{
	if (bytes < 34 || note[0] != 0x01 || note[1] != 0xf1 || (note[2] != 2 && note[2] != 3) ||
	    note[3] != 0 || mi->date_time_original[0])
		return;
	unsigned a[6];
	for (int i = 0; i < 6; i++)
		a[i] = rd_le16(note + 22 + 2 * i);
	if ((a[0] & 0xff00) && !(a[0] & 0xff)) /* seen written big-endian */
		for (int i = 0; i < 6; i++)
			a[i] = (a[i] >> 8 | a[i] << 8) & 0xffff;
	if (a[5] > 9999 || a[3] > 99 || a[4] > 99 || a[2] > 99 || a[1] > 99 || a[0] > 99)
		return;
	snprintf(mi->date_time_original, sizeof mi->date_time_original,
	         "%04u:%02u:%02u %02u:%02u:%02u", a[5], a[3], a[4], a[2], a[1], a[0]);
}

/* ---- Kodak ---------------------------------------------------------------- */

#define TAG_KODAK_IFD     0x8290
#define TAG_KODAK_TEXTUAL 0x03f1

/* Kodak's private IFD (IFD0 tag 0x8290) holds "Key:  value" lines, one of
 * them "ISO:  100" on professional backs that write no EXIF ISO. */
static void kodak_ifd(struct media_info *mi, const struct view *v, uint64_t ifd0)
{
	const uint8_t *e = find_entry(v, ifd0, TAG_KODAK_IFD);
	if (!e || rd_tiff32(e + 4, v->le) != 1)
		return;
	e = find_entry(v, rd_tiff32(e + 8, v->le), TAG_KODAK_TEXTUAL);
	uint64_t off, bytes;
	if (!e || !entry_data(v, e, &off, &bytes))
		return;
	const char *t = (const char *)v->base + off, *end = t + bytes;
	for (const char *line = t; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *stop = nl ? nl : end;
		if (stop - line > 4 && memcmp(line, "ISO:", 4) == 0) {
			const char *p = line + 4;
			while (p < stop && *p == ' ')
				p++;
			unsigned iso = 0;
			while (p < stop && *p >= '0' && *p <= '9' && iso < 1000000)
				iso = iso * 10 + (unsigned)(*p++ - '0');
			if (iso && (p == stop || *p == '\r')) {
				mi->iso = iso;
				mi->has |= MI_ISO;
			}
			return;
		}
		line = stop + 1;
	}
}

void makernote_apply(struct media_info *mi, const uint8_t *tiff, size_t len, bool le)
{
	if (mi->lens_model[0] && (mi->has & MI_ISO) && mi->date_time_original[0])
		return;
	if (!(mi->has & MI_ISO) && strncasecmp(mi->make, "Kodak", 5) == 0) {
		struct view k = {tiff, len, le, 0};
		kodak_ifd(mi, &k, rd_tiff32(tiff + 4, le));
	}
	bool canon = strncmp(mi->make, "Canon", 5) == 0;
	bool olympus =
	    strncmp(mi->make, "OLYMPUS", 7) == 0 || strncmp(mi->make, "OM Digital", 10) == 0;
	bool nikon = strncmp(mi->make, "NIKON", 5) == 0;
	/* Reconyx: told by its note's signature; its cameras write no Make. */
	bool other = !mi->date_time_original[0] && (!mi->make[0] || !strcmp(mi->make, "RECONYX"));
	if (!canon && !olympus && !nikon && !other)
		return;
	struct view v = {tiff, len, le, 0};
	const uint8_t *e = find_entry(&v, rd_tiff32(tiff + 4, le), TAG_EXIF_IFD);
	if (!e)
		return;
	e = find_entry(&v, rd_tiff32(e + 8, le), TAG_MAKER_NOTE);
	uint64_t at, bytes;
	if (!e || !entry_data(&v, e, &at, &bytes) || bytes < 8)
		return;
	if (canon)
		canon_note(mi, tiff, len, le, at, bytes);
	else if (olympus)
		olympus_note(mi, tiff, len, le, at, bytes);
	else if (nikon)
		nikon_note(mi, tiff, len, at, bytes);
	else
		reconyx_note(mi, tiff + at, bytes);
}
