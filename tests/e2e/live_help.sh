#!/bin/sh
# live_help.sh: the live verbs' --help and the man page against the code. Every long option in
# each verb's option table (src/cli/cmd_VERB.c, plus the shared ones in live_common.h) is
# listed by `esptap VERB --help` and in the verb's man page section (shared ones in the
# common part); the ranges and choices the help states are the ones the parser enforces.
set -u
: "${top_srcdir:?run through make check}" "${ESPTAP:?run through make check}"
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/esptap-help.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
MAN="$top_srcdir/docs/esptap.1"

# long option names in a C option table: {"name", ...
longopts() { grep -o '{"[a-z0-9-]*", *[a-z_]*argument' "$@" | sed 's/{"\([^"]*\)".*/\1/' | sort -u; }
shared=$(longopts "$top_srcdir/src/cli/live_common.h")
check "the shared live options are found in live_common.h ($(echo $shared))" [ "$(echo "$shared" | wc -l)" -ge 8 ]
# the man page's section of a verb, and its shared part (COMMON OPTIONS and PORTS)
# (backslashes dropped: roff spells a hyphen \-)
section() { sed -n "/^\.SH $1\$/,/^\.SH /p" "$MAN" | tr -d '\\'; }
common_man=$( (section "COMMON OPTIONS"; section PORTS) )

for verb in proxy run rfc2217 tap ports; do
	"$ESPTAP" "$verb" --help >"$WORK/$verb.help" 2>&1
	check "$verb --help exits 0" [ $? -eq 0 ]
	own=$(longopts "$top_srcdir/src/cli/cmd_$verb.c" | grep -v '^help$')
	sect=ports
	case $verb in ports) sect="LISTING PORTS" ;; *) sect=$(echo "$verb" | tr a-z A-Z) ;; esac
	missing_help="" missing_man=""
	for o in $own; do
		grep -q -- "--$o" "$WORK/$verb.help" || missing_help="$missing_help --$o"
		section "$sect" | grep -q -- "--$o" || missing_man="$missing_man --$o"
	done
	if [ "$verb" != ports ]; then
		for o in $shared; do
			[ "$o" = colour ] && continue # the British spelling is an alias
			grep -q -- "--$o" "$WORK/$verb.help" || missing_help="$missing_help --$o"
			echo "$common_man" | grep -q -- "--$o" || missing_man="$missing_man --$o"
		done
	fi
	check "$verb --help lists every option ($(echo $own))${missing_help:+, missing:$missing_help}" [ -z "$missing_help" ]
	check "man page covers every $verb option${missing_man:+, missing:$missing_man}" [ -z "$missing_man" ]
done

# what the help says about values, checked against the parser: a value out of range is a usage
# error (2); one in range gets past option parsing to the port, which is missing here (6)
h="$WORK/proxy.help"
try() { "$ESPTAP" proxy --port "$WORK/none" --link "$WORK/l" "$@" >/dev/null 2>&1; echo $?; }
check "help: baud 50..20000000, default 115200" grep -q "50..20000000 (default 115200)" "$h"
check "parser: --baud 49 and 20000001 refused, 50 and 20000000 taken" \
	[ "$(try -b 49) $(try -b 20000001) $(try -b 50) $(try -b 20000000)" = "2 2 6 6" ]
check "help: linktype 147..162, default 147" grep -q "147..162 (default 147)" "$h"
check "parser: --linktype 146 and 163 refused, 147 and 162 taken" \
	[ "$(try --linktype 146) $(try --linktype 163) $(try --linktype 147) $(try --linktype 162)" = "2 2 6 6" ]
check "help: --color auto|always|never, default auto" grep -q "auto|always|never (default auto" "$h"
check "parser: --color auto, always, never taken, blue refused" \
	[ "$(try --color auto) $(try --color always) $(try --color never) $(try --color blue)" = "6 6 6 2" ]
check "help: proxy's link defaults to /tmp/ttyESP" grep -q "default /tmp/ttyESP" "$h"
check "code: proxy's link defaults to /tmp/ttyESP" grep -q 'link = "/tmp/ttyESP"' "$top_srcdir/src/cli/cmd_proxy.c"
check "help: run's port defaults to sim:esp32" grep -q "default sim:esp32" "$WORK/run.help"
"$ESPTAP" run -q -- sh -c 'test -L "$1" || test -c "$1"' sh '{port}' >/dev/null 2>&1
check "code: run with no --port works (the in-process simulator)" [ $? -eq 0 ]
check "help: rfc2217 listens on 127.0.0.1:4000 by default" grep -q "default 127.0.0.1:4000" "$WORK/rfc2217.help"
check "help: the sim: port syntax" grep -q "sim:CHIP\[,flash=FILE\]\[,fault=SPEC\]...\[,download\]" "$h"
"$ESPTAP" proxy --port "sim:esp32,flash=$WORK/f.bin,fault=drop:SYNC:1,download" --link "$WORK/l" -q >/dev/null 2>&1 &
p=$!
i=0
while [ ! -L "$WORK/l" ] && [ $i -lt 400 ]; do i=$((i + 1)); sleep 0.05; done
kill -TERM $p; wait $p; rc=$?
check "code: that syntax is accepted (proxy ran, SIGTERM: 9, got $rc)" [ "$rc" -eq 9 ]
"$ESPTAP" proxy --port "sim:esp32,bogus" --link "$WORK/l2" >"$WORK/bogus.out" 2>&1
check "code: an unknown sim: option is a usage error naming the known ones" \
	sh -c "[ $? -eq 2 ] && grep -q 'fault=SPEC, flash=FILE, download' '$WORK/bogus.out'"
check "man: the sim: port syntax" grep -q 'sim: CHIP' "$MAN"
check "man: ESPTAP_PORT, as run sets it" sh -c "grep -q 'ESPTAP_PORT' '$MAN' && grep -q '\"ESPTAP_PORT\"' '$top_srcdir/src/cli/cmd_run.c'"
"$ESPTAP" run -q -- sh -c '[ "$ESPTAP_PORT" = "$1" ]' sh '{port}' >/dev/null 2>&1
check "code: run sets ESPTAP_PORT to the {port} path" [ $? -eq 0 ]
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ] && [ "$PASS" -ge 33 ]
