#!/bin/sh
# bench_tshark.sh: tshark with dissectors/esptap.lua against `esptap decode -q -j /dev/null` on the
# same generated capture (default 100 MB): packets/s and MB/s of each, the ratio (goal: esptap at
# least 20 times faster), and the dissector's own rate on a capture a tenth the size (10 MB at
# least, the same mix of packets): the rates must stay alike (request tracking is O(1) per
# packet; a rate below a third of the small capture's fails as quadratic growth).
#   run by 'make bench'; BENCH_TSHARK_MB=N for another size.
set -eu
top_builddir=${top_builddir:-$PWD}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
ESPTAP=${ESPTAP:-$top_builddir/esptap}
mb=${BENCH_TSHARK_MB:-100}
small=$((mb / 10))
[ "$small" -ge 10 ] || small=10 # two sessions at least: the same mix of ROM and stub packets
command -v tshark >/dev/null || { echo "bench_tshark: tshark not installed (tools/setup.sh)" >&2; exit 1; }
make -s -C "$top_builddir" esptap tests/bench/gencap >/dev/null
tmp=$(mktemp -d /tmp/esptap-bench-ts.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/cfg" "$tmp/img"
export XDG_CONFIG_HOME="$tmp/cfg"
"$top_builddir/tests/bench/gencap" "$tmp/big.pcapng" "$tmp/img" "$mb" >"$tmp/gen.big"
"$top_builddir/tests/bench/gencap" "$tmp/small.pcapng" "$tmp/img" "$small" >"$tmp/gen.small"
rm -rf "$tmp/img"

now() { date +%s.%N; }
# CPU seconds (user + system) of this shell's finished children, from `times` run in this shell
# itself (not in a subshell, whose children are not ours): second line, user then system
cpu() { awk 'NR == 2 { gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }' "$1"; }
# run NAME CMD...: wall time of CMD into $tmp/NAME.t, CPU time into $tmp/NAME.c (the machine
# may be shared: CPU time is the steadier figure, and the one the size check uses)
run() {
	_n=$1; shift
	_a=$(now); times >"$tmp/times.a"
	"$@"
	_b=$(now); times >"$tmp/times.b"
	echo "$_a $_b" | awk '{ printf "%.3f\n", $2 - $1 }' >"$tmp/$_n.t"
	echo "$(cpu "$tmp/times.a") $(cpu "$tmp/times.b")" | awk '{ printf "%.3f\n", $2 - $1 }' >"$tmp/$_n.c"
}

for cap in big small; do
	cat "$tmp/$cap.pcapng" >/dev/null
	run "esptap.$cap" "$ESPTAP" decode -q -j /dev/null "$tmp/$cap.pcapng"
	run "tshark.$cap" sh -c "tshark -X lua_script:'$top_srcdir/dissectors/esptap.lua' -r '$tmp/$cap.pcapng' -T fields -e esptap.type 2>/dev/null >'$tmp/$cap.ops'"
done
# the dissector claimed every packet (each has a record type)
pk_big=$(wc -l <"$tmp/big.ops")
pk_small=$(wc -l <"$tmp/small.ops")
named=$(grep -c . "$tmp/big.ops")
[ "$named" -eq "$pk_big" ] && [ "$pk_big" -gt 1000 ] || { echo "bench_tshark: dissector claimed $named of $pk_big packets" >&2; exit 1; }
awk -v by="$(wc -c <"$tmp/big.pcapng")" -v sy="$(wc -c <"$tmp/small.pcapng")" -v pb="$pk_big" -v ps="$pk_small" \
	-v eb="$(cat "$tmp/esptap.big.t")" -v tb="$(cat "$tmp/tshark.big.t")" \
	-v ecb="$(cat "$tmp/esptap.big.c")" -v tcb="$(cat "$tmp/tshark.big.c")" -v tcs="$(cat "$tmp/tshark.small.c")" 'BEGIN {
	M = 1048576
	printf "capture: %.1f MB, %d packets (and %.1f MB, %d packets)\n", by / M, pb, sy / M, ps
	printf "                                 wall      CPU   packets/s (CPU)     MB/s (CPU)\n"
	printf "esptap decode -q -j /dev/null: %6.2f s %6.2f s  %14.0f  %13.1f\n", eb, ecb, pb / ecb, by / M / ecb
	printf "tshark + esptap.lua:           %6.2f s %6.2f s  %14.0f  %13.1f\n", tb, tcb, pb / tcb, by / M / tcb
	printf "ratio tshark / esptap:         %6.1f x (wall) %6.1f x (CPU); goal >= 20\n", tb / eb, tcb / ecb
	rs = sy / M / tcs; rb = by / M / tcb
	printf "dissector, CPU: %.2f MB/s on the %.0f MB capture, %.2f MB/s on the %.0f MB one (ratio %.2f)\n", \
		rs, sy / M, rb, by / M, rb / rs
	if (rb < rs / 3) { print "bench_tshark: FAIL: the dissector slows down with capture size (quadratic?)"; exit 1 }
	if (tcb / ecb < 20) print "bench_tshark: note: esptap is less than 20 times faster here"
}'
