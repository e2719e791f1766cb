#!/bin/bash
# Several SOURCEs on one command line (takeoutfs SOURCE... MOUNTPOINT) make
# one library, as if they sat side by side in one folder: zip parts and an
# extracted part given one by one mount exactly as the folder holding them
# does. A part given both as an archive and as a folder, or the same SOURCE
# given twice, is taken once with a problem in status.json; two folders with
# one name (two downloads each extracted to "Takeout") are both taken, the
# second shown as "Takeout (2)", and the views are those of the whole
# library. --index-only takes several SOURCEs too.
# Prints "N passed, N failed".
set -u

BIN=${TFS_BIN:-$(dirname "$0")/../../build/takeoutfs}
GEN=${TFS_GEN:-$(dirname "$0")/../../build/gen-takeout}
PACK=$(dirname "$0")/../gen/pack_parts.py
CORPUS=${TFS_SRC:-$(dirname "$0")/../..}/tests/data

# shellcheck source=mount_lib.sh
. "$(dirname "$0")/mount_lib.sh"
tfs_workdir sources-mount
export TZ=Europe/Paris # DOS times in zips are local times

# The tree of a mount below $1/$2 (type, mode, size, mtime) and every file's
# bytes, without status.json (its counts and timings are the run's own) and,
# with a third argument, without the .meta files (they name the originals).
snapshot() {
	local skip=${3:+*.meta}
	(cd "$1" && find "$2" -path ./.takeoutfs -prune -o \( -type d -printf '%y %m %p\n' \) -o \
		\( -type f ! -name "${skip:-/}" -printf '%y %m %s %T@ %p\n' \) | LC_ALL=C sort)
	(cd "$1" && find "$2" -path ./.takeoutfs -prune -o -type f ! -name "${skip:-/}" -print0 |
		LC_ALL=C sort -z | xargs -0 sha256sum)
}

# mount_sources NAME SOURCE...: mounts the SOURCEs at $W/NAME.mnt with a store of its own.
mount_sources() {
	local name=$1
	shift
	local n=$#
	SRC=${!n} MNT=$W/$name.mnt
	tfs_mount "$W/$name.sqlite" "${@:1:n-1}"
}

# The checksum lines of a snapshot as "month checksum", sorted.
months_and_bytes() {
	sed -n 's|^\([0-9a-f]\{64\}\)  \(by-date/[^/]*/[^/]*\)/.*|\2 \1|p' | LC_ALL=C sort
}

status_has() { grep -q -- "$1" "$MNT/.takeoutfs/status.json"; }

# ---------------------------------------------------------------- setup
if ! "$GEN" --out "$W/gen" --items 200 --seed 5 --parts 3 --corpus "$CORPUS" >"$W/gen.log" 2>&1; then
	cat "$W/gen.log" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
rm "$W"/gen/*.tsv
python3 "$PACK" "$W/gen" "$W/zips" zip-python || bad "pack_parts.py"
mapfile -t zips < <(ls "$W"/zips/*.zip)
mapfile -t parts < <(ls -d "$W"/gen/*/)
check "three parts" test "${#zips[@]}" = 3 -a "${#parts[@]}" = 3
parts=("${parts[@]%/}")

if mount_sources ref "$W/gen"; then
	snapshot "$MNT" . >"$W/ref.snap"
	snapshot "$MNT" by-date no-meta >"$W/ref.by-date"
	tfs_unmount
else
	bad "mount of the folder holding the parts"
fi
check "the reference has files" test "$(grep -c '^f' "$W/ref.snap")" -gt 300
check "the reference has photos by month" test "$(months_and_bytes <"$W/ref.by-date" | wc -l)" -gt 100

# ------------------------------------------------- parts given one by one
# Two zips and one extracted part, each its own SOURCE, from three folders.
mkdir -p "$W/a" "$W/b" "$W/c"
cp "${zips[0]}" "$W/a/"
cp -a "${parts[1]}" "$W/b/"
cp "${zips[2]}" "$W/c/"
if mount_sources three "$W/a/$(basename "${zips[0]}")" "$W/b/$(basename "${parts[1]}")" \
	"$W/c/$(basename "${zips[2]}")"; then
	snapshot "$MNT" . >"$W/three.snap"
	if cmp -s "$W/ref.snap" "$W/three.snap"; then ok; else
		bad "three SOURCEs: the mount differs from the folder holding the parts"
		diff "$W/ref.snap" "$W/three.snap" | head -8 >&2
	fi
	check "three SOURCEs: no problem about names" \
		bash -c "! grep -q 'given twice\|is shown as the folder' '$MNT/.takeoutfs/status.json'"
	tfs_unmount
else
	bad "mount of three SOURCEs"
fi

# --------------------------------------------------- a part given twice
if mount_sources twice "${zips[0]}" "${parts[0]}" "${parts[0]}" "${zips[1]}" "${zips[2]}"; then
	snapshot "$MNT" . >"$W/twice.snap"
	check "a part twice: the mount is the same" cmp -s "$W/ref.snap" "$W/twice.snap"
	check "a part twice: the archive is left out, with a problem" \
		status_has "is given twice, as the archive .* and as a folder: the folder is used"
	check "the same SOURCE twice: taken once, with a problem" \
		status_has "a SOURCE is given twice: it is taken once"
	tfs_unmount
else
	bad "mount of a part given twice"
fi

# ------------------------------------- two folders named Takeout, as unzip makes them
mkdir -p "$W/dl1" "$W/dl2" "$W/dl3"
cp -a "${parts[0]}/Takeout" "$W/dl1/"
cp -a "${parts[1]}/Takeout" "$W/dl2/"
cp -a "${parts[2]}/Takeout" "$W/dl3/"
if mount_sources takeouts "$W/dl1/Takeout" "$W/dl2/Takeout" "$W/dl3/Takeout"; then
	snapshot "$MNT" by-date no-meta >"$W/takeouts.by-date"
	check "three Takeout folders: originals/ shows Takeout, Takeout (2), Takeout (3)" \
		test -d "$MNT/originals/Takeout" -a -d "$MNT/originals/Takeout (2)" -a \
		-d "$MNT/originals/Takeout (3)"
	# The same photos in the same months; which of two same-named photos of
	# a month gets "(1)" follows their originals' paths, which differ here.
	if cmp -s <(months_and_bytes <"$W/ref.by-date") <(months_and_bytes <"$W/takeouts.by-date"); then
		ok
	else
		bad "three Takeout folders: by-date holds other photos than the whole library's"
		diff <(months_and_bytes <"$W/ref.by-date") <(months_and_bytes <"$W/takeouts.by-date") | head -8 >&2
	fi
	check "three Takeout folders: the renaming is a problem" \
		status_has "this one (.*) is shown as Takeout (2)"
	tfs_unmount
else
	bad "mount of three folders named Takeout"
fi

# ----------------------------------------------------- --index-only
if "$BIN" --index-only -o quiet -o db="$W/only.sqlite" "${zips[@]}" >"$W/only.out" 2>&1; then
	ok
	check "--index-only names every SOURCE" grep -q "$(basename "${zips[2]}")" "$W/only.out"
else
	bad "--index-only with three SOURCEs"
	cat "$W/only.out" >&2
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
