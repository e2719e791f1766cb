#!/bin/bash
# The lazy full-file CRC-32 of .meta (issue 5) on a real mount of a generated
# Takeout plus three crafted files (a 512 MiB sparse JPEG, and two files with
# the same size, head and tail but different middles): listings and stats
# compute nothing; every .meta's crc32 equals zlib's CRC of the source (the
# tfs_crc32 tool); st_size is the same before and after; 8 concurrent first
# reads of one .meta read the file once; the identity collision leaves
# "copies" and lands in crc_conflicts and status.json; after a remount no
# file is read again; the eager pass stops at unmount and resumes at the next
# mount. Prints "N passed, N failed".
set -u

BIN=${TFS_BIN:-$(dirname "$0")/../../build/takeoutfs}
GEN=${TFS_GEN:-$(dirname "$0")/../../build/gen-takeout}
CRC=$(realpath "${TFS_TOOL_tfs_crc32:-$(dirname "$BIN")/tfs_crc32}")

# shellcheck source=mount_lib.sh
. "$(dirname "$0")/mount_lib.sh"
tfs_workdir crc-test

status() { jq -r ".crc.$1" "$MNT/.takeoutfs/status.json"; }
nulls() { sqlite3 "$1" "SELECT COUNT(*) FROM files WHERE crc32 IS NULL"; }
die() {
	bad "$*"
	echo "$pass passed, $fail failed"
	exit 1
}

# ---------------------------------------------------------------- fixture
"$GEN" --out "$SRC" --items 60 --seed 21 --parts 2 >"$W/gen.log" 2>&1 || die "generator"
YEAR=$(find "$SRC" -type d -name 'Photos from *' | sort | head -1)
[ -n "$YEAR" ] || die "no year folder in the fixture"
# A big file whose reading takes long enough for concurrent readers to meet.
BIG=$YEAR/CRC_BIG.jpg
printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00' >"$BIG"
head -c 4096 /dev/urandom >>"$BIG"
truncate -s 512M "$BIG"
# An identity collision: same size, same first and last 64 KiB, other middle.
head -c 65536 /dev/urandom >"$W/head"
head -c 65536 /dev/urandom >"$W/tail"
{ printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00'; cat "$W/head"; head -c 4096 /dev/urandom; cat "$W/tail"; } >"$YEAR/CRC_COLLIDE_A.jpg"
{ printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00'; cat "$W/head"; head -c 4096 /dev/urandom; cat "$W/tail"; } >"$YEAR/CRC_COLLIDE_B.jpg"
"$BIN" --index-only -o quiet -o db="$DB" "$SRC" >"$W/index.log" 2>&1 || die "index: $(cat "$W/index.log")"
# The reference CRC of every media file, by path relative to SOURCE.
(cd "$SRC" && sqlite3 "$DB" "SELECT CASE WHEN length(d.path) = 0 THEN f.name ELSE CAST(d.path AS TEXT) || '/' || CAST(f.name AS TEXT) END FROM files f JOIN dirs d ON d.id = f.dir_id" |
	tr '\n' '\0' | xargs -0 "$CRC" | sort -k2) >"$W/native.txt"
n_files=$(wc -l <"$W/native.txt")
check "the fixture has files and the reference CRCs ($n_files)" test "$n_files" -gt 60

# ---------------------------------------------------------------- lazy mount
tfs_mount "$DB" || die "mount"
O=$MNT/originals
REL_BIG=${BIG#$SRC/}
REL_A=${YEAR#$SRC/}/CRC_COLLIDE_A.jpg
REL_B=${YEAR#$SRC/}/CRC_COLLIDE_B.jpg
(cd "$O" && find . -name '*.meta' -printf '%s %p\n' | sort -k2) >"$W/sizes.before"
ls -lR "$MNT" >/dev/null 2>&1
stat "$O/$REL_BIG.meta" >/dev/null
check "listings, lookups and ls -lR compute no CRC" test "$(status computed_this_mount)" = 0
check "the crafted collision is grouped as copies before CRCs exist" \
	jq_true --arg b "$REL_B" '.copies | index($b) != null' "$O/$REL_A.meta"

# 8 concurrent first reads of one big .meta: one computation.
n0=$(status computed_this_mount)
b0=$(status read_this_mount_bytes)
readers=()
for i in 1 2 3 4 5 6 7 8; do
	cat "$O/$REL_BIG.meta" >"$W/big.$i" &
	readers+=($!)
done
wait "${readers[@]}"
n=$(status computed_this_mount)
check "8 concurrent first reads of a .meta read the file once (read $((n - n0)))" test $((n - n0)) = 1
want=$(awk -v p="$REL_BIG" 'substr($0, 11) == p { print substr($0, 1, 8) }' "$W/native.txt")
same=0
for i in 1 2 3 4 5 6 7 8; do [ "$(jq -r .crc32 "$W/big.$i")" = "$want" ] && same=$((same + 1)); done
check "each of the 8 readers got the CRC ($want)" test "$same" = 8
check "bytes read for it are the file's size" test $(($(status read_this_mount_bytes) - b0)) = $((512 * 1024 * 1024))

# Every .meta once: its crc32 is the source's CRC.
(cd "$O" && while read -r _ p; do
	printf '%s  %s\n' "$(jq -r .crc32 "$p")" "${p#./}"
done <"$W/sizes.before" | sed 's/\.meta$//' | sort -k2) >"$W/mounted.txt"
check "every .meta's crc32 equals the CRC of the source bytes" cmp "$W/native.txt" "$W/mounted.txt"
cmp -s "$W/native.txt" "$W/mounted.txt" || diff "$W/native.txt" "$W/mounted.txt" | head -6 >&2
(cd "$O" && find . -name '*.meta' -printf '%s %p\n' | sort -k2) >"$W/sizes.after"
check ".meta st_size is the same before and after the CRC" cmp "$W/sizes.before" "$W/sizes.after"
bad_len=0
while read -r s p; do [ "$(wc -c <"$O/$p")" = "$s" ] || bad_len=$((bad_len + 1)); done <"$W/sizes.after"
check "every .meta reads exactly st_size bytes" test "$bad_len" = 0
check "each file was read exactly once ($n_files)" test "$(status computed_this_mount)" = "$n_files"

# The collision: both CRCs known and different, so neither lists the other.
check "a copy with a different CRC is not listed in copies" \
	jq_true --arg b "$REL_B" '.copies | index($b) == null' "$O/$REL_A.meta"
check "...from either side" \
	jq_true --arg a "$REL_A" '.copies | index($a) == null' "$O/$REL_B.meta"
json_of_its_size() { jq_true . "$1" && [ "$(wc -c <"$1")" = "$(stat -c %s "$1")" ]; }
check "the .meta without that copy is still valid JSON of the same size" \
	json_of_its_size "$O/$REL_A.meta"
for _ in $(seq 40); do [ "$(status conflicts)" = 1 ] && break; sleep 0.1; done
check "status.json counts the collision" test "$(status conflicts)" = 1
check "status.json stays valid JSON with the crc object" jq_true '.crc.mode == "lazy"' "$MNT/.takeoutfs/status.json"

unmount
check "the store holds every CRC after unmount" test "$(nulls "$DB")" = 0
check "crc_conflicts records the pair both ways" \
	test "$(sqlite3 "$DB" "SELECT COUNT(*) FROM crc_conflicts c JOIN files a ON a.id = c.file_id JOIN files b ON b.id = c.other_id WHERE CAST(a.name AS TEXT) IN ('CRC_COLLIDE_A.jpg', 'CRC_COLLIDE_B.jpg') AND CAST(b.name AS TEXT) IN ('CRC_COLLIDE_A.jpg', 'CRC_COLLIDE_B.jpg')")" = 2

# ---------------------------------------------------------------- remount: no file read again
tfs_mount "$DB" || die "remount"
(cd "$O" && while read -r _ p; do
	printf '%s  %s\n' "$(jq -r .crc32 "$p")" "${p#./}"
done <"$W/sizes.before" | sed 's/\.meta$//' | sort -k2) >"$W/mounted2.txt"
check "after remount every .meta still has the right crc32" cmp "$W/native.txt" "$W/mounted2.txt"
check "after remount reading every .meta reads no file" test "$(status computed_this_mount)" = 0
check "after remount status.json shows all CRCs" \
	jq_true '.crc.computed == .crc.total and .crc.conflicts == 1' "$MNT/.takeoutfs/status.json"
check "after remount status.json lists the collision" \
	jq_true '[.crc_conflicts[].path] | map(test("CRC_COLLIDE")) | all and length == 2' "$MNT/.takeoutfs/status.json"
unmount

# ---------------------------------------------------------------- eager, interrupted and resumed
DB2=$W/db2.sqlite
"$BIN" --index-only -o quiet -o db="$DB2" "$SRC" >"$W/index2.log" 2>&1 || die "index 2"
TAKEOUTFS_CRC_EAGER_PAUSE_US=40000 tfs_mount "$DB2" -o crc=eager || die "eager mount"
sleep 1
mid=$(status computed_this_mount)
check "the eager pass is under way ($mid of $n_files)" test "$mid" -gt 0 -a "$mid" -lt "$n_files"
t0=$(date +%s%N)
fusermount3 -u "$MNT"
for _ in $(seq 200); do kill -0 "$PID" 2>/dev/null || break; sleep 0.02; done
t1=$(date +%s%N)
check "the daemon stops promptly with the eager pass running ($(((t1 - t0) / 1000000)) ms)" \
	test $(((t1 - t0) / 1000000)) -lt 2000
unmount
left=$(nulls "$DB2")
check "the interrupted pass kept what it computed ($left left)" test "$left" -gt 0 -a "$left" -lt "$n_files"
tfs_mount "$DB2" -o crc=eager || die "eager remount"
for _ in $(seq 200); do [ "$(status computed)" = "$n_files" ] && break; sleep 0.1; done
check "the resumed pass completes" test "$(status computed)" = "$n_files"
check "the resumed pass read only the files left ($left)" test "$(status computed_this_mount)" = "$left"
check "status.json says eager" test "$(status mode)" = eager
unmount
check "the store has every CRC after the eager pass" test "$(nulls "$DB2")" = 0
sqlite3 "$DB2" "SELECT printf('%08x', crc32) || '  ' || CASE WHEN length(d.path) = 0 THEN f.name ELSE CAST(d.path AS TEXT) || '/' || CAST(f.name AS TEXT) END FROM files f JOIN dirs d ON d.id = f.dir_id" | sort -k2 >"$W/eager.txt"
check "the eager pass stored the right CRC for every file" cmp "$W/native.txt" "$W/eager.txt"

check "the daemons logged nothing (no error, no sanitizer report)" test ! -s "$W/daemon.log"
[ -s "$W/daemon.log" ] && head -20 "$W/daemon.log" >&2

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
