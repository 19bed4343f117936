#!/usr/bin/python3
# diff_image.py: the image a session wrote uncompressed: the data of every FLASH_DATA (0x03)
# command in a host>chip SLIP byte stream (stdin, e.g. from pcapng_bytes.py FILE h2c), in order, to stdout.
import struct
import sys


def frames(stream):
    for raw in stream.split(b"\xc0"):
        if raw:
            yield raw.replace(b"\xdb\xdc", b"\xc0").replace(b"\xdb\xdd", b"\xdb")


def main():
    out = bytearray()
    for f in frames(sys.stdin.buffer.read()):
        if len(f) >= 24 and f[0] == 0 and f[1] == 0x03:
            data_len = struct.unpack_from("<I", f, 8)[0]
            out += f[24 : 24 + data_len]
    sys.stdout.buffer.write(out)
    return 0 if out else 1


if __name__ == "__main__":
    sys.exit(main())
