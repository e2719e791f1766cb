/* media_probe(): recognises the container by its first bytes, runs the parser
 * for it, and owns the bounded reader (head in memory, a few small reads
 * beyond it) plus the string/date helpers the parsers share. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "media/media_internal.h"

void probe_problem(struct probe_ctx *c, const char *msg)
{
	if (!c->out->problem[0])
		snprintf(c->out->problem, sizeof c->out->problem, "%s", msg);
}

/* The window and EXIF buffers outlive one call, per thread: allocating and
 * freeing them per file made glibc trim and re-fault the heap each time. */
struct scratch {
	uint8_t *win, *exif;
	size_t win_cap, exif_cap;
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void free_scratch(void *p)
{
	struct scratch *s = p;
	free(s->win);
	free(s->exif);
	free(s);
}

static void make_scratch_key(void)
{
	pthread_key_create(&scratch_key, free_scratch);
}

static struct scratch *thread_scratch(void)
{
	pthread_once(&scratch_once, make_scratch_key);
	struct scratch *s = pthread_getspecific(scratch_key);
	if (!s && (s = calloc(1, sizeof *s)) && pthread_setspecific(scratch_key, s) != 0) {
		free(s);
		s = NULL;
	}
	return s;
}

static bool ensure_capacity(struct probe_ctx *c, uint8_t **buf, size_t *cap, size_t want)
{
	if (*cap >= want)
		return true;
	uint8_t *p = realloc(*buf, want);
	if (!p) {
		c->oom = true;
		return false;
	}
	*buf = p;
	*cap = want;
	return true;
}

/* One read_at call (short reads are retried inside the same budget unit). */
static size_t read_into(struct probe_ctx *c, uint64_t off, uint8_t *dst, size_t len)
{
	const struct media_source *s = c->src;
	if (!s->read_at || c->reads_left <= 0)
		return 0;
	c->reads_left--;
	size_t got = 0;
	for (int tries = 0; got < len && tries < 4; tries++) {
		ssize_t n = s->read_at(s->ctx, off + got, dst + got, len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

const uint8_t *probe_bytes_upto(struct probe_ctx *c, uint64_t off, size_t len, size_t *got)
{
	const struct media_source *s = c->src;
	*got = 0;
	if (off >= s->size || len == 0)
		return NULL;
	uint64_t left = s->size - off;
	size_t n = left < len ? (size_t)left : len;
	if (off + n <= s->head_len) {
		*got = n;
		return s->head + off;
	}
	if (c->win_len && off >= c->win_off && off + n <= c->win_off + c->win_len) {
		*got = n;
		return c->win + (off - c->win_off);
	}
	if (!s->read_at) {
		if (off < s->head_len) {
			*got = s->head_len - (size_t)off;
			return s->head + off;
		}
		return NULL;
	}
	if (n > MEDIA_READ_MAX)
		n = MEDIA_READ_MAX;
	size_t want = n < MEDIA_WINDOW ? MEDIA_WINDOW : n;
	if (want > left)
		want = (size_t)left;
	if (!ensure_capacity(c, &c->win, &c->win_cap, want))
		return NULL;
	c->win_len = 0;
	size_t r = read_into(c, off, c->win, want);
	if (r == 0)
		return NULL;
	c->win_off = off;
	c->win_len = r;
	*got = r < n ? r : n;
	return c->win;
}

const uint8_t *probe_bytes(struct probe_ctx *c, uint64_t off, size_t len)
{
	size_t got;
	const uint8_t *p = probe_bytes_upto(c, off, len, &got);
	return p && got == len ? p : NULL;
}

size_t probe_copy_upto(struct probe_ctx *c, uint64_t off, size_t len, uint8_t *dst)
{
	const struct media_source *s = c->src;
	if (off >= s->size)
		return 0;
	if (len > s->size - off)
		len = (size_t)(s->size - off);
	if (off + len <= s->head_len) {
		memcpy(dst, s->head + off, len);
		return len;
	}
	/* What the window holds is copied, only the rest read: a raw file's
	 * Exif IFD usually starts inside the window its SubIFDs were read in. */
	if (c->win_len && off >= c->win_off && off < c->win_off + c->win_len) {
		size_t in = (size_t)(c->win_off + c->win_len - off);
		if (in > len)
			in = len;
		memcpy(dst, c->win + (off - c->win_off), in);
		return in == len ? len : in + read_into(c, off + in, dst + in, len - in);
	}
	return read_into(c, off, dst, len);
}

uint8_t *probe_exif_buffer(struct probe_ctx *c, size_t len)
{
	return ensure_capacity(c, &c->exif, &c->exif_cap, len) ? c->exif : NULL;
}

static bool copy_range(struct probe_ctx *c, uint64_t off, size_t len, uint8_t *dst)
{
	const struct media_source *s = c->src;
	if (off > s->size || len > s->size - off)
		return false;
	if (off + len <= s->head_len) {
		memcpy(dst, s->head + off, len);
		return true;
	}
	if (c->win_len && off >= c->win_off && off + len <= c->win_off + c->win_len) {
		memcpy(dst, c->win + (off - c->win_off), len);
		return true;
	}
	return read_into(c, off, dst, len) == len;
}

/* libexif reads at most 0xfffe bytes of a block (the APP1 limit), so more is waste. */
#define EXIF_BLOCK_MAX (0xfffe - EXIF_HEADER_LEN)

void probe_exif_at(struct probe_ctx *c, uint64_t off, size_t len)
{
	if (len > EXIF_BLOCK_MAX)
		len = EXIF_BLOCK_MAX;
	if (len < 8 || !ensure_capacity(c, &c->exif, &c->exif_cap, len + EXIF_HEADER_LEN))
		return;
	memcpy(c->exif, "Exif\0\0", EXIF_HEADER_LEN);
	if (!copy_range(c, off, len, c->exif + EXIF_HEADER_LEN)) {
		probe_problem(c, "EXIF block outside the file");
		return;
	}
	exif_parse_block(c, c->exif, len + EXIF_HEADER_LEN);
}

void probe_exif_tiff(struct probe_ctx *c, const uint8_t *tiff, size_t len)
{
	if (len > EXIF_BLOCK_MAX)
		len = EXIF_BLOCK_MAX;
	if (len < 8 || !ensure_capacity(c, &c->exif, &c->exif_cap, len + EXIF_HEADER_LEN))
		return;
	memcpy(c->exif, "Exif\0\0", EXIF_HEADER_LEN);
	memcpy(c->exif + EXIF_HEADER_LEN, tiff, len);
	exif_parse_block(c, c->exif, len + EXIF_HEADER_LEN);
}

/* Length of the valid UTF-8 sequence at s (0 if invalid). */
static size_t utf8_seq_len(const uint8_t *s, size_t n)
{
	uint8_t b = s[0];
	size_t need;
	uint32_t cp;
	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf) {
		need = 2;
		cp = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		need = 3;
		cp = b & 0x0f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		need = 4;
		cp = b & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

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
		size_t n = utf8_seq_len(s + i, len - i);
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

bool media_date_from_iso(char *dst, size_t cap, const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\0'))
		len--;
	if (!digits_at(s, len, 0, 4) || len < 10 || s[4] != '-' || !digits_at(s, len, 5, 2) ||
	    s[7] != '-' || !digits_at(s, len, 8, 2))
		return false;
	char out[40];
	size_t o = (size_t)snprintf(out, sizeof out, "%.4s:%.2s:%.2s", s, s + 5, s + 8);
	size_t i = 10;
	if (i < len && s[i] == 'T' && digits_at(s, len, 11, 2) && len > 13 && s[13] == ':' &&
	    digits_at(s, len, 14, 2)) {
		o += (size_t)snprintf(out + o, sizeof out - o, " %.5s", s + 11);
		i = 16;
		if (i < len && s[i] == ':' && digits_at(s, len, 17, 2)) {
			o += (size_t)snprintf(out + o, sizeof out - o, "%.3s", s + 16);
			i = 19;
		} else {
			o += (size_t)snprintf(out + o, sizeof out - o, ":00");
		}
		if (i < len && s[i] == '.') { /* fractional seconds, kept as ExifTool does */
			size_t j = i + 1;
			while (j < len && is_digit(s[j]))
				j++;
			o += (size_t)snprintf(out + o, sizeof out - o, "%.*s", (int)(j - i), s + i);
			i = j;
		}
		size_t rest = len - i;
		if (rest == 5 && (s[i] == '+' || s[i] == '-') && digits_at(s, len, i + 1, 4))
			o += (size_t)snprintf(out + o, sizeof out - o, "%c%.2s:%.2s", s[i],
			                      s + i + 1, s + i + 3);
		else if (rest <= 6)
			o += (size_t)snprintf(out + o, sizeof out - o, "%.*s", (int)rest, s + i);
	}
	if (o >= sizeof out)
		return false;
	media_copy_string(dst, cap, (const uint8_t *)out, o, true);
	return true;
}

static bool is_heif_brand(const uint8_t *b)
{
	static const char brands[][5] = {"heic", "heix", "heim", "heis", "hevc", "hevx",
	                                 "mif1", "mif2", "msf1", "avif", "avis", "MiHE"};
	for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
		if (memcmp(b, brands[i], 4) == 0)
			return true;
	return false;
}

static bool is_video_brand(const uint8_t *b)
{
	static const char brands[][5] = {"isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42",
	                                 "qt  ", "M4V ", "M4VH", "M4VP", "avc1", "3gp4", "3gp5",
	                                 "3gp6", "3g2a", "MSNV", "dash", "XAVC"};
	for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
		if (memcmp(b, brands[i], 4) == 0)
			return true;
	return false;
}

/* ftyp: HEIF when the major brand says so, or when only the compatible
 * brands name an image format and none a movie. */
static enum media_format format_from_ftyp(const uint8_t *h, size_t n)
{
	uint32_t size = rd_be32(h);
	if (size < 16 || size > n)
		size = n < 64 ? (uint32_t)n : 64;
	if (is_heif_brand(h + 8))
		return MF_HEIF;
	if (is_video_brand(h + 8))
		return MF_MP4;
	for (uint32_t o = 16; o + 4 <= size; o += 4)
		if (is_heif_brand(h + o))
			return MF_HEIF;
	return MF_MP4;
}

static bool is_quicktime_top_box(const uint8_t *h, size_t n)
{
	static const char types[][5] = {"moov", "mdat", "free", "skip", "wide", "pnot"};
	if (n < 8)
		return false;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (memcmp(h + 4, types[i], 4) == 0)
			return true;
	return false;
}

static enum media_format detect_format(const uint8_t *h, size_t n)
{
	if (n >= 3 && h[0] == 0xff && h[1] == 0xd8 && h[2] == 0xff)
		return MF_JPEG;
	if (n >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0)
		return MF_PNG;
	if (n >= 4 && (memcmp(h, "II*\0", 4) == 0 || memcmp(h, "MM\0*", 4) == 0))
		return MF_TIFF;
	if (n >= 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WEBP", 4) == 0)
		return MF_WEBP;
	if (n >= 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "AVI ", 4) == 0)
		return MF_OTHER_VIDEO;
	if (n >= 6 && (memcmp(h, "GIF87a", 6) == 0 || memcmp(h, "GIF89a", 6) == 0))
		return MF_GIF;
	if (n >= 12 && memcmp(h + 4, "ftyp", 4) == 0)
		return format_from_ftyp(h, n);
	if (is_quicktime_top_box(h, n))
		return MF_MP4;
	if (n >= 4 && memcmp(h, "\x1a\x45\xdf\xa3", 4) == 0)
		return MF_OTHER_VIDEO;
	return MF_UNKNOWN;
}

void gif_probe(struct probe_ctx *c)
{
	const uint8_t *h = c->src->head;
	if (c->src->head_len < 10) {
		probe_problem(c, "GIF header truncated");
		return;
	}
	c->out->width = rd_le16(h + 6);
	c->out->height = rd_le16(h + 8);
	c->out->has |= MI_WIDTH | MI_HEIGHT;
}

static void run_parser(struct probe_ctx *c)
{
	switch (c->out->format) {
	case MF_JPEG:
		jpeg_probe(c);
		break;
	case MF_PNG:
		png_probe(c);
		break;
	case MF_TIFF:
		tiff_probe(c);
		break;
	case MF_WEBP:
		webp_probe(c);
		break;
	case MF_GIF:
		gif_probe(c);
		break;
	case MF_HEIF:
		isobmff_probe(c, true);
		break;
	case MF_MP4:
		isobmff_probe(c, false);
		break;
	case MF_OTHER_VIDEO:
	case MF_UNKNOWN:
		break;
	}
}

static int probe_with(const struct media_source *src, struct media_info *out, bool detect,
                      enum media_format f, const uint8_t *tiff, size_t tiff_len)
{
	memset(out, 0, sizeof *out);
	if (!src || !src->head)
		return 0;
	struct media_source s = *src;
	if (s.head_len > s.size)
		s.head_len = (size_t)s.size;
	struct probe_ctx c = {.src = &s, .out = out, .reads_left = MEDIA_MAX_READS};
	struct scratch *sc = thread_scratch();
	if (sc) {
		c.win = sc->win;
		c.win_cap = sc->win_cap;
		c.exif = sc->exif;
		c.exif_cap = sc->exif_cap;
	}
	out->format = detect ? detect_format(s.head, s.head_len) : f;
	if (tiff)
		probe_exif_tiff(&c, tiff, tiff_len);
	else
		run_parser(&c);
	if (sc) {
		sc->win = c.win;
		sc->win_cap = c.win_cap;
		sc->exif = c.exif;
		sc->exif_cap = c.exif_cap;
	} else {
		free(c.win);
		free(c.exif);
	}
	return c.oom ? -1 : 0;
}

int media_probe(const struct media_source *src, struct media_info *out)
{
	return probe_with(src, out, true, MF_UNKNOWN, NULL, 0);
}

int media_probe_as(const struct media_source *src, struct media_info *out, enum media_format f)
{
	return probe_with(src, out, false, f, NULL, 0);
}

int media_probe_tiff_block(const uint8_t *tiff, size_t len, struct media_info *out)
{
	struct media_source s = {tiff, len, len, NULL, NULL};
	return probe_with(&s, out, false, MF_UNKNOWN, tiff, len);
}
