#!/bin/bash
# The store owns SQLite: no file of src/ or include/ outside the store's own
# folders names sqlite3 (no <sqlite3.h>, no sqlite3_* call, no sqlite3 type),
# so every statement on the store's tables is behind a store function.
# Also: no layer includes a header of a layer above it (docs/architecture.md).
set -u
cd "$TFS_SRC" || exit 1
fail=0

hits=$(grep -rn --include='*.c' --include='*.h' 'sqlite3' src include |
	grep -v -e '^src/store/' -e '^include/store/')
if [ -n "$hits" ]; then
	echo "sqlite3 named outside src/store and include/store:"
	echo "$hits"
	fail=1
fi
# Only the store's sources include SQLite's header; its public headers give
# the other layers an opaque handle.
hits=$(grep -rln '#include <sqlite3.h>' include)
if [ -n "$hits" ]; then
	echo "public headers that include <sqlite3.h>:"
	echo "$hits"
	fail=1
fi

# The layers, lowest first; a file may include headers of its own layer and
# of the layers before it.
layers=(util store archive source media index views fs cli)
rank() {
	local i
	for i in "${!layers[@]}"; do
		[ "${layers[$i]}" = "$1" ] && { echo "$i"; return; }
	done
	echo -1
}
for dir in src include; do
	for layer in "${layers[@]}"; do
		[ -d "$dir/$layer" ] || continue
		own=$(rank "$layer")
		while IFS=: read -r file used; do
			[ "$(rank "$used")" -le "$own" ] && continue
			echo "$file ($layer) includes a header of $used, a layer above it"
			fail=1
		done < <(grep -rHo --include='*.c' --include='*.h' '^#include "[a-z]*/' "$dir/$layer" |
			sed 's|:#include "\([a-z]*\)/|:\1|')
	done
done

[ "$fail" = 0 ] && echo "layers: ok"
exit "$fail"
