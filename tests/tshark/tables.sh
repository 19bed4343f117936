#!/bin/sh
# tables.sh: the dissector's generated tables (opcodes, errors, chips, kinds, flags) equal
# what dissectors/gen_tables prints from src/core's C tables today: one fact, one place.
#   tables.sh            check (a test: fails on drift, or when it cannot check)
#   tables.sh --update   rewrite the block in dissectors/esptap.lua (make dissector-tables)
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
gen=$top_builddir/dissectors/gen_tables
lua=$top_srcdir/dissectors/esptap.lua
[ -x "$gen" ] || { echo "tables.sh: FAIL: $gen not built" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" >"$tmp/want"
begin=$(head -n 1 "$tmp/want")
end=$(tail -n 1 "$tmp/want")
# the block as the dissector carries it, markers included
awk -v b="$begin" -v e="$end" '$0 == b { on = 1 } on { print } $0 == e { on = 0 }' "$lua" >"$tmp/have"
if [ "${1:-}" = --update ]; then
	awk -v b="$begin" -v e="$end" -v f="$tmp/want" '
		$0 == b { while ((getline l < f) > 0) print l; skip = 1; next }
		skip && $0 == e { skip = 0; next }
		!skip { print }' "$lua" >"$tmp/new"
	grep -qxF -e "$begin" "$tmp/new" || { echo "tables.sh: no BEGIN marker in $lua" >&2; exit 1; }
	cat "$tmp/new" >"$lua"
	echo "tables.sh: $lua updated"
	exit 0
fi
n=$(grep -c '^	\[0x' "$tmp/want")
[ "$n" -gt 40 ] || { echo "tables.sh: FAIL: generator printed only $n table rows" >&2; exit 1; }
if diff -u "$tmp/have" "$tmp/want" >"$tmp/diff"; then
	echo "tables.sh: dissector tables match src/core ($n rows)"
	echo "1 passed, 0 failed"
else
	cat "$tmp/diff"
	echo "tables.sh: FAIL: dissectors/esptap.lua's tables drifted from src/core; run 'make dissector-tables'" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
