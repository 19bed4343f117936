#!/bin/sh
# sim_pty.sh: the pty side: --once ends with the session, --tap-out copies both directions, the link is ours.
. "$top_srcdir/tests/e2e/sim_lib.sh"

start_sim once --chip esp32 --once -j "$WORK/once.jsonl" -w "$WORK/once.pcapng" --tap-out "$WORK/tapTX,$WORK/tapRX"
# the taps' readers listen at the chip's rate (115200: detect does not change it)
stty -F "$WORK/tapTX" 115200 raw -echo
stty -F "$WORK/tapRX" 115200 raw -echo
timeout 10 cat "$WORK/tapTX" >"$WORK/tx.bin" 2>/dev/null &
timeout 10 cat "$WORK/tapRX" >"$WORK/rx.bin" 2>/dev/null &
sleep 0.2
flash once detect
i=0
while kill -0 "$SIM_PID_once" 2>/dev/null && [ $i -lt 60 ]; do sleep 0.1; i=$((i + 1)); done
check "--once: the sim ends by itself after the client closes" sh -c "! kill -0 $SIM_PID_once 2>/dev/null"
wait "$SIM_PID_once"
check "--once: exit status 0" [ $? -eq 0 ]
check "--once: the link is removed" [ ! -e "$WORK/tty.once" ] && [ ! -L "$WORK/tty.once" ]
check "the flasher connected" out_has once "^detect: ESP32\$"
sleep 0.3
tx=$(sed -n 's/.*"bytes_host_to_chip":\([0-9]*\).*/\1/p' "$WORK/once.jsonl")
rx=$(sed -n 's/.*"bytes_chip_to_host":\([0-9]*\).*/\1/p' "$WORK/once.jsonl")
check "--tap-out TX carried what the host sent ($tx bytes)" [ "$(wc -c <"$WORK/tx.bin")" -eq "$tx" ]
check "--tap-out RX carried what the chip sent ($rx bytes)" [ "$(wc -c <"$WORK/rx.bin")" -eq "$rx" ]
check "--tap-out TX starts with a SYNC frame" sh -c "head -c 2 '$WORK/tx.bin' | od -An -tx1 | grep -q 'c0 00'"
/usr/bin/python3 "$E2E/pcapng_bytes.py" "$WORK/once.pcapng" c2h >"$WORK/once.c2h"
/usr/bin/python3 "$E2E/pcapng_bytes.py" "$WORK/once.pcapng" h2c >"$WORK/once.h2c"
check "RX tap at the chip's rate: exactly the chip's bytes ($(wc -c <"$WORK/once.c2h") in the sim's capture)" \
	sh -c "[ -s '$WORK/once.c2h' ] && cmp -s '$WORK/once.c2h' '$WORK/rx.bin'"
check "TX tap at the host's rate: exactly the host's bytes" sh -c "[ -s '$WORK/once.h2c' ] && cmp -s '$WORK/once.h2c' '$WORK/tx.bin'"
# the RX tap decodes to the responses the sim logged
responses() { grep -c '"type":"response".*"status":"ok"' "$1"; }
"$ESPTAP" decode -q --format raw --dir c2h -j "$WORK/rx.jsonl" "$WORK/rx.bin"
check "RX tap decodes to the sim's $(responses "$WORK/once.jsonl") ok responses" \
	[ "$(responses "$WORK/rx.jsonl")" -eq "$(responses "$WORK/once.jsonl")" ]

# Taps whose readers set other rates hear what their UARTs make of the lines: garbage,
# while the flasher (at the chip's rate) is served as before.
start_sim wrong --chip esp32 --once -w "$WORK/wrong.pcapng" --tap-out "$WORK/wTX,$WORK/wRX"
stty -F "$WORK/wTX" 460800 raw -echo
stty -F "$WORK/wRX" 460800 raw -echo
timeout 10 cat "$WORK/wTX" >"$WORK/wtx.bin" 2>/dev/null &
timeout 10 cat "$WORK/wRX" >"$WORK/wrx.bin" 2>/dev/null &
sleep 0.2
flash wrong detect
i=0
while kill -0 "$SIM_PID_wrong" 2>/dev/null && [ $i -lt 60 ]; do sleep 0.1; i=$((i + 1)); done
wait "$SIM_PID_wrong"
sleep 0.3
check "wrong-rate taps: the flasher still connected" out_has wrong "^detect: ESP32\$"
/usr/bin/python3 "$E2E/pcapng_bytes.py" "$WORK/wrong.pcapng" c2h >"$WORK/wrong.c2h"
/usr/bin/python3 "$E2E/pcapng_bytes.py" "$WORK/wrong.pcapng" h2c >"$WORK/wrong.h2c"
check "RX tap at 460800 hears something ($(wc -c <"$WORK/wrx.bin") bytes)" [ -s "$WORK/wrx.bin" ]
check "RX tap at 460800 does not hear the chip's bytes" sh -c "[ -s '$WORK/wrong.c2h' ] && ! cmp -s '$WORK/wrong.c2h' '$WORK/wrx.bin'"
check "TX tap at 460800 does not hear the host's bytes" sh -c "[ -s '$WORK/wrong.h2c' ] && ! cmp -s '$WORK/wrong.h2c' '$WORK/wtx.bin'"
"$ESPTAP" decode -q --format raw --dir c2h -j "$WORK/wrx.jsonl" "$WORK/wrx.bin"
check "RX tap at 460800 decodes to no ok response" [ "$(responses "$WORK/wrx.jsonl")" -eq 0 ]

# Without --once the sim outlives its client: a second flasher opens the same link and is served.
start_sim again --chip esp32 --flash "$WORK/again.flash" -j "$WORK/again.jsonl"
flash again detect
rc1=$FLASH_RC
printf 'reopened' >"$WORK/again.bin"
flash again write 0x9000="$WORK/again.bin"
check "close and reopen: first session exits 0" [ "$rc1" -eq 0 ]
check "close and reopen: second session exits 0" [ "$FLASH_RC" -eq 0 ]
check "close and reopen: the sim still runs" kill -0 "$SIM_PID_again"
stop_sim again
check "close and reopen: the second session's write is in flash" region_is "$WORK/again.flash" 0x9000 "$WORK/again.bin"

: >"$WORK/taken"
"$ESPTAP" sim --chip esp32 --link "$WORK/taken" >"$WORK/taken.err" 2>&1
check "a link path that is a file is refused (exit 6)" [ $? -eq 6 ]
check "the file is left alone" [ -f "$WORK/taken" ] && [ ! -L "$WORK/taken" ]
"$ESPTAP" sim --chip esp32 --link "$WORK/x" --fault bogus:1 >"$WORK/bogus.err" 2>&1
check "a bad fault spec is a usage error (exit 2)" [ $? -eq 2 ]
check "the error names the spec" grep -q "bogus" "$WORK/bogus.err"
"$ESPTAP" sim --help >"$WORK/help.txt"
for k in drop: error: corrupt: brownout: boot-to-flash ignore-baud noise:; do
	check "--help lists $k" grep -q -- "$k" "$WORK/help.txt"
done
finish 30
