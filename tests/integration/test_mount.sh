#!/bin/bash
# Mounts a generated Takeout through a real FUSE mount and checks the views
# against the generator's manifest (expected.tsv): every view's listing, the
# bytes of every media file, every .meta (valid JSON, sidecar, match, taken,
# copies, st_size == bytes read), cp -a and rsync -a of a view, 8 parallel
# readers, passthrough (two opens of one file, mmap) and passthrough=off,
# EROFS on every kind of write, a vanished source file, stable names
# and inode numbers across remounts, -o hidemeta, and clean unmounts by
# fusermount3 -u and by SIGTERM. Prints "N passed, N failed".
set -u

BIN=${TFS_BIN:-$(dirname "$0")/../../build/takeoutfs}
GEN=${TFS_GEN:-$(dirname "$0")/../../build/gen-takeout}
ITEMS=${TFS_MOUNT_ITEMS:-80}
# Extra generator options (e.g. "--flat", "--corpus DIR") for manual runs.
GEN_ARGS=${TFS_MOUNT_GEN_ARGS:---seed 11 --parts 2}

# shellcheck source=mount_lib.sh
. "$(dirname "$0")/mount_lib.sh"
tfs_workdir mount-test

mount_it() { tfs_mount "$DB" "$@"; }

# ---------------------------------------------------------------- setup
# shellcheck disable=SC2086
if ! "$GEN" --out "$SRC" --items "$ITEMS" $GEN_ARGS >"$W/gen.log" 2>&1; then
	cat "$W/gen.log" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
if ! "$BIN" --index-only -o quiet -o db="$DB" "$SRC" >"$W/index.log" 2>&1; then
	cat "$W/index.log" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
M=$SRC/expected.tsv
grep -v '^#' "$M" >"$W/lines.tsv"
# Files the views must show: not in the trash; groups (items) with at least one such file.
awk -F'\t' '$6 == 0' "$W/lines.tsv" >"$W/live.tsv"
n_files=$(wc -l <"$W/lines.tsv")
n_items=$(cut -f8 "$W/live.tsv" | sort -u | wc -l)
n_favorites=$(awk -F'\t' '$5 == 1 { print $8 }' "$W/live.tsv" | sort -u | wc -l)

mount_it || {
	echo "0 passed, 1 failed"
	exit 1
}

# ---------------------------------------------------------------- originals/
O=$MNT/originals
check "originals holds every media file ($n_files)" \
	test "$(find "$O" -type f ! -name '*.meta' | wc -l)" -eq "$n_files"
check "originals has no folder without media" \
	test -z "$(find "$O" -mindepth 1 -type d -empty)"
bytes_bad=0 meta_bad=0 size_bad=0
while IFS=$'\t' read -r path sidecar rule taken fav trashed albums group flags; do
	f=$O/$path
	cmp -s "$f" "$SRC/$path" || {
		bytes_bad=$((bytes_bad + 1))
		echo "bytes differ: $path" >&2
	}
	[ "$(stat -c %s "$f.meta")" -eq "$(wc -c <"$f.meta")" ] || size_bad=$((size_bad + 1))
	copies=$(awk -F'\t' -v g="$group" -v p="$path" '$8 == g && $1 != p { print $1 }' \
		"$W/lines.tsv" | sort | jq -R . | jq -cs .)
	case ",$flags," in *,ambiguous,*) sidecar=skip rule=skip ;; *,rule-uncertain,*) rule=skip ;; esac
	[ "$sidecar" = - ] && rule=-
	if ! jq_true --arg p "$path" --arg s "$sidecar" --arg r "$rule" --arg t "$taken" \
		--argjson c "$copies" '
		.source == $p and (.size | type) == "number" and (.taken | type) == "string"
		and ($s == "skip" or (if $s == "-" then .sidecar == null else .sidecar == $s end))
		and ($r == "skip" or (if $r == "-" then .match == null else .match == $r end))
		and ($t == "-" or $s == "skip" or .google.photoTakenTime == ($t | tonumber))
		and ((.copies | sort) == $c)
		and (.crc32 == null or (.crc32 | test("^[0-9a-f]{8}$")))' "$f.meta" >/dev/null; then
		meta_bad=$((meta_bad + 1))
		echo "meta mismatch: $path (sidecar $sidecar rule $rule taken $taken)" >&2
		jq -c '{source, sidecar, match, google: .google.photoTakenTime, copies}' "$f.meta" >&2
	fi
done <"$W/lines.tsv"
check "every media file reads as its source ($bytes_bad differ)" test "$bytes_bad" -eq 0
check "every .meta matches the manifest ($meta_bad differ)" test "$meta_bad" -eq 0
check "every .meta st_size equals its bytes ($size_bad differ)" test "$size_bad" -eq 0

# ---------------------------------------------------------------- by-* views
count_media() { find "$1" -type f ! -name '*.meta' | wc -l; }
check "by-date holds every distinct live item once ($n_items)" \
	test "$(count_media "$MNT/by-date")" -eq "$n_items"
check "by-camera holds every distinct live item once" \
	test "$(count_media "$MNT/by-camera")" -eq "$n_items"
check "favorites holds the favorited items ($n_favorites)" \
	test "$(count_media "$MNT/favorites")" -eq "$n_favorites"
check "by-date is YYYY/YYYY-MM" \
	test -z "$(find "$MNT/by-date" -mindepth 1 -maxdepth 2 -type d | grep -Ev '/by-date/[0-9]{4}(/[0-9]{4}-[0-9]{2})?$')"

view_bad=0
while IFS= read -r -d '' f; do
	rel=${f#"$MNT"/}
	src=$(jq -r .source "$f.meta")
	cmp -s "$f" "$SRC/$src" || {
		view_bad=$((view_bad + 1))
		echo "bytes differ: $rel ($src)" >&2
	}
	case $rel in
	by-date/*)
		ym=$(jq -r '.taken[0:7]' "$f.meta")
		[ "${rel#by-date/}" != "${rel#by-date/"${ym:0:4}"/"$ym"/}" ] || {
			view_bad=$((view_bad + 1))
			echo "wrong month: $rel taken $(jq -r .taken "$f.meta")" >&2
		}
		;;
	by-camera/*)
		cam=$(jq -r '.camera // "Unknown camera"' "$f.meta")
		[ "${rel#by-camera/"$cam"/}" != "$rel" ] || {
			view_bad=$((view_bad + 1))
			echo "wrong camera: $rel is $cam" >&2
		}
		;;
	favorites/*)
		jq_true '.google.favorited == true' "$f.meta" >/dev/null || {
			view_bad=$((view_bad + 1))
			echo "not a favorite: $rel" >&2
		}
		;;
	by-album/*)
		folder=${rel#by-album/}
		folder=${folder%%/*}
		jq_true '.google.albums | length > 0' "$f.meta" >/dev/null || {
			view_bad=$((view_bad + 1))
			echo "no album in .meta: $rel" >&2
		}
		;;
	esac
	if jq_true '.google.trashed == true' "$f.meta" >/dev/null; then
		view_bad=$((view_bad + 1))
		echo "trashed item outside originals: $rel" >&2
	fi
done < <(find "$MNT/by-date" "$MNT/by-camera" "$MNT/favorites" "$MNT/by-album" -type f \
	! -name '*.meta' -print0)
check "every view entry is its source's bytes, in the right folder ($view_bad wrong)" \
	test "$view_bad" -eq 0

# Album folders: one per album title of the manifest (numbered when titles repeat).
titles=$(cut -f7 "$W/live.tsv" | grep -v '^-$' | tr '|' '\n' | grep -v '^""$' | sed 's#/#∕#g' |
	sort -u)
folders=$(find "$MNT/by-album" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' |
	sed -E 's/ \([0-9]+\)$//' | sort -u)
missing=$(comm -23 <(echo "$titles") <(echo "$folders") | grep -c .)
check "by-album has a folder for every album title ($missing missing)" test "$missing" -eq 0
# Album contents: the (title, content group) pairs seen through by-album/
# equal the manifest's (untitled albums, named after their folder, left out).
cut -f1,8 "$W/lines.tsv" | sort >"$W/group.tsv"
while IFS= read -r -d '' f; do
	folder=${f#"$MNT"/by-album/}
	folder=${folder%%/*}
	printf '%s\t%s\n' "$(printf '%s' "$folder" | sed -E 's/ \([0-9]+\)$//')" \
		"$(jq -r .source "$f.meta")"
done < <(find "$MNT/by-album" -type f ! -name '*.meta' -print0) |
	sort -t$'\t' -k2,2 | join -t$'\t' -1 2 -2 1 -o 1.1,2.2 - "$W/group.tsv" |
	awk -F'\t' 'NR == FNR { titled[$0] = 1; next } $1 in titled' <(echo "$titles") - |
	sort -u >"$W/album-seen.tsv"
awk -F'\t' '$7 != "-" { n = split($7, a, "|"); for (i = 1; i <= n; i++) if (a[i] != "\"\"") print a[i] "\t" $8 }' \
	"$W/live.tsv" | sed 's#/#∕#g' | sort -u >"$W/album-expected.tsv"
check "by-album holds exactly the manifest's album items" \
	diff "$W/album-expected.tsv" "$W/album-seen.tsv"
check "names never hold a slash replacement of . or .." \
	test -z "$(find "$MNT" -name '.' -o -name '..' | grep -v "^$MNT\$")"

# ---------------------------------------------------------------- status.json
check "status.json is JSON with the file count" \
	jq_true --argjson n "$n_files" '.files == $n' "$MNT/.takeoutfs/status.json"
check "status.json st_size equals its bytes" \
	test "$(stat -c %s "$MNT/.takeoutfs/status.json")" -eq "$(wc -c <"$MNT/.takeoutfs/status.json")"

# ---------------------------------------------------------------- attributes
check "files are 0444, folders 0555" \
	test -z "$(find "$MNT" \( -type f ! -perm 0444 \) -o \( -type d ! -perm 0555 \))"
check "owned by the mounting user" test -z "$(find "$MNT" ! -user "$(id -u)")"
f=$(find "$MNT/by-date" -type f ! -name '*.meta' | head -1)
check "a media file's mtime is its taken time" \
	test "$(stat -c %Y "$f")" -eq "$(date -d "$(jq -r .taken "$f.meta")" +%s)"

# ---------------------------------------------------------------- copies of a view
cp -a "$MNT/by-date" "$W/cp" 2>"$W/cp.log"
check "cp -a of by-date succeeds" test $? -eq 0
check "cp -a copy equals the view" diff -r "$MNT/by-date" "$W/cp"
rsync -a "$MNT/by-camera/" "$W/rs/" 2>"$W/rsync.log"
check "rsync -a of by-camera succeeds" test $? -eq 0
check "rsync copy equals the view" diff -r "$MNT/by-camera" "$W/rs"

# ---------------------------------------------------------------- parallel readers
(cd "$MNT/originals" && find . -type f -print0 | sort -z | xargs -0 cat | md5sum) >"$W/sum.0"
for i in 1 2 3 4 5 6 7 8; do
	(cd "$MNT/originals" && find . -type f -print0 | sort -z | xargs -0 cat | md5sum) \
		>"$W/sum.$i" &
done
wait $(jobs -p | grep -v "^$PID\$") 2>/dev/null
same=0
for i in 1 2 3 4 5 6 7 8; do cmp -s "$W/sum.0" "$W/sum.$i" && same=$((same + 1)); done
check "8 parallel readers read the same bytes ($same/8)" test "$same" -eq 8

# ---------------------------------------------------------------- passthrough
# Root on Linux 6.9+ gets FUSE passthrough: the kernel reads media files from
# the source itself. Two opens of one inode at once must share one backing
# file (the kernel refuses two), and mmap goes to the source too.
f=$(find "$O" -type f ! -name '*.meta' | head -1)
src_f=$SRC/${f#"$O"/}
kernel=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
# (A source on a stacked filesystem, overlayfs or FUSE, is left to the daemon.)
src_fs=$(stat -f -c %T "$SRC")
passthrough_expected() { # root, Linux >= 6.9, SOURCE on a plain filesystem
	[ "$(id -u)" = 0 ] && [ "$kernel" -ge 6009 ] && [ "$src_fs" != overlayfs ] &&
		[ "${src_fs#fuse}" = "$src_fs" ]
}
# two_opens_read FILE SOURCE: FILE open twice at once reads as SOURCE both times.
two_opens_read() { (exec 3<"$1" 4<"$1" && cmp - "$2" <&3 && cmp - "$2" <&4); }
if passthrough_expected; then
	check "passthrough is on (root, Linux >= 6.9, SOURCE on $src_fs)" \
		jq_true '.reads.passthrough == true and .reads.opens_passthrough > 0' \
		"$MNT/.takeoutfs/status.json"
fi
check "status.json: every media open counted once" \
	jq_true '.reads.opens_passthrough + .reads.opens_daemon > 0' "$MNT/.takeoutfs/status.json"
check "two opens of one file at once read its bytes" two_opens_read "$f" "$src_f"
if [ -x "${TFS_BUILD:-}/tfs_mmapcat" ]; then
	check "mmap reads the source's bytes" \
		bash -c '"$1" "$2" | cmp - "$3"' _ "$TFS_BUILD/tfs_mmapcat" "$f" "$src_f"
fi

# ---------------------------------------------------------------- read-only
f=$(find "$O" -type f ! -name '*.meta' | head -1)
d=$(dirname "$f")
erofs() { # erofs "what" command...: fails, saying "Read-only file system"
	local what=$1
	shift
	if "$@" 2>"$W/err" >/dev/null; then
		bad "$what succeeded on a read-only mount"
	elif grep -q 'Read-only file system' "$W/err"; then ok; else
		bad "$what: $(cat "$W/err")"
	fi
}
erofs "touch new" touch "$d/new-file"
erofs "touch existing" touch "$f"
erofs "mkdir" mkdir "$d/new-dir"
erofs "rm" rm -f "$f"
erofs "rmdir" rmdir "$MNT/favorites"
erofs "mv" mv "$f" "$d/renamed"
erofs "ln" ln "$f" "$d/linked"
erofs "echo >" sh -c "echo x > '$f'"
erofs "echo >>" sh -c "echo x >> '$f.meta'"
erofs "chmod" chmod 0644 "$f"
erofs "truncate" truncate -s 0 "$f"
check "source unchanged after the write attempts" cmp -s "$f" "$SRC/${f#"$O"/}"

# ---------------------------------------------------------------- lookups that fail
check "a missing name is ENOENT" test ! -e "$MNT/by-date/no-such-year"
check "a folder has no .meta" test ! -e "$MNT/by-date.meta"

# ---------------------------------------------------------------- remount: same names and inodes
(cd "$MNT" && find . -printf '%i %s %p\n' | sort -k3) >"$W/tree.1"
# stop_with "how" command...: unmounts by command and checks the daemon exits 0.
stop_with() {
	local how=$1
	shift
	"$@"
	for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
	if kill -0 "$PID" 2>/dev/null; then
		bad "$how does not end the daemon"
	else
		wait "$PID"
		check "$how: the daemon exits 0" test $? -eq 0
		PID=
		check "$how: unmounted" sh -c "! mountpoint -q '$MNT'"
	fi
	unmount
}
stop_with "fusermount3 -u" fusermount3 -u "$MNT"
mount_it || bad "remount"
(cd "$MNT" && find . -printf '%i %s %p\n' | sort -k3) >"$W/tree.2"
check "remount gives the same names, sizes and inode numbers" cmp -s "$W/tree.1" "$W/tree.2"

# A source file that vanishes under the mount: an error, not a crash.
victim=$(head -1 "$W/lines.tsv" | cut -f1)
mv "$SRC/$victim" "$W/victim"
check "a vanished source file fails to open" sh -c "! cat '$O/$victim' >/dev/null 2>&1"
check "the daemon survives a vanished source file" kill -0 "$PID"
mv "$W/victim" "$SRC/$victim"
check "the file reads again once it is back" cmp -s "$O/$victim" "$SRC/$victim"

stop_with "SIGTERM" kill -TERM "$PID"

# ---------------------------------------------------------------- passthrough refused for one file
# A folder of SOURCE on overlayfs: the kernel refuses its files as backing
# files (ELOOP, a stack too deep), and only those go through the daemon, even
# when one of them is the first file opened after mounting. Its own small
# tree, as the overlay hides nothing but must be unmounted before cleanup.
if passthrough_expected; then
	main_src=$SRC
	SRC=$W/ovsrc
	"$GEN" --out "$SRC" --items 30 --seed 4 >/dev/null 2>&1 || bad "generate the overlay tree"
	ov_dir=$(find "$SRC" -type d -name 'Photos from *' | sort | head -1)
	mkdir -p "$W/ov-empty"
	if [ -n "$ov_dir" ] &&
		mount -t overlay overlay -o "lowerdir=$ov_dir:$W/ov-empty" "$ov_dir" 2>/dev/null; then
		trap 'umount "$ov_dir" 2>/dev/null; tfs_cleanup' EXIT INT TERM
		"$BIN" --index-only -o quiet -o db="$W/ov.sqlite" "$SRC" >/dev/null 2>&1 ||
			bad "index the overlay tree"
		tfs_mount "$W/ov.sqlite" || bad "mount the overlay tree"
		# Media files from the manifest: one inside the overlay, one outside.
		in_ov() { awk -F'\t' -v d="${ov_dir#"$SRC"/}/" -v want="$1" \
			'!/^#/ && (index($1, d) == 1) == want { print $1; exit }' "$SRC/expected.tsv"; }
		ov_rel=$(in_ov 1)
		plain_rel=$(in_ov 0)
		check "a file on overlayfs, opened first, reads its bytes" \
			cmp -s "$MNT/originals/$ov_rel" "$SRC/$ov_rel"
		check "...twice at once" two_opens_read "$MNT/originals/$ov_rel" "$SRC/$ov_rel"
		check "a plain file after it reads its bytes" \
			cmp -s "$MNT/originals/$plain_rel" "$SRC/$plain_rel"
		check "passthrough stays on for the other files" \
			jq_true '.reads.passthrough == true and .reads.opens_passthrough >= 1 and .reads.opens_daemon >= 3' \
			"$MNT/.takeoutfs/status.json"
		unmount
		umount "$ov_dir" || bad "unmount the overlay"
		trap tfs_cleanup EXIT INT TERM
	else
		echo "skipped: no overlayfs here" >&2
	fi
	SRC=$main_src
fi

# ---------------------------------------------------------------- -o hidemeta, -s, passthrough=off
mount_it -s -o hidemeta -o passthrough=off || bad "mount -s -o hidemeta -o passthrough=off"
check "hidemeta: no .meta listed" test -z "$(find "$MNT" -name '*.meta' | head -1)"
f=$(find "$MNT/by-date" -type f | head -1)
check "hidemeta: .meta still opens by name" jq_true .source "$f.meta"
check "single-threaded: bytes as the source" cmp -s "$f" "$SRC/$(jq -r .source "$f.meta")"
check "passthrough=off: the daemon serves the reads" \
	jq_true '.reads.passthrough == false and .reads.opens_passthrough == 0 and .reads.opens_daemon > 0' \
	"$MNT/.takeoutfs/status.json"
stop_with "fusermount3 -u (single-threaded)" fusermount3 -u "$MNT"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
