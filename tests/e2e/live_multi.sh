#!/bin/sh
# live_multi.sh: one `esptap proxy` relays three ports at once (two in-process simulators and a
# simulator on a pty), each with its own link and files: three esptool-js writes at the same
# time all succeed, each chip's flash holds its own image, each capture holds only its own
# session; the pty simulator dying ends only its relay (files closed), the others go on; the
# exit status says a port vanished. Usage errors: a -w before the first --port, a missing --link.
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"

"$ESPTAP" proxy -w "$WORK/x.pcapng" --port sim:esp32 --link "$WORK/x1" --port sim:esp32 --link "$WORK/x2" >"$WORK/u1.out" 2>&1
rc=$?
check "-w before the first of several --port: usage error, exit 2 ($rc)" [ "$rc" -eq 2 ] && grep -q "give it after the --port" "$WORK/u1.out"
"$ESPTAP" proxy --port sim:esp32 --link "$WORK/x1" --port sim:esp32 >"$WORK/u2.out" 2>&1
rc=$?
check "a port without --link: exit 2 ($rc), nothing left" [ "$rc" -eq 2 ] && [ ! -e "$WORK/x1" ]

for i in 1 2 3; do head -c $((40000 + i * 1000)) /dev/urandom >"$WORK/img$i.bin"; done
start_sim c --chip esp32 --flash "$WORK/c.flash"
"$ESPTAP" proxy -b 115200 \
	--port "sim:esp32,flash=$WORK/a.flash" --link "$WORK/esp.a" -w "$WORK/a.pcapng" -j "$WORK/a.jsonl" \
	--port "sim:esp32s3,flash=$WORK/b.flash" --link "$WORK/esp.b" -j "$WORK/b.jsonl" \
	--port "$WORK/tty.c" --link "$WORK/esp.c" -w "$WORK/c.pcapng" -j "$WORK/c.jsonl" \
	--port sim:esp32c3 --link "$WORK/esp.d" -j "$WORK/d.jsonl" >"$WORK/m.out" 2>&1 &
MP=$!
SIM_PIDS="$SIM_PIDS $MP"
wait_for 20 sh -c "[ \$(grep -c '^esptap: proxy ' '$WORK/m.out') -eq 4 ]"
check "four links published by one process" sh -c "[ -L '$WORK/esp.a' ] && [ -L '$WORK/esp.b' ] && [ -L '$WORK/esp.c' ] && [ -L '$WORK/esp.d' ]"
for p in a b c; do
	n=$(printf '%s' "$p" | tr abc 123)
	node "$E2E/flasher.mjs" --port "$WORK/esp.$p" --baud 921600 write 0x10000="$WORK/img$n.bin" verify >"$WORK/f$p.out" 2>&1 &
	eval "FL_$p=$!"
done
for p in a b c; do eval "wait \$FL_$p"; eval "rc_$p=$?"; done
check "three simultaneous esptool-js writes succeed ($rc_a $rc_b $rc_c)" [ "$rc_a$rc_b$rc_c" = 000 ]
check "chip a holds image 1" region_is "$WORK/a.flash" 0x10000 "$WORK/img1.bin"
check "chip b holds image 2" region_is "$WORK/b.flash" 0x10000 "$WORK/img2.bin"
check "chip c holds image 3" region_is "$WORK/c.flash" 0x10000 "$WORK/img3.bin"
check "capture b is the ESP32-S3's own session" jl_has "$WORK/b.jsonl" '"chip":"esp32s3"'
check "capture a is not the ESP32-S3's" sh -c "! grep -q '\"chip\":\"esp32s3\"' '$WORK/a.jsonl'"
check "capture b saw the 921600 change" jl_has "$WORK/b.jsonl" '"event":"baud","baud":921600'
# the pty simulator behind port c dies: only that relay ends
stop_sim c
wait_for 10 sh -c "tail -1 '$WORK/c.jsonl' | grep -q '\"type\":\"summary\"'"
check "port c vanished: its JSON Lines closed with a summary" sh -c "tail -1 '$WORK/c.jsonl' | grep -q '\"type\":\"summary\"'"
check "port c vanished: one line names it" grep -q "^esptap: $WORK/tty.c: the port went away" "$WORK/m.out"
check "port c vanished: its link is gone" [ ! -e "$WORK/esp.c" ]
check "port c vanished: the process still runs" kill -0 "$MP"
node "$E2E/flasher.mjs" --port "$WORK/esp.d" detect >"$WORK/fd.out" 2>&1
check "port d, idle so far, serves a session after c vanished" grep -q "detect: ESP32-C3" "$WORK/fd.out"
stop_pid "$MP" TERM
rc=$?
check "SIGTERM: exit 7, a port vanished during the run ($rc)" [ "$rc" -eq 7 ]
check "SIGTERM: captures a and b closed with a summary" sh -c "tail -1 '$WORK/a.jsonl' | grep -q '\"type\":\"summary\"' && tail -1 '$WORK/b.jsonl' | grep -q '\"type\":\"summary\"'"
check "tshark reads captures a and c" sh -c "tshark_reads() { [ \$(tshark -r \"\$1\" 2>/dev/null | wc -l) -gt 0 ]; }; tshark_reads '$WORK/a.pcapng' && tshark_reads '$WORK/c.pcapng'"
check "capture d holds that session (its summary names the ESP32-C3)" jl_has "$WORK/d.jsonl" '"chip":"esp32c3"'
check "links a and b removed" [ ! -e "$WORK/esp.a" ] && [ ! -e "$WORK/esp.b" ]
finish 19
