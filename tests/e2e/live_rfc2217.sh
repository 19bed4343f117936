#!/bin/sh
# live_rfc2217.sh: pyserial's own rfc2217:// client (a small esptool-like script) through
# `esptap rfc2217`: DTR/RTS reset into download mode on sim:esp32, SYNC, READ_REG, a change to
# 921600, then an uncompressed ROM flash write (FLASH_BEGIN/DATA/END) checked by SPI_FLASH_MD5;
# then against `esptap sim --link --flash FILE` with the sim's own log to compare transactions.
# Each time the sim's flash file must hold the data.
# Last, a second client while one is connected: refused at once; the modem state is notified.
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"
CLIENT="$E2E/live_rfc2217_client.py"

head -c 5000 /dev/urandom >"$WORK/data.bin"
start_rfc a --port "sim:esp32,flash=$WORK/a.flash" -w "$WORK/a.pcapng" -j "$WORK/a.jsonl"
timeout 60 /usr/bin/python3 "$CLIENT" "$RFC_URL_a" 0x20000 "$WORK/data.bin" >"$WORK/a.out" 2>&1
rc=$?
stop_rfc a
sed 's/^/  [a] /' "$WORK/a.out"
check "client (reset, SYNC, READ_REG, 921600, flash write, MD5) succeeds" [ "$rc" -eq 0 ]
check "client read the ESP32 magic" grep -q '0x00f01d83' "$WORK/a.out"
check "server stopped by SIGTERM exits 9" [ "$RFC_RC" -eq 9 ]
check "capture: RTS-only (EN low) step" jl_has "$WORK/a.jsonl" '"event":"modem","dtr":false,"rts":true'
check "capture: DTR-only (IO0 low) step, both lines at once" jl_has "$WORK/a.jsonl" '"event":"modem","dtr":true,"rts":false,"lines":1,"changed":3'
check "capture: ROM banner after the reset" jl_has "$WORK/a.jsonl" '"text":"ets '
check "capture: download mode in the banner" jl_has "$WORK/a.jsonl" 'DOWNLOAD'
check "capture: baud change to 921600" jl_has "$WORK/a.jsonl" '"event":"baud","baud":921600'
check "capture: READ_REG answered at 921600" sh -c "sed -n '/\"baud\":921600/,\$p' '$WORK/a.jsonl' | grep -q '\"type\":\"response\".*\"op\":\"READ_REG\".*\"status\":\"ok\"'"
check "tshark reads the pcapng" tshark_reads "$WORK/a.pcapng"
check "the ROM's MD5 matched the client's" grep -q "SPI_FLASH_MD5 .* = $(md5sum <"$WORK/data.bin" | cut -c1-32) (expected" "$WORK/a.out"
check "the data is in the sim's flash file at 0x20000" region_is "$WORK/a.flash" 0x20000 "$WORK/data.bin"
check "capture: 5 FLASH_DATA blocks answered ok" [ "$(grep -c '"type":"response".*"op":"FLASH_DATA".*"status":"ok"' "$WORK/a.jsonl")" -eq 5 ]
check "capture: SPI_FLASH_MD5 and FLASH_END answered ok" sh -c "grep -q '\"type\":\"response\".*\"op\":\"SPI_FLASH_MD5\".*\"status\":\"ok\"' '$WORK/a.jsonl' && grep -q '\"type\":\"response\".*\"op\":\"FLASH_END\".*\"status\":\"ok\"' '$WORK/a.jsonl'"

start_sim b --chip esp32 --flash "$WORK/b.flash" -j "$WORK/b.jsonl"
start_rfc b --port "$WORK/tty.b" -j "$WORK/bcap.jsonl"
timeout 60 /usr/bin/python3 "$CLIENT" "$RFC_URL_b" 0x3000 "$WORK/data.bin" >"$WORK/b.out" 2>&1
rc=$?
stop_rfc b
stop_sim b
sed 's/^/  [b] /' "$WORK/b.out"
check "client through rfc2217 to a pty sim succeeds (MD5 matched)" [ "$rc" -eq 0 ]
check "the data is in that sim's --flash file at 0x3000" region_is "$WORK/b.flash" 0x3000 "$WORK/data.bin"
check "capture and sim log hold the same transactions" same_transactions "$WORK/bcap.jsonl" "$WORK/b.jsonl"
# one client at a time: while one is connected a second is refused at once (not left hanging),
# and once the first has gone another is served
start_rfc c --port "sim:esp32" -j "$WORK/c.jsonl"
/usr/bin/python3 - "$RFC_URL_c" >"$WORK/c.out" 2>&1 <<'PY'
import sys, time, serial
url = sys.argv[1]
first = serial.serial_for_url(url, 115200, timeout=1)
time.sleep(0.2)
try:
    print("modem state without polling: cts=%s dsr=%s" % (first.cts, first.dsr))
except serial.SerialException as e:
    print("modem state: %s" % e)
t = time.time()
try:
    serial.serial_for_url(url, 115200, timeout=1)
    print("second client: served")
except serial.SerialException as e:
    print("second client: refused in %.1f s: %s" % (time.time() - t, e))
first.close()
time.sleep(0.3)
again = serial.serial_for_url(url, 115200, timeout=1)
print("third client: served")
again.close()
PY
stop_rfc c
sed 's/^/  [c] /' "$WORK/c.out"
check "a second client is refused at once while one is connected" grep -q "second client: refused in 0.[0-9] s: .*Connection refused" "$WORK/c.out"
check "after the first leaves, another client is served" grep -q "third client: served" "$WORK/c.out"
check "the server notifies the modem state unasked (pyserial reads CTS/DSR)" grep -q "modem state without polling: cts=False dsr=False" "$WORK/c.out"
check "capture notes two connections" [ "$(grep -c '"text":"rfc2217 client connected"' "$WORK/c.jsonl")" -eq 2 ]
finish 21
