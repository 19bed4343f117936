#!/bin/sh
# captures.sh: tshark with esptap.lua on every sample capture (captures/*.pcapng, made by real
# flasher runs through the simulator): golden -T fields / -T json outputs, and agreement with
# `esptap decode -j` on the same file (op counts, op per frame, every expert info and no other).
. "$top_srcdir/tests/tshark/lib.sh"
n=0
for name in esp32-clean-flash esp8266-session timeout brownout baud-mismatch checksum-error; do
	cap="$top_srcdir/captures/$name.pcapng"
	[ -f "$cap" ] || { bad "$name: capture missing"; continue; }
	n=$((n + 1))
	fields_of "$cap" >"$WORK/$name.fields"
	if diff -u "$TS_DIR/expected/$name.fields" "$WORK/$name.fields" >"$WORK/diff"; then
		ok "$name: -T fields output as expected ($(($(wc -l <"$WORK/$name.fields") - 1)) packets)"
	else
		bad "$name: -T fields output differs (tests/tshark/regen.sh rewrites it):"; head -20 "$WORK/diff"
	fi
	if [ -f "$TS_DIR/expected/$name.json" ]; then
		json_of "$cap" >"$WORK/$name.json"
		if diff -u "$TS_DIR/expected/$name.json" "$WORK/$name.json" >"$WORK/diff"; then
			ok "$name: -T json output as expected"
		else
			bad "$name: -T json output differs:"; head -20 "$WORK/diff"
		fi
	fi
	"$ESPTAP" decode -q -j "$WORK/$name.jsonl" "$cap" || bad "$name: esptap decode failed"
	experts_of "$cap" >"$WORK/$name.tsv"
	if python3 "$TS_DIR/compare.py" "$WORK/$name.jsonl" "$WORK/$name.tsv" >"$WORK/cmp"; then
		ok "$name: tshark agrees with esptap decode -j ($(tail -1 "$WORK/cmp"))"
	else
		bad "$name: tshark and esptap decode -j disagree:"; grep -v '^ok' "$WORK/cmp"
	fi
	# the expert infos the capture is there to show
	case $name in
	timeout) want=timeout ;; brownout) want=chip-reboot ;; checksum-error) want=error-status ;;
	baud-mismatch) want=timeout ;; *) want= ;;
	esac
	if [ -n "$want" ]; then
		if grep -q "expert $want on frames \[[0-9]" "$WORK/cmp"; then ok "$name: shows $want"; else bad "$name: no $want"; fi
	fi
done
# status bytes: 4 from the ESP32 ROM, 2 from the ESP8266 ROM, 2 from the stub
sl() { ts -r "$top_srcdir/captures/$1.pcapng" -Y "esptap.mode == \"$2\" && esptap.status_bytes" -T fields \
	-e esptap.status_bytes | awk '{ print length($0) / 2 }' | sort -u | tr '\n' ' '; }
for c in "esp32-clean-flash rom 4 " "esp8266-session rom 2 " "esp32-clean-flash stub 2 " "esp8266-session stub 2 "; do
	set -- $c
	got=$(sl "$1" "$2")
	[ "$got" = "$3 " ] && ok "$1: $2 responses carry $3 status bytes" || bad "$1: $2 status lengths '$got', want $3"
done
[ "$n" = 6 ] || bad "only $n of 6 captures checked"
finish
