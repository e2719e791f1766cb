#!/bin/bash
# Measures the lazy and eager full-file CRC-32 of .meta (reports, never asserts):
#  1. the first `cat x.meta` of a 1 GiB file against tfs_crc32 (zlib, 1 MiB
#     preads) of the same file, both warm, in the same run (goal <= 1.2x);
#  2. a cached .meta read (open, read, close), median of many (goal < 1 ms);
#  3. the -o crc=eager pass over a generated Takeout of BENCH_CRC_ITEMS items
#     (default 100000) in items/s and MiB/s, against cat of the same files to
#     /dev/null (warm).
# Usage: bench/bench_crc.sh [BUILD_DIR]   (default build)
set -u
B=${1:-$(dirname "$0")/../build}
B=$(realpath "$B")
BIN=$B/takeoutfs
GEN=$B/gen-takeout
CRC=$B/tfs_crc32
ITEMS=${BENCH_CRC_ITEMS:-100000}
W=$(mktemp -d /tmp/tfs-bench-crc.XXXXXX)
MNT=$W/mnt
PID=

now() { date +%s%N; }
ms() { echo "scale=1; ($2 - $1) / 1000000" | bc; }
unmount() {
	mountpoint -q "$MNT" 2>/dev/null && fusermount3 -u "$MNT"
	[ -n "$PID" ] && wait "$PID" 2>/dev/null
	PID=
}
cleanup() {
	unmount
	rm -rf "$W"
}
trap cleanup EXIT INT TERM
mount_it() { # mount_it SRC DB [options...]
	local src=$1 db=$2
	shift 2
	mkdir -p "$MNT"
	"$BIN" -f -o quiet -o db="$db" "$@" "$src" "$MNT" 2>>"$W/daemon.log" &
	PID=$!
	for _ in $(seq 600); do
		mountpoint -q "$MNT" && [ -d "$MNT/by-date" ] && return 0
		sleep 0.05
	done
	cat "$W/daemon.log" >&2
	exit 1
}
status() { jq -r ".crc.$1" "$MNT/.takeoutfs/status.json"; }

echo "== 1. first cat of the .meta of a 1 GiB file vs native crc32 (warm)"
S1=$W/big
mkdir -p "$S1/Takeout/Google Photos/Photos from 2020"
F="$S1/Takeout/Google Photos/Photos from 2020/BIG.jpg"
{
	printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00'
	head -c $((1024 * 1024 * 1024 - 11)) /dev/urandom
} >"$F"
sync "$F" # no writeback competing with the timed reads
cat "$F" >/dev/null
"$BIN" --index-only -o quiet -o db="$W/big.sqlite" "$S1" >/dev/null || exit 1
# Three rounds, each native then a first .meta read on a fresh copy of the
# store (no CRC yet); the machine is shared, so the best of three is shown.
M="$MNT/originals/Takeout/Google Photos/Photos from 2020/BIG.jpg.meta"
for round in 1 2 3; do
	t0=$(now)
	"$CRC" "$F" >/dev/null
	t1=$(now)
	native=$(ms "$t0" "$t1")
	cp "$W/big.sqlite" "$W/run.sqlite"
	mount_it "$S1" "$W/run.sqlite"
	stat "$M" >/dev/null
	t0=$(now)
	cat "$M" >/dev/null
	t1=$(now)
	first=$(ms "$t0" "$t1")
	echo "round $round: native tfs_crc32 $native ms; first cat .meta $first ms; ratio $(echo "scale=2; $first / $native" | bc)"
	[ "$round" = 3 ] || unmount
done

echo "== 2. cached .meta read (open+read+close), 2000 times"
python3 - "$M" <<'EOF'
import os, sys, time, statistics
p = sys.argv[1]
t = []
for _ in range(2000):
    a = time.perf_counter_ns()
    fd = os.open(p, os.O_RDONLY)
    while os.read(fd, 65536):
        pass
    os.close(fd)
    t.append(time.perf_counter_ns() - a)
t.sort()
print("median %.1f us, p90 %.1f us, p99 %.1f us" % (t[len(t)//2] / 1e3, t[len(t)*9//10] / 1e3, t[len(t)*99//100] / 1e3))
EOF
unmount
rm -f "$F"

echo "== 3. eager pass over $ITEMS generated items"
S2=$W/gen
t0=$(now)
"$GEN" --out "$S2" --items "$ITEMS" --seed 5 >/dev/null 2>&1 || exit 1
"$BIN" --index-only -o quiet -o db="$W/gen.sqlite" "$S2" >/dev/null || exit 1
t1=$(now)
echo "generated and indexed in $(ms "$t0" "$t1") ms"
sqlite3 "$W/gen.sqlite" "SELECT CASE WHEN length(d.path) = 0 THEN f.name ELSE CAST(d.path AS TEXT) || '/' || CAST(f.name AS TEXT) END FROM files f JOIN dirs d ON d.id = f.dir_id" | tr '\n' '\0' >"$W/list"
files=$(sqlite3 "$W/gen.sqlite" "SELECT COUNT(*) FROM files")
bytes=$(sqlite3 "$W/gen.sqlite" "SELECT SUM(size) FROM files")
(cd "$S2" && xargs -0 cat <"$W/list" >/dev/null) # warm
t0=$(now)
(cd "$S2" && xargs -0 cat <"$W/list" >/dev/null)
t1=$(now)
cat_ms=$(ms "$t0" "$t1")
echo "native cat of $files files ($((bytes / 1048576)) MiB), warm: $cat_ms ms = $(echo "scale=0; $files * 1000 / $cat_ms" | bc) files/s, $(echo "scale=1; $bytes / 1048.576 / $cat_ms" | bc) MiB/s"
t0=$(now)
(cd "$S2" && xargs -0 "$CRC" <"$W/list" >/dev/null)
t1=$(now)
crc_ms=$(ms "$t0" "$t1")
echo "native tfs_crc32 of the same files, warm: $crc_ms ms = $(echo "scale=0; $files * 1000 / $crc_ms" | bc) files/s, $(echo "scale=1; $bytes / 1048.576 / $crc_ms" | bc) MiB/s"
mount_it "$S2" "$W/gen.sqlite" -o crc=eager
# Timed from the first status seen after mounting (the pass may have begun).
t0=$(now)
n0=$(status computed_this_mount)
b0=$(status read_this_mount_bytes)
while [ "$(status computed)" != "$files" ]; do sleep 0.1; done
t1=$(now)
eager_ms=$(ms "$t0" "$t1")
n=$(($(status computed_this_mount) - n0))
b=$(($(status read_this_mount_bytes) - b0))
echo "eager pass: $n files, $b bytes in $eager_ms ms = $(echo "scale=0; $n * 1000 / $eager_ms" | bc) items/s, $(echo "scale=1; $b / 1048.576 / $eager_ms" | bc) MiB/s"
unmount
