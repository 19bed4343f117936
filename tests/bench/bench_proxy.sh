#!/bin/sh
# bench_proxy.sh: `esptap proxy` (recording on: -q -w FILE) against a socat pty relay doing the
# same forwarding, in the same run. Each relay sits between the client and a far-side pty that
# plays the chip (tests/bench/rtt). Measures (a) round trips of a 14-byte READ_REG frame against
# an echo, median and p99, both relays taking turns in blocks of 10; (b) sustained MB/s each way
# through each, every byte checked. Goals: esptap's median and p99 no worse than socat's,
# >= 50 MB/s each way, nothing lost.
# Round trips run with every process on one CPU: on 2 cores the scheduler's placement of
# client, relay and echo (same core or not) swings a median by 5x from run to run, which hides
# what the relay itself costs. Other work on the machine still lands on that CPU at times, so
# the round trips run in 5 rounds and the least disturbed one (lowest p99 sum) is reported.
# A lost or changed byte fails the bench; a missed speed goal is reported, and fails it only
# with BENCH_STRICT=1 (a busy shared machine can miss one by chance).
#   run by 'make bench' from the build directory; BENCH_RTT=N round trips, BENCH_PROXY_MB=N.
set -eu
top_builddir=${top_builddir:-$PWD}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
ESPTAP=${ESPTAP:-$top_builddir/esptap}
RTT=$top_builddir/tests/bench/rtt
n=${BENCH_RTT:-2000}
mb=${BENCH_PROXY_MB:-64}
make -s -C "$top_builddir" esptap tests/bench/rtt >/dev/null
command -v socat >/dev/null || { echo "bench: socat is not installed (apt-get install socat)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/esptap-bench.XXXXXX)
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT

# wait_link PATH: up to 20 s for a relay to publish its pty
wait_link() {
	i=0
	while [ ! -L "$1" ]; do
		i=$((i + 1))
		[ $i -le 400 ] || { echo "bench: $1 did not appear" >&2; cat "$tmp"/*.log >&2; exit 1; }
		sleep 0.05
	done
}

# relays FARARG [PIN...]: socat between $tmp/s.a and $tmp/s.b with the far side on s.b; esptap proxy
# from $tmp/e.a to the far side's own pty $tmp/e.far. FARARG: the far side's MB (0: echo).
relays() {
	far=$1; shift
	rm -f "$tmp/s.a" "$tmp/s.b" "$tmp/e.a" "$tmp/e.far"
	"$@" socat "PTY,link=$tmp/s.a,raw,echo=0" "PTY,link=$tmp/s.b,raw,echo=0" 2>"$tmp/socat.log" &
	pids="$pids $!"
	wait_link "$tmp/s.b"
	wait_link "$tmp/s.a"
	"$@" "$RTT" far "$tmp/s.b" "$far" &
	pids="$pids $!"
	"$@" "$RTT" pty "$tmp/e.far" "$far" &
	pids="$pids $!"
	wait_link "$tmp/e.far"
	"$@" "$ESPTAP" proxy --port "$tmp/e.far" --link "$tmp/e.a" -q -w "$tmp/cap.pcapng" 2>"$tmp/proxy.log" &
	pids="$pids $!"
	wait_link "$tmp/e.a"
}

stop_relays() {
	for p in $pids; do kill $p 2>/dev/null || true; done
	wait 2>/dev/null || true
	pids=""
}

# the CPU that was idlest over half a second (other work on the machine comes and goes)
idle() { awk '/^cpu[0-9]/ { print $1, $5 }' /proc/stat; }
idle >"$tmp/idle0"; sleep 0.5; idle >"$tmp/idle1"
cpu=$(join "$tmp/idle0" "$tmp/idle1" | awk '{ d = $3 - $2; if (d > best || !n++) { best = d; c = substr($1, 4) } } END { print c }')
taskset -pc "$cpu" $$ >/dev/null 2>&1 || cpu=0
taskset -pc "0-$(($(nproc) - 1))" $$ >/dev/null 2>&1 || true
echo "round trips: $n each way in 5 rounds, 14-byte frame, echo on the far side, all on CPU $cpu;"
echo "esptap records to a pcapng"
best=""
for round in 1 2 3 4 5; do
	relays 0 taskset -c "$cpu"
	taskset -c "$cpu" "$RTT" ping "$n" "$tmp/s.a" "$tmp/e.a" >"$tmp/rtt"
	stop_relays
	set -- $(cat "$tmp/rtt")
	echo "  round $round: median/p99 us: esptap $3/$4, socat $1/$2"
	if [ -z "$best" ] || awk -v a="$2" -v b="$4" -v c="$best" 'BEGIN { exit !(a + b < c) }'; then
		best=$(awk -v a="$2" -v b="$4" 'BEGIN { print a + b }')
		s_med=$1 s_p99=$2 e_med=$3 e_p99=$4
	fi
done
cap=$(wc -c <"$tmp/cap.pcapng")
[ "$cap" -gt 1000 ] || { echo "bench: the proxy recorded nothing ($cap bytes)" >&2; exit 1; }

echo "stream: $mb MB of FLASH_DATA frames each way, checksummed on arrival, 2 rounds, best kept"
s_to=0 s_from=0 e_to=0 e_from=0
for round in 1 2; do
	rm -f "$tmp/cap.pcapng"
	relays "$mb"
	"$RTT" stream "$tmp/s.a" "$mb" >"$tmp/s.stream" || { echo "bench: bytes lost through socat" >&2; exit 1; }
	"$RTT" stream "$tmp/e.a" "$mb" >"$tmp/e.stream" || { echo "bench: bytes lost through esptap proxy" >&2; cat "$tmp/proxy.log" >&2; exit 1; }
	stop_relays
	cap=$(wc -c <"$tmp/cap.pcapng")
	set -- $(cat "$tmp/s.stream") $(cat "$tmp/e.stream")
	echo "  round $round: MB/s to/from the chip: esptap $3/$4, socat $1/$2"
	max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
	s_to=$(max "$s_to" "$1") s_from=$(max "$s_from" "$2") e_to=$(max "$e_to" "$3") e_from=$(max "$e_from" "$4")
done

awk -v sm="$s_med" -v sp="$s_p99" -v em="$e_med" -v ep="$e_p99" -v st="$s_to" -v sf="$s_from" \
    -v et="$e_to" -v ef="$e_from" -v cap="$cap" -v mb="$mb" 'BEGIN {
	printf "                      esptap proxy      socat   esptap/socat\n"
	printf "RTT median (us)       %12.1f %10.1f %10.2f\n", em, sm, em / sm
	printf "RTT p99 (us)          %12.1f %10.1f %10.2f\n", ep, sp, ep / sp
	printf "MB/s to the chip      %12.1f %10.1f %10.2f\n", et, st, et / st
	printf "MB/s from the chip    %12.1f %10.1f %10.2f\n", ef, sf, ef / sf
	printf "no byte lost either way through either relay; esptap recorded %.1f MB of pcapng\n", cap / 1048576
	if (cap < mb * 2 * 1048576) { print "FAIL: esptap recorded less than it forwarded"; exit 1 }
	g1 = (em <= sm); g2 = (ep <= sp); g3 = (et >= 50 && ef >= 50)
	printf "goal: median RTT no worse than socat'\''s: %s\n", (g1 ? "met" : "MISSED")
	printf "goal: p99 RTT no worse than socat'\''s:    %s\n", (g2 ? "met" : "MISSED")
	printf "goal: >= 50 MB/s each way:             %s\n", (g3 ? "met" : "MISSED")
	print ((g1 && g2 && g3) ? "all goals met" : "goals missed") > "/dev/stderr"
	exit 0
}' 2>"$tmp/verdict"
cat "$tmp/verdict"
if [ "${BENCH_STRICT:-0}" = 1 ] && ! grep -q "all goals met" "$tmp/verdict"; then
	exit 1
fi
