#!/bin/sh
# sim_detect.sh: esptool-js connects to each simulated chip, names it, and leaves the flash alone.
. "$top_srcdir/tests/e2e/sim_lib.sh"

for pair in esp8266:ESP8266 esp32:ESP32 esp32s3:ESP32-S3 esp32c3:ESP32-C3; do
	chip=${pair%%:*} name=${pair#*:}
	start_sim "$chip" --chip "$chip" --flash "$WORK/$chip.flash" -j "$WORK/$chip.jsonl"
	flash "$chip" detect
	stop_sim "$chip"
	check "$chip: flasher exits 0" [ "$FLASH_RC" -eq 0 ]
	check "$chip: flasher names $name" out_has "$chip" "^detect: $name\$"
	check "$chip: MAC read from the eFuses" out_has "$chip" "MAC: 24:0a:c4:12:34:56"
	check "$chip: stub uploaded and greeted" log_has "$chip" '"op":"OHAI"'
	check "$chip: flash untouched (4 MB of 0xFF)" erased "$WORK/$chip.flash" 0 4194304
done
# With a reset sequence: setSignals fails on a pty and the shim ignores it.
start_sim reset --chip esp32 -j "$WORK/reset.jsonl"
flash reset --before default_reset detect
stop_sim reset
check "default_reset on a pty still connects" out_has reset "^detect: ESP32\$"
finish 21
