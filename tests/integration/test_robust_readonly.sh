#!/bin/bash
# SOURCE is never changed: a digest of every name, type, size, mode, owner,
# mtime, ctime, inode, link target and byte of SOURCE is identical before and
# after indexing, mounting, heavy parallel reading and unmounting. Every
# write-type call on the mount (create, write, truncate, mkdir, rmdir,
# unlink, rename, link, symlink, chmod, chown, utimes, setxattr, mknod)
# fails with exactly EROFS, in every view, on media, .meta, status.json and
# folders, and leaves nothing behind.
. "$TFS_SRC/tests/stress/robust_lib.sh"

WALK=$(rb_tool tfs_walkread)
EROFS=$(rb_tool tfs_erofs)
SRC=$RB_T/src
DB=$RB_T/store.sqlite
MNT=$RB_T/mnt

"$TFS_GEN" --out "$SRC" --items 600 --seed 5 --corpus "$TFS_CORPUS" >"$RB_T/gen.log" 2>&1 ||
	{ cat "$RB_T/gen.log"; ko "gen-takeout"; rb_finish; }
# A few unusual modes and times, which must survive too.
first=$(find "$SRC" -name '*.jpg' -print -quit)
chmod 0400 "$first"
touch -d '1999-12-31 23:59:59' "$(find "$SRC" -name '*.json' -print -quit)"
before=$(digest_tree "$SRC")
ok "SOURCE digest $before"

timeout -k 5 120 "$TFS_BIN" --index-only -o "db=$DB" "$SRC" >"$RB_T/index.out" 2>&1
check "index exits 0" [ $? = 0 ]
check "SOURCE unchanged after indexing" [ "$(digest_tree "$SRC")" = "$before" ]

if ! mount_fs "$SRC" "$MNT" "$DB" "$RB_T/daemon.log"; then
	ko "mounted"; rb_finish
fi
ok "mounted"
check "the mount is read-only in /proc/self/mounts" \
	grep -qE " $(realpath "$MNT") fuse[^ ]* (ro,|ro |[^ ]*,ro,|[^ ]*,ro )" /proc/self/mounts

# Heavy reading: four walkers in parallel, each reading everything twice.
pids=()
for i in 1 2 3 4; do
	timeout -k 5 300 "$WALK" --timeout 20 --repeat 2 --source "$SRC" "$MNT" >"$RB_T/walk$i.txt" 2>&1 &
	pids+=($!)
done
bad=0
for i in 1 2 3 4; do
	wait "${pids[$((i - 1))]}" || { bad=1; grep -E '^BAD' "$RB_T/walk$i.txt" | head -5; }
done
check "4 parallel full reads x2: every byte equals SOURCE ($(grep -o '[0-9]* files' "$RB_T/walk1.txt" | head -1) each)" [ $bad = 0 ]

# Write-type calls everywhere.
pick() { find "$MNT/$1" -mindepth 1 -maxdepth "${3:-6}" -type "$2" ! -name '*.meta' -print -quit 2>/dev/null; }
files=()
dirs=()
for view in originals by-date by-camera by-album favorites; do
	f=$(pick "$view" f)
	[ -n "$f" ] && files+=(--file "$f" --file "$f.meta")
	d=$(pick "$view" d)
	[ -n "$d" ] && dirs+=(--dir "$d")
	dirs+=(--dir "$MNT/$view")
done
[ -f "$MNT/.takeoutfs/status.json" ] && files+=(--file "$MNT/.takeoutfs/status.json") && dirs+=(--dir "$MNT/.takeoutfs")
"$EROFS" "${files[@]}" "${dirs[@]}" --root "$MNT" >"$RB_T/erofs.txt" 2>&1
rc=$?
grep FAIL "$RB_T/erofs.txt" | head -20
check "every write-type call fails with EROFS: $(tail -1 "$RB_T/erofs.txt")" [ $rc = 0 ]
check "touch through the shell says Read-only file system" \
	bash -c "touch '$MNT/originals/x' 2>&1 | grep -q 'Read-only file system'"
check "the daemon survived the write attempts" kill -0 "$RB_PID"
check "SOURCE unchanged while mounted" [ "$(digest_tree "$SRC")" = "$before" ]
unmount_fs "$MNT"
check "daemon exits 0 after unmount" [ $? = 0 ]
check "SOURCE unchanged after index, mount, reading, write attempts and unmount" \
	[ "$(digest_tree "$SRC")" = "$before" ]
rb_finish
