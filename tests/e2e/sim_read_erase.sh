#!/bin/sh
# sim_read_erase.sh: esptool-js reads flash back through the stub, erases a region, then everything.
. "$top_srcdir/tests/e2e/sim_lib.sh"

make_images "$WORK/img" 1048576
start_sim re --chip esp32 --flash "$WORK/re.flash" -j "$WORK/re.jsonl"
flash re --baud 921600 write 0x1000="$WORK/img/bl.bin" 0x10000="$WORK/img/app.bin" \
	read 0x10000 1048576 "$WORK/back.bin" read 0x1000 16384 "$WORK/blback.bin" \
	erase-region 0x20000 0x8000
stop_sim re
check "write+read+erase-region: flasher exits 0" [ "$FLASH_RC" -eq 0 ]
check "read back the app byte for byte" cmp -s "$WORK/back.bin" "$WORK/img/app.bin"
check "read back the bootloader byte for byte" cmp -s "$WORK/blback.bin" "$WORK/img/bl.bin"
check "READ_FLASH digest frame in the log" log_has re '"op":"READ_FLASH_DIGEST"'
check "erased region is 0xFF in flash" erased "$WORK/re.flash" 0x20000 0x8000
# The app spans 0x10000-0x110000; the erase hit its bytes 0x10000-0x18000 only.
head -c $((0x10000)) "$WORK/img/app.bin" >"$WORK/app.head"
tail -c +$((0x18000 + 1)) "$WORK/img/app.bin" >"$WORK/app.tail"
check "app before the erased region intact" region_is "$WORK/re.flash" 0x10000 "$WORK/app.head"
check "app after the erased region intact" region_is "$WORK/re.flash" 0x28000 "$WORK/app.tail"
start_sim re2 --chip esp32 --flash "$WORK/re.flash" -j "$WORK/re2.jsonl"
flash re2 erase-all
stop_sim re2
check "erase-all: flasher exits 0" [ "$FLASH_RC" -eq 0 ]
check "erase-all: 4 MB of 0xFF" erased "$WORK/re.flash" 0 4194304
check "erase-all: ERASE_FLASH in the log" log_has re2 '"op":"ERASE_FLASH"'
# Every simulated chip: write with verify, read back, compare (bootloader offset per chip).
make_images "$WORK/s" 65536
for spec in esp8266:0x0 esp32:0x1000 esp32s3:0x0 esp32c3:0x0; do
	chip=${spec%%:*} bl=${spec#*:}
	start_sim "rb$chip" --chip "$chip" --flash "$WORK/rb$chip.flash" -j "$WORK/rb$chip.jsonl"
	flash "rb$chip" write "$bl=$WORK/s/bl.bin" 0x10000="$WORK/s/app.bin" verify \
		read 0x10000 65536 "$WORK/rb$chip.app" read "$bl" 16384 "$WORK/rb$chip.bl"
	stop_sim "rb$chip"
	check "$chip: write+verify+read: flasher exits 0" [ "$FLASH_RC" -eq 0 ]
	check "$chip: esptool-js verified both regions" [ "$(grep -c 'Hash of data verified' "$WORK/rb$chip.out")" -eq 2 ]
	check "$chip: app read back byte for byte" cmp -s "$WORK/rb$chip.app" "$WORK/s/app.bin"
	check "$chip: bootloader read back byte for byte" cmp -s "$WORK/rb$chip.bl" "$WORK/s/bl.bin"
	check "$chip: the flash file holds the app" region_is "$WORK/rb$chip.flash" 0x10000 "$WORK/s/app.bin"
done
finish 30
