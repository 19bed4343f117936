#!/bin/sh
# timeout_opt.sh: --timeout [OP=]MS sets how long a request may wait before it counts as a timeout
# (decode, diagnose and report share it); without it, esptool's own limits apply (READ_REG: 3 s).
set -u
: "${top_srcdir:?run through make check}" "${ESPTAP:?run through make check}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esptap-timeout.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { d=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $d"; fi; }
# A READ_REG the chip never answers; the log goes on for 5 s, then ends.
cat >"$tmp/t.log" <<'LOG'
esptool.py v4.12.0
TRACE +0.000 command op=0x0a data len=4 wait_response=1 timeout=3.000 data=00100040
TRACE +0.000 Write 14 bytes: c0000a04000000000000100040c0
TRACE +5.000 still waiting
LOG
timeouts() { "$ESPTAP" decode -q -j - "$@" "$tmp/t.log" | grep -c '"type":"timeout"'; }
check "default: 5 s is over READ_REG's 3 s" [ "$(timeouts)" -eq 1 ]
check "--timeout 10000 for every op: no timeout" [ "$(timeouts --timeout 10000)" -eq 0 ]
check "--timeout READ_REG=10000: no timeout" [ "$(timeouts --timeout READ_REG=10000)" -eq 0 ]
check "--timeout 0x0a=10000 (by number): no timeout" [ "$(timeouts --timeout 0x0a=10000)" -eq 0 ]
check "--timeout SYNC=10000 leaves READ_REG alone" [ "$(timeouts --timeout SYNC=10000)" -eq 1 ]
check "--timeout READ_REG=1000: a timeout" [ "$(timeouts --timeout 10000 --timeout READ_REG=1000)" -eq 1 ]
"$ESPTAP" decode -q -j - --timeout READ_REG=4000 "$tmp/t.log" >"$tmp/j"
check "the note names the limit in force" grep -q 'limit 4000 ms' "$tmp/j"
rc=0; "$ESPTAP" diagnose --json "$tmp/t.log" >"$tmp/d" || rc=$?
check "diagnose: a timeout finding by default" grep -q '"code":"timeout"' "$tmp/d"
rc=0; "$ESPTAP" diagnose --json --timeout 10000 "$tmp/t.log" >"$tmp/d2" || rc=$?
check "diagnose --timeout 10000: no timeout finding" sh -c "! grep -q '\"code\":\"timeout\"' '$tmp/d2'"
rc=0; "$ESPTAP" decode --timeout FOO=10 "$tmp/t.log" 2>"$tmp/e" || rc=$?
check "unknown op: exit 2" [ "$rc" -eq 2 ]
check "unknown op: one line naming it" sh -c "[ \$(wc -l <'$tmp/e') -eq 1 ] && grep -q FOO '$tmp/e'"
rc=0; "$ESPTAP" decode --timeout 0 "$tmp/t.log" 2>/dev/null || rc=$?
check "0 ms: exit 2" [ "$rc" -eq 2 ]
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -eq 12 ]
