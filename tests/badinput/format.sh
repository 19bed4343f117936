#!/bin/sh
# format.sh: inputs of no known format, and a pcap of another link type.
. "$top_srcdir/tests/badinput/lib.sh"

printf 'This is not a capture, nor a trace log.\nJust prose, two lines of it.\n' >"$tmp/prose.txt"
run_decode -q "$tmp/prose.txt"
expect "a text file of no known format" 4 "$tmp/prose.txt"

# With --dir, a file of no other known format is one direction's bytes: hex text when it
# reads as hex (digits, blanks, commas, 0x, # comments), else raw binary; no --format needed.
printf '\300\000\010\044\000\000\000\000\000\007\007\022\040' >"$tmp/sync.bin"
head -c 32 /dev/zero | tr '\000' 'U' >>"$tmp/sync.bin"
printf '\300' >>"$tmp/sync.bin"
printf '# the ROM answers SYNC\n0xc0, 0x01, 0x08, 0x04, 0x00, 0x07, 0x07, 0x12, 0x20,\n00 00 00 00 c0\n' >"$tmp/reply.hex"
# detect_as WHAT FILE DIR FORMAT PATTERN: decode --dir DIR without --format exits 0, reports
# FORMAT in the session record and decodes a record matching PATTERN.
detect_as() {
	"$ESPTAP" decode -q --dir "$3" -j "$tmp/det.jsonl" "$2" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != 0 ]; then bad "$1: exit $rc: $(cat "$tmp/err")"
	elif ! grep -q "\"type\":\"session\".*\"format\":\"$4\"" "$tmp/det.jsonl"; then bad "$1: not read as $4: $(head -1 "$tmp/det.jsonl")"
	elif ! grep -q "$5" "$tmp/det.jsonl"; then bad "$1: no record matching $5"
	else ok "$1: read as $4, $5"
	fi
}
detect_as "--dir h2c on a binary file" "$tmp/sync.bin" h2c raw '"type":"command".*"dir":"host>chip","op":"SYNC"'
detect_as "--dir c2h on a hex file" "$tmp/reply.hex" c2h hex '"type":"response".*"dir":"chip>host","op":"SYNC","opcode":8,"mode":"rom","status":"ok"'
detect_as "--dir c2h on prose (not hex: raw)" "$tmp/prose.txt" c2h raw '"type":"raw"'
run_decode -q "$tmp/reply.hex"
expect "a hex file without --dir" 4 "$tmp/reply.hex" "no known format.*--dir"
run_decode -q "$tmp/sync.bin"
expect "a binary file without --dir" 4 "$tmp/sync.bin" "no known format"
run_decode -q --format hex -j "$tmp/fh.jsonl" "$tmp/reply.hex"
check_rc=$rc
if [ "$check_rc" = 0 ] && grep -q '"dir":"chip>host","op":"SYNC"' "$tmp/fh.jsonl"; then
	ok "--format hex without --dir still reads chip>host"
else
	bad "--format hex without --dir: exit $check_rc"
fi

# An image file header followed by bytes: binary, but not pcap/pcapng.
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >"$tmp/image.png"
run_decode -q "$tmp/image.png"
expect "a PNG file" 4 "$tmp/image.png"

# A classic pcap with link type 1 (Ethernet) and one packet.
/usr/bin/python3 - "$tmp/ether.pcap" <<'PY'
import struct, sys
pkt = bytes(range(60))
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack("<IIII", 1, 0, len(pkt), len(pkt)) + pkt)
PY
run_decode -q -j "$tmp/ether.jsonl" "$tmp/ether.pcap"
expect "a pcap of link type 1" 4 "$tmp/ether.pcap" "byte 20: link type 1 "

# Our own pcapng, read with another --linktype than it was written with.
"$ESPTAP" decode -q -w "$tmp/ok.pcapng" "$sample" 2>/dev/null
run_decode -q --linktype 150 "$tmp/ok.pcapng"
expect "pcapng of USER0 read as USER3" 4 "$tmp/ok.pcapng" "byte [0-9]+: link type 147 "
finish
