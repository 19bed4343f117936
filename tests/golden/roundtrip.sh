#!/bin/sh
# roundtrip.sh: a sample decoded to pcapng, that pcapng decoded to pcapng again: the
# packets (EPBs) must be byte-identical and the JSON records the same; tshark must read
# the pcapng and count one packet per unit record.
set -u
: "${top_srcdir:?}" "${ESPTAP:?}"
tmp=$(mktemp -d /tmp/esptap-roundtrip.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/xdg"
pass=0; fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

# The EPBs of a pcapng, after its SHB and IDB, as one hex string per packet.
epbs() {
	/usr/bin/python3 - "$1" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
off = 0
while off + 12 <= len(b):
    t, n = struct.unpack_from("<II", b, off)
    if t == 6:
        print(b[off:off + n].hex())
    off += n
PY
}

n=0
for f in "$top_srcdir"/tests/data/samples/*.log; do
	[ -f "$f" ] || continue
	c=$(basename "$f" .log)
	n=$((n + 1))
	"$ESPTAP" decode -q -w "$tmp/$c.1.pcapng" -j "$tmp/$c.1.jsonl" "$f" 2>"$tmp/$c.err" \
		|| { bad "$c: decode of the trace failed: $(cat "$tmp/$c.err")"; continue; }
	"$ESPTAP" decode -q -w "$tmp/$c.2.pcapng" -j "$tmp/$c.2.jsonl" "$tmp/$c.1.pcapng" 2>"$tmp/$c.err" \
		|| { bad "$c: decode of its pcapng failed: $(cat "$tmp/$c.err")"; continue; }
	epbs "$tmp/$c.1.pcapng" >"$tmp/$c.1.epb"
	epbs "$tmp/$c.2.pcapng" >"$tmp/$c.2.epb"
	units=$(grep -c '"type":"\(command\|response\|raw\|event\)"' "$tmp/$c.1.jsonl")
	epbn=$(wc -l <"$tmp/$c.1.epb")
	if [ "$units" -gt 0 ] && [ "$epbn" = "$units" ] && cmp -s "$tmp/$c.1.epb" "$tmp/$c.2.epb"; then
		ok "$c: $epbn packets, identical after a pcapng round trip"
	else
		bad "$c: packets differ after the round trip ($epbn and $(wc -l <"$tmp/$c.2.epb") EPBs, $units unit records)"
	fi
	# Records and summary must not change; the session line names another source.
	if [ "$(sed 1d "$tmp/$c.1.jsonl" | md5sum)" = "$(sed 1d "$tmp/$c.2.jsonl" | md5sum)" ]; then
		ok "$c: $(($(wc -l <"$tmp/$c.1.jsonl") - 1)) JSON records and summary identical"
	else
		bad "$c: JSON records differ:"; diff "$tmp/$c.1.jsonl" "$tmp/$c.2.jsonl" | head -10
	fi
	if tshark -r "$tmp/$c.1.pcapng" -c 5 >/dev/null 2>"$tmp/$c.tserr"; then
		tn=$(tshark -r "$tmp/$c.1.pcapng" -T fields -e frame.number 2>/dev/null | wc -l)
		if [ "$tn" = "$units" ]; then ok "$c: tshark reads $tn packets"; else bad "$c: tshark counts $tn packets, expected $units"; fi
		# JSON `frame` N is Wireshark's packet N: same time, and the packet's comment names the op.
		tshark -r "$tmp/$c.1.pcapng" -T fields -e frame.number -e frame.time_relative -e frame.comment \
			>"$tmp/$c.tsf" 2>/dev/null
		if msg=$(/usr/bin/python3 - "$tmp/$c.tsf" "$tmp/$c.1.jsonl" <<'PY'
import json, sys
pk = {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    pk[int(f[0])] = (float(f[1]), f[2] if len(f) > 2 else "")
n = 0
for line in open(sys.argv[2]):
    r = json.loads(line)
    if r["type"] not in ("command", "response", "raw", "event"):
        continue
    n += 1
    f = r["frame"]
    if f != n or f not in pk:
        sys.exit(f"record {n} has frame {f}")
    t, comment = pk[f]
    if abs(t - r["t"]) > 1e-6:
        sys.exit(f"frame {f}: t {r['t']} in JSON, {t} in the pcapng")
    if r["type"] in ("command", "response") and not comment.startswith(r["op"]):
        sys.exit(f"frame {f}: op {r['op']} in JSON, packet comment '{comment}'")
print(n)
PY
		); then ok "$c: JSON frame numbers are the pcapng's packet numbers ($msg units)"; else bad "$c: $msg"; fi
	else
		bad "$c: tshark cannot read the pcapng: $(head -3 "$tmp/$c.tserr")"
	fi
done
[ "$n" -gt 0 ] || bad "no sample traces found"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
