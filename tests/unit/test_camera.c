/* Camera names: the policy on the Make/Model pairs of the real corpus
 * (ground-truth.json, exiftool's values) and on awkward inputs. */
#include "check.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <strings.h>

#include "views/camera.h"
#include "views/names.h"

static const char *cam(const char *make, const char *model)
{
	static char out[256];
	camera_name(make, model, out, sizeof out);
	return out;
}

static void test_known(void)
{
	CHECK_STR(cam("Canon", "Canon EOS 40D"), "Canon EOS 40D");
	CHECK_STR(cam("NIKON CORPORATION", "NIKON D70"), "NIKON D70");
	CHECK_STR(cam("Apple", "iPhone 11 Pro"), "Apple iPhone 11 Pro");
	CHECK_STR(cam("OLYMPUS IMAGING CORP.", "E-PL2"), "OLYMPUS E-PL2");
	CHECK_STR(cam("OLYMPUS CORPORATION", "C8080WZ"), "OLYMPUS C8080WZ");
	CHECK_STR(cam("PENTAX Corporation", "PENTAX K10D"), "PENTAX K10D");
	CHECK_STR(cam("SAMSUNG TECHWIN CO., LTD.", "Digimax S600"), "SAMSUNG TECHWIN Digimax S600");
	CHECK_STR(cam("EASTMAN KODAK COMPANY", "KODAK EASYSHARE C713"), "KODAK EASYSHARE C713");
	CHECK_STR(cam("Polyphony Digital Inc.", "Gran Turismo 5"),
	          "Polyphony Digital Gran Turismo 5");
	CHECK_STR(cam("HTC", "HTC Desire"), "HTC Desire");
	CHECK_STR(cam("samsung", "SM-G930F"), "samsung SM-G930F");
	CHECK_STR(cam("KONICA MINOLTA", "DiMAGE Z3"), "KONICA MINOLTA DiMAGE Z3");
	CHECK_STR(cam("PENTAX DIGITAL CAMERA", ""), "PENTAX DIGITAL CAMERA");
	CHECK_STR(cam(NULL, "Pixel 8 Pro"), "Pixel 8 Pro");
	CHECK_STR(cam("  Canon\t ", "  Canon   PowerShot S40 "), "Canon PowerShot S40");
	CHECK_STR(cam("Corporation", "X1"), "Corporation X1"); /* never strips to nothing */
	CHECK_STR(cam("A/B Cams", "M/1"), "A\xe2\x88\x95"
	                                  "B Cams M\xe2\x88\x95"
	                                  "1");
	CHECK_STR(cam("Canonical", "Canon"), "Canonical Canon"); /* a word, not a prefix */
	char out[256];
	CHECK_INT(camera_name(NULL, NULL, out, sizeof out), 0);
	CHECK_INT(camera_name("  ", "\t", out, sizeof out), 0);
	CHECK_INT(camera_name("..", "", out, sizeof out), 6); /* a folder name, never ".." */
}

/* Every pair of the real corpus gives a usable folder name that does not
 * say the make twice. */
static void test_corpus(void)
{
	const char *dir = getenv("TFS_CORPUS") ? getenv("TFS_CORPUS") : TFS_CORPUS_DIR;
	char path[4200];
	snprintf(path, sizeof path, "%s/ground-truth.json", dir);
	FILE *f = fopen(path, "rb");
	CHECK_MSG(f != NULL, "cannot read %s", path);
	if (!f)
		return;
	static char text[1 << 22];
	size_t len = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[len] = '\0';
	cJSON *all = cJSON_Parse(text), *it;
	CHECK(cJSON_IsArray(all));
	int pairs = 0;
	cJSON_ArrayForEach(it, all)
	{
		const char *make = cJSON_GetStringValue(cJSON_GetObjectItem(it, "Make"));
		const char *model = cJSON_GetStringValue(cJSON_GetObjectItem(it, "Model"));
		if (!make && !model)
			continue;
		char out[256];
		size_t n = camera_name(make, model, out, sizeof out);
		pairs++;
		CHECK_MSG(n > 0 && n <= NAMES_MAX && !strchr(out, '/'), "%s / %s", make, model);
		CHECK_MSG(!strstr(out, "CORPORATION") && !strstr(out, "CORP."), "%s", out);
		/* The name does not start with the make's first word twice. */
		char first[64] = "";
		if (make)
			sscanf(make, "%63s", first);
		size_t fl = strlen(first);
		CHECK_MSG(!fl || strncasecmp(out, first, fl) != 0 || strlen(out) <= fl + 1 ||
		              strncasecmp(out + fl + 1, first, fl) != 0,
		          "%s repeats %s", out, first);
	}
	CHECK(pairs >= 30);
	cJSON_Delete(all);
}

int main(void)
{
	test_known();
	test_corpus();
	CHECK_DONE();
}
