/* JPEG: walks the marker segments up to the first SOFn (image size) and
 * hands the first APP1 "Exif" segment to libexif in place (no copy). XMP
 * (APP1) and IPTC (APP13) are read afterwards and only fill what EXIF left
 * empty, which is ExifTool's priority; so does the capture time of Casio's
 * QVCI segment (APP1 "QVCI\0", from cameras that wrote no EXIF). */
#include <string.h>

#include "media/parsers.h"
#include "media/text.h"

#define JPEG_MAX_SEGMENTS 512
#define XMP_SIG           "http://ns.adobe.com/xap/1.0/"
#define XMP_SIG_LEN       29 /* with its NUL */
#define PHOTOSHOP_SIG     "Photoshop 3.0"
#define PHOTOSHOP_SIG_LEN 14
#define QVCI_SIG          "QVCI"
#define QVCI_SIG_LEN      5    /* with its NUL */
#define QVCI_DATE_AT      0x4d /* "1998.10.24.12.08.57", string[20] */
#define QVCI_DATE_LEN     19

struct jpeg_later {
	uint64_t xmp_off, iptc_off, qvci_off;
	size_t xmp_len, iptc_len;
	bool qvci;
};

static bool is_sof(uint8_t m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static bool is_standalone(uint8_t m)
{
	return m == 0x01 || m == 0xd8 || (m >= 0xd0 && m <= 0xd7);
}

static void read_sof(struct probe_ctx *c, uint64_t data, size_t len)
{
	const uint8_t *p = len >= 5 ? probe_bytes(c, data, 5) : NULL;
	if (!p) {
		probe_problem(c, "JPEG SOF segment truncated");
		return;
	}
	c->out->height = rd_be16(p + 1);
	c->out->width = rd_be16(p + 3);
	c->out->has |= MI_WIDTH | MI_HEIGHT;
}

static bool starts_with(struct probe_ctx *c, uint64_t data, size_t len, const char *sig,
                        size_t sig_len)
{
	if (len < sig_len)
		return false;
	const uint8_t *p = probe_bytes(c, data, sig_len);
	return p && memcmp(p, sig, sig_len) == 0;
}

static void read_app1(struct probe_ctx *c, uint64_t data, size_t len, bool *have_exif,
                      struct jpeg_later *later)
{
	if (!*have_exif && starts_with(c, data, len, "Exif\0\0", EXIF_HEADER_LEN)) {
		*have_exif = true;
		const uint8_t *p = probe_bytes(c, data, len);
		if (p)
			exif_parse_block(c, p, len);
		else
			probe_problem(c, "JPEG EXIF segment truncated");
	} else if (!later->qvci && len >= QVCI_DATE_AT + QVCI_DATE_LEN &&
	           starts_with(c, data, len, QVCI_SIG, QVCI_SIG_LEN)) {
		later->qvci = true;
		later->qvci_off = data + QVCI_DATE_AT;
	} else if (!later->xmp_len && starts_with(c, data, len, XMP_SIG, XMP_SIG_LEN)) {
		later->xmp_off = data + XMP_SIG_LEN;
		later->xmp_len = len - XMP_SIG_LEN;
	}
}

/* "YYYY.MM.DD.hh.mm.ss" as ExifTool gives it: "YYYY:MM:DD hh:mm:ss". */
static void qvci_date(struct probe_ctx *c, uint64_t off)
{
	const uint8_t *p = probe_bytes(c, off, QVCI_DATE_LEN);
	char *dto = c->out->date_time_original;
	if (!p || dto[0])
		return;
	for (int i = 0; i < QVCI_DATE_LEN; i++) {
		bool sep = i % 3 == 1 && i >= 4;
		if (sep ? p[i] != '.' : (p[i] < '0' || p[i] > '9'))
			return;
	}
	media_copy_string(dto, sizeof c->out->date_time_original, p, QVCI_DATE_LEN, false);
	for (int i = 4; i < QVCI_DATE_LEN; i += 3)
		dto[i] = i == 10 ? ' ' : ':';
}

static void apply_later(struct probe_ctx *c, const struct jpeg_later *later)
{
	const uint8_t *p;
	if (later->qvci)
		qvci_date(c, later->qvci_off);
	if (later->xmp_len && (p = probe_bytes(c, later->xmp_off, later->xmp_len)))
		xmp_apply(c, p, later->xmp_len);
	if (later->iptc_len && (p = probe_bytes(c, later->iptc_off, later->iptc_len)))
		iptc_apply_photoshop(c, p, later->iptc_len);
}

void jpeg_probe(struct probe_ctx *c)
{
	uint64_t pos = 2, size = c->src->size;
	bool have_exif = false;
	struct jpeg_later later = {0};
	for (int n = 0; n < JPEG_MAX_SEGMENTS && pos + 2 <= size; n++) {
		const uint8_t *h = probe_bytes(c, pos, 2);
		if (!h)
			break;
		if (h[0] != 0xff) {
			probe_problem(c, "JPEG marker expected");
			break;
		}
		uint8_t m = h[1];
		if (m == 0xff) { /* fill byte */
			pos++;
			continue;
		}
		if (is_standalone(m)) {
			pos += 2;
			continue;
		}
		if (m == 0xd9 || m == 0xda) /* EOI, or SOS: entropy-coded data follows */
			break;
		h = probe_bytes(c, pos + 2, 2);
		if (!h) {
			probe_problem(c, "JPEG segment truncated");
			break;
		}
		size_t len = rd_be16(h);
		if (len < 2) {
			probe_problem(c, "JPEG segment length invalid");
			break;
		}
		uint64_t data = pos + 4;
		len -= 2;
		if (data + len > size) {
			probe_problem(c, "JPEG segment truncated");
			len = (size_t)(size - data);
		}
		if (is_sof(m)) {
			read_sof(c, data, len);
			break;
		}
		if (m == 0xe1)
			read_app1(c, data, len, &have_exif, &later);
		else if (m == 0xed && !later.iptc_len &&
		         starts_with(c, data, len, PHOTOSHOP_SIG, PHOTOSHOP_SIG_LEN)) {
			later.iptc_off = data + PHOTOSHOP_SIG_LEN;
			later.iptc_len = len - PHOTOSHOP_SIG_LEN;
		}
		pos = data + len;
	}
	apply_later(c, &later);
}
