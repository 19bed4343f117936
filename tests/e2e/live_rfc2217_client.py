#!/usr/bin/python3
# live_rfc2217_client.py: a tiny esptool-like client over pyserial's rfc2217:// (tests only).
# Resets the chip into download mode with DTR/RTS, SYNCs, reads the chip-detect register,
# changes the rate to 921600 and reads it again there. Prints what it did; exit 0 on success.
import struct
import sys
import time

import serial


def slip(data):
    return b"\xc0" + data.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc") + b"\xc0"


def command(port, op, data=b"", chk=0, timeout=1.0):
    port.write(slip(struct.pack("<BBHI", 0, op, len(data), chk) + data))
    end = time.time() + timeout
    buf = b""
    while time.time() < end:
        buf += port.read(port.in_waiting or 1)
        while b"\xc0" in buf:
            start = buf.index(b"\xc0")
            stop = buf.find(b"\xc0", start + 1)
            if stop < 0:
                break
            frame = buf[start + 1:stop].replace(b"\xdb\xdc", b"\xc0").replace(b"\xdb\xdd", b"\xdb")
            buf = buf[stop + 1:]
            if len(frame) >= 8 and frame[0] == 1 and frame[1] == op:
                val = struct.unpack("<I", frame[4:8])[0]
                body = frame[8:]
                if len(body) >= 2 and body[-4 if len(body) >= 4 else -2] != 0:
                    raise RuntimeError(f"op 0x{op:02x} failed: {body.hex()}")
                return val, body
    raise RuntimeError(f"no answer to op 0x{op:02x}")


def main():
    url = sys.argv[1]
    port = serial.serial_for_url(url, baudrate=115200, timeout=0.05)
    # classic reset: EN low (RTS), IO0 low (DTR) while EN rises, then release
    port.dtr = False
    port.rts = True
    time.sleep(0.1)
    port.dtr = True
    port.rts = False
    time.sleep(0.05)
    port.dtr = False
    time.sleep(0.1)
    port.reset_input_buffer()
    for attempt in range(5):
        try:
            command(port, 0x08, b"\x07\x07\x12\x20" + b"\x55" * 32, timeout=0.3)
            break
        except RuntimeError:
            if attempt == 4:
                raise
    time.sleep(0.05)
    port.reset_input_buffer()
    magic, _ = command(port, 0x0A, struct.pack("<I", 0x40001000))
    print(f"sync ok; READ_REG 0x40001000 = 0x{magic:08x}")
    command(port, 0x0F, struct.pack("<II", 921600, 0))
    port.baudrate = 921600
    time.sleep(0.05)
    magic2, _ = command(port, 0x0A, struct.pack("<I", 0x40001000))
    print(f"at 921600: READ_REG 0x40001000 = 0x{magic2:08x}")
    port.close()
    return 0 if magic == magic2 and magic != 0 else 1


if __name__ == "__main__":
    sys.exit(main())
