#!/bin/sh
# regen-golden.sh: (re)writes tests/golden/<case>/expected.{txt,jsonl} from the current
# esptap, creating a case for each sample trace (tests/data/samples/*) and made capture
# (captures/*.pcapng) that has none. Read the git diff before committing it.
#   tools/regen-golden.sh [ESPTAP]     (default: build/esptap)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ESPTAP=${1:-${ESPTAP:-$top/build/esptap}}
[ -x "$ESPTAP" ] || { echo "regen-golden: no esptap at $ESPTAP (build first)" >&2; exit 2; }
cd "$top"
for f in tests/data/samples/* captures/*.pcapng; do
	[ -f "$f" ] || continue
	c=$(basename "$f"); c=${c%.*}
	[ -d "tests/golden/$c" ] || { mkdir -p "tests/golden/$c"; echo "$f" >"tests/golden/$c/args"; }
done
n=0
for dir in tests/golden/*/; do
	[ -f "$dir/args" ] || continue
	c=$(basename "$dir")
	rc=0
	# shellcheck disable=SC2046
	NO_COLOR=1 "$ESPTAP" decode --color=never --text -j "$dir/expected.jsonl" $(cat "$dir/args") >"$dir/expected.txt" 2>/dev/null || rc=$?
	sed -i 's/"version":"[^"]*"/"version":"@VERSION@"/' "$dir/expected.jsonl"
	if [ "$rc" != 0 ]; then echo "$rc" >"$dir/exit"; else rm -f "$dir/exit"; fi
	echo "regen-golden: $c (exit $rc, $(wc -l <"$dir/expected.txt") text lines)"
	n=$((n + 1))
done
# report goldens: tests/golden/report/<case>.args -> <case>.md
for a in tests/golden/report/*.args; do
	[ -f "$a" ] || continue
	# shellcheck disable=SC2046
	"$ESPTAP" report $(cat "$a") 2>/dev/null | sed 's/| esptap [^ |]* |/| esptap @VERSION@ |/' >"${a%.args}.md"
	n=$((n + 1))
done
echo "regen-golden: $n cases written; review with 'git diff tests/golden'"
