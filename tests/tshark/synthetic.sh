#!/bin/sh
# synthetic.sh: the dissector on packets written byte by byte from docs/linktype.md (mkpcap.py):
# every unit kind and the expert cases the sample captures lack (checksum mismatch, escape
# error, truncated frame, line errors, mid-session reset, unanswered request, READ_FLASH stream)
# agree with `esptap decode -j`; foreign USER0 packets are left alone; the USER slot preference.
. "$top_srcdir/tests/tshark/lib.sh"
python3 "$TS_DIR/mkpcap.py" synthetic "$WORK/syn.pcapng"
"$ESPTAP" decode -q -j "$WORK/syn.jsonl" "$WORK/syn.pcapng" || bad "esptap decode failed on the synthetic capture"
experts_of "$WORK/syn.pcapng" >"$WORK/syn.tsv"
if python3 "$TS_DIR/compare.py" "$WORK/syn.jsonl" "$WORK/syn.tsv" >"$WORK/cmp"; then
	ok "synthetic: tshark agrees with esptap decode -j ($(tail -1 "$WORK/cmp"))"
else
	bad "synthetic: tshark and esptap decode -j disagree:"; grep -v '^ok' "$WORK/cmp"
fi
for code in checksum-mismatch escape-error truncated line-error chip-reboot timeout error-status; do
	if grep -q "^ok: expert $code on frames \[[0-9]" "$WORK/cmp"; then ok "synthetic: $code shown"; else bad "synthetic: no $code"; fi
done
# the checksum verdict and the recomputed value are fields
ck=$(ts -r "$WORK/syn.pcapng" -Y 'esptap.checksum.good == 0' -T fields -e frame.number -e esptap.checksum.computed | tr '\t\n' ' ')
[ "$ck" = "8 0xef 10 0xaf " ] && ok "checksum verdict field: $ck" || bad "checksum verdict field: '$ck'"
# stub status order: error first
st=$(ts -r "$WORK/syn.pcapng" -Y 'esptap.opname == "FLASH_DEFL_DATA" && esptap.type == "response"' -T fields \
	-e esptap.status -e esptap.error -e esptap.status_bytes)
[ "$st" = "$(printf 'BAD_DATA_CHECKSUM\t0xc1\tc100')" ] && ok "stub status decoded: $st" || bad "stub status: '$st'"
# a request and its response point at each other; time since the request
link=$(ts -r "$WORK/syn.pcapng" -2 -Y 'frame.number == 6 || frame.number == 7' -T fields -e esptap.response_in \
	-e esptap.response_to -e esptap.time | awk -F'\t' '{ printf "%s/%s/%s ", $1, $2, $3 }')
[ "$link" = "7// /6/0.001000000 " ] && ok "response_in/response_to/time: $link" || bad "links: '$link'"

# foreign pseudo-headers: not claimed; the esptap packet after them is
python3 "$TS_DIR/mkpcap.py" foreign "$WORK/foreign.pcapng"
ts -r "$WORK/foreign.pcapng" -T fields -e frame.number -e frame.protocols -e esptap.opname >"$WORK/foreign.txt"
cat "$WORK/foreign.txt"
claimed=$(awk -F'\t' '$2 ~ /esptap/ { print $1 }' "$WORK/foreign.txt" | tr '\n' ' ')
[ "$claimed" = "4 " ] && ok "foreign pseudo-headers (wrong magic, version, length) not claimed; packet 4 is" \
	|| bad "claimed packets: '$claimed', expected only 4"

# the USER slot is a preference: a capture on USER2 (149) is claimed only when it says so
python3 "$TS_DIR/mkpcap.py" synthetic "$WORK/user2.pcapng" 149
a=$(ts -r "$WORK/user2.pcapng" -Y esptap | wc -l)
b=$(ts -o esptap.user_slot:2 -r "$WORK/user2.pcapng" -Y esptap | wc -l)
[ "$a" = 0 ] && [ "$b" = 30 ] && ok "USER2 capture: 0 packets by default, 30 with esptap.user_slot:2" \
	|| bad "USER slot preference: $a packets by default, $b with the preference (want 0 and 30)"
# the coloring rules: every filter compiles; the error rule marks the error packets
grep '^@' "$top_srcdir/dissectors/esptap.colorfilters" | while IFS=@ read -r _ name filter _; do
	n=$(ts -r "$WORK/syn.pcapng" -Y "$filter" | wc -l)
	echo "$name: $n" >>"$WORK/colors"
done
if [ "$(grep -c . "$WORK/colors" 2>/dev/null)" -ge 5 ] && grep -qx 'esptap error: 5' "$WORK/colors"; then
	ok "coloring rules compile; 'esptap error' marks the 5 error packets"
else
	bad "coloring rules: $(tr '\n' ';' <"$WORK/colors" 2>/dev/null)"
fi
finish
