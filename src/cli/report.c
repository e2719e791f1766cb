/* Help, version and summary texts. */
#include "cli/report.h"

#include "cli/progress.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <fuse_lowlevel.h>
#include <magic.h>
#include <utf8proc.h>
#include <zlib.h>

/* libexif has no runtime version getter: the build passes pkg-config's. */
#ifndef TFS_LIBEXIF_VERSION
#define TFS_LIBEXIF_VERSION "(version not recorded at build time)"
#endif

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void cli_format_summary(const struct index_summary *s, const char *db_path, char *out,
                        size_t outlen)
{
	char media[32], distinct[32], dups[32], matched[32], unmatched[32], unused[32], albums[32],
	    problems[32], opened[32], rate[32];
	cli_format_count(s->media, media, sizeof media);
	cli_format_count(s->distinct, distinct, sizeof distinct);
	cli_format_count(s->duplicates, dups, sizeof dups);
	cli_format_count(s->matched, matched, sizeof matched);
	cli_format_count(s->unmatched, unmatched, sizeof unmatched);
	cli_format_count(s->unused_sidecars, unused, sizeof unused);
	cli_format_count(s->albums, albums, sizeof albums);
	cli_format_count(s->problems, problems, sizeof problems);
	cli_format_count(s->opened, opened, sizeof opened);
	double secs = s->seconds > 0 ? s->seconds : 0;
	cli_format_count(secs > 0 ? (uint64_t)((double)s->media / secs + 0.5) : 0, rate,
	                 sizeof rate);
	snprintf(out, outlen,
	         "%s media %s, %s distinct item%s (%s duplicate%s); %s with a sidecar, %s "
	         "without; %s unused sidecar%s; %s album%s; %s problem%s. %s file%s opened "
	         "this pass, %.1f s (%s items/s)%s. Store: %s",
	         media, plural(s->media, "file", "files"), distinct, plural(s->distinct, "", "s"),
	         dups, plural(s->duplicates, "", "s"), matched, unmatched, unused,
	         plural(s->unused_sidecars, "", "s"), albums, plural(s->albums, "", "s"), problems,
	         plural(s->problems, "", "s"), opened, plural(s->opened, "", "s"), secs, rate,
	         s->changed ? "" : ", nothing changed", db_path);
}

void cli_format_short_summary(const struct index_summary *s, char *out, size_t outlen)
{
	char distinct[32], media[32], albums[32], problems[32];
	cli_format_count(s->distinct, distinct, sizeof distinct);
	cli_format_count(s->media, media, sizeof media);
	cli_format_count(s->albums, albums, sizeof albums);
	cli_format_count(s->problems, problems, sizeof problems);
	snprintf(out, outlen,
	         "%s item%s (%s file%s), %s album%s, %s problem%s; indexed in %.1f s%s", distinct,
	         plural(s->distinct, "", "s"), media, plural(s->media, "", "s"), albums,
	         plural(s->albums, "", "s"), problems, plural(s->problems, "", "s"),
	         s->seconds > 0 ? s->seconds : 0, s->changed ? "" : " (nothing changed)");
}

void cli_print_usage(FILE *out)
{
	fprintf(out, "usage: takeoutfs [options] SOURCE... MOUNTPOINT\n"
	             "       takeoutfs --index-only [options] SOURCE...\n"
	             "       takeoutfs -h | --help\n"
	             "       takeoutfs -V | --version\n");
}

void cli_print_options_help(FILE *out)
{
	cli_print_usage(out);
	fprintf(out,
	        "\n"
	        "Indexes an extracted Google Photos Takeout (SOURCE: the folder holding\n"
	        "Takeout/, the Takeout folder, or the photos folder inside it) and mounts it\n"
	        "read-only with by-date/, by-camera/, by-album/, favorites/, by-person/ and\n"
	        "originals/ views.\n"
	        "SOURCE may also be a .zip part, or a folder holding parts; several SOURCEs\n"
	        "make one library, as if they sat side by side in one folder.\n"
	        "\n"
	        "takeoutfs options:\n"
	        "    --index-only           build or update the store, print a summary, exit\n"
	        "    -o db=PATH             the SQLite store (default:\n"
	        "                           $XDG_CACHE_HOME/takeoutfs/<id>.sqlite)\n"
	        "    -o threads=N           indexer threads (default: online CPUs)\n"
	        "    -o reindex             index everything again, ignoring the store\n"
	        "    -o crc=lazy|eager      full-file CRC-32 on first need (default), or in a\n"
	        "                           background pass after mounting\n"
	        "    -o passthrough=auto|off\n"
	        "                           let the kernel read media files straight from\n"
	        "                           SOURCE where it can (default), or serve every\n"
	        "                           read through the daemon\n"
	        "    -o hidemeta            do not list .meta files (they still open by name)\n"
	        "    -o xmp                 serve NAME.EXT.xmp (an XMP sidecar for digiKam,\n"
	        "                           darktable, ...) beside every media file\n"
	        "    -o tz=ZONE             time zone for dates that carry none (default: TZ)\n"
	        "    -o quiet               no progress and no summary before mounting\n"
	        "    -o nonempty            mount even if MOUNTPOINT is not empty\n"
	        "    -o ro                  accepted (the mount is always read-only; -o rw is\n"
	        "                           refused)\n"
	        "\n"
	        "Other -o options go to FUSE, e.g. -o allow_other, -o default_permissions\n"
	        "(check permissions against the file modes).\n"
	        "/etc/fstab options such as noauto, nofail, _netdev or x-systemd.* are ignored.\n"
	        "takeoutfs sets FUSE's loop itself: clone_fd, max_threads and max_idle_threads\n"
	        "below are refused (-s still serves with one thread).\n"
	        "\n"
	        "FUSE options:\n");
}

void cli_print_versions(FILE *out)
{
	int magic = magic_version();
	fprintf(out,
	        "takeoutfs %s\n"
	        "libfuse %s\n"
	        "SQLite %s\n"
	        "libexif %s\n"
	        "zlib %s\n"
	        "libmagic %d.%02d\n"
	        "cJSON %s\n"
	        "utf8proc %s\n",
	        TFS_VERSION, fuse_pkgversion(), store_library_version(), TFS_LIBEXIF_VERSION,
	        zlibVersion(), magic / 100, magic % 100, cJSON_Version(), utf8proc_version());
}
