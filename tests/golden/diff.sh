#!/bin/sh
# diff.sh: golden tests of `esptap diff`. Each tests/golden/diff/CASE.args holds the two inputs
# (paths relative to the top of the source tree); CASE.txt is the text view, CASE.json the JSON
# object (valid against docs/diff.schema.json), CASE.exit the exit status. `diff.sh --regen` rewrites them; a human reads the diff.
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
	if ! /usr/bin/python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
		docs/diff.schema.json "$tmp/$n.json" >"$tmp/$n.val" 2>&1; then
		echo "FAIL $n: JSON does not match docs/diff.schema.json:"; tail -5 "$tmp/$n.val"; ok=0
	fi
	if [ $ok = 1 ]; then
		echo "ok   $n: exit $rc, $(wc -l <"$tmp/$n.txt") text lines and the JSON match, schema valid"
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
[ "${1:-}" = --regen ] && exit 0
# Colour on a terminal only (script(1) gives one), never with NO_COLOR or through a pipe.
esc=$(printf '\033')
cmd="'$ESPTAP' diff captures/esp32-clean-flash.pcapng captures/timeout.pcapng"
colour() { # NAME WANT(0|1) OUTPUT
	n=$(grep -cF "$esc[" "$3")
	if { [ "$2" = 0 ] && [ "$n" = 0 ]; } || { [ "$2" = 1 ] && [ "$n" -gt 0 ]; }; then
		echo "ok   $1: $n coloured lines"; pass=$((pass + 1))
	else
		echo "FAIL $1: $n coloured lines"; fail=$((fail + 1))
	fi
}
env -u NO_COLOR script -qec "$cmd" /dev/null >"$tmp/tty.txt" 2>&1
colour "terminal" 1 "$tmp/tty.txt"
NO_COLOR=1 script -qec "$cmd" /dev/null >"$tmp/nocolor.txt" 2>&1
colour "terminal, NO_COLOR=1" 0 "$tmp/nocolor.txt"
env -u NO_COLOR sh -c "$cmd" >"$tmp/pipe.txt" 2>&1
colour "pipe" 0 "$tmp/pipe.txt"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -ge 8 ]
