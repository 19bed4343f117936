#!/usr/bin/python3
"""rfc2217_hostile.py HOST PORT: a raw-socket Telnet client that misbehaves on purpose against
`esptap rfc2217`; prints one 'ok'/'FAIL' line per check and exits 1 if any failed."""
import socket, sys, time

HOST, PORT = sys.argv[1], int(sys.argv[2])
IAC, DONT, DO, WONT, WILL, SB, SE, NOP = 255, 254, 253, 252, 251, 250, 240, 241
fails = 0


def check(what, cond, detail=""):
    global fails
    print(("ok   " if cond else "FAIL ") + what + (": " + detail if detail else ""))
    if not cond:
        fails += 1


def connect():
    for _ in range(100):  # the server listens again a moment after a client leaves
        try:
            s = socket.create_connection((HOST, PORT), timeout=3)
            s.settimeout(0.3)
            drain(s)
            return s
        except ConnectionRefusedError:
            time.sleep(0.05)
    raise SystemExit("FAIL cannot connect to %s:%d" % (HOST, PORT))


def drain(s, wait=0.3):
    """What the server sent within `wait` seconds; None if it closed the connection."""
    got, end = b"", time.time() + wait
    while time.time() < end:
        try:
            k = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            return None
        if not k:
            return None
        got += k
    return got


def closed_by_server(s, limit=3.0):
    end = time.time() + limit
    s.settimeout(0.2)
    while time.time() < end:
        try:
            k = s.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
        if not k:
            return True
    return False


def send_quiet(s, data):
    try:
        s.sendall(data)
    except (ConnectionResetError, BrokenPipeError):
        pass


def signature(s):
    """Ask for the server's signature; True if it answered 'esptap'."""
    s.sendall(bytes([IAC, SB, 44, 0, IAC, SE]))
    got = drain(s, 0.5)
    return got is not None and bytes([IAC, SB, 44, 100]) + b"esptap" + bytes([IAC, SE]) in got


def served():
    s = connect()
    ok = signature(s)
    s.close()
    return ok


check("a well-behaved client gets the signature", served())

# overlong subnegotiation: never terminated, 100 KB
s = connect()
send_quiet(s, bytes([IAC, SB, 44, 1]) + b"A" * 100000)
check("an overlong subnegotiation (100 KB, no IAC SE) drops the client", closed_by_server(s))
s.close()
check("the server serves the next client after that", served())

# a subnegotiation of 300 bytes, properly ended: still over the bound
s = connect()
send_quiet(s, bytes([IAC, SB, 44, 0]) + b"B" * 300 + bytes([IAC, SE]))
check("a 300-byte subnegotiation (ended) drops the client", closed_by_server(s))
s.close()

# IAC NOP flood: commands with no data, far past the budget
s = connect()
send_quiet(s, bytes([IAC, NOP]) * 200000)
check("an IAC NOP flood (200000 commands at once) drops the client", closed_by_server(s))
s.close()
check("the server serves the next client after the flood", served())

# IAC IAC flood: that is data (0xFF bytes), forwarded, never a reason to drop
s = connect()
send_quiet(s, bytes([IAC, IAC]) * 50000)
time.sleep(0.3)
check("50000 escaped 0xFF data bytes are data: the client stays", signature(s))
s.close()

# unknown options: refused once each, the client stays
s = connect()
s.sendall(bytes([IAC, WILL, 99, IAC, DO, 200, IAC, SB, 99, 1, 2, 3, IAC, SE, IAC, SB, 44, 77, 1, IAC, SE]))
got = drain(s, 0.5) or b""
check("WILL 99 is answered DONT 99", bytes([IAC, DONT, 99]) in got, got.hex())
check("DO 200 is answered WONT 200", bytes([IAC, WONT, 200]) in got, got.hex())
check("unknown option and COM-PORT subnegotiations are ignored: the client stays", signature(s))
# a negotiation loop on one option
send_quiet(s, bytes([IAC, WILL, 99, IAC, WONT, 99]) * 50)
check("the same option negotiated 100 times drops the client", closed_by_server(s))
s.close()

# IAC followed by a byte that is no command
s = connect()
send_quiet(s, bytes([IAC, 0x01]))
check("IAC 0x01 (no such command) drops the client", closed_by_server(s))
s.close()

# inside a subnegotiation, IAC followed by anything but IAC or SE
s = connect()
send_quiet(s, bytes([IAC, SB, 44, 0, IAC, 0x05, IAC, SE]))
check("IAC 0x05 inside a subnegotiation drops the client", closed_by_server(s))
s.close()

# a short truncated SET-BAUDRATE (2 value bytes): answered with the current rate, not applied
s = connect()
s.sendall(bytes([IAC, SB, 44, 1, 0, 1, IAC, SE]))
got = drain(s, 0.5) or b""
check("a SET-BAUDRATE with 2 value bytes is answered with the rate in force",
      bytes([IAC, SB, 44, 101, 0, 1, 0xC2, 0]) in got, got.hex())
s.close()

check("after all that, a well-behaved client is still served", served())
sys.exit(1 if fails else 0)
