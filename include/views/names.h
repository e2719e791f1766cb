/* Directory-entry names of the views: turning titles, camera names and media
 * file names into names the kernel accepts (no '/', no NUL, never "." or "..",
 * at most 255 bytes) and numbering the later of two items that share a name.
 * Owns: the naming policy of interface.md ("NAME", "A `/` in a title ...").
 * Must not: touch the store or decide which item is "later" (views_build does). */
#ifndef TFS_VIEWS_NAMES_H
#define TFS_VIEWS_NAMES_H

#include <stddef.h>

#define NAMES_MAX 255 /* NAME_MAX of Linux */
/* Media names in the views leave room for the ".meta" beside them. */
#define NAMES_MEDIA_MAX (NAMES_MAX - 5)

/* Byte offset of the extension's '.' in name[0..len), or len when the name has
 * no usable extension (no dot after the first byte, or an "extension" longer
 * than 16 bytes or holding a space, which is a title rather than a type). */
size_t names_ext_start(const char *name, size_t len);

/* Writes a valid entry name for name[0..len) into out (room for max+1 bytes,
 * max <= NAMES_MAX) and returns its length: '/' becomes U+2215, NUL becomes
 * U+FFFD, "" becomes "untitled", "." and ".." become U+2024 dots, and a name
 * longer than max is shortened before its extension at a character boundary.
 * Other bytes (invalid UTF-8 included) are kept: they are the file's real name. */
size_t names_clean(const char *name, size_t len, size_t max, char *out);

/* Like names_clean, then " (n)" inserted before the extension (n >= 2), still
 * within max bytes: "IMG_1.jpg", 2 -> "IMG_1 (2).jpg". */
size_t names_numbered(const char *name, size_t len, unsigned n, size_t max, char *out);

#endif
