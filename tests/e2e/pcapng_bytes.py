#!/usr/bin/python3
# pcapng_bytes.py: the bytes one direction carried, from an esptap pcapng (docs/linktype.md):
# the data of every SLIP-frame and raw-bytes packet of that direction, in order, to stdout.
#   pcapng_bytes.py FILE h2c|c2h
import struct
import sys


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("h2c", "c2h"):
        print("usage: pcapng_bytes.py FILE h2c|c2h", file=sys.stderr)
        return 2
    want = 1 if sys.argv[2] == "h2c" else 2
    data = open(sys.argv[1], "rb").read()
    out = bytearray()
    off = 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        if blen < 12 or off + blen > len(data):
            break
        if btype == 6:  # Enhanced Packet Block
            caplen = struct.unpack_from("<I", data, off + 20)[0]
            pkt = data[off + 28 : off + 28 + caplen]
            if len(pkt) >= 20 and pkt[:4] == b"ESPT":
                hlen, direction, kind = pkt[5], pkt[6], pkt[7]
                if direction == want and kind in (1, 2):
                    out += pkt[hlen:]
        off += blen
    sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
