/* The XMP sidecar renderer without a mount: every property of README "XMP
 * sidecars" in its XMP notation, properties left out when the .meta has no
 * value, hostile strings (markup, control characters, invalid UTF-8,
 * U+FFFE) turned into well-formed character data, the same bytes for the
 * same input, and a .meta read back into the same packet. */
#include "check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/ustr.h"
#include "views/xmp.h"

static bool has(const struct jbuf *b, const char *s)
{
	return b->p && strstr(b->p, s) != NULL;
}

/* Well-formed as far as characters go: valid UTF-8, no control character
 * but TAB and LF, no U+FFFE/U+FFFF, and no '<' or '&' that does not start
 * markup this renderer writes. */
static bool clean_xml(const struct jbuf *b)
{
	if (!ustr_valid_utf8(b->p, b->len) || strlen(b->p) != b->len)
		return false;
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->p[i];
		if (c < 0x20 && c != '\t' && c != '\n')
			return false;
		if (c == 0xef && i + 2 < b->len && (unsigned char)b->p[i + 1] == 0xbf &&
		    ((unsigned char)b->p[i + 2] & 0xfe) == 0xbe)
			return false;
		if (c == '&' && strncmp(b->p + i, "&amp;", 5) && strncmp(b->p + i, "&lt;", 4) &&
		    strncmp(b->p + i, "&gt;", 4) && strncmp(b->p + i, "&#xD;", 5))
			return false;
	}
	return true;
}

static void test_full(void)
{
	const char *people[] = {"Susan", "Zoë"};
	const char *albums[] = {"Trip 2019", "A|B"};
	struct xmp_item it = {.taken = "2019-03-21T11:15:30+01:00",
	                      .has_gps = true,
	                      .has_alt = true,
	                      .lat = 48.8566,
	                      .lon = -2.5,
	                      .alt = -12.5,
	                      .title = "IMG_1.jpg",
	                      .description = "At the lake",
	                      .url = "https://photos.google.com/photo/AF1Qip",
	                      .people = people,
	                      .n_people = 2,
	                      .albums = albums,
	                      .n_albums = 2,
	                      .favorite = true,
	                      .width = 4000,
	                      .height = 3000};
	struct jbuf b = {0};
	CHECK_INT(xmp_render(&it, &b), 0);
	CHECK(clean_xml(&b));
	CHECK(strncmp(b.p, "<?xpacket begin=", 16) == 0);
	CHECK(has(&b, "<exif:DateTimeOriginal>2019-03-21T11:15:30+01:00</exif:DateTimeOriginal>"));
	CHECK(has(&b, "<xmp:CreateDate>2019-03-21T11:15:30+01:00</xmp:CreateDate>"));
	CHECK(has(&b, "<photoshop:DateCreated>2019-03-21T11:15:30+01:00</photoshop:DateCreated>"));
	CHECK(has(&b, "<exif:GPSLatitude>48,51.396N</exif:GPSLatitude>"));
	CHECK(has(&b, "<exif:GPSLongitude>2,30.0W</exif:GPSLongitude>"));
	CHECK(has(&b, "<exif:GPSAltitude>12500/1000</exif:GPSAltitude>"));
	CHECK(has(&b, "<exif:GPSAltitudeRef>1</exif:GPSAltitudeRef>"));
	CHECK(has(&b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">IMG_1.jpg</rdf:li>"));
	CHECK(has(&b, "<rdf:li xml:lang=\"x-default\">At the lake</rdf:li>"));
	CHECK(has(&b, "<Iptc4xmpExt:PersonInImage>"));
	CHECK(has(&b, "<rdf:li>Zoë</rdf:li>"));
	CHECK(has(&b, "<mwg-rs:Name>Susan</mwg-rs:Name>"));
	CHECK(has(&b, "stDim:w=\"4000\" stDim:h=\"3000\""));
	CHECK(has(&b, "<xmp:Rating>5</xmp:Rating>"));
	CHECK(has(&b, "<rdf:li>Trip 2019</rdf:li>"));
	CHECK(has(&b, "<rdf:li>A|B</rdf:li>"));
	CHECK(has(&b, "<rdf:li>Albums|Trip 2019</rdf:li>"));
	CHECK(has(&b, "<rdf:li>Albums|A\xc2\xa6"
	              "B</rdf:li>"));
	CHECK(has(&b, "<dc:source>https://photos.google.com/photo/AF1Qip</dc:source>"));
	CHECK(has(&b, "</x:xmpmeta>\n<?xpacket end=\"r\"?>\n"));
	/* Stable bytes. */
	char *first = strdup(b.p);
	CHECK_INT(xmp_render(&it, &b), 0);
	CHECK_STR(b.p, first);
	free(first);
	jbuf_free(&b);
}

static void test_empty(void)
{
	struct xmp_item it = {.has_gps = true, .lat = 100, .lon = 3}; /* not a position */
	struct jbuf b = {0};
	CHECK_INT(xmp_render(&it, &b), 0);
	CHECK(clean_xml(&b));
	static const char *const absent[] = {"DateTimeOriginal", "GPSLatitude",   "dc:title",
	                                     "dc:description",   "PersonInImage", "Regions",
	                                     "Rating",           "dc:subject",    "dc:source"};
	for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
		CHECK_MSG(!has(&b, absent[i]), "%s in an empty packet", absent[i]);
	CHECK(has(&b, "</rdf:Description>"));
	jbuf_free(&b);
}

static void test_hostile(void)
{
	const char *people[] = {"</rdf:li><evil/>", "bad \xff\xfe bytes", ""};
	const char *albums[] = {"]]>&amp;"};
	struct xmp_item it = {.title = "a\x01"
	                               "b\x1f"
	                               "c\x7f",
	                      .description = "line1\r\nline2\ttab \xef\xbf\xbe \xef\xbf\xbf"
	                                     " \xed\xa0\x80 \xc0\xaf end",
	                      .url = "\"q\" <u>",
	                      .people = people,
	                      .n_people = 3,
	                      .albums = albums,
	                      .n_albums = 1};
	struct jbuf b = {0};
	CHECK_INT(xmp_render(&it, &b), 0);
	CHECK(clean_xml(&b));
	CHECK(has(&b, "&lt;/rdf:li&gt;&lt;evil/&gt;"));
	CHECK(has(&b, "bad \xef\xbf\xbd\xef\xbf\xbd bytes"));
	CHECK(has(&b, "a\xef\xbf\xbd"
	              "b\xef\xbf\xbd"
	              "c\x7f"));
	CHECK(has(&b, "line1&#xD;\nline2\ttab"));
	CHECK(has(&b, "]]&gt;&amp;amp;"));
	CHECK(has(&b, "\"q\" &lt;u&gt;"));
	CHECK(!has(&b, "<evil"));
	jbuf_free(&b);
}

static void test_from_meta(void)
{
	static const char META[] =
	    "{\"source\": \"x/IMG_1.jpg\", \"taken\": \"2019-03-21T11:15:30+01:00\","
	    " \"width\": 640, \"height\": 480,"
	    " \"gps\": {\"lat\": -33.5, \"lon\": 151.25, \"alt\": null},"
	    " \"google\": {\"title\": \"IMG_1.jpg\", \"description\": \"<b>&\\u0007\","
	    "  \"people\": [\"Jürgen\", 7, \"李雷\"], \"favorited\": false,"
	    "  \"url\": \"https://photos.google.com/photo/X\", \"albums\": [\"Summer\"]}}";
	struct jbuf b = {0};
	CHECK_INT(xmp_render_from_meta(META, sizeof META - 1, &b), 0);
	CHECK(clean_xml(&b));
	CHECK(has(&b, "<exif:DateTimeOriginal>2019-03-21T11:15:30+01:00<"));
	CHECK(has(&b, "<exif:GPSLatitude>33,30.0S</exif:GPSLatitude>"));
	CHECK(has(&b, "<exif:GPSLongitude>151,15.0E</exif:GPSLongitude>"));
	CHECK(!has(&b, "GPSAltitude"));
	CHECK(has(&b, "&lt;b&gt;&amp;\xef\xbf\xbd</rdf:li>"));
	CHECK(has(&b, "<rdf:li>Jürgen</rdf:li>"));
	CHECK(has(&b, "<rdf:li>李雷</rdf:li>"));
	CHECK(has(&b, "stDim:w=\"640\" stDim:h=\"480\""));
	CHECK(!has(&b, "Rating"));
	CHECK(has(&b, "<rdf:li>Albums|Summer</rdf:li>"));
	CHECK(has(&b, "<dc:source>https://photos.google.com/photo/X</dc:source>"));
	/* No sidecar: an empty "google" object, no gps. */
	static const char BARE[] = "{\"taken\": null, \"gps\": null, \"google\": {}}";
	CHECK_INT(xmp_render_from_meta(BARE, sizeof BARE - 1, &b), 0);
	CHECK(clean_xml(&b) && !has(&b, "exif:") && has(&b, "</x:xmpmeta>"));
	CHECK_INT(xmp_render_from_meta("[1, 2]", 6, &b), -EINVAL);
	CHECK_INT(xmp_render_from_meta("{\"taken\": ", 10, &b), -EINVAL);
	CHECK_INT(xmp_render_from_meta("", 0, &b), -EINVAL);
	jbuf_free(&b);
}

/* Coordinates at the edges of their ranges and of a minute. */
static void test_coordinates(void)
{
	struct jbuf b = {0};
	struct xmp_item it = {.has_gps = true, .lat = 89.99999999999, .lon = -180.0};
	CHECK_INT(xmp_render(&it, &b), 0);
	CHECK(has(&b, "<exif:GPSLatitude>90,0.0N</exif:GPSLatitude>"));
	CHECK(has(&b, "<exif:GPSLongitude>180,0.0W</exif:GPSLongitude>"));
	it = (struct xmp_item){
	    .has_gps = true, .has_alt = true, .lat = 0.5, .lon = 1e-9, .alt = 1e12};
	CHECK_INT(xmp_render(&it, &b), 0);
	CHECK(has(&b, "<exif:GPSLatitude>0,30.0N</exif:GPSLatitude>"));
	CHECK(has(&b, "<exif:GPSLongitude>0,0.00000006E</exif:GPSLongitude>"));
	CHECK(!has(&b, "GPSAltitude")); /* beyond what an EXIF rational holds */
	jbuf_free(&b);
}

int main(void)
{
	test_full();
	test_empty();
	test_hostile();
	test_from_meta();
	test_coordinates();
	CHECK_DONE();
}
