/* Renders NAME.EXT.xmp (views/xmp.h): one rdf:Description holding the
 * properties of README "XMP sidecars", in a fixed order, each on its line.
 * The .meta is read back with cJSON: it is this program's own output, so
 * every value the packet needs is there in a known form. */
#include "views/xmp.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ustr.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Minute fractions written for a coordinate: 1e-8 minute is 0.2 mm. */
#define MINUTE_DIGITS 8
#define MINUTE_SCALE  100000000LL
/* Altitudes are rationals in millimetres; the EXIF rational that ExifTool
 * writes from them has a 32-bit numerator. */
#define ALT_SCALE 1000
#define ALT_MAX   4294967.295

static const char HEAD[] =
    "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"takeoutfs\">\n"
    " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
    "  <rdf:Description rdf:about=\"\"\n"
    "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
    "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
    "    xmlns:exif=\"http://ns.adobe.com/exif/1.0/\"\n"
    "    xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\"\n"
    "    xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"\n"
    "    xmlns:lr=\"http://ns.adobe.com/lightroom/1.0/\"\n"
    "    xmlns:mwg-rs=\"http://www.metadataworkinggroup.com/schemas/regions/\"\n"
    "    xmlns:stArea=\"http://ns.adobe.com/xmp/sType/Area#\"\n"
    "    xmlns:stDim=\"http://ns.adobe.com/xap/1.0/sType/Dimensions#\">\n";

static const char TAIL[] = "  </rdf:Description>\n"
                           " </rdf:RDF>\n"
                           "</x:xmpmeta>\n"
                           "<?xpacket end=\"r\"?>\n";

static void put(struct jbuf *b, const char *s)
{
	jbuf_raw(b, s, strlen(s));
}

/* The XML replacement of the character at s[0..n), or NULL to keep it. In a
 * hierarchical keyword a '|' would start a level: it becomes U+00A6. */
static const char *xml_replacement(const unsigned char *s, size_t n, bool keyword)
{
	if (n == 0)
		return REPLACEMENT; /* not UTF-8 */
	if (n == 3 && s[0] == 0xef && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf))
		return REPLACEMENT; /* U+FFFE, U+FFFF: not XML characters */
	switch (s[0]) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '|':
		return keyword ? "\xc2\xa6" : NULL;
	case '\r':
		return "&#xD;"; /* a raw CR would be read back as LF */
	case '\t':
	case '\n':
		return NULL;
	default:
		return s[0] < 0x20 ? REPLACEMENT : NULL;
	}
}

/* s as XML character data. */
static void put_escaped(struct jbuf *b, const char *s, bool keyword)
{
	size_t len = strlen(s), run = 0, i = 0;
	while (i < len) {
		size_t n = ustr_utf8_seq_len(s + i, len - i);
		const char *rep = xml_replacement((const unsigned char *)s + i, n, keyword);
		size_t at = i;
		i += n ? n : 1;
		if (!rep)
			continue;
		jbuf_raw(b, s + run, at - run);
		put(b, rep);
		run = i;
	}
	jbuf_raw(b, s + run, len - run);
}

static void put_text(struct jbuf *b, const char *s)
{
	put_escaped(b, s, false);
}

static bool present(const char *s)
{
	return s && *s;
}

static void simple(struct jbuf *b, const char *prop, const char *value)
{
	put(b, "   <");
	put(b, prop);
	put(b, ">");
	put_text(b, value);
	put(b, "</");
	put(b, prop);
	put(b, ">\n");
}

/* A language alternative with only the default language (dc:title, ...). */
static void alt_text(struct jbuf *b, const char *prop, const char *value)
{
	if (!present(value))
		return;
	put(b, "   <");
	put(b, prop);
	put(b, "><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	put_text(b, value);
	put(b, "</rdf:li></rdf:Alt></");
	put(b, prop);
	put(b, ">\n");
}

/* An unordered array; prefix (a keyword hierarchy, "Albums|") goes before
 * each value. */
static void bag(struct jbuf *b, const char *prop, const char *const *v, size_t n,
                const char *prefix)
{
	if (n == 0)
		return;
	put(b, "   <");
	put(b, prop);
	put(b, ">\n    <rdf:Bag>\n");
	for (size_t i = 0; i < n; i++) {
		put(b, "     <rdf:li>");
		if (prefix)
			put(b, prefix);
		put_escaped(b, v[i] ? v[i] : "", prefix != NULL);
		put(b, "</rdf:li>\n");
	}
	put(b, "    </rdf:Bag>\n   </");
	put(b, prop);
	put(b, ">\n");
}

/* XMP's GPSCoordinate: "DDD,MM.mmk" with k one of N S E W. */
static void coordinate(struct jbuf *b, const char *prop, double v, char pos, char neg)
{
	assert(isfinite(v) && fabs(v) <= 180.0); /* valid_position */
	long long units = llround(fabs(v) * 60.0 * (double)MINUTE_SCALE);
	long long per_degree = 60 * MINUTE_SCALE;
	char num[64];
	int n = snprintf(num, sizeof num, "%lld,%lld.%0*lld", units / per_degree,
	                 units % per_degree / MINUTE_SCALE, MINUTE_DIGITS, units % MINUTE_SCALE);
	while (n > 1 && num[n - 1] == '0' && num[n - 2] != '.')
		n--;
	num[n++] = v < 0 ? neg : pos;
	num[n] = '\0';
	simple(b, prop, num);
}

static bool valid_position(const struct xmp_item *it)
{
	return it->has_gps && isfinite(it->lat) && isfinite(it->lon) && fabs(it->lat) <= 90.0 &&
	       fabs(it->lon) <= 180.0;
}

static void gps(struct jbuf *b, const struct xmp_item *it)
{
	if (!valid_position(it))
		return;
	coordinate(b, "exif:GPSLatitude", it->lat, 'N', 'S');
	coordinate(b, "exif:GPSLongitude", it->lon, 'E', 'W');
	if (!it->has_alt || !isfinite(it->alt) || fabs(it->alt) > ALT_MAX)
		return;
	char num[48];
	snprintf(num, sizeof num, "%lld/%d", llround(fabs(it->alt) * ALT_SCALE), ALT_SCALE);
	simple(b, "exif:GPSAltitude", num);
	simple(b, "exif:GPSAltitudeRef", it->alt < 0 ? "1" : "0"); /* 1: below sea level */
}

/* MWG face regions named after the people: Takeout has no face positions,
 * so each region is the whole frame. */
static void regions(struct jbuf *b, const struct xmp_item *it)
{
	if (it->n_people == 0)
		return;
	put(b, "   <mwg-rs:Regions rdf:parseType=\"Resource\">\n");
	if (it->width > 0 && it->height > 0) {
		char dims[160];
		snprintf(dims, sizeof dims,
		         "    <mwg-rs:AppliedToDimensions stDim:w=\"%lld\" stDim:h=\"%lld\""
		         " stDim:unit=\"pixel\"/>\n",
		         (long long)it->width, (long long)it->height);
		put(b, dims);
	}
	put(b, "    <mwg-rs:RegionList>\n     <rdf:Bag>\n");
	for (size_t i = 0; i < it->n_people; i++) {
		put(b, "      <rdf:li rdf:parseType=\"Resource\">\n       <mwg-rs:Name>");
		put_text(b, it->people[i] ? it->people[i] : "");
		put(b, "</mwg-rs:Name>\n"
		       "       <mwg-rs:Type>Face</mwg-rs:Type>\n"
		       "       <mwg-rs:Area stArea:x=\"0.5\" stArea:y=\"0.5\" stArea:w=\"1\""
		       " stArea:h=\"1\" stArea:unit=\"normalized\"/>\n"
		       "      </rdf:li>\n");
	}
	put(b, "     </rdf:Bag>\n    </mwg-rs:RegionList>\n   </mwg-rs:Regions>\n");
}

int xmp_render(const struct xmp_item *it, struct jbuf *out)
{
	out->len = 0;
	out->oom = false;
	put(out, HEAD);
	if (present(it->taken)) {
		simple(out, "exif:DateTimeOriginal", it->taken);
		simple(out, "xmp:CreateDate", it->taken);
		simple(out, "photoshop:DateCreated", it->taken);
	}
	gps(out, it);
	alt_text(out, "dc:title", it->title);
	alt_text(out, "dc:description", it->description);
	bag(out, "Iptc4xmpExt:PersonInImage", it->people, it->n_people, NULL);
	regions(out, it);
	if (it->favorite)
		simple(out, "xmp:Rating", "5");
	bag(out, "dc:subject", it->albums, it->n_albums, NULL);
	bag(out, "lr:hierarchicalSubject", it->albums, it->n_albums, "Albums|");
	if (present(it->url))
		simple(out, "dc:source", it->url);
	put(out, TAIL);
	return out->oom ? -ENOMEM : 0;
}

/* --- from a rendered .meta --- */

static const char *string_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool number_of(const cJSON *obj, const char *key, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsNumber(v))
		return false;
	*out = v->valuedouble;
	return true;
}

/* The strings of array obj[key] (others skipped), into a malloc'd list. */
static int strings_of(const cJSON *obj, const char *key, const char ***out, size_t *n)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = NULL;
	*n = 0;
	int size = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
	if (size <= 0)
		return 0;
	if (!(*out = calloc((size_t)size, sizeof **out)))
		return -ENOMEM;
	const cJSON *v;
	cJSON_ArrayForEach(v, arr)
	{
		if (cJSON_IsString(v) && *n < (size_t)size)
			(*out)[(*n)++] = v->valuestring;
	}
	return 0;
}

int xmp_render_from_meta(const char *meta, size_t len, struct jbuf *out)
{
	out->len = 0;
	out->oom = false;
	cJSON *doc = cJSON_ParseWithLength(meta, len);
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return -EINVAL;
	}
	const cJSON *google = cJSON_GetObjectItemCaseSensitive(doc, "google");
	const cJSON *pos = cJSON_GetObjectItemCaseSensitive(doc, "gps");
	struct xmp_item it = {
	    .taken = string_of(doc, "taken"),
	    .title = string_of(google, "title"),
	    .description = string_of(google, "description"),
	    .url = string_of(google, "url"),
	    .favorite = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(google, "favorited")),
	};
	it.has_gps = number_of(pos, "lat", &it.lat) && number_of(pos, "lon", &it.lon);
	it.has_alt = number_of(pos, "alt", &it.alt);
	double w, h;
	if (number_of(doc, "width", &w) && number_of(doc, "height", &h) && w >= 1 && h >= 1 &&
	    w < 1e9 && h < 1e9)
		it.width = (int64_t)w, it.height = (int64_t)h;
	int rc = strings_of(google, "people", (const char ***)&it.people, &it.n_people);
	if (rc == 0)
		rc = strings_of(google, "albums", (const char ***)&it.albums, &it.n_albums);
	if (rc == 0)
		rc = xmp_render(&it, out);
	free((void *)it.people);
	free((void *)it.albums);
	cJSON_Delete(doc);
	return rc;
}
