#!/bin/sh
# sim_boot.sh: what the simulated ROM prints at reset: download mode, erased flash, a good image, a flash mode the module cannot run.
. "$top_srcdir/tests/e2e/sim_lib.sh"
make_images "$WORK/s" 4096

# boot NAME FLASHFILE SIM_ARGS...: start, let the banner go out, stop; the log is $WORK/NAME.jsonl.
boot() {
	bn=$1 bf=$2; shift 2
	start_sim "$bn" --chip esp32 --flash "$bf" -j "$WORK/$bn.jsonl" "$@"
	sleep 0.3
	stop_sim "$bn"
}

boot erased "$WORK/erased.flash" --fault boot-to-flash
check "erased flash: flash boot strap" log_has erased "rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)"
check "erased flash: the ROM finds no image" log_has erased "invalid header: 0xffffffff"
check "erased flash: a few lines, not forever" [ "$(grep -o 'invalid header' "$WORK/erased.jsonl" | wc -l)" -le 5 ]

# A good bootloader image (DIO) at 0x1000.
head -c 4194304 /dev/zero | tr '\0' '\377' >"$WORK/good.flash"
dd if="$WORK/s/bl.bin" of="$WORK/good.flash" bs=4096 seek=1 conv=notrunc 2>/dev/null
boot good "$WORK/good.flash" --fault boot-to-flash --flash-modes dio
check "good image: the ROM reads its mode" log_has good "mode:DIO, clock div:2"
check "good image: the ROM loads its segment" log_has good "load:0x3ffb0000,len:12288"
check "good image: and jumps to its entry" log_has good "entry 0x40080000"

# The same image in QIO on a module wired for DIO only.
cp "$WORK/good.flash" "$WORK/qio.flash"
printf '\000' | dd of="$WORK/qio.flash" bs=1 seek=$((0x1002)) conv=notrunc 2>/dev/null
boot qio "$WORK/qio.flash" --fault boot-to-flash --flash-modes dio
check "QIO image on a DIO module: flash read error" log_has qio "flash read err, 1000"
check "QIO image on a DIO module: no entry" sh -c "! grep -q 'entry 0x' '$WORK/qio.jsonl'"

# --reset: the download-mode banner, then esptool-js connects as usual.
start_sim dl --chip esp32 --reset -j "$WORK/dl.jsonl"
flash dl detect
stop_sim dl
check "--reset: download banner" log_has dl "boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))"
check "--reset: waiting for download" log_has dl "waiting for download"
check "--reset: flasher connects after the banner" out_has dl "^detect: ESP32\$"

# ESP8266 prints its banner at 74880: a host listening at 115200 hears noise, and still connects.
start_sim e8266 --chip esp8266 --reset -j "$WORK/e8266.jsonl"
flash e8266 detect
stop_sim e8266
check "ESP8266: banner garbled at 115200" sh -c "! grep -q 'ets Jan' '$WORK/e8266.jsonl'"
check "ESP8266: the garbage is in the log" log_has e8266 '"type":"raw"'
check "ESP8266: flasher connects anyway" out_has e8266 "^detect: ESP8266\$"
finish 14
