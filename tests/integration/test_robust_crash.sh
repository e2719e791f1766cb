#!/bin/bash
# Crash safety: kill -9 of the indexer at points spread over a whole run, each
# followed by a new full run. After every kill the store passes
# PRAGMA integrity_check; the next run exits 0; its store equals a clean
# index of the same tree (everything derived, rows named by path). Half of
# the points also kill the recovery run once more. Then kill -9 of the
# daemon while it serves reads: the mount can be cleaned up, the store is
# intact, and a remount serves the same tree.
# RB_CRASH_ITEMS (default 3000) and RB_CRASH_POINTS (default 8) scale it;
# bench/stress.sh runs 20,000 items and 24 points.
. "$TFS_SRC/tests/stress/robust_lib.sh"

ITEMS=${RB_CRASH_ITEMS:-3000}
POINTS=${RB_CRASH_POINTS:-8}
THREADS=${RB_CRASH_THREADS:-2}
WALK=$(rb_tool tfs_walkread)
SRC=$RB_T/src
CLEAN=$RB_T/clean.sqlite

"$TFS_GEN" --out "$SRC" --items "$ITEMS" --seed 11 --corpus "$TFS_CORPUS" >"$RB_T/gen.log" 2>&1 ||
	{ cat "$RB_T/gen.log"; ko "gen-takeout wrote $ITEMS items"; rb_finish; }
index() { # index DB: a full run, bounded in time
	timeout -k 5 120 "$TFS_BIN" --index-only -o "db=$1" -o "threads=$THREADS" "$SRC" >"$RB_T/last.out" 2>&1
}
now() { date +%s.%N; }

t0=$(now)
index "$CLEAN" || { cat "$RB_T/last.out"; ko "clean index"; rb_finish; }
dur=$(echo "$(now) - $t0" | bc)
ok "clean index of $ITEMS items in ${dur}s: $(grep -o '[0-9,]* media files' "$RB_T/last.out")"
want=$(store_digest "$CLEAN")
want_ids=$(store_ids_digest "$CLEAN")

# check_integrity DB: PRAGMA integrity_check as the next opener sees it. A
# first index runs with a rollback journal (bulk load), so a kill can leave a
# hot journal, which only a writable connection may roll back: that is what
# the next index does, so the check opens the store writable then.
check_integrity() {
	if [ -f "$1-journal" ]; then
		sqlite3 -batch "$1" 'PRAGMA integrity_check' 2>&1
	else
		sql "$1" 'PRAGMA integrity_check' 2>&1
	fi
}

# kill_after DB DELAY: starts a run on DB, kill -9 after DELAY seconds.
# Prints "killed" or "finished" (the run was faster than the delay).
kill_after() {
	"$TFS_BIN" --index-only -o "db=$1" -o "threads=$THREADS" "$SRC" >/dev/null 2>&1 &
	local pid=$!
	sleep "$2"
	if kill -9 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null
		echo killed
	else
		wait "$pid" 2>/dev/null
		echo finished
	fi
}

killed=0 finished=0 survived=0 ids_same=0
RANDOM=4242
for ((k = 0; k < POINTS; k++)); do
	db=$RB_T/crash$k.sqlite
	# Spread over [0, 1.1 x duration]: stratified, with jitter inside each stratum.
	delay=$(echo "scale=3; $dur * 1.1 * ($k + $RANDOM / 32768) / $POINTS" | bc)
	what=$(kill_after "$db" "$delay")
	# A point meant to land mid-run that found the run over (the machine was
	# busier during the clean run, which set the scale) is tried again
	# earlier, so the points do not depend on how loaded the machine was then.
	for ((try = 0; try < 3 && k < POINTS - 1; try++)); do
		[ "$what" = finished ] || break
		rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
		delay=$(echo "scale=3; $delay / 2" | bc)
		what=$(kill_after "$db" "$delay")
	done
	[ "$what" = killed ] && killed=$((killed + 1)) || finished=$((finished + 1))
	good=1
	if [ -f "$db" ]; then
		ic=$(check_integrity "$db")
		[ "$ic" = ok ] || { good=0; echo "     after kill at ${delay}s: integrity_check: $ic"; }
	fi
	second=""
	if ((k % 2 == 1)); then
		d2=$(echo "scale=3; $dur * ($RANDOM / 32768)" | bc)
		second=" and again ${d2}s into the recovery run ($(kill_after "$db" "$d2"))"
		ic=$(check_integrity "$db")
		[ "$ic" = ok ] || { good=0; echo "     after the second kill: integrity_check: $ic"; }
	fi
	if ! index "$db"; then
		good=0
		echo "     recovery run failed: $(grep -v 'reading' "$RB_T/last.out" | tail -2)"
	fi
	got=$(store_digest "$db")
	[ "$got" = "$want" ] || { good=0; echo "     recovered store differs from the clean index"; }
	[ "$(store_ids_digest "$db")" = "$want_ids" ] && ids_same=$((ids_same + 1))
	if [ $good = 1 ]; then
		survived=$((survived + 1))
		ok "kill -9 at ${delay}s ($what)$second: store intact, recovery run equals a clean index"
	else
		ko "kill -9 at ${delay}s ($what)$second: store intact, recovery run equals a clean index"
		cp "$db" "/tmp/tfs-crash-failed-$k.sqlite" 2>/dev/null &&
			echo "     kept the store as /tmp/tfs-crash-failed-$k.sqlite"
	fi
	rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
done
echo "     figure: $POINTS kill points ($killed mid-run, $finished after the run ended), $survived survived;" \
	"ids equal to the clean index's in $ids_same of $POINTS"
check "at least half of the kill points hit a running indexer ($killed of $POINTS)" [ $((killed * 2)) -ge "$POINTS" ]

# --- kill -9 of a mount's indexer, a child of the mounting process ---
# The mount fails with one line and exit 1, mounts nothing, and the next run
# finishes the index. (A killed mount takes its indexer along: test_child.)
MNT=$RB_T/mnt
mkdir -p "$MNT"
rb_mounts+=("$MNT")
"$TFS_BIN" -f -o "db=$RB_T/child.sqlite" -o "threads=$THREADS" "$SRC" "$MNT" >"$RB_T/child.log" 2>&1 &
parent=$!
indexer=
for _ in $(seq 500); do
	indexer=$(pgrep -P "$parent" | head -1)
	[ -n "$indexer" ] && break
	sleep 0.01
done
check "the mount indexes in a child process" [ -n "$indexer" ]
[ -n "$indexer" ] && kill -9 "$indexer"
wait "$parent"
rc=$?
check "a mount whose indexer is killed exits 1 (exit $rc)" [ "$rc" = 1 ]
check "...saying why in one line" grep -q 'the indexer was killed by signal 9' "$RB_T/child.log"
check "...and mounts nothing" bash -c '! mountpoint -q "$1"' _ "$MNT"
index "$RB_T/child.sqlite"
check "the next run finishes the index (exit $?)" [ "$(store_digest "$RB_T/child.sqlite")" = "$want" ]

# --- kill -9 of the daemon while serving ---
cp "$CLEAN" "$RB_T/serve.sqlite"
if mount_fs "$SRC" "$MNT" "$RB_T/serve.sqlite" "$RB_T/daemon1.log" -o threads=$THREADS; then
	ok "mounted"
	"$WALK" --timeout 15 --repeat 50 "$MNT" >/dev/null 2>&1 &
	reader=$!
	sleep 1.5
	kill -9 "$RB_PID"
	wait "$reader" 2>/dev/null
	rc=$?
	echo "     reader after the daemon died: exit $rc (errors expected, no hang)"
	check "the dead mount unmounts" fusermount3 -u "$MNT"
	ic=$(sql "$RB_T/serve.sqlite" 'PRAGMA integrity_check' 2>&1)
	check "store intact after kill -9 of the daemon ($ic)" [ "$ic" = ok ]
	if mount_fs "$SRC" "$MNT" "$RB_T/serve.sqlite" "$RB_T/daemon2.log" -o threads=$THREADS; then
		ok "remounted after kill -9"
		check "remount indexed nothing again" grep -q 'nothing changed' "$RB_T/daemon2.log"
		timeout -k 5 300 "$WALK" --timeout 15 --source "$SRC" "$MNT" >"$RB_T/walk.txt" 2>&1
		rc=$?
		grep -E '^(BAD|walkread)' "$RB_T/walk.txt" | head -5
		check "remounted tree reads whole and equals SOURCE" [ $rc = 0 ]
		check "store still equals the clean index" [ "$(store_digest "$RB_T/serve.sqlite")" = "$want" ]
		unmount_fs "$MNT"
		check "daemon exits 0 after unmount" [ $? = 0 ]
	else
		ko "remounted after kill -9"
	fi
else
	ko "mounted"
fi
rb_finish
