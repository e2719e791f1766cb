/* Conformance with ExifTool: every file of tests/corpus goes
 * through media_probe() the way the indexer feeds it (64 KiB head + pread)
 * and mime_sniff(); each field is compared with ground-truth.json (ExifTool
 * -n, and `file --mime-type` for MIME). A field counts when either side has
 * it; it agrees when both have it and the values match. Divergences must be
 * listed below with their reason, and the overall rate over every field of
 * the contract (interface.md, `.meta` "exif", and the MIME type) must reach
 * 99%. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "media/mime.h"
#include "media/probe.h"

#define MIN_OVERALL_RATE 0.99

struct known {
	const char *file, *field, *reason;
};

/* Where ExifTool's -n value is not the value a user needs (a maker's code,
 * two numbers for one), or is printed for data that holds none. Zero dates
 * ("0000:00:00 00:00:00") agree here: media_info keeps them verbatim, and
 * only the taken-time rule refuses them. */
static const struct known KNOWN[] = {
    {"nikon_d100_1.jpg", "ISO",
     "ExifTool -n prints both shorts of Nikon's ISO tag (\"0 200\"); ours is 200"},
    {"pentax_k10d_2.jpg", "ISO",
     "ExifTool -n prints the Pentax MakerNote ISO code (6, i.e. ISO 100) over EXIF's 100"},
    {"canon_eos30d_1.jpg", "GPSLatitude", "ExifTool prints empty (0/0) GPS rationals as \"\""},
    {"canon_eos30d_1.jpg", "GPSLongitude", "ExifTool prints empty (0/0) GPS rationals as \"\""},
    {"canon_eos30d_1.jpg", "LensModel", "XMP-microsoft, empty"},
};

enum field_kind { FK_STRING, FK_NUMBER, FK_INT };

struct ours {
	bool present;
	const char *s;
	double d;
};

struct field {
	const char *name;
	enum field_kind kind;
	bool in_rate; /* one of the fields the 99% bar is measured on */
	int agree, total, known;
};

static struct field FIELDS[] = {
    {"Make", FK_STRING, true, 0, 0, 0},
    {"Model", FK_STRING, true, 0, 0, 0},
    {"DateTimeOriginal", FK_STRING, true, 0, 0, 0},
    {"CreateDate", FK_STRING, true, 0, 0, 0},
    {"OffsetTimeOriginal", FK_STRING, true, 0, 0, 0},
    {"Orientation", FK_INT, true, 0, 0, 0},
    {"GPSLatitude", FK_NUMBER, true, 0, 0, 0},
    {"GPSLongitude", FK_NUMBER, true, 0, 0, 0},
    {"GPSAltitude", FK_NUMBER, true, 0, 0, 0},
    {"ImageWidth", FK_INT, true, 0, 0, 0},
    {"ImageHeight", FK_INT, true, 0, 0, 0},
    {"ISO", FK_NUMBER, true, 0, 0, 0},
    {"ExposureTime", FK_NUMBER, true, 0, 0, 0},
    {"FNumber", FK_NUMBER, true, 0, 0, 0},
    {"FocalLength", FK_NUMBER, true, 0, 0, 0},
    {"MagicMIMEType", FK_STRING, true, 0, 0, 0},
    {"SubSecTimeOriginal", FK_STRING, true, 0, 0, 0},
    {"LensModel", FK_STRING, true, 0, 0, 0},
};
#define N_FIELDS (sizeof FIELDS / sizeof FIELDS[0])

static const char *known_reason(const char *file, const char *field)
{
	for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
		if (!strcmp(KNOWN[i].file, file) && !strcmp(KNOWN[i].field, field))
			return KNOWN[i].reason;
	return NULL;
}

static struct ours str_or_absent(const char *s)
{
	return (struct ours){s[0] != '\0', s, 0};
}

static struct ours num_if(bool present, double d)
{
	return (struct ours){present, NULL, d};
}

static struct ours our_value(const struct media_info *mi, const char *mime, const char *name)
{
	if (!strcmp(name, "Make"))
		return str_or_absent(mi->make);
	if (!strcmp(name, "Model"))
		return str_or_absent(mi->model);
	if (!strcmp(name, "DateTimeOriginal"))
		return str_or_absent(mi->date_time_original);
	if (!strcmp(name, "CreateDate"))
		return str_or_absent(mi->create_date);
	if (!strcmp(name, "OffsetTimeOriginal"))
		return str_or_absent(mi->offset_time_original);
	if (!strcmp(name, "SubSecTimeOriginal"))
		return str_or_absent(mi->subsec_time_original);
	if (!strcmp(name, "LensModel"))
		return str_or_absent(mi->lens_model);
	if (!strcmp(name, "MagicMIMEType"))
		return str_or_absent(mime);
	if (!strcmp(name, "Orientation"))
		return num_if(mi->has & MI_ORIENTATION, mi->orientation);
	if (!strcmp(name, "GPSLatitude"))
		return num_if(mi->has & MI_GPS, mi->gps_lat);
	if (!strcmp(name, "GPSLongitude"))
		return num_if(mi->has & MI_GPS, mi->gps_lon);
	if (!strcmp(name, "GPSAltitude"))
		return num_if(mi->has & MI_GPS_ALT, mi->gps_alt);
	if (!strcmp(name, "ImageWidth"))
		return num_if(mi->has & MI_WIDTH, mi->width);
	if (!strcmp(name, "ImageHeight"))
		return num_if(mi->has & MI_HEIGHT, mi->height);
	if (!strcmp(name, "ISO"))
		return num_if(mi->has & MI_ISO, mi->iso);
	if (!strcmp(name, "ExposureTime"))
		return num_if(mi->has & MI_EXPOSURE, mi->exposure_time);
	if (!strcmp(name, "FNumber"))
		return num_if(mi->has & MI_FNUMBER, mi->f_number);
	if (!strcmp(name, "FocalLength"))
		return num_if(mi->has & MI_FOCAL, mi->focal_length);
	return (struct ours){false, NULL, 0};
}

/* Decimals ExifTool printed (it rounds some values, e.g. 3GPP loci altitude
 * to 2 places): half a unit in the last printed place is within tolerance. */
static double printed_precision(double v)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%.15g", v);
	const char *dot = strchr(buf, '.');
	if (!dot || strchr(buf, 'e'))
		return 0;
	return 0.5 * pow(10, -(double)strlen(dot + 1));
}

/* Relative 1e-6, or ExifTool's printed precision, whichever is looser. */
static bool numbers_agree(double ours, double exiftool)
{
	double tol = fmax(1e-6 * fabs(exiftool), printed_precision(exiftool)) + 1e-12;
	return fabs(ours - exiftool) <= tol;
}

/* Renders both sides for the report and decides agreement. */
static bool values_agree(const struct field *f, const cJSON *gt, struct ours o, char *gts,
                         size_t gtlen, char *os, size_t oslen)
{
	snprintf(gts, gtlen, "(absent)");
	snprintf(os, oslen, "(absent)");
	if (gt && cJSON_IsString(gt))
		snprintf(gts, gtlen, "\"%s\"", gt->valuestring);
	else if (gt && cJSON_IsNumber(gt))
		snprintf(gts, gtlen, "%.12g", gt->valuedouble);
	if (o.present && o.s)
		snprintf(os, oslen, "\"%s\"", o.s);
	else if (o.present)
		snprintf(os, oslen, "%.12g", o.d);
	if (!gt || !o.present)
		return !gt && !o.present;
	if (f->kind == FK_STRING) {
		char num[32];
		const char *g = gt->valuestring;
		if (cJSON_IsNumber(gt)) { /* ExifTool prints "46" as a number */
			snprintf(num, sizeof num, "%.0f", gt->valuedouble);
			g = num;
		}
		return g && o.s && !strcmp(g, o.s);
	}
	double g;
	if (cJSON_IsNumber(gt)) {
		g = gt->valuedouble;
	} else {
		char *end;
		g = strtod(gt->valuestring, &end);
		if (end == gt->valuestring || *end)
			return false;
	}
	return numbers_agree(o.d, g);
}

struct file_src {
	int fd;
	int reads;
	size_t biggest;
};

static ssize_t read_at(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct file_src *fs = ctx;
	fs->reads++;
	if (len > fs->biggest)
		fs->biggest = len;
	return pread(fs->fd, buf, len, (off_t)off);
}

static int most_reads;

static int unknown_divergences;
static int keyed_files; /* files whose MIME the sniffer may cache */

/* mime.c remembers libmagic's answer per content of mime_cache_key's range
 * (the ftyp box, an old QuickTime file's first box type, a TIFF's first 16
 * bytes, a JPEG's first 4, a PNG's first 16), on the grounds that
 * libmagic's rules for these look no further. Check that on each real file:
 * with everything outside the range zeroed, a fresh libmagic says the same. */
static void check_cache_key_decides_mime(const char *name, const uint8_t *head, size_t len,
                                         const char *mime)
{
	size_t from, to;
	if (!mime_cache_key(head, len, &from, &to))
		return;
	static uint8_t copy[MEDIA_HEAD_BYTES];
	memset(copy, 0, len);
	memcpy(copy + from, head + from, to - from);
	char err[256];
	struct mime_sniffer *fresh = mime_sniffer_new(err, sizeof err);
	CHECK_MSG(fresh != NULL, "%s", err);
	if (!fresh)
		return;
	CHECK_MSG(!strcmp(mime_sniff(fresh, copy, len), mime),
	          "%s: libmagic's answer depends on more than bytes %zu..%zu", name, from, to);
	mime_sniffer_free(fresh);
	keyed_files++;
}

static void compare_file(const char *dir, const cJSON *gt, struct mime_sniffer *ms)
{
	const char *name = cJSON_GetObjectItem(gt, "SourceFile")->valuestring;
	char path[8192];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_RDONLY);
	CHECK_MSG(fd >= 0, "cannot open %s", path);
	if (fd < 0)
		return;
	struct stat st;
	fstat(fd, &st);
	static uint8_t head[MEDIA_HEAD_BYTES];
	ssize_t n = pread(fd, head, sizeof head, 0);
	struct file_src fs = {fd, 0, 0};
	struct media_source src = {head, n > 0 ? (size_t)n : 0, (uint64_t)st.st_size, read_at, &fs};
	struct media_info mi;
	CHECK_INT(media_probe(&src, &mi), 0);
	const char *mime = mime_sniff(ms, head, src.head_len);
	CHECK_MSG(fs.reads <= 16 && fs.biggest <= 256 * 1024, "%s: %d reads, largest %zu bytes",
	          name, fs.reads, fs.biggest);
	if (fs.reads > most_reads)
		most_reads = fs.reads;
	char mime_copy[128];
	snprintf(mime_copy, sizeof mime_copy, "%s", mime);
	check_cache_key_decides_mime(name, head, src.head_len, mime_copy);
	mime = mime_copy;
	if (mi.problem[0])
		printf("  %-32s problem: %s\n", name, mi.problem);
	for (size_t i = 0; i < N_FIELDS; i++) {
		struct field *f = &FIELDS[i];
		const cJSON *g = cJSON_GetObjectItem(gt, f->name);
		struct ours o = our_value(&mi, mime, f->name);
		if (!g && !o.present)
			continue;
		f->total++;
		char gs[256], os[256];
		if (values_agree(f, g, o, gs, sizeof gs, os, sizeof os)) {
			f->agree++;
			if (known_reason(name, f->name))
				printf("  note: %s %s agrees now; drop it from KNOWN\n", name,
				       f->name);
			continue;
		}
		const char *why = known_reason(name, f->name);
		if (why) {
			f->known++;
			printf("  known    %-30s %-18s exiftool=%s ours=%s (%s)\n", name, f->name,
			       gs, os, why);
		} else {
			unknown_divergences++;
			printf("  DIVERGES %-30s %-18s exiftool=%s ours=%s\n", name, f->name, gs,
			       os);
		}
	}
	close(fd);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) == (size_t)n)
		s[n] = '\0';
	else {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

int main(void)
{
	const char *dir = getenv("TFS_CORPUS") ? getenv("TFS_CORPUS") : TFS_CORPUS_DIR;
	char path[4200];
	snprintf(path, sizeof path, "%s/ground-truth.json", dir);
	char *text = slurp(path);
	CHECK_MSG(text != NULL, "cannot read %s", path);
	if (!text)
		CHECK_DONE();
	cJSON *root = cJSON_Parse(text);
	CHECK(cJSON_IsArray(root));
	char err[256];
	struct mime_sniffer *ms = mime_sniffer_new(err, sizeof err);
	CHECK_MSG(ms != NULL, "%s", err);
	int files = 0;
	const cJSON *gt;
	cJSON_ArrayForEach(gt, root)
	{
		compare_file(dir, gt, ms);
		files++;
	}
	int agree = 0, total = 0, known = 0;
	printf("\n%-20s %7s %7s %7s %8s\n", "field", "agree", "total", "known", "rate");
	for (size_t i = 0; i < N_FIELDS; i++) {
		struct field *f = &FIELDS[i];
		printf("%-20s %7d %7d %7d %7.1f%%%s\n", f->name, f->agree, f->total, f->known,
		       f->total ? 100.0 * f->agree / f->total : 100.0,
		       f->in_rate ? "" : "  (not in the bar)");
		if (f->in_rate) {
			agree += f->agree;
			total += f->total;
			known += f->known;
		}
	}
	double rate = total ? (double)agree / total : 1;
	printf("overall: %d files, %d/%d field values agree (%.2f%%), %d known divergences, %d "
	       "unknown\n",
	       files, agree, total, 100 * rate, known, unknown_divergences);
	printf("most reads beyond the head for one file: %d\n", most_reads);
	printf("files whose MIME answer may be cached: %d\n", keyed_files);
	CHECK(files >= 50);
	/* 10 ISO BMFF files with ftyp, 4 TIFF/DNG and 1 old QuickTime file in the corpus. */
	CHECK_MSG(keyed_files >= 15, "only %d files keyed for the MIME cache", keyed_files);
	CHECK_MSG(unknown_divergences == 0, "%d divergences not in KNOWN", unknown_divergences);
	CHECK_MSG(rate >= MIN_OVERALL_RATE, "overall rate %.2f%% below %.0f%%", 100 * rate,
	          100 * MIN_OVERALL_RATE);
	mime_sniffer_free(ms);
	cJSON_Delete(root);
	free(text);
	CHECK_DONE();
}
