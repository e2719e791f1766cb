/* Classification of names in a Takeout tree by name alone (takeout-format.md
 * §1.2-1.8, §6, §9.4): year folders in every known language, legacy date
 * folders, special folders (trash, archive, failed videos), junk to skip, and
 * which file names are media, sidecar candidates or neither.
 * Must not: read the disk. Album detection is by the content of a metadata
 * JSON (sidecar_json.h), so this module only says "not a year/special folder". */
#ifndef TFS_INDEX_CLASSIFY_H
#define TFS_INDEX_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

enum folder_kind {
	FOLDER_PLAIN = 0,   /* anything else: album if it holds album metadata */
	FOLDER_YEAR,        /* "Photos from 2019" and localized forms; year in *year */
	FOLDER_LEGACY_DATE, /* "2003-12-31", "2009-11-24-25", "1970-01-01 #2" */
	FOLDER_TRASH,       /* Trash, Bin, Corbeille, Papierkorb, ... */
	FOLDER_ARCHIVE,     /* Archive and localized names */
	FOLDER_FAILED,      /* Failed Videos */
	FOLDER_LOCKED,      /* Locked Folder */
	FOLDER_JUNK,        /* @eaDir, @__thumb, ... : skipped entirely */
};

/* Classifies a folder by its name (trailing whitespace and odd spaces
 * tolerated). *year receives the year for FOLDER_YEAR / FOLDER_LEGACY_DATE. */
enum folder_kind classify_folder(const char *name, size_t len, int *year);

/* Names of the Google Photos root under Takeout/ ("Google Photos", "Google Fotos",
 * "Google Фото", ...). Unknown names are still accepted by content by the walker. */
bool classify_is_photos_root_name(const char *name, size_t len);

/* Names of an archive part's top folder (§1.1): "Takeout", and the names
 * unzip tools give later parts extracted beside it: "Takeout 2", "Takeout (2)",
 * "Takeout2", "Takeout-2", "Takeout_2" (any case, trailing whitespace
 * tolerated). */
bool classify_is_takeout_name(const char *name, size_t len);

enum file_kind {
	FILE_OTHER = 0, /* not indexed (html, txt, ...) */
	FILE_JUNK,  /* ._AppleDouble, .DS_Store, SYNOFILE_THUMB_*, Thumbs.db: skipped silently */
	FILE_JSON,  /* *.json: sidecar, album metadata, or other (decided by content) */
	FILE_MEDIA, /* image, video, RAW, motion part (.MP, .MP~2, .MV), or extension-less */
};

/* Classifies a file by its name. Extension-less names are FILE_MEDIA (they are
 * motion parts or extension-less uploads); the indexer confirms by content. */
enum file_kind classify_file(const char *name, size_t len);

#endif
