#!/bin/sh
# format.sh: inputs of no known format, and a pcap of another link type.
. "$top_srcdir/tests/badinput/lib.sh"

printf 'This is not a capture, nor a trace log.\nJust prose, two lines of it.\n' >"$tmp/prose.txt"
run_decode -q "$tmp/prose.txt"
expect "a text file of no known format" 4 "$tmp/prose.txt"

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
