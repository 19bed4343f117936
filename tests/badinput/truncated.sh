#!/bin/sh
# truncated.sh: inputs cut short: decode writes what came before, valid, and exits 5.
. "$top_srcdir/tests/badinput/lib.sh"

# A pcapng cut in the middle of a block, far enough in to hold many packets.
"$ESPTAP" decode -q -w "$tmp/full.pcapng" "$sample" 2>"$tmp/err0" || bad "making the pcapng: $(cat "$tmp/err0")"
size=$(wc -c <"$tmp/full.pcapng")
cut=$(/usr/bin/python3 - "$tmp/full.pcapng" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
off, ends = 0, []
while off + 12 <= len(b):
    off += struct.unpack_from("<I", b, off + 4)[0]
    ends.append(off)
# the middle of a block past the middle of the file
mid = next(e for e in ends if e > len(b) // 2)
nxt = ends[ends.index(mid) + 1]
print(mid + (nxt - mid) // 2)
PY
)
head -c "$cut" "$tmp/full.pcapng" >"$tmp/cut.pcapng"
run_decode -q -j "$tmp/cut.jsonl" -w "$tmp/cut-out.pcapng" "$tmp/cut.pcapng"
expect "pcapng cut mid-block ($cut of $size bytes)" 5 "$tmp/cut.pcapng" "byte [0-9]+"
valid_jsonl "pcapng cut mid-block" "$tmp/cut.jsonl"
n=$(grep -c '"type":"\(command\|response\|raw\|event\)"' "$tmp/cut.jsonl")
if [ "$n" -gt 10 ] && tshark -r "$tmp/cut-out.pcapng" -c 1 >/dev/null 2>&1; then
	ok "pcapng cut mid-block: $n units decoded before the cut, output pcapng readable"
else
	bad "pcapng cut mid-block: $n units decoded, output pcapng readable? no"
fi

# A trace log cut in the middle of a line (inside a hex dump).
lines=$(wc -l <"$sample")
keep=$((lines / 2))
{ head -n "$keep" "$sample"; sed -n "$((keep + 1))p" "$sample" | head -c 12; } >"$tmp/cut.log"
run_decode -q -j "$tmp/cutlog.jsonl" "$tmp/cut.log"
expect "trace log cut mid-line" 5 "$tmp/cut.log" "line [0-9]+"
valid_jsonl "trace log cut mid-line" "$tmp/cutlog.jsonl"
finish
