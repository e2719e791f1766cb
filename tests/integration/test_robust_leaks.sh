#!/bin/bash
# Memory errors and leaks on hostile input. With an AddressSanitizer build
# of takeoutfs (the build-asan pass of `make test`): index + mount + read
# everything + unmount with the daemon in the foreground, and LeakSanitizer
# and ASan/UBSan must report nothing. With a plain build: valgrind
# --leak-check=full on --index-only of the hostile tree must report no
# error and no definite or indirect leak.
. "$TFS_SRC/tests/stress/robust_lib.sh"

GEN=$(rb_tool gen_hostile)
WALK=$(rb_tool tfs_walkread)
"$GEN" --out "$RB_T/h" --data "$TFS_SRC/tests/data" --flips 3 >"$RB_T/gen.log" 2>&1
[ -d "$RB_T/h/src" ] || { cat "$RB_T/gen.log"; ko "gen_hostile"; rb_finish; }
SRC=$RB_T/h/src
DB=$RB_T/store.sqlite
# The size cases (300 MiB sparse video, 20 MiB sidecars) only cost time here:
# test_robust_hostile.sh covers them.
find "$SRC" \( -name 'sparse_300MiB.mp4' -o -name 'huge_*.jpg.json' \) -delete

if [ "$RB_SANITIZED" = 1 ]; then
	export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export LSAN_OPTIONS=exitcode=23
	if mount_fs "$SRC" "$RB_T/mnt" "$DB" "$RB_T/daemon.log" -o threads=2; then
		ok "ASan daemon indexed and mounted the hostile tree"
		timeout -k 5 300 "$WALK" --timeout 60 --source "$SRC" "$RB_T/mnt" >"$RB_T/walk.txt" 2>&1
		check "read everything under the ASan daemon: $(tail -1 "$RB_T/walk.txt" | cut -d, -f1-3)" [ $? = 0 ]
		unmount_fs "$RB_T/mnt"
		rc=$?
		check "ASan daemon exits 0 after unmount (LeakSanitizer exit code would be 23; got $rc)" [ $rc = 0 ]
		if grep -qE 'LeakSanitizer|AddressSanitizer|runtime error' "$RB_T/daemon.log"; then
			grep -E -A12 'ERROR: |runtime error' "$RB_T/daemon.log" | head -40
			ko "daemon stderr holds no sanitizer report"
		else
			ok "daemon stderr holds no sanitizer report (no leak, no memory error)"
		fi
	else
		ko "ASan daemon indexed and mounted the hostile tree"
		head -40 "$RB_T/daemon.log"
	fi
elif command -v valgrind >/dev/null; then
	timeout -k 5 300 valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --error-exitcode=99 \
		"$TFS_BIN" --index-only -o "db=$DB" -o threads=2 "$SRC" >"$RB_T/vg.out" 2>&1
	rc=$?
	grep -E '==[0-9]+==' "$RB_T/vg.out" | head -40
	check "valgrind --leak-check=full on --index-only of the hostile tree: no error, no leak (exit $rc)" [ $rc = 0 ]
else
	skipped "no ASan build and no valgrind"
fi
rb_finish
