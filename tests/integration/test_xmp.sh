#!/bin/bash
# -o xmp and by-person/ through a real FUSE mount of a generated Takeout (real
# camera files among the generated ones): ExifTool reads every NAME.EXT.xmp
# of originals/ back with the date and offset, GPS, title, description,
# people, rating, album keywords and URL of the NAME.EXT.meta beside it;
# xmllint accepts every packet; st_size is the number of bytes read;
# `exiftool -tagsfromfile X.jpg.xmp -all:all COPY` (and without -all:all)
# gives a copied-out photo the right DateTimeOriginal and GPS; by-person/
# holds, for every person of the generator's expected-people.tsv, each
# live item naming them once, with its .meta and .xmp; without -o xmp no
# .xmp is listed or found. Prints "N passed, N failed".
set -u

BIN=${TFS_BIN:-$(dirname "$0")/../../build/takeoutfs}
GEN=${TFS_GEN:-$(dirname "$0")/../../build/gen-takeout}
CORPUS=${TFS_CORPUS:-$(dirname "$0")/../corpus}

# shellcheck source=mount_lib.sh
. "$(dirname "$0")/mount_lib.sh"
tfs_workdir xmp-test

for tool in exiftool xmllint python3; do
	command -v "$tool" >/dev/null || {
		echo "FAIL: $tool is missing (Debian: libimage-exiftool-perl, libxml2-utils, python3)"
		echo "0 passed, 1 failed"
		exit 1
	}
done

if ! "$GEN" --out "$SRC" --items 300 --seed 3 --parts 2 --corpus "$CORPUS" >"$W/gen.log" 2>&1 ||
	! "$BIN" --index-only -o quiet -o db="$DB" "$SRC" >"$W/index.log" 2>&1 ||
	! tfs_mount "$DB" -o xmp; then
	cat "$W/gen.log" "$W/index.log" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# ---------------------------------------------------------------- every .xmp
find "$MNT/originals" -type f -name '*.xmp' -print0 >"$W/xmps"
n_media=$(find "$MNT/originals" -type f ! -name '*.meta' ! -name '*.xmp' | wc -l)
n_xmp=$(tr -cd '\0' <"$W/xmps" | wc -c)
check "originals/ has a .xmp beside each of its $n_media media files ($n_xmp)" \
	test "$n_xmp" -eq "$n_media" -a "$n_media" -gt 300
check "xmllint accepts every packet" xargs -0 xmllint --noout <"$W/xmps"
# One ExifTool run reads them all (-n: numbers as numbers, signed GPS).
xargs -0 exiftool -q -json -n -struct -G1 -charset filename=utf8 \
	-XMP-exif:DateTimeOriginal -XMP-xmp:CreateDate -XMP-photoshop:DateCreated \
	-XMP-exif:GPSLatitude -XMP-exif:GPSLongitude -XMP-exif:GPSAltitude \
	-XMP-exif:GPSAltitudeRef -XMP-dc:Title -XMP-dc:Description -XMP-iptcExt:PersonInImage \
	-XMP-mwg-rs:RegionInfo -XMP-xmp:Rating -XMP-dc:Subject -XMP-lr:HierarchicalSubject \
	-XMP-dc:Source <"$W/xmps" >"$W/exiftool.json" 2>"$W/exiftool.err"
check "exiftool reads every .xmp" test -s "$W/exiftool.json"
python3 - "$W/exiftool.json" >"$W/compare.txt" 2>&1 <<'PY'
import json, math, os, sys

def as_list(v):
    if v is None:
        return []
    return [str(x) for x in (v if isinstance(v, list) else [v])]

def exif_date(iso):  # 2019-03-21T11:15:30+01:00 -> ExifTool's 2019:03:21 11:15:30+01:00
    return iso[:10].replace("-", ":") + " " + iso[11:] if iso else None

bad = checked = 0
def expect(what, path, got, want):
    global bad
    if got != want:
        bad += 1
        if bad <= 10:
            print(f"{path}: {what}: xmp {got!r}, meta {want!r}")

with open(sys.argv[1], encoding="utf-8") as f:
    records = json.load(f)
for r in records:
    path = r["SourceFile"]
    with open(path, "rb") as f:
        size = len(f.read())
    expect("st_size", path, os.stat(path).st_size, size)
    with open(path[:-4] + ".meta", encoding="utf-8") as f:
        meta = json.load(f)
    g = meta["google"]
    checked += 1
    for tag in ("XMP-exif:DateTimeOriginal", "XMP-xmp:CreateDate", "XMP-photoshop:DateCreated"):
        expect(tag, path, r.get(tag), exif_date(meta["taken"]))
    gps = meta["gps"]
    lat, lon = r.get("XMP-exif:GPSLatitude"), r.get("XMP-exif:GPSLongitude")
    if gps is None:
        expect("gps", path, (lat, lon), (None, None))
    else:
        expect("latitude", path, abs(lat - gps["lat"]) < 1e-7, True)
        expect("longitude", path, abs(lon - gps["lon"]) < 1e-7, True)
        alt = r.get("XMP-exif:GPSAltitude")
        if alt is not None and str(r.get("XMP-exif:GPSAltitudeRef")) == "1":
            alt = -alt
        if gps["alt"] is None:
            expect("altitude", path, alt, None)
        else:
            expect("altitude", path, alt is not None and abs(alt - gps["alt"]) < 1e-3, True)
    expect("title", path, as_list(r.get("XMP-dc:Title")), as_list(g.get("title") or None))
    expect("description", path, as_list(r.get("XMP-dc:Description")),
           as_list(g.get("description") or None))
    people = as_list(g.get("people"))
    expect("PersonInImage", path, as_list(r.get("XMP-iptcExt:PersonInImage")), people)
    regions = (r.get("XMP-mwg-rs:RegionInfo") or {}).get("RegionList") or []
    expect("region names", path, [str(x.get("Name")) for x in regions], people)
    expect("rating", path, r.get("XMP-xmp:Rating"), 5 if g.get("favorited") else None)
    albums = as_list(g.get("albums"))
    expect("subject", path, as_list(r.get("XMP-dc:Subject")), albums)
    expect("hierarchical subject", path, as_list(r.get("XMP-lr:HierarchicalSubject")),
           ["Albums|" + a.replace("|", "\u00a6") for a in albums])
    expect("url", path, r.get("XMP-dc:Source"), g.get("url"))
print(f"checked={checked} bad={bad}")
PY
cat "$W/compare.txt" >&2
check "every .xmp says what its .meta says ($(tail -n 1 "$W/compare.txt"))" \
	grep -qx "checked=$n_xmp bad=0" "$W/compare.txt"
check "some packets carry people, descriptions, albums and GPS" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
need = ("XMP-iptcExt:PersonInImage", "XMP-dc:Description", "XMP-dc:Subject", "XMP-exif:GPSLatitude", "XMP-xmp:Rating")
sys.exit(0 if all(any(k in x for x in r) for k in need) else 1)' "$W/exiftool.json"

# ---------------------------------------------------------------- baking into a copy
# A JPEG item whose .meta has a taken time and GPS, copied out of by-date/.
photo=$(find "$MNT/by-date" -name '*.jpg.meta' -print0 | xargs -0 jq -r \
	'select(.mime == "image/jpeg" and .gps != null and .taken != null) | input_filename' |
	head -n 1)
photo=${photo%.meta}
check "by-date/ has a JPEG with a date and GPS" test -f "$photo"
if [ -f "$photo" ]; then
	taken=$(jq -r .taken "$photo.meta")
	want_date="${taken:0:4}:${taken:5:2}:${taken:8:2} ${taken:11:8}"
	want_lat=$(jq -r .gps.lat "$photo.meta")
	want_lon=$(jq -r .gps.lon "$photo.meta")
	near() { python3 -c 'import sys; sys.exit(abs(float(sys.argv[1]) - float(sys.argv[2])) > 1e-7)' "$1" "$2"; }
	cp "$photo" "$W/all.jpg"
	cp "$photo" "$W/plain.jpg"
	exiftool -q -q -overwrite_original -tagsfromfile "$photo.xmp" -all:all "$W/all.jpg"
	check "-tagsfromfile X.xmp -all:all: XMP DateTimeOriginal is the taken time with its offset" \
		test "$(exiftool -s3 -XMP-exif:DateTimeOriginal "$W/all.jpg")" = "$want_date${taken:19}"
	check "-tagsfromfile X.xmp -all:all: GPS latitude" \
		near "$(exiftool -s3 -n -XMP-exif:GPSLatitude "$W/all.jpg")" "$want_lat"
	check "-tagsfromfile X.xmp -all:all: GPS longitude" \
		near "$(exiftool -s3 -n -XMP-exif:GPSLongitude "$W/all.jpg")" "$want_lon"
	exiftool -q -q -overwrite_original -tagsfromfile "$photo.xmp" "$W/plain.jpg"
	check "-tagsfromfile X.xmp: EXIF DateTimeOriginal is the taken wall-clock time" \
		test "$(exiftool -s3 -EXIF:DateTimeOriginal "$W/plain.jpg")" = "$want_date"
	check "-tagsfromfile X.xmp: EXIF GPS latitude" \
		near "$(exiftool -s3 -n -Composite:GPSLatitude "$W/plain.jpg")" "$want_lat"
	check "-tagsfromfile X.xmp: EXIF GPS longitude" \
		near "$(exiftool -s3 -n -Composite:GPSLongitude "$W/plain.jpg")" "$want_lon"
fi

# ---------------------------------------------------------------- by-person/
python3 - "$SRC" "$MNT/by-person" >"$W/people.txt" 2>&1 <<'PY'
import json, os, sys, unicodedata
src, top = sys.argv[1], sys.argv[2]
lines = {}
for line in open(os.path.join(src, "expected.tsv"), encoding="utf-8"):
    if line.startswith("#"):
        continue
    c = line.rstrip("\n").split("\t")
    lines[c[0]] = c  # path sidecar rule taken fav trashed albums group flags
want, maybe = {}, {}
for line in open(os.path.join(src, "expected-people.tsv"), encoding="utf-8"):
    if line.startswith("#"):
        continue
    path, person = line.rstrip("\n").split("\t")
    c = lines[path]
    if c[5] != "0":
        continue  # trash: in no view but originals/
    (maybe if "ambiguous" in c[8] else want).setdefault(person, set()).add(c[7])
group_of = {p: c[7] for p, c in lines.items()}
bad = 0
def fail(msg):
    global bad
    bad += 1
    if bad <= 10:
        print(msg)
folders = sorted(os.listdir(top))
if not set(want) <= set(folders) <= set(want) | set(maybe):
    fail(f"person folders {folders} != {sorted(want)}")
for f in folders:
    if unicodedata.normalize("NFC", f) != f:
        fail(f"folder {f!r} is not NFC")
    names = os.listdir(os.path.join(top, f))
    media = [n for n in names if not n.endswith((".meta", ".xmp"))]
    for n in media:
        for ext in (".meta", ".xmp"):
            if n + ext not in names:
                fail(f"{f}/{n}: no {ext}")
    groups = []
    for n in media:
        with open(os.path.join(top, f, n + ".meta"), encoding="utf-8") as m:
            groups.append(group_of[json.load(m)["source"]])
    got = set(groups)
    if len(groups) != len(got):
        fail(f"{f}: an item twice")
    w = want.get(f, set())
    if not w <= got or not got <= w | maybe.get(f, set()):
        fail(f"{f}: items {sorted(got)} != {sorted(w)}")
print(f"people={len(folders)} bad={bad}")
PY
cat "$W/people.txt" >&2
check "by-person/ matches expected-people.tsv ($(tail -n 1 "$W/people.txt"))" \
	grep -qx "people=[1-9][0-9]* bad=0" "$W/people.txt"
check "the generator's decomposed Zoë is one NFC folder" test -d "$MNT/by-person/Zoë"

# ---------------------------------------------------------------- without -o xmp
tfs_unmount
tfs_mount "$DB" || bad "mount without -o xmp"
one=$(find "$MNT/by-date" -type f ! -name '*.meta' -print -quit)
check "without -o xmp no .xmp is listed" test -z "$(find "$MNT" -name '*.xmp' -print -quit)"
check "without -o xmp a .xmp is not found by name" test ! -e "$one.xmp"
check "by-person/ is there without -o xmp" test -d "$MNT/by-person/Zoë"
tfs_unmount

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
