#!/bin/sh
# rfc2217_hostile.sh: `esptap rfc2217` listens on loopback by default, and a hostile Telnet client
# (rfc2217_hostile.py: overlong subnegotiations, IAC floods, unknown options, negotiation loops,
# bad escapes) is dropped while the server keeps serving the next one and its capture stays valid.
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"

# loopback unless told: --listen with a port only, then look at the kernel's socket table
"$ESPTAP" rfc2217 --port sim:esp32 --listen 0 -q >"$WORK/d.rfclog" 2>&1 &
pid=$!
SIM_PIDS="$SIM_PIDS $pid"
wait_for 10 grep -q 'rfc2217://' "$WORK/d.rfclog"
port=$(sed -n 's/.*rfc2217:\/\/[0-9.]*:\([0-9]*\).*/\1/p' "$WORK/d.rfclog")
hexport=$(printf '%04X' "${port:-0}")
check "--listen PORT binds 127.0.0.1 only" grep -q " 0100007F:$hexport 00000000:0000 0A " /proc/net/tcp
stop_pid "$pid" TERM

start_rfc h --port "sim:esp32" -j "$WORK/h.jsonl" -w "$WORK/h.pcapng"
port=$(echo "$RFC_URL_h" | sed 's/.*://')
timeout 120 /usr/bin/python3 "$top_srcdir/tests/security/rfc2217_hostile.py" 127.0.0.1 "$port" >"$WORK/h.out" 2>&1
rc=$?
sed 's/^/  /' "$WORK/h.out"
check "every hostile client was dropped, every good one served" [ "$rc" -eq 0 ]
check "the server was still running afterwards" kill -0 "$RFC_PID_h"
stop_rfc h
check "stopped by SIGTERM: exit 9" [ "$RFC_RC" -eq 9 ]
check "the capture notes why clients were dropped" jl_has "$WORK/h.jsonl" 'rfc2217 client dropped: subnegotiation longer than 256 bytes'
check "... the flood too" jl_has "$WORK/h.jsonl" 'rfc2217 client dropped: too many Telnet commands too fast'
check "the JSON Lines trace is valid" /usr/bin/python3 "$top_srcdir/tests/golden/validate-jsonl.py" "$top_srcdir/docs/trace.schema.json" "$WORK/h.jsonl"
check "tshark reads the capture" tshark_reads "$WORK/h.pcapng"
finish 8
