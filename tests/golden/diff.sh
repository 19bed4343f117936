#!/bin/sh
# diff.sh: golden tests of `esptap diff`. Each tests/golden/diff/CASE.args holds the two inputs
# (paths relative to the top of the source tree); CASE.txt is the text view, CASE.json the JSON
# object, CASE.exit the exit status. `diff.sh --regen` rewrites them; a human reads the diff.
set -u
: "${top_srcdir:?}" "${ESPTAP:?}"
tmp=$(mktemp -d /tmp/esptap-golden-diff.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$top_srcdir" || exit 1
pass=0; fail=0
for a in tests/golden/diff/*.args; do
	c=${a%.args}
	n=$(basename "$c")
	rc=0
	# shellcheck disable=SC2046 # args is a word list on purpose
	"$ESPTAP" diff --color=never $(cat "$a") >"$tmp/$n.txt" 2>"$tmp/$n.err" || rc=$?
	jrc=0
	# shellcheck disable=SC2046
	"$ESPTAP" diff --json $(cat "$a") >"$tmp/$n.json" 2>>"$tmp/$n.err" || jrc=$?
	echo "$rc" >"$tmp/$n.exit"
	if [ "${1:-}" = --regen ]; then
		cp "$tmp/$n.txt" "$tmp/$n.json" "$tmp/$n.exit" tests/golden/diff/
		echo "regenerated $n"
		continue
	fi
	ok=1
	[ "$rc" = "$jrc" ] || { echo "FAIL $n: text exits $rc, --json exits $jrc"; ok=0; }
	for k in txt json exit; do
		if ! diff -u "$c.$k" "$tmp/$n.$k" >"$tmp/$n.$k.diff" 2>&1; then
			echo "FAIL $n: $k differs:"; head -40 "$tmp/$n.$k.diff"; ok=0
		fi
	done
	if [ $ok = 1 ]; then
		echo "ok   $n: exit $rc, $(wc -l <"$tmp/$n.txt") text lines and the JSON match"
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -ge 5 ]
