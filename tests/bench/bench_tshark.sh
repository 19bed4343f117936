#!/bin/sh
# bench_tshark.sh: tshark with dissectors/esptap.lua against `esptap decode -q -j /dev/null` on the
# same generated capture (default 100 MB): packets/s and MB/s of each, the ratio (goal: esptap at
# least 20 times faster), and the dissector's own rate on a capture a tenth the size: the rates
# per packet must stay alike (request tracking is O(1) per packet; quadratic growth fails).
#   run by 'make bench'; BENCH_TSHARK_MB=N for another size.
set -eu
top_builddir=${top_builddir:-$PWD}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
ESPTAP=${ESPTAP:-$top_builddir/esptap}
mb=${BENCH_TSHARK_MB:-100}
small=$((mb / 10))
[ "$small" -ge 4 ] || small=4
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
# run NAME CMD...: wall time of CMD into $tmp/NAME.t
run() { _n=$1; shift; _a=$(now); "$@"; _b=$(now); echo "$_a $_b" | awk '{ printf "%.3f\n", $2 - $1 }' >"$tmp/$_n.t"; }

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
	-v es="$(cat "$tmp/esptap.small.t")" -v tsm="$(cat "$tmp/tshark.small.t")" 'BEGIN {
	M = 1048576
	printf "capture: %.1f MB, %d packets (and %.1f MB, %d packets)\n", by / M, pb, sy / M, ps
	printf "esptap decode -q -j /dev/null:  %7.2f s  %9.0f packets/s  %7.1f MB/s\n", eb, pb / eb, by / M / eb
	printf "tshark + esptap.lua:            %7.2f s  %9.0f packets/s  %7.1f MB/s\n", tb, pb / tb, by / M / tb
	printf "ratio (tshark time / esptap):   %7.1f x (goal >= 20)\n", tb / eb
	rs = ps / tsm; rb = pb / tb
	printf "dissector on the %.0f MB capture: %.0f packets/s; on the %.0f MB one: %.0f packets/s (ratio %.2f)\n", \
		sy / M, rs, by / M, rb, rb / rs
	if (rb < rs / 3) { print "bench_tshark: FAIL: the dissector slows down with capture size (quadratic?)"; exit 1 }
	if (tb / eb < 20) print "bench_tshark: note: esptap is less than 20 times faster here"
}'
