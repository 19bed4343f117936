#!/bin/sh
# diag_faults.sh: for each row of TROUBLESHOOTING.md, esptool-js against `esptap sim` with the
# matching fault; `esptap diagnose` on the simulator's capture names that finding, with the
# frames it rests on, and nothing else that cries wolf; clean sessions of every chip give none.
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"
make_images "$WORK/s" 32768
# the same bootloader, flash mode QIO (byte 2 = 0)
{ printf '\351\001\000'; tail -c +4 "$WORK/s/bl.bin"; } >"$WORK/s/bl-qio.bin"

# case NAME CHIP SIMARGS -- FLASHERARGS: capture in $WORK/NAME.pcapng, diagnosis in NAME.diag, trace NAME.trace
case_run() {
	cn=$1 chip=$2; shift 2
	simargs=""
	while [ "$1" != "--" ]; do simargs="$simargs $1"; shift; done
	shift
	# shellcheck disable=SC2086
	start_sim "$cn" --chip "$chip" -w "$WORK/$cn.pcapng" $simargs
	flash "$cn" "$@"
	stop_sim "$cn"
	"$ESPTAP" decode -q -j "$WORK/$cn.trace" "$WORK/$cn.pcapng"
	"$ESPTAP" diagnose --json "$WORK/$cn.pcapng" >"$WORK/$cn.diag"
	DIAG_RC=$?
}
# expect NAME CODE SEVERITY RULE [ALLOW]
expect() {
	if out=$(python3 "$E2E/diag_check.py" "$WORK/$1.diag" "$WORK/$1.trace" "$2" "$3" "$4" "${5:-}"); then
		ok "$1: $out"
	else
		bad "$1: $out"; cat "$WORK/$1.diag"
	fi
}
BL=0x1000

case_run nosync esp32 --fault boot-to-flash -- detect
expect nosync no-sync error cmd:SYNC missing-bootloader
check "no-sync: exit status 1 (an error finding)" [ "$DIAG_RC" -eq 1 ]

case_run baud esp32 --fault ignore-baud -- --baud 921600 write 0x8000="$WORK/s/pt.bin"
expect baud baud-mismatch warning timeout:READ_REG

case_run wfail esp32 --fault error:FLASH_DEFL_DATA:2:0xC4 -- write 0x10000="$WORK/s/app.bin"
expect wfail write-failed-midway error error:FLASH_DEFL_DATA

case_run cksum esp32 --fault error:FLASH_DEFL_DATA:1:0xC1 -- write 0x10000="$WORK/s/app.bin"
expect cksum checksum-error error error:FLASH_DEFL_DATA write-failed-midway

case_run tmo esp32 --fault drop:SPI_FLASH_MD5:1 -- write 0x8000="$WORK/s/pt.bin" verify
expect tmo timeout error timeout:SPI_FLASH_MD5

case_run brown esp32 --fault brownout:FLASH_DEFL_DATA:2 -- write 0x10000="$WORK/s/app.bin"
expect brown chip-reset error "text:RTCWDT_BROWN_OUT_RESET"

case_run fmode esp32 --flash-modes dio -- write $BL="$WORK/s/bl-qio.bin" reboot
expect fmode flash-mode warning cmd:FLASH_DEFL_BEGIN

case_run nobl esp32 -- write 0x10000="$WORK/s/app.bin" reboot
expect nobl missing-bootloader error "text:invalid header"

case_run pins esp32 --fault spi-pins -- write $BL="$WORK/s/bl.bin" verify reboot
expect pins spi-pins error "text:flash read err"

case_run crash esp32 --fault panic -- write $BL="$WORK/s/bl.bin" verify reboot
expect crash early-crash error "text:Guru Meditation"

case_run vfail esp32 --fault corrupt:SPI_FLASH_MD5:1 -- write 0x8000="$WORK/s/pt.bin" verify
expect vfail verify-failed error verify0

# The same from esptool-js's own --trace log instead of the simulator's capture.
start_sim jtrace --chip esp32 --fault brownout:FLASH_DEFL_DATA:2
flash jtrace --trace write 0x10000="$WORK/s/app.bin"
stop_sim jtrace
"$ESPTAP" decode -q -j "$WORK/jtrace.trace" "$WORK/jtrace.out"
"$ESPTAP" diagnose --json "$WORK/jtrace.out" >"$WORK/jtrace.diag"
expect jtrace chip-reset error "text:Brownout detector"

# A flasher's own mistake, found by a real run: esptool-js 0.7.0 without the stub hex-encodes
# the ROM's 32-character MD5 answer again and reports a mismatch on a good write.
start_sim nsjs --chip esp32
flash nsjs --trace --no-stub --no-compress write 0x1000="$WORK/s/bl.bin" verify
stop_sim nsjs
"$ESPTAP" decode -q -j "$WORK/nsjs.trace" "$WORK/nsjs.out"
"$ESPTAP" diagnose --json "$WORK/nsjs.out" >"$WORK/nsjs.diag"
expect nsjs host-md5 warning "note:Flash md5"

# A live verb prints the findings when the session ends: the proxy between esptool-js and a sim
# that never answers SPI_FLASH_MD5, stopped after the flasher gave up.
start_sim livesim --chip esp32 --fault drop:SPI_FLASH_MD5:1
"$ESPTAP" proxy --port "$WORK/tty.livesim" --link "$WORK/esp.live" --progress >"$WORK/live.proxylog" 2>&1 &
LIVE_PID=$!
SIM_PIDS="$SIM_PIDS $LIVE_PID"
i=0
while [ ! -L "$WORK/esp.live" ] && [ $i -lt 400 ]; do i=$((i + 1)); sleep 0.05; done
node "$E2E/flasher.mjs" --port "$WORK/esp.live" write 0x8000="$WORK/s/pt.bin" verify >"$WORK/live.out" 2>&1
# the flasher gives up at its 3 s limit, as measured on its side; let the proxy's clock pass it too
sleep 0.5
stop_pid "$LIVE_PID" TERM
stop_sim livesim
check "live proxy: prints the timeout finding and its remedy at the end" \
	sh -c "grep -q -- '-- error timeout: 1 request(s) got no answer; first SPI_FLASH_MD5' '$WORK/live.proxylog' && grep -q 'remedy: ' '$WORK/live.proxylog'" ||
	{ tail -5 "$WORK/live.proxylog"; tail -3 "$WORK/live.out"; }

# Clean sessions: no error or warning finding, exit 0.
for chip in esp8266 esp32 esp32s2 esp32s3 esp32c3 esp32c6; do
	off=0x0
	case $chip in esp32|esp32s2) off=0x1000 ;; esac
	case_run "clean_$chip" "$chip" -- write "$off=$WORK/s/bl.bin" 0x10000="$WORK/s/app.bin" verify reboot
	check "clean $chip: diagnose exits 0" [ "$DIAG_RC" -eq 0 ]
	check "clean $chip: no error or warning finding" sh -c "! grep -Eq '\"severity\":\"(error|warning)\"' '$WORK/clean_$chip.diag'"
done
check "clean esp8266: its 74880-baud boot log read at 115200 is recognised, as info" \
	grep -q '"severity":"info","frames":\[[0-9, ]*\],"summary":"[0-9]* bytes of chip output read at 115200 baud are the ROM.s boot log at 74880' "$WORK/clean_esp8266.diag"
case_run clean_fast esp32 -- --baud 921600 write 0x1000="$WORK/s/bl.bin" verify
check "clean write at 921600: no error or warning finding" sh -c "! grep -Eq '\"severity\":\"(error|warning)\"' '$WORK/clean_fast.diag'"
# the same through the live proxy, which records the host's own rate changes
start_sim livefast --chip esp32
"$ESPTAP" proxy --port "$WORK/tty.livefast" --link "$WORK/esp.fast" -q -w "$WORK/fast.pcapng" >"$WORK/fast.proxylog" 2>&1 &
FAST_PID=$!
SIM_PIDS="$SIM_PIDS $FAST_PID"
i=0
while [ ! -L "$WORK/esp.fast" ] && [ $i -lt 400 ]; do i=$((i + 1)); sleep 0.05; done
node "$E2E/flasher.mjs" --port "$WORK/esp.fast" --baud 921600 write 0x1000="$WORK/s/bl.bin" verify >"$WORK/fast.out" 2>&1
stop_pid "$FAST_PID" TERM
stop_sim livefast
"$ESPTAP" diagnose --json "$WORK/fast.pcapng" >"$WORK/fast.diag"
check "live proxy capture at 921600: baud events seen, no error or warning finding" \
	sh -c "'$ESPTAP' decode '$WORK/fast.pcapng' | grep -q 'baud 921600' && ! grep -Eq '\"severity\":\"(error|warning)\"' '$WORK/fast.diag'"
case_run clean_nostub esp32 -- --no-stub --no-compress write 0x1000="$WORK/s/bl.bin" verify
check "clean ROM-only write: no error or warning finding" sh -c "! grep -Eq '\"severity\":\"(error|warning)\"' '$WORK/clean_nostub.diag'"
finish 31
