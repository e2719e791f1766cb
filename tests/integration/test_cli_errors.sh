#!/bin/bash
# Every user mistake: one line on stderr ("takeoutfs: what: why; what to do"),
# nothing on stdout, the documented exit status, and (for everything that can
# be checked before indexing) no store created. Namespaced cases (a mount
# already there, /dev/fuse missing, a read-only disk) run in `unshare -m`, so
# the real /dev/fuse and mounts are never touched.
set -u
BIN=${TFS_BIN:?}
T=$(mktemp -d /tmp/tfs-cli-errors.XXXXXX)
chmod 755 "$T"
cleanup() {
	mountpoint -q "$T/dead" 2>/dev/null || grep -q " $T/dead " /proc/self/mountinfo &&
		{ fusermount3 -u -z "$T/dead" 2>/dev/null || umount -l "$T/dead"; }
	rm -rf "$T"
}
trap cleanup EXIT
export XDG_CACHE_HOME=$T/cache
fail=0
cases=0

# A minimal Takeout: one real JPEG with its sidecar.
PH="$T/src/Takeout/Google Photos/Photos from 2019"
mkdir -p "$PH"
cp "$TFS_CORPUS/apple_iphone5_1.jpg" "$PH/IMG_0001.jpg"
printf '{"title":"IMG_0001.jpg","photoTakenTime":{"timestamp":"1553163330"}}' \
	>"$PH/IMG_0001.jpg.json"
SRC=$T/src
mkdir -p "$T/mnt"

# expect NAME STATUS PATTERN -- command...: runs the command and checks the answer.
expect() {
	local name=$1 status=$2 pattern=$3
	shift 4
	cases=$((cases + 1))
	"$@" >"$T/out" 2>"$T/err" </dev/null
	local rc=$? lines
	lines=$(wc -l <"$T/err")
	local why=""
	[ "$rc" = "$status" ] || why="exit $rc, wanted $status"
	[ "$lines" = 1 ] || why="$why; $lines lines on stderr"
	[ -s "$T/out" ] && why="$why; stdout not empty"
	grep -q '^takeoutfs: .*: .*; ' "$T/err" || why="$why; not 'takeoutfs: what: why; what to do'"
	grep -qE -- "$pattern" "$T/err" || why="$why; does not match /$pattern/"
	if [ -n "$why" ]; then
		echo "FAIL $name: $why"
		sed 's/^/    stderr: /' "$T/err"
		sed 's/^/    stdout: /' "$T/out"
		fail=1
	else
		echo "ok   $name: $(cat "$T/err")"
	fi
}

# No store may appear for mistakes found before indexing.
no_store() {
	if [ -n "$(find "$T" -name '*.sqlite' -newer "$T/stamp" 2>/dev/null)" ]; then
		echo "FAIL $1: a store was created"
		fail=1
	fi
}
touch "$T/stamp"

# --- the command line (exit 2) ---
expect "missing MOUNTPOINT" 2 "missing argument: no MOUNTPOINT given; usage: takeoutfs" -- "$BIN" "$SRC"
expect "no arguments" 2 "missing argument: no SOURCE given; usage:" -- "$BIN"
expect "a mount point among the SOURCEs" 2 "mnt: an empty folder is no SOURCE; the mount point comes last" -- \
	"$BIN" "$SRC" "$T/mnt" extra
expect "-o rw" 2 "-o rw: takeoutfs mounts are read-only; use -o ro" -- "$BIN" -o rw "$SRC" "$T/mnt"
expect "unknown -o" 2 "-o hidmeta: unknown option; see takeoutfs --help" -- \
	"$BIN" -o hidmeta "$SRC" "$T/mnt"
expect "unknown flag" 2 "--bogus: unknown option" -- "$BIN" --bogus "$SRC" "$T/mnt"
expect "threads" 2 "-o threads=lots: not a number of threads; give a whole number" -- \
	"$BIN" -o threads=lots "$SRC" "$T/mnt"
expect "crc" 2 "-o crc=sometimes: unknown CRC mode; use crc=lazy or crc=eager" -- \
	"$BIN" -o crc=sometimes "$SRC" "$T/mnt"
expect "passthrough" 2 "-o passthrough=always: unknown mode; use passthrough=auto or passthrough=off" -- \
	"$BIN" -o passthrough=always "$SRC" "$T/mnt"
expect "time zone" 2 "-o tz=Mars/Olympus: unknown time zone; use a name" -- \
	"$BIN" -o tz=Mars/Olympus "$SRC" "$T/mnt"
expect "--index-only with a mount point" 2 "mnt: an empty folder is no SOURCE; --index-only takes SOURCEs only" -- \
	"$BIN" --index-only "$SRC" "$T/mnt"
expect "fuse loop option" 2 "-o max_threads=8: fuse's loop options .* are set by takeoutfs" -- \
	"$BIN" -o max_threads=8 "$SRC" "$T/mnt"

# --- SOURCE (exit 1) ---
expect "SOURCE missing" 1 "$T/nope: no such folder; give the folder of the extracted Takeout" -- \
	"$BIN" "$T/nope" "$T/mnt"
touch "$T/file.txt" "$T/takeout-20240101T000000Z-001.zip"
touch "$T/takeout-20240101T000000Z-001.tgz"
expect "SOURCE a file" 1 "file.txt: not a folder; give the folder" -- "$BIN" "$T/file.txt" "$T/mnt"
expect "SOURCE an empty .zip" 1 "001.zip: not a zip archive \(no zip header" -- \
	"$BIN" --index-only "$T/takeout-20240101T000000Z-001.zip"
expect "SOURCE an empty .tgz" 1 "001.tgz: not a tar archive \(no gzip or tar header" -- \
	"$BIN" --index-only "$T/takeout-20240101T000000Z-001.tgz"
no_store "SOURCE checks"

# --- MOUNTPOINT (exit 1) ---
expect "MOUNTPOINT missing" 1 "$T/nomnt: no such folder; create it first" -- \
	"$BIN" "$SRC" "$T/nomnt"
expect "MOUNTPOINT a file" 1 "file.txt: not a folder; mount on an empty folder" -- \
	"$BIN" "$SRC" "$T/file.txt"
mkdir -p "$T/full" && touch "$T/full/notes.txt"
expect "MOUNTPOINT not empty" 1 \
	"full: the folder is not empty \(it holds 'notes.txt'\); choose an empty folder, or add -o nonempty" -- \
	"$BIN" "$SRC" "$T/full"
expect "MOUNTPOINT already mounted" 1 "something is already mounted there; unmount it first" -- \
	unshare -m --propagation private sh -c 'mount -t tmpfs tfs-test "$1" && exec "$2" "$3" "$1"' \
	sh "$T/mnt" "$BIN" "$SRC"
no_store "MOUNTPOINT checks"

# A FUSE daemon killed with -9 leaves a dead mount ("Transport endpoint is not connected").
mkdir -p "$T/dead"
"$BIN" -f -o quiet,db="$T/dead.sqlite" "$SRC" "$T/dead" 2>/dev/null &
dead_pid=$!
for _ in $(seq 50); do grep -q " $T/dead " /proc/self/mountinfo && break; sleep 0.1; done
if grep -q " $T/dead " /proc/self/mountinfo; then
	kill -9 $dead_pid
	wait $dead_pid 2>/dev/null
	expect "MOUNTPOINT a dead FUSE mount" 1 "dead: a dead FUSE mount is still there \(Transport endpoint is not connected\); unmount it first with fusermount3 -u" -- \
		"$BIN" -o db="$T/dead.sqlite" "$SRC" "$T/dead"
	fusermount3 -u -z "$T/dead"
else
	echo "FAIL could not mount for the dead-mount case"
	fail=1
	kill $dead_pid 2>/dev/null
fi
touch "$T/stamp" # the dead-mount case made a store on purpose

# --- /dev/fuse (exit 1), faked inside a private mount namespace ---
expect "/dev/fuse missing" 1 "/dev/fuse: No such file or directory, FUSE is not available; load the fuse module" -- \
	unshare -m --propagation private sh -c 'mount -t tmpfs tfs-test /dev && exec "$1" "$2" "$3"' \
	sh "$BIN" "$SRC" "$T/mnt"
expect "/dev/fuse not a device" 1 "/dev/fuse: not a device, FUSE is not available" -- \
	unshare -m --propagation private sh -c 'mount --bind "$1" /dev/fuse && exec "$2" "$3" "$4"' \
	sh "$T/file.txt" "$BIN" "$SRC" "$T/mnt"
no_store "/dev/fuse checks"

# --- not a Takeout (the indexer's answer, exit 1) ---
mkdir -p "$T/docs/a" "$T/docs/b"
touch "$T/docs/readme.txt" "$T/docs/a/page.html" "$T/docs/b/data.json"
expect "not a Takeout (index-only)" 1 \
	"docs: no photos or videos found \(it holds 2 folders, 1 JSON file and 2 other files\); point takeoutfs at the folder holding Takeout/" -- \
	"$BIN" --index-only -o db="$T/docs.sqlite" "$T/docs"
expect "not a Takeout (mount)" 1 "docs: no photos or videos found \(it holds 2 folders" -- \
	"$BIN" -o db="$T/docs2.sqlite" "$T/docs" "$T/mnt"
mkdir -p "$T/empty"
expect "empty SOURCE" 1 "empty: no photos or videos found \(it is empty\)" -- \
	"$BIN" --index-only -o db="$T/empty.sqlite" "$T/empty"

# --- the store (exit 1) ---
printf 'not a database, only text, but long enough to be read as a header page\n' >"$T/junk.sqlite"
touch "$T/stamp"
expect "store folder missing" 1 "store $T/nodir/s.sqlite: its folder $T/nodir does not exist; create it or choose another -o db=PATH" -- \
	"$BIN" --index-only -o db="$T/nodir/s.sqlite" "$SRC"
expect "store is a folder" 1 "store $T/empty: is a folder; -o db= takes the store's file" -- \
	"$BIN" --index-only -o db="$T/empty" "$SRC"
expect "store is not a store" 1 "junk.sqlite.*; (delete it or choose another -o db=PATH|.*-o db)" -- \
	"$BIN" --index-only -o db="$T/junk.sqlite" "$SRC"
XDG_CACHE_HOME=$T/file.txt expect "cache folder cannot be made" 1 \
	"cannot create the store folder $T/file.txt/takeoutfs: Not a directory; set XDG_CACHE_HOME or use -o db=PATH" -- \
	"$BIN" --index-only "$SRC"
mkdir -p "$T/ro"
expect "store on a read-only disk (new)" 1 "store $T/ro/s.sqlite: the disk is read-only; choose a writable place with -o db=PATH" -- \
	unshare -m --propagation private sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" --index-only -o db="$1/s.sqlite" "$3"' \
	sh "$T/ro" "$BIN" "$SRC"
no_store "store checks"

# An existing, good store on a disk that became read-only.
if "$BIN" --index-only -o db="$T/ro/s.sqlite" "$SRC" >/dev/null 2>"$T/err"; then
	expect "store on a read-only disk (existing)" 1 "store $T/ro/s.sqlite: the disk is read-only" -- \
		unshare -m --propagation private sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" -o db="$1/s.sqlite" "$3" "$4"' \
		sh "$T/ro" "$BIN" "$SRC" "$T/mnt"
else
	echo "FAIL indexing the test Takeout: $(cat "$T/err")"
	fail=1
fi

# Not root: a store folder the user may not write in.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	mkdir -p "$T/rootonly" && chmod 755 "$T/rootonly" && chmod -R a+rX "$T/src"
	expect "store folder not writable" 1 "store $T/rootonly/s.sqlite: cannot write in $T/rootonly \(Permission denied\); choose a writable place" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" --index-only -o db="$T/rootonly/s.sqlite" "$SRC"
fi

# Not root. A private device node over /dev/fuse (mount namespace) makes
# the device's mode known whatever the machine's is: 0600 means no FUSE for
# the user; 0666 gets past the device to -o allow_other, which a fuse.conf
# without user_allow_other (a private copy over /etc/fuse.conf) forbids.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	chmod -R a+rX "$T/src"
	mkdir -p "$T/mnt-nobody" && chown 65534 "$T/mnt-nobody"
	printf '# user_allow_other\nmount_max = 1000\n' >"$T/fuse.conf"
	as_nobody() { # NODE MODE -- command...: runs the command as nobody with /dev/fuse = NODE
		local node=$1 mode=$2
		shift 3
		unshare -m --propagation private sh -c 'mknod -m "$2" "$1" c 10 229 && mount --bind "$1" /dev/fuse && mount --bind "$3" /etc/fuse.conf && shift 3 && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' \
			sh "$node" "$mode" "$T/fuse.conf" "$@"
	}
	expect "no FUSE for this user" 1 "/dev/fuse: Permission denied, FUSE is not allowed for this user; ask the administrator" -- \
		as_nobody "$T/fuse-600" 600 -- "$BIN" -o db=/tmp/never.sqlite "$SRC" "$T/mnt-nobody"
	expect "allow_other not allowed by fuse.conf" 1 "-o allow_other: /etc/fuse.conf does not allow it for users other than root; add the line user_allow_other" -- \
		as_nobody "$T/fuse-666" 666 -- "$BIN" -o allow_other,db=/tmp/never.sqlite "$SRC" "$T/mnt-nobody"
fi

# A store written by a newer takeoutfs: refused by index-only and by mount, left untouched.
"$BIN" --index-only -o db="$T/newer.sqlite" "$SRC" >/dev/null 2>&1
sqlite3 "$T/newer.sqlite" "UPDATE meta SET value=99 WHERE key='schema_version'"
expect "store from a newer version (index-only)" 1 "store $T/newer.sqlite: written by a newer takeoutfs \(schema 99, this one knows up to [0-9]+\); upgrade takeoutfs, or use another -o db=PATH" -- \
	"$BIN" --index-only -o db="$T/newer.sqlite" "$SRC"
expect "store from a newer version (mount)" 1 "newer.sqlite: written by a newer takeoutfs" -- \
	"$BIN" -o db="$T/newer.sqlite" "$SRC" "$T/mnt"
[ "$(sqlite3 "$T/newer.sqlite" "SELECT value FROM meta WHERE key='schema_version'")" = 99 ] ||
	{ echo "FAIL the newer store was changed"; fail=1; }

# Nothing of the above left a mount behind.
if grep -q " $T/" /proc/self/mountinfo; then
	echo "FAIL a mount was left under $T"
	fail=1
fi
echo "$cases cases"
exit $fail
