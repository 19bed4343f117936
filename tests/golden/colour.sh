#!/bin/sh
# colour.sh: decode's text view is coloured on a terminal only: none through a pipe, some
# on a pty (script(1)), none there with NO_COLOR or --color=never, always with --color=always.
set -u
: "${top_srcdir:?}" "${ESPTAP:?}"
tmp=$(mktemp -d /tmp/esptap-colour.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
in="$top_srcdir/tests/data/samples/esptool-clean-write-stub.log"
esc=$(printf '\033')
# count NAME WANT(0|>0) FILE
count() {
	n=$(grep -cF "$esc[" "$3")
	if { [ "$2" = 0 ] && [ "$n" = 0 ]; } || { [ "$2" != 0 ] && [ "$n" -gt 0 ]; }; then
		echo "ok   $1: $n coloured lines"; pass=$((pass + 1))
	else
		echo "FAIL $1: $n coloured lines"; fail=$((fail + 1))
	fi
}
env -u NO_COLOR "$ESPTAP" decode "$in" >"$tmp/pipe.txt" 2>&1
count "pipe, --color auto" 0 "$tmp/pipe.txt"
env -u NO_COLOR "$ESPTAP" decode --color=always "$in" >"$tmp/always.txt" 2>&1
count "pipe, --color=always" 1 "$tmp/always.txt"
env -u NO_COLOR script -qec "'$ESPTAP' decode '$in'" /dev/null >"$tmp/tty.txt" 2>&1
count "terminal, --color auto" 1 "$tmp/tty.txt"
NO_COLOR=1 script -qec "'$ESPTAP' decode '$in'" /dev/null >"$tmp/nocolor.txt" 2>&1
count "terminal, NO_COLOR=1" 0 "$tmp/nocolor.txt"
env -u NO_COLOR script -qec "'$ESPTAP' decode --color=never '$in'" /dev/null >"$tmp/never.txt" 2>&1
count "terminal, --color=never" 0 "$tmp/never.txt"
# the same text once the escapes are gone
sed "s/$esc\[[0-9;]*m//g" "$tmp/tty.txt" | tr -d '\r' >"$tmp/tty.plain"
if cmp -s "$tmp/tty.plain" "$tmp/pipe.txt"; then
	echo "ok   terminal text without its colours is the pipe's text"; pass=$((pass + 1))
else
	echo "FAIL terminal text differs from the pipe's beyond colours"; diff "$tmp/pipe.txt" "$tmp/tty.plain" | head -5; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
