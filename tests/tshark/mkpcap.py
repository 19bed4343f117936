#!/usr/bin/env python3
"""mkpcap.py: writes small pcapng files byte by byte as docs/linktype.md says, for the tshark tests.

  mkpcap.py synthetic OUT.pcapng [LINKTYPE]  every kind of unit and every expert case the sample
                                             captures lack: a checksum mismatch, an escape error,
                                             a truncated frame, line errors, a mid-session reset,
                                             an unanswered SYNC, the READ_FLASH stream
  mkpcap.py foreign OUT.pcapng               USER0 packets that are not esptap's (wrong magic,
                                             wrong version, too short), then one that is
"""
import hashlib
import struct
import sys

H2C, C2H, NONE = 1, 2, 0
FRAME, RAW, BAUD, MODEM, BREAK, LINE_ERROR, GAP, NOTE = range(1, 9)
F_ESCAPE, F_TRUNC, F_LINE = 0x01, 0x02, 0x08


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def opt(code, val):
    return struct.pack("<HH", code, len(val)) + val + b"\0" * (-len(val) % 4)


def header(linktype):
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + opt(0, b""))
    idb = block(1, struct.pack("<HHI", linktype, 0, 0) + opt(9, b"\x09") + opt(0, b""))
    return shb + idb


def epb(ts_ns, data):
    return block(6, struct.pack("<IIIII", 0, ts_ns >> 32, ts_ns & 0xFFFFFFFF, len(data), len(data)) + data
                 + opt(0, b""))


def pseudo(d, kind, flags=0, baud=115200, value=0, modem=0, magic=b"ESPT", version=1):
    return magic + struct.pack("<BBBBHBBII", version, 20, d, kind, flags, modem, 0, baud, value)


def slip(p):
    return b"\xc0" + p.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc") + b"\xc0"


def ck(data):
    c = 0xEF
    for b in data:
        c ^= b
    return c


def cmd(op, body, checksum=0):
    return struct.pack("<BBHI", 0, op, len(body), checksum) + body


def resp(op, value, body):
    return struct.pack("<BBHI", 1, op, len(body), value) + body


def synthetic(linktype):
    u = []  # (dir, kind, flags, value, wire)
    u.append((C2H, RAW, 0, 0, b"ets Jul 29 2019 12:21:46\r\n"))
    u.append((C2H, RAW, 0, 0, b"rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\n"))
    sync = bytes([7, 7, 0x12, 0x20]) + b"\x55" * 32
    u.append((H2C, FRAME, 0, 0, slip(cmd(0x08, sync))))  # unanswered: the host sends it again
    u.append((H2C, FRAME, 0, 0, slip(cmd(0x08, sync))))
    u.append((C2H, FRAME, 0, 0, slip(resp(0x08, 0x20120707, b"\0\0\0\0"))))
    u.append((H2C, FRAME, 0, 0, slip(cmd(0x02, struct.pack("<IIII", 0x400, 1, 0x400, 0x10000)))))
    u.append((C2H, FRAME, 0, 0, slip(resp(0x02, 0, b"\0\0\0\0"))))
    data = bytes(range(64))
    u.append((H2C, FRAME, 0, 0, slip(cmd(0x03, struct.pack("<IIII", len(data), 0, 0, 0) + data, ck(data) ^ 0x5A))))
    u.append((C2H, FRAME, 0, 0, slip(resp(0x03, 0, b"\x01\x07\0\0"))))  # ROM: checksum error
    # 0xDB 0x41 on the wire: an escape error (the writer flags it; the dissector also sees it)
    data2 = b"\x10\x20\x30\x40"
    raw = slip(cmd(0x03, struct.pack("<IIII", 5, 1, 0, 0) + data2, ck(data2 + b"\xdb\x41")))
    raw = raw[:-1] + b"\xdb\x41\xc0"
    u.append((H2C, FRAME, F_ESCAPE, 0, raw))
    u.append((C2H, FRAME, 0, 0, slip(resp(0x03, 0, b"\0\0\0\0"))))
    u.append((C2H, FRAME, F_TRUNC, 0, b"\xc0\x01\x03\x04\x00\x00"))  # cut at the length limit
    u.append((C2H, LINE_ERROR, 0, 1, b""))
    u.append((H2C, BREAK, 0, 250, b""))
    u.append((C2H, RAW, F_LINE, 0, b"\xff\xfe garbled"))
    u.append((NONE, BAUD, 0, 921600, b""))
    u.append((NONE, MODEM, 0, 3, b""))
    u.append((C2H, GAP, 0, 12, b""))
    u.append((NONE, NOTE, 0, 0, "a note \u00e9".encode()))
    # the stub greets without an upload seen, then streams a READ_FLASH
    u.append((C2H, FRAME, 0, 0, slip(b"OHAI")))
    u.append((H2C, FRAME, 0, 0, slip(cmd(0xD2, struct.pack("<IIII", 0x1000, 8, 4, 64)))))
    u.append((C2H, FRAME, 0, 0, slip(resp(0xD2, 0, b"\0\0"))))
    flash = b"\xc0\x01\xdb\x02\x03\x04\x05\x06"
    u.append((C2H, FRAME, 0, 0, slip(flash[:4])))
    u.append((H2C, FRAME, 0, 0, slip(struct.pack("<I", 4))))
    u.append((C2H, FRAME, 0, 0, slip(flash[4:])))
    u.append((H2C, FRAME, 0, 0, slip(struct.pack("<I", 8))))
    u.append((C2H, FRAME, 0, 0, slip(hashlib.md5(flash).digest())))
    # the stub answers a bad block with its own order of status bytes
    u.append((H2C, FRAME, 0, 0, slip(cmd(0x11, struct.pack("<IIII", 4, 0, 0, 0) + data2, ck(data2)))))
    u.append((C2H, FRAME, 0, 0, slip(resp(0x11, 0, b"\xc1\x00"))))
    u.append((C2H, RAW, 0, 0, b"rst:0xf (RTCWDT_BROWN_OUT_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n"))
    out = header(linktype)
    t = 0
    for d, kind, flags, value, wire in u:
        t += 1_000_000
        out += epb(t, pseudo(d, kind, flags, value=value, modem=3 if kind == MODEM else 0) + wire)
    return out


def foreign():
    out = header(147)
    sync = slip(cmd(0x08, bytes([7, 7, 0x12, 0x20]) + b"\x55" * 32))
    out += epb(1000, pseudo(H2C, FRAME, magic=b"XYZW") + sync)
    out += epb(2000, pseudo(H2C, FRAME, version=2) + sync)
    out += epb(3000, b"ESPT\x01")
    out += epb(4000, pseudo(H2C, FRAME) + sync)
    return out


if __name__ == "__main__":
    what, path = sys.argv[1], sys.argv[2]
    data = synthetic(int(sys.argv[3]) if len(sys.argv) > 3 else 147) if what == "synthetic" else foreign()
    with open(path, "wb") as f:
        f.write(data)
