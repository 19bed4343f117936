#!/bin/sh
# live_proxy.sh: esptool-js (no_reset) writes through `esptap proxy` to `esptap sim --link`; the
# capture decodes to the same transactions as the simulator's own log, the baud change to 921600
# is followed, the flash holds the image, and the flasher can close and reopen the link.
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"

make_images "$WORK/img" 131072
start_sim p --chip esp32 --flash "$WORK/p.flash" -j "$WORK/p.jsonl"
start_proxy p --port "$WORK/tty.p" -w "$WORK/cap.pcapng" -j "$WORK/cap.jsonl"
node "$E2E/flasher.mjs" --port "$WORK/esp.p" detect >"$WORK/f2.out" 2>&1
rc2=$?
# a second session on the same link: the proxy keeps it alive across close/open
node "$E2E/flasher.mjs" --port "$WORK/esp.p" --baud 921600 write 0x1000="$WORK/img/bl.bin" \
	0x10000="$WORK/img/app.bin" verify >"$WORK/f1.out" 2>&1
rc1=$?
stop_proxy p
stop_sim p
check "second session (write) after close/reopen exits 0" [ "$rc1" -eq 0 ]
check "esptool-js verified both regions" [ "$(grep -c 'Hash of data verified' "$WORK/f1.out")" -eq 2 ]
check "first session (detect) exits 0" [ "$rc2" -eq 0 ]
check "proxy stopped by SIGTERM exits 9" [ "$PROXY_RC" -eq 9 ]
check "bootloader in the sim's flash" region_is "$WORK/p.flash" 0x1000 "$WORK/img/bl.bin"
check "app in the sim's flash" region_is "$WORK/p.flash" 0x10000 "$WORK/img/app.bin"
check "capture shows the baud change to 921600" jl_has "$WORK/cap.jsonl" '"event":"baud","baud":921600'
check "capture and sim log hold the same transactions" same_transactions "$WORK/cap.jsonl" "$WORK/p.jsonl"
check "the link is removed on exit" [ ! -e "$WORK/esp.p" ]
check "tshark reads the pcapng" tshark_reads "$WORK/cap.pcapng"
check "JSON Lines ends with a summary" sh -c "tail -1 '$WORK/cap.jsonl' | grep -q '\"type\":\"summary\"'"
finish 11
