/* Classifies folder and file names of a Takeout tree by name alone
 * (takeout-format.md §1.2-1.8, §6, §9.4).
 *
 * Folder names are compared after a light normalization: NFC (macOS extracts
 * names in NFD, which would break "fotoğraflar" or "アーカイブ"), every Unicode
 * space (no-break space, narrow no-break space, ideographic space, ...) turned
 * into an ASCII space, runs of spaces collapsed, and both ends trimmed (gpth
 * issues #212, #473). Known names are then matched exactly; only the year-folder
 * prefixes ("Photos from", "Fotos von", ...) ignore ASCII case.
 *
 * A folder literally named like a special folder (an album titled "Archive")
 * is indistinguishable here; the indexer prefers album metadata and the
 * sidecar flags (trashed/archived) over these names. */
#include "index/classify.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* No known folder name is longer; longer names are plain whatever they hold. */
#define MAX_KNOWN_NAME 256

/* ---- normalization -------------------------------------------------------- */

/* Byte length of the Unicode space character starting at s (0 if none). */
static size_t unicode_space_len(const unsigned char *s, size_t len)
{
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\v' ||
	    s[0] == '\f')
		return 1;
	if (len >= 2 && s[0] == 0xC2 && s[1] == 0xA0) /* U+00A0 */
		return 2;
	if (len >= 3 && s[0] == 0xE2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8B) || s[2] == 0xAF)) /* U+2000-200B, U+202F */
		return 3;
	if (len >= 3 && s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) /* U+205F */
		return 3;
	if (len >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) /* U+3000 */
		return 3;
	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) /* U+FEFF */
		return 3;
	return 0;
}

static bool has_non_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* Writes the normalized form of name into out (cap bytes incl. NUL) and
 * returns its length, or (size_t)-1 when it does not fit (then no known name
 * can match). */
static size_t normalize_name(const char *name, size_t len, char *out, size_t cap)
{
	if (len >= cap)
		return (size_t)-1;
	const char *src = name;
	size_t src_len = len;
	utf8proc_uint8_t *composed = NULL;
	if (has_non_ascii(name, len) && memchr(name, '\0', len) == NULL) {
		utf8proc_ssize_t n =
		    utf8proc_map((const utf8proc_uint8_t *)name, (utf8proc_ssize_t)len, &composed,
		                 UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		if (n >= 0) {
			src = (const char *)composed;
			src_len = (size_t)n;
		} else {
			composed = NULL; /* invalid UTF-8: compare the raw bytes */
		}
	}
	size_t o = 0;
	bool pending_space = false;
	for (size_t i = 0; i < src_len;) {
		size_t sp = unicode_space_len((const unsigned char *)src + i, src_len - i);
		if (sp) {
			pending_space = o > 0; /* leading spaces are dropped */
			i += sp;
			continue;
		}
		if (o + (pending_space ? 2 : 1) >= cap) {
			free(composed);
			return (size_t)-1;
		}
		if (pending_space)
			out[o++] = ' ';
		pending_space = false; /* trailing spaces are never written */
		out[o++] = src[i++];
	}
	out[o] = '\0';
	free(composed);
	return o;
}

static bool name_in(const char *name, size_t len, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == len && memcmp(*list, name, len) == 0)
			return true;
	return false;
}

static bool ascii_prefix_ieq(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = s[i], b = prefix[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* n decimal digits at s (s has at least n bytes). */
static bool read_digits(const char *s, int n, int *value)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*value = v;
	return true;
}

/* ---- year folders (§1.3) -------------------------------------------------- */

/* Year range of gpth's year-folder expression ^Photos from (20|19|18)\d{2}$. */
static bool is_folder_year(int y)
{
	return y >= 1800 && y <= 2099;
}

/* "<prefix> YYYY" in every language of §1.3 that puts the year last. */
static const char *const year_prefixes[] = {
    "Photos from ", "Fotos von ", "Photos de ", "Fotos de ", "Fotos del ", "Foto da ", NULL,
};

/* Turkish puts the year first: "2015 yılına ait fotoğraflar". */
static const char turkish_year_suffix[] = " y\xC4\xB1l\xC4\xB1na ait foto\xC4\x9Fraflar";

static bool match_year_folder(const char *s, size_t len, int *year)
{
	int y;
	for (const char *const *p = year_prefixes; *p; p++) {
		size_t n = strlen(*p);
		if (len == n + 4 && ascii_prefix_ieq(s, len, *p) && read_digits(s + n, 4, &y) &&
		    is_folder_year(y)) {
			*year = y;
			return true;
		}
	}
	size_t tn = sizeof turkish_year_suffix - 1;
	if (len == 4 + tn && read_digits(s, 4, &y) && is_folder_year(y) &&
	    memcmp(s + 4, turkish_year_suffix, tn) == 0) {
		*year = y;
		return true;
	}
	return false;
}

/* ---- legacy date folders (§1.3) ------------------------------------------- */

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* "YYYY-MM-DD", optionally "-DD" (a range of days) and/or " #N" (a second
 * folder of the same date): "2003-12-31", "2009-11-24-25", "1970-01-01 #2". */
static bool match_legacy_date(const char *s, size_t len, int *year)
{
	int y, m, d, d2;
	if (len < 10 || !read_digits(s, 4, &y) || s[4] != '-' || !read_digits(s + 5, 2, &m) ||
	    s[7] != '-' || !read_digits(s + 8, 2, &d))
		return false;
	if (!is_folder_year(y) || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	size_t i = 10;
	if (i < len && s[i] == '-') {
		if (len < i + 3 || !read_digits(s + i + 1, 2, &d2) || d2 < 1 || d2 > 31)
			return false;
		i += 3;
	}
	if (i < len && s[i] == ' ') {
		if (len < i + 3 || s[i + 1] != '#' || !is_digit(s[i + 2]))
			return false;
		for (i += 2; i < len && is_digit(s[i]); i++)
			;
	}
	if (i != len)
		return false;
	*year = y;
	return true;
}

/* ---- special folders (§1.5, §1.8) ----------------------------------------- */

static const char *const trash_names[] = {
    "Trash",
    "Bin",
    "Corbeille",
    "Papierkorb",
    "Papelera",
    "Cestino",
    "Lixeira",
    "Prullenbak",
    "\xD0\x9A\xD0\xBE\xD1\x80\xD0\xB7\xD0\xB8\xD0\xBD\xD0\xB0", /* Корзина */
    "Kosz",
    "\xE3\x82\xB4\xE3\x83\x9F\xE7\xAE\xB1", /* ゴミ箱 */
    "\xE5\x9B\x9E\xE6\x94\xB6\xE7\xAB\x99", /* 回收站 */
    "Paperera",
    NULL,
};

static const char *const archive_names[] = {
    "Archive",
    "Archiv",
    "Archivo",
    "Archivio",
    "Arquivo",
    "Archief",
    "\xD0\x90\xD1\x80\xD1\x85\xD0\xB8\xD0\xB2", /* Архив */
    "Archiwum",
    "\xE3\x82\xA2\xE3\x83\xBC\xE3\x82\xAB\xE3\x82\xA4\xE3\x83\x96", /* アーカイブ */
    "\xE6\xA1\xA3\xE6\xA1\x88",                                     /* 档案 */
    "Arxiu",
    NULL,
};

static const char *const failed_names[] = {"Failed Videos", NULL};
static const char *const locked_names[] = {"Locked Folder", NULL};

/* NAS thumbnail and recycle folders, macOS archive droppings (§1.8). */
static const char *const junk_folder_names[] = {
    "@eaDir", "@__thumb", ".@__thumb", "@Recycle", "#recycle", "__MACOSX", NULL,
};

enum folder_kind classify_folder(const char *name, size_t len, int *year)
{
	char s[MAX_KNOWN_NAME];
	if (year)
		*year = 0;
	if (!name)
		return FOLDER_PLAIN;
	size_t n = normalize_name(name, len, s, sizeof s);
	if (n == (size_t)-1 || n == 0)
		return FOLDER_PLAIN;
	int y = 0;
	enum folder_kind kind = FOLDER_PLAIN;
	if (match_year_folder(s, n, &y))
		kind = FOLDER_YEAR;
	else if (match_legacy_date(s, n, &y))
		kind = FOLDER_LEGACY_DATE;
	else if (name_in(s, n, trash_names))
		kind = FOLDER_TRASH;
	else if (name_in(s, n, archive_names))
		kind = FOLDER_ARCHIVE;
	else if (name_in(s, n, failed_names))
		kind = FOLDER_FAILED;
	else if (name_in(s, n, locked_names))
		kind = FOLDER_LOCKED;
	else if (name_in(s, n, junk_folder_names))
		kind = FOLDER_JUNK;
	if (year && (kind == FOLDER_YEAR || kind == FOLDER_LEGACY_DATE))
		*year = y;
	return kind;
}

/* ---- the Takeout folder of a part (§1.1) ----------------------------------- */

bool classify_is_takeout_name(const char *name, size_t len)
{
	while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	if (len < 7 || strncasecmp(name, "Takeout", 7) != 0)
		return false;
	const char *p = name + 7, *end = name + len;
	if (p == end)
		return true;
	bool paren = false;
	if (*p == ' ' && p + 1 < end && p[1] == '(') {
		paren = true;
		p += 2;
	} else if (*p == ' ' || *p == '-' || *p == '_') {
		p++;
	}
	const char *digits = p;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (p == digits || p - digits > 3)
		return false;
	if (paren) {
		if (p == end || *p != ')')
			return false;
		p++;
	}
	return p == end;
}

/* ---- photos root (§1.2) --------------------------------------------------- */

static const char *const photos_root_names[] = {
    "Google Photos",
    "Google Fotos",
    "Google Foto",
    "Fotky Google",
    "Google \xD0\xA4\xD0\xBE\xD1\x82\xD0\xBE",                 /* Google Фото */
    "Google \xD0\xA1\xD0\xBD\xD0\xB8\xD0\xBC\xD0\xBA\xD0\xB8", /* Google Снимки */
    "Google \xE7\x9B\xB8\xE5\x86\x8C",                         /* Google 相册 */
    "Google Foto\xC4\x9F"
    "raflar", /* Google Fotoğraflar */
    NULL,
};

bool classify_is_photos_root_name(const char *name, size_t len)
{
	char s[MAX_KNOWN_NAME];
	if (!name)
		return false;
	size_t n = normalize_name(name, len, s, sizeof s);
	return n != (size_t)-1 && name_in(s, n, photos_root_names);
}

/* ---- files (§1.8, §2.9, §6) ----------------------------------------------- */

/* immich-go's supported list (§6) plus ico (google-photos-migrate). Lower case. */
static const char *const media_extensions[] = {
    /* images and RAW */
    "3fr",
    "ari",
    "arw",
    "avif",
    "bmp",
    "cap",
    "cin",
    "cr2",
    "cr3",
    "crw",
    "dcr",
    "dng",
    "erf",
    "fff",
    "gif",
    "heic",
    "heif",
    "hif",
    "ico",
    "iiq",
    "insp",
    "jpe",
    "jpeg",
    "jpg",
    "jxl",
    "k25",
    "kdc",
    "mrw",
    "nef",
    "orf",
    "ori",
    "pef",
    "png",
    "psd",
    "raf",
    "raw",
    "rw2",
    "rwl",
    "sr2",
    "srf",
    "srw",
    "tif",
    "tiff",
    "webp",
    "x3f",
    /* video */
    "3gp",
    "avi",
    "flv",
    "insv",
    "m2ts",
    "m4v",
    "mkv",
    "mov",
    "mp4",
    "mpg",
    "mts",
    "webm",
    "wmv",
    /* motion-photo parts (§2.9) */
    "mp",
    "mv",
    NULL,
};

#define MAX_EXT 8

static bool is_media_extension(const char *ext, size_t len)
{
	char lower[MAX_EXT + 1];
	if (len == 0 || len > MAX_EXT)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = ext[i];
		lower[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	lower[len] = '\0';
	/* Pixel device duplicates of a motion part: "X.MP~2". */
	if (len > 3 && memcmp(lower, "mp~", 3) == 0) {
		for (size_t i = 3; i < len; i++)
			if (!is_digit(lower[i]))
				return false;
		return true;
	}
	return name_in(lower, len, media_extensions);
}

static bool ascii_ieq(const char *a, size_t alen, const char *b)
{
	return strlen(b) == alen && ascii_prefix_ieq(a, alen, b);
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

/* AppleDouble "._*" (binary even when named *.json), Finder, Windows and
 * Synology droppings. Only these: Takeout has real media named ".jpg". */
static bool is_junk_file(const char *name, size_t len)
{
	return starts_with(name, len, "._") || (len == 9 && memcmp(name, ".DS_Store", 9) == 0) ||
	       starts_with(name, len, "SYNOFILE_THUMB_") || ascii_ieq(name, len, "Thumbs.db") ||
	       ascii_ieq(name, len, "desktop.ini");
}

enum file_kind classify_file(const char *name, size_t len)
{
	if (!name || len == 0)
		return FILE_OTHER;
	if (is_junk_file(name, len))
		return FILE_JUNK;
	const char *dot = NULL;
	for (size_t i = len; i-- > 0;) {
		if (name[i] == '.') {
			dot = name + i;
			break;
		}
	}
	if (!dot || dot == name + len - 1)
		return FILE_MEDIA; /* no extension: a motion part or an extension-less upload */
	const char *ext = dot + 1;
	size_t ext_len = (size_t)(name + len - ext);
	if (ascii_ieq(ext, ext_len, "json"))
		return FILE_JSON;
	return is_media_extension(ext, ext_len) ? FILE_MEDIA : FILE_OTHER;
}
