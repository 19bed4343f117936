#!/bin/sh
# report.sh: `esptap report` golden tests (tests/golden/report/<case>.args -> <case>.md, version
# written as @VERSION@; tools/regen-golden.sh rewrites them), --redact leaves out what it promises
# and keeps what it promises, and `diagnose --json` gives the same findings as the summary record.
set -u
: "${top_srcdir:?}" "${ESPTAP:?}"
tmp=$(mktemp -d /tmp/esptap-report.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$top_srcdir" || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

for a in tests/golden/report/*.args; do
	c=$(basename "$a" .args)
	# shellcheck disable=SC2046 # args is a word list on purpose
	"$ESPTAP" report $(cat "$a") 2>"$tmp/$c.err" | sed 's/| esptap [^ |]* |/| esptap @VERSION@ |/' >"$tmp/$c.md"
	if diff -u "tests/golden/report/$c.md" "$tmp/$c.md" >"$tmp/$c.diff"; then
		ok "report $c: $(wc -l <"$tmp/$c.md") lines match"
	else
		bad "report $c differs:"; head -40 "$tmp/$c.diff"
	fi
done

# --redact: the unredacted report shows the MAC and the garbage bytes (so this test can fail);
# the redacted one shows neither, but keeps the length.
hexin="--format hex --dir c2h --baud 115200 tests/data/diag/garbage-74880.hex"
# shellcheck disable=SC2086
"$ESPTAP" report $hexin >"$tmp/plain.md"
# shellcheck disable=SC2086
"$ESPTAP" report --redact $hexin >"$tmp/red.md"
mac="24:0a:c4:01:02:03"
garb=$(grep -v '^#' tests/data/diag/garbage-74880.hex | tr -s ' \n' ' ' | cut -d' ' -f38-)
if grep -q "$mac" "$tmp/plain.md" && ! grep -q "$mac" "$tmp/red.md"; then ok "redact: the MAC address is left out"; else bad "redact: MAC"; fi
# every run of 4 payload bytes, as the text view prints bytes
leaks=0 shown=0
set -- $garb
while [ $# -ge 4 ]; do
	q="$1 $2 $3 $4"
	grep -q "$q" "$tmp/plain.md" && shown=$((shown + 1))
	grep -q "$q" "$tmp/red.md" && leaks=$((leaks + 1))
	shift
done
if [ "$shown" -gt 0 ] && [ "$leaks" = 0 ]; then ok "redact: none of the payload bytes ($shown 4-byte runs shown unredacted)"; else bad "redact: $leaks payload runs leak, $shown shown unredacted"; fi
if grep -q "57 bytes" "$tmp/red.md"; then ok "redact: the length stays"; else bad "redact: length gone"; fi
# MD5s and checksums stay: a verified write
"$ESPTAP" report --redact captures/esp32-clean-flash.pcapng >"$tmp/clean.md"
"$ESPTAP" decode -q -j "$tmp/clean.jsonl" captures/esp32-clean-flash.pcapng
md5s=$(python3 -c "import json,sys;[print(g['md5']) for l in open(sys.argv[1]) for r in [json.loads(l)] if r['type']=='summary' for g in r['regions'] if g.get('md5')]" "$tmp/clean.jsonl")
missing=0
for m in $md5s; do grep -q "$m" "$tmp/clean.md" || missing=$((missing + 1)); done
if [ -n "$md5s" ] && [ "$missing" = 0 ]; then ok "redact: region MD5s stay"; else bad "redact: $missing MD5s missing"; fi

# diagnose --json carries the summary record's findings, for every golden input
for dir in tests/golden/*/; do
	[ -f "$dir/args" ] || continue
	c=$(basename "$dir")
	# shellcheck disable=SC2046
	"$ESPTAP" decode -q -j "$tmp/$c.jsonl" $(cat "$dir/args") 2>/dev/null
	# shellcheck disable=SC2046
	"$ESPTAP" diagnose --json $(cat "$dir/args") >"$tmp/$c.diag" 2>/dev/null
	rc=$?
	if python3 - "$tmp/$c.jsonl" "$tmp/$c.diag" "$rc" <<'PY'
import json, sys
summ = [json.loads(l) for l in open(sys.argv[1])][-1]
diag = json.load(open(sys.argv[2]))
err = any(f["severity"] == "error" for f in diag["findings"])
sys.exit(0 if summ["findings"] == diag["findings"] and (int(sys.argv[3]) == 1) == err else 1)
PY
	then ok "diagnose $c: $(python3 -c "import json,sys;print(len(json.load(open(sys.argv[1]))['findings']))" "$tmp/$c.diag") findings, as in the summary record; exit $rc"
	else bad "diagnose $c: findings or exit status differ from the summary record"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -ge 20 ]
