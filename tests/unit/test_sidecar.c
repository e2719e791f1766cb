/* Sidecar matcher tests: every pair of takeout-format.md §9 (each alone in a
 * directory), the truncation ladder, the two multi-file sets of §8.2, title
 * fallback (rule 8), order independence, and a 20,000-file directory. */
#include "check.h"
#include "index/sidecar.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pair_case {
	int no;
	const char *media;
	const char *sidecar;
	enum sc_rule rule;
};

/* §9.1, in order; case 57 spelled in NFD as macOS stores it. */
static const struct pair_case POSITIVE[] = {
    {1, "PXL_20211013_220651983.jpg", "PXL_20211013_220651983.jpg.json",
     SC_EXACT},                                         /* legacy exact */
    {2, "DSC_0100.JPG", "DSC_0100.JPG.json", SC_EXACT}, /* legacy exact, upper case */
    {3, "PXL_20231118_035751175.MP.jpg", "PXL_20231118_035751175.MP.jpg.json",
     SC_EXACT}, /* multi-dot name */
    {4, "PXL_20210102_221126856.MP~2.jpg", "PXL_20210102_221126856.MP~2.jpg.json",
     SC_EXACT}, /* tilde device duplicate */
    {5, "PXL_20231006_063909898.LS.mp4", "PXL_20231006_063909898.LS.mp4.json",
     SC_EXACT},                                                   /* multi-dot video */
    {6, "DSC_0238_1.JPG", "DSC_0238_1.JPG.json", SC_EXACT},       /* `_1` is not a counter */
    {7, "DSC_0238(1).JPG", "DSC_0238.JPG(1).json", SC_COUNTER},   /* legacy counter */
    {8, "DSC_0101(1).JPG", "DSC_0101.JPG(1).json", SC_COUNTER},   /* legacy counter */
    {9, "IMG_2710(1).HEIC", "IMG_2710.HEIC(1).json", SC_COUNTER}, /* legacy counter */
    {10, "IMG_3479(2).JPG", "IMG_3479.JPG(2).json", SC_COUNTER},  /* legacy counter */
    {11, "image(10).jpg", "image.jpg(10).json", SC_COUNTER},      /* two-digit counter */
    {12, "img_(87).(vacation stuff).lol(87).jpg", "img_(87).(vacation stuff).lol.jpg(87).json",
     SC_COUNTER}, /* only last counter moves */
    {13, "Urlaub in Knaufspesch in der Schneifel (38).JPG",
     "Urlaub in Knaufspesch in der Schneifel (38).JP.json",
     SC_TITLE_COUNTER}, /* title's own `(38)` + 46-cut */
    {14, "Screenshot_2022-10-28-09-31-43-118_com.snapchat.jpg",
     "Screenshot_2022-10-28-09-31-43-118_com.snapcha.json", SC_TRUNCATED}, /* legacy 46-cut */
    {15, "Screenshot_2024-08-31-00-53-48-647_com.snapchat.jpg",
     "Screenshot_2024-08-31-00-53-48-647_com.snapcha.json", SC_TRUNCATED}, /* legacy 46-cut */
    {16, "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINA.jpg",
     "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN.json",
     SC_TRUNCATED}, /* media 47-cut, sidecar 46-cut */
    {17, "PXL_20230814_201154491.LONG_EXPOSURE-01.COVER.jpg",
     "PXL_20230814_201154491.LONG_EXPOSURE-01.COVER..json",
     SC_TRUNCATED}, /* 46-cut ends in a dot */
    {18, "05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jpg",
     "05yqt21kruxwwlhhgrwrdyb6chhwszi9bqmzu16w0 2.jp.json",
     SC_TRUNCATED}, /* cut inside the extension */
    {19,
     "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚"
     "😋"
     "😛"
     "."
     "jpg",
     "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚"
     "😋"
     "."
     "json",
     SC_TRUNCATED}, /* UTF-16 counting, surrogate kept */
    {20, "Backyard_ceremony_wedding_photography_xxxxxxx_m.jpg",
     "Backyard_ceremony_wedding_photography_xxxxxxx_.json",
     SC_TRUNCATED}, /* media 47 / sidecar 46 */
    {21, "Backyard_ceremony_wedding_photography_xxxxxxx_m(494).jpg",
     "Backyard_ceremony_wedding_photography_xxxxxxx_(494).json",
     SC_TRUNCATED}, /* cut + large counter */
    {22, "13039_327707840323_537645323_9470255_27214_n(1).jpg",
     "13039_327707840323_537645323_9470255_27214_n.j(1).json", SC_TRUNCATED}, /* 46-cut + counter */
    {23, "01D1C847-D498-4814-9F10-6B81D768077B-1050-00000.jpg",
     "01D1C847-D498-4814-9F10-6B81D768077B-1050-0000.json", SC_TRUNCATED}, /* 47/46 */
    {24, "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238e.jpg",
     "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238.json", SC_TRUNCATED}, /* 47/46 */
    {25, "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_P.jpg",
     "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_.json", SC_TRUNCATED}, /* 47/46 */
    {26, "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_P(1).jpg",
     "original_1d4caa6f-16c6-4c3d-901b-9387de10e528_.json",
     SC_FORGOTTEN_DUPLICATE}, /* forgotten duplicate */
    {27, "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238e(1).jpg",
     "1556189729458-8d2e2d13-bca5-467e-a242-9e4cb238.json",
     SC_FORGOTTEN_DUPLICATE}, /* forgotten duplicate */
    {28, "20161105_170829.jpg", "20161105_170829.jpg.supplemental-metadata.json",
     SC_EXACT},                                                                /* new style full */
    {29, "IMG_3397.JPG", "IMG_3397.JPG.supplemental-metadata.json", SC_EXACT}, /* new style full */
    {30, "MVIMG_20191230_232926.jpg", "MVIMG_20191230_232926.jpg.supplemental-metadat.json",
     SC_TRUNCATED}, /* remnant (L=25) */
    {31, "Screenshot_20200301-161151.png", "Screenshot_20200301-161151.png.supplemental-me.json",
     SC_TRUNCATED}, /* remnant (L=30) */
    {32, "MVIMG_20200207_134534~2.jpg", "MVIMG_20200207_134534~2.jpg.supplemental-metad.json",
     SC_TRUNCATED}, /* remnant (L=27) */
    {33, "Screenshot_20231027_123303_Facebook.jpg",
     "Screenshot_20231027_123303_Facebook.jpg.supple.json", SC_TRUNCATED}, /* remnant (L=39) */
    {34, "Screenshot_20231027_123303_Facebook(1).jpg",
     "Screenshot_20231027_123303_Facebook.jpg.supple(1).json",
     SC_TRUNCATED}, /* remnant + counter */
    {35, "JakFvscx9E0 1631x1080.jpg", "JakFvscx9E0 1631x1080.jpg.supplemental-metadat.json",
     SC_TRUNCATED}, /* remnant (space in name) */
    {36, "0bca7b90-299e-4000-b29a-d97037b18456.jpg",
     "0bca7b90-299e-4000-b29a-d97037b18456.jpg.suppl.json", SC_TRUNCATED}, /* remnant (L=40) */
    {37, "0F87D8FC-0D60-4043-9B52-81B5682CF506.jpg",
     "0F87D8FC-0D60-4043-9B52-81B5682CF506.jpg.suppl.json", SC_TRUNCATED}, /* remnant (L=40) */
    {38, "Screenshot_2017-07-05-10-05-26.png",
     "Screenshot_2017-07-05-10-05-26.png.supplementa.json", SC_TRUNCATED}, /* remnant (L=34) */
    {39, "Screenshot_20241227_105539_Edge.jpg",
     "Screenshot_20241227_105539_Edge.jpg.supplement.json", SC_TRUNCATED}, /* remnant (L=35) */
    {40, "D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg",
     "D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg.supp.json", SC_TRUNCATED}, /* remnant (L=41) */
    {41, "Scan35(1).jpg", "Scan35.jpg.supplemental-metadata(1).json", SC_COUNTER}, /* new counter */
    {42, "CLIP0001(10).AVI", "CLIP0001.AVI.supplemental-metadata(10).json",
     SC_COUNTER}, /* new counter, video */
    {43, "skytree (2).jpg", "skytree (2).jpg.supplemental-metadata.json",
     SC_TITLE_COUNTER}, /* `(2)` belongs to title */
    {44, "Peanut Butter Balls.jpg", "Peanut Butter Balls.supplemental-metadata.json",
     SC_NO_EXTENSION}, /* title without extension */
    {45, "1190642159672506179.jpg", "1190642159672506179.supplemental-metadata.json",
     SC_NO_EXTENSION}, /* title without extension */
    {46, "2013-12-23(1).jpg", "2013-12-23.supplemental-metadata(1).json",
     SC_NO_EXTENSION}, /* no extension + counter */
    {47, "27_06_12 - 2.jpg", "27_06_12 - 2.json",
     SC_NO_EXTENSION}, /* legacy, no extension, `/`→`_` */
    {48, "27_06_12 - 1.mov", "27_06_12 - 1.mov.json", SC_EXACT}, /* `/`→`_` */
    {49, "IMAG0061-edited.JPG", "IMAG0061.JPG.supplemental-metadata.json",
     SC_EDITED}, /* edit, new style */
    {50, "IMG-20230325-WA0122~2-edited.jpg", "IMG-20230325-WA0122~2.jpg.supplemental-metadat.json",
     SC_EDITED}, /* edit + remnant */
    {51, "Screenshot_20231027_123303_Facebook-edited.jpg",
     "Screenshot_20231027_123303_Facebook.jpg.supple.json", SC_EDITED}, /* edit + remnant */
    {52, "2234089303984509579-edited.jpg", "2234089303984509579.supplemental-metadata.json",
     SC_EDITED}, /* edit, no extension */
    {53, "IMG_20120216_094016-edited(1).jpg", "IMG_20120216_094016.jpg.supplemental-metadata.json",
     SC_EDITED}, /* edit + counter, un-numbered sidecar */
    {54, "IMG_20180830_123540573(1).jpg", "IMG_20180830_123540573.jpg(1).json",
     SC_COUNTER}, /* legacy counter */
    {55, "IMG_20180830_123540573-edited(1).jpg", "IMG_20180830_123540573.jpg(1).json",
     SC_EDITED}, /* edit of the `(1)` item */
    {56, "PXL_20220405_090123740.PORTRAIT-modifié.jpg", "PXL_20220405_090123740.PORTRAIT.jpg.json",
     SC_EDITED}, /* French edit, multi-dot */
    {57,
     "08-21-07_1547-modifie\xcc\x81"
     ".jpg",
     "08-21-07_1547.jpg.json", SC_EDITED}, /* French edit (NFD on macOS) */
    {58, "IMG-20150125-WA0003-modifié.jpg", "IMG-20150125-WA0003.jpg.json",
     SC_EDITED}, /* French edit */
    {59, "IMG-20150125-WA0003-modifié(1).jpg", "IMG-20150125-WA0003.jpg.json",
     SC_EDITED}, /* edit + counter */
    {60, "simple_file_20200101-edited(1).jpg", "simple_file_20200101.jpg.json",
     SC_EDITED},                                               /* edit + counter */
    {61, "IMG_4573.MP4", "IMG_4573.HEIC.json", SC_LIVE_PHOTO}, /* iPhone live-photo video */
    {62, "IMG_5580.MP4", "IMG_5580.HEIC.json", SC_LIVE_PHOTO}, /* iPhone live-photo video */
    {63, "20231227_152817.MP4", "20231227_152817.jpg.json",
     SC_LIVE_PHOTO}, /* Samsung motion video */
    {64, "MVIMG_20180418_113218", "MVIMG_20180418_113218.jpg.json",
     SC_LIVE_PHOTO}, /* extension-less motion part */
    {65, "PXL_20221228_185930354.MP", "PXL_20221228_185930354.MP.jpg.json",
     SC_LIVE_PHOTO}, /* Pixel motion part */
    {66, "PXL_20210102_221126856.MP~2", "PXL_20210102_221126856.MP~2.jpg.json",
     SC_LIVE_PHOTO},                                     /* Pixel motion part with `~2` */
    {67, "P7040106.jpg", "P7040106.JPG.json", SC_EXACT}, /* extension case differs */
    {68, "image000000.gif", "image000000.gif.json",
     SC_EXACT}, /* same stem as `image000000.jpg` in folder */
};
#define N_POSITIVE (sizeof POSITIVE / sizeof POSITIVE[0])

/* One media file of a test directory and what it must get (sidecar NULL:
 * unmatched; rule SC_NONE with a sidecar: any rule). */
struct expect {
	const char *media;
	const char *sidecar;
	enum sc_rule rule;
};

struct dir {
	const char *const *sidecars;
	const char *const *titles; /* NULL, or one per sidecar (entries may be NULL) */
	size_t ns;
	const struct expect *ex;
	size_t nm;
};

static const char *rule_label(enum sc_rule r)
{
	const char *n = sc_rule_name(r);
	return n ? n : "none";
}

static void check_dir(const char *label, const struct dir *d)
{
	struct sc_sidecar *sc = calloc(d->ns + 1, sizeof *sc);
	struct sc_media *md = calloc(d->nm + 1, sizeof *md);
	struct sc_result *out = calloc(d->nm + 1, sizeof *out);
	CHECK(sc && md && out);
	if (!sc || !md || !out)
		goto done;
	for (size_t i = 0; i < d->ns; i++) {
		sc[i].name = d->sidecars[i];
		sc[i].name_len = strlen(d->sidecars[i]);
		sc[i].title = d->titles ? d->titles[i] : NULL;
	}
	for (size_t i = 0; i < d->nm; i++) {
		md[i].name = d->ex[i].media;
		md[i].name_len = strlen(d->ex[i].media);
	}
	CHECK_INT(sc_match_directory(sc, d->ns, md, d->nm, out), 0);
	for (size_t i = 0; i < d->nm; i++) {
		const struct expect *e = &d->ex[i];
		const char *got = out[i].sidecar >= 0 && (size_t)out[i].sidecar < d->ns
		                      ? d->sidecars[out[i].sidecar]
		                      : NULL;
		CHECK_MSG((out[i].sidecar >= 0) == (out[i].rule != SC_NONE),
		          "%s: %s: rule %s with sidecar %d", label, e->media,
		          rule_label(out[i].rule), out[i].sidecar);
		if (!e->sidecar) {
			CHECK_MSG(got == NULL, "%s: %s must stay unmatched, got %s (%s)", label,
			          e->media, got, rule_label(out[i].rule));
			continue;
		}
		CHECK_MSG(got && strcmp(got, e->sidecar) == 0, "%s: %s must get %s, got %s (%s)",
		          label, e->media, e->sidecar, got ? got : "nothing",
		          rule_label(out[i].rule));
		if (e->rule != SC_NONE)
			CHECK_MSG(out[i].rule == e->rule, "%s: %s matched by %s, expected %s",
			          label, e->media, rule_label(out[i].rule), rule_label(e->rule));
	}
done:
	free(sc);
	free(md);
	free(out);
}

/* One media file and one sidecar alone in a directory. */
static void check_alone(const char *label, const char *media, const char *sidecar,
                        const char *title, bool must_match, enum sc_rule rule)
{
	const char *sidecars[] = {sidecar};
	const char *titles[] = {title};
	struct expect ex = {media, must_match ? sidecar : NULL, rule};
	struct dir d = {sidecars, titles, 1, &ex, 1};
	check_dir(label, &d);
}

static void test_positive_pairs_alone(void)
{
	CHECK_INT(N_POSITIVE, 68);
	for (size_t i = 0; i < N_POSITIVE; i++) {
		char label[32];
		snprintf(label, sizeof label, "9.1 #%d", POSITIVE[i].no);
		check_alone(label, POSITIVE[i].media, POSITIVE[i].sidecar, NULL, true,
		            POSITIVE[i].rule);
	}
}

/* All of §9.1 in one directory (shared sidecars listed once): the rules must
 * not steal from each other. */
static void test_positive_pairs_together(void)
{
	const char *sidecars[N_POSITIVE];
	struct expect ex[N_POSITIVE];
	size_t ns = 0;
	for (size_t i = 0; i < N_POSITIVE; i++) {
		bool seen = false;
		for (size_t k = 0; k < ns; k++)
			seen |= strcmp(sidecars[k], POSITIVE[i].sidecar) == 0;
		if (!seen)
			sidecars[ns++] = POSITIVE[i].sidecar;
		ex[i] = (struct expect){POSITIVE[i].media, POSITIVE[i].sidecar, POSITIVE[i].rule};
	}
	struct dir d = {sidecars, NULL, ns, ex, N_POSITIVE};
	check_dir("9.1 together", &d);
}

/* §9.1 synthetic ladder: the title is the media name. */
static void test_truncation_ladder(void)
{
	char a40[64], a41[64], a42[64], s40[80], s41[80], s42[80];
	snprintf(a40, sizeof a40, "%.40s.jpg", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	snprintf(a41, sizeof a41, "%.41s.jpg", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	snprintf(a42, sizeof a42, "%.42s.jpg", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	snprintf(s40, sizeof s40, "%s.s.json", a40);
	snprintf(s41, sizeof s41, "%s..json", a41);
	snprintf(s42, sizeof s42, "%s.json", a42);
	check_alone("ladder 26", "PXL_20231118_035751175.jpg",
	            "PXL_20231118_035751175.jpg.supplemental-metada.json", NULL, true,
	            SC_TRUNCATED);
	check_alone("ladder 29", "PXL_20230518_103349822.MP.jpg",
	            "PXL_20230518_103349822.MP.jpg.supplemental-met.json", NULL, true,
	            SC_TRUNCATED);
	check_alone("ladder 44", a40, s40, NULL, true, SC_TRUNCATED);
	check_alone("ladder 45", a41, s41, NULL, true, SC_TRUNCATED);
	check_alone("ladder 46", a42, s42, NULL, true, SC_EXACT);
	check_alone("ladder unclipped", "Screenshot_20231027_123303_Facebook.jpg",
	            "Screenshot_20231027_123303_Facebook.jpg.supplemental-metadata.json", NULL,
	            true, SC_EXACT);
	check_alone("ladder unclipped (1)", "Screenshot_20231027_123303_Facebook(1).jpg",
	            "Screenshot_20231027_123303_Facebook.jpg.supplemental-metadata(1).json", NULL,
	            true, SC_COUNTER);
}

struct negative_case {
	const char *media;
	const char *sidecar;
	const char *title; /* what Google would have put in that sidecar */
};

static const struct negative_case NEGATIVE[] = {
    {"PXL_20211013_220651958.jpg", "PXL_20211013_220651983.jpg.json", "PXL_20211013_220651983.jpg"},
    {"PXL_20220405_090123741.PORTRAIT-modifié.jpg", "PXL_20220405_090123740.PORTRAIT.jpg.json",
     "PXL_20220405_090123740.PORTRAIT.jpg"},
    {"DSC_0102(1).JPG", "DSC_0102.JPG(2).json", "DSC_0102.JPG"},
    {"DSC_0103.JPG", "DSC_0103.JPG(1).json", "DSC_0103.JPG"},
    {"DSC_0104(1).JPG", "DSC_0104.JPG.json", "DSC_0104.JPG"},
    {"Backyard_ceremony_wedding_photography_xxxxxxx_m(185).jpg",
     "Backyard_ceremony_wedding_photography_xxxxxxx_(494).json",
     "Backyard_ceremony_wedding_photography_xxxxxxx_magnoliastudios-371.jpg"},
    {"IMG_3479(2).JPG", "IMG_3479.JPG.json", "IMG_3479.JPG"},
    {"image000000.gif", "image000000.jpg.json", "image000000.jpg"},
    {"IMG_12.jpg", "IMG_1.jpg.json", "IMG_1.jpg"},
};

/* §9.2, alone in a directory, with and without the JSON title (so that the
 * title fallback cannot sneak a wrong pair in either). */
static void test_negative_pairs(void)
{
	for (size_t i = 0; i < sizeof NEGATIVE / sizeof NEGATIVE[0]; i++) {
		char label[48];
		snprintf(label, sizeof label, "9.2 #%zu", i + 1);
		check_alone(label, NEGATIVE[i].media, NEGATIVE[i].sidecar, NULL, false, SC_NONE);
		snprintf(label, sizeof label, "9.2 #%zu with title", i + 1);
		check_alone(label, NEGATIVE[i].media, NEGATIVE[i].sidecar, NEGATIVE[i].title, false,
		            SC_NONE);
	}
	/* "(1) has its own sidecar": with both present, each takes its own. */
	static const char *const sidecars[] = {"DSC_0104.JPG.json", "DSC_0104.JPG(1).json"};
	static const char *const titles[] = {"DSC_0104.JPG", "DSC_0104.JPG"};
	static const struct expect ex[] = {{"DSC_0104(1).JPG", "DSC_0104.JPG(1).json", SC_COUNTER}};
	struct dir d = {sidecars, titles, 2, ex, 1};
	check_dir("9.2 DSC_0104 both sidecars", &d);
	static const struct expect ex2[] = {
	    {"DSC_0104.JPG", "DSC_0104.JPG.json", SC_EXACT},
	    {"DSC_0104(1).JPG", "DSC_0104.JPG(1).json", SC_COUNTER}};
	struct dir d2 = {sidecars, titles, 2, ex2, 2};
	check_dir("9.2 DSC_0104 both media", &d2);
}

/* §9.3: no sidecar of their own; a companion when the still is there. */
static void test_media_without_sidecar(void)
{
	static const char *const s1[] = {"IMG_8416.JPG.json"};
	static const struct expect e1[] = {{"IMG_8416-modifié.JPG", "IMG_8416.JPG.json", SC_EDITED},
	                                   {"IMG_8416.JPG", "IMG_8416.JPG.json", SC_EXACT}};
	struct dir d1 = {s1, NULL, 1, e1, 2};
	check_dir("9.3 IMG_8416", &d1);

	static const char *const s2[] = {"PXL_20221228_185930354.MP.jpg.json"};
	static const struct expect e2[] = {
	    {"PXL_20221228_185930354.MP", "PXL_20221228_185930354.MP.jpg.json", SC_LIVE_PHOTO},
	    {"PXL_20221228_185930354.MP.jpg", "PXL_20221228_185930354.MP.jpg.json", SC_EXACT}};
	struct dir d2 = {s2, NULL, 1, e2, 2};
	check_dir("9.3 PXL .MP", &d2);

	static const char *const s3[] = {"MVIMG_20190215_193501.jpg.json"};
	static const struct expect e3[] = {
	    {"MVIMG_20190215_193501.MP4", "MVIMG_20190215_193501.jpg.json", SC_LIVE_PHOTO},
	    {"MVIMG_20190215_193501.jpg", "MVIMG_20190215_193501.jpg.json", SC_EXACT}};
	struct dir d3 = {s3, NULL, 1, e3, 2};
	check_dir("9.3 MVIMG", &d3);

	/* Alone, or next to unrelated sidecars: unmatched. */
	static const char *const s4[] = {"IMG_0001.jpg.json", "original_3baa0456.jpg.json"};
	static const char *const t4[] = {"IMG_0001.jpg", "original_3baa0456.jpg"};
	static const struct expect e4[] = {
	    {"PXL_20221228_185930354.MP", NULL, SC_NONE},
	    {"MVIMG_20190215_193501.MP4", NULL, SC_NONE},
	    {"original_3baa0456-e090-4a28-85b8-90edaa0f4ec0_M.MP4", NULL, SC_NONE},
	    {"Bebop2_20180719203057+0200.mp4", NULL, SC_NONE},
	    {"IMG_0001.jpg", "IMG_0001.jpg.json", SC_EXACT}};
	struct dir d4 = {s4, t4, 2, e4, 5};
	check_dir("9.3 unmatched", &d4);
	struct dir d5 = {NULL, NULL, 0, e4, 4};
	check_dir("9.3 no sidecars at all", &d5);
}

/* §8.2: the two sets that a greedy or loose matcher gets wrong. */
static void test_multi_file_sets(void)
{
	static const char *const s1[] = {"IMG_3479.JPG(2).json", "IMG_3479.JPG.json",
	                                 "IMG_3479.JPG(1).json"};
	static const struct expect e1[] = {{"IMG_3479(2).JPG", "IMG_3479.JPG(2).json", SC_COUNTER},
	                                   {"IMG_3479(1).JPG", "IMG_3479.JPG(1).json", SC_COUNTER},
	                                   {"IMG_3479.JPG", "IMG_3479.JPG.json", SC_EXACT}};
	struct dir d1 = {s1, NULL, 3, e1, 3};
	check_dir("8.2 IMG_3479", &d1);

	static const char *const s2[] = {"IMG_20180830_123540573.jpg(1).json",
	                                 "IMG_20180830_123540573.jpg.json"};
	static const struct expect e2[] = {
	    {"IMG_20180830_123540573-edited(1).jpg", "IMG_20180830_123540573.jpg(1).json",
	     SC_EDITED},
	    {"IMG_20180830_123540573-edited.jpg", "IMG_20180830_123540573.jpg.json", SC_EDITED},
	    {"IMG_20180830_123540573(1).jpg", "IMG_20180830_123540573.jpg(1).json", SC_COUNTER},
	    {"IMG_20180830_123540573.jpg", "IMG_20180830_123540573.jpg.json", SC_EXACT}};
	struct dir d2 = {s2, NULL, 2, e2, 4};
	check_dir("8.2 IMG_20180830_123540573", &d2);

	/* New-style names of the same sets. */
	static const char *const s3[] = {"IMG_3479.JPG.supplemental-metadata(2).json",
	                                 "IMG_3479.JPG.supplemental-metadata.json",
	                                 "IMG_3479.JPG.supplemental-metadata(1).json"};
	static const struct expect e3[] = {
	    {"IMG_3479(2).JPG", "IMG_3479.JPG.supplemental-metadata(2).json", SC_COUNTER},
	    {"IMG_3479(1).JPG", "IMG_3479.JPG.supplemental-metadata(1).json", SC_COUNTER},
	    {"IMG_3479.JPG", "IMG_3479.JPG.supplemental-metadata.json", SC_EXACT},
	    {"IMG_3479-edited(1).JPG", "IMG_3479.JPG.supplemental-metadata(1).json", SC_EDITED}};
	struct dir d3 = {s3, NULL, 3, e3, 4};
	check_dir("8.2 IMG_3479 new style", &d3);
}

/* Other rule details of §2 and §8.2 not covered by a listed pair. */
static void test_rule_details(void)
{
	/* Own sidecar beats a looser rule: the edit has its own here. */
	static const char *const s1[] = {"X-edited.jpg.json", "X.jpg.json"};
	static const struct expect e1[] = {{"X-edited.jpg", "X-edited.jpg.json", SC_EXACT},
	                                   {"X.jpg", "X.jpg.json", SC_EXACT}};
	struct dir d1 = {s1, NULL, 2, e1, 2};
	check_dir("own sidecar first", &d1);

	/* Localized suffixes, case-insensitive, and the dash-prefix rule for an unknown language.
	 */
	check_alone("german", "IMG_1-bearbeitet.jpg", "IMG_1.jpg.json", NULL, true, SC_EDITED);
	check_alone("japanese", "IMG_1-編集済み.jpg", "IMG_1.jpg.json", NULL, true, SC_EDITED);
	check_alone("spanish with space", "IMG_1-ha editado.jpg", "IMG_1.jpg.json", NULL, true,
	            SC_EDITED);
	check_alone("upper case", "IMG_1-EDITED.jpg", "IMG_1.jpg.json", NULL, true, SC_EDITED);
	check_alone("upper case accent", "IMG_1-MODIFIÉ.jpg", "IMG_1.jpg.json", NULL, true,
	            SC_EDITED);
	check_alone("unknown language", "IMG_1-szerkesztett.jpg", "IMG_1.jpg.json", NULL, true,
	            SC_EDITED);
	check_alone("dash rule needs no counter", "IMG_1-szerkesztett(1).jpg", "IMG_1.jpg.json",
	            NULL, false, SC_NONE);
	/* Truncated suffix only at the 47-unit limit. */
	check_alone("cut suffix at limit", "Screenshot_2023-11-10-11-22-33-444_com.whats-ed.jpg",
	            "Screenshot_2023-11-10-11-22-33-444_com.whats.j.json", NULL, true, SC_EDITED);
	check_alone("cut suffix at limit, new style",
	            "Screenshot_2023-11-10-11-22-33-444_com.wh-ha ed.jpg",
	            "Screenshot_2023-11-10-11-22-33-444_com.wh.jpg..json", NULL, true, SC_EDITED);
	check_alone("cut suffix not at limit", "IMG_1_2-ed(1).jpg", "IMG_1_2.jpg.json", NULL, false,
	            SC_NONE);
	/* Forgotten duplicate needs a clipped sidecar and a small gap. */
	check_alone("forgotten duplicate, short name", "IMG_1234(1).jpg", "IMG_123.json", NULL,
	            false, SC_NONE);
	/* Companions: .MV, device duplicate ~N, HEIC still in the folder with a counter. */
	check_alone("MV part", "PXL_20200101_000000000.MV", "PXL_20200101_000000000.MV.jpg.json",
	            NULL, true, SC_LIVE_PHOTO);
	static const char *const s2[] = {"IMG_7.HEIC(1).json", "IMG_7.HEIC.json"};
	static const struct expect e2[] = {{"IMG_7(1).MOV", "IMG_7.HEIC(1).json", SC_LIVE_PHOTO},
	                                   {"IMG_7.MOV", "IMG_7.HEIC.json", SC_LIVE_PHOTO},
	                                   {"IMG_7(1).HEIC", "IMG_7.HEIC(1).json", SC_COUNTER},
	                                   {"IMG_7.HEIC", "IMG_7.HEIC.json", SC_EXACT}};
	struct dir d2 = {s2, NULL, 2, e2, 4};
	check_dir("live photos with counter", &d2);
	/* A companion follows the still even when the still matched loosely. */
	static const char *const s3[] = {"IMG_9.jpg.json"};
	static const struct expect e3[] = {{"IMG_9-edited.jpg", "IMG_9.jpg.json", SC_EDITED},
	                                   {"IMG_9-edited.mp4", "IMG_9.jpg.json", SC_LIVE_PHOTO}};
	struct dir d3 = {s3, NULL, 1, e3, 2};
	check_dir("companion of an edit", &d3);
	/* Not a video, not an image: no companion. */
	check_alone("gif is no companion", "IMG_9.gif", "IMG_9.jpg.json", NULL, false, SC_NONE);
	/* A title like "x.s": the unstripped form is kept. */
	check_alone("title x.s", "x.s", "x.s.json", NULL, true, SC_EXACT);
	/* §8.1: any remnant counts, even off the 46-unit limit (Google may have
	 * counted a different normalization than our NFC). */
	check_alone("remnant off the limit", "IMG_1.jpg", "IMG_1.jpg.sup.json", NULL, true,
	            SC_TRUNCATED);
	/* Emoji straddling 46: the sidecar may have been cut down or up. */
	check_alone("emoji straddle", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA😀B.jpg",
	            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.json", NULL, true, SC_TRUNCATED);
	check_alone("emoji straddle up", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA😀B.jpg",
	            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA😀.json", NULL, true,
	            SC_TRUNCATED);
	/* NFD sidecar, NFC media. */
	check_alone("nfd sidecar", "Café.jpg", "Cafe\xcc\x81.jpg.json", NULL, true, SC_EXACT);
	/* Extension case with a counter and with a clipped new-style name. */
	check_alone("ext case + counter", "P7040106(3).jpg", "P7040106.JPG(3).json", NULL, true,
	            SC_COUNTER);
	check_alone("ext case + remnant", "Screenshot_20231027_123303_Facebook.JPG",
	            "Screenshot_20231027_123303_Facebook.jpg.supple.json", NULL, true,
	            SC_TRUNCATED);
	/* §2.6: newer exports keep the long media name, the sidecar is still cut. */
	check_alone("untruncated media, clipped sidecar",
	            "Screenshot_2024-01-14-14-13-33-16_948cd9899890cbd5c2798760b2b95377.jpg",
	            "Screenshot_2024-01-14-14-13-33-16_948cd9899890.json", NULL, true,
	            SC_TRUNCATED);
	/* ... and the untruncated new-style sidecar wins over the clipped reading. */
	static const char *const s5[] = {
	    "Screenshot_2024-01-14-14-13-33-16_948cd9899890.json",
	    "Screenshot_2024-01-14-14-13-33-16_948cd9899890cbd5c2798760b2b95377.jpg.supplemental-"
	    "metadata.json"};
	static const struct expect e5[] = {
	    {"Screenshot_2024-01-14-14-13-33-16_948cd9899890cbd5c2798760b2b95377.jpg",
	     "Screenshot_2024-01-14-14-13-33-16_948cd9899890cbd5c2798760b2b95377.jpg.supplemental-"
	     "metadata.json",
	     SC_EXACT}};
	struct dir d5 = {s5, NULL, 2, e5, 1};
	check_dir("untruncated first", &d5);
	/* Upper-case JSON extension. */
	check_alone("upper .JSON", "IMG_2.jpg", "IMG_2.jpg.JSON", NULL, true, SC_EXACT);
	/* Names that are only an extension or only a counter. */
	check_alone("only an extension", ".jpg", ".jpg.json", NULL, true, SC_EXACT);
	check_alone("only a counter", "(1).jpg", "(1).jpg.json", NULL, true, SC_NONE);
}

/* Rule 8: JSON titles with §2.11 substitution, NFC, prefix at the limit,
 * counters, natural-order pairing. */
static void test_title_fallback(void)
{
	static const char *const s1[] = {"weird.json", "other.json"};
	static const char *const t1[] = {"Holiday & fun?.jpg", "Cafe\xcc\x81 27/06.JPG"};
	static const struct expect e1[] = {{"Holiday _ fun_.jpg", "weird.json", SC_TITLE},
	                                   {"Café 27_06.jpg", "other.json", SC_TITLE}};
	struct dir d1 = {s1, t1, 2, e1, 2};
	check_dir("title substitution", &d1);

	static const char *const s2[] = {"zz(2).json", "yy(1).json"};
	static const char *const t2[] = {
	    "Backyard_ceremony_wedding_photography_xxxxxxx_magnoliastudios-372.jpg",
	    "Backyard_ceremony_wedding_photography_xxxxxxx_magnoliastudios-371.jpg"};
	static const struct expect e2[] = {
	    {"Backyard_ceremony_wedding_photography_xxxxxxx_m(1).jpg", "yy(1).json", SC_TITLE},
	    {"Backyard_ceremony_wedding_photography_xxxxxxx_m(2).jpg", "zz(2).json", SC_TITLE},
	    {"Backyard_ceremony_wedding_photography_xxxxxxx_m(3).jpg", NULL, SC_NONE}};
	struct dir d2 = {s2, t2, 2, e2, 3};
	check_dir("title prefix at the limit", &d2);

	/* Two media with one key: paired in natural order. */
	static const char *const s3[] = {"b.json", "a.json"};
	static const char *const t3[] = {"photo.jpg", "photo.JPG"};
	static const struct expect e3[] = {{"photo.jpg", "b.json", SC_TITLE},
	                                   {"photo.JPG", "a.json", SC_TITLE}};
	struct dir d3 = {s3, t3, 2, e3, 2};
	check_dir("title pairing", &d3);

	/* A sidecar taken by rules 1-7 is not offered to rule 8. */
	static const char *const s4[] = {"IMG_5.jpg.json"};
	static const char *const t4[] = {"IMG_6.jpg"};
	static const struct expect e4[] = {{"IMG_5.jpg", "IMG_5.jpg.json", SC_EXACT},
	                                   {"IMG_6.jpg", NULL, SC_NONE}};
	struct dir d4 = {s4, t4, 1, e4, 2};
	check_dir("title only for unmatched", &d4);

	/* The media counter is stripped only when the sidecar carries the same one. */
	static const char *const s5[] = {"zzz(2).json", "yyy(3).json"};
	static const char *const t5[] = {"IMG.jpg", "IMG.jpg"};
	static const struct expect e5[] = {{"IMG(2).jpg", "zzz(2).json", SC_TITLE},
	                                   {"IMG.jpg", NULL, SC_NONE},
	                                   {"IMG(4).jpg", NULL, SC_NONE}};
	struct dir d5 = {s5, t5, 2, e5, 3};
	check_dir("title with counter", &d5);

	/* Title without extension. */
	check_alone("title without extension", "27_06_12 - 3.jpg", "renamed.json", "27/06/12 - 3",
	            true, SC_TITLE);
}

/* ------------------------------------------------- generated directories */

struct gen_dir {
	char **media, **sidecars, **titles;
	const char **expect; /* expected sidecar name per media, or NULL */
	size_t nm, ns, cap;
};

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static char *dup_printf(const char *fmt, int k)
{
	char buf[256];
	snprintf(buf, sizeof buf, fmt, k);
	return strdup(buf);
}

static char *add_sidecar(struct gen_dir *g, char *name, char *title)
{
	g->sidecars[g->ns] = name;
	g->titles[g->ns++] = title;
	return name;
}

static void add_media(struct gen_dir *g, char *name, const char *expect)
{
	g->media[g->nm] = name;
	g->expect[g->nm++] = expect;
}

/* About n media files and as many sidecars, in the mix of a real year
 * folder: legacy and new names, clipped names, counters, edits, live
 * photos, extension-less titles, and orphans on both sides. */
static void generate_directory(struct gen_dir *g, int n)
{
	g->cap = (size_t)n + 16;
	g->media = calloc(g->cap, sizeof *g->media);
	g->sidecars = calloc(g->cap, sizeof *g->sidecars);
	g->titles = calloc(g->cap, sizeof *g->titles);
	g->expect = calloc(g->cap, sizeof *g->expect);
	for (int k = 0; g->nm + 2 <= (size_t)n; k++) {
		char *s;
		switch (k % 8) {
		case 0:
			s = add_sidecar(g, dup_printf("IMG_%05d.jpg.json", k), NULL);
			add_media(g, dup_printf("IMG_%05d.jpg", k), s);
			break;
		case 1:
			s = add_sidecar(
			    g, dup_printf("PXL_20230101_%09d.jpg.supplemental-metada.json", k),
			    NULL);
			add_media(g, dup_printf("PXL_20230101_%09d.jpg", k), s);
			break;
		case 2:
			s = add_sidecar(g, dup_printf("DSC_%05d.JPG(1).json", k), NULL);
			add_media(g, dup_printf("DSC_%05d(1).JPG", k), s);
			break;
		case 3:
			s = add_sidecar(g, dup_printf("EDT_%05d.jpg.supplemental-metadata.json", k),
			                NULL);
			add_media(g, dup_printf("EDT_%05d.jpg", k), s);
			add_media(g, dup_printf("EDT_%05d-edited.jpg", k), s);
			break;
		case 4:
			s = add_sidecar(
			    g, dup_printf("%05d_Screenshot_2022-10-28-09-31-43-118_com.s.json", k),
			    NULL);
			add_media(
			    g, dup_printf("%05d_Screenshot_2022-10-28-09-31-43-118_com.sna.jpg", k),
			    s);
			break;
		case 5:
			s = add_sidecar(g, dup_printf("LIV_%05d.HEIC.json", k), NULL);
			add_media(g, dup_printf("LIV_%05d.HEIC", k), s);
			add_media(g, dup_printf("LIV_%05d.MP4", k), s);
			break;
		case 6:
			s = add_sidecar(g, dup_printf("NOX_%05d.supplemental-metadata.json", k),
			                NULL);
			add_media(g, dup_printf("NOX_%05d.jpg", k), s);
			break;
		default:
			add_sidecar(g, dup_printf("lonely_%05d.jpg.json", k),
			            dup_printf("lonely title %05d.png", k));
			add_media(g, dup_printf("ORPHAN_%05d.jpg", k), NULL);
			break;
		}
	}
}

static void free_directory(struct gen_dir *g)
{
	for (size_t i = 0; i < g->nm; i++)
		free(g->media[i]);
	for (size_t i = 0; i < g->ns; i++) {
		free(g->sidecars[i]);
		free(g->titles[i]);
	}
	free(g->media);
	free(g->sidecars);
	free(g->titles);
	free(g->expect);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs the matcher over g with the inputs permuted; returns, per media of
 * the unpermuted order, the sidecar name it got and its rule. */
static int run_permuted(const struct gen_dir *g, bool shuffle, const char **got,
                        enum sc_rule *rules, double *seconds)
{
	size_t *mp = malloc(g->nm * sizeof *mp), *sp = malloc((g->ns + 1) * sizeof *sp);
	struct sc_media *md = malloc(g->nm * sizeof *md);
	struct sc_sidecar *sc = malloc((g->ns + 1) * sizeof *sc);
	struct sc_result *out = malloc(g->nm * sizeof *out);
	int rc = -1;
	if (!mp || !sp || !md || !sc || !out)
		goto done;
	for (size_t i = 0; i < g->nm; i++)
		mp[i] = i;
	for (size_t i = 0; i < g->ns; i++)
		sp[i] = i;
	for (size_t i = g->nm; shuffle && i > 1; i--) {
		size_t j = next_random() % i, t = mp[i - 1];
		mp[i - 1] = mp[j];
		mp[j] = t;
	}
	for (size_t i = g->ns; shuffle && i > 1; i--) {
		size_t j = next_random() % i, t = sp[i - 1];
		sp[i - 1] = sp[j];
		sp[j] = t;
	}
	for (size_t i = 0; i < g->nm; i++)
		md[i] = (struct sc_media){g->media[mp[i]], strlen(g->media[mp[i]])};
	for (size_t i = 0; i < g->ns; i++)
		sc[i] = (struct sc_sidecar){g->sidecars[sp[i]], strlen(g->sidecars[sp[i]]),
		                            g->titles[sp[i]]};
	double t0 = now_seconds();
	rc = sc_match_directory(sc, g->ns, md, g->nm, out);
	*seconds = now_seconds() - t0;
	for (size_t i = 0; rc == 0 && i < g->nm; i++) {
		int s = out[i].sidecar;
		got[mp[i]] = s >= 0 && (size_t)s < g->ns ? g->sidecars[sp[s]] : NULL;
		rules[mp[i]] = out[i].rule;
	}
done:
	free(mp);
	free(sp);
	free(md);
	free(sc);
	free(out);
	return rc;
}

static void check_generated(const char *label, const struct gen_dir *g, const char **got)
{
	size_t wrong = 0;
	for (size_t i = 0; i < g->nm; i++) {
		bool ok =
		    g->expect[i] ? got[i] && strcmp(got[i], g->expect[i]) == 0 : got[i] == NULL;
		if (!ok && wrong++ < 5)
			fprintf(stderr, "%s: %s got %s, expected %s\n", label, g->media[i],
			        got[i] ? got[i] : "nothing",
			        g->expect[i] ? g->expect[i] : "nothing");
	}
	CHECK_MSG(wrong == 0, "%s: %zu of %zu media wrong", label, wrong, g->nm);
}

static void test_large_directory_and_order(void)
{
	struct gen_dir g = {0};
	generate_directory(&g, 20000);
	const char **base = calloc(g.nm, sizeof *base), **got = calloc(g.nm, sizeof *got);
	enum sc_rule *brules = calloc(g.nm, sizeof *brules), *rules = calloc(g.nm, sizeof *rules);
	CHECK(base && got && brules && rules);
	double secs = 0;
	if (base && got && brules && rules && run_permuted(&g, false, base, brules, &secs) == 0) {
		printf(
		    "large directory: %zu media + %zu sidecars matched in %.1f ms (%.0f ns/file)\n",
		    g.nm, g.ns, secs * 1e3, secs * 1e9 / (double)(g.nm + g.ns));
		check_generated("large", &g, base);
		for (int round = 0; round < 3; round++) {
			CHECK_INT(run_permuted(&g, true, got, rules, &secs), 0);
			size_t diff = 0;
			for (size_t i = 0; i < g.nm; i++)
				diff += got[i] != base[i] || rules[i] != brules[i];
			CHECK_MSG(diff == 0, "shuffle %d: %zu results differ", round, diff);
		}
	}
	free(base);
	free(got);
	free(brules);
	free(rules);
	free_directory(&g);
}

/* §9 in one directory, shuffled: same pairs whatever the order. */
static void test_order_independence_of_spec_cases(void)
{
	struct gen_dir g = {0};
	g.cap = N_POSITIVE + 32;
	g.media = calloc(g.cap, sizeof *g.media);
	g.sidecars = calloc(g.cap, sizeof *g.sidecars);
	g.titles = calloc(g.cap, sizeof *g.titles);
	g.expect = calloc(g.cap, sizeof *g.expect);
	for (size_t i = 0; i < N_POSITIVE; i++) {
		size_t k = 0;
		while (k < g.ns && strcmp(g.sidecars[k], POSITIVE[i].sidecar) != 0)
			k++;
		if (k == g.ns)
			add_sidecar(&g, strdup(POSITIVE[i].sidecar), NULL);
		add_media(&g, strdup(POSITIVE[i].media), g.sidecars[k]);
	}
	const char **got = calloc(g.nm, sizeof *got);
	enum sc_rule *rules = calloc(g.nm, sizeof *rules);
	double secs;
	for (int round = 0; got && rules && round < 20; round++) {
		CHECK_INT(run_permuted(&g, round > 0, got, rules, &secs), 0);
		check_generated("9.1 shuffled", &g, got);
	}
	free(got);
	free(rules);
	free_directory(&g);
}

static void test_rule_names(void)
{
	CHECK(sc_rule_name(SC_NONE) == NULL);
	CHECK_STR(sc_rule_name(SC_EXACT), "exact");
	CHECK_STR(sc_rule_name(SC_TITLE_COUNTER), "title-counter");
	CHECK_STR(sc_rule_name(SC_FORGOTTEN_DUPLICATE), "forgotten-duplicate");
	CHECK_STR(sc_rule_name(SC_LIVE_PHOTO), "live-photo");
	CHECK_STR(sc_rule_name(SC_COPY), "copy");
	CHECK(sc_rule_name(SC_RULE_COUNT) == NULL);
}

static void test_hostile_names(void)
{
	/* Empty names, NUL bytes, invalid UTF-8, huge counters, a long name. */
	static char longname[5000];
	memset(longname, '-', sizeof longname - 1);
	const struct sc_sidecar sc[] = {{"", 0, NULL},
	                                {"a\0b.json", 8, "a"},
	                                {"\xff\xfe.json", 7, "\xff"},
	                                {"x(99999999999).json", 19, NULL},
	                                {".json", 5, ""},
	                                {longname, sizeof longname - 1, longname}};
	const struct sc_media md[] = {{"", 0},         {"a\0b", 3},
	                              {"\xff\xfe", 2}, {"x(99999999999)", 14},
	                              {"(", 1},        {longname, sizeof longname - 1},
	                              {".", 1},        {"a.", 2}};
	struct sc_result out[8];
	CHECK_INT(sc_match_directory(sc, 6, md, 8, out), 0);
	for (int i = 0; i < 8; i++)
		CHECK(out[i].sidecar >= -1 && out[i].sidecar < 6 &&
		      (out[i].sidecar >= 0) == (out[i].rule != SC_NONE));
	CHECK_INT(out[1].sidecar, 1);
	CHECK_INT(out[2].sidecar, 2);
	CHECK_INT(out[3].sidecar, 3);
	CHECK_INT(sc_match_directory(NULL, 0, NULL, 0, NULL), 0);
}

int main(void)
{
	test_rule_names();
	test_positive_pairs_alone();
	test_positive_pairs_together();
	test_truncation_ladder();
	test_negative_pairs();
	test_media_without_sidecar();
	test_multi_file_sets();
	test_rule_details();
	test_title_fallback();
	test_hostile_names();
	test_order_independence_of_spec_cases();
	test_large_directory_and_order();
	CHECK_DONE();
}
