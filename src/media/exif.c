/* The EXIF handoff: checks an "Exif\0\0"+TIFF block, lets libexif parse it
 * (no spec "fixing", unknown tags kept, so nothing is invented or dropped),
 * and copies the tags takeoutfs needs into media_info the way ExifTool -n
 * prints them: Orientation from IFD0 only, GPS signed by its Ref tags,
 * rationals as doubles, strings trimmed. */
#include <ctype.h>
#include <libexif/exif-data.h>
#include <libexif/exif-mem.h>
#include <libexif/exif-utils.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "media/parsers.h"
#include "media/text.h"

#define ARENA_BYTES (120 * 1024) /* under glibc's mmap threshold */
#define ARENA_ALIGN 16

#define TIFF_TYPE_LONG 4
#define TIFF_TYPE_IFD  13

/* ExifTool skips an IFD whose pointer has the wrong type (a string, say);
 * libexif follows it anyway, so the caller drops what libexif found there. */
static bool ifd0_pointer_is_sane(const uint8_t *tiff, size_t len, bool le, uint16_t tag)
{
	uint32_t ifd = rd_tiff32(tiff + 4, le);
	if (ifd > len || len - ifd < 2)
		return true;
	uint16_t n = rd_tiff16(tiff + ifd, le);
	for (uint32_t i = 0; i < n; i++) {
		size_t at = (size_t)ifd + 2 + 12 * (size_t)i;
		if (at + 12 > len)
			break;
		if (rd_tiff16(tiff + at, le) != tag)
			continue;
		uint16_t type = rd_tiff16(tiff + at + 2, le);
		uint32_t count = rd_tiff32(tiff + at + 4, le);
		return (type == TIFF_TYPE_LONG || type == TIFF_TYPE_IFD) && count == 1;
	}
	return true;
}

/* libexif allocates every entry, content and string separately; half of a
 * JPEG's parse went to malloc/free. Its ExifMem hooks take no context, so
 * the arena in use is per thread. Blocks carry their size for realloc;
 * anything that does not fit falls back to the heap. */
struct arena {
	uint8_t *base;
	size_t cap, used;
};

static _Thread_local struct arena *tl_arena;

static pthread_key_t arena_key;
static pthread_once_t arena_once = PTHREAD_ONCE_INIT;

static void make_arena_key(void)
{
	pthread_key_create(&arena_key, free); /* frees a thread's buffer when it exits */
}

/* One buffer per thread, kept: a fresh 120 KiB malloc per file would be
 * trimmed back to the kernel on every free. */
static uint8_t *thread_arena_buffer(void)
{
	pthread_once(&arena_once, make_arena_key);
	uint8_t *b = pthread_getspecific(arena_key);
	if (!b && (b = malloc(ARENA_BYTES)) && pthread_setspecific(arena_key, b) != 0) {
		free(b);
		b = NULL;
	}
	return b;
}

/* Arena pointers lie in (base, base + cap]: each is ARENA_ALIGN past its
 * block's start, and a zero-byte block at the very end yields base + cap. */
static bool in_arena(const void *p)
{
	const struct arena *a = tl_arena;
	return a && (const uint8_t *)p > a->base && (const uint8_t *)p <= a->base + a->cap;
}

static void *arena_alloc(ExifLong n)
{
	struct arena *a = tl_arena;
	size_t need = ARENA_ALIGN + (((size_t)n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1));
	if (!a || need > a->cap - a->used)
		return calloc(n ? n : 1, 1);
	uint8_t *block = a->base + a->used;
	a->used += need;
	memcpy(block, &(size_t){n}, sizeof(size_t));
	memset(block + ARENA_ALIGN, 0, n);
	return block + ARENA_ALIGN;
}

static void arena_free(void *p)
{
	if (p && !in_arena(p))
		free(p);
}

static void *arena_realloc(void *p, ExifLong n)
{
	if (!p)
		return arena_alloc(n);
	if (!in_arena(p))
		return realloc(p, n ? n : 1);
	size_t old;
	memcpy(&old, (uint8_t *)p - ARENA_ALIGN, sizeof old);
	if (n <= old)
		return p;
	void *q = arena_alloc(n);
	if (q)
		memcpy(q, p, old);
	return q;
}

static ExifEntry *entry_in(ExifData *ed, ExifIfd ifd, ExifTag tag)
{
	return ed->ifd[ifd] ? exif_content_get_entry(ed->ifd[ifd], tag) : NULL;
}

static bool entry_string(ExifEntry *e, char *dst, size_t cap, bool trim_spaces)
{
	if (!e || !e->data || !e->size)
		return false;
	if (e->format != EXIF_FORMAT_ASCII && e->format != EXIF_FORMAT_UNDEFINED &&
	    e->format != EXIF_FORMAT_BYTE)
		return false;
	media_copy_string(dst, cap, e->data, e->size, trim_spaces);
	return dst[0] != '\0';
}

/* Component idx of a numeric entry of any TIFF type as a double, the way
 * ExifTool reads a tag whatever type the writer gave it (an Orientation
 * stored as SLONG, an ExposureTime as SRATIONAL, an ISO as a float). False
 * for a non-numeric type and for x/0, which ExifTool prints as undef/inf. */
static bool entry_number(ExifEntry *e, ExifByteOrder o, unsigned idx, double *v)
{
	if (!e || !e->data || idx >= e->components)
		return false;
	/* Bytes per component by TIFF type (libexif's table, without the call). */
	static const uint8_t sizes[] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8};
	unsigned size = (unsigned)e->format < sizeof sizes ? sizes[e->format] : 0;
	if (!size || e->size < (size_t)size * (idx + 1))
		return false;
	const unsigned char *p = e->data + (size_t)size * idx;
	switch (e->format) {
	case EXIF_FORMAT_BYTE:
	case EXIF_FORMAT_UNDEFINED:
		*v = p[0];
		return true;
	case EXIF_FORMAT_SBYTE:
		*v = (signed char)p[0];
		return true;
	case EXIF_FORMAT_SHORT:
		*v = exif_get_short(p, o);
		return true;
	case EXIF_FORMAT_SSHORT:
		*v = exif_get_sshort(p, o);
		return true;
	case EXIF_FORMAT_LONG:
		*v = exif_get_long(p, o);
		return true;
	case EXIF_FORMAT_SLONG:
		*v = exif_get_slong(p, o);
		return true;
	case EXIF_FORMAT_RATIONAL: {
		ExifRational r = exif_get_rational(p, o);
		*v = r.denominator ? (double)r.numerator / (double)r.denominator : 0;
		return r.denominator != 0;
	}
	case EXIF_FORMAT_SRATIONAL: {
		ExifSRational r = exif_get_srational(p, o);
		*v = r.denominator ? (double)r.numerator / (double)r.denominator : 0;
		return r.denominator != 0;
	}
	case EXIF_FORMAT_FLOAT: {
		float f;
		uint32_t bits = exif_get_long(p, o);
		memcpy(&f, &bits, sizeof f);
		*v = f;
		return isfinite(*v);
	}
	case EXIF_FORMAT_DOUBLE: {
		double d;
		uint64_t bits = (uint64_t)exif_get_long(p + (o == EXIF_BYTE_ORDER_INTEL ? 4 : 0), o)
		                    << 32 |
		                exif_get_long(p + (o == EXIF_BYTE_ORDER_INTEL ? 0 : 4), o);
		memcpy(&d, &bits, sizeof d);
		*v = d;
		return isfinite(d);
	}
	default:
		return false;
	}
}

/* An integer-valued tag (Orientation, ISO, GPSAltitudeRef) of any numeric type. */
static bool entry_int(ExifEntry *e, ExifByteOrder o, unsigned idx, int64_t *v)
{
	double d;
	if (!entry_number(e, o, idx, &d) || d < -2147483648.0 || d > 4294967295.0)
		return false;
	*v = (int64_t)d;
	return true;
}

/* ExifIFD first, then IFD0 (TIFF writers sometimes put EXIF tags there). */
static ExifEntry *photo_entry(ExifData *ed, bool use_exif_ifd, ExifTag tag)
{
	ExifEntry *e = use_exif_ifd ? entry_in(ed, EXIF_IFD_EXIF, tag) : NULL;
	return e ? e : entry_in(ed, EXIF_IFD_0, tag);
}

/* Up to three decimal numbers out of a GPS coordinate stored as text
 * ("52.3692", "52 22 9.1", "52,22.15N"), combined as ExifTool does:
 * d + (m + s / 60) / 60. False when the text holds no number. */
static bool gps_text_coordinate(const char *t, double *v)
{
	double part[3] = {0, 0, 0};
	int n = 0;
	while (*t && n < 3) {
		bool sign =
		    (*t == '+' || *t == '-') &&
		    (isdigit((unsigned char)t[1]) || (t[1] == '.' && isdigit((unsigned char)t[2])));
		if (!sign && !isdigit((unsigned char)*t) &&
		    !(*t == '.' && isdigit((unsigned char)t[1]))) {
			t++;
			continue;
		}
		char *end;
		part[n++] = strtod(t, &end);
		if (end == t)
			break;
		t = end;
	}
	if (n == 0 || !isfinite(part[0]) || !isfinite(part[1]) || !isfinite(part[2]))
		return false;
	*v = part[0] + (part[1] + part[2] / 60.0) / 60.0;
	return true;
}

/* Degrees, minutes, seconds as three rationals (or any numeric type), or as
 * text, which some phones and editors write. */
static bool gps_coordinate(ExifEntry *e, ExifByteOrder o, double *v)
{
	if (e && e->format == EXIF_FORMAT_ASCII) {
		char text[64];
		media_copy_string(text, sizeof text, e->data, e->size, true);
		return gps_text_coordinate(text, v);
	}
	double d, m = 0, s = 0;
	if (!entry_number(e, o, 0, &d))
		return false;
	if (e->components > 1 && !entry_number(e, o, 1, &m))
		return false;
	if (e->components > 2 && !entry_number(e, o, 2, &s))
		return false;
	*v = d + m / 60.0 + s / 3600.0;
	return true;
}

static bool ref_is(ExifEntry *ref, char neg)
{
	return ref && ref->data && ref->size >= 1 &&
	       (ref->data[0] == neg || ref->data[0] == neg + 32);
}

static void copy_gps(ExifData *ed, ExifByteOrder o, struct media_info *mi)
{
	double lat, lon, alt;
	ExifEntry *e_lat = entry_in(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LATITUDE);
	ExifEntry *e_lon = entry_in(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LONGITUDE);
	if (gps_coordinate(e_lat, o, &lat) && gps_coordinate(e_lon, o, &lon)) {
		if (ref_is(entry_in(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LATITUDE_REF), 'S'))
			lat = -lat;
		if (ref_is(entry_in(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LONGITUDE_REF), 'W'))
			lon = -lon;
		mi->gps_lat = lat;
		mi->gps_lon = lon;
		mi->has |= MI_GPS;
	}
	ExifEntry *e_alt = entry_in(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_ALTITUDE);
	if (e_alt && e_alt->format == EXIF_FORMAT_ASCII ? gps_coordinate(e_alt, o, &alt)
	                                                : entry_number(e_alt, o, 0, &alt)) {
		int64_t ref = 0;
		if (entry_int(entry_in(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_ALTITUDE_REF), o, 0,
		              &ref) &&
		    ref == 1)
			alt = -alt;
		mi->gps_alt = alt;
		mi->has |= MI_GPS_ALT;
	}
}

static void copy_double(ExifEntry *e, ExifByteOrder o, double *dst, uint32_t bit,
                        struct media_info *mi)
{
	if (entry_number(e, o, 0, dst))
		mi->has |= bit;
}

static void copy_tags(ExifData *ed, bool use_exif_ifd, struct media_info *mi)
{
	ExifByteOrder o = exif_data_get_byte_order(ed);
	int64_t v;
	/* Make and Model belong in IFD0; some writers put them in the Exif IFD. */
	if (!entry_string(entry_in(ed, EXIF_IFD_0, EXIF_TAG_MAKE), mi->make, sizeof mi->make,
	                  true) &&
	    use_exif_ifd && !mi->make[0])
		entry_string(entry_in(ed, EXIF_IFD_EXIF, EXIF_TAG_MAKE), mi->make, sizeof mi->make,
		             true);
	if (!entry_string(entry_in(ed, EXIF_IFD_0, EXIF_TAG_MODEL), mi->model, sizeof mi->model,
	                  true) &&
	    use_exif_ifd && !mi->model[0])
		entry_string(entry_in(ed, EXIF_IFD_EXIF, EXIF_TAG_MODEL), mi->model,
		             sizeof mi->model, true);
	if (entry_int(entry_in(ed, EXIF_IFD_0, EXIF_TAG_ORIENTATION), o, 0, &v)) {
		mi->orientation = (int)v;
		mi->has |= MI_ORIENTATION;
	}
	entry_string(photo_entry(ed, use_exif_ifd, EXIF_TAG_DATE_TIME_ORIGINAL),
	             mi->date_time_original, sizeof mi->date_time_original, false);
	entry_string(photo_entry(ed, use_exif_ifd, EXIF_TAG_DATE_TIME_DIGITIZED), mi->create_date,
	             sizeof mi->create_date, false);
	entry_string(photo_entry(ed, use_exif_ifd, EXIF_TAG_OFFSET_TIME_ORIGINAL),
	             mi->offset_time_original, sizeof mi->offset_time_original, true);
	entry_string(photo_entry(ed, use_exif_ifd, EXIF_TAG_SUB_SEC_TIME_ORIGINAL),
	             mi->subsec_time_original, sizeof mi->subsec_time_original, true);
	entry_string(photo_entry(ed, use_exif_ifd, EXIF_TAG_LENS_MODEL), mi->lens_model,
	             sizeof mi->lens_model, true);
	if (entry_int(photo_entry(ed, use_exif_ifd, EXIF_TAG_ISO_SPEED_RATINGS), o, 0, &v)) {
		mi->iso = (double)v;
		mi->has |= MI_ISO;
	}
	copy_double(photo_entry(ed, use_exif_ifd, EXIF_TAG_EXPOSURE_TIME), o, &mi->exposure_time,
	            MI_EXPOSURE, mi);
	copy_double(photo_entry(ed, use_exif_ifd, EXIF_TAG_FNUMBER), o, &mi->f_number, MI_FNUMBER,
	            mi);
	copy_double(photo_entry(ed, use_exif_ifd, EXIF_TAG_FOCAL_LENGTH), o, &mi->focal_length,
	            MI_FOCAL, mi);
	copy_gps(ed, o, mi);
}

static bool ifd_has_entries(ExifData *ed, ExifIfd ifd)
{
	return ed->ifd[ifd] && ed->ifd[ifd]->count > 0;
}

void exif_parse_block(struct probe_ctx *c, const uint8_t *block, size_t len)
{
	if (len < EXIF_HEADER_LEN + 8 || memcmp(block, "Exif\0\0", EXIF_HEADER_LEN) != 0) {
		probe_problem(c, "EXIF block too short");
		return;
	}
	const uint8_t *tiff = block + EXIF_HEADER_LEN;
	size_t tlen = len - EXIF_HEADER_LEN;
	bool le = tiff[0] == 'I' && tiff[1] == 'I';
	if (!(le || (tiff[0] == 'M' && tiff[1] == 'M')) || rd_tiff16(tiff + 2, le) != 42) {
		probe_problem(c, "EXIF block has a bad TIFF header");
		return;
	}
	if (len > 0xffffffffu)
		len = 0xffffffffu;
	struct arena a = {thread_arena_buffer(), ARENA_BYTES, 0};
	if (!a.base)
		a.cap = 0;
	tl_arena = &a;
	ExifMem *mem = exif_mem_new(arena_alloc, arena_realloc, arena_free);
	ExifData *ed = mem ? exif_data_new_mem(mem) : NULL;
	exif_mem_unref(mem);
	if (!ed) {
		tl_arena = NULL;
		c->oom = true;
		return;
	}
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_unset_option(ed, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
	exif_data_load_data(ed, block, (unsigned int)len);
	if (!ifd_has_entries(ed, EXIF_IFD_0) && !ifd_has_entries(ed, EXIF_IFD_EXIF) &&
	    !ifd_has_entries(ed, EXIF_IFD_GPS))
		probe_problem(c, "EXIF block holds no readable IFD");
	bool exif_ifd_ok = ifd0_pointer_is_sane(tiff, tlen, le, EXIF_TAG_EXIF_IFD_POINTER);
	if (!exif_ifd_ok)
		probe_problem(c, "EXIF: ExifIFD pointer has a wrong type");
	copy_tags(ed, exif_ifd_ok, c->out);
	if (exif_ifd_ok)
		makernote_apply(c->out, tiff, tlen, le);
	exif_data_unref(ed);
	tl_arena = NULL;
}

uint8_t *probe_exif_buffer(struct probe_ctx *c, size_t len)
{
	return probe_grow(c, &c->exif, &c->exif_cap, len) ? c->exif : NULL;
}

/* libexif reads at most 0xfffe bytes of a block (the APP1 limit), so more is waste. */
#define EXIF_BLOCK_MAX (0xfffe - EXIF_HEADER_LEN)

void probe_exif_at(struct probe_ctx *c, uint64_t off, size_t len)
{
	if (len > EXIF_BLOCK_MAX)
		len = EXIF_BLOCK_MAX;
	if (len < 8 || !probe_grow(c, &c->exif, &c->exif_cap, len + EXIF_HEADER_LEN))
		return;
	memcpy(c->exif, "Exif\0\0", EXIF_HEADER_LEN);
	if (!probe_copy(c, off, len, c->exif + EXIF_HEADER_LEN)) {
		probe_problem(c, "EXIF block outside the file");
		return;
	}
	exif_parse_block(c, c->exif, len + EXIF_HEADER_LEN);
}

void probe_exif_tiff(struct probe_ctx *c, const uint8_t *tiff, size_t len)
{
	if (len > EXIF_BLOCK_MAX)
		len = EXIF_BLOCK_MAX;
	if (len < 8 || !probe_grow(c, &c->exif, &c->exif_cap, len + EXIF_HEADER_LEN))
		return;
	memcpy(c->exif, "Exif\0\0", EXIF_HEADER_LEN);
	memcpy(c->exif + EXIF_HEADER_LEN, tiff, len);
	exif_parse_block(c, c->exif, len + EXIF_HEADER_LEN);
}
