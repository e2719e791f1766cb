#!/bin/bash
# /etc/fstab and `mount -t fuse.takeoutfs` go through mount.fuse3, which runs
# `takeoutfs SOURCE MOUNTPOINT -o opts` with the options mount(8) adds (rw
# unless ro, dev, suid, noauto, x-systemd.*, ...). This checks that path
# end to end: mount.fuse3 directly, mount -T with a temporary fstab (type
# fuse.takeoutfs, found on the standard PATH inside a private mount
# namespace, and type fuse with the program's path as the device), and the
# refusal of rw. Every mount is undone in a trap.
set -u
BIN=${TFS_BIN:?}
T=$(mktemp -d /tmp/tfs-cli-fstab.XXXXXX)
MNT=$T/mnt
cleanup() {
	mountpoint -q "$MNT" 2>/dev/null && { fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT"; }
	rm -rf "$T"
}
trap cleanup EXIT
fail=0
note() { echo "FAIL $*"; fail=1; }

PH="$T/src/Takeout/Google Photos/Photos from 2019"
mkdir -p "$PH" "$MNT" "$T/bin"
cp "$TFS_CORPUS/apple_iphone5_1.jpg" "$PH/IMG_0001.jpg"
printf '{"title":"IMG_0001.jpg","photoTakenTime":{"timestamp":"1553163330"}}' \
	>"$PH/IMG_0001.jpg.json"
SRC=$T/src
ln -s "$(readlink -f "$BIN")" "$T/bin/takeoutfs"
DB=$T/store.sqlite

# The mounted tree serves the photo, and the mount is a read-only fuse.takeoutfs.
check_mounted() {
	local what=$1
	if ! grep -q " $MNT .* - fuse.takeoutfs " /proc/self/mountinfo; then
		note "$what: no fuse.takeoutfs mount on $MNT"
		return
	fi
	grep " $MNT " /proc/self/mountinfo | grep -q ' ro[, ]' || note "$what: mount is not read-only"
	cmp -s "$PH/IMG_0001.jpg" "$MNT/originals/Takeout/Google Photos/Photos from 2019/IMG_0001.jpg" ||
		note "$what: originals/ does not serve the photo"
	[ -n "$(find "$MNT/by-date" -name 'IMG_0001.jpg')" ] || note "$what: by-date/ lacks the photo"
	echo "ok   $what"
}
unmount() {
	fusermount3 -u "$MNT" || note "$1: fusermount3 -u failed"
	for _ in 1 2 3 4 5 6 7 8 9 10; do mountpoint -q "$MNT" || break; sleep 0.2; done
	mountpoint -q "$MNT" && note "$1: still mounted"
}

# 1. mount.fuse3 with the type#source device form.
if PATH=$T/bin:$PATH mount.fuse3 "takeoutfs#$SRC" "$MNT" \
	-o ro,quiet,db="$DB",noatime,nofail,_netdev,x-systemd.automount,comment=test 2>"$T/err"; then
	check_mounted "mount.fuse3 takeoutfs#SOURCE"
	unmount "mount.fuse3 takeoutfs#SOURCE"
else
	note "mount.fuse3 takeoutfs#SOURCE: $(cat "$T/err")"
fi
[ -f "$DB" ] || note "the store named by -o db= was not used"

# 2. mount.fuse3 with -t fuse.takeoutfs, as mount(8) calls it.
if PATH=$T/bin:$PATH mount.fuse3 "$SRC" "$MNT" -t fuse.takeoutfs -o ro,db="$DB",quiet 2>"$T/err"; then
	check_mounted "mount.fuse3 -t fuse.takeoutfs"
	unmount "mount.fuse3 -t fuse.takeoutfs"
else
	note "mount.fuse3 -t fuse.takeoutfs: $(cat "$T/err")"
fi

# 3. mount -T FSTAB with a fuse.takeoutfs line. mount(8) gives its helpers the
# standard PATH, so the program must be there: a bind mount over
# /usr/local/sbin inside a private namespace puts it there for this test only.
cat >"$T/fstab" <<FSTAB
# a comment line, as in a real fstab
$SRC  $MNT  fuse.takeoutfs  ro,noauto,nofail,_netdev,x-systemd.automount,quiet,db=$DB  0  0
FSTAB
unshare -m --propagation private bash -c '
	set -u
	T=$1 MNT=$2
	trap "mountpoint -q \"$MNT\" && fusermount3 -u \"$MNT\"" EXIT
	mount --bind "$T/bin" /usr/local/sbin || exit 3
	mount -T "$T/fstab" "$MNT" 2>"$T/err" || { echo "mount -T: $(cat "$T/err")"; exit 1; }
	grep -q " $MNT .* - fuse.takeoutfs " /proc/self/mountinfo || { echo "mount -T: not mounted"; exit 1; }
	ls "$MNT/by-date/2019" >/dev/null || exit 1
	umount "$MNT" || exit 1
	mountpoint -q "$MNT" && { echo "umount left the mount"; exit 1; }
	exit 0
' bash "$T" "$MNT" && echo "ok   mount -T fstab (fuse.takeoutfs)" || note "mount -T fstab (fuse.takeoutfs)"

# 4. The same line without ro: mount(8) adds rw, which takeoutfs refuses clearly.
sed 's/ ro,noauto/ noauto/' "$T/fstab" >"$T/fstab-rw"
unshare -m --propagation private bash -c '
	T=$1 MNT=$2
	trap "mountpoint -q \"$MNT\" && fusermount3 -u \"$MNT\"" EXIT
	mount --bind "$T/bin" /usr/local/sbin || exit 3
	if mount -T "$T/fstab-rw" "$MNT" 2>"$T/err"; then exit 1; fi
	grep -q "^takeoutfs: -o rw: takeoutfs mounts are read-only; use -o ro" "$T/err"
' bash "$T" "$MNT" && echo "ok   rw from mount(8) is refused: $(head -1 "$T/err")" ||
	note "rw from mount(8): $(cat "$T/err")"
mountpoint -q "$MNT" && note "the rw attempt left a mount"

# 5. mount -T with type fuse and the program's absolute path in the device.
printf '%s  %s  fuse  ro,noauto,db=%s,quiet  0  0\n' "$T/bin/takeoutfs#$SRC" "$MNT" "$DB" >"$T/fstab-abs"
if mount -T "$T/fstab-abs" "$MNT" 2>"$T/err"; then
	check_mounted "mount -T fstab (fuse, PROGRAM#SOURCE)"
	unmount "mount -T fstab (fuse, PROGRAM#SOURCE)"
else
	note "mount -T fstab (fuse, PROGRAM#SOURCE): $(cat "$T/err")"
fi
exit $fail
