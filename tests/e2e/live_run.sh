#!/bin/sh
# live_run.sh: `esptap run` puts esptool-js (default_reset) on a pty in front of the in-process
# simulator; the preload shim carries DTR/RTS, so the sim sees the reset sequence, prints its
# banner and enters download mode. Also: run exits with the flasher's status.
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"

make_images "$WORK/img" 65536
"$ESPTAP" run --port "sim:esp32,flash=$WORK/run.flash" -w "$WORK/run.pcapng" -j "$WORK/run.jsonl" -q -- \
	node "$E2E/flasher.mjs" --port '{port}' --before default_reset --baud 921600 \
	write 0x1000="$WORK/img/bl.bin" 0x10000="$WORK/img/app.bin" verify >"$WORK/run.out" 2>&1
rc=$?
check "run exits 0 with the flasher" [ "$rc" -eq 0 ]
check "esptool-js verified both regions" [ "$(grep -c 'Hash of data verified' "$WORK/run.out")" -eq 2 ]
check "bootloader in the sim's flash" region_is "$WORK/run.flash" 0x1000 "$WORK/img/bl.bin"
check "app in the sim's flash" region_is "$WORK/run.flash" 0x10000 "$WORK/img/app.bin"
# esptool-js's classic reset: RTS only (EN low), then DTR only (IO0 low), then both released
seq=$(grep '"event":"modem"' "$WORK/run.jsonl" | head -3 | sed 's/.*"dtr":\([a-z]*\),"rts":\([a-z]*\).*/\1\/\2/' | tr '\n' ' ')
check "capture shows the DTR/RTS reset sequence ($seq)" [ "$seq" = "false/true true/false false/false " ]
check "capture shows the ROM banner" jl_has "$WORK/run.jsonl" '"text":"ets '
check "capture shows the baud change to 921600" jl_has "$WORK/run.jsonl" '"event":"baud","baud":921600'
check "SYNC answered after the reset" jl_has "$WORK/run.jsonl" '"type":"response".*"op":"SYNC".*"status":"ok"'
check "tshark reads the pcapng" tshark_reads "$WORK/run.pcapng"

# A wrong reset sequence visibly fails: without a reset the in-process sim (which waits for
# one when the port has lines) never enters download mode, so no SYNC is answered.
"$ESPTAP" run --port sim:esp32 -j "$WORK/nr.jsonl" -q -- \
	node "$E2E/flasher.mjs" --port '{port}' --before no_reset detect >"$WORK/nr.out" 2>&1
rc=$?
check "no reset: run exits 1 with the flasher" [ "$rc" -eq 1 ]
check "no reset: the flasher says it could not connect" grep -q '^flasher: FAILED: .*connect' "$WORK/nr.out"
check "no reset: the capture shows the flasher's SYNCs" jl_has "$WORK/nr.jsonl" '"dir":"host>chip","op":"SYNC"'
check "no reset: the capture shows no SYNC reply" sh -c "! grep -q '\"type\":\"response\".*\"op\":\"SYNC\"' '$WORK/nr.jsonl'"
check "no reset: no ROM banner either" sh -c "! grep -q '\"text\":\"ets ' '$WORK/nr.jsonl'"
# (a custom wrong reset order needs flasher.mjs support: it has only no_reset and default_reset)

"$ESPTAP" run -q -- sh -c 'test -e "$1" && exit 3' sh '{port}' >/dev/null 2>&1
check "run passes the flasher's exit status (3) and {port} exists" [ $? -eq 3 ]
"$ESPTAP" run -q -- /nonexistent/flasher >/dev/null 2>&1
check "a flasher that cannot start: 127" [ $? -eq 127 ]
finish 16
