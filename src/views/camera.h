/* Readable camera names for by-camera/ and the .meta "camera" key, from the
 * EXIF Make and Model: corporate suffixes dropped from the make ("NIKON
 * CORPORATION" -> "NIKON"), the make not repeated when the model starts with
 * it ("Canon" + "Canon EOS 40D" -> "Canon EOS 40D"), whitespace tidied.
 * Owns: that policy only. Must not: touch the store. The result is also a
 * valid directory name (names_clean applied). */
#ifndef TFS_VIEWS_CAMERA_H
#define TFS_VIEWS_CAMERA_H

#include <stddef.h>

#define CAMERA_UNKNOWN "Unknown camera"

/* Writes the camera name for make/model (either may be NULL) into out
 * (outlen >= 256 recommended; NUL-terminated) and returns its length, or 0
 * when neither names a camera (the caller shows CAMERA_UNKNOWN). */
size_t camera_name(const char *make, const char *model, char *out, size_t outlen);

#endif
