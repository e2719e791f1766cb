/* Metadata where writers bend the standard (issue 17), one check per class
 * on the corpus files that show it (the built quirk_* files of
 * tests/corpus/SOURCES.md and real camera files), read as the indexer reads
 * them (a small head, the rest through read_at), plus damaged variants:
 * PNG raw EXIF profiles, GPS as text, Make/Model in the Exif IFD, numbers
 * of non-standard types, QuickTime ©xyz/ilst/keys, maker notes, Casio
 * QVCI, Kodak's IFD, HEIF Exif items in two extents. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "media/probe.h"

#define HEAD 4096 /* small, so that most files need read_at as well */

struct file {
	uint8_t *data;
	size_t len;
};

static struct file load(const char *name)
{
	const char *dir = getenv("TFS_CORPUS") ? getenv("TFS_CORPUS") : TFS_CORPUS_DIR;
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct file f = {NULL, 0};
	FILE *fp = fopen(path, "rb");
	CHECK_MSG(fp != NULL, "cannot open %s", path);
	if (!fp)
		return f;
	fseek(fp, 0, SEEK_END);
	f.len = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	f.data = malloc(f.len ? f.len : 1);
	if (!f.data || fread(f.data, 1, f.len, fp) != f.len)
		f.len = 0;
	fclose(fp);
	return f;
}

static ssize_t read_at(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct file *f = ctx;
	if (off >= f->len)
		return 0;
	size_t n = f->len - off < len ? f->len - off : len;
	memcpy(buf, f->data + off, n);
	return (ssize_t)n;
}

static void probe(const struct file *f, struct media_info *mi)
{
	struct media_source src = {f->data, f->len < HEAD ? f->len : HEAD, f->len, read_at,
	                           (void *)f};
	CHECK_INT(media_probe(&src, mi), 0);
}

static struct media_info probe_file(const char *name)
{
	struct media_info mi;
	struct file f = load(name);
	probe(&f, &mi);
	free(f.data);
	return mi;
}

static void check_near(double got, double want, const char *what)
{
	CHECK_MSG(fabs(got - want) < 1e-6, "%s: %.9g, want %.9g", what, got, want);
}

static void test_png_raw_profiles(void)
{
	static const char *names[] = {"quirk_pngrawtext_1.png", "quirk_pngrawztxt_1.png",
	                              "quirk_pngrawitxt_1.png"};
	for (size_t i = 0; i < 3; i++) {
		struct media_info mi = probe_file(names[i]);
		CHECK_STR(mi.make, "Quirk");
		CHECK_STR(mi.model, "PNG Raw");
		CHECK_INT(mi.orientation, 8);
		CHECK_STR(mi.date_time_original, "2018:07:23 18:00:57");
		CHECK_MSG(mi.problem[0] == '\0', "%s: %s", names[i], mi.problem);
	}
	/* A damaged zTXt stream gives a problem or nothing, never a crash or
	 * invented tags. */
	struct file f = load("quirk_pngrawztxt_1.png");
	for (size_t at = 60; at < f.len - 20; at += 7) {
		uint8_t saved = f.data[at];
		f.data[at] ^= 0x5a;
		struct media_info mi;
		probe(&f, &mi);
		CHECK(mi.make[0] == '\0' || strcmp(mi.make, "Quirk") == 0);
		f.data[at] = saved;
	}
	free(f.data);
}

static void test_exif_quirks(void)
{
	struct media_info mi = probe_file("quirk_gpsascii_1.jpg");
	CHECK(mi.has & MI_GPS);
	check_near(mi.gps_lat, 48 + 51 / 60.0 + 29.5 / 3600, "ASCII latitude");
	check_near(mi.gps_lon, -2.2945, "ASCII longitude, W");
	check_near(mi.gps_alt, 35.5, "altitude");

	mi = probe_file("quirk_makeexififd_1.jpg");
	CHECK_STR(mi.make, "ExifIFDMake");
	CHECK_STR(mi.model, "Model In ExifIFD");

	mi = probe_file("quirk_types_1.jpg");
	CHECK(mi.has & MI_ORIENTATION);
	CHECK_INT(mi.orientation, 6); /* SLONG */
	check_near(mi.exposure_time, 1.0 / 125, "SRATIONAL exposure");
	check_near(mi.f_number, 5.6, "SRATIONAL f-number");
	check_near(mi.iso, 640, "LONG ISO");
}

static void test_maker_notes(void)
{
	struct media_info mi = probe_file("canon_eosrebelt3i_1.jpg"); /* note moved by an editor */
	CHECK_STR(mi.lens_model, "EF-S18-55mm f/3.5-5.6 IS II");
	mi = probe_file("canon_powershots70_1.jpg"); /* BaseISO x AutoISO */
	CHECK(mi.has & MI_ISO);
	check_near(mi.iso, 50, "Canon ISO");
	mi = probe_file("olympus_epl2_1.jpg");
	CHECK_STR(mi.lens_model, "OLYMPUS M.14-42mm F3.5-5.6 II");
	mi = probe_file("nikon_d100_1.jpg");
	check_near(mi.iso, 200, "Nikon ISO");
	mi = probe_file("reconyx_hc500_1.jpg");
	CHECK_STR(mi.date_time_original, "2020:03:16 10:00:00");
	mi = probe_file("kodak_proback_1.jpg");
	check_near(mi.iso, 100, "Kodak ISO");
	mi = probe_file("casio_qvci_1.jpg");
	CHECK_STR(mi.date_time_original, "1998:10:24 12:08:57");
	/* EXIF's own values stay: this Canon has EXIF ISO 400. */
	mi = probe_file("canon_eosrebelt3i_1.jpg");
	check_near(mi.iso, 400, "EXIF ISO kept");
}

static void test_quicktime(void)
{
	struct media_info mi = probe_file("quirk_udtaxyz_1.mp4");
	check_near(mi.gps_lat, 48.8584, "udta ©xyz lat");
	check_near(mi.gps_lon, 2.2945, "udta ©xyz lon");
	mi = probe_file("quirk_ilstxyz_1.mp4");
	check_near(mi.gps_lat, -33.8568, "ilst ©xyz lat");
	check_near(mi.gps_alt, 12, "ilst ©xyz alt");
	CHECK_STR(mi.make, ""); /* ilst ©mak is not Make for ExifTool */
	mi = probe_file("quirk_keysdate_1.mov");
	CHECK_STR(mi.make, "Apple");
	CHECK_STR(mi.creation_date, "2018:07:23 20:00:41+02:00");
	check_near(mi.gps_lat, 52.5163, "keys location");
	mi = probe_file("apple_iphone6_1.mov");
	CHECK_STR(mi.creation_date, "2019:07:24 11:25:40+03:00");
	mi = probe_file("pentax_unknown_1.mov");
	CHECK_STR(mi.make, "PENTAX DIGITAL CAMERA");
	check_near(mi.exposure_time, 10.0 / 384, "Pentax TAGS exposure");
	check_near(mi.focal_length, 18.9, "Pentax TAGS focal length");
	check_near(mi.iso, 50, "Pentax TAGS ISO");
}

static void test_heif_extents(void)
{
	struct media_info mi = probe_file("quirk_heifextents_1.heic");
	CHECK_STR(mi.make, "Quirk");
	CHECK_STR(mi.offset_time_original, "+02:00");
	CHECK_MSG(mi.problem[0] == '\0', "%s", mi.problem);
	/* Cut anywhere, the file gives a problem or a partial result, no crash. */
	struct file f = load("quirk_heifextents_1.heic");
	for (size_t n = 0; n < f.len; n += 3) {
		struct file cut = {f.data, n};
		probe(&cut, &mi);
		CHECK(mi.make[0] == '\0' || strcmp(mi.make, "Quirk") == 0);
	}
	free(f.data);
}

int main(void)
{
	test_png_raw_profiles();
	test_exif_quirks();
	test_maker_notes();
	test_quicktime();
	test_heif_extents();
	CHECK_DONE();
}
