#!/bin/sh
# hostile_mem.sh: memory stays bounded on hostile input: a frame that never ends, a million unanswered
# requests, a deflate bomb in FLASH_DEFL_DATA. Each is decoded with --stats; peak RSS must stay under
# 32 MB and the decode must say what it saw.
set -u
: "${top_srcdir:?run through make check}" "${ESPTAP:?run through make check}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esptap-hostile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { d=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $d"; fi; }
limit=32768
python3 - "$tmp" <<'PY'
import struct, sys, zlib
out = sys.argv[1]
def slip(p):
    return b"\xc0" + p.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc") + b"\xc0"
def cmd(op, data, ck=0):
    return slip(struct.pack("<BBHI", 0, op, len(data), ck) + data)
# 1. a frame that opens and never closes: 40 MB without another 0xC0
with open(out + "/endless.bin", "wb") as f:
    f.write(b"\xc0\x01\x08")
    chunk = bytes((i * 7) % 192 for i in range(1 << 20))  # never 0xC0 (< 192)
    for _ in range(40):
        f.write(chunk)
# 2. a million READ_REGs nobody answers
rr = cmd(0x0A, struct.pack("<I", 0x40001000))
with open(out + "/requests.bin", "wb") as f:
    f.write(rr * 1000000)
# 3. a deflate bomb: 24 blocks of 16 KB that each inflate to ~16 MB of zeros
z = zlib.compressobj(9)
stream = z.compress(bytes(400 << 20)) + z.flush()
blocks = [stream[i:i + 0x4000] for i in range(0, len(stream), 0x4000)]
with open(out + "/bomb.bin", "wb") as f:
    f.write(cmd(0x10, struct.pack("<IIII", 400 << 20, len(blocks), 0x4000, 0x10000)))
    for seq, b in enumerate(blocks):
        ck = 0xEF
        for x in b:
            ck ^= x
        f.write(cmd(0x11, struct.pack("<IIII", len(b), seq, 0, 0) + b, ck))
PY
rss() { sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p' "$1"; }
for c in endless:c2h requests:h2c bomb:h2c; do
	n=${c%%:*} d=${c#*:}
	rc=0
	"$ESPTAP" decode --stats --format raw --dir "$d" -j "$tmp/$n.jsonl" "$tmp/$n.bin" 2>"$tmp/$n.err" || rc=$?
	r=$(rss "$tmp/$n.err")
	echo "$n: exit $rc, peak RSS ${r:-?} KiB"
	check "$n: decoded (exit 0 or 5)" [ "$rc" -eq 0 ] || [ "$rc" -eq 5 ]
	check "$n: peak RSS under $limit KiB" [ -n "$r" ] && [ "$r" -lt "$limit" ]
	check "$n: the JSON Lines file ends with its summary" sh -c "tail -n 1 '$tmp/$n.jsonl' | grep -q '\"type\":\"summary\"'"
done
check "endless: the frame is cut at the limit and flagged" grep -q '"truncated"' "$tmp/endless.jsonl"
check "requests: a million commands counted" \
	sh -c "tail -n 1 '$tmp/requests.jsonl' | grep -q '\"commands\":1000000,'"
check "requests: every one a timeout but the last (still waiting at the end)" \
	[ "$(grep -c '"type":"timeout"' "$tmp/requests.jsonl")" -ge 999999 ]
check "bomb: all 400 MB inflated and hashed, nothing kept" \
	sh -c "tail -n 1 '$tmp/bomb.jsonl' | grep -q '\"bytes_written\":419430400'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -eq 13 ]
