/* Fuzz target for name-based code: the file-name date scanner, the taken-time
 * rule (the input doubles as EXIF DateTimeOriginal/OffsetTimeOriginal text and
 * as the file name) and folder/file classification. Found dates must be valid
 * calendar dates, and every result must be well-formed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index/classify.h"
#include "media/taken.h"

static void require(bool ok)
{
	if (!ok)
		abort();
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

static void check_filename_date(const char *name, size_t len)
{
	int y, mo, d, h, mi, s;
	if (!taken_from_filename(name, len, &y, &mo, &d, &h, &mi, &s))
		return;
	require(y >= 1800 && y <= 2099 && mo >= 1 && mo <= 12);
	require(d >= 1 && d <= days_in_month(y, mo));
	require(h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59);
}

static void check_taken(const char *name, size_t len)
{
	struct media_info info;
	memset(&info, 0, sizeof info);
	size_t n = len < sizeof info.date_time_original ? len : sizeof info.date_time_original - 1;
	memcpy(info.date_time_original, name, n);
	size_t rest = len - n;
	size_t m =
	    rest < sizeof info.offset_time_original ? rest : sizeof info.offset_time_original - 1;
	memcpy(info.offset_time_original, name + n, m);
	if (len > 0 && (name[0] & 1)) {
		info.has = MI_CONTAINER_TIME;
		memcpy(&info.container_time, info.date_time_original, sizeof info.container_time);
	}
	if (len > 0 && (name[0] & 2)) { /* the text as a video's Keys CreationDate instead */
		size_t k = len < sizeof info.creation_date ? len : sizeof info.creation_date - 1;
		memcpy(info.creation_date, name, k);
		info.date_time_original[0] = '\0';
	}
	struct taken_inputs in = {
	    .has_sidecar_taken = len > 1 && (name[1] & 1),
	    .sidecar_taken = (int64_t)(len % 20000) * 86400 - 1000000000,
	    .mi = &info,
	    .name = name,
	    .name_len = len,
	    .mtime = 1000000000,
	};
	struct taken t;
	taken_decide(&in, &t);
	require(t.source >= TAKEN_SIDECAR && t.source <= TAKEN_MTIME);
	require(t.offset_minutes >= -24 * 60 && t.offset_minutes <= 24 * 60);
	char iso[32];
	taken_format_iso8601(t.utc, t.offset_minutes, iso, sizeof iso);
	require(memchr(iso, '\0', sizeof iso) != NULL && strlen(iso) == 25);
	require(taken_source_name(t.source) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy so that ASan sees any read past the end. */
	char *name = malloc(size ? size : 1);
	if (!name)
		return 0;
	memcpy(name, data, size);
	check_filename_date(name, size);
	check_taken(name, size);
	int year = -1;
	enum folder_kind fk = classify_folder(name, size, &year);
	require(fk >= FOLDER_PLAIN && fk <= FOLDER_JUNK);
	if (fk == FOLDER_YEAR || fk == FOLDER_LEGACY_DATE)
		require(year >= 1800 && year <= 2099);
	else
		require(year == 0);
	enum file_kind k = classify_file(name, size);
	require(k >= FILE_OTHER && k <= FILE_MEDIA);
	(void)classify_is_photos_root_name(name, size);
	free(name);
	return 0;
}
