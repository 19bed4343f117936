#!/bin/sh
# live_rfc2217.sh: pyserial's own rfc2217:// client (a small esptool-like script) through
# `esptap rfc2217`: DTR/RTS reset into download mode on sim:esp32, SYNC, READ_REG, a change to
# 921600; then against `esptap sim --link` with the sim's own log to compare transactions.
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"
CLIENT="$E2E/live_rfc2217_client.py"

start_rfc a --port sim:esp32 -w "$WORK/a.pcapng" -j "$WORK/a.jsonl"
timeout 30 /usr/bin/python3 "$CLIENT" "$RFC_URL_a" >"$WORK/a.out" 2>&1
rc=$?
stop_rfc a
sed 's/^/  [a] /' "$WORK/a.out"
check "client (reset, SYNC, READ_REG, 921600) succeeds" [ "$rc" -eq 0 ]
check "client read the ESP32 magic" grep -q '0x00f01d83' "$WORK/a.out"
check "server stopped by SIGTERM exits 9" [ "$RFC_RC" -eq 9 ]
check "capture: RTS-only (EN low) step" jl_has "$WORK/a.jsonl" '"event":"modem","dtr":false,"rts":true'
check "capture: DTR-only (IO0 low) step, both lines at once" jl_has "$WORK/a.jsonl" '"event":"modem","dtr":true,"rts":false,"lines":1,"changed":3'
check "capture: ROM banner after the reset" jl_has "$WORK/a.jsonl" '"text":"ets '
check "capture: download mode in the banner" jl_has "$WORK/a.jsonl" 'DOWNLOAD'
check "capture: baud change to 921600" jl_has "$WORK/a.jsonl" '"event":"baud","baud":921600'
check "capture: READ_REG answered at 921600" sh -c "sed -n '/\"baud\":921600/,\$p' '$WORK/a.jsonl' | grep -q '\"type\":\"response\".*\"op\":\"READ_REG\".*\"status\":\"ok\"'"
check "tshark reads the pcapng" tshark_reads "$WORK/a.pcapng"

start_sim b --chip esp32 -j "$WORK/b.jsonl"
start_rfc b --port "$WORK/tty.b" -j "$WORK/bcap.jsonl"
timeout 30 /usr/bin/python3 "$CLIENT" "$RFC_URL_b" >"$WORK/b.out" 2>&1
rc=$?
stop_rfc b
stop_sim b
check "client through rfc2217 to a pty sim succeeds" [ "$rc" -eq 0 ]
check "capture and sim log hold the same transactions" same_transactions "$WORK/bcap.jsonl" "$WORK/b.jsonl"
finish 12
