#!/bin/bash
# A Takeout as downloaded: its .zip parts, mounted without extraction, must
# give the mount that the same parts extracted side by side give: the same
# tree (every view, name, type, mode, size), the same file mtimes and the same
# bytes in every file, .meta files included. The parts are packed by the
# tools people's archives come from (tests/gen/pack_parts.py: Info-ZIP zip
# with stored media and deflated sidecars, with ZIP64 forced, and Python's
# zipfile), and the extracted side is made by unzip. Also one part given
# alone as SOURCE, and a folder holding zip parts beside extracted ones.
# Prints "N passed, N failed".
set -u

BIN=${TFS_BIN:-$(dirname "$0")/../../build/takeoutfs}
GEN=${TFS_GEN:-$(dirname "$0")/../../build/gen-takeout}
PACK=$(dirname "$0")/../gen/pack_parts.py
CORPUS=${TFS_SRC:-$(dirname "$0")/../..}/tests/data

# shellcheck source=mount_lib.sh
. "$(dirname "$0")/mount_lib.sh"
tfs_workdir archive-mount
# DOS times in zips are the writer's local time: pack, unzip and mount in a zone that is not UTC.
export TZ=Europe/Paris

# The tree of a mount, one line per entry (type, mode, size; mtime for files),
# without status.json (its counts and timings are the run's own).
listing() {
	(cd "$1" && find . -path ./.takeoutfs -prune -o \( -type d -printf '%y %m %p\n' \) -o \
		\( -type f -printf '%y %m %s %T@ %p\n' \) | LC_ALL=C sort)
}
contents() {
	(cd "$1" && find . -path ./.takeoutfs -prune -o -type f -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum)
}

# same_bytes MOUNTED_DIR NATIVE_DIR: every media file under MOUNTED_DIR (not
# the .meta files) has the bytes of the same path under NATIVE_DIR.
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
        with open(os.path.join(mounted, rel), "rb") as a, open(os.path.join(native, rel), "rb") as b:
            if a.read() != b.read():
                sys.exit(f"differs: {rel}")
        count += 1
sys.exit(0 if count else "no media files")
EOF
}

# damage ZIP METHOD...: flips one byte in the middle of the data of the first
# media member (ASCII name, over 100 bytes) stored with each METHOD (0 stored,
# 8 deflated), the zip's layout left intact; prints the members' names.
damage() {
	python3 - "$@" <<'EOF'
import sys, zipfile
path, methods = sys.argv[1], [int(m) for m in sys.argv[2:]]
infos = zipfile.ZipFile(path).infolist()
for method in methods:
    info = next(i for i in infos if i.compress_type == method and i.compress_size > 100
                and i.filename.lower().endswith((".jpg", ".png", ".heic"))
                and i.filename.isascii())
    with open(path, "r+b") as f:
        f.seek(info.header_offset + 26)
        skip = int.from_bytes(f.read(2), "little") + int.from_bytes(f.read(2), "little")
        f.seek(info.header_offset + 30 + skip + info.compress_size // 2)
        b = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([b[0] ^ 0x55]))
    print(info.filename)
EOF
}

# mount_as NAME SOURCE: mounts SOURCE at $W/NAME.mnt with its own store.
mount_as() {
	SRC=$2 MNT=$W/$1.mnt
	tfs_mount "$W/$1.sqlite"
}

compare_with_extracted() { # compare_with_extracted WHAT SOURCE
	local what=$1
	if ! mount_as "$what" "$2"; then
		bad "$what: mount"
		return
	fi
	listing "$MNT" >"$W/$what.list"
	contents "$MNT" >"$W/$what.sums"
	tfs_unmount
	local n
	n=$(grep -c '^f' "$W/$what.list")
	check "$what: some files ($n)" test "$n" -gt 500
	if cmp -s "$W/ref.list" "$W/$what.list"; then ok; else
		bad "$what: the tree differs from the extracted parts' mount"
		diff "$W/ref.list" "$W/$what.list" | head -8 >&2
	fi
	if cmp -s "$W/ref.sums" "$W/$what.sums"; then ok; else
		bad "$what: file contents differ from the extracted parts' mount"
		diff "$W/ref.sums" "$W/$what.sums" | head -8 >&2
	fi
}

# ---------------------------------------------------------------- setup
if ! "$GEN" --out "$W/gen" --items 300 --seed 21 --parts 3 --corpus "$CORPUS" >"$W/gen.log" 2>&1; then
	cat "$W/gen.log" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
rm "$W"/gen/*.tsv
for fmt in zip-infozip zip64-infozip zip-python tgz-gnu tgz-pax tgz-python tar-python; do
	python3 "$PACK" "$W/gen" "$W/$fmt" "$fmt" || bad "pack_parts.py $fmt"
done
# The reference: the Info-ZIP parts extracted side by side by unzip.
mkdir -p "$W/extracted"
for z in "$W"/zip-infozip/*.zip; do
	part=$(basename "$z" .zip)
	unzip -q "$z" -d "$W/extracted/$part" || bad "unzip $part"
done
diff -r "$W/gen" "$W/extracted" >/dev/null || bad "unzip does not give back the generated parts"

if mount_as ref "$W/extracted"; then
	listing "$MNT" >"$W/ref.list"
	contents "$MNT" >"$W/ref.sums"
	tfs_unmount
else
	bad "mount of the extracted parts"
fi

# ---------------------------------------------------------------- zip parts
for fmt in zip-infozip zip64-infozip zip-python tgz-gnu tgz-pax tgz-python tar-python; do
	compare_with_extracted "$fmt" "$W/$fmt"
done

# Parts side by side in both forms: two as zips, one extracted.
mkdir -p "$W/mixed"
cp "$W"/zip-python/*-001.zip "$W"/zip-python/*-003.zip "$W/mixed/"
cp -a "$W"/extracted/*-002 "$W/mixed/"
compare_with_extracted mixed "$W/mixed"

# A part present both as an archive and extracted is taken once, with a problem.
cp -a "$W"/extracted/*-001 "$W/mixed/"
if mount_as twice "$W/mixed"; then
	listing "$MNT" >"$W/twice.list"
	check "a part twice: the tree is the same" cmp -s "$W/ref.list" "$W/twice.list"
	check "a part twice: a problem in status.json" \
		grep -q "is here twice, as this archive and as the folder" "$MNT/.takeoutfs/status.json"
	tfs_unmount
else
	bad "mount of a folder holding a part twice"
fi

# One part given alone: its folder at the top, its files as in the full mount.
one=$(ls "$W"/zip-infozip/*-001.zip)
if mount_as one "$one"; then
	part=$(basename "$one" .zip)
	check "one part alone: its folder in originals/" test -d "$MNT/originals/$part/Takeout"
	check "one part alone: originals/ holds its files, byte for byte" \
		same_bytes "$MNT/originals" "$W/extracted"
	tfs_unmount
else
	bad "mount of one part"
fi

# Reading every file of a mount of deflated members twice over, in parallel.
if mount_as parallel "$W/zip-python"; then
	(cd "$MNT/originals" && find . -type f -print0 | xargs -0 -P 4 -n 20 cat >/dev/null) &&
		(cd "$MNT/originals" && find . -type f -print0 | xargs -0 -P 4 -n 20 cat >/dev/null)
	check "parallel reads of deflated members" test $? = 0
	check "originals/ of the zips: every media file byte for byte" \
		same_bytes "$MNT/originals" "$W/extracted"
	tfs_unmount
else
	bad "mount for parallel reads"
fi

# A part replaced under a running mount: its files fail to open with EIO,
# never serve bytes of another archive; the other parts still serve.
cp -r "$W/zip-infozip" "$W/swap"
if mount_as swap "$W/swap"; then
	mapfile -t files < <(find "$MNT/originals" -type f ! -name '*.meta' | LC_ALL=C sort)
	in1=() in2=()
	for f in "${files[@]}"; do
		case $f in
		*-001/*) in1+=("$f") ;;
		*-002/*) in2+=("$f") ;;
		esac
	done
	check "swap: a file of part 1 reads" cat "${in1[0]}"
	# Rewritten in place with its layout intact: one byte of a stored member changes.
	victim=$(damage "$W"/swap/*-001.zip 0)
	check "swap: a member rewritten in place ($victim)" test -n "$victim"
	victim=$(ls -d "$MNT"/originals/*-001)/$victim
	if cat "$victim" >/dev/null 2>"$W/swap.err"; then
		bad "swap: a file of a rewritten part still opens"
	else
		check "swap: the open fails with EIO" grep -q "Input/output error" "$W/swap.err"
	fi
	check "swap: the other parts still read" cat "${in2[0]}"
	tfs_unmount
else
	bad "mount for the swap"
fi

# A damaged part (before mounting): a stored and a deflated member with one
# byte flipped fail with EIO when read whole, never handing out wrong bytes
# as if they were good; their neighbours read fine.
cp -r "$W/zip-python" "$W/damaged"
damaged=$(damage "$W"/damaged/*-002.zip 0 8)
if mount_as damaged "$W/damaged"; then
	n=0
	while IFS= read -r member; do
		[ -n "$member" ] || continue
		n=$((n + 1))
		file=$(ls -d "$MNT"/originals/*-002)/$member
		if cat "$file" >/dev/null 2>"$W/damaged.err"; then
			bad "damaged member read whole without an error: $member"
		else
			check "damaged member fails with EIO: $member" grep -q "Input/output error" "$W/damaged.err"
		fi
	done <<<"$damaged"
	check "two damaged members tried" test "$n" = 2
	check "the rest of the damaged part reads" same_bytes "$MNT/originals/$(basename "$W"/zip-python/*-001.zip .zip)" \
		"$W/extracted/$(basename "$W"/zip-python/*-001.zip .zip)"
	tfs_unmount
else
	bad "mount of a damaged part"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
