#!/bin/bash
# What a user meets when things go right: --help, --version, the default
# store location, SOURCE given at any of its three levels, the --index-only
# summary, progress on a terminal (and none with -o quiet or off a terminal
# for a short run), options reaching the mount (-f, hidemeta), and the exit
# status of a foreground mount ended by fusermount3 -u or SIGTERM.
set -u

# shellcheck source=json_lib.sh
. "$(dirname "$0")/json_lib.sh"
BIN=$(readlink -f "${TFS_BIN:?}")
T=$(mktemp -d /tmp/tfs-cli-run.XXXXXX)
MNT=$T/mnt
cleanup() {
	mountpoint -q "$MNT" 2>/dev/null && fusermount3 -u "$MNT"
	rm -rf "$T"
}
trap cleanup EXIT
fail=0
note() { echo "FAIL $*"; fail=1; }
ok() { echo "ok   $*"; }

PH="$T/src/Takeout/Google Photos/Photos from 2019"
mkdir -p "$PH" "$MNT"
cp "$TFS_CORPUS/apple_iphone5_1.jpg" "$PH/IMG_0001.jpg"
cp "$TFS_CORPUS/canon_eos30d_1.jpg" "$PH/IMG_0002.jpg"
printf '{"title":"IMG_0001.jpg","photoTakenTime":{"timestamp":"1553163330"}}' \
	>"$PH/IMG_0001.jpg.json"
SRC=$T/src

# --help: usage, every takeoutfs option, then libfuse's own.
"$BIN" --help >"$T/out" 2>"$T/err"
rc=$?
[ $rc = 0 ] || note "--help exits $rc"
for want in "usage: takeoutfs \[options\] SOURCE\.\.\. MOUNTPOINT" "--index-only" "-o db=PATH" \
	"-o threads=N" "-o reindex" "-o crc=lazy|eager" "-o hidemeta" "-o tz=ZONE" "-o quiet" \
	"-o default_permissions" "FUSE options:" "-o allow_other" "-o auto_unmount"; do
	grep -q -- "$want" "$T/out" || note "--help lacks '$want'"
done
[ -s "$T/err" ] && note "--help wrote to stderr: $(cat "$T/err")"
"$BIN" -h | cmp -s - "$T/out" || note "-h differs from --help"
ok "--help"

# --version: takeoutfs and every library, one per line.
"$BIN" --version >"$T/out" || note "--version failed"
for lib in takeoutfs libfuse SQLite libexif zlib libmagic cJSON utf8proc; do
	grep -qE "^$lib [0-9]" "$T/out" || note "--version lacks a version for $lib: $(grep "^$lib" "$T/out")"
done
"$BIN" -V | cmp -s - "$T/out" || note "-V differs from --version"
ok "--version: $(tr '\n' ' ' <"$T/out")"

# --index-only with the default store: $XDG_CACHE_HOME/takeoutfs/<16 hex>-src.sqlite, folder 0700.
export XDG_CACHE_HOME=$T/cache
"$BIN" --index-only "$SRC" >"$T/out" 2>"$T/err" || note "--index-only failed: $(cat "$T/err")"
store=$(ls "$T/cache/takeoutfs/" 2>/dev/null)
[[ "$store" =~ ^[0-9a-f]{16}-src\.sqlite$ ]] || note "default store is named '$store'"
[ "$(stat -c %a "$T/cache/takeoutfs")" = 700 ] || note "store folder is not 0700"
[ "$(stat -c %a "$T/cache")" = 700 ] || note "created cache folder is not 0700"
grep -q "^$SRC: 2 media files, 2 distinct items (0 duplicates); 1 with a sidecar, 1 without; .* Store: $T/cache/takeoutfs/$store\$" "$T/out" ||
	note "--index-only summary: $(cat "$T/out")"
[ "$(wc -l <"$T/out")" = 1 ] || note "summary is not one paragraph"
[ -s "$T/err" ] && note "a short run off a terminal printed progress: $(cat "$T/err")"
ok "--index-only: $(cat "$T/out")"

# Unchanged SOURCE: nothing opened, same store.
"$BIN" --index-only "$SRC" >"$T/out" 2>"$T/err"
grep -q "0 files opened this pass.*nothing changed" "$T/out" || note "second pass: $(cat "$T/out")"
[ "$(ls "$T/cache/takeoutfs/")" = "$store" ] || note "second pass made another store"
ok "second pass: nothing opened"

# HOME fallback when XDG_CACHE_HOME is unset or relative.
env -u XDG_CACHE_HOME HOME="$T/home" "$BIN" --index-only "$SRC" >/dev/null 2>"$T/err" ||
	note "HOME fallback: $(cat "$T/err")"
[ -f "$T/home/.cache/takeoutfs/$store" ] || note "HOME fallback store missing"
XDG_CACHE_HOME=relative HOME="$T/home2" "$BIN" --index-only "$SRC" >/dev/null 2>&1
[ -f "$T/home2/.cache/takeoutfs/$store" ] || note "relative XDG_CACHE_HOME was not ignored"
ok "default store under \$HOME/.cache"

# SOURCE at its three levels: the folder holding Takeout/, Takeout, the photos folder.
for level in "$SRC/Takeout" "$SRC/Takeout/Google Photos"; do
	"$BIN" --index-only -o db="$T/level.sqlite",reindex "$level" >"$T/out" 2>"$T/err" ||
		note "SOURCE=$level: $(cat "$T/err")"
	grep -q ": 2 media files" "$T/out" || note "SOURCE=$level: $(cat "$T/out")"
done
ok "SOURCE at three levels"

# A relative -o db= is made absolute (the daemon leaves the working folder).
(cd "$T" && "$BIN" --index-only -o db=rel.sqlite src >"$T/out" 2>&1) || note "relative db: $(cat "$T/out")"
grep -q "Store: $T/rel.sqlite\$" "$T/out" || note "relative db: $(cat "$T/out")"
ok "relative -o db="

# -o tz=: a valid zone is accepted.
"$BIN" --index-only -o tz=Europe/Paris,db="$T/tz.sqlite" "$SRC" >/dev/null 2>"$T/err" ||
	note "-o tz=Europe/Paris: $(cat "$T/err")"
ok "-o tz=Europe/Paris"

# Progress on a terminal: one line rewritten with \r and cleared at the end;
# -o quiet shows none.
if command -v script >/dev/null; then
	script -qefc "'$BIN' --index-only -o reindex,db='$T/tty.sqlite' '$SRC'" /dev/null >"$T/tty" 2>&1
	grep -q $'\r' "$T/tty" || note "no \\r progress on a terminal: $(cat -v "$T/tty")"
	grep -qE "(scanning folders|reading sidecars|reading media|finishing): " "$T/tty" ||
		note "no phase in the progress line: $(cat -v "$T/tty")"
	# The terminal turns \n into \r\n; after that, the text between the last
	# lone \r and the summary must be blank (the progress line was cleared).
	sed 's/\r$//' "$T/tty" >"$T/tty-lines"
	last=$(tail -1 "$T/tty-lines")
	[[ "$last" == *$'\r'* ]] || note "progress never rewrote the summary's line: $(cat -v "$T/tty")"
	cleared=$(awk -F'\r' 'END {print $(NF-1)}' "$T/tty-lines")
	[ -z "$(tr -d ' ' <<<"$cleared")" ] || note "progress line not cleared: '$cleared'"
	grep -q ": 2 media files" <<<"${last##*$'\r'}" || note "no summary after the progress: $(cat -v "$T/tty")"
	script -qefc "'$BIN' --index-only -o reindex,quiet,db='$T/tty.sqlite' '$SRC'" /dev/null >"$T/tty" 2>&1
	sed 's/\r$//' "$T/tty" | grep -q $'\r' && note "-o quiet still shows progress: $(cat -v "$T/tty")"
	ok "progress on a terminal, none with -o quiet"
fi

# A foreground mount: -f keeps takeoutfs attached; fusermount3 -u ends it with status 0.
"$BIN" -f -o db="$T/fg.sqlite",hidemeta "$SRC" "$MNT" 2>"$T/err" &
pid=$!
for _ in $(seq 50); do mountpoint -q "$MNT" && break; sleep 0.1; done
if mountpoint -q "$MNT"; then
	kill -0 $pid 2>/dev/null || note "-f: the process is not in the foreground"
	d=$(dirname "$(find "$MNT/by-date" -name IMG_0001.jpg | head -1)")
	ls "$d" | grep -q '\.meta$' && note "-o hidemeta: .meta files are listed"
	[ -s "$d/IMG_0001.jpg.meta" ] || note "-o hidemeta: IMG_0001.jpg.meta does not open by name"
	grep -q "items (2 files)" "$T/err" || note "no short summary before mounting: $(cat "$T/err")"
	fusermount3 -u "$MNT"
	wait $pid
	rc=$?
	[ $rc = 0 ] || note "-f mount exited $rc after fusermount3 -u"
	ok "-f mount, hidemeta, exit 0 after fusermount3 -u"
else
	note "-f: nothing mounted: $(cat "$T/err")"
	kill $pid 2>/dev/null
fi

# SIGTERM to the daemon unmounts and exits 0; -o quiet prints nothing at all.
"$BIN" -f -o db="$T/fg.sqlite",quiet "$SRC" "$MNT" 2>"$T/err" &
pid=$!
for _ in $(seq 50); do mountpoint -q "$MNT" && break; sleep 0.1; done
if mountpoint -q "$MNT"; then
	kill -TERM $pid
	wait $pid
	rc=$?
	[ $rc = 0 ] || note "SIGTERM: exit $rc"
	mountpoint -q "$MNT" && note "SIGTERM left the mount"
	[ -s "$T/err" ] && note "-o quiet printed: $(cat "$T/err")"
	ok "SIGTERM unmounts, exit 0, -o quiet silent"
else
	note "quiet mount failed: $(cat "$T/err")"
	kill $pid 2>/dev/null
fi

# Daemon mode: takeoutfs returns once mounted; fusermount3 -u ends the daemon.
if "$BIN" -o db="$T/fg.sqlite",quiet "$SRC" "$MNT" 2>"$T/err"; then
	mountpoint -q "$MNT" || note "daemon: not mounted on return"
	fusermount3 -u "$MNT" || note "daemon: fusermount3 -u failed"
	ok "daemon mount"
else
	note "daemon mount: $(cat "$T/err")"
fi
# A user other than root mounts through the setuid fusermount3 and unmounts
# with fusermount3 -u. A private 0666 device node (mount namespace) stands in
# for /dev/fuse, whose mode differs between machines.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	chmod 755 "$T" && chmod -R a+rX "$SRC"
	mkdir -p "$T/user/mnt" && chown -R 65534 "$T/user"
	export -f jq_true
	unshare -m --propagation private bash -c '
		T=$1 BIN=$2 SRC=$3
		mknod -m 666 "$T/fuse-node" c 10 229 && mount --bind "$T/fuse-node" /dev/fuse || exit 3
		as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups env -u XDG_CACHE_HOME HOME="$T/user" "$@"; }
		as_user "$BIN" -o quiet "$SRC" "$T/user/mnt" 2>"$T/err" || { echo "user mount: $(cat "$T/err")"; exit 1; }
		ok=0
		p=$(as_user find "$T/user/mnt/by-date" -name IMG_0001.jpg | head -1)
		[ -n "$p" ] || { echo "user cannot see the photo"; ok=1; }
		# No CAP_SYS_ADMIN, so no passthrough: the daemon serves the bytes.
		as_user cat "$p" | cmp -s - "$SRC/$(as_user jq -r .source "$p.meta")" || { echo "user reads other bytes"; ok=1; }
		as_user cat "$T/user/mnt/.takeoutfs/status.json" | jq_true ".reads.passthrough == false and .reads.opens_daemon > 0" ||
			{ echo "user mount claims passthrough: $(as_user jq -c .reads "$T/user/mnt/.takeoutfs/status.json")"; ok=1; }
		ls "$T"/user/.cache/takeoutfs/*-src.sqlite >/dev/null || { echo "no store under the user HOME"; ok=1; }
		as_user fusermount3 -u "$T/user/mnt" || { echo "user fusermount3 -u failed"; fusermount3 -u "$T/user/mnt"; ok=1; }
		exit $ok
	' bash "$T" "$BIN" "$SRC" && ok "a user mounts and unmounts through fusermount3" || note "user mount"
fi
exit $fail
