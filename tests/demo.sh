#!/usr/bin/env bash
# make demo: generate a small Takeout from the bundled camera files, index and
# mount it, and show what a user sees. Leaves it mounted for exploring.
set -euo pipefail
build=$1 src=$2 mnt=$3 db=$4

if mountpoint -q "$mnt" 2>/dev/null; then
	fusermount3 -u "$mnt"
fi
rm -rf "$src"
"$build/gen-takeout" --out "$src" --items 60 --seed 1 --corpus tests/data >/dev/null
mkdir -p "$mnt"
"$build/takeoutfs" -o db="$db" "$src" "$mnt"

echo
echo "== $mnt"
ls "$mnt"
echo
echo "== ls $mnt/by-date/*"
ls "$mnt"/by-date/*
echo
echo "== ls $mnt/by-album"
ls "$mnt"/by-album
month=$(ls -d "$mnt"/by-date/*/* | head -n 1)
echo
echo "== ls $month"
ls "$month"
meta=$(find "$month" -maxdepth 1 -name '*.meta' | head -n 1)
echo
echo "== cat $meta"
cat "$meta"
echo
echo "takeoutfs is serving $src at $mnt."
echo "Browse it, then unmount with: fusermount3 -u $mnt   (or: make demo-stop)"
