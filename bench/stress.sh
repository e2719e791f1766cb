#!/bin/bash
# Long robustness runs (not in CI), each printing the figures that
# tests/stress/RESULTS.md records:
#   crash   kill -9 of the indexer at 24 points of a 20,000-item run (plus the
#           daemon kill and remount), via test_robust_crash.sh
#   hostile the hostile tree with 300 bit-flipped copies per format
#   load    a 100,000-item mount under 16 parallel whole-file readers, 2 .meta
#           readers, 2 stat threads, a tree walker and find(1) in a loop for
#           60 s: errors, p50/p99 latencies, daemon VmRSS (sampled each second)
#   valgrind the daemon under valgrind --leak-check=full: index, mount, read
#           everything, unmount
# Usage: bench/stress.sh [BUILD] [crash|hostile|load|valgrind]...  (default: all)
# Env: STRESS_ITEMS (100000), STRESS_SECONDS (60), STRESS_READERS (16).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=$(realpath "${1:-build}")
[ $# -gt 0 ] && shift
parts=("$@")
[ ${#parts[@]} = 0 ] && parts=(crash hostile load valgrind)
export TFS_SRC=$PWD TFS_BUILD=$BUILD TFS_BIN=$BUILD/takeoutfs TFS_GEN=$BUILD/gen-takeout
export TFS_CORPUS=${TFS_CORPUS:-$(realpath tests/corpus)}
for t in gen_hostile tfs_walkread tfs_load tfs_erofs; do export "TFS_TOOL_$t=$BUILD/$t"; done
[ -x "$TFS_BIN" ] && [ -x "$TFS_GEN" ] || { echo "stress.sh: build $BUILD first" >&2; exit 2; }
status=0

run_crash() {
	echo "== crash: 24 kill points on 20,000 items"
	RB_CRASH_ITEMS=20000 RB_CRASH_POINTS=24 bash tests/integration/test_robust_crash.sh || status=1
}

run_hostile() {
	echo "== hostile: 300 bit flips per format"
	RB_HOSTILE_FLIPS=300 bash tests/integration/test_robust_hostile.sh || status=1
}

run_load() (
	. tests/stress/robust_lib.sh
	items=${STRESS_ITEMS:-100000}
	secs=${STRESS_SECONDS:-60}
	readers=${STRESS_READERS:-16}
	echo "== load: $items items, $readers readers + 2 .meta + 2 stat + walker + find, ${secs}s"
	t0=$(date +%s.%N)
	"$TFS_GEN" --out "$RB_T/src" --items "$items" --seed 3 --corpus "$TFS_CORPUS" >"$RB_T/gen.log" 2>&1 ||
		{ cat "$RB_T/gen.log"; ko "gen-takeout $items"; rb_finish; }
	echo "     generated in $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-6)s: $(tail -1 "$RB_T/gen.log")"
	t0=$(date +%s.%N)
	"$TFS_BIN" --index-only -o "db=$RB_T/store.sqlite" "$RB_T/src" >"$RB_T/index.out" 2>&1
	check "index of $items items: $(cat "$RB_T/index.out" | tail -1 | cut -c1-200)" [ $? = 0 ]
	mount_fs "$RB_T/src" "$RB_T/mnt" "$RB_T/store.sqlite" "$RB_T/daemon.log" || { ko "mount"; rb_finish; }
	ok "mounted"
	rss_log=$RB_T/rss.txt
	(while kill -0 "$RB_PID" 2>/dev/null; do
		awk '/VmRSS/ {print $2}' "/proc/$RB_PID/status" 2>/dev/null
		sleep 1
	done) >"$rss_log" &
	sampler=$!
	# find(1) in a loop for as long as tfs_load runs (its listing included).
	touch "$RB_T/running"
	(n=0; err=0
	 while [ -e "$RB_T/running" ]; do
		timeout 300 find "$RB_T/mnt" >/dev/null 2>>"$RB_T/find.err" || err=$((err + 1))
		n=$((n + 1))
	 done; echo "$n find runs, $err with errors") >"$RB_T/find.txt" &
	finder=$!
	"$(rb_tool tfs_load)" --seconds "$secs" --readers "$readers" --meta 2 --stat 2 --walkers 1 "$RB_T/mnt" >"$RB_T/load.txt" 2>&1
	rc=$?
	rm -f "$RB_T/running"
	wait $finder
	cat "$RB_T/load.txt" | sed 's/^/     /'
	echo "     find(1): $(cat "$RB_T/find.txt")"
	check "zero errors under load" [ $rc = 0 ]
	check "find(1) loop without errors" grep -q ', 0 with errors' "$RB_T/find.txt"
	check "daemon alive after the load" kill -0 "$RB_PID"
	unmount_fs "$RB_T/mnt"
	check "daemon exits 0" [ $? = 0 ]
	kill "$sampler" 2>/dev/null
	max=$(sort -n "$rss_log" | tail -1)
	first=$(head -1 "$rss_log")
	echo "     daemon VmRSS: first ${first:-?} KiB, max ${max:-?} KiB over $(wc -l <"$rss_log") samples"
	check "daemon RSS stays under 512 MiB (max ${max:-?} KiB)" [ "${max:-999999999}" -lt 524288 ]
	rb_finish
)

run_valgrind() (
	. tests/stress/robust_lib.sh
	echo "== valgrind: daemon index + mount + read + unmount on the hostile tree"
	"$TFS_TOOL_gen_hostile" --out "$RB_T/h" --data tests/data --flips 3 >/dev/null 2>&1
	find "$RB_T/h/src" \( -name 'sparse_300MiB.mp4' -o -name 'huge_*.jpg.json' \) -delete
	TFS_BIN_REAL=$TFS_BIN
	cat >"$RB_T/vg.sh" <<EOF
#!/bin/sh
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
 --show-leak-kinds=definite,indirect --error-exitcode=99 "$TFS_BIN_REAL" "\$@"
EOF
	chmod +x "$RB_T/vg.sh"
	TFS_BIN=$RB_T/vg.sh
	mount_fs "$RB_T/h/src" "$RB_T/mnt" "$RB_T/store.sqlite" "$RB_T/daemon.log" -o threads=2 ||
		{ ko "mount under valgrind"; cat "$RB_T/daemon.log" | head -30; rb_finish; }
	ok "mounted under valgrind"
	"$TFS_TOOL_tfs_walkread" --timeout 120 "$RB_T/mnt" >"$RB_T/walk.txt" 2>&1
	check "read everything: $(tail -1 "$RB_T/walk.txt" | cut -d, -f1-3)" [ $? = 0 ]
	unmount_fs "$RB_T/mnt"
	rc=$?
	grep -E '==[0-9]+==' "$RB_T/daemon.log" | head -40
	check "valgrind: no memory error and no definite/indirect leak in the daemon (exit $rc)" [ $rc = 0 ]
	rb_finish
)

for p in "${parts[@]}"; do
	case $p in
	crash) run_crash ;;
	hostile) run_hostile ;;
	load) run_load || status=1 ;;
	valgrind) run_valgrind || status=1 ;;
	*) echo "stress.sh: unknown part $p" >&2; exit 2 ;;
	esac
done
exit $status
