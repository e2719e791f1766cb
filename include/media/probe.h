/* Media metadata extraction: finds the EXIF block in each container (JPEG APP1,
 * HEIC/HEIF item, PNG eXIf, TIFF/DNG, WebP EXIF chunk), hands it to libexif,
 * and reads container facts (dimensions, video creation time, Apple QuickTime
 * keys). Values follow ExifTool's -n output (tag names in interface.md).
 * Must not: read a file by path or read it whole. All input comes through a
 * media_source: the file's head in memory plus an optional bounded reader for
 * a few more small ranges; fuzz targets give a buffer and a length. */
#ifndef TFS_MEDIA_PROBE_H
#define TFS_MEDIA_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MEDIA_HEAD_BYTES (64 * 1024) /* what the indexer reads up front */

struct media_source {
	const uint8_t *head; /* the first head_len bytes of the file */
	size_t head_len;     /* min(size, MEDIA_HEAD_BYTES) in production */
	uint64_t size;       /* the whole file's size */
	/* Reads up to len bytes at off; returns bytes read, or -1. NULL when
	 * only the head is available (then data beyond it is "absent"). */
	ssize_t (*read_at)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
};

enum media_format {
	MF_UNKNOWN = 0,
	MF_JPEG,
	MF_PNG,
	MF_HEIF, /* HEIC/HEIF/AVIF (ISO BMFF image) */
	MF_TIFF, /* TIFF and TIFF-based RAW (DNG, NEF, CR2, ...) */
	MF_WEBP,
	MF_GIF,
	MF_MP4, /* ISO BMFF / QuickTime video: mp4, mov, m4v, 3gp */
	MF_OTHER_VIDEO,
};

/* Bits of media_info.has: which fields hold a value. */
enum {
	MI_ORIENTATION = 1u << 0,
	MI_WIDTH = 1u << 1,
	MI_HEIGHT = 1u << 2,
	MI_ISO = 1u << 3,
	MI_EXPOSURE = 1u << 4,
	MI_FNUMBER = 1u << 5,
	MI_FOCAL = 1u << 6,
	MI_GPS = 1u << 7,     /* gps_lat and gps_lon */
	MI_GPS_ALT = 1u << 8, /* gps_alt */
	MI_CONTAINER_TIME = 1u << 9,
};

struct media_info {
	enum media_format format;
	uint32_t has;
	/* Strings are "" when absent; always NUL-terminated valid UTF-8, trimmed. */
	char make[64], model[64], lens_model[96];
	/* Dates as ExifTool prints them: EXIF's "YYYY:MM:DD hh:mm:ss" verbatim, or
	 * from XMP/IPTC/QuickTime with fractional seconds and a zone
	 * ("2013:07:05 03:18:27Z", "2020:11:20 15:04:02+01:00"). */
	char date_time_original[32];
	char create_date[32]; /* EXIF CreateDate (DateTimeDigitized) or QuickTime CreateDate */
	char offset_time_original[8]; /* "+01:00" */
	/* QuickTime Keys CreationDate, the capture's local time with its offset
	 * ("2019:07:24 11:25:40+03:00"); not one of ExifTool's contract tags. */
	char creation_date[32];
	char subsec_time_original[16]; /* as stored ("00", "123") */
	int orientation;               /* as stored (ExifTool -n), normally 1..8 */
	int width,
	    height; /* as ExifTool's ImageWidth/ImageHeight (the stored image or video track) */
	double iso, exposure_time, f_number, focal_length;
	double gps_lat, gps_lon,
	    gps_alt;            /* signed decimal degrees; metres (negative below sea level) */
	int64_t container_time; /* video creation time, Unix seconds UTC */
	char problem[96]; /* non-empty when the file is damaged (parsing went on where it could) */
};

/* Fills *out from src. Returns 0 (also for damaged or unknown files: see
 * out->problem and out->format), or -1 when out of memory. */
int media_probe(const struct media_source *src, struct media_info *out);

#endif
