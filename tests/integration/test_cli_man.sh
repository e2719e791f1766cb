#!/bin/bash
# The man page renders with man(1) and groff reports no warning at all.
set -u
page="$TFS_SRC/man/takeoutfs.1"
fail=0
warnings=$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
if [ -n "$warnings" ]; then
	echo "groff warnings:"; echo "$warnings"; fail=1
fi
text=$(MANWIDTH=80 man -l "$page" 2>/tmp/tfs-man-err.$$)
if [ -s /tmp/tfs-man-err.$$ ]; then
	echo "man -l complained:"; cat /tmp/tfs-man-err.$$; fail=1
fi
rm -f /tmp/tfs-man-err.$$
for section in NAME SYNOPSIS DESCRIPTION OPTIONS FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
	grep -q "^$section\$" <<<"$text" || { echo "missing section $section"; fail=1; }
done
# Every option takeoutfs parses is documented.
for opt in --index-only --help --version "db=PATH" "threads=N" reindex "crc=lazy" "crc=eager" \
	hidemeta xmp "tz=ZONE" quiet nonempty fuse.takeoutfs systemctl sqlite3; do
	grep -q -- "$opt" <<<"$text" || { echo "man page does not mention $opt"; fail=1; }
done
# And the options --help prints match the man page's.
if [ -x "${TFS_BIN:-}" ]; then
	for opt in $("$TFS_BIN" --help | sed -n "/^FUSE options/q; s/^    \(-o [a-z]*\).*/\1/p" | sort -u); do
		grep -q -- "$opt" <<<"$text" || { echo "--help has $opt, the man page not"; fail=1; }
	done
fi
# And every -o option the man page and the README list is in --help.
if [ -x "${TFS_BIN:-}" ]; then
	help=$("$TFS_BIN" --help | sed "/^FUSE options/q")
	readme_opts=$(grep -o '^| `-o [a-z]*' "$TFS_SRC/README.md" | sed 's/^| `//')
	man_opts=$(sed -n '/^OPTIONS$/,/^[A-Z]/p' <<<"$text" | grep -o -- '-o [a-z]*')
	for opt in $(printf '%s\n' "$readme_opts" "$man_opts" | sed 's/^-o /-o_/' | sort -u); do
		opt=${opt/_/ }
		grep -q -- "$opt" <<<"$help" || { echo "the man page or README has $opt, --help not"; fail=1; }
	done
fi
[ $fail = 0 ] && echo "man page OK"
exit $fail
