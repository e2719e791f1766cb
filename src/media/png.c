/* PNG: size from IHDR; the eXIf chunk (raw TIFF) wherever it is. Chunks are
 * walked by their lengths while the read budget allows; when it runs low the
 * file's tail is searched for an eXIf chunk whose CRC proves it is one (the
 * usual place of an eXIf written after IDAT is just before IEND). Without an
 * eXIf, the "Raw profile type exif" (or "APP1") text chunk that ImageMagick
 * and others write: tEXt, zTXt or iTXt holding "\nexif\n  LENGTH\nHEX...". */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "media/parsers.h"

#define PNG_MAX_CHUNKS 100000
#define PNG_TAIL       (64 * 1024)
#define PNG_SIG_LEN    8

static bool chunk_type_is_sane(const uint8_t *t)
{
	for (int i = 0; i < 4; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z')))
			return false;
	return true;
}

/* Searches the tail for "eXIf" with a matching CRC; returns true if handed over. */
static bool exif_from_tail(struct probe_ctx *c, uint64_t from)
{
	uint64_t size = c->src->size;
	uint64_t start = size > PNG_TAIL ? size - PNG_TAIL : 0;
	if (start < from)
		start = from;
	size_t got;
	const uint8_t *t = probe_bytes_upto(c, start, (size_t)(size - start), &got);
	if (!t)
		return false;
	for (size_t i = got >= 12 ? got - 12 : 0;; i--) {
		if (i >= 4 && memcmp(t + i, "eXIf", 4) == 0) {
			size_t len = rd_be32(t + i - 4);
			if (len <= got - i - 4 && got - i - 4 - len >= 4) {
				uint32_t crc = (uint32_t)crc32(0, t + i, (uInt)(4 + len));
				if (crc == rd_be32(t + i + 4 + len)) {
					probe_exif_at(c, start + i + 4, len);
					return true;
				}
			}
		}
		if (i == 0)
			break;
	}
	return false;
}

#define RAW_PROFILE_TEXT_MAX (2 * 0x10000 + 4096) /* hex of a 64 KiB block, line breaks */

/* Which text chunk holds a raw EXIF profile: its type, offset and length. */
struct raw_profile {
	char type[4];
	bool app1; /* "Raw profile type APP1" rather than "... exif" */
	uint64_t off, len;
};

/* 1 for "Raw profile type exif", 2 for "... APP1", 0 for another keyword. */
static int raw_profile_keyword(const uint8_t *p, size_t n)
{
	static const char *names[] = {"Raw profile type exif", "Raw profile type APP1"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t k = strlen(names[i]);
		if (n > k && memcmp(p, names[i], k) == 0 && p[k] == '\0')
			return (int)i + 1;
	}
	return 0;
}

static size_t inflate_into(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	z_stream z = {0};
	if (inflateInit(&z) != Z_OK)
		return 0;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int rc = inflate(&z, Z_FINISH);
	size_t got = cap - z.avail_out;
	inflateEnd(&z);
	return rc == Z_STREAM_END || rc == Z_BUF_ERROR || rc == Z_OK ? got : 0;
}

static int hex_value(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
		return (ch | 0x20) - 'a' + 10;
	return -1;
}

/* "\nNAME\n   LENGTH\nHEX HEX..." into bytes (at most cap); their count. */
static size_t decode_raw_profile(const uint8_t *t, size_t n, uint8_t *out, size_t cap)
{
	size_t i = 0;
	while (i < n && t[i] == '\n')
		i++;
	while (i < n && t[i] != '\n') /* the profile's name */
		i++;
	while (i < n && (t[i] == ' ' || t[i] == '\n'))
		i++;
	uint64_t want = 0;
	while (i < n && t[i] >= '0' && t[i] <= '9' && want < cap)
		want = want * 10 + (uint64_t)(t[i++] - '0');
	if (want < cap)
		cap = (size_t)want;
	size_t o = 0;
	int hi = -1;
	for (; i < n && o < cap; i++) {
		int v = hex_value(t[i]);
		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			out[o++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return o;
}

/* The profile's text, inflated when the chunk says so; malloc'd, or NULL. */
static uint8_t *raw_profile_text(const uint8_t *p, size_t n, const char *type, size_t *len)
{
	size_t kw = strlen((const char *)p) + 1; /* the keyword was checked NUL-terminated */
	bool compressed = false;
	size_t at = kw;
	if (memcmp(type, "zTXt", 4) == 0) {
		compressed = true;
		at = kw + 1;
	} else if (memcmp(type, "iTXt", 4) == 0) {
		if (kw + 2 > n)
			return NULL;
		compressed = p[kw] != 0;
		at = kw + 2;
		for (int fields = 0; fields < 2 && at < n; at++) /* language, translated keyword */
			if (p[at] == '\0')
				fields++;
	}
	if (at > n)
		return NULL;
	uint8_t *text = malloc(RAW_PROFILE_TEXT_MAX);
	if (!text)
		return NULL;
	if (compressed) {
		*len = inflate_into(p + at, n - at, text, RAW_PROFILE_TEXT_MAX);
	} else {
		*len = n - at < RAW_PROFILE_TEXT_MAX ? n - at : RAW_PROFILE_TEXT_MAX;
		memcpy(text, p + at, *len);
	}
	return text;
}

static void exif_from_raw_profile(struct probe_ctx *c, const struct raw_profile *r)
{
	size_t n = r->len < MEDIA_READ_MAX ? (size_t)r->len : MEDIA_READ_MAX, text_len = 0;
	const uint8_t *p = probe_bytes(c, r->off, n);
	uint8_t *text = p ? raw_profile_text(p, n, r->type, &text_len) : NULL;
	size_t cap = EXIF_HEADER_LEN + 0x10000;
	uint8_t *block = text ? probe_exif_buffer(c, cap) : NULL;
	if (!text || !block) {
		if (p && !text)
			c->oom = true;
		free(text);
		return;
	}
	size_t got =
	    decode_raw_profile(text, text_len, block + EXIF_HEADER_LEN, cap - EXIF_HEADER_LEN);
	free(text);
	uint8_t *tiff = block + EXIF_HEADER_LEN;
	if (got >= EXIF_HEADER_LEN && memcmp(tiff, "Exif\0\0", EXIF_HEADER_LEN) == 0) {
		exif_parse_block(c, tiff, got); /* the profile carries the header itself */
		return;
	}
	memcpy(block, "Exif\0\0", EXIF_HEADER_LEN);
	if (got >= 8 && (memcmp(tiff, "II*\0", 4) == 0 || memcmp(tiff, "MM\0*", 4) == 0))
		exif_parse_block(c, block, EXIF_HEADER_LEN + got);
	else if (!r->app1) /* an APP1 profile may hold XMP instead: not ours */
		probe_problem(c, "PNG raw EXIF profile damaged");
}

/* Remembers the first raw EXIF profile among the text chunks. */
static void note_raw_profile(struct probe_ctx *c, const uint8_t *type, uint64_t pos, uint64_t len,
                             struct raw_profile *r)
{
	if (r->len || (memcmp(type, "tEXt", 4) != 0 && memcmp(type, "zTXt", 4) != 0 &&
	               memcmp(type, "iTXt", 4) != 0))
		return;
	size_t k = len < 24 ? (size_t)len : 24;
	char t[4];
	memcpy(t, type, 4); /* probe_bytes may move the window type points into */
	const uint8_t *p = probe_bytes(c, pos + 8, k);
	int kind = p ? raw_profile_keyword(p, k) : 0;
	if (kind) {
		memcpy(r->type, t, 4);
		r->app1 = kind == 2;
		r->off = pos + 8;
		r->len = len;
	}
}

void png_probe(struct probe_ctx *c)
{
	const uint8_t *h = probe_bytes(c, PNG_SIG_LEN, 16);
	if (!h || memcmp(h + 4, "IHDR", 4) != 0) {
		probe_problem(c, "PNG without IHDR");
		return;
	}
	c->out->width = (int)(rd_be32(h + 8) & 0x7fffffff);
	c->out->height = (int)(rd_be32(h + 12) & 0x7fffffff);
	c->out->has |= MI_WIDTH | MI_HEIGHT;

	uint64_t pos = PNG_SIG_LEN, size = c->src->size;
	struct raw_profile raw = {0};
	bool ended = false;
	for (int n = 0; n < PNG_MAX_CHUNKS && pos + 12 <= size; n++) {
		bool in_memory =
		    pos + 8 <= c->src->head_len ||
		    (c->win_len && pos >= c->win_off && pos + 8 <= c->win_off + c->win_len);
		if (!in_memory && c->reads_left <= 2)
			break;
		const uint8_t *p = probe_bytes(c, pos, 8);
		if (!p || !chunk_type_is_sane(p + 4)) {
			probe_problem(c, "PNG chunk damaged");
			return;
		}
		uint64_t len = rd_be32(p);
		if (len > size - pos - 12) {
			probe_problem(c, "PNG chunk truncated");
			return;
		}
		if (memcmp(p + 4, "eXIf", 4) == 0) {
			probe_exif_at(c, pos + 8, (size_t)len);
			return;
		}
		if (memcmp(p + 4, "IEND", 4) == 0) {
			ended = true;
			break;
		}
		note_raw_profile(c, p + 4, pos, len, &raw);
		pos += 12 + len;
	}
	bool found = !ended && pos + 12 <= size && exif_from_tail(c, pos);
	if (!found && raw.len)
		exif_from_raw_profile(c, &raw);
}
