#!/bin/sh
# extcap.sh: esptap as Wireshark's extcap program. With the personal extcap folder
# ($XDG_CONFIG_HOME/wireshark/extcap, which tshark 4.0 searches besides the global one)
# holding a link to the build's esptap: `tshark -D` lists both interfaces, their options are
# tshark preferences, and a capture through "esptap proxy" against the built-in simulator,
# driven by esptool-js, gives packets the dissector decodes.
. "$top_srcdir/tests/tshark/lib.sh"
E2E="$top_srcdir/tests/e2e"
mkdir -p "$XDG_CONFIG_HOME/wireshark/extcap"
ln -s "$ESPTAP" "$XDG_CONFIG_HOME/wireshark/extcap/esptap"

# the extcap answers on its own
"$ESPTAP" --extcap-interfaces --extcap-version=4.0 >"$WORK/ifs"
grep -q '^interface {value=esptap-proxy}' "$WORK/ifs" && grep -q '^interface {value=esptap-tap}' "$WORK/ifs" \
	&& ok "--extcap-interfaces names both interfaces" || bad "--extcap-interfaces: $(cat "$WORK/ifs")"
"$ESPTAP" --extcap-dlts --extcap-interface esptap-tap | grep -q '^dlt {number=147}' \
	&& ok "--extcap-dlts: 147" || bad "--extcap-dlts"
"$ESPTAP" --extcap-interface esptap-tap --extcap-config | grep -q '{call=--rx-port}' \
	&& ok "--extcap-config of the tap asks for --rx-port" || bad "--extcap-config (tap)"
"$ESPTAP" --extcap-interface nosuch --extcap-config 2>/dev/null
[ $? = 2 ] && ok "unknown interface: exit 2" || bad "unknown interface accepted"

tshark -D >"$WORK/D" 2>/dev/null
grep -q '^[0-9]*\. esptap-proxy (esptap proxy' "$WORK/D" && grep -q '^[0-9]*\. esptap-tap (esptap tap' "$WORK/D" \
	&& ok "tshark -D lists esptap-proxy and esptap-tap" || { bad "tshark -D:"; cat "$WORK/D"; }
tshark -G defaultprefs 2>/dev/null | grep -q '^#extcap.esptap_proxy.port:' \
	&& ok "the proxy's options are tshark preferences" || bad "no extcap.esptap_proxy.port preference"

# one npm ci for all tests at once (as tests/e2e/sim_lib.sh does)
(
	flock 9
	if [ ! -f "$E2E/node_modules/.package-lock.json" ] || [ ! -d "$E2E/node_modules/esptool-js" ]; then
		(cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error)
	fi
) 9>"${top_builddir:-.}/.e2e-npm-ci.lock"

# a live capture: tshark runs esptap, which serves the flasher a pty in front of sim:esp32
link="$WORK/ttyESP"
tshark -i esptap-proxy -o "extcap.esptap_proxy.port:sim:esp32" -o "extcap.esptap_proxy.link:$link" \
	-a duration:8 -w "$WORK/live.pcapng" >"$WORK/live.out" 2>&1 &
tpid=$!
i=0
while [ ! -L "$link" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
if [ -L "$link" ]; then
	ok "tshark started esptap: the flasher's pty is at $link"
	timeout 30 node "$E2E/flasher.mjs" --port "$link" write 0x8000="$top_srcdir/README.md" verify \
		>"$WORK/flasher.log" 2>&1
	[ $? = 0 ] && ok "esptool-js wrote and verified through it" || { bad "flasher failed:"; tail -3 "$WORK/flasher.log"; }
else
	bad "no pty at $link after 10 s:"; cat "$WORK/live.out"
fi
wait $tpid
rc=$?
[ $rc = 0 ] && ok "tshark capture ended by its duration (exit 0)" || { bad "tshark exit $rc:"; cat "$WORK/live.out"; }
ts -r "$WORK/live.pcapng" -T fields -e esptap.type -e esptap.opname >"$WORK/live.ops" || bad "tshark cannot read the capture"
n=$(grep -c . "$WORK/live.ops")
for want in "command	SYNC" "response	OHAI" "command	FLASH_DEFL_DATA" "response	SPI_FLASH_MD5"; do
	grep -qxF "$want" "$WORK/live.ops" && ok "live capture ($n packets) decodes: $want" || bad "live capture lacks '$want'"
done
# and what Wireshark got is what esptap itself decodes from it
"$ESPTAP" decode -q -j "$WORK/live.jsonl" "$WORK/live.pcapng" || bad "esptap decode of the live capture failed"
experts_of "$WORK/live.pcapng" >"$WORK/live.tsv"
python3 "$TS_DIR/compare.py" "$WORK/live.jsonl" "$WORK/live.tsv" >"$WORK/cmp" \
	&& ok "live capture: tshark agrees with esptap decode -j" || { bad "live capture: disagreement:"; grep -v '^ok' "$WORK/cmp"; }

# the tap interface: two ptys from `esptap sim --tap-out` hear the host's and the chip's lines
"$ESPTAP" sim --chip esp32 --link "$WORK/sim" --tap-out "$WORK/tapTX,$WORK/tapRX" >"$WORK/sim.log" 2>&1 &
spid=$!
i=0
while [ ! -L "$WORK/tapRX" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
tshark -i esptap-tap -o "extcap.esptap_tap.txport:$WORK/tapTX" -o "extcap.esptap_tap.rxport:$WORK/tapRX" \
	-a duration:10 -w "$WORK/tap.pcapng" >"$WORK/tap.out" 2>&1 &
tpid=$!
# wait for tshark to have started esptap on these taps, then give it a moment to open them
i=0
while ! ps -eo args= | grep -qF -- "--tx-port $WORK/tapTX" && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
sleep 0.5
timeout 20 node "$E2E/flasher.mjs" --port "$WORK/sim" detect >"$WORK/tapflasher.log" 2>&1 || bad "flasher (tap) failed"
wait $tpid
rc=$?
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
ts -r "$WORK/tap.pcapng" -T fields -e esptap.type -e esptap.opname >"$WORK/tap.ops" 2>/dev/null
if [ $rc = 0 ] && grep -qxF "command	SYNC" "$WORK/tap.ops" && grep -qxF "response	READ_REG" "$WORK/tap.ops"; then
	ok "esptap-tap capture decodes both lines ($(grep -c . "$WORK/tap.ops") packets)"
else
	bad "esptap-tap capture (tshark exit $rc):"; cat "$WORK/tap.out"; head -5 "$WORK/tap.ops"
fi
finish
