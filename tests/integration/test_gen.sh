#!/usr/bin/env bash
# Checks the Takeout fixture generator: same seed => identical trees (names,
# bytes, manifest); the manifest agrees with the tree (every media path and
# sidecar exists, sidecars are valid JSON, groups <=> identical bytes, junk and
# orphan notes exist); the printed file count matches the tree; the part
# layout keeps the same logical content. Prints "N passed, N failed".
set -u

GEN=${TFS_GEN:-}
if [ -z "$GEN" ]; then
	for cand in "${TFS_BUILD:-}/gen-takeout" ./build/gen-takeout; do
		[ -x "$cand" ] && GEN=$cand && break
	done
fi
[ -x "$GEN" ] || { echo "gen-takeout not found (set TFS_GEN)"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check "description" command...
	local what=$1
	shift
	if "$@"; then ok; else bad "$what"; fi
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/test_gen.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# --- determinism ---------------------------------------------------------------
out_a=$("$GEN" --out "$TMP/a" --items 200 --seed 7) || bad "generator run a failed"
out_b=$("$GEN" --out "$TMP/b" --items 200 --seed 7) || bad "generator run b failed"
"$GEN" --out "$TMP/c" --items 200 --seed 8 >/dev/null || bad "generator run c failed"
check "same seed gives identical trees" diff -r "$TMP/a" "$TMP/b"
check "same seed gives the same file names" \
	diff <(cd "$TMP/a" && find . | LC_ALL=C sort) <(cd "$TMP/b" && find . | LC_ALL=C sort)
if cmp -s "$TMP/a/expected.tsv" "$TMP/c/expected.tsv"; then
	bad "a different seed gives a different manifest"
else
	ok
fi
check "existing non-empty output dir is refused" \
	bash -c '! "$0" --out "$1" --items 1 >/dev/null 2>&1' "$GEN" "$TMP/a"

# --- file count -----------------------------------------------------------------
printed=$(printf '%s\n' "$out_a" | sed -n 's/.* items, \([0-9]*\) files.*/\1/p')
actual=$(find "$TMP/a" -type f | wc -l)
check "printed file count ($printed) equals the tree ($actual)" [ "$printed" = "$actual" ]
items=$(printf '%s\n' "$out_a" | sed -n 's/^gen-takeout: \([0-9]*\) items.*/\1/p')
check "200 items were made ($items)" [ "$items" = 200 ]

# --- manifest vs tree ------------------------------------------------------------
check_manifest() { # check_manifest DIR label
	local dir=$1 label=$2 report
	# One python3 process reads the manifest and hashes every listed file.
	report=$(python3 - "$dir" <<'PY'
import hashlib, json, os, sys
root = sys.argv[1]
rules = {"exact", "counter", "truncated", "title-counter", "no-extension", "edited",
         "forgotten-duplicate", "live-photo", "title", "copy", "-"}
res = {k: 0 for k in ("lines", "cols", "missing", "incons", "groupbad", "notes_missing")}
sidecars, group_sum, listed = set(), {}, set()
def digest(p):
    with open(p, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()
with open(os.path.join(root, "expected.tsv"), encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n")
        if line.startswith("#"):
            tag, _, path = line.partition("\t")
            if tag in ("#junk", "#orphan-sidecar"):
                listed.add(path)
                if not os.path.isfile(os.path.join(root, path)):
                    res["notes_missing"] += 1
            continue
        res["lines"] += 1
        c = line.split("\t")
        if len(c) != 9:
            res["cols"] += 1
            continue
        path, sc, rule, taken, fav, trash, albums, group, flags = c
        listed.add(path)
        full = os.path.join(root, path)
        if not os.path.isfile(full):
            res["missing"] += 1
            print("  missing media:", path, file=sys.stderr)
        else:
            d = digest(full)
            if group_sum.get(group, d) != d:
                res["groupbad"] += 1
                print("  group", group, "holds different bytes:", path, file=sys.stderr)
            group_sum[group] = d
        if (sc == "-") != (rule == "-") or rule not in rules:
            res["incons"] += 1
        if not (taken == "-" or taken.isdigit()) or fav not in "01" or trash not in "01":
            res["incons"] += 1
        if not albums or not flags:
            res["incons"] += 1
        if sc != "-":
            sidecars.add(sc)
missing_sc = [s for s in sidecars if not os.path.isfile(os.path.join(root, s))]
res["missing"] += len(missing_sc)
for s in missing_sc:
    print("  missing sidecar:", s, file=sys.stderr)
# Strictly (UTF-8, no trailing bytes): jq 1.6 reads an empty file, or one
# that starts with a NUL byte, as no value and still exits 0.
res["badjson"] = 0
for s in sorted(set(sidecars) - set(missing_sc)):
    try:
        with open(os.path.join(root, s), encoding="utf-8") as f:
            ok = isinstance(json.load(f), dict)
    except ValueError:
        ok = False
    if not ok:
        res["badjson"] += 1
        print("  not a JSON object:", s, file=sys.stderr)
res["groups"] = len(group_sum)
res["sums"] = len(set(group_sum.values()))
unlisted = []
for d, _, files in os.walk(root):
    for n in files:
        rel = os.path.relpath(os.path.join(d, n), root)
        if n.endswith((".json", ".html")) or n in ("expected.tsv", "expected-media.tsv", "expected-people.tsv", ".DS_Store"):
            continue
        if rel not in listed:
            unlisted.append(rel)
res["unlisted"] = len(unlisted)
for u in unlisted[:5]:
    print("  unlisted:", u, file=sys.stderr)
print(" ".join("%s=%d" % kv for kv in res.items()))
PY
)
	get() { printf '%s\n' "$report" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	check "$label: manifest has media lines ($(get lines))" [ "$(get lines)" -gt 0 ]
	check "$label: every line has 9 columns" [ "$(get cols)" = 0 ]
	check "$label: every manifest path and sidecar exists" [ "$(get missing)" = 0 ]
	check "$label: sidecar/rule/taken/flag columns are consistent" [ "$(get incons)" = 0 ]
	check "$label: equal group ids hold equal bytes" [ "$(get groupbad)" = 0 ]
	check "$label: different groups hold different bytes ($(get groups)/$(get sums))" \
		[ "$(get groups)" = "$(get sums)" ]
	check "$label: junk and orphan notes name existing files" [ "$(get notes_missing)" = 0 ]
	check "$label: every media file of the tree is in the manifest" [ "$(get unlisted)" = 0 ]
	check "$label: every sidecar is a JSON object" [ "$(get badjson)" = 0 ]
}
check_manifest "$TMP/a" "items=200"

# --- expectations that other tests rely on --------------------------------------
m="$TMP/a/expected.tsv"
has_line() { # has_line REGEX: a manifest line matches (extended regex)
	grep -Eq -- "$1" "$m"
}
check "edited copy shares the original's sidecar" \
	has_line $'/IMAG0061-edited\\.JPG\t[^\t]*/IMAG0061\\.JPG\\.supplemental-metadata\\.json\tedited\t'
check "live-photo video uses the HEIC sidecar" \
	has_line $'/IMG_4573\\.MP4\t[^\t]*/IMG_4573\\.HEIC\\.json\tlive-photo\t'
check "remnant sidecar is 'truncated'" \
	has_line $'/MVIMG_20191230_232926\\.jpg\t[^\t]*supplemental-metadat\\.json\ttruncated\t'
check "legacy counter" has_line $'/IMG_3479\\(2\\)\\.JPG\t[^\t]*/IMG_3479\\.JPG\\(2\\)\\.json\tcounter\t'
check "negative pair stays unmatched" has_line $'/IMG_12\\.jpg\t-\t-\t'
check "trash is flagged" has_line $'^[^\t]*/Trash/IMG_7001\\.JPG\t([^\t]*\t){4}1\t'
check "album copy lists the album title" has_line $'/Album test 6_10_23/[^\t]*\t([^\t]*\t){5}Album test 6/10/23\t'
check "album copy without sidecar copy expects 'copy'" has_line $'/Familie/IMG_5001\\.JPG\t[^\t]*/Photos from 2019/IMG_5001\\.JPG\\.json\tcopy\t'
check "NFD edited name exists on disk" \
	test -f "$TMP/a/Takeout/Google Photos/Photos from 2007/08-21-07_1547-modifie$(printf '\xcc\x81').jpg"
appledouble="$TMP/a/Takeout/Google Photos/Photos from 2018/._IMG_3479.JPG.json"
check "AppleDouble junk exists" test -s "$appledouble"
check "AppleDouble junk is not JSON" python3 -c 'import json, sys
try:
    json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError:  # also UnicodeDecodeError
    sys.exit(0)
sys.exit(1)' "$appledouble"
for f in metadata.json métadonnées.json Metadaten.json; do
	check "album metadata file $f exists" bash -c 'find "$0" -name "$1" | grep -q .' "$TMP/a" "$f"
done
if command -v file >/dev/null 2>&1; then
	check "generated JPEG is image/jpeg" bash -c '[ "$(file -b --mime-type "$0")" = image/jpeg ]' \
		"$TMP/a/Takeout/Google Photos/Photos from 2021/DSC_0100.JPG"
	check "generated MP4 is video/mp4" bash -c '[ "$(file -b --mime-type "$0")" = video/mp4 ]' \
		"$TMP/a/Takeout/Google Photos/Photos from 2019/IMG_4573.MP4"
fi
if command -v exiftool >/dev/null 2>&1; then
	dto=$(exiftool -s3 -DateTimeOriginal "$TMP/a/Takeout/Google Photos/Photos from 2021/DSC_0100.JPG")
	check "generated JPEG carries EXIF DateTimeOriginal ($dto)" [ -n "$dto" ]
fi

# --- expected-media.tsv against the files themselves ----------------------------
mm="$TMP/a/expected-media.tsv"
check "expected-media.tsv lists the same paths as expected.tsv" \
	diff <(grep -v '^#' "$m" | cut -f1) <(grep -v '^#' "$mm" | cut -f1)
if command -v file >/dev/null 2>&1; then
	mime_bad=$(grep -v '^#' "$mm" | awk -F'\t' '$2 != "-"' | head -300 | cut -f1,2 |
		python3 -c '
import subprocess, sys, os
root = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
out = subprocess.run(["file", "-b", "--mime-type"] + [os.path.join(root, r[0]) for r in rows],
                     capture_output=True, text=True).stdout.split("\n")
bad = [(r[0], r[1], o) for r, o in zip(rows, out) if r[1] != o]
for b in bad[:5]:
    print("  mime", *b, file=sys.stderr)
print(len(bad))' "$TMP/a")
	check "libmagic agrees with the mime column" [ "$mime_bad" = 0 ]
fi
if command -v exiftool >/dev/null 2>&1; then
	grep -v '^#' "$mm" | awk -F'\t' '$2 == "image/jpeg" && $13 == "generated"' | head -300 >"$TMP/em.tsv"
	cut -f1 "$TMP/em.tsv" | sed "s|^|$TMP/a/|" | tr '\n' '\0' |
		xargs -0 exiftool -n -T -ImageWidth -ImageHeight -Make -Model -DateTimeOriginal \
			-OffsetTimeOriginal -GPSLatitude -GPSLongitude -GPSAltitude -Orientation >"$TMP/ex.tsv" 2>/dev/null
	exif_bad=$(python3 - "$TMP/em.tsv" "$TMP/ex.tsv" <<'PY'
import sys
em = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
ex = [l.rstrip("\n").split("\t") for l in open(sys.argv[2], encoding="utf-8")]
bad = 0 if len(em) == len(ex) and em else 1
for a, b in zip(em, ex):
    gps = "-" if a[9] == "-" else ",".join("%.4f" % float(x) for x in a[9].split(","))
    eg = "-" if b[6] == "-" else ",".join("%.4f" % float(x) for x in b[6:9])
    if [a[2], a[3], a[4], a[5], a[6], a[7], gps, a[10]] != b[0:6] + [eg, b[9]]:
        bad += 1
        if bad < 5:
            print("  exif", a[0], a[2:11], b, file=sys.stderr)
print(bad)
PY
)
	check "exiftool reads what expected-media.tsv says (dims, make, dates, GPS)" [ "$exif_bad" = 0 ]
fi

# --- parts, flat, corpus ------------------------------------------------------------
"$GEN" --out "$TMP/p" --items 200 --seed 7 --parts 3 >/dev/null || bad "generator --parts failed"
check "three part folders" [ "$(find "$TMP/p" -maxdepth 1 -name 'takeout-*' -type d | wc -l)" = 3 ]
check_manifest "$TMP/p" "parts=3"
split=$(awk -F'\t' '!/^#/ && $2 != "-" { split($1, a, "/"); split($2, b, "/"); if (a[1] != b[1]) n++ } END { print n + 0 }' "$TMP/p/expected.tsv")
check "some media and sidecars sit in different parts ($split)" [ "$split" -gt 0 ]
logical() { # the media paths below the photos root, part prefix removed, without part-dup lines
	awk -F'\t' '!/^#/ && $9 !~ /part-dup/ { sub(/^(takeout-[^\/]*\/)?Takeout\/Google Photos\//, "", $1); print $1 }' "$1" | LC_ALL=C sort
}
check "parts hold the same logical media as one tree" diff <(logical "$TMP/a/expected.tsv") <(logical "$TMP/p/expected.tsv")

"$GEN" --out "$TMP/f" --items 50 --flat >/dev/null || bad "generator --flat failed"
check "flat tree has year folders at its root" test -d "$TMP/f/Photos from 2021"
check_manifest "$TMP/f" "flat"

corpus=${TFS_SRC:-.}/tests/data
if [ -d "$corpus" ]; then
	"$GEN" --out "$TMP/k" --items 400 --seed 3 --corpus "$corpus" >/dev/null || bad "generator --corpus failed"
	check "corpus items are used" grep -q 'corpus' "$TMP/k/expected.tsv"
	check_manifest "$TMP/k" "corpus"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
