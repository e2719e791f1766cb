#!/bin/bash
# Builds every libFuzzer target under tests/fuzz with clang (ASan + UBSan) and
# runs each for a while, one at a time (the machine is shared), from a copy of
# its seed corpus so the repository's corpus stays small. Prints a table of
# executions, corpus growth and crashes; exits 1 when any target crashed,
# leaked, timed out or ran out of memory. Crash inputs are kept under
# BUILD/fuzz-artifacts/<target>/: add them to tests/fuzz/corpus/<target>/ as
# regressions once fixed (the replay tests then run them on every build).
#
# Usage: bench/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Env:   FUZZ_BUILD (default build-fuzz), FUZZ_SECONDS (default 60),
#        FUZZ_FLAGS (extra libFuzzer flags), CC (default clang).
set -u
cd "$(dirname "$0")/.." || exit 2
SECONDS_EACH=${1:-${FUZZ_SECONDS:-60}}
[ $# -gt 0 ] && shift
BUILD=${FUZZ_BUILD:-build-fuzz}
CC=${CC:-clang}
command -v "$CC" >/dev/null || { echo "fuzz.sh: $CC not found (libFuzzer needs clang)" >&2; exit 2; }

if [ $# -gt 0 ]; then
	targets=("$@")
else
	targets=()
	for f in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi

echo "fuzz.sh: building ${#targets[@]} targets in $BUILD with $CC"
CC=$CC cmake -S . -B "$BUILD" -DTFS_FUZZ=ON -DTFS_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	>"$BUILD.cmake.log" 2>&1 ||
	{ cat "$BUILD.cmake.log"; exit 2; }
rm -f "$BUILD.cmake.log"
cmake --build "$BUILD" -j2 --target "${targets[@]}" >"$BUILD/fuzz-build.log" 2>&1 ||
	{ tail -30 "$BUILD/fuzz-build.log"; echo "fuzz.sh: build failed" >&2; exit 2; }

total_execs=0
failed=0
printf '%-22s %7s %12s %9s %8s %8s\n' target seconds execs execs/s corpus crashes
for t in "${targets[@]}"; do
	seeds=tests/fuzz/corpus/$t
	work=$BUILD/fuzz-corpus/$t
	art=$BUILD/fuzz-artifacts/$t
	mkdir -p "$work" "$art"
	dict=()
	[ -f "tests/fuzz/$t.dict" ] && dict=("-dict=tests/fuzz/$t.dict")
	log=$BUILD/fuzz-$t.log
	touch "$art/.start"
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$BUILD/$t" -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$art/" "${dict[@]}" ${FUZZ_FLAGS:-} \
		"$work" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	secs=$(sed -n 's/^stat::total_time: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	[ -z "$secs" ] && secs=$(sed -n 's/.*Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log" | tail -1)
	execs=${execs:-0}
	secs=${secs:-$SECONDS_EACH}
	rate=$((secs > 0 ? execs / secs : execs))
	ncorpus=$(find "$work" -type f | wc -l)
	# Only this run's artifacts (older ones stay for inspection).
	ncrash=$(find "$art" -type f -newer "$art/.start" \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	if [ $rc != 0 ] && [ "$ncrash" = 0 ]; then ncrash="rc=$rc"; fi
	printf '%-22s %7s %12s %9s %8s %8s\n' "$t" "$secs" "$execs" "$rate" "$ncorpus" "$ncrash"
	total_execs=$((total_execs + execs))
	if [ "$ncrash" != 0 ]; then
		failed=$((failed + 1))
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -8 | sed 's/^/    /'
	fi
done
echo "fuzz.sh: ${#targets[@]} targets x ${SECONDS_EACH}s, $total_execs executions, $failed with crashes"
[ $failed = 0 ]
