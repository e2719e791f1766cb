# Shared by the mount tests (sourced, not run): start the daemon in the
# foreground in the background, wait for the mount, and take it down again,
# each bounded in time. Uses the caller's BIN, SRC, MNT, W and PID; the
# daemon's stderr is appended to $W/daemon.log across mounts.

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
