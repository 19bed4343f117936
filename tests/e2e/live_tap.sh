#!/bin/sh
# live_tap.sh: `esptap tap` listens on the simulator's --tap-out ptys while esptool-js writes at
# 921600: the tap follows CHANGE_BAUDRATE, and each line decodes to the same sequence as the
# simulator's own log.
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"

make_images "$WORK/img" 65536
start_sim t --chip esp32 --flash "$WORK/t.flash" -j "$WORK/t.jsonl" --tap-out "$WORK/tx,$WORK/rx"
"$ESPTAP" tap --tx-port "$WORK/tx" --rx-port "$WORK/rx" -q -w "$WORK/tap.pcapng" -j "$WORK/tap.jsonl" >"$WORK/tap.log" 2>&1 &
TAP=$!
SIM_PIDS="$SIM_PIDS $TAP"
sleep 0.3
flash t --baud 921600 write 0x10000="$WORK/img/app.bin" verify
sleep 0.3
kill -TERM $TAP; wait $TAP; rc=$?
stop_sim t
check "flasher exits 0" [ "$FLASH_RC" -eq 0 ]
check "app in the sim's flash" region_is "$WORK/t.flash" 0x10000 "$WORK/img/app.bin"
check "tap stopped by SIGTERM exits 9" [ "$rc" -eq 9 ]
check "tap followed CHANGE_BAUDRATE to 921600" jl_has "$WORK/tap.jsonl" '"event":"baud","baud":921600'
check "FLASH_DEFL_DATA decoded after the change" sh -c "sed -n '/\"baud\":921600/,\$p' '$WORK/tap.jsonl' | grep -q '\"op\":\"FLASH_DEFL_DATA\"'"
check "each line holds the sim's transactions" /usr/bin/python3 "$E2E/live_compare.py" --per-dir "$WORK/tap.jsonl" "$WORK/t.jsonl"
check "tshark reads the pcapng" tshark_reads "$WORK/tap.pcapng"
finish 7
