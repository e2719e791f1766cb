#!/usr/bin/env bash
# make bench: every benchmark, each printing its figures beside the baseline
# it measures in the same run (I/O floor, ExifTool, native filesystem, bindfs,
# plain zlib crc32). Usage: bench/run_all.sh [BUILD]   (ITEMS=… for the size)
set -uo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
status=0
run() {
	echo
	echo "## $*"
	"$@" || status=1
}
run bench/bench_index.sh "$build"
run bash bench/bench_fs.sh "$build" "${ITEMS:-100000}"
[ -x bench/bench_crc.sh ] || [ -f bench/bench_crc.sh ] && run bash bench/bench_crc.sh "$build"
run "$build/bench_extract" tests/corpus 2000
run bash bench/bench_archive.sh "$build"
run "$build/bench_inflate_index" --size 1024 --parts 2 --photos tests/corpus
run "$build/bench_sidecar"
run "$build/bench_sidecar_json"
exit $status
