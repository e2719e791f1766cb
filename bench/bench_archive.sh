#!/usr/bin/env bash
# Archive benchmark (issue 16): the same generated Takeout in 3 parts, indexed
# extracted side by side and as .zip parts (media stored, as Info-ZIP's -n
# leaves them, and every member deflated), printed with the ratios to the
# extracted parts measured in the same run; then an unchanged re-index of the
# zip parts, and reading every file of one by-date month in order through a
# mount of each. Warm cache; best of three.
# Usage: bench/bench_archive.sh [BUILD] (ITEMS=100000)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
items=${ITEMS:-100000}
work=${WORK:-/tmp/tfs-bench-archive}
mkdir -p "$work"

src=$work/extracted-$items
if [ ! -f "$src/.complete" ]; then
	rm -rf "$src"
	"$build/gen-takeout" --out "$src.tmp" --items "$items" --seed 7 --parts 3 >/dev/null
	rm "$src.tmp"/*.tsv
	mv "$src.tmp" "$src"
	touch "$src/.complete"
fi
for fmt in zip-infozip zip-deflated; do
	if [ ! -f "$work/$fmt-$items/.complete" ]; then
		rm -rf "$work/$fmt-$items"
		python3 "$here/tests/gen/pack_parts.py" "$src" "$work/$fmt-$items" "$fmt"
		touch "$work/$fmt-$items/.complete"
	fi
done
files=$(find "$src" -type f | wc -l)
bytes=$(du -sb "$src" | cut -f1)

best_of_3() { # best_of_3 CMD... -> prints the best wall time in seconds
	local best=
	for _ in 1 2 3; do
		local t
		t=$("$build/bench_run" "$@" 2>&1 >/dev/null | tail -n 1 | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
		best=$(awk -v a="${best:-$t}" -v b="$t" 'BEGIN { print (b < a ? b : a) }')
	done
	echo "$best"
}
index_fresh() { # index_fresh SOURCE
	best_of_3 bash -c "rm -f '$work/db'*; exec '$build/takeoutfs' --index-only -o quiet -o 'db=$work/db' '$1'"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

cat "$src"/*/Takeout/*/*/* "$work"/*-"$items"/*.zip >/dev/null 2>&1 || true # warm the cache
echo "bench_archive: $items items, $files files, $((bytes / 1048576)) MiB, 3 parts; $(nproc) cores"
t_ext=$(index_fresh "$src")
t_zip=$(index_fresh "$work/zip-infozip-$items")
t_def=$(index_fresh "$work/zip-deflated-$items")
printf '%-34s %8s s  %s\n' "index, extracted parts" "$t_ext" "(baseline)"
printf '%-34s %8s s  speed %s of the extracted parts' "index, zip parts (media stored)" "$t_zip" \
	"$(ratio "$t_ext" "$t_zip")"
echo "  (goal >= 0.90)"
printf '%-34s %8s s  speed %s of the extracted parts' "index, zip parts (all deflated)" "$t_def" \
	"$(ratio "$t_ext" "$t_def")"
echo "  (goal >= 0.70)"
rm -f "$work/db"*
"$build/takeoutfs" --index-only -o quiet -o "db=$work/db" "$work/zip-infozip-$items" >/dev/null
t_again=$(best_of_3 "$build/takeoutfs" --index-only -o quiet -o "db=$work/db" "$work/zip-infozip-$items")
printf '%-34s %8s s  (goal <= 1 s)\n' "re-index, zip parts unchanged" "$t_again"

# One by-date month read in order, through a mount of each form.
read_month() { # read_month SOURCE -> seconds to cat every file of the busiest month, its name,
	# and the daemon's peak RSS (KiB) after serving it
	local mnt=$work/mnt db=$work/mdb.sqlite
	mkdir -p "$mnt"
	rm -f "$db"*
	"$build/takeoutfs" -o quiet -o "db=$db" "$1" "$mnt"
	local month
	month=$(cd "$mnt/by-date" && for d in */*/; do echo "$(ls "$d" | wc -l) $d"; done | sort -rn | head -1 | cut -d' ' -f2)
	local t0 t1
	t0=$(date +%s.%N)
	find "$mnt/by-date/$month" -type f ! -name '*.meta' -print0 | sort -z | xargs -0 cat >/dev/null
	t1=$(date +%s.%N)
	# Every file under originals/ once more, so the daemon has held every part's
	# members and the span cache has filled.
	find "$mnt/originals" -type f ! -name '*.meta' -print0 | xargs -0 -n 200 cat >/dev/null
	local pid rss
	pid=$(pgrep -f -- "takeoutfs -o quiet -o db=$db" | head -1)
	rss=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
	fusermount3 -u "$mnt"
	awk -v a="$t0" -v b="$t1" -v m="$month" -v r="${rss:-0}" 'BEGIN { printf "%.3f %s %d\n", b - a, m, r }'
}
read -r r_ext month m_ext < <(read_month "$src")
read -r r_zip _ m_zip < <(read_month "$work/zip-infozip-$items")
read -r r_def _ m_def < <(read_month "$work/zip-deflated-$items")
printf '%-34s %8s s  %s\n' "read by-date/$month, extracted" "$r_ext" "(baseline)"
printf '%-34s %8s s  throughput %s of extracted (goal >= 0.80)\n' "  the same, zip (media stored)" \
	"$r_zip" "$(ratio "$r_ext" "$r_zip")"
printf '%-34s %8s s  throughput %s of extracted\n' "  the same, zip (all deflated)" "$r_def" \
	"$(ratio "$r_ext" "$r_def")"
printf '%-34s %8s MiB (extracted parts, the baseline)\n' "daemon peak RSS after reading all" "$((m_ext / 1024))"
printf '%-34s %8s MiB (media stored), %s MiB (all deflated); goal <= 64 MiB + the span cache (64 MiB)\n' \
	"  the same, zip" "$((m_zip / 1024))" "$((m_def / 1024))"
