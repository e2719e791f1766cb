/* Unit tests of name classification (classify.h): every folder row of
 * takeout-format.md §9.4, the names of §1.2, §1.5 and §1.8, every media and
 * sidecar name of §9.1, and the odd spellings Takeouts really contain. */
#include "check.h"
#include "index/classify.h"

#include <string.h>

static enum folder_kind folder(const char *name, int *year)
{
	return classify_folder(name, strlen(name), year);
}

static void expect_year(const char *name, int want)
{
	int year = -1;
	enum folder_kind k = folder(name, &year);
	CHECK_MSG(k == FOLDER_YEAR && year == want, "'%s': kind %d year %d", name, k, year);
}

static void expect_folder(const char *name, enum folder_kind want)
{
	int year = -1;
	enum folder_kind k = folder(name, &year);
	CHECK_MSG(k == want, "'%s': kind %d, want %d", name, k, want);
	if (want != FOLDER_YEAR && want != FOLDER_LEGACY_DATE)
		CHECK_MSG(year == 0, "'%s': year %d", name, year);
}

static void expect_legacy(const char *name, int want)
{
	int year = -1;
	enum folder_kind k = folder(name, &year);
	CHECK_MSG(k == FOLDER_LEGACY_DATE && year == want, "'%s': kind %d year %d", name, k, year);
}

static void test_year_folders(void)
{
	/* §9.4 row 1 */
	expect_year("Photos from 2023", 2023);
	expect_year("Photos from 1969", 1969);
	expect_year("Fotos von 2026", 2026);
	expect_year("Photos de 2015", 2015);
	expect_year("Fotos de 2015", 2015);
	expect_year("Fotos del 2015", 2015);
	expect_year("Foto da 2002", 2002);
	expect_year("2015 y\xC4\xB1l\xC4\xB1na ait foto\xC4\x9F"
	            "raflar",
	            2015);
	/* gpth's range 1800..2099 */
	expect_year("Photos from 1800", 1800);
	expect_year("Photos from 2099", 2099);
	/* trailing whitespace (gpth #212), no-break spaces (gpth #473) */
	expect_year("Photos from 2019 ", 2019);
	expect_year("Photos from 2019\t\n", 2019);
	expect_year("Photos from 2019\xC2\xA0", 2019);
	expect_year("Photos\xC2\xA0"
	            "from\xC2\xA0"
	            "2019",
	            2019);
	expect_year("Photos from\xE2\x80\xAF"
	            "2019",
	            2019);
	expect_year(" Photos  from 2019", 2019);
	expect_year("photos from 2019", 2019);
	/* macOS NFD: "ğ" as g + combining breve */
	expect_year("2015 y\xC4\xB1l\xC4\xB1na ait fotog\xCC\x86raflar", 2015);

	/* §9.4 row 2: not years (gpth tests), and other near misses */
	const char *plain[] = {
	    "Photos from vacation",
	    "Photos from 12345",
	    "Photos from 201",
	    "Photos from 1799",
	    "Photos from 2100",
	    "Photos from 2019a",
	    "Photos from2019",
	    "Photos of 2019",
	    "2015",
	    "2015 photos",
	    "Guillaumes 2018",
	    "2002 - Boda de Ana",
	    "Foto da 2002 (1)",
	    "Photos from -2019",
	    "Photos from 2O19",
	    "",
	};
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		expect_folder(plain[i], FOLDER_PLAIN);
}

static void test_legacy_date_folders(void)
{
	/* §9.4 row 3 (gpth issues #7, #30, #182) */
	expect_legacy("2003-12-31", 2003);
	expect_legacy("2009-11-24-25", 2009);
	expect_legacy("1970-01-01 #2", 1970);
	expect_legacy("2012-02-29", 2012);
	expect_legacy("2009-11-24-25 #12", 2009);
	expect_legacy("2003-12-31 ", 2003);
	const char *plain[] = {
	    "2003-13-01",  "2003-02-30",   "2011-02-29",    "2003-12-32",    "2003-12-3",
	    "2003-12-31-", "2003-12-31-7", "2003-12-31 #",  "2003-12-31 #a", "2003-12-31 Birthday",
	    "03-12-31",    "2003/12/31",   "2003-12-31-00", "1799-12-31",
	};
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		expect_folder(plain[i], FOLDER_PLAIN);
}

static void test_albums_and_special_folders(void)
{
	/* §9.4 rows 4-8 */
	const char *albums[] = {
	    "Album test 6-10-23",
	    "Sans titre(9)",
	    "Untitled(1)",
	    "Unbenannt(1)",
	    "Unbenannt",
	    "Adsiz",
	    "\xF0\x9F\x87\xB5\xF0\x9F\x87\xB9 Lisbonne \xE2\x9D\xA4\xEF\xB8\x8F en famille "
	    "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA6\xE2\x80\x8D"
	    "\xF0\x9F\x91\xA6",
	    "2003 - Viaje a Almeria (Julio 2003)(1)",
	    "2003 - Viaje a Helche, Alicante y Valencia (Julio ",
	    "[E&S] 2016-01-05 - Castello De Albertis e Mostra d",
	    "1 anno fa",
	    "Family _ friends",
	    "trash",   /* exact names only: a user album "trash" stays an album */
	    "Trash 2", /* likewise */
	    "\xFF\xFE invalid UTF-8",
	};
	for (size_t i = 0; i < sizeof albums / sizeof *albums; i++)
		expect_folder(albums[i], FOLDER_PLAIN);

	/* §1.5, §9.4 row "special" */
	const char *trash[] = {
	    "Trash",
	    "Bin",
	    "Corbeille",
	    "Papierkorb",
	    "Papelera",
	    "Cestino",
	    "Lixeira",
	    "Prullenbak",
	    "\xD0\x9A\xD0\xBE\xD1\x80\xD0\xB7\xD0\xB8\xD0\xBD\xD0\xB0",
	    "Kosz",
	    "\xE3\x82\xB4\xE3\x83\x9F\xE7\xAE\xB1",
	    "\xE5\x9B\x9E\xE6\x94\xB6\xE7\xAB\x99",
	    "Paperera",
	    "Bin ",
	    "Trash\xC2\xA0",
	};
	for (size_t i = 0; i < sizeof trash / sizeof *trash; i++)
		expect_folder(trash[i], FOLDER_TRASH);
	const char *archive[] = {
	    "Archive",
	    "Archiv",
	    "Archivo",
	    "Archivio",
	    "Arquivo",
	    "Archief",
	    "\xD0\x90\xD1\x80\xD1\x85\xD0\xB8\xD0\xB2",
	    "Archiwum",
	    "\xE3\x82\xA2\xE3\x83\xBC\xE3\x82\xAB\xE3\x82\xA4\xE3\x83\x96",
	    /* the same in NFD: "ブ" as フ + combining voiced mark */
	    "\xE3\x82\xA2\xE3\x83\xBC\xE3\x82\xAB\xE3\x82\xA4\xE3\x83\x95\xE3\x82\x99",
	    "\xE6\xA1\xA3\xE6\xA1\x88",
	    "Arxiu",
	};
	for (size_t i = 0; i < sizeof archive / sizeof *archive; i++)
		expect_folder(archive[i], FOLDER_ARCHIVE);
	expect_folder("Failed Videos", FOLDER_FAILED);
	expect_folder("Failed Videos ", FOLDER_FAILED);
	expect_folder("Locked Folder", FOLDER_LOCKED);

	/* §1.8 junk folders */
	expect_folder("@eaDir", FOLDER_JUNK);
	expect_folder("@__thumb", FOLDER_JUNK);
	expect_folder(".@__thumb", FOLDER_JUNK);
	expect_folder("__MACOSX", FOLDER_JUNK);
	expect_folder("eaDir", FOLDER_PLAIN);

	/* NULL year pointer, NULL name, embedded NUL, very long names */
	CHECK_INT(classify_folder("Photos from 2019", 16, NULL), FOLDER_YEAR);
	CHECK_INT(classify_folder(NULL, 0, NULL), FOLDER_PLAIN);
	CHECK_INT(classify_folder("Trash\0x", 7, NULL), FOLDER_PLAIN);
	CHECK_INT(classify_folder("Photos from 2019xyz", 16, NULL), FOLDER_YEAR); /* len wins */
	char longname[5000];
	memset(longname, ' ', sizeof longname);
	memcpy(longname, "Trash", 5);
	CHECK_INT(classify_folder(longname, sizeof longname, NULL), FOLDER_PLAIN);
	CHECK_INT(classify_folder(longname, 200, NULL), FOLDER_TRASH);
}

static void test_photos_root_names(void)
{
	const char *roots[] = {
	    "Google Photos",
	    "Google Fotos",
	    "Google Foto",
	    "Fotky Google",
	    "Google \xD0\xA4\xD0\xBE\xD1\x82\xD0\xBE",
	    "Google \xD0\xA1\xD0\xBD\xD0\xB8\xD0\xBC\xD0\xBA\xD0\xB8",
	    "Google \xE7\x9B\xB8\xE5\x86\x8C",
	    "Google Foto\xC4\x9Fraflar",
	    "Google Fotog\xCC\x86raflar", /* NFD */
	    "Google Photos ",
	    "Google\xC2\xA0Photos",
	};
	for (size_t i = 0; i < sizeof roots / sizeof *roots; i++)
		CHECK_MSG(classify_is_photos_root_name(roots[i], strlen(roots[i])), "'%s'",
		          roots[i]);
	const char *others[] = {
	    "Google", "Photos", "Google Drive", "Takeout", "Photos from 2019", "GooglePhotos", ""};
	for (size_t i = 0; i < sizeof others / sizeof *others; i++)
		CHECK_MSG(!classify_is_photos_root_name(others[i], strlen(others[i])), "'%s'",
		          others[i]);
	CHECK(!classify_is_photos_root_name(NULL, 0));
}

/* A part's top folder, as extractors name later parts beside the first. */
static void test_takeout_names(void)
{
	const char *parts[] = {"Takeout",  "takeout",     "TAKEOUT ",  "Takeout 2", "Takeout 10",
	                       "Takeout2", "Takeout (2)", "Takeout-3", "Takeout_4", "Takeout 999"};
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		CHECK_MSG(classify_is_takeout_name(parts[i], strlen(parts[i])), "'%s'", parts[i]);
	const char *others[] = {"Takeou",
	                        "Takeouts",
	                        "Takeout 2a",
	                        "Takeout (2",
	                        "Takeout 2)",
	                        "Takeout  2",
	                        "My Takeout",
	                        "Takeout 1000",
	                        "Takeout ()",
	                        "Takeout-",
	                        ""};
	for (size_t i = 0; i < sizeof others / sizeof *others; i++)
		CHECK_MSG(!classify_is_takeout_name(others[i], strlen(others[i])), "'%s'",
		          others[i]);
}

static enum file_kind file(const char *name)
{
	return classify_file(name, strlen(name));
}

/* Every media file of §9.1 (and §9.3). */
static const char *const media_names[] = {
    "PXL_20211013_220651983.jpg",
    "DSC_0100.JPG",
    "PXL_20231118_035751175.MP.jpg",
    "PXL_20210102_221126856.MP~2.jpg",
    "PXL_20231006_063909898.LS.mp4",
    "DSC_0238_1.JPG",
    "DSC_0238(1).JPG",
    "DSC_0101(1).JPG",
    "IMG_2710(1).HEIC",
    "IMG_3479(2).JPG",
    "image(10).jpg",
    "img_(87).(vacation stuff).lol(87).jpg",
    "Urlaub in Knaufspesch in der Schneifel (38).JPG",
    "Screenshot_2022-10-28-09-31-43-118_com.snapchat.jpg",
    "Screenshot_2024-08-31-00-53-48-647_com.snapchat.jpg",
    "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINA.jpg",
    "PXL_20230814_201154491.LONG_EXPOSURE-01.COVER.jpg",
    "05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jpg",
    "\xF0\x9F\x98\x80\xF0\x9F\x98\x83\xF0\x9F\x98\x84\xF0\x9F\x98\x81\xF0\x9F\x98\x86\xF0\x9F"
    "\x98\x85\xF0\x9F\x98\x82\xF0\x9F\xA4\xA3\xF0\x9F\xA5\xB2\xE2\x98\xBA\xEF\xB8\x8F\xF0\x9F"
    "\x98\x8A.jpg",
    "Backyard_ceremony_wedding_photography_xxxxxxx_m.jpg",
    "Backyard_ceremony_wedding_photography_xxxxxxx_m(494).jpg",
    "13039_327707840323_537645323_9470255_27214_n(1).jpg",
    "01D1C847-D498-4814-9F10-6B81D768077B-1050-00000.jpg",
    "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238e.jpg",
    "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_P.jpg",
    "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_P(1).jpg",
    "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238e(1).jpg",
    "20161105_170829.jpg",
    "IMG_3397.JPG",
    "MVIMG_20191230_232926.jpg",
    "Screenshot_20200301-161151.png",
    "MVIMG_20200207_134534~2.jpg",
    "Screenshot_20231027_123303_Facebook.jpg",
    "Screenshot_20231027_123303_Facebook(1).jpg",
    "JakFvscx9E0 1631x1080.jpg",
    "0bca7b90-299e-4000-b29a-d97037b18456.jpg",
    "0F87D8FC-0D60-4043-9B52-81B5682CF506.jpg",
    "Screenshot_2017-07-05-10-05-26.png",
    "Screenshot_20241227_105539_Edge.jpg",
    "D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg",
    "Scan35(1).jpg",
    "CLIP0001(10).AVI",
    "skytree (2).jpg",
    "Peanut Butter Balls.jpg",
    "1190642159672506179.jpg",
    "2013-12-23(1).jpg",
    "27_06_12 - 2.jpg",
    "27_06_12 - 1.mov",
    "IMAG0061-edited.JPG",
    "IMG-20230325-WA0122~2-edited.jpg",
    "Screenshot_20231027_123303_Facebook-edited.jpg",
    "2234089303984509579-edited.jpg",
    "IMG_20120216_094016-edited(1).jpg",
    "IMG_20180830_123540573(1).jpg",
    "IMG_20180830_123540573-edited(1).jpg",
    "PXL_20220405_090123740.PORTRAIT-modifi\xC3\xA9.jpg",
    "08-21-07_1547-modifie\xCC\x81.jpg",
    "IMG-20150125-WA0003-modifi\xC3\xA9.jpg",
    "IMG-20150125-WA0003-modifi\xC3\xA9(1).jpg",
    "simple_file_20200101-edited(1).jpg",
    "IMG_4573.MP4",
    "IMG_5580.MP4",
    "20231227_152817.MP4",
    "MVIMG_20180418_113218",
    "PXL_20221228_185930354.MP",
    "PXL_20210102_221126856.MP~2",
    "P7040106.jpg",
    "image000000.gif",
    /* §9.3 */
    "IMG_8416-modifi\xC3\xA9.JPG",
    "MVIMG_20190215_193501.MP4",
    "original_3baa0456-e090-4a28-85b8-90edaa0f4ec0_M.MP4",
    "Bebop2_20180719203057+0200.mp4",
    /* §1.8: empty base names are media, not dotfiles */
    ".jpg",
    ".mp4",
    "(1).jpg",
    /* §2.9, §6: extra dots, motion parts, RAW, every case */
    "PXL_20230101_000000000.RAW-02.ORIGINAL.dng",
    "PXL_20230101_000000000.NIGHT.mp4",
    "X.MV",
    "X.mp~12",
    "IMG_1234",
    "a.HeIc",
    "a.CR3",
    "a.nef",
    "a.arw",
    "a.raf",
    "a.rw2",
    "a.tiff",
    "a.webp",
    "a.avif",
    "a.3gp",
    "a.m2ts",
    "a.MTS",
    "a.mkv",
    "a.wmv",
    "a.webm",
    "a.flv",
    "a.m4v",
    "a.mpg",
    "a.avi",
    "a.bmp",
    "a.psd",
    "a.jxl",
    "a.insv",
    "a.x3f",
    "a.ico",
    "trailing dot.",
};

/* Every sidecar name of §9.1 plus album metadata names (§1.4) and the root files (§1.6). */
static const char *const json_names[] = {
    "PXL_20211013_220651983.jpg.json",
    "DSC_0100.JPG.json",
    "PXL_20231118_035751175.MP.jpg.json",
    "PXL_20210102_221126856.MP~2.jpg.json",
    "PXL_20231006_063909898.LS.mp4.json",
    "DSC_0238_1.JPG.json",
    "DSC_0238.JPG(1).json",
    "DSC_0101.JPG(1).json",
    "IMG_2710.HEIC(1).json",
    "IMG_3479.JPG(2).json",
    "image.jpg(10).json",
    "img_(87).(vacation stuff).lol.jpg(87).json",
    "Urlaub in Knaufspesch in der Schneifel (38).JP.json",
    "Screenshot_2022-10-28-09-31-43-118_com.snapcha.json",
    "Screenshot_2024-08-31-00-53-48-647_com.snapcha.json",
    "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN.json",
    "PXL_20230814_201154491.LONG_EXPOSURE-01.COVER..json",
    "05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jp.json",
    "Backyard_ceremony_wedding_photography_xxxxxxx_.json",
    "Backyard_ceremony_wedding_photography_xxxxxxx_(494).json",
    "13039_327707840323_537645323_9470255_27214_n.j(1).json",
    "01D1C847-D498-4814-9F10-6B81D768077B-1050-0000.json",
    "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238.json",
    "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_.json",
    "20161105_170829.jpg.supplemental-metadata.json",
    "IMG_3397.JPG.supplemental-metadata.json",
    "MVIMG_20191230_232926.jpg.supplemental-metadat.json",
    "Screenshot_20200301-161151.png.supplemental-me.json",
    "MVIMG_20200207_134534~2.jpg.supplemental-metad.json",
    "Screenshot_20231027_123303_Facebook.jpg.supple.json",
    "Screenshot_20231027_123303_Facebook.jpg.supple(1).json",
    "JakFvscx9E0 1631x1080.jpg.supplemental-metadat.json",
    "0bca7b90-299e-4000-b29a-d97037b18456.jpg.suppl.json",
    "Screenshot_2017-07-05-10-05-26.png.supplementa.json",
    "Screenshot_20241227_105539_Edge.jpg.supplement.json",
    "D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg.supp.json",
    "Scan35.jpg.supplemental-metadata(1).json",
    "CLIP0001.AVI.supplemental-metadata(10).json",
    "skytree (2).jpg.supplemental-metadata.json",
    "Peanut Butter Balls.supplemental-metadata.json",
    "2013-12-23.supplemental-metadata(1).json",
    "27_06_12 - 2.json",
    "27_06_12 - 1.mov.json",
    "IMG-20230325-WA0122~2.jpg.supplemental-metadat.json",
    "IMG_20180830_123540573.jpg(1).json",
    "PXL_20220405_090123740.PORTRAIT.jpg.json",
    "IMG_4573.HEIC.json",
    "MVIMG_20180418_113218.jpg.json",
    "PXL_20221228_185930354.MP.jpg.json",
    "P7040106.JPG.json",
    "image000000.gif.json",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.jpg.s.json",
    "metadata.json",
    "m\303\251tadonn\303\251es.json", /* octal: 'e' would extend a hex escape */
    "Metadaten.json",
    "metadati.json",
    "metadatos.json",
    "metadades.json",
    "metad\xC3\xA1ta.json",
    "\xD0\xBC\xD0\xB5\xD1\x82\xD0\xB0\xD0\xB4\xD0\xB0\xD0\xBD\xD0\xBD\xD1\x8B\xD0\xB5.json",
    "print-subscriptions.json",
    "shared_album_comments.json",
    "user-generated-memory-titles.json",
    "x.JSON",
    ".json",
};

static void test_files(void)
{
	for (size_t i = 0; i < sizeof media_names / sizeof *media_names; i++)
		CHECK_MSG(file(media_names[i]) == FILE_MEDIA, "'%s': %d", media_names[i],
		          file(media_names[i]));
	for (size_t i = 0; i < sizeof json_names / sizeof *json_names; i++)
		CHECK_MSG(file(json_names[i]) == FILE_JSON, "'%s': %d", json_names[i],
		          file(json_names[i]));

	const char *junk[] = {
	    "._IMG_1234.jpg.json",   "._IMG_1234.jpg",       "._",        ".DS_Store",
	    "SYNOFILE_THUMB_XL.jpg", "SYNOFILE_THUMB_M.jpg", "Thumbs.db", "thumbs.db",
	    "desktop.ini",           "Desktop.ini",
	};
	for (size_t i = 0; i < sizeof junk / sizeof *junk; i++)
		CHECK_MSG(file(junk[i]) == FILE_JUNK, "'%s': %d", junk[i], file(junk[i]));

	const char *other[] = {
	    "archive_browser.html",
	    "notes.txt",
	    "a.pdf",
	    "a.xmp",
	    "a.zip",
	    "a.mp~",
	    "a.mp~2x",
	    "a.jpg~2",
	    ".DS_Store2",
	    "a.jsonx",
	    "a.jso",
	    "x.MOVIE",
	    "a.verylongextension",
	};
	for (size_t i = 0; i < sizeof other / sizeof *other; i++)
		CHECK_MSG(file(other[i]) == FILE_OTHER, "'%s': %d", other[i], file(other[i]));

	CHECK_INT(classify_file(NULL, 0), FILE_OTHER);
	CHECK_INT(classify_file("", 0), FILE_OTHER);
	CHECK_INT(classify_file("a.jpg.json", 5), FILE_MEDIA); /* len wins over the NUL */
	CHECK_INT(classify_file("a\0b.jpg", 7), FILE_MEDIA);
}

int main(void)
{
	test_year_folders();
	test_legacy_date_folders();
	test_albums_and_special_folders();
	test_photos_root_names();
	test_takeout_names();
	test_files();
	CHECK_DONE();
}
