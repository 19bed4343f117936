#!/bin/sh
# live_progress.sh: `esptap proxy --progress` on a terminal (run under script(1), which gives it a
# pty) while esptool-js writes two regions through it to `esptap sim --link`: one status line per
# region, redrawn in place with \r, naming the region's offset, its percentage rising to 100%.
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"

make_images "$WORK/img" 98304
start_sim g --chip esp32 --flash "$WORK/g.flash"
# script -e: its exit status is the proxy's; the inner shell leaves its pid for the stop below
script -qfec "sh -c 'echo \$\$ >\"$WORK/g.pid\"; exec \"$ESPTAP\" proxy --port \"$WORK/tty.g\" --link \"$WORK/esp.g\" --progress -w \"$WORK/g.pcapng\"'" \
	"$WORK/g.typescript" </dev/null >/dev/null 2>&1 &
SCRIPT=$!
SIM_PIDS="$SIM_PIDS $SCRIPT"
i=0
while [ ! -L "$WORK/esp.g" ] || [ ! -s "$WORK/g.pid" ]; do
	i=$((i + 1))
	if [ $i -gt 400 ]; then echo "e2e: proxy under script did not start:"; cat "$WORK/g.typescript"; exit 1; fi
	sleep 0.05
done
node "$E2E/flasher.mjs" --port "$WORK/esp.g" write 0x10000="$WORK/img/app.bin" 0x8000="$WORK/img/pt.bin" \
	>"$WORK/g.out" 2>&1
rc=$?
kill -TERM "$(cat "$WORK/g.pid")"
wait $SCRIPT
src=$?
stop_sim g
ts="$WORK/g.typescript"
# the status redraws: one record per \r-separated piece, "write (compressed) 0x0001000 NN% ..."
tr '\r' '\n' <"$ts" | grep -a '^write' >"$WORK/g.lines"
sed 's/^/  | /' "$WORK/g.lines" | head -20
pcts() { grep -a " $1 " "$WORK/g.lines" | sed 's/.* \([0-9]*\)% .*/\1/' | tr '\n' ' '; }
p1=$(pcts 0x00010000)
p2=$(pcts 0x00008000)
rising() { # the percentages start at 0, never fall, end at 100
	set -- $1
	[ $# -ge 3 ] && [ "$1" -eq 0 ] || return 1
	prev=0
	for p; do [ "$p" -ge "$prev" ] || return 1; prev=$p; done
	[ "$prev" -eq 100 ]
}
check "flasher exits 0" [ "$rc" -eq 0 ]
check "proxy (under script) stopped by SIGTERM exits 9 ($src)" [ "$src" -eq 9 ]
check "app in the sim's flash at 0x10000" region_is "$WORK/g.flash" 0x10000 "$WORK/img/app.bin"
check "partition table in the sim's flash at 0x8000" region_is "$WORK/g.flash" 0x8000 "$WORK/img/pt.bin"
check "the status line is redrawn in place (CR), not scrolled" grep -aq "$(printf '\r')write (compressed) 0x00010000" "$ts"
check "status line names the first region's offset, 0..100% rising ($p1)" rising "$p1"
check "status line names the second region's offset, 0..100% rising ($p2)" rising "$p2"
check "regions shown in the flasher's order" sh -c "grep -a -m1 -o '0x000[18]0000' '$WORK/g.lines' | grep -q 0x00010000"
check "each region's line ends with a newline after 100%" sh -c "tr -d '\r' <'$ts' | grep -aq '0x00008000 100% .*errors\$'"
check "no frame-by-frame view in progress mode" sh -c "! grep -aq 'FLASH_DEFL_DATA' '$ts'"
check "the summary names both regions" sh -c "grep -aq 'region 0x00010000' '$ts' && grep -aq 'region 0x00008000' '$ts'"
check "tshark reads the pcapng" tshark_reads "$WORK/g.pcapng"
finish 12
