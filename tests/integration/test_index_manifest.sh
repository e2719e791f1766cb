#!/usr/bin/env bash
# The indexer against the generator's manifest, end to end: every media file
# of a generated Takeout (several archive parts merged) must be in the store
# with the sidecar, matching rule, taken time, favorite flag, byte-identical
# group and album membership that expected.tsv says. The comparison is SQL
# over the store with the manifest imported beside it.
set -uo pipefail
: "${TFS_BIN:?}" "${TFS_GEN:?}"
work=$(mktemp -d /tmp/tfs-manifest.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # check NAME SQL-returning-mismatch-rows
	local name=$1 sql=$2 out
	out=$(sqlite3 -separator ' | ' "$db" ".read $work/setup.sql" "$sql" 2>&1)
	if [ -z "$out" ]; then
		passed=$((passed + 1))
		echo "ok   $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name; first mismatches:"
		head -n 5 <<<"$out" | sed 's/^/     /'
	fi
}

# Parts as people extract them: takeout-…-00N/Takeout/, Takeout/ + "Takeout 2/" (unzip
# tools putting later parts beside the first), Takeout1/ + Takeout2/.
for variant in "--items 400 --seed 3 --parts 3" "--items 300 --seed 11" \
	"--items 300 --seed 5 --parts 3 --part-names spaced" \
	"--items 300 --seed 7 --parts 2 --part-names joined"; do
	src="$work/src" db="$work/store.sqlite"
	rm -rf "$src" "$db" "$db-wal" "$db-shm"
	# shellcheck disable=SC2086
	"$TFS_GEN" --out "$src" $variant >/dev/null || { echo "FAIL gen-takeout $variant"; exit 1; }
	TZ=UTC "$TFS_BIN" --index-only -o quiet -o "db=$db" "$src" >/dev/null || {
		echo "FAIL takeoutfs --index-only on gen-takeout $variant"
		exit 1
	}
	echo "# gen-takeout $variant"
	# sqlite3's .import treats '"' as quoting: carry it as \x01 (both sides).
	grep -v '^#' "$src/expected.tsv" | tr '"' '\001' >"$work/expected.tsv"
	cat >"$work/setup.sql" <<SQL
CREATE TEMP TABLE exp(path TEXT, sidecar TEXT, rule TEXT, taken TEXT, fav TEXT,
                      trashed TEXT, albums TEXT, grp TEXT, flags TEXT);
.mode tabs
.import $work/expected.tsv exp
.mode list
CREATE TEMP VIEW got AS
SELECT replace(CAST(d.path AS TEXT) || '/' || CAST(f.name AS TEXT), '"', char(1)) AS path,
       f.id, f.item_id, f.taken,
       (SELECT replace(CAST(sd.path AS TEXT) || '/' || CAST(s.name AS TEXT), '"', char(1))
        FROM sidecars s JOIN dirs sd ON sd.id = s.dir_id WHERE s.id = f.sidecar_id) AS sidecar,
       CASE f.match_rule WHEN 1 THEN 'exact' WHEN 2 THEN 'counter' WHEN 3 THEN 'truncated'
            WHEN 4 THEN 'title-counter' WHEN 5 THEN 'no-extension' WHEN 6 THEN 'edited'
            WHEN 7 THEN 'forgotten-duplicate' WHEN 8 THEN 'live-photo' WHEN 9 THEN 'title'
            WHEN 10 THEN 'copy' ELSE '-' END AS rule,
       COALESCE((SELECT s.favorited FROM sidecars s WHERE s.id = f.sidecar_id), 0) AS fav,
       (SELECT group_concat(t, '|') FROM (SELECT DISTINCT CASE a.title WHEN '' THEN char(1, 1)
               ELSE replace(a.title, '"', char(1)) END AS t FROM files c JOIN dirs cd ON cd.id = c.dir_id
               JOIN albums a ON a.id = cd.album_id WHERE c.item_id = f.item_id ORDER BY t))
           AS albums
FROM files f JOIN dirs d ON d.id = f.dir_id;
CREATE TEMP TABLE cmp AS SELECT e.*, g.path AS gpath, g.id AS gid, g.item_id, g.taken AS gtaken,
       g.sidecar AS gsidecar, g.rule AS grule, g.fav AS gfav, g.albums AS galbums
FROM exp e LEFT JOIN got g ON g.path = e.path;
SQL
	check "every manifest file is in the store" \
		"SELECT path FROM cmp WHERE gpath IS NULL;"
	check "the store holds no media file the manifest lacks" \
		"SELECT path FROM got WHERE path NOT IN (SELECT path FROM exp);"
	check "sidecars as the manifest says" \
		"SELECT path, sidecar, gsidecar FROM cmp WHERE flags NOT LIKE '%ambiguous%'
		 AND COALESCE(gsidecar, '-') != sidecar;"
	check "matching rules as the manifest says" \
		"SELECT path, rule, grule FROM cmp WHERE flags NOT LIKE '%ambiguous%'
		 AND flags NOT LIKE '%rule-uncertain%' AND grule != rule;"
	check "taken time is the sidecar's photoTakenTime" \
		"SELECT path, taken, gtaken FROM cmp WHERE taken != '-'
		 AND flags NOT LIKE '%ambiguous%' AND gtaken != CAST(taken AS INTEGER);"
	check "favorites as the manifest says" \
		"SELECT path, fav, gfav FROM cmp WHERE flags NOT LIKE '%ambiguous%'
		 AND CAST(fav AS INTEGER) != gfav;"
	check "one store item per byte-identical group" \
		"SELECT grp, COUNT(DISTINCT item_id) FROM cmp GROUP BY grp HAVING COUNT(DISTINCT item_id) != 1;"
	check "one byte-identical group per store item" \
		"SELECT item_id, COUNT(DISTINCT grp) FROM cmp GROUP BY item_id HAVING COUNT(DISTINCT grp) != 1;"
	check "album membership as the manifest says" \
		"SELECT path, albums, galbums FROM cmp WHERE albums != '-' AND
		 (SELECT COUNT(*) FROM (WITH RECURSIVE split(t, rest) AS (SELECT NULL, albums || '|'
		  UNION ALL SELECT substr(rest, 1, instr(rest, '|') - 1), substr(rest, instr(rest, '|') + 1)
		  FROM split WHERE rest != '') SELECT t FROM split WHERE t IS NOT NULL
		  AND instr('|' || COALESCE(galbums, '') || '|', '|' || t || '|') = 0)) > 0;"
	check "no album membership the manifest lacks" \
		"SELECT path, albums, galbums FROM cmp WHERE galbums IS NOT NULL AND
		 (length(galbums) - length(replace(galbums, '|', ''))) >
		 (CASE albums WHEN '-' THEN -1 ELSE length(albums) - length(replace(albums, '|', '')) END);"
	check "store passes PRAGMA integrity_check" \
		"SELECT * FROM pragma_integrity_check WHERE integrity_check != 'ok';"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
