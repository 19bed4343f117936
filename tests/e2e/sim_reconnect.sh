#!/bin/sh
# sim_reconnect.sh: second and third flasher sessions against one running simulated chip, as a real chip
# behaves: a stub left running answers SYNC eight times with value 0 (the flasher skips the upload), a ROM
# left running answers with its non-zero value (the flasher uploads the stub), and a chip left at 921600
# does not answer a SYNC at 115200. The decoder splits the capture into sessions and says where the stub
# was found running.
. "$top_srcdir/tests/e2e/sim_lib.sh"

make_images "$WORK/img" 65536
head -c 32768 /dev/urandom >"$WORK/app2.bin"
head -c 16384 /dev/urandom >"$WORK/app3.bin"

sessions() { grep -c '"type":"session_summary"' "$1"; }
notes() { grep -c "\"code\":\"$2\"" "$1"; }

# 1. stub left running at 115200: two more sessions, with and without the stub's help
start_sim stub --chip esp32 --flash "$WORK/stub.flash" -j "$WORK/stub.jsonl" -w "$WORK/stub.pcapng"
flash stub --before default_reset write 0x10000="$WORK/img/app.bin"
check "stub/1: first session flashes" [ "$FLASH_RC" -eq 0 ]
check "stub/1: the stub was uploaded" out_has stub "Uploading stub"
flash stub --before no_reset write 0x20000="$WORK/app2.bin" verify
check "stub/2: second session (no reset) flashes" [ "$FLASH_RC" -eq 0 ]
check "stub/2: the flasher found the stub running" out_has stub "Stub is already running"
check "stub/2: and verified its MD5 through it" out_has stub "Hash of data verified"
flash stub --before no_reset --no-stub detect
check "stub/3: third session (no reset, no stub) detects the chip" [ "$FLASH_RC" -eq 0 ]
stop_sim stub
check "stub: flash holds session 1's app" region_is "$WORK/stub.flash" 0x10000 "$WORK/img/app.bin"
check "stub: flash holds session 2's app" region_is "$WORK/stub.flash" 0x20000 "$WORK/app2.bin"
"$ESPTAP" decode -q -j "$WORK/stub.dec.jsonl" "$WORK/stub.pcapng"
check "stub: decoded capture validates" /usr/bin/python3 "$top_srcdir/tests/golden/validate-jsonl.py" \
	"$top_srcdir/docs/trace.schema.json" "$WORK/stub.dec.jsonl"
check "stub: three sessions" [ "$(sessions "$WORK/stub.dec.jsonl")" -eq 3 ]
check "stub: the stub found running in sessions 2 and 3" [ "$(notes "$WORK/stub.dec.jsonl" stub-already-running)" -eq 2 ]
check "stub: one OHAI only (session 1)" [ "$(grep -c '"op":"OHAI"' "$WORK/stub.dec.jsonl")" -eq 1 ]
check "stub: the stub's SYNC replies carry value 0" \
	grep -q '"type":"response".*"op":"SYNC".*"mode":"stub".*"value":0,' "$WORK/stub.dec.jsonl"

# 2. ROM left running: the next session's SYNC gets the ROM's value and uploads the stub
start_sim rom --chip esp32 --flash "$WORK/rom.flash" -w "$WORK/rom.pcapng"
flash rom --before default_reset --no-stub --no-compress write 0x10000="$WORK/app3.bin"
check "rom/1: ROM-only session flashes" [ "$FLASH_RC" -eq 0 ]
flash rom --before no_reset write 0x20000="$WORK/app2.bin" verify
check "rom/2: second session flashes" [ "$FLASH_RC" -eq 0 ]
check "rom/2: the ROM answered, so the stub was uploaded" out_has rom "Uploading stub"
check "rom/2: not taken for a running stub" sh -c "! grep -q 'Stub is already running' '$WORK/rom.out'"
stop_sim rom
check "rom: app of session 1" region_is "$WORK/rom.flash" 0x10000 "$WORK/app3.bin"
check "rom: app of session 2" region_is "$WORK/rom.flash" 0x20000 "$WORK/app2.bin"
"$ESPTAP" decode -q -j "$WORK/rom.dec.jsonl" "$WORK/rom.pcapng"
check "rom: two sessions" [ "$(sessions "$WORK/rom.dec.jsonl")" -eq 2 ]
check "rom: no running stub claimed" [ "$(notes "$WORK/rom.dec.jsonl" stub-already-running)" -eq 0 ]

# 3. stub left at 921600: silent at 115200, as a real chip; answers at 921600
start_sim fast --chip esp32 --flash "$WORK/fast.flash" -w "$WORK/fast.pcapng"
flash fast --before default_reset --baud 921600 write 0x10000="$WORK/app3.bin"
check "fast/1: session at 921600 flashes" [ "$FLASH_RC" -eq 0 ]
flash fast --before no_reset detect
check "fast/2: a SYNC at 115200 gets no answer" [ "$FLASH_RC" -ne 0 ]
check "fast/2: the flasher could not connect" out_has fast "Failed to connect"
flash fast --before no_reset --rom-baud 921600 --baud 921600 write 0x20000="$WORK/app2.bin" verify
check "fast/3: at 921600 the running stub answers" [ "$FLASH_RC" -eq 0 ]
check "fast/3: found running" out_has fast "Stub is already running"
stop_sim fast
check "fast: app of session 3" region_is "$WORK/fast.flash" 0x20000 "$WORK/app2.bin"
"$ESPTAP" decode -q -j "$WORK/fast.dec.jsonl" "$WORK/fast.pcapng"
check "fast: the unanswered SYNCs at 115200 time out" grep -q '"type":"timeout".*"op":"SYNC"' "$WORK/fast.dec.jsonl"
check "fast: the stub found running once" [ "$(notes "$WORK/fast.dec.jsonl" stub-already-running)" -eq 1 ]
finish 26
