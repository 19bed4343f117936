#!/bin/sh
# sim_faults.sh: every simulator fault, what esptool-js experiences (exit code, message) and what the sim's log shows.
. "$top_srcdir/tests/e2e/sim_lib.sh"
make_images "$WORK/s" 65536

# fault NAME FAULT FLASHER_ARGS...: a fresh ESP32 with the fault, its flash in $WORK/NAME.flash.
fault() {
	fn=$1 fs=$2; shift 2
	start_sim "$fn" --chip esp32 --flash "$WORK/$fn.flash" -j "$WORK/$fn.jsonl" --fault "$fs"
	flash "$fn" "$@"
	stop_sim "$fn"
}

fault drop drop:SPI_FLASH_MD5:1 write 0x8000="$WORK/s/pt.bin" verify
check "drop: flasher fails (exit 1)" [ "$FLASH_RC" -eq 1 ]
check "drop: flasher waited for a reply that never came" out_has drop "FAILED: Serial data stream stopped"
check "drop: the log has a timeout for SPI_FLASH_MD5" sh -c "grep '\"type\":\"timeout\"' '$WORK/drop.jsonl' | grep -q SPI_FLASH_MD5"
check "drop: the data was written all the same" region_is "$WORK/drop.flash" 0x8000 "$WORK/s/pt.bin"

fault error error:FLASH_DEFL_BEGIN:1:0xC2 write 0x8000="$WORK/s/pt.bin"
check "error: flasher fails (exit 1)" [ "$FLASH_RC" -eq 1 ]
check "error: flasher shows the stub's status 0xC2" out_has error "FAILED: Failed to enter compressed flash mode failed with status 194,0"
check "error: the log has the error status" sh -c "grep '\"op\":\"FLASH_DEFL_BEGIN\"' '$WORK/error.jsonl' | grep -q '\"error\":194'"
check "error: nothing written" erased "$WORK/error.flash" 0x8000 3072

fault corrupt corrupt:SPI_FLASH_MD5:1 write 0x8000="$WORK/s/pt.bin" verify
check "corrupt: flasher fails (exit 1)" [ "$FLASH_RC" -eq 1 ]
check "corrupt: flasher sees an MD5 mismatch" out_has corrupt "FAILED: MD5 of file does not match data in flash"
check "corrupt: the log's verify flags the damaged digest" log_has corrupt '"verify":0'
check "corrupt: the flash is right" region_is "$WORK/corrupt.flash" 0x8000 "$WORK/s/pt.bin"

fault brownout brownout:FLASH_DEFL_DATA:3 write 0x10000="$WORK/s/app.bin"
check "brownout: flasher fails (exit 1)" [ "$FLASH_RC" -eq 1 ]
check "brownout: flasher's next block meets the ROM, not the stub" out_has brownout "FAILED: Failed to write compressed data to flash after seq 2 failed with status 1,5"
check "brownout: the log shows the warning" log_has brownout "Brownout detector was triggered"
check "brownout: the log shows the ROM's reset reason" log_has brownout "rst:0xf (RTCWDT_BROWN_OUT_RESET)"
check "brownout: the app is not complete in flash" sh -c "! tail -c +$((0x10001)) '$WORK/brownout.flash' | head -c 65536 | cmp -s - '$WORK/s/app.bin'"

fault b2f boot-to-flash detect
check "boot-to-flash: flasher fails (exit 1)" [ "$FLASH_RC" -eq 1 ]
check "boot-to-flash: flasher cannot connect" out_has b2f "FAILED: Failed to connect with the device"
check "boot-to-flash: the log shows the flash boot strap" log_has b2f "boot:0x13 (SPI_FAST_FLASH_BOOT)"
check "boot-to-flash: the log shows SYNCs left unanswered" sh -c "grep '\"type\":\"timeout\"' '$WORK/b2f.jsonl' | grep -q SYNC"

fault ign ignore-baud --baud 921600 write 0x8000="$WORK/s/pt.bin"
check "ignore-baud: flasher carries on (exit 0)" [ "$FLASH_RC" -eq 0 ]
check "ignore-baud: flasher notices and falls back" out_has ign "The board stopped responding after changing baud rate. Continuing at 115200 baud."
check "ignore-baud: the log has the host's change to 921600" log_has ign '"event":"baud","baud":921600'
check "ignore-baud: the log has unanswered commands at 921600" log_has ign '"type":"timeout"'
check "ignore-baud: the data arrived at 115200" region_is "$WORK/ign.flash" 0x8000 "$WORK/s/pt.bin"

fault noise noise:1e-2:7 detect
check "noise: flasher fails (exit 1)" [ "$FLASH_RC" -eq 1 ]
check "noise: flasher reports missing or broken data" sh -c "grep -Eq 'FAILED: (No serial data received|Serial data stream stopped|Invalid head of packet|Failed to connect)' '$WORK/noise.out'"
check "noise: the log shows damaged traffic" sh -c "grep -Eq '\"type\":\"(raw|timeout)\"|\"malformed\":[1-9]' '$WORK/noise.jsonl'"
# The same seed damages the same bits: a second run hears the same thing.
fault noise2 noise:1e-2:7 detect
check "noise: the seed makes it repeatable" [ "$(grep '^flasher' "$WORK/noise.out")" = "$(grep '^flasher' "$WORK/noise2.out")" ]
finish 29
