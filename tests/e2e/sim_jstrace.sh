#!/bin/sh
# sim_jstrace.sh: a real esptool-js trace log (enableTracing) imported by `esptap decode`
# holds the same transactions as the simulator's own log of the same session, at 115200
# and after a change to 921600; its MD5 verify is decoded too.
. "$top_srcdir/tests/e2e/sim_lib.sh"

make_images "$WORK/img" 65536
for b in 115200 921600; do
	start_sim "js$b" --chip esp32 -j "$WORK/js$b.jsonl"
	flash "js$b" --trace --baud "$b" write 0x1000="$WORK/img/bl.bin" 0x10000="$WORK/img/app.bin" verify
	stop_sim "js$b"
	check "$b: flasher exits 0" [ "$FLASH_RC" -eq 0 ]
	check "$b: the log is esptool-js's own trace" grep -q '^TRACE [0-9.]* command op:0x' "$WORK/js$b.out"
	rc=0
	"$ESPTAP" decode -q -j "$WORK/js$b.dec.jsonl" "$WORK/js$b.out" 2>"$WORK/js$b.err" || rc=$?
	check "$b: decode exits 0" [ "$rc" -eq 0 ]
	check "$b: read as an esptool-js trace" grep -q '"format":"esptool-js-trace"' "$WORK/js$b.dec.jsonl"
	check "$b: same transactions as the simulator's log" \
		/usr/bin/python3 "$E2E/live_compare.py" "$WORK/js$b.dec.jsonl" "$WORK/js$b.jsonl"
	check "$b: both regions verified in the decoded trace" \
		[ "$(grep -o '"code":"verify-ok"' "$WORK/js$b.dec.jsonl" | wc -l)" -eq 2 ]
	check "$b: no timeouts, no checksum errors" sh -c \
		"! grep -q '\"type\":\"timeout\"\\|\"checksum-mismatch\"' '$WORK/js$b.dec.jsonl'"
done
check "921600: the rate change is decoded" grep -q '"op":"CHANGE_BAUDRATE"' "$WORK/js921600.dec.jsonl"
finish 15
