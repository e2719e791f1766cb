/* The EXIF handoff: checks an "Exif\0\0"+TIFF block, lets libexif parse it
 * (no spec "fixing", unknown tags kept, so nothing is invented or dropped),
 * and copies the tags takeoutfs needs into media_info the way ExifTool -n
 * prints them: Orientation from IFD0 only, GPS signed by its Ref tags,
 * rationals as doubles, strings trimmed. */
#include <libexif/exif-data.h>
#include <libexif/exif-mem.h>
#include <libexif/exif-utils.h>
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

static bool entry_uint(ExifEntry *e, ExifByteOrder o, unsigned idx, uint32_t *v)
{
	if (!e || !e->data || idx >= e->components)
		return false;
	switch (e->format) {
	case EXIF_FORMAT_SHORT:
		if (e->size < 2 * (idx + 1))
			return false;
		*v = exif_get_short(e->data + 2 * idx, o);
		return true;
	case EXIF_FORMAT_LONG:
		if (e->size < 4 * (idx + 1))
			return false;
		*v = exif_get_long(e->data + 4 * idx, o);
		return true;
	case EXIF_FORMAT_BYTE:
	case EXIF_FORMAT_UNDEFINED:
		if (e->size < idx + 1)
			return false;
		*v = e->data[idx];
		return true;
	default:
		return false;
	}
}

/* A rational as a double; false for x/0, which ExifTool prints as undef/inf. */
static bool entry_rational(ExifEntry *e, ExifByteOrder o, unsigned idx, double *v)
{
	if (!e || !e->data || idx >= e->components || e->size < 8 * (idx + 1))
		return false;
	if (e->format == EXIF_FORMAT_RATIONAL) {
		ExifRational r = exif_get_rational(e->data + 8 * idx, o);
		if (!r.denominator)
			return false;
		*v = (double)r.numerator / (double)r.denominator;
		return true;
	}
	if (e->format == EXIF_FORMAT_SRATIONAL) {
		ExifSRational r = exif_get_srational(e->data + 8 * idx, o);
		if (!r.denominator)
			return false;
		*v = (double)r.numerator / (double)r.denominator;
		return true;
	}
	return false;
}

/* ExifIFD first, then IFD0 (TIFF writers sometimes put EXIF tags there). */
static ExifEntry *photo_entry(ExifData *ed, bool use_exif_ifd, ExifTag tag)
{
	ExifEntry *e = use_exif_ifd ? entry_in(ed, EXIF_IFD_EXIF, tag) : NULL;
	return e ? e : entry_in(ed, EXIF_IFD_0, tag);
}

static bool gps_coordinate(ExifEntry *e, ExifByteOrder o, double *v)
{
	double d, m = 0, s = 0;
	if (!entry_rational(e, o, 0, &d))
		return false;
	if (e->components > 1 && !entry_rational(e, o, 1, &m))
		return false;
	if (e->components > 2 && !entry_rational(e, o, 2, &s))
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
	if (entry_rational(entry_in(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_ALTITUDE), o, 0,
	                   &alt)) {
		uint32_t ref = 0;
		if (entry_uint(entry_in(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_ALTITUDE_REF), o, 0,
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
	if (entry_rational(e, o, 0, dst))
		mi->has |= bit;
}

static void copy_tags(ExifData *ed, bool use_exif_ifd, struct media_info *mi)
{
	ExifByteOrder o = exif_data_get_byte_order(ed);
	uint32_t v;
	entry_string(entry_in(ed, EXIF_IFD_0, EXIF_TAG_MAKE), mi->make, sizeof mi->make, true);
	entry_string(entry_in(ed, EXIF_IFD_0, EXIF_TAG_MODEL), mi->model, sizeof mi->model, true);
	if (entry_uint(entry_in(ed, EXIF_IFD_0, EXIF_TAG_ORIENTATION), o, 0, &v)) {
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
	if (entry_uint(photo_entry(ed, use_exif_ifd, EXIF_TAG_ISO_SPEED_RATINGS), o, 0, &v)) {
		mi->iso = v;
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
