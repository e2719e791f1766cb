/* Unit tests of the command-line pieces that need no mount: option parsing,
 * store naming, pre-mount checks, time-zone validation, progress arithmetic
 * and formatting, summaries. */
#include "check.h"

#include "cli/checks.h"
#include "cli/options.h"
#include "cli/paths.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "store/store.h"

#include <fuse_opt.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp_root[PATH_MAX];

/* The FUSE arguments as one string, "argv0 a b c". */
static void join_args(const struct fuse_args *a, char *out, size_t outlen)
{
	out[0] = '\0';
	for (int i = 0; i < a->argc; i++) {
		strncat(out, a->argv[i], outlen - strlen(out) - 1);
		if (i + 1 < a->argc)
			strncat(out, " ", outlen - strlen(out) - 1);
	}
}

/* Parses a NULL-terminated argv; returns the status, err and the joined args. */
static int parse(struct cli_options *o, char *joined, char *err, const char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	struct fuse_args a;
	int rc = cli_parse(argc, (char **)argv, o, &a, err, 512);
	join_args(&a, joined, 1024);
	fuse_opt_free_args(&a);
	return rc;
}

static void test_parse_everything(void)
{
	struct cli_options o;
	char joined[1024], err[512];
	const char *argv[] = {"takeoutfs",
	                      "-o",
	                      "db=/x/s.sqlite,threads=4,reindex,crc=eager,hidemeta,tz=UTC,quiet,"
	                      "allow_other,noauto,_netdev,x-systemd.automount,nonempty",
	                      "-f",
	                      "-s",
	                      "SRC",
	                      "MNT",
	                      "-o",
	                      "default_permissions,ro",
	                      NULL};
	CHECK_INT(parse(&o, joined, err, argv), CLI_PARSE_OK);
	CHECK_INT(o.n_sources, 1);
	CHECK_STR(o.sources[0], "SRC");
	CHECK_STR(o.mountpoint, "MNT");
	CHECK_STR(o.db_path, "/x/s.sqlite");
	CHECK_STR(o.tz, "UTC");
	CHECK_INT(o.threads, 4);
	CHECK(o.reindex && o.crc_eager && o.hidemeta && o.quiet && o.nonempty);
	CHECK(o.foreground && o.single_thread && !o.debug && !o.index_only);
	/* FUSE gets its own options, -f and -s; not ours, not mount(8)'s. */
	CHECK_STR(joined, "takeoutfs -o allow_other,default_permissions,ro");
	cli_options_free(&o);
}

static void test_parse_defaults_and_debug(void)
{
	struct cli_options o;
	char joined[1024], err[512];
	const char *argv[] = {"takeoutfs", "-d", "SRC", "MNT", NULL};
	CHECK_INT(parse(&o, joined, err, argv), CLI_PARSE_OK);
	CHECK(o.debug && o.foreground);
	CHECK(!o.db_path && !o.tz && o.threads == 0 && !o.crc_eager && !o.hidemeta && !o.quiet);
	CHECK_STR(joined, "takeoutfs -d");
	cli_options_free(&o);

	const char *argv2[] = {"takeoutfs", "SRC", "MNT", "-o", "debug,crc=lazy", NULL};
	CHECK_INT(parse(&o, joined, err, argv2), CLI_PARSE_OK);
	CHECK(o.debug && o.foreground && !o.crc_eager);
	cli_options_free(&o);
}

static void test_parse_index_only(void)
{
	struct cli_options o;
	char joined[1024], err[512];
	const char *ok[] = {"takeoutfs", "--index-only", "SRC", NULL};
	CHECK_INT(parse(&o, joined, err, ok), CLI_PARSE_OK);
	CHECK(o.index_only && !o.mountpoint);
	cli_options_free(&o);

	/* Every argument of --index-only is a SOURCE (main refuses an empty
	 * folder among several: a mount point given by mistake). */
	const char *two[] = {"takeoutfs", "--index-only", "SRC", "SRC2", NULL};
	CHECK_INT(parse(&o, joined, err, two), CLI_PARSE_OK);
	CHECK(o.index_only && !o.mountpoint && o.n_sources == 2);
	CHECK_STR(o.sources[1], "SRC2");
	cli_options_free(&o);

	/* Several SOURCEs, then the mount point. */
	const char *three[] = {"takeoutfs", "a.zip", "b.zip", "-f", "c.tgz", "MNT", NULL};
	CHECK_INT(parse(&o, joined, err, three), CLI_PARSE_OK);
	CHECK_INT(o.n_sources, 3);
	CHECK_STR(o.sources[0], "a.zip");
	CHECK_STR(o.sources[2], "c.tgz");
	CHECK_STR(o.mountpoint, "MNT");
	cli_options_free(&o);
}

/* Each entry: the arguments after "takeoutfs", and a piece of the message. */
static void expect_usage_error(const char *a1, const char *a2, const char *a3, const char *a4,
                               const char *needle)
{
	struct cli_options o;
	char joined[1024], err[512];
	const char *argv[] = {"takeoutfs", a1, a2, a3, a4, NULL};
	int rc = parse(&o, joined, err, argv);
	CHECK_MSG(rc == CLI_PARSE_USAGE, "%s %s %s %s: rc %d", a1, a2 ? a2 : "", a3 ? a3 : "",
	          a4 ? a4 : "", rc);
	CHECK_MSG(strstr(err, needle) != NULL, "'%s' lacks '%s'", err, needle);
	CHECK_MSG(strchr(err, ';') != NULL, "'%s' says nothing to do", err);
	CHECK_MSG(strchr(err, '\n') == NULL, "'%s' is not one line", err);
	cli_options_free(&o);
}

static void test_parse_mistakes(void)
{
	expect_usage_error("SRC", NULL, NULL, NULL, "missing argument: no MOUNTPOINT given");
	expect_usage_error("-f", NULL, NULL, NULL, "missing argument: no SOURCE given");
	expect_usage_error("", "MNT", NULL, NULL, "SOURCE is empty");
	expect_usage_error("-o", "rw", "SRC", "MNT", "-o rw: takeoutfs mounts are read-only");
	expect_usage_error("SRC", "MNT", "-o", "rw,noatime", "use -o ro");
	expect_usage_error("-o", "threads=0", "SRC", "MNT", "-o threads=0: not a number");
	expect_usage_error("-o", "threads=abc", "SRC", "MNT", "-o threads=abc");
	expect_usage_error("-o", "threads=99999", "SRC", "MNT", "from 1 to 1024");
	expect_usage_error("-o", "threads=", "SRC", "MNT", "-o threads=:");
	expect_usage_error("-o", "crc=fast", "SRC", "MNT", "-o crc=fast: unknown CRC mode");
	expect_usage_error("-o", "db=", "SRC", "MNT", "-o db=: no path given");
	expect_usage_error("-o", "tz=", "SRC", "MNT", "-o tz=: no time zone given");
	expect_usage_error("-o", "hidmeta", "SRC", "MNT", "-o hidmeta: unknown option");
	expect_usage_error("--frobnicate", "SRC", "MNT", NULL, "--frobnicate: unknown option");
	expect_usage_error("-x", "SRC", "MNT", NULL, "-x: unknown option");
	expect_usage_error("-o", "max_threads=4", "SRC", "MNT", "are set by takeoutfs itself");
	expect_usage_error("-o", "clone_fd", "SRC", "MNT", "-o clone_fd: fuse's loop options");
	expect_usage_error("", "MNT", NULL, NULL, "SOURCE is empty");
	expect_usage_error("SRC", "MNT", "-o", NULL, "command line: missing argument after `-o'");
}

static void test_parse_help_version_need_no_paths(void)
{
	struct cli_options o;
	char joined[1024], err[512];
	const char *h[] = {"takeoutfs", "--help", NULL};
	CHECK_INT(parse(&o, joined, err, h), CLI_PARSE_OK);
	CHECK(o.show_help);
	cli_options_free(&o);
	const char *v[] = {"takeoutfs", "-V", NULL};
	CHECK_INT(parse(&o, joined, err, v), CLI_PARSE_OK);
	CHECK(o.show_version);
	cli_options_free(&o);
}

/* What mount.fuse3 runs for an fstab line as root: SOURCE MNT -o opts,dev,suid. */
static void test_parse_mount_helper_line(void)
{
	struct cli_options o;
	char joined[1024], err[512];
	const char *argv[] = {"takeoutfs",
	                      "/src",
	                      "/mnt",
	                      "-o",
	                      "ro,noatime,nodev,nosuid,db=/d.sqlite,x-systemd.automount,"
	                      "comment=x,defaults,nofail,relatime,dev,suid",
	                      NULL};
	CHECK_INT(parse(&o, joined, err, argv), CLI_PARSE_OK);
	CHECK_STR(o.db_path, "/d.sqlite");
	CHECK_STR(joined, "takeoutfs -o ro,noatime,nodev,nosuid,dev,suid");
	cli_options_free(&o);
}

static void test_option_classes(void)
{
	CHECK(cli_is_mount_only_option("noauto"));
	CHECK(cli_is_mount_only_option("x-systemd.idle-timeout=60"));
	CHECK(cli_is_mount_only_option("comment=systemd.automount"));
	CHECK(!cli_is_mount_only_option("allow_other"));
	CHECK(!cli_is_mount_only_option("x"));
	CHECK(cli_fuse_accepts("allow_other"));
	CHECK(cli_fuse_accepts("default_permissions"));
	CHECK(cli_fuse_accepts("fsname=photos"));
	CHECK(cli_fuse_accepts("debug"));
	CHECK(!cli_fuse_accepts("max_threads=4")); /* fs_serve sets it; the session rejects it */
	CHECK(!cli_fuse_accepts("relatime"));
	CHECK(!cli_fuse_accepts("nonempty"));
	CHECK(!cli_fuse_accepts("no_such_option"));
	CHECK(cli_fuse_loop_option("clone_fd"));
	CHECK(cli_fuse_loop_option("max_idle_threads=3"));
	CHECK(!cli_fuse_loop_option("allow_other"));
	CHECK(!cli_fuse_loop_option("no_such_option"));
}

static void test_store_naming(void)
{
	CHECK(cli_path_hash("") == 0xcbf29ce484222325ULL);
	CHECK(cli_path_hash("a") == 0xaf63dc4c8601ec8cULL);
	char id[128], id2[128];
	CHECK_INT(cli_store_id("/home/ann/Takeout", id, sizeof id), 0);
	CHECK_INT(strlen(id), 16 + 1 + 7);
	CHECK_STR(id + 16, "-Takeout");
	CHECK(strspn(id, "0123456789abcdef") == 16);
	CHECK_INT(cli_store_id("/home/bob/Takeout", id2, sizeof id2), 0);
	CHECK(strncmp(id, id2, 16) != 0);
	CHECK_INT(cli_store_id("/data/My Photos \xc3\xa9t\xc3\xa9/", id, sizeof id), 0);
	CHECK_STR(id + 16, "-My_Photos_t");
	CHECK_INT(cli_store_id("/", id, sizeof id), 0);
	CHECK_STR(id + 16, "-root");
	CHECK_INT(cli_store_id("/x/.hidden", id, sizeof id), 0);
	CHECK_STR(id + 16, "-hidden");
	CHECK_INT(cli_store_id("/x/Takeout", id, 10), -1);
	CHECK_STR(id, "");

	char path[PATH_MAX], err[512];
	CHECK_INT(
	    cli_default_store_path("/t/Takeout", "/c", "/h", path, sizeof path, err, sizeof err),
	    0);
	CHECK(strncmp(path, "/c/takeoutfs/", 13) == 0);
	CHECK(strstr(path, "-Takeout.sqlite") != NULL);
	CHECK_INT(cli_default_store_path("/t/Takeout", "relative", "/h", path, sizeof path, err,
	                                 sizeof err),
	          0);
	CHECK(strncmp(path, "/h/.cache/takeoutfs/", 20) == 0);
	CHECK_INT(
	    cli_default_store_path("/t/Takeout", NULL, "/", path, sizeof path, err, sizeof err), 0);
	CHECK(strncmp(path, "/.cache/takeoutfs/", 18) == 0);
	CHECK_INT(
	    cli_default_store_path("/t/Takeout", "", NULL, path, sizeof path, err, sizeof err), -1);
	CHECK(strstr(err, "-o db=PATH") != NULL);
	CHECK_INT(cli_default_store_path("/t/Takeout", "/c", NULL, path, 20, err, sizeof err), -1);
}

static void test_private_dirs(void)
{
	char dir[PATH_MAX + 64], err[512];
	snprintf(dir, sizeof dir, "%s/cache/a/b", tmp_root);
	CHECK_INT(cli_make_private_dirs(dir, err, sizeof err), 0);
	struct stat st;
	CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	CHECK_INT(cli_make_private_dirs(dir, err, sizeof err), 0);
	char file[PATH_MAX + 64];
	snprintf(file, sizeof file, "%s/plainfile", tmp_root);
	FILE *f = fopen(file, "w");
	fclose(f);
	snprintf(dir, sizeof dir, "%s/plainfile/sub", tmp_root);
	CHECK_INT(cli_make_private_dirs(dir, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "cannot create the store folder") && strstr(err, "; "), "%s", err);
}

static void test_mountinfo(void)
{
	const char info[] = "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
	                    "90 27 0:50 / /mnt/my\\040photos rw - fuse.takeoutfs /src rw\n"
	                    "91 27 0:51 / /mnt/back\\134slash rw - tmpfs tmpfs rw\n"
	                    "garbage\n"
	                    "\n"
	                    "92 27 0:52 / /last rw - tmpfs tmpfs rw";
	size_t len = sizeof info - 1;
	CHECK(cli_mountinfo_lists(info, len, "/proc"));
	CHECK(cli_mountinfo_lists(info, len, "/mnt/my photos"));
	CHECK(!cli_mountinfo_lists(info, len, "/mnt/my"));
	CHECK(!cli_mountinfo_lists(info, len, "/mnt/my\\040photos"));
	CHECK(cli_mountinfo_lists(info, len, "/mnt/back\\slash"));
	CHECK(cli_mountinfo_lists(info, len, "/last"));
	CHECK(!cli_mountinfo_lists(info, (size_t)(strstr(info, "/last") - info) + 3, "/last"));
	CHECK(!cli_mountinfo_lists(info, len, "garbage"));
	CHECK(!cli_mountinfo_lists("1 2 3 4 /a\\0", 12, "/a"));
	CHECK(!cli_mountinfo_lists("", 0, "/"));
}

static void test_mountpoint_checks(void)
{
	char mnt[PATH_MAX + 64], file[PATH_MAX + 96], err[512];
	snprintf(mnt, sizeof mnt, "%s/mnt", tmp_root);
	CHECK(mkdir(mnt, 0755) == 0);
	CHECK_INT(cli_check_mountpoint(mnt, false, NULL, 0, err, sizeof err), 0);

	char info[PATH_MAX + 200];
	int n = snprintf(info, sizeof info, "90 27 0:50 / %s rw - tmpfs tmpfs rw\n", mnt);
	CHECK_INT(cli_check_mountpoint(mnt, false, info, (size_t)n, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "something is already mounted there; unmount it first"), "%s", err);

	snprintf(file, sizeof file, "%s/photo.jpg", mnt);
	FILE *f = fopen(file, "w");
	fclose(f);
	CHECK_INT(cli_check_mountpoint(mnt, false, NULL, 0, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "the folder is not empty (it holds 'photo.jpg')"), "%s", err);
	CHECK(strstr(err, "-o nonempty") != NULL);
	CHECK_INT(cli_check_mountpoint(mnt, true, NULL, 0, err, sizeof err), 0);

	CHECK_INT(cli_check_mountpoint(file, false, NULL, 0, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "not a folder; mount on an empty folder"), "%s", err);
	snprintf(file, sizeof file, "%s/nothere", tmp_root);
	CHECK_INT(cli_check_mountpoint(file, false, NULL, 0, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "no such folder; create it first"), "%s", err);
}

static void test_fuse_device_check(void)
{
	char path[PATH_MAX + 64], err[512];
	snprintf(path, sizeof path, "%s/nodev", tmp_root);
	CHECK_INT(cli_check_fuse_device(path, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "FUSE is not available; load the fuse module"), "%s", err);
	snprintf(path, sizeof path, "%s/plainfile", tmp_root);
	CHECK_INT(cli_check_fuse_device(path, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "not a device"), "%s", err);
}

static void test_source_checks(void)
{
	char path[PATH_MAX + 64], err[512];
	char *real = NULL;
	CHECK_INT(cli_check_source(tmp_root, &real, err, sizeof err), 0);
	CHECK(real && real[0] == '/');
	free(real);
	snprintf(path, sizeof path, "%s/missing", tmp_root);
	CHECK_INT(cli_check_source(path, &real, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "no such folder; give the folder of the extracted Takeout"), "%s",
	          err);
	CHECK(real == NULL);
	snprintf(path, sizeof path, "%s/plainfile", tmp_root);
	CHECK_INT(cli_check_source(path, &real, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "not a folder"), "%s", err);
	snprintf(path, sizeof path, "%s/takeout-001.zip", tmp_root);
	FILE *f = fopen(path, "w");
	fclose(f);
	CHECK_INT(cli_check_source(path, &real, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "not a zip archive (no zip header"), "%s", err);
	/* A real zip part is a SOURCE. */
	f = fopen(path, "w");
	fwrite("PK\5\6", 1, 4, f); /* the end record of an empty archive */
	fwrite((char[18]){0}, 1, 18, f);
	fclose(f);
	CHECK_INT(cli_check_source(path, &real, err, sizeof err), 0);
	CHECK(real && strstr(real, "takeout-001.zip"));
	free(real);
	/* A .tgz: refused while empty, taken once GNU tar and gzip made it. */
	snprintf(path, sizeof path, "%s/takeout-001.tgz", tmp_root);
	f = fopen(path, "w");
	fclose(f);
	CHECK_INT(cli_check_source(path, &real, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "not a tar archive (no gzip or tar header"), "%s", err);
	char cmd[8400];
	snprintf(cmd, sizeof cmd, "tar czf '%s' -C '%s' plainfile", path, tmp_root);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(cli_check_source(path, &real, err, sizeof err), 0);
	free(real);
	snprintf(path, sizeof path, "%s/takeout-001.7z", tmp_root);
	f = fopen(path, "w");
	fclose(f);
	CHECK_INT(cli_check_source(path, &real, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "is an archive takeoutfs cannot read"), "%s", err);
}

static void test_store_checks(void)
{
	char path[PATH_MAX + 64], err[512];
	CHECK_INT(cli_check_store(tmp_root, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "is a folder; -o db= takes the store's file"), "%s", err);
	snprintf(path, sizeof path, "%s/nowhere/s.sqlite", tmp_root);
	CHECK_INT(cli_check_store(path, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "does not exist; create it or choose another -o db=PATH"), "%s", err);
	snprintf(path, sizeof path, "%s/new.sqlite", tmp_root);
	CHECK_INT(cli_check_store(path, err, sizeof err), 0);
	CHECK(access(path, F_OK) != 0); /* the check creates nothing */

	/* A store from a newer takeoutfs. */
	sqlite3 *db;
	snprintf(path, sizeof path, "%s/newer.sqlite", tmp_root);
	CHECK_INT(store_open(path, STORE_READ_WRITE, &db, err, sizeof err), STORE_OK);
	CHECK_INT(store_meta_set_int(db, "schema_version", STORE_SCHEMA_VERSION + 1), 0);
	store_close(db);
	CHECK_INT(cli_check_store(path, err, sizeof err), -1);
	char want[160];
	snprintf(want, sizeof want,
	         "newer.sqlite: written by a newer takeoutfs (schema %d, this one knows up to %d);"
	         " upgrade takeoutfs",
	         STORE_SCHEMA_VERSION + 1, STORE_SCHEMA_VERSION);
	CHECK_MSG(strstr(err, want), "%s", err);

	/* Something that is not a store at all. */
	snprintf(path, sizeof path, "%s/notastore.sqlite", tmp_root);
	FILE *f = fopen(path, "w");
	fputs("this is not a database, just some text that is long enough to matter\n", f);
	fclose(f);
	CHECK_INT(cli_check_store(path, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "notastore.sqlite") && strchr(err, ';'), "%s", err);
}

static void test_fuse_conf(void)
{
	const char on[] = "# mount_max = 1000\n  user_allow_other \r\n";
	const char off[] = "# user_allow_other\nmount_max = 1000\nuser_allow_other_not\n";
	const char last[] = "mount_max = 10\nuser_allow_other";
	CHECK(cli_fuse_conf_allows_other(on, sizeof on - 1));
	CHECK(!cli_fuse_conf_allows_other(off, sizeof off - 1));
	CHECK(cli_fuse_conf_allows_other(last, sizeof last - 1));
	CHECK(!cli_fuse_conf_allows_other(last, sizeof last - 2));
	CHECK(!cli_fuse_conf_allows_other("", 0));
	char err[512];
	CHECK_INT(cli_check_allow_other(true, "allow_other", NULL, 0, err, sizeof err), 0);
	CHECK_INT(cli_check_allow_other(false, "allow_other", on, sizeof on - 1, err, sizeof err),
	          0);
	CHECK_INT(cli_check_allow_other(false, "allow_other", off, sizeof off - 1, err, sizeof err),
	          -1);
	CHECK_MSG(strstr(err, "-o allow_other: /etc/fuse.conf does not allow it") &&
	              strstr(err, "; add the line user_allow_other"),
	          "%s", err);
	CHECK_INT(cli_check_allow_other(false, "allow_other", NULL, 0, err, sizeof err), -1);

	struct cli_options o;
	char joined[1024];
	const char *argv[] = {"takeoutfs", "-o", "allow_other", "S", "M", NULL};
	CHECK_INT(parse(&o, joined, err, argv), CLI_PARSE_OK);
	CHECK(o.allow_other);
	cli_options_free(&o);
	const char *argv2[] = {"takeoutfs", "-o", "default_permissions", "S", "M", NULL};
	CHECK_INT(parse(&o, joined, err, argv2), CLI_PARSE_OK);
	CHECK(!o.allow_other);
	cli_options_free(&o);
}

static void test_time_zones(void)
{
	const char *good[] = {"UTC0",
	                      "EST5EDT",
	                      "CET-1CEST,M3.5.0,M10.5.0/3",
	                      "<+0330>-3:30",
	                      "EST5EDT,M3.2.0/2,M11.1.0",
	                      "AAA+10:30:15",
	                      "XYZ3ABC,J60/2,300/-1",
	                      "IST-5:30"};
	const char *bad[] = {"",
	                     "UT",
	                     "EST",
	                     "ABC99",
	                     "Mars/Olympus",
	                     "CET-1CEST,M13.5.0,M10.5.0",
	                     "CET-1CEST,M3.5.0",
	                     "CET-1CEST,M3.5.7,M10.5.0",
	                     "EST5EDT,",
	                     "<AB>5",
	                     "EST5 ",
	                     "EST5EDT4,J0,J1"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		CHECK_MSG(cli_posix_tz_valid(good[i]), "%s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_MSG(!cli_posix_tz_valid(bad[i]), "%s", bad[i]);
	CHECK(!cli_posix_tz_valid(NULL));

	char err[512];
	CHECK_INT(cli_check_tz("UTC0", NULL, err, sizeof err), 0);
	CHECK_INT(cli_check_tz("Nowhere/City", NULL, err, sizeof err), -1);
	CHECK_MSG(strstr(err, "-o tz=Nowhere/City: unknown time zone; use a name"), "%s", err);
	CHECK_INT(cli_check_tz("../../etc/passwd", NULL, err, sizeof err), -1);
	if (access("/usr/share/zoneinfo/Europe/Paris", R_OK) == 0) {
		CHECK_INT(cli_check_tz("Europe/Paris", NULL, err, sizeof err), 0);
		CHECK_INT(cli_check_tz(":Europe/Paris", NULL, err, sizeof err), 0);
		CHECK_INT(cli_check_tz("/usr/share/zoneinfo/Asia/Tokyo", NULL, err, sizeof err), 0);
	}
	/* A file that is not TZif is no zone, even under tzdir. */
	CHECK_INT(cli_check_tz("plainfile", tmp_root, err, sizeof err), -1);
}

static void test_census(void)
{
	char dir[PATH_MAX + 64], p[PATH_MAX + 96];
	snprintf(dir, sizeof dir, "%s/census", tmp_root);
	CHECK(mkdir(dir, 0755) == 0);
	struct cli_folder_census c;
	char text[128];
	cli_count_folder(dir, 1000, &c);
	cli_format_census(&c, text, sizeof text);
	CHECK_STR(text, "it is empty");
	snprintf(p, sizeof p, "%s/a", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/a/b", dir);
	mkdir(p, 0755);
	const char *files[] = {"x.txt", "a/y.html", "a/b/z.pdf"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		FILE *f = fopen(p, "w");
		fclose(f);
	}
	cli_count_folder(dir, 1000, &c);
	cli_format_census(&c, text, sizeof text);
	CHECK_STR(text, "it holds 2 folders and 3 other files");
	cli_count_folder(dir, 2, &c);
	CHECK(c.truncated);
	cli_format_census(&c, text, sizeof text);
	CHECK(strncmp(text, "it holds more than ", 19) == 0);
	struct cli_folder_census one = {1, 0, 1, false};
	cli_format_census(&one, text, sizeof text);
	CHECK_STR(text, "it holds 1 folder and 1 other file");
	struct cli_folder_census js = {2, 4, 0, false};
	cli_format_census(&js, text, sizeof text);
	CHECK_STR(text, "it holds 2 folders, 4 JSON files and 0 other files");
	snprintf(p, sizeof p, "%s/a/IMG_1.jpg.json", dir);
	FILE *f = fopen(p, "w");
	fclose(f);
	cli_count_folder(dir, 1000, &c);
	cli_format_census(&c, text, sizeof text);
	CHECK_STR(text, "it holds 2 folders, 1 JSON file and 3 other files");
}

static void test_number_formats(void)
{
	char s[64];
	cli_format_count(0, s, sizeof s);
	CHECK_STR(s, "0");
	cli_format_count(999, s, sizeof s);
	CHECK_STR(s, "999");
	cli_format_count(1000, s, sizeof s);
	CHECK_STR(s, "1,000");
	cli_format_count(1234567, s, sizeof s);
	CHECK_STR(s, "1,234,567");
	cli_format_count(UINT64_MAX, s, sizeof s);
	CHECK_STR(s, "18,446,744,073,709,551,615");
	cli_format_count(1234567, s, 4);
	CHECK_STR(s, "1,2");
	cli_format_duration(0, s, sizeof s);
	CHECK_STR(s, "0:00");
	cli_format_duration(7.4, s, sizeof s);
	CHECK_STR(s, "0:07");
	cli_format_duration(754, s, sizeof s);
	CHECK_STR(s, "12:34");
	cli_format_duration(3723, s, sizeof s);
	CHECK_STR(s, "1:02:03");
	cli_format_duration(-1, s, sizeof s);
	CHECK_STR(s, "--:--");
	cli_format_duration(1e300, s, sizeof s);
	CHECK_STR(s, "--:--");
	cli_format_duration(0.0 / 0.0, s, sizeof s);
	CHECK_STR(s, "--:--");
}

static void test_eta_and_rate(void)
{
	CHECK(cli_eta_seconds(50, 100, 10) == 5);
	CHECK(cli_eta_seconds(100, 100, 10) == 0);
	CHECK(cli_eta_seconds(150, 100, 10) == 0);
	CHECK(cli_eta_seconds(0, 0, 10) < 0);
	CHECK(cli_eta_seconds(5, 100, 0) < 0);
	CHECK(cli_eta_seconds(100, 100, 0) == 0);

	struct cli_rate r;
	cli_rate_init(&r);
	struct index_progress p = {.phase = INDEX_MEDIA, .total = 10000};
	double rate = 0;
	for (int i = 0; i <= 50; i++) { /* 100 files/s for 5 s, a report every 0.1 s */
		p.elapsed = 10 + i * 0.1;
		p.done = (uint64_t)(i * 10);
		rate = cli_rate_update(&r, &p);
	}
	CHECK_MSG(rate > 95 && rate < 105, "rate %f", rate);
	/* A burst does not swing the estimate all the way. */
	p.elapsed += 1.0;
	p.done += 1000;
	rate = cli_rate_update(&r, &p);
	CHECK_MSG(rate > 150 && rate < 600, "rate %f", rate);
	/* A new phase starts over. */
	p.phase = INDEX_FINISH;
	CHECK(cli_rate_update(&r, &p) == 0);
	p.elapsed += 0.5;
	p.done += 100;
	rate = cli_rate_update(&r, &p);
	CHECK_MSG(rate > 150 && rate < 250, "rate %f", rate);
	/* Counters going back (a restarted phase) do not give negative rates. */
	p.done -= 500;
	CHECK(cli_rate_update(&r, &p) == 0);
}

static void test_progress_line(void)
{
	char s[256];
	struct index_progress p = {.phase = INDEX_MEDIA, .done = 1234, .total = 5678};
	cli_format_progress(&p, 345, s, sizeof s);
	CHECK_STR(s, "reading media: 1,234/5,678 files, 345 files/s, ETA 0:13");
	cli_format_progress(&p, 0, s, sizeof s);
	CHECK_STR(s, "reading media: 1,234/5,678 files");
	p.done = 5678;
	cli_format_progress(&p, 100, s, sizeof s);
	CHECK_STR(s, "reading media: 5,678/5,678 files, 100 files/s, ETA 0:00");
	cli_format_progress(&p, 1e300, s, sizeof s);
	CHECK_STR(s, "reading media: 5,678/5,678 files, 1,000,000,000,000 files/s, ETA 0:00");
	struct index_progress w = {.phase = INDEX_WALK, .done = 20000};
	cli_format_progress(&w, 5000, s, sizeof s);
	CHECK_STR(s, "scanning folders: 20,000 files, 5,000 files/s");
	cli_format_progress(&w, 0, s, sizeof s);
	CHECK_STR(s, "scanning folders: 20,000 files");
	CHECK_STR(cli_phase_name(INDEX_SIDECARS), "reading sidecars");
	CHECK_STR(cli_phase_name(INDEX_FINISH), "finishing");
}

static void test_part_progress_line(void)
{
	char s[256];
	struct source_progress p = {
	    .part = "takeout-001.tgz", .done = 3u << 29, .total = 4ull << 30, .seconds = 4.0};
	cli_format_part_progress(&p, s, sizeof s);
	CHECK_STR(s, "reading takeout-001.tgz: 1.5 GiB of 4.0 GiB (37%), 384 MiB/s, ETA 0:07");
	p.done = 0;
	p.seconds = 0;
	cli_format_part_progress(&p, s, sizeof s);
	CHECK_STR(s, "reading takeout-001.tgz: 0 B of 4.0 GiB (0%)");
	p.done = p.total;
	p.seconds = 12;
	p.finished = true;
	cli_format_part_progress(&p, s, sizeof s);
	CHECK_STR(s, "read takeout-001.tgz: 4.0 GiB in 0:12, 341 MiB/s");
}

/* Reads what the reporter wrote into f. */
static size_t slurp(FILE *f, char *out, size_t outlen)
{
	fflush(f);
	rewind(f);
	size_t n = fread(out, 1, outlen - 1, f);
	out[n] = '\0';
	return n;
}

static void test_progress_reporter(void)
{
	char text[8192];
	struct index_progress p = {.phase = INDEX_MEDIA, .total = 1000};

	/* Not a terminal: a plain line every 2 s, none before. */
	FILE *f = tmpfile();
	struct cli_progress pg;
	cli_progress_init(&pg, f, CLI_PROGRESS_LINES);
	for (int i = 0; i <= 50; i++) {
		p.elapsed = i * 0.1;
		p.done = (uint64_t)i * 10;
		cli_progress_report(&pg, &p);
	}
	cli_progress_finish(&pg);
	cli_progress_destroy(&pg);
	slurp(f, text, sizeof text);
	int lines = 0;
	for (char *c = text; *c; c++)
		lines += *c == '\n';
	CHECK_INT(lines, 2);
	CHECK(strncmp(text, "takeoutfs: reading media: ", 26) == 0);
	CHECK(strchr(text, '\r') == NULL);
	fclose(f);

	/* A terminal: one line rewritten, blanked at the end. */
	f = tmpfile();
	cli_progress_init(&pg, f, CLI_PROGRESS_TTY);
	for (int i = 0; i <= 20; i++) {
		p.elapsed = i * 0.1;
		p.done = (uint64_t)i * 10;
		cli_progress_report(&pg, &p);
	}
	cli_progress_finish(&pg);
	cli_progress_destroy(&pg);
	size_t n = slurp(f, text, sizeof text);
	CHECK(strchr(text, '\n') == NULL);
	CHECK(text[0] == '\r' && n > 2 && text[n - 1] == '\r');
	CHECK(strstr(text, "reading media: 200/1,000 files") != NULL);
	fclose(f);

	/* Quiet: nothing at all. */
	f = tmpfile();
	cli_progress_init(&pg, f, CLI_PROGRESS_NONE);
	p.elapsed = 10;
	cli_progress_report(&pg, &p);
	cli_progress_finish(&pg);
	cli_progress_destroy(&pg);
	CHECK_INT(slurp(f, text, sizeof text), 0);
	fclose(f);
	CHECK(cli_progress_mode_for(stderr, true) == CLI_PROGRESS_NONE);
}

static void test_summaries(void)
{
	struct index_summary s = {.media = 12345,
	                          .distinct = 12000,
	                          .duplicates = 345,
	                          .sidecars = 12400,
	                          .matched = 12300,
	                          .unmatched = 45,
	                          .unused_sidecars = 1,
	                          .albums = 27,
	                          .problems = 0,
	                          .opened = 12345,
	                          .changed = true,
	                          .seconds = 4.2};
	char text[1024];
	cli_format_summary(&s, "/c/s.sqlite", text, sizeof text);
	CHECK_STR(text, "12,345 media files, 12,000 distinct items (345 duplicates); 12,300 with "
	                "a sidecar, 45 without; 1 unused sidecar; 27 albums; 0 problems. 12,345 "
	                "files opened this pass, 4.2 s (2,939 items/s). Store: /c/s.sqlite");
	s.changed = false;
	s.opened = 0;
	s.seconds = 0;
	cli_format_summary(&s, "/c/s.sqlite", text, sizeof text);
	CHECK(strstr(text, "0 files opened this pass, 0.0 s (0 items/s), nothing changed"));
	cli_format_short_summary(&s, text, sizeof text);
	CHECK_STR(text, "12,000 items (12,345 files), 27 albums, 0 problems; indexed in 0.0 s "
	                "(nothing changed)");
}

/* Hostile input: random bytes into every parser (the ASan build turns any
 * out-of-bounds read into a failure). xorshift keeps it reproducible. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill_random(char *buf, size_t len, const char *alphabet)
{
	size_t n = strlen(alphabet);
	for (size_t i = 0; i < len; i++)
		buf[i] = alphabet[rng() % n];
}

static void test_random_input(void)
{
	static const char tz_chars[] = "ABCZ<>+-:,./0123456789JMm ";
	static const char info_chars[] = "/ \\\n0123457-abc";
	char buf[64], big[512];
	int survived = 0;
	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)(rng() % sizeof buf);
		fill_random(buf, len, tz_chars);
		buf[len] = '\0';
		(void)cli_posix_tz_valid(buf);
		size_t blen = (size_t)(rng() % sizeof big);
		fill_random(big, blen, info_chars);
		/* Exactly blen bytes, no terminator: the parsers must stop at len. */
		char *exact = malloc(blen ? blen : 1);
		memcpy(exact, big, blen);
		(void)cli_mountinfo_lists(exact, blen, "/a b");
		(void)cli_fuse_conf_allows_other(exact, blen);
		free(exact);
		survived++;
	}
	CHECK_INT(survived, 20000);

	static const char arg_chars[] = "-o=,dbthreadsrwz/\\ ";
	for (int i = 0; i < 300; i++) {
		char args[6][24];
		const char *argv[8] = {"takeoutfs"};
		int argc = 1 + (int)(rng() % 6);
		for (int k = 1; k < argc; k++) {
			size_t len = (size_t)(rng() % 23);
			fill_random(args[k - 1], len, arg_chars);
			args[k - 1][len] = '\0';
			argv[k] = args[k - 1];
		}
		argv[argc] = NULL;
		struct cli_options o;
		struct fuse_args a;
		char err[512];
		int rc = cli_parse(argc, (char **)argv, &o, &a, err, sizeof err);
		CHECK(rc == CLI_PARSE_OK ||
		      (rc == CLI_PARSE_USAGE && err[0] && !strchr(err, '\n')));
		cli_options_free(&o);
		fuse_opt_free_args(&a);
	}
}

int main(void)
{
	snprintf(tmp_root, sizeof tmp_root, "%s/tfs-cli-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp_root)) {
		perror("mkdtemp");
		return 1;
	}
	test_parse_everything();
	test_parse_defaults_and_debug();
	test_parse_index_only();
	test_parse_mistakes();
	test_parse_help_version_need_no_paths();
	test_parse_mount_helper_line();
	test_option_classes();
	test_store_naming();
	test_private_dirs();
	test_mountinfo();
	test_mountpoint_checks();
	test_fuse_device_check();
	test_source_checks();
	test_store_checks();
	test_fuse_conf();
	test_time_zones();
	test_census();
	test_number_formats();
	test_eta_and_rate();
	test_progress_line();
	test_part_progress_line();
	test_progress_reporter();
	test_summaries();
	test_random_input();
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp_root);
	CHECK_DONE();
}
