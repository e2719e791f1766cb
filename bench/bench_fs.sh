#!/bin/bash
# Mounted-filesystem benchmark: find, ls -lR and a 1 GiB cat through
# takeoutfs's originals/ against the same tree read natively and through
# bindfs, in the same run, warm and cold; the cat also with -o passthrough=off
# (the daemon serves the reads, as for a user without CAP_SYS_ADMIN); plus the
# daemon's RSS while serving.
#
# Usage: bench/bench_fs.sh [BUILD_DIR] [ITEMS]     (default: build, 100000)
# Goals (design-notes.md): find and ls -lR <= 1.2x native, cat <= 1.3x native,
# RSS <= 64 MiB at 100k items. Prints one line per measurement.
set -eu

BUILD=${1:-build}
ITEMS=${2:-100000}
BIN=${TFS_BIN:-$BUILD/takeoutfs}
GEN=${TFS_GEN:-$BUILD/gen-takeout}
W=${TFS_BENCH_DIR:-/tmp/tfs-bench-fs}
SRC=$W/src
MNT=$W/mnt
BMNT=$W/bindfs
DB=$W/db.sqlite
PID=

cleanup() {
	mountpoint -q "$MNT" 2>/dev/null && fusermount3 -u "$MNT"
	mountpoint -q "$BMNT" 2>/dev/null && fusermount3 -u "$BMNT"
	[ -n "$PID" ] && wait "$PID" 2>/dev/null
	true
}
trap cleanup EXIT INT TERM

# best_of N command...: the fastest of N runs, in seconds (warm cache).
best_of() {
	local n=$1 best=
	shift
	for _ in $(seq "$n"); do
		local s e t
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	printf '%.3f' "$best"
}
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

mkdir -p "$W"
if [ ! -f "$SRC/expected.tsv" ] || [ "$(cat "$W/items" 2>/dev/null)" != "$ITEMS" ]; then
	rm -rf "$SRC" "$DB"*
	echo "generating $ITEMS items in $SRC ..."
	"$GEN" --out "$SRC" --items "$ITEMS" --seed 5 >/dev/null
	echo "$ITEMS" >"$W/items"
fi
# One 1 GiB video in a year folder for the sequential read.
year=$(find "$SRC" -maxdepth 4 -type d -name 'Photos from *' | head -1)
BIG="$year/VID_20190101_120000.mp4"
[ -f "$BIG" ] || head -c $((1 << 30)) /dev/urandom >"$BIG"

"$BIN" --index-only -o quiet -o db="$DB" "$SRC" >/dev/null
mkdir -p "$MNT" "$BMNT"
mount_tfs() { # mount_tfs [options...]: (re)mounts takeoutfs at MNT
	if [ -n "$PID" ]; then
		fusermount3 -u "$MNT"
		wait "$PID" 2>/dev/null || true
	fi
	"$BIN" -f -o quiet -o db="$DB" "$@" "$SRC" "$MNT" >/dev/null &
	PID=$!
	for _ in $(seq 400); do mountpoint -q "$MNT" && [ -d "$MNT/originals" ] && break; sleep 0.05; done
}
mount_tfs
bindfs -r "$SRC" "$BMNT"

T_NAT=$SRC
T_TFS=$MNT/originals
T_BFS=$BMNT
rel_big=${BIG#"$SRC"/}
files=$(find "$T_NAT" -type f | wc -l)
echo "tree: $files files natively; takeoutfs originals/ adds a .meta per media file"

# First walk after a fresh mount (nothing cached in the kernel yet), each on
# its own mount: a find first would leave ls -lR the cached names only. The
# fastest of 3 fresh mounts, like the warm figures.
first_best() { # first_best command...: fastest of 3 runs, each on a fresh mount
	local best=
	for _ in 1 2 3; do
		mount_tfs
		local t
		t=$(best_of 1 "$@")
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	echo "$best"
}
first_find=$(first_best find "$T_TFS")
first_ls=$(first_best ls -lR "$T_TFS")
# Warm.
for what in find ls; do
	case $what in
	find) cmd=(find) ;;
	ls) cmd=(ls -lR) ;;
	esac
	nat=$(best_of 3 "${cmd[@]}" "$T_NAT")
	tfs=$(best_of 3 "${cmd[@]}" "$T_TFS")
	bfs=$(best_of 3 "${cmd[@]}" "$T_BFS")
	echo "${cmd[*]}: native ${nat}s  takeoutfs ${tfs}s ($(ratio "$tfs" "$nat")x)  bindfs ${bfs}s ($(ratio "$bfs" "$nat")x)"
done
echo "first after a fresh mount: find ${first_find}s, ls -lR ${first_ls}s ($(ratio "$first_ls" "$nat")x native warm ls -lR)"

cat "$T_NAT/$rel_big" >/dev/null
cat "$T_TFS/$rel_big" >/dev/null
cat "$T_BFS/$rel_big" >/dev/null
nat=$(best_of 3 cat "$T_NAT/$rel_big")
tfs=$(best_of 3 cat "$T_TFS/$rel_big")
bfs=$(best_of 3 cat "$T_BFS/$rel_big")
echo "cat 1 GiB: native ${nat}s  takeoutfs ${tfs}s ($(ratio "$tfs" "$nat")x)  bindfs ${bfs}s ($(ratio "$bfs" "$nat")x)"
echo "  takeoutfs media reads: $(jq -c .reads "$MNT/.takeoutfs/status.json" 2>/dev/null || echo unknown)"

# Cold: the page cache, dentries and inodes dropped before each run (root
# only), for the 1 GiB cat and, as a reference, a native ls -lR.
drop_caches() { sync && echo 3 >/proc/sys/vm/drop_caches; }
if drop_caches 2>/dev/null; then
	cold_best() { # cold_best N command...: the fastest of N cold runs
		local n=$1 best=
		shift
		for _ in $(seq "$n"); do
			drop_caches
			local t
			t=$(best_of 1 "$@")
			if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
		done
		echo "$best"
	}
	nat=$(cold_best 3 cat "$T_NAT/$rel_big")
	tfs=$(cold_best 3 cat "$T_TFS/$rel_big")
	bfs=$(cold_best 3 cat "$T_BFS/$rel_big")
	echo "cat 1 GiB cold: native ${nat}s  takeoutfs ${tfs}s ($(ratio "$tfs" "$nat")x)  bindfs ${bfs}s ($(ratio "$bfs" "$nat")x)"
	# The daemon's own read path, as users without CAP_SYS_ADMIN get it.
	mount_tfs -o passthrough=off
	cat "$T_TFS/$rel_big" >/dev/null
	tfs_warm=$(best_of 3 cat "$T_TFS/$rel_big")
	tfs=$(cold_best 3 cat "$T_TFS/$rel_big")
	echo "cat 1 GiB, -o passthrough=off: page cache ${tfs_warm}s; cold ${tfs}s ($(ratio "$tfs" "$nat")x native cold)"
	nat=$(cold_best 1 ls -lR "$T_NAT")
	echo "ls -lR cold (dentries and inodes dropped): native ${nat}s; takeoutfs's first ls -lR after a mount is $(ratio "$first_ls" "$nat")x that"
	mount_tfs
else
	echo "cold runs skipped: cannot write /proc/sys/vm/drop_caches (not root)"
fi

# Every .meta once (renders), then the daemon's current memory and its peaks:
# over its whole life (the index runs in a child process, so this includes
# the mount's start), and while serving (reset first with clear_refs 5).
hwm_start=$(awk '/VmHWM/ { print $2 }' "/proc/$PID/status")
echo 5 >"/proc/$PID/clear_refs" 2>/dev/null || true
ls -lR "$MNT" >/dev/null
find "$MNT/by-date" -name '*.meta' -print0 | xargs -0 cat >/dev/null
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$PID/status")
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$PID/status")
life=$((hwm > hwm_start ? hwm : hwm_start))
echo "daemon RSS: $((rss / 1024)) MiB now, $((hwm / 1024)) MiB peak while serving, $((life / 1024)) MiB peak over its life ($ITEMS items; every folder listed, every .meta read)"
