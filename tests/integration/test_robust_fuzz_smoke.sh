#!/bin/bash
# A short fuzzing pass for CI: every libFuzzer target under tests/fuzz runs for
# RB_FUZZ_SECONDS (default 5) through bench/fuzz.sh, in a clang ASan/UBSan
# build kept inside this build folder (rebuilt incrementally). A crash, leak,
# timeout or out-of-memory in any target fails the test; so does a target that
# executes nothing. Skipped without clang, and in the sanitizer build of
# `make test` (the plain build's run is already sanitized).
set -u
passed=0 failed=0
if ! command -v clang >/dev/null; then
	echo "skipped: clang not installed (libFuzzer needs it)"; echo "0 passed, 0 failed"; exit 0
fi
if grep -q '^TFS_SANITIZE:BOOL=ON' "$TFS_BUILD/CMakeCache.txt" 2>/dev/null; then
	echo "skipped: sanitizer build (the plain build runs the fuzz smoke test)"; echo "0 passed, 0 failed"; exit 0
fi
out=$(FUZZ_BUILD="$TFS_BUILD/fuzz-smoke" timeout -k 10 600 bash "$TFS_SRC/bench/fuzz.sh" "${RB_FUZZ_SECONDS:-5}" 2>&1)
rc=$?
echo "$out"
n=0
while read -r target secs execs rate corpus crashes; do
	n=$((n + 1))
	if [ "$crashes" = 0 ] && [ "${execs:-0}" -gt 0 ] 2>/dev/null; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); echo "FAIL $target: $execs executions, crashes: $crashes"
	fi
done < <(sed -n '/^target /,/^fuzz.sh: [0-9]* targets/p' <<<"$out" | sed '1d;$d' | grep -E '^fuzz_')
[ "$n" -gt 0 ] || { failed=$((failed + 1)); echo "FAIL no fuzz target ran (fuzz.sh exit $rc)"; }
[ $rc = 0 ] || [ $failed -gt 0 ] || { failed=$((failed + 1)); echo "FAIL fuzz.sh exit $rc"; }
echo "$passed passed, $failed failed"
[ $failed = 0 ]
