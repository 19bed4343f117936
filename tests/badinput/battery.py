#!/usr/bin/python3
"""battery.py OUTDIR: generates malformed inputs from a sample capture and a sample trace log
(truncated and corrupted pcapng blocks, wrong link types, oversized lengths, classic pcap
variants, trace logs cut mid-line or with impossible stamps, non-UTF-8 text, binary garbage),
runs `esptap decode` on each, and checks: a documented exit status among those the case
allows; no output on stderr when it succeeds, else exactly one line 'esptap: FILE: ...'
naming the byte, line or frame where the case has one; the JSON Lines output ends on a whole
line and every line is valid UTF-8 JSON. Then reruns a sample of the cases under Valgrind
(no errors, no leaks). Prints one line per failure, and 'N passed, N failed'.
Environment: ESPTAP, top_srcdir; VALGRIND_EVERY (default 10: every tenth case), VALGRIND=0 to skip it."""
import json
import os
import random
import re
import struct
import subprocess
import sys

ESPTAP = os.environ["ESPTAP"]
SRC = os.environ["top_srcdir"]
OUT = sys.argv[1]
rng = random.Random(20261205)  # the same battery every run
cases = []  # (name, path, allowed exit codes, location required when failing, extra args)
LOC = re.compile(r": (byte|line|frame) [0-9]+: ")


def add(name, data, allowed, loc, args=()):
    path = os.path.join(OUT, "%03d-%s" % (len(cases), name))
    with open(path, "wb") as f:
        f.write(data)
    cases.append((name, path, set(allowed), loc, list(args)))


# ---- pcapng: the blocks of a capture the tests made
cap = open(os.path.join(SRC, "captures/timeout.pcapng"), "rb").read()
blocks, off = [], 0
while off + 12 <= len(cap):
    btype, blen = struct.unpack_from("<II", cap, off)
    blocks.append((off, btype, blen))
    off += blen
epbs = [b for b in blocks if b[1] == 6]
ends = [o + l for o, _, l in blocks]

# cut mid-block at many offsets: what came before is decoded, exit 5 at a byte
for i in range(40):
    o, _, l = blocks[rng.randrange(2, len(blocks))]
    cut = o + rng.randrange(1, l)
    add("pcapng-cut-%d" % cut, cap[:cut], {5}, True)
# cut inside the section header or interface block: not a capture yet (4), or cut short (5)
for cut in (1, 4, 8, 11, 12, 23, 47, 48, 60, 95):
    add("pcapng-head-cut-%d" % cut, cap[:cut], {4, 5}, False)
# cut exactly at block boundaries: a valid, shorter capture
for e in rng.sample(ends[2:-1], 8):
    add("pcapng-boundary-%d" % e, cap[:e], {0}, False)


def patch(data, at, fmt, *vals):
    b = bytearray(data)
    struct.pack_into(fmt, b, at, *vals)
    return bytes(b)


# oversized and impossible block lengths (leading length field, trailing copy, or both)
for o, _, l in rng.sample(epbs, 12):
    for bad in (0, 4, 13, l + 4, 0x7FFFFFF0, 0xFFFFFFFC):
        which = rng.randrange(3)
        d = cap
        if which in (0, 2):
            d = patch(d, o + 4, "<I", bad)
        if which in (1, 2):
            d = patch(d, o + l - 4, "<I", bad)
        add("pcapng-blocklen-%d-%x-%d" % (o, bad, which), d, {4, 5}, True)
# EPB captured length larger than the block, or than any packet
for o, _, l in rng.sample(epbs, 10):
    for bad in (l, 0x10000, 0xFFFFFF00):
        add("pcapng-caplen-%d-%x" % (o, bad), patch(cap, o + 20, "<I", bad), {4, 5}, True)
# block types changed: unknown types are skipped by the format's rules, known ones misread
for o, _, l in rng.sample(blocks[2:], 12):
    t = rng.choice([0, 2, 3, 5, 0x0A0D0D0A, 0x80000001, rng.randrange(1 << 32)])
    add("pcapng-type-%d-%x" % (o, t), patch(cap, o, "<I", t), {0, 4, 5}, True)
# wrong link types in the interface block
for lt in (0, 1, 105, 146, 148, 162, 163, 228, 0xFFFF):
    add("pcapng-linktype-%d" % lt, patch(cap, 48 + 8, "<H", lt), {4}, True)
# a broken byte-order magic, version, and section length
add("pcapng-bom", patch(cap, 8, "<I", 0x12345678), {4}, False)
add("pcapng-version", patch(cap, 12, "<HH", 9, 9), {4}, False)
add("pcapng-seclen", patch(cap, 16, "<q", 12), {0, 4, 5}, False)
# corrupted bytes in packets: pseudo-header and payload (the format stays readable)
for o, _, l in rng.sample(epbs, 30):
    at = o + 28 + rng.randrange(0, max(1, l - 32))
    d = bytearray(cap)
    d[at] ^= 1 << rng.randrange(8)
    add("pcapng-flip-%d" % at, bytes(d), {0, 4, 5}, True)

# ---- classic pcap, from the same packets
pkts = []
for o, _, l in epbs:
    caplen = struct.unpack_from("<I", cap, o + 20)[0]
    pkts.append(cap[o + 28:o + 28 + caplen])
pcap = bytearray(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 147))
recs = []
for i, p in enumerate(pkts):
    recs.append(len(pcap))
    pcap += struct.pack("<IIII", 1700000000 + i, i * 1000, len(p), len(p)) + p
pcap = bytes(pcap)
add("pcap-whole", pcap, {0}, False)
for i in range(15):
    cut = rng.randrange(25, len(pcap))
    add("pcap-cut-%d" % cut, pcap[:cut], {0, 5}, True)  # 0 only when the cut falls between records
for r in rng.sample(recs, 8):
    for bad in (0x7FFFFFFF, 0x40000, 70000):
        add("pcap-caplen-%d-%x" % (r, bad), patch(pcap, r + 8, "<I", bad), {4, 5}, True)
for lt in (1, 148, 0xFFFF):
    add("pcap-linktype-%d" % lt, patch(pcap, 20, "<I", lt), {4}, True)
add("pcap-snaplen-0", patch(pcap, 16, "<I", 0), {0, 4}, False)
add("pcap-version", patch(pcap, 4, "<HH", 7, 7), {4}, False)

# ---- trace logs
log = open(os.path.join(SRC, "tests/data/samples/esptool-clean-write-stub.log"), "rb").read()
lines = log.split(b"\n")
# a prefix ending between trace messages (after a whole packet was received): decodes whole
NB = next(i for i in range(600, len(lines)) if lines[i - 1].startswith(b"TRACE") and b"Received full packet" in lines[i - 1])
base = b"\n".join(lines[:NB]) + b"\n"
add("trace-base", base, {0}, False)
# cut mid-line: inside a hex dump it is a cut (5, at a line); elsewhere what remains is whole
first = base.index(b"TRACE +") + len(b"TRACE +0.000 ")
for i in range(30):
    cut = rng.randrange(200, len(base) - 1)
    # before the first whole stamp, there is no trace log yet (4)
    add("trace-cut-%d" % cut, base[:cut], {0, 5} if cut >= first else {4}, cut >= first)
# every line cut after its first few bytes, for lines inside dumps: always 5
# continuation lines of Write/Read dumps (a `command ... data=` dump only repeats what Write says)
starts, owner = [], None
for i, ln in enumerate(lines[:NB]):
    if ln.startswith(b"TRACE"):
        owner = re.search(rb"(Write|Read) [0-9]+ bytes", ln)
    elif ln.startswith(b"    ") and owner and i > 12:
        starts.append(i)
for i in rng.sample(starts, 12):
    head = b"\n".join(lines[:i]) + b"\n" + lines[i][:rng.randrange(5, 20)]
    add("trace-dumpcut-%d" % i, head, {5}, True)
trace_lines = [i for i, ln in enumerate(lines[:NB]) if ln.startswith(b"TRACE +")]
# impossible stamps: negative, not a number, absurdly large
for i in rng.sample(trace_lines, 6):
    for stamp in (b"+-1.000", b"+x.000", b"+1e9", b"+99999999999999999999.000", b"+2000000.000"):
        l2 = list(lines[:NB])
        l2[i] = re.sub(rb"^TRACE \+[0-9.]+", b"TRACE " + stamp, l2[i])
        add("trace-stamp-%d-%s" % (i, stamp.decode()[1:5]), b"\n".join(l2) + b"\n", {4}, True)
# bad hex digits and wrong byte counts in dumps
for i in rng.sample(starts, 10):
    l2 = list(lines[:NB])
    l2[i] = l2[i][:6] + b"zz" + l2[i][8:]
    # a garbled dump line ends its dump there: the dump is short (a note, a gap), the rest decodes
    add("trace-badhex-%d" % i, b"\n".join(l2) + b"\n", {5}, True)
writes = [i for i in trace_lines if re.search(rb"(Write|Read) [0-9]+ bytes", lines[i])]
for i in rng.sample(writes, 10):
    l2 = list(lines[:NB])
    l2[i] = re.sub(rb"(Write|Read) ([0-9]+)", lambda m: m.group(1) + b" " + str(int(m.group(2)) + 7).encode(), l2[i])
    add("trace-count-%d" % i, b"\n".join(l2) + b"\n", {4, 5}, True)
# non-UTF-8 text where esptool prints text, and in the ASCII column of dumps
for i in rng.sample(range(NB), 14):
    l2 = list(lines[:NB])
    junk = bytes(rng.choice([0x80, 0xC0, 0xC3, 0xED, 0xF5, 0xFE, 0xFF]) for _ in range(rng.randrange(1, 6)))
    l2[i] = l2[i] + (b" | " if not b"|" in l2[i] else b"") + junk
    add("trace-nonutf8-%d" % i, b"\n".join(l2) + b"\n", {0, 4}, True)
add("trace-nonutf8-banner", b"esptool.py v4\xff\xfe.12\n" + base.split(b"\n", 1)[1], {0}, False)
add("trace-nul", base.replace(b"Connecting", b"Conn\x00ecting"), {0, 4}, True)
add("trace-crlf", base.replace(b"\n", b"\r\n"), {0}, False)
add("trace-no-newline", base.rstrip(b"\n"), {0, 5}, True)
add("trace-long-line", base[:400] + b"x" * 300000 + b"\n" + base[400:], {0, 4, 5}, True)
add("trace-only-header", b"esptool.py v4.12.0\nTRACE +0.000 Write 46 bytes: \n", {5}, True)

# ---- binary garbage and other non-captures
for n in (1, 2, 7, 64, 1000, 4096, 65536):
    add("garbage-%d" % n, bytes(rng.randrange(256) for _ in range(n)), {4}, False)
for magic in (b"\x0a\x0d\x0d\x0a", b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4"):
    for n in (0, 20, 300):
        add("garbage-magic-%s-%d" % (magic.hex(), n), magic + bytes(rng.randrange(256) for _ in range(n)), {4, 5}, False)
add("zeros", bytes(4096), {4}, False)
add("ones", b"\xff" * 4096, {4}, False)
add("utf16-text", "TRACE +0.000 Write 1 bytes: c0\n".encode("utf-16"), {4}, False)
add("empty", b"", {4}, False)

# ---- run
passed = failed = 0
first_fail = []


def fail(msg):
    global failed
    failed += 1
    if len(first_fail) < int(os.environ.get("SHOW_FAILS", "40")):
        first_fail.append(msg)


def run(path, args, valgrind=False):
    out = path + ".jsonl"
    cmd = [ESPTAP, "decode", "-q", "-j", out] + args + [path]
    if valgrind:
        cmd = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=all",
               "--show-leak-kinds=all"] + cmd
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stderr.decode("utf-8", "replace"), out


seen_codes = {}
for name, path, allowed, loc, args in cases:
    rc, err, out = run(path, args)
    seen_codes[rc] = seen_codes.get(rc, 0) + 1
    errl = err.splitlines()
    why = None
    if rc not in allowed:
        why = "exit %d, expected %s" % (rc, sorted(allowed))
    elif rc == 0 and err:
        why = "exit 0 but stderr: %s" % err[:200]
    elif rc != 0 and len(errl) != 1:
        why = "%d stderr lines: %s" % (len(errl), err[:300])
    elif rc != 0 and not errl[0].startswith("esptap: %s: " % path):
        why = "stderr does not name the file: %s" % errl[0]
    elif rc != 0 and loc and not LOC.search(errl[0]):
        why = "stderr names no byte, line or frame: %s" % errl[0]
    if why is None and os.path.exists(out):
        data = open(out, "rb").read()
        if data and not data.endswith(b"\n"):
            why = "JSON Lines output does not end on a whole line"
        else:
            try:
                for ln in data.decode("utf-8").splitlines():
                    json.loads(ln)
            except (UnicodeDecodeError, ValueError) as e:
                why = "JSON Lines output invalid: %s" % e
    if why:
        fail("%s: %s" % (os.path.basename(path), why))
    else:
        passed += 1

every = int(os.environ.get("VALGRIND_EVERY", "16"))
vg = 0
if os.environ.get("VALGRIND", "1") != "0":
    from concurrent.futures import ThreadPoolExecutor

    def under_valgrind(c):
        name, path, allowed, loc, args = c
        rc0, _, _ = run(path, args)
        rc, err, _ = run(path, args, valgrind=True)
        return path, rc0, rc, err

    sample = cases[::every]
    with ThreadPoolExecutor(max_workers=2) as ex:  # the machine's two cores, no more
        for path, rc0, rc, err in ex.map(under_valgrind, sample):
            vg += 1
            if rc != rc0 or "==" in err:
                fail("%s: under valgrind: exit %d (natively %d): %s" % (os.path.basename(path), rc, rc0, err[-600:]))
            else:
                passed += 1

for m in first_fail:
    print("FAIL " + m)
print("%d malformed inputs generated, %d decoded natively, %d under valgrind; exit codes seen: %s" %
      (len(cases), len(cases), vg, ", ".join("%d x%d" % kv for kv in sorted(seen_codes.items()))))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed or len(cases) < 200 else 0)
