# Shared helpers of the robustness tests (tests/integration/test_robust_*.sh)
# and bench/stress.sh: pass/fail counting, a temp folder and mounts that are
# always cleaned up, mounting with a bounded wait, and a digest of a tree.
# Source it; it expects TFS_BIN (and TFS_BUILD for the tools) in the env.

set -u
# shellcheck source=../integration/json_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/json_lib.sh"
rb_passed=0
rb_failed=0
rb_mounts=()
rb_pids=()
RB_T=$(mktemp -d /tmp/tfs-robust.XXXXXX)

ok() { rb_passed=$((rb_passed + 1)); echo "ok   $*"; }
ko() { rb_failed=$((rb_failed + 1)); echo "FAIL $*"; }
check() { # check "message" command...: ok when the command succeeds
	local msg=$1; shift
	if "$@"; then ok "$msg"; else ko "$msg"; fi
}
skipped() { echo "skipped: $*"; }

rb_cleanup() {
	local m p
	for m in "${rb_mounts[@]}"; do
		fusermount3 -u "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	for p in "${rb_pids[@]}"; do
		kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
	done
	# chmod 000 folders of hostile trees: make them removable for non-root runs.
	chmod -R u+rwX "$RB_T" 2>/dev/null
	# RB_KEEP=1 keeps the logs and trees for a post-mortem.
	if [ "${RB_KEEP:-0}" = 1 ]; then echo "kept $RB_T"; else rm -rf "$RB_T"; fi
}
trap rb_cleanup EXIT
trap 'exit 130' INT TERM

rb_finish() {
	echo "$rb_passed passed, $rb_failed failed"
	[ "$rb_failed" = 0 ]
	exit $?
}

# Where tests/tools programs are: the env vars CMake exports, else the build dir.
rb_tool() {
	local var="TFS_TOOL_$1"
	if [ -n "${!var:-}" ]; then echo "${!var}"; else echo "${TFS_BUILD:-build}/$1"; fi
}

# Runs the following command with permission checks in force even for root:
# without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH, chmod 000 means unreadable.
# RB_DROP is empty when that is impossible (then unreadability cannot be tested).
RB_DROP=()
RB_UNREADABLE_TESTABLE=0
if [ "$(id -u)" != 0 ]; then
	RB_UNREADABLE_TESTABLE=1
elif setpriv --bounding-set -dac_override,-dac_read_search true 2>/dev/null; then
	RB_DROP=(setpriv --bounding-set -dac_override,-dac_read_search)
	RB_UNREADABLE_TESTABLE=1
fi

# 1 when TFS_BIN is an AddressSanitizer build (slower: time limits stretch).
RB_SANITIZED=0
if [ -n "${TFS_BIN:-}" ] && { nm "$TFS_BIN" 2>/dev/null | grep -q __asan_init || grep -q __asan_init "$TFS_BIN" 2>/dev/null; }; then
	RB_SANITIZED=1
fi

is_mounted() { grep -q " $(realpath "$1") fuse" /proc/self/mounts; }

# mount_fs SRC MNT DB LOG [extra args...]: starts the daemon in the foreground
# (in the background of this shell) and waits up to 120 s for the mount.
# Sets RB_PID. Fails when the daemon exits or the wait runs out.
mount_fs() {
	local src=$1 mnt=$2 db=$3 log=$4; shift 4
	mkdir -p "$mnt"
	"${RB_DROP[@]}" "$TFS_BIN" -f -o "db=$db" "$@" "$src" "$mnt" >"$log" 2>&1 &
	RB_PID=$!
	rb_pids+=("$RB_PID")
	rb_mounts+=("$mnt")
	local i
	for ((i = 0; i < 1200; i++)); do
		is_mounted "$mnt" && return 0
		kill -0 "$RB_PID" 2>/dev/null || { echo "daemon exited:"; tail -5 "$log"; return 1; }
		sleep 0.1
	done
	echo "mount did not appear within 120 s"; return 1
}

# unmount_fs MNT: unmounts and waits (30 s at most) for the daemon RB_PID;
# returns the daemon's exit status (124 when it did not exit).
unmount_fs() {
	local mnt=$1 i
	fusermount3 -u "$mnt" 2>/dev/null || umount "$mnt" 2>/dev/null
	for ((i = 0; i < 300; i++)); do
		kill -0 "$RB_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$RB_PID" 2>/dev/null; then return 124; fi
	wait "$RB_PID"
}

# digest_tree DIR: one hash over every entry's name, type, size, mode, owner,
# mtime, ctime, inode, link target and, for regular files, content.
digest_tree() {
	local dir=$1
	{
		(cd "$dir" && find . -printf '%P\0%y\0%s\0%m\0%U\0%G\0%T@\0%C@\0%i\0%l\0\n' | sort -z)
		(cd "$dir" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
	} | sha256sum | cut -d' ' -f1
}

# sql DB QUERY: one query through sqlite3, read-only.
sql() { sqlite3 -readonly -batch "$1" "$2"; }

# store_digest DB: one hash over everything derived from SOURCE, with rows
# named by path (not by id): files with their item representative and sidecar,
# sidecars, folders, albums, walk problems, and the view tree as paths.
# store_ids_digest DB: a hash of the (id, path) pairs of files, sidecars, dirs.
RB_FPATH="hex(CAST(d.path || '/' || f.name AS BLOB))"
store_digest() {
	sqlite3 -readonly -batch "$1" <<EOF2 | sha256sum | cut -d' ' -f1
SELECT 'F', $RB_FPATH, f.size, f.mtime_ns, f.mime, f.format, f.ident,
 (SELECT hex(CAST(d2.path || '/' || r.name AS BLOB)) FROM files r JOIN dirs d2 ON d2.id = r.dir_id
  WHERE r.id = f.item_id),
 (SELECT hex(CAST(d3.path || '/' || s.name AS BLOB)) FROM sidecars s JOIN dirs d3 ON d3.id = s.dir_id
  WHERE s.id = f.sidecar_id),
 f.match_rule, f.taken, f.taken_offset, f.taken_source, f.make, f.model, f.lens_model,
 f.date_time_original, f.create_date, f.offset_time_original, f.subsec_time_original,
 f.orientation, f.width, f.height, f.iso, f.exposure_time, f.f_number, f.focal_length,
 f.gps_lat, f.gps_lon, f.gps_alt, f.container_time, f.problem
 FROM files f JOIN dirs d ON d.id = f.dir_id ORDER BY 2;
SELECT 'S', hex(CAST(d.path || '/' || s.name AS BLOB)), s.size, s.mtime_ns, s.kind, s.title,
 length(s.description), s.taken, s.created, s.geo_lat, s.geo_lon, s.geo_alt, s.people, s.url,
 s.favorited, s.archived, s.trashed, s.problem
 FROM sidecars s JOIN dirs d ON d.id = s.dir_id ORDER BY 2;
SELECT 'D', hex(d.path), hex(d.logical), d.kind, d.year,
 (SELECT hex(meta_path) FROM albums a WHERE a.id = d.album_id) FROM dirs d ORDER BY 2;
SELECT 'A', hex(logical), title, description, date, hex(meta_path) FROM albums ORDER BY 2;
SELECT 'P', hex(path), what FROM problems ORDER BY 2, 3;
WITH RECURSIVE vp(id, path) AS (SELECT id, '' FROM vdirs WHERE parent IS NULL
  UNION ALL SELECT v.id, vp.path || '/' || hex(v.name) FROM vdirs v JOIN vp ON v.parent = vp.id
  WHERE v.id <> vp.id)
SELECT 'V', vp.path, hex(e.name), e.kind,
 CASE e.kind WHEN 1 THEN (SELECT $RB_FPATH FROM files f JOIN dirs d ON d.id = f.dir_id
                          WHERE f.id = e.target) END
 FROM entries e JOIN vp ON vp.id = e.parent ORDER BY 2, 3;
SELECT 'M', key, value FROM meta WHERE key IN ('index_complete', 'count_media', 'count_distinct',
 'count_sidecars', 'count_matched', 'count_albums', 'count_problems') ORDER BY 2;
EOF2
}
store_ids_digest() {
	sqlite3 -readonly -batch "$1" <<EOF2 | sha256sum | cut -d' ' -f1
SELECT f.id, $RB_FPATH FROM files f JOIN dirs d ON d.id = f.dir_id ORDER BY 1;
SELECT s.id, hex(CAST(d.path || '/' || s.name AS BLOB)) FROM sidecars s JOIN dirs d ON d.id = s.dir_id ORDER BY 1;
SELECT id, hex(path) FROM dirs ORDER BY 1;
EOF2
}
