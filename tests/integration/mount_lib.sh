# Shared by the mount tests (sourced, not run): pass/fail counting, a work
# folder removed on exit, and starting the daemon in the foreground in the
# background, waiting for the mount and taking it down again, each bounded
# in time. Uses the caller's BIN; the daemon's stderr is appended to
# $W/daemon.log across mounts.

# shellcheck source=json_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/json_lib.sh"

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
}
check() { # check "what" command...
	local what=$1
	shift
	if "$@" >/dev/null; then ok; else bad "$what"; fi
}

# tfs_workdir NAME: W (a new folder, removed on exit), SRC, MNT and DB in it.
tfs_workdir() {
	W=$(mktemp -d "/tmp/tfs-$1.XXXXXX")
	SRC=$W/src
	MNT=$W/mnt
	DB=$W/db.sqlite
	PID=
	trap tfs_cleanup EXIT INT TERM
}

tfs_cleanup() {
	tfs_unmount
	rm -rf "$W"
}
unmount() { tfs_unmount; }

# tfs_mount DB [options...]: mounts SRC at MNT with the store DB.
tfs_mount() {
	local db=$1
	shift
	mkdir -p "$MNT"
	"$BIN" -f -o quiet -o db="$db" "$@" "$SRC" "$MNT" 2>>"$W/daemon.log" &
	PID=$!
	for _ in $(seq 400); do
		[ -d "$MNT/by-date" ] && mountpoint -q "$MNT" && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "mount failed:" >&2
	cat "$W/daemon.log" >&2
	return 1
}

# tfs_unmount: unmounts MNT (lazily if busy) and reaps the daemon, killing it
# if it has not exited 10 s later.
tfs_unmount() {
	if mountpoint -q "$MNT" 2>/dev/null; then
		fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -uz "$MNT" 2>/dev/null
	fi
	if [ -n "$PID" ]; then
		for _ in $(seq 200); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
		kill -0 "$PID" 2>/dev/null && kill -9 "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
		PID=
	fi
}
