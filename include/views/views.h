/* The views of the mounted tree (by-date/, by-camera/, by-album/, favorites/,
 * by-person/, originals/, .takeoutfs/), materialized in the store at index time and read
 * back by the FUSE handlers through the pure functions below, which tests
 * call without a mount.
 * Owns: what the view tables hold (which folders exist, every naming
 * decision, once, in views_build), the inode numbering, and the answers of
 * lookup/getattr/readdir. The statements are the store's
 * (store/view_tables.h writes the tables, store/view_rows.h reads them).
 * Must not: read media files, compute anything expensive while serving,
 * keep per-item state in memory (the library lives in the store), or run
 * SQL of its own.
 *
 * View tables (created and refilled by views_build, inside the indexer's
 * write transaction):
 *
 *   vdirs(id INTEGER PRIMARY KEY,       one row per virtual folder; id 0 is the
 *         parent INTEGER,               mount root; parent NULL for the root
 *         name BLOB NOT NULL,           entry name in the parent
 *         kind INTEGER NOT NULL,        enum vdir_kind
 *         ref INTEGER,                  albums.id (VD_ALBUM), dirs.id (VD_ORIG_DIR)
 *         nsub INTEGER NOT NULL)        number of sub-folders (st_nlink = 2 + nsub)
 *   entries(parent INTEGER NOT NULL,    vdirs.id of the folder
 *           name BLOB NOT NULL,         final entry name (numbered, cleaned)
 *           kind INTEGER NOT NULL,      enum entry_kind
 *           target INTEGER NOT NULL,    vdirs.id, files.id, or 1 for status.json
 *           PRIMARY KEY(parent, name)) WITHOUT ROWID
 *
 * NAME.meta entries are not stored: they are derived from each ENTRY_MEDIA.
 * views_build also creates the index dirs_album ON dirs(album_id) (and the
 * store's STORE_INDEXES_SQL when missing), which the .meta queries need.
 *
 * Inode numbers (stable while the store is unchanged): id << 2 | tag with
 * tag 0 = special file (id 1: status.json = 4; id 2n: the .xmp of files.id n),
 * 1 = virtual folder (root = 1), 2 = media file (files.id), 3 = its .meta
 * (files.id). */
#ifndef TFS_VIEWS_VIEWS_H
#define TFS_VIEWS_VIEWS_H

#include "store/store.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "views/names.h"

enum vdir_kind {
	VD_ROOT = 0,
	VD_BY_DATE,
	VD_YEAR,
	VD_MONTH,
	VD_BY_CAMERA,
	VD_CAMERA,
	VD_BY_ALBUM,
	VD_ALBUM,
	VD_FAVORITES,
	VD_ORIGINALS,
	VD_ORIG_DIR,
	VD_STATUS_DIR,
	VD_BY_PERSON,
	VD_PERSON,
};

enum entry_kind {
	ENTRY_DIR = 0,
	ENTRY_MEDIA = 1,
	ENTRY_STATUS = 2,
};

/* The layout of the views views_build makes; a store built for another one
 * has its views built again (index_options.derive_version).
 * 1: by-date, by-camera, by-album, favorites, originals; 2: by-person. */
#define VIEWS_VERSION 2

/* Creates (IF NOT EXISTS) and refills the view tables from dirs/files/
 * sidecars/albums. Runs inside the caller's transaction; tz is the zone of
 * -o tz (recorded as meta "views_tz"; dates without an offset use the
 * process's zone, which main set from it). Returns 0, or -1 with err. */
int views_build(store_db *db, const char *tz, char *err, size_t errlen);

/* --- inode numbers --- */
enum ino_tag { INO_SPECIAL = 0, INO_VDIR = 1, INO_MEDIA = 2, INO_META = 3 };
#define INO_ROOT   ((uint64_t)1)
#define INO_STATUS ((uint64_t)4)
static inline uint64_t ino_make(int64_t id, enum ino_tag tag)
{
	return ((uint64_t)id << 2) | (uint64_t)tag;
}
static inline enum ino_tag ino_tag(uint64_t ino)
{
	return (enum ino_tag)(ino & 3);
}
static inline int64_t ino_id(uint64_t ino)
{
	return (int64_t)(ino >> 2);
}
/* The NAME.EXT.xmp of files.id (under -o xmp). */
static inline uint64_t ino_xmp(int64_t file_id)
{
	return ino_make(2 * file_id, INO_SPECIAL);
}
static inline bool ino_is_xmp(uint64_t ino)
{
	return ino_tag(ino) == INO_SPECIAL && ino_id(ino) >= 2 && ino_id(ino) % 2 == 0;
}
static inline int64_t ino_xmp_file(uint64_t ino)
{
	return ino_id(ino) / 2;
}

/* --- serving (one struct views per connection / thread) --- */
enum vnode_type { VN_DIR, VN_MEDIA, VN_META, VN_STATUS, VN_XMP };

struct vnode {
	uint64_t ino;
	enum vnode_type type;
	int64_t id;    /* vdirs.id, or files.id for media, .meta and .xmp */
	uint64_t size; /* exact bytes (rendered size for .meta) */
	int64_t mtime; /* Unix s: taken time for media, .meta and .xmp */
	uint32_t nlink;
};

struct views;

/* Prepares the serving statements on db (owned by the caller, used by one
 * thread at a time). status_size is the size of the rendered status.json. */
struct views *views_open(store_db *db, uint64_t status_size, char *err, size_t errlen);
void views_close(struct views *v);

/* Serves NAME.EXT.xmp beside every media entry NAME.EXT (-o xmp): looked up,
 * listed after the NAME.EXT.meta, rendered by views/xmp.h. Off by default. */
void views_serve_xmp(struct views *v, bool on);

/* The attributes of parent/name, or -ENOENT / -EIO / -ENOTDIR. "NAME.meta" is
 * found for every media entry NAME. */
int views_lookup(struct views *v, uint64_t parent, const char *name, size_t len, struct vnode *out);
int views_getattr(struct views *v, uint64_t ino, struct vnode *out);

/* Where readdir stopped: the last name handed out and whether its .meta is
 * still due. Zero-initialize to start at the beginning. */
struct views_cursor {
	bool started;
	bool meta_due;
	bool xmp_due;         /* the .xmp of the same media, after its .meta */
	int64_t meta_file;    /* files.id of the media whose .meta is due */
	bool meta_size_known; /* its size and mtime, from the listing's row */
	uint64_t meta_size;
	int64_t meta_mtime;
	size_t len;
	char name[NAMES_MAX + 1];
};

/* Called for each entry; returns 0 to go on, 1 to stop before consuming this
 * entry (reply buffer full), or a negative errno. */
typedef int (*views_entry_fn)(void *ctx, const char *name, size_t len, const struct vnode *node);

/* Lists folder ino from cursor, in name order, each media entry followed by
 * its NAME.meta unless hidemeta, then its NAME.xmp when they are served.
 * With attrs false only ino and type are filled (no .meta is rendered).
 * Returns 0 at the end or when fn stopped, a negative errno otherwise. */
int views_readdir(struct views *v, uint64_t ino, struct views_cursor *cur, bool hidemeta,
                  bool attrs, views_entry_fn fn, void *ctx);

/* Path of files.id relative to SOURCE, into buf (NUL-terminated). 0, or
 * -ENOENT / -ENAMETOOLONG / -EIO. */
int views_source_path(struct views *v, int64_t file_id, char *buf, size_t len);

/* Renders the .meta of files.id (see views/meta.h) into the views' own buffer;
 * *out points into it until the next call on v. 0 or a negative errno. */
int views_render_meta(struct views *v, int64_t file_id, const char **out, size_t *len);

/* The same with a CRC in hand (meta_render_crc): crc may be NULL; *crc_known
 * (may be NULL) tells whether the rendering carries a CRC. */
int views_render_meta_crc(struct views *v, int64_t file_id, const uint32_t *crc, const char **out,
                          size_t *len, bool *crc_known);

/* Renders the .xmp of files.id (see views/xmp.h) into the views' own
 * buffer, as views_render_meta. 0 or a negative errno (-ENOENT when .xmp
 * files are not served). */
int views_render_xmp(struct views *v, int64_t file_id, const char **out, size_t *len);

/* Drops the connection's read snapshot, so the next call sees everything
 * committed so far (otherwise renewed every second). */
void views_renew_snapshot(struct views *v);

/* views_source_path, plus the size and mtime (ns) the store recorded for the
 * file, which an opened source file must still have. */
int views_source_info(struct views *v, int64_t file_id, char *buf, size_t len, int64_t *size,
                      int64_t *mtime_ns);

#endif
