#!/bin/sh
# run.sh: golden tests. Each tests/golden/<case>/ holds `args` (decode's arguments, paths
# relative to the top of the source tree), `expected.txt` (the text view), `expected.jsonl`
# (the JSON Lines trace, version written as @VERSION@) and optionally `exit` (the expected
# status, 0 if absent). Runs decode for each, diffs, validates the JSON against the schema.
# tools/regen-golden.sh rewrites the expected files; a human reads the diff.
set -u
: "${top_srcdir:?}" "${ESPTAP:?}"
tmp=$(mktemp -d /tmp/esptap-golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$top_srcdir" || exit 1
pass=0; fail=0; cases=0
for dir in tests/golden/*/; do
	c=$(basename "$dir")
	[ -f "$dir/args" ] || continue
	cases=$((cases + 1))
	want_rc=0
	[ -f "$dir/exit" ] && want_rc=$(cat "$dir/exit")
	# shellcheck disable=SC2046 # args is a word list on purpose
	NO_COLOR=1 "$ESPTAP" decode --color=never --text -j "$tmp/$c.jsonl" $(cat "$dir/args") >"$tmp/$c.txt" 2>"$tmp/$c.err"
	rc=$?
	sed -i 's/"version":"[^"]*"/"version":"@VERSION@"/' "$tmp/$c.jsonl" 2>/dev/null
	ok=1
	if [ "$rc" != "$want_rc" ]; then
		echo "FAIL $c: exit status $rc, expected $want_rc"; cat "$tmp/$c.err"; ok=0
	fi
	for k in txt jsonl; do
		if [ ! -f "$dir/expected.$k" ]; then
			echo "FAIL $c: no expected.$k (run tools/regen-golden.sh)"; ok=0
		elif ! diff -u "$dir/expected.$k" "$tmp/$c.$k" >"$tmp/$c.$k.diff"; then
			echo "FAIL $c: $k output differs:"; head -60 "$tmp/$c.$k.diff"; ok=0
		fi
	done
	if ! /usr/bin/python3 tests/golden/validate-jsonl.py docs/trace.schema.json "$tmp/$c.jsonl" >"$tmp/$c.val" 2>&1; then
		echo "FAIL $c: JSON Lines invalid:"; head -20 "$tmp/$c.val"; ok=0
	fi
	if [ $ok = 1 ]; then
		echo "ok   $c: exit $rc, $(wc -l <"$tmp/$c.txt") text lines, $(wc -l <"$tmp/$c.jsonl") JSON lines match, schema valid"
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
if [ "$cases" = 0 ]; then
	echo "no golden cases found under tests/golden/"; fail=1
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
