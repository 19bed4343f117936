# lib.sh: shared setup for the tshark tests (sourced, not run). Real tshark, the dissector
# loaded by hand, Wireshark's configuration pinned to an empty folder. No skips: a missing
# tshark fails the test (tools/setup.sh installs it).
set -u
: "${top_srcdir:?run through make check}" "${ESPTAP:?run through make check}"
TS_DIR="$top_srcdir/tests/tshark"
LUA="$top_srcdir/dissectors/esptap.lua"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/esptap-tshark.XXXXXX")
XDG_CONFIG_HOME="$WORK/config"
mkdir -p "$XDG_CONFIG_HOME"
export XDG_CONFIG_HOME
PASS=0 FAIL=0
trap 'rm -rf "$WORK"' EXIT
command -v tshark >/dev/null || { echo "FAIL: tshark not installed (tools/setup.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }

ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ] && [ "$PASS" -gt 0 ]; }

# ts ARGS...: tshark with the dissector; its "running as root" warning dropped.
ts() { tshark -X lua_script:"$LUA" "$@" 2>"$WORK/tshark.err"; _rc=$?; grep -v 'Running as user' "$WORK/tshark.err" >&2; return $_rc; }

# The fields of the golden outputs (expected/NAME.fields), two passes so response_in is known.
FIELDS="frame.number esptap.type esptap.opname esptap.mode esptap.status esptap.status_bytes esptap.error esptap.seq \
esptap.flash.offset esptap.checksum.good esptap.response_to esptap.response_in esptap.chip _ws.col.Info"
fields_of() {
	set -- "$1" $(for f in $FIELDS; do printf -- '-e %s ' "$f"; done)
	_cap=$1; shift
	ts -r "$_cap" -2 -T fields -E header=y -E aggregator='|' "$@"
}
# The JSON golden (expected/NAME.json): a few fields per packet, tshark's -T json layout.
json_of() {
	ts -r "$1" -2 -T json -e frame.number -e esptap.opname -e esptap.status -e esptap.error \
		-e esptap.response_to -e esptap.time -e _ws.expert.message | grep -v '"_index"'
}
# Types, ops and expert messages for compare.py.
experts_of() {
	ts -r "$1" -2 -T fields -E aggregator='|' -e frame.number -e esptap.type -e esptap.opname -e _ws.expert.message
}
