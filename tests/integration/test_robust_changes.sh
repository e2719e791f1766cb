#!/bin/bash
# SOURCE changing between and during mounts. Between mounts: files added,
# removed and rewritten, a folder renamed and an album added are reflected
# by the next mount, whose store equals a clean index of the changed tree
# (rows named by path), and originals/ equals SOURCE byte for byte. During a
# mount: a file deleted, truncated or replaced under the daemon, and a folder
# removed, give a proper errno (or the new bytes) when read, never a crash or
# a hang, and the daemon keeps serving everything else.
. "$TFS_SRC/tests/stress/robust_lib.sh"

WALK=$(rb_tool tfs_walkread)
SRC=$RB_T/src
DB=$RB_T/store.sqlite
MNT=$RB_T/mnt
DATA=$TFS_SRC/tests/data

"$TFS_GEN" --out "$SRC" --items 400 --seed 9 >"$RB_T/gen.log" 2>&1 ||
	{ cat "$RB_T/gen.log"; ko "gen-takeout"; rb_finish; }
GP=$(dirname "$(find "$SRC" -type d -name 'Photos from *' -print -quit)")
YEAR=$(find "$GP" -maxdepth 1 -type d -name 'Photos from *' -print -quit)

walk_ok() { # walk_ok LABEL: the whole mount reads and originals/ equals SOURCE
	timeout -k 5 300 "$WALK" --timeout 15 --source "$SRC" "$MNT" >"$RB_T/walk.txt" 2>&1
	local rc=$?
	grep -E '^BAD' "$RB_T/walk.txt" | head -5
	check "$1: $(grep '^walkread' "$RB_T/walk.txt" | cut -d, -f1-3)" [ $rc = 0 ]
}
clean_digest() { # the store a fresh index of SOURCE as it is now would hold
	rm -f "$RB_T/clean.sqlite"*
	timeout -k 5 120 "$TFS_BIN" --index-only -o "db=$RB_T/clean.sqlite" "$SRC" >/dev/null 2>&1 &&
		store_digest "$RB_T/clean.sqlite"
}

mount_fs "$SRC" "$MNT" "$DB" "$RB_T/daemon1.log" || { ko "first mount"; rb_finish; }
ok "first mount"
walk_ok "first mount reads whole"
unmount_fs "$MNT"

# --- changes between mounts ---
cp "$DATA/nikon_d70_1.jpg" "$YEAR/ROBUST_NEW_1.jpg"
printf '{"title": "ROBUST_NEW_1.jpg", "photoTakenTime": {"timestamp": "1300000000"}, "favorited": true}' \
	>"$YEAR/ROBUST_NEW_1.jpg.json"
cp "$DATA/unknown_heif_1.heic" "$YEAR/ROBUST_NEW_2.heic"
victim=$(find "$YEAR" -name '*.jpg' ! -name 'ROBUST*' -print | sort | head -1)
vname=$(basename "$victim")
rm -f "$victim" "$victim.json" "$victim".*.json
rewrite=$(find "$YEAR" -name '*.jpg' ! -name 'ROBUST*' -print | sort | sed -n 2p)
cp "$DATA/canon_eos40d_1.jpg" "$rewrite"
echo "robust rewrite marker" >>"$rewrite"
album=$(find "$GP" -mindepth 1 -maxdepth 1 -type d ! -name 'Photos from *' ! -iname 'trash' ! -iname 'bin' -print | sort | head -1)
if [ -n "$album" ]; then mv "$album" "$album renamed"; fi
mkdir "$GP/Robust Album"
cp "$DATA/ricoh_capliog3_1.jpg" "$GP/Robust Album/ROBUST_ALBUM_1.jpg"
printf '{"title": "Robust Album Title"}' >"$GP/Robust Album/metadata.json"

mount_fs "$SRC" "$MNT" "$DB" "$RB_T/daemon2.log" || { ko "second mount"; rb_finish; }
ok "second mount after changes"
opened=$(sql "$DB" "SELECT value FROM meta WHERE key = 'index_opened'")
check "second mount re-read only what changed ($opened files opened)" [ "${opened:-99999}" -lt 50 ]
walk_ok "after changes, every file reads and originals/ equals SOURCE"
n_orig=$(find "$MNT/originals" -type f ! -name '*.meta' | wc -l)
n_store=$(sql "$DB" "SELECT COUNT(*) FROM files")
check "originals/ holds every indexed media file ($n_orig vs $n_store)" [ "$n_orig" = "$n_store" ]
check "added file is in originals/" [ -f "$MNT/originals/${YEAR#$SRC/}/ROBUST_NEW_1.jpg" ]
check "added file is in by-date/2011" [ -n "$(find "$MNT/by-date/2011" -name ROBUST_NEW_1.jpg 2>/dev/null)" ]
check "added favorite is in favorites/" [ -f "$MNT/favorites/ROBUST_NEW_1.jpg" ]
check "added HEIC is in originals/" [ -f "$MNT/originals/${YEAR#$SRC/}/ROBUST_NEW_2.heic" ]
check "removed file is gone from originals/" [ ! -e "$MNT/originals/${victim#$SRC/}" ]
check "rewritten file has its new size" [ "$(stat -c %s "$MNT/originals/${rewrite#$SRC/}")" = "$(stat -c %s "$rewrite")" ]
check "rewritten file's .meta has its new size" \
	[ "$(jq -r .size "$MNT/originals/${rewrite#$SRC/}.meta")" = "$(stat -c %s "$rewrite")" ]
check "new album is in by-album/" [ -f "$MNT/by-album/Robust Album Title/ROBUST_ALBUM_1.jpg" ]
if [ -n "$album" ]; then
	check "renamed folder is in originals/ under its new name" [ -d "$MNT/originals/${album#$SRC/} renamed" ]
	check "renamed folder is gone under its old name" [ ! -e "$MNT/originals/${album#$SRC/}" ]
fi
unmount_fs "$MNT"
check "incremental store equals a clean index of the changed tree" [ "$(store_digest "$DB")" = "$(clean_digest)" ]

# --- changes under a running mount ---
mount_fs "$SRC" "$MNT" "$DB" "$RB_T/daemon3.log" || { ko "third mount"; rb_finish; }
ok "third mount"
mapfile -t victims < <(find "$YEAR" -name '*.jpg' ! -name 'ROBUST*' -print | sort | sed -n '3,6p')
rm -f "${victims[0]}"
: >"${victims[1]}"             # truncated to 0 bytes
head -c 100 "$DATA/canon_eos40d_1.jpg" >"${victims[2]}"
cp "$DATA/nikon_d70_1.jpg" "${victims[3]}"
# A file opened through the mount before its source disappears.
exec 7<"$MNT/originals/${YEAR#$SRC/}/ROBUST_NEW_2.heic"
rm -f "$YEAR/ROBUST_NEW_2.heic"
gone_dir="$GP/Robust Album"
rm -rf "$gone_dir"
read_one() { # read_one PATH: prints "ok N" or the errno message; bounded in time
	timeout -k 2 15 cat "$1" >"$RB_T/one" 2>"$RB_T/one.err"
	local rc=$?
	[ $rc = 0 ] && echo "ok $(stat -c %s "$RB_T/one")" || echo "rc=$rc $(sed 's/.*: //' "$RB_T/one.err")"
}
# A folder swapped for a symlink to files outside SOURCE with the same names.
YEAR2=$(find "$GP" -maxdepth 1 -type d -name 'Photos from *' | sort | sed -n 2p)
swapped=$(find "$YEAR2" -maxdepth 1 -name '*.jpg' -print | sort | head -1)
mkdir "$RB_T/outside"
for f in "$YEAR2"/*; do echo "OUTSIDE SOURCE" >"$RB_T/outside/$(basename "$f")"; done
mv "$YEAR2" "$YEAR2.real"
ln -s "$RB_T/outside" "$YEAR2"
# Verdicts: a proper errno, or exactly SOURCE's current bytes with a matching
# st_size. A silent short read or a mix of old size and new bytes would let
# cp produce a damaged copy without any error.
for v in "${victims[@]}"; do
	rel=${v#$SRC/}
	r=$(read_one "$MNT/originals/$rel")
	st=$(stat -c %s "$MNT/originals/$rel" 2>/dev/null)
	case $r in
	rc=124* | rc=137*) ko "reading $(basename "$v") after a change under the mount hangs" ;;
	ok*) if [ -f "$v" ] && cmp -s "$RB_T/one" "$v" && [ "$st" = "$(stat -c %s "$v")" ]; then
		ok "$(basename "$v") changed under the mount: reads SOURCE's new bytes and size ($r)"
	     else
		ko "$(basename "$v") changed under the mount: read gave $r bytes, st_size says $st, SOURCE has $(stat -c %s "$v" 2>/dev/null) (want EIO or the new bytes)"
	     fi ;;
	*) ok "$(basename "$v") changed under the mount: proper error ($r)" ;;
	esac
done
r=$(read_one "$MNT/originals/${swapped#$SRC/}")
if grep -q "OUTSIDE SOURCE" "$RB_T/one" 2>/dev/null && [ "${r%% *}" = ok ]; then
	ko "a folder swapped for a symlink: the mount served a file from outside SOURCE"
else
	ok "a folder swapped for a symlink: nothing from outside SOURCE ($r)"
fi
r=$(timeout -k 2 15 cat <&7 | wc -c)
echo "     file opened before its source was deleted: read $r bytes"
exec 7<&-
r=$(read_one "$MNT/by-album/Robust Album Title/ROBUST_ALBUM_1.jpg")
case $r in rc=124* | rc=137*) ko "reading a file of a removed folder hangs" ;; *) ok "file of a removed folder: $r" ;; esac
check "daemon alive after reads of changed files" kill -0 "$RB_PID"
# Everything else still serves; the changed files may fail, with a proper errno.
timeout -k 5 300 "$WALK" --timeout 15 "$MNT" >"$RB_T/walk.txt" 2>&1
# Names of every file changed under the mount (the swapped folder's included).
{
	for v in "${victims[@]}"; do basename "$v"; done
	ls "$YEAR2.real"
} | grep -v '\.json$' >"$RB_T/changed.txt"
grep -E '^BAD' "$RB_T/walk.txt" | grep -v -F -f "$RB_T/changed.txt" >"$RB_T/unexpected.txt"
head -5 "$RB_T/unexpected.txt"
check "the rest of the mount serves normally: $(grep '^walkread' "$RB_T/walk.txt" | cut -d, -f4-)" [ ! -s "$RB_T/unexpected.txt" ]
grep '^BAD' "$RB_T/walk.txt" | sed 's/^/     (changed file) /' | head -8
check "daemon alive after walking the changed mount" kill -0 "$RB_PID"
unmount_fs "$MNT"
check "daemon exits 0 after unmount" [ $? = 0 ]
rm "$YEAR2"
mv "$YEAR2.real" "$YEAR2"
mount_fs "$SRC" "$MNT" "$DB" "$RB_T/daemon4.log" || ko "fourth mount"
walk_ok "after remount, the changes made during the last mount are reflected"
unmount_fs "$MNT"
check "store equals a clean index again" [ "$(store_digest "$DB")" = "$(clean_digest)" ]
rb_finish
