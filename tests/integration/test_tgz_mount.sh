#!/bin/bash
# tgz and tar parts beyond the plain mount (test_archive_mount.sh compares
# every tgz/tar form with the extracted parts): hostile members (links,
# devices, '..' and absolute names, invalid UTF-8, the same path twice),
# damaged parts (cut short, corrupt gzip in the middle, a bad tar header
# checksum, a gzip bomb behind a small member), the member tables kept in the
# store (an unchanged part is not read again: no "read PART" line, the
# store's rows unchanged; a changed part is read again alone, a removed
# part's table dropped), and kill -9 during a pass over several parts, after
# which a second run reads only the parts not yet recorded and gives the
# store a clean run gives.
# Prints "N passed, N failed".
set -u

BIN=${TFS_BIN:-$(dirname "$0")/../../build/takeoutfs}
GEN=${TFS_GEN:-$(dirname "$0")/../../build/gen-takeout}
PACK=$(dirname "$0")/../gen/pack_parts.py
CORPUS=${TFS_SRC:-$(dirname "$0")/../..}/tests/data

# shellcheck source=mount_lib.sh
. "$(dirname "$0")/mount_lib.sh"
tfs_workdir tgz-mount

mount_as() { # mount_as NAME SOURCE
	SRC=$2 MNT=$W/$1.mnt
	tfs_mount "$W/$1.sqlite"
}
status() { cat "$MNT/.takeoutfs/status.json"; }
has_problem() { # has_problem WHAT TEXT: status.json of the mount holds TEXT
	if status | grep -qF -- "$2"; then ok; else
		bad "$1: no problem '$2' in status.json"
		status | grep -A1 '"path"' | head -20 >&2
	fi
}
# same_bytes MOUNTED NATIVE: every media file under MOUNTED has the bytes of
# the same path under NATIVE; prints how many were compared.
same_bytes() {
	python3 - "$1" "$2" <<'EOF'
import os, sys
mounted, native = sys.argv[1:]
count = 0
for folder, _, files in os.walk(mounted):
    for name in files:
        if name.endswith(".meta"):
            continue
        rel = os.path.relpath(os.path.join(folder, name), mounted)
        try:
            with open(os.path.join(mounted, rel), "rb") as a:
                got = a.read()
        except OSError:
            continue  # EIO: refused, never wrong bytes
        with open(os.path.join(native, rel), "rb") as b:
            if got != b.read():
                sys.exit(f"differs: {rel}")
        count += 1
print(count)
EOF
}
index_only() { # index_only DB SOURCE [options]: stderr (progress lines) in $W/index.err
	local db=$1 src=$2
	shift 2
	"$BIN" --index-only -o db="$db" "$@" "$src" >"$W/index.out" 2>"$W/index.err"
}
parts_read() { grep -c '^takeoutfs: read .*\.t' "$W/index.err"; }
rows() { sqlite3 -batch "$1" 'SELECT ident, hex(blob) FROM archive_parts ORDER BY ident' | sha256sum; }

# ---------------------------------------------------------------- setup
if ! "$GEN" --out "$W/gen" --items 300 --seed 21 --parts 3 --corpus "$CORPUS" >"$W/gen.log" 2>&1; then
	cat "$W/gen.log" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
rm "$W"/gen/*.tsv
python3 "$PACK" "$W/gen" "$W/tgz" tgz-gnu || bad "pack_parts.py tgz-gnu"
python3 "$PACK" "$W/gen" "$W/tar" tar-python || bad "pack_parts.py tar-python"
part2=$(basename "$(ls "$W"/tgz/*-002.tgz)" .tgz)

# ---------------------------------------------------------------- hostile members
JPG=$CORPUS/canon_eos40d_1.jpg
python3 - "$W/hostile.tgz" "$JPG" <<'EOF'
import io, sys, tarfile
dest, jpg = sys.argv[1:]
data = open(jpg, "rb").read()
def member(t, name, body=None, kind=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mtime = kind, link, 1700000000
    if body is not None:
        info.size = len(body)
    t.addfile(info, io.BytesIO(body) if body is not None else None)
with tarfile.open(dest, "w:gz", format=tarfile.GNU_FORMAT, encoding="utf-8",
                  errors="surrogateescape") as t:
    d = "Takeout/Google Photos/Photos from 2020/"
    member(t, d + "good.jpg", data)
    member(t, d + "good.jpg", b"a second member of the same path")
    member(t, d + "link.jpg", kind=tarfile.SYMTYPE, link="/etc/passwd")
    member(t, d + "hard.jpg", kind=tarfile.LNKTYPE, link=d + "good.jpg")
    member(t, d + "dev0", kind=tarfile.CHRTYPE)
    member(t, d + "fifo", kind=tarfile.FIFOTYPE)
    member(t, "../escape.jpg", data)
    member(t, "/abs.jpg", data)
    member(t, d + "bad\udcff.jpg", data)
    member(t, d + "after.jpg", data)
EOF
if mount_as hostile "$W/hostile.tgz"; then
	o=$MNT/originals/hostile/Takeout/Google\ Photos/Photos\ from\ 2020
	check "hostile: the good member reads whole" cmp "$o/good.jpg" "$JPG"
	check "hostile: the member after the refused ones reads whole" cmp "$o/after.jpg" "$JPG"
	check "hostile: no link, device or fifo shown" test ! -e "$o/link.jpg" -a ! -e "$o/hard.jpg" \
		-a ! -e "$o/dev0" -a ! -e "$o/fifo"
	check "hostile: nothing named escape.jpg or abs.jpg anywhere" \
		test -z "$(find "$MNT" -name escape.jpg -o -name abs.jpg)"
	has_problem hostile "a symbolic link (not followed)"
	has_problem hostile "a hard link (not followed)"
	has_problem hostile "a device (left out)"
	has_problem hostile "a fifo (left out)"
	has_problem hostile "member name has a '..' component"
	has_problem hostile "absolute member name"
	has_problem hostile "member name is not valid UTF-8"
	has_problem hostile "the same path twice in one part (the first is kept)"
	tfs_unmount
else
	bad "mount of the hostile tgz"
fi

# ---------------------------------------------------------------- damaged parts
# damaged NAME PROBLEM [OR]: mounts $W/NAME (a copy of the tgz parts with
# part 2 damaged), requires PROBLEM (or OR) in status.json, the other parts whole and every
# member shown of part 2 byte for byte the extracted one.
damaged() {
	if ! mount_as "$1" "$W/$1"; then
		bad "$1: mount"
		return
	fi
	if status | grep -qF -e "$2" -e "${3:-$2}"; then ok; else
		bad "$1: no problem '$2' in status.json"
	fi
	local n1 n2 all
	n1=$(same_bytes "$MNT/originals/${part2%-002}-001" "$W/gen/${part2%-002}-001") ||
		bad "$1: part 1 differs"
	n2=$(same_bytes "$MNT/originals/$part2" "$W/gen/$part2") || bad "$1: part 2 serves wrong bytes"
	all=$(find "$W/gen/$part2" -type f | wc -l)
	check "$1: part 1 whole ($n1 files)" test "${n1:-0}" -gt 50
	check "$1: part 2 partly there ($n2 of $all files)" test "${n2:-0}" -lt "$all"
	tfs_unmount
}
cp -r "$W/tgz" "$W/cut"
size=$(stat -c %s "$W/cut/$part2.tgz")
truncate -s $((size * 6 / 10)) "$W/cut/$part2.tgz"
damaged cut "damaged archive (truncated deflate data)"

cp -r "$W/tgz" "$W/corrupt"
python3 - "$W/corrupt/$part2.tgz" <<'EOF'
import sys
path = sys.argv[1]
with open(path, "r+b") as f:
    data = f.read()
    f.seek(len(data) // 2)
    f.write(b"\xff" * 64)  # an invalid run of codes in the middle
EOF
damaged corrupt "damaged archive ("  "checksum mismatch"

# A bad header checksum in a plain tar: the members before it stay.
cp -r "$W/tar" "$W/badsum"
python3 - "$W/badsum/$part2.tar" <<'EOF'
import sys, tarfile
path = sys.argv[1]
infos = tarfile.open(path).getmembers()
victim = infos[len(infos) // 2]
with open(path, "r+b") as f:
    f.seek(victim.offset + 148)
    f.write(b"0000000\0")  # a checksum no header has
EOF
if mount_as badsum "$W/badsum"; then
	has_problem badsum "checksum mismatch"
	n2=$(same_bytes "$MNT/originals/$part2" "$W/gen/$part2") || bad "badsum: wrong bytes"
	check "badsum: the members before the bad header are there ($n2)" test "${n2:-0}" -gt 5
	tfs_unmount
else
	bad "mount of a tar with a bad header checksum"
fi

# Bombs: a small member, then 1 GiB of 'A' (a broken header) or of zeros
# (the end marker, then data that is not read).
for bomb in A zero; do
	python3 - "$W/bomb-$bomb.tgz" "$JPG" "$bomb" <<'EOF'
import io, sys, tarfile, zlib
dest, jpg, kind = sys.argv[1:]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
    data = open(jpg, "rb").read()
    info = tarfile.TarInfo("Takeout/Google Photos/Photos from 2020/small.jpg")
    info.size, info.mtime = len(data), 1700000000
    t.addfile(info, io.BytesIO(data))
head = buf.getvalue()[: 512 + (len(data) + 511) // 512 * 512]  # without its end blocks
z = zlib.compressobj(9, zlib.DEFLATED, 31)
with open(dest, "wb") as f:
    f.write(z.compress(head))
    chunk = (b"A" if kind == "A" else b"\0") * (1 << 20)
    for _ in range(1024):
        f.write(z.compress(chunk))
    f.write(z.flush())
EOF
	if mount_as "bomb-$bomb" "$W/bomb-$bomb.tgz"; then
		check "bomb $bomb: the small member reads whole" \
			cmp "$MNT/originals/bomb-$bomb/Takeout/Google Photos/Photos from 2020/small.jpg" "$JPG"
		if [ $bomb = A ]; then
			has_problem "bomb $bomb" "checksum mismatch"
		else
			has_problem "bomb $bomb" "data after the end of the tar archive, not read"
		fi
		stream=$(sqlite3 -batch "$W/bomb-$bomb.sqlite" "SELECT length(blob) FROM archive_parts")
		check "bomb $bomb: one small table kept ($stream bytes)" test "${stream:-0}" -gt 0 -a "${stream:-0}" -lt 100000
		tfs_unmount
	else
		bad "mount of the $bomb bomb"
	fi
done

# ---------------------------------------------------------------- kept tables
index_only "$W/kept.sqlite" "$W/tgz"
check "first index: every part read ($(parts_read))" test "$(parts_read)" = 3
check "first index: a table per part in the store" \
	test "$(sqlite3 -batch "$W/kept.sqlite" 'SELECT count(*) FROM archive_parts')" = 3
before=$(rows "$W/kept.sqlite")
index_only "$W/kept.sqlite" "$W/tgz"
check "second index: no part read" test "$(parts_read)" = 0
check "second index: the tables unchanged" test "$(rows "$W/kept.sqlite")" = "$before"
# strace shows no read of a part beyond the head that tells its kind (64
# KiB), the part being larger.
big=$(find "$W/tgz" -name '*.tgz' -size +70k | head -1)
if [ -n "$big" ]; then
	strace -f -y -e trace=pread64 -e signal=none -o "$W/strace.log" \
		"$BIN" --index-only -o db="$W/kept.sqlite" "$W/tgz" >/dev/null 2>&1
	reads=$(python3 - "$W/strace.log" <<'EOF'
import re, sys
most = 0
for line in open(sys.argv[1]):
    m = re.search(r"pread64\(\d+<[^>]*\.tgz>, .*, (\d+), (\d+)\) = (\d+)", line)
    if m:
        most = max(most, int(m.group(2)) + int(m.group(3)))
print(most)
EOF
)
	check "unchanged parts: no read past 64 KiB of any file ($reads)" test "$reads" -le 65536
fi
# A changed part is read again, alone.
touch "$W/tgz/$part2.tgz"
index_only "$W/kept.sqlite" "$W/tgz"
check "a touched part is read again, alone ($(parts_read))" test "$(parts_read)" = 1
count() { sqlite3 -batch "$W/kept.sqlite" 'SELECT count(*) FROM archive_parts'; }
check "its old table is dropped ($(count) tables)" test "$(count)" = 3
mv "$W/tgz/$part2.tgz" "$W/$part2.tgz.away"
index_only "$W/kept.sqlite" "$W/tgz"
check "a removed part: its table is dropped, no part read ($(count) tables)" \
	test "$(count)" = 2 -a "$(parts_read)" = 0
mv "$W/$part2.tgz.away" "$W/tgz/$part2.tgz"

# ---------------------------------------------------------------- kill -9 mid-pass
# One part at a time (-o threads=1), every read slowed down by strace: kill
# the run once the first part's table is in the store.
index_only "$W/clean.sqlite" "$W/tgz" -o threads=1
clean=$(rows "$W/clean.sqlite")
strace -f -o /dev/null -e trace=pread64 -e inject=pread64:delay_exit=300000 \
	"$BIN" --index-only -o db="$W/killed.sqlite" -o threads=1 "$W/tgz" >/dev/null 2>&1 &
tracer=$!
killed=no
for _ in $(seq 600); do
	n=$(sqlite3 -batch "$W/killed.sqlite" 'SELECT count(*) FROM archive_parts' 2>/dev/null)
	if [ "${n:-0}" -ge 1 ]; then
		pid=$(pgrep -P "$tracer" -x takeoutfs)
		[ -n "$pid" ] && kill -9 "$pid" && killed=yes
		break
	fi
	kill -0 "$tracer" 2>/dev/null || break
	sleep 0.05
done
wait "$tracer" 2>/dev/null
recorded=$(sqlite3 -batch "$W/killed.sqlite" 'SELECT count(*) FROM archive_parts')
check "kill -9 after $recorded of 3 parts recorded" test "$killed" = yes -a "$recorded" -lt 3
index_only "$W/killed.sqlite" "$W/tgz" -o threads=1
check "the next run completes" grep -q "media files" "$W/index.out"
check "the next run reads only the $((3 - recorded)) parts not recorded" \
	test "$(parts_read)" = $((3 - recorded))
check "and keeps the tables a clean run keeps" test "$(rows "$W/killed.sqlite")" = "$clean"
sql_digest() {
	sqlite3 -batch "$1" "SELECT d.path, f.name, f.size, f.mtime_ns, f.crc32 IS NULL, f.taken
	                     FROM files f JOIN dirs d ON d.id = f.dir_id ORDER BY 1, 2" | sha256sum
}
check "and the files a clean run records" test "$(sql_digest "$W/killed.sqlite")" = "$(sql_digest "$W/clean.sqlite")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
