#!/bin/sh
# bench_multi.sh: N esptool-js sessions at once (default 16) through ONE `esptap proxy` with N
# ports, against N simulators (`esptap sim` processes on ptys), every session writing and
# verifying its own image at 921600; then the same with one session alone. Reports: sessions
# that succeeded; whether each capture holds exactly the transactions its simulator logged (no
# byte lost); the command-to-response latency (the captures' latency_ms) median and p99 with N
# at once against one alone, and the wall time. Fails if a session fails or a byte is lost.
#   BENCH_MULTI_N=N sessions, BENCH_MULTI_KB=K kilobytes per image (default 64)
set -eu
top_builddir=${top_builddir:-$PWD}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
ESPTAP=${ESPTAP:-$top_builddir/esptap}
E2E=$top_srcdir/tests/e2e
N=${BENCH_MULTI_N:-16}
KB=${BENCH_MULTI_KB:-64}
[ -d "$E2E/node_modules/esptool-js" ] || (cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error)
tmp=$(mktemp -d /tmp/esptap-bench-multi.XXXXXX)
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT

# run K: K sims, one proxy with K ports, K flashers at once; prints the wall time in ms
run() {
	k=$1 d=$tmp/run$1
	mkdir -p "$d"
	args=""
	i=1
	while [ $i -le "$k" ]; do
		head -c $((KB * 1024)) /dev/urandom >"$d/img$i.bin"
		"$ESPTAP" sim --chip esp32 --link "$d/sim$i" -j "$d/sim$i.jsonl" >/dev/null 2>&1 &
		pids="$pids $!"
		args="$args --port $d/sim$i --link $d/esp$i -j $d/cap$i.jsonl"
		i=$((i + 1))
	done
	i=1
	while [ $i -le "$k" ]; do
		while [ ! -L "$d/sim$i" ]; do sleep 0.05; done
		i=$((i + 1))
	done
	# shellcheck disable=SC2086
	if [ "$k" -gt 1 ]; then "$ESPTAP" proxy $args >"$d/proxy.out" 2>&1 &
	else "$ESPTAP" proxy -q $args >"$d/proxy.out" 2>&1 & fi
	px=$!
	pids="$pids $px"
	while [ "$(grep -c '^esptap: proxy ' "$d/proxy.out" 2>/dev/null)" -lt "$k" ]; do sleep 0.05; done
	t0=$(date +%s%N)
	fl=""
	i=1
	while [ $i -le "$k" ]; do
		node "$E2E/flasher.mjs" --port "$d/esp$i" --baud 921600 write 0x10000="$d/img$i.bin" verify \
			>"$d/fl$i.out" 2>&1 &
		fl="$fl $!"
		i=$((i + 1))
	done
	failed=0
	for p in $fl; do wait "$p" || failed=$((failed + 1)); done
	t1=$(date +%s%N)
	kill -TERM "$px"; wait "$px" 2>/dev/null || true
	for p in $pids; do [ "$p" = "$px" ] || kill -TERM "$p" 2>/dev/null; done
	wait 2>/dev/null || true
	pids=""
	echo "$failed $(((t1 - t0) / 1000000))"
}

set -- $(run 1); fail1=$1 ms1=$2
set -- $(run "$N"); failN=$1 msN=$2
lost=0
i=1
while [ $i -le "$N" ]; do
	/usr/bin/python3 "$E2E/live_compare.py" "$tmp/run$N/cap$i.jsonl" "$tmp/run$N/sim$i.jsonl" >/dev/null 2>&1 || lost=$((lost + 1))
	i=$((i + 1))
done
/usr/bin/python3 - "$tmp/run1" "$tmp/run$N" "$N" "$ms1" "$msN" "$fail1" "$failN" "$lost" <<'PY'
import glob, json, sys
one, many, n, ms1, msn, f1, fn, lost = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
def lat(d):
    v = []
    for f in glob.glob(d + "/cap*.jsonl"):
        for l in open(f):
            r = json.loads(l)
            if r.get("type") == "response" and isinstance(r.get("latency_ms"), (int, float)):
                v.append(r["latency_ms"])
    v.sort()
    q = lambda p: v[min(len(v) - 1, int(p * len(v)))] if v else float("nan")
    return len(v), q(0.5), q(0.99)
c1, m1, p1 = lat(one)
cn, mn, pn = lat(many)
print("bench multi: %d sessions at once through one esptap: %d of %d succeeded, %d captures differ from their simulator's log" % (n, n - fn, n, lost))
print("bench multi: wall %.1f s for %d at once, %.1f s for one alone" % (msn / 1000, n, ms1 / 1000))
print("bench multi: response latency one alone: median %.3f ms, p99 %.3f ms (%d responses)" % (m1, p1, c1))
print("bench multi: response latency %d at once: median %.3f ms, p99 %.3f ms (%d responses); p99 added %.3f ms" % (n, mn, pn, cn, pn - p1))
sys.exit(1 if fn or f1 or lost else 0)
PY
