#!/usr/bin/env bash
# tgz benchmark (issue 16): a generated Takeout of SIZE MiB in PARTS .tgz parts
# (GNU tar | pigz -6; real camera files from tests/corpus, plus big videos made
# of camera files end to end so that the parts reach SIZE), then, in one run:
#   - `takeoutfs --index-only` (fresh store) against `gzip -dc`, `pigz -dc`
#     and `igzip -dc` run over the same parts in parallel (one process per
#     part), each with its throughput and its ratio to the fastest decompressor;
#   - an unchanged re-index (no part is read again);
#   - 64 KiB reads at random offsets of the biggest member through a mount of
#     the tgz parts, each a fresh open (median and worst);
#   - reading every file of the biggest by-date month in order, tgz mount
#     against the mount of the same parts extracted.
# Warm page cache. Usage: bench/bench_tgz.sh [BUILD]
# (SIZE=2048 MiB in total, PARTS=2, READS=40; the issue's figure wants SIZE >= 4096).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
size=${SIZE:-2048}
parts=${PARTS:-2}
reads=${READS:-40}
work=${WORK:-/tmp/tfs-bench-tgz}/$size-$parts
mkdir -p "$work"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mibs() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.0f", b / 1048576 / t }'; }

# ---------------------------------------------------------------- the parts
src=$work/extracted
if [ ! -f "$work/.complete" ]; then
	rm -rf "$work" && mkdir -p "$work"
	"$build/gen-takeout" --out "$src" --items 2000 --seed 5 --parts "$parts" \
		--corpus "$here/tests/corpus" >/dev/null
	rm "$src"/*.tsv
	# Big videos (camera files end to end), spread over the parts, up to SIZE.
	mapfile -t media < <(find "$here/tests/corpus" -type f \( -name '*.jpg' -o -name '*.mp4' \
		-o -name '*.mov' -o -name '*.heic' \) | sort)
	have=$(du -sm "$src" | cut -f1)
	i=0
	while [ "$have" -lt "$size" ]; do
		p=$(printf '%03d' $((i % parts + 1)))
		dir=$(ls -d "$src"/*-"$p")/Takeout/Google\ Photos/Photos\ from\ 2019
		mkdir -p "$dir"
		out="$dir/VID_$(printf '%04d' "$i").mp4"
		first=$(find "$here/tests/corpus" -name '*.mp4' | sort | head -1)
		cat "$first" >"$out"
		while [ "$(stat -c %s "$out")" -lt $((256 << 20)) ]; do
			cat "${media[@]}" >>"$out"
		done
		touch -d "2019-06-$(printf '%02d' $((i % 28 + 1))) 12:00" "$out"
		have=$((have + 256))
		i=$((i + 1))
	done
	for d in "$src"/*/; do
		mkdir -p "$work/tgz"
		tar --format=gnu -cf - -C "$d" . | pigz -6 >"$work/tgz/$(basename "$d").tgz"
	done
	touch "$work/.complete"
fi
mapfile -t tgz < <(ls "$work"/tgz/*.tgz)
comp=$(cat "${tgz[@]}" | wc -c)
plain=$(du -sb "$src" | cut -f1)
cat "${tgz[@]}" >/dev/null # warm the cache
echo "bench_tgz: ${#tgz[@]} tgz parts, $((comp >> 20)) MiB compressed, $((plain >> 20)) MiB" \
	"extracted; $(nproc) cores"

# ---------------------------------------------------------------- the pass
declare -A dec
for tool in gzip pigz igzip; do
	t0=$(now)
	for f in "${tgz[@]}"; do "$tool" -dc "$f" >/dev/null & done
	wait
	dec[$tool]=$(since "$t0")
done
rm -f "$work/db"*
t0=$(now)
"$build/takeoutfs" --index-only -o quiet -o "db=$work/db" "$work/tgz" >/dev/null
t_idx=$(since "$t0")
best=gzip
for tool in pigz igzip; do
	if awk -v a="${dec[$tool]}" -v b="${dec[$best]}" 'BEGIN { exit !(a < b) }'; then best=$tool; fi
done
for tool in gzip pigz igzip; do
	printf '%-36s %7s s  %5s MiB/s\n' "$tool -dc, parts in parallel" "${dec[$tool]}" \
		"$(mibs "$comp" "${dec[$tool]}")"
done
printf '%-36s %7s s  %5s MiB/s  %s of %s -dc (goal >= 0.90)\n' "takeoutfs --index-only (fresh)" \
	"$t_idx" "$(mibs "$comp" "$t_idx")" "$(ratio "${dec[$best]}" "$t_idx")" "$best"
t0=$(now)
"$build/takeoutfs" --index-only -o quiet -o "db=$work/db" "$work/tgz" >/dev/null
printf '%-36s %7s s\n' "takeoutfs --index-only (unchanged)" "$(since "$t0")"
tables=$(sqlite3 -batch "$work/db" 'SELECT sum(length(blob)) FROM archive_parts')
printf '%-36s %7s KiB  %s%% of the parts\n' "member tables + seek points" $((tables >> 10)) \
	"$(awk -v a="$tables" -v b="$comp" 'BEGIN { printf "%.2f", 100 * a / b }')"

# ---------------------------------------------------------------- reads
mnt=$work/mnt
mkdir -p "$mnt" "$mnt-x"
"$build/takeoutfs" -o quiet -o "db=$work/db" "$work/tgz" "$mnt"
"$build/takeoutfs" -o quiet -o "db=$work/db-x" "$src" "$mnt-x" 2>/dev/null
trap 'fusermount3 -u "$mnt" 2>/dev/null; fusermount3 -u "$mnt-x" 2>/dev/null' EXIT
big=$(find "$mnt/originals" -type f ! -name '*.meta' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
python3 - "$big" "$reads" <<'EOF'
import os, random, statistics, sys, time
path, n = sys.argv[1], int(sys.argv[2])
size = os.path.getsize(path)
rng = random.Random(3)
times = []
for _ in range(n):
    off = rng.randrange(0, max(1, size - 65536))
    t0 = time.perf_counter()
    fd = os.open(path, os.O_RDONLY)
    got = os.pread(fd, 65536, off)
    os.close(fd)
    times.append((time.perf_counter() - t0) * 1000)
    assert len(got) == min(65536, size - off)
print(f"64 KiB at random offsets of a {size >> 20} MiB member, fresh open: "
      f"median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms "
      f"(goal <= 20 / <= 100), {n} reads")
EOF
month=$(cd "$mnt/by-date" && du -s ./*/* 2>/dev/null | sort -n | tail -1 | cut -f2)
read_month() { # read_month MOUNT: seconds to read every file of the month in order
	sync
	local t0
	t0=$(now)
	(cd "$1/by-date/$month" && find . -type f ! -name '*.meta' -print0 | sort -z | xargs -0 cat >/dev/null)
	since "$t0"
}
bytes=$(cd "$mnt/by-date/$month" && find . -type f ! -name '*.meta' -printf '%s\n' | awk '{ s += $1 } END { print s }')
t_x=$(read_month "$mnt-x")
fusermount3 -u "$mnt" && "$build/takeoutfs" -o quiet -o "db=$work/db" "$work/tgz" "$mnt" # cold span cache
t_t=$(read_month "$mnt")
printf 'by-date/%s (%s MiB), extracted %s s, tgz %s s: tgz at %s of the extracted speed (goal >= 0.50)\n' \
	"${month#./}" $((bytes >> 20)) "$t_x" "$t_t" "$(ratio "$t_x" "$t_t")"
