#!/bin/sh
# make-captures.sh: regenerate captures/*.pcapng from simulator runs driven by esptool-js.
#   tools/make-captures.sh [NAME...]  (uses ./build/esptap, or $ESPTAP; NAMEs: only those captures)
# Every capture is recorded by `esptap sim -w` with --redact-stub, so the stub
# esptool-js uploads (third-party code) is replaced by zero filler of the same
# length with a valid checksum. Images are generated from a fixed seed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ESPTAP=${ESPTAP:-$top/build/esptap}
E2E=$top/tests/e2e
OUT=$top/captures
[ -x "$ESPTAP" ] || { echo "make-captures: build esptap first ($ESPTAP)" >&2; exit 1; }
[ -d "$E2E/node_modules/esptool-js" ] || (cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error)
ONLY="$*"
WORK=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT

# Deterministic images: a bootloader with a valid header (DIO, one segment) and an app.
python3 - "$WORK" <<'PY'
import random, struct, sys
d = sys.argv[1]
r = random.Random(20260101)
seg = bytes(r.getrandbits(8) for _ in range(0x1000))
hdr = bytes([0xE9, 1, 2, 0x20]) + struct.pack("<I", 0x40080000) + bytes(16)
bl = hdr + struct.pack("<II", 0x3FFB0000, len(seg)) + seg
open(f"{d}/bl.bin", "wb").write(bl + bytes(r.getrandbits(8) for _ in range(8192 - len(bl))))
open(f"{d}/pt.bin", "wb").write(bytes(r.getrandbits(8) for _ in range(3072)))
open(f"{d}/app.bin", "wb").write(bytes(r.getrandbits(8) for _ in range(32768)))
PY

# capture NAME "SIM ARGS" FLASHER ARGS...
capture() {
	name=$1 simargs=$2
	shift 2
	if [ -n "$ONLY" ]; then case " $ONLY " in *" $name "*) ;; *) return 0 ;; esac; fi
	rm -f "$OUT/$name.pcapng" "$WORK/tty"
	# shellcheck disable=SC2086
	"$ESPTAP" sim --link "$WORK/tty" --redact-stub -w "$OUT/$name.pcapng" $simargs >"$WORK/sim.log" 2>&1 &
	PID=$!
	i=0
	while [ ! -L "$WORK/tty" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "make-captures: sim did not start" >&2; cat "$WORK/sim.log" >&2; exit 1; }
		sleep 0.05
	done
	rc=0
	node "$E2E/flasher.mjs" --port "$WORK/tty" "$@" >"$WORK/flasher.log" 2>&1 || rc=$?
	sleep 0.2
	kill -TERM "$PID"
	wait "$PID" || true
	PID=""
	printf '%-22s flasher exit %d: %s (%s bytes)\n' "$name.pcapng" "$rc" "$(tail -1 "$WORK/flasher.log")" \
		"$(wc -c <"$OUT/$name.pcapng")"
}

capture esp32-clean-flash "--chip esp32" --baud 921600 \
	write 0x1000="$WORK/bl.bin" 0x8000="$WORK/pt.bin" 0x10000="$WORK/app.bin" verify
capture esp8266-session "--chip esp8266" write 0x0="$WORK/bl.bin" 0x10000="$WORK/app.bin" verify
capture timeout "--chip esp32 --fault drop:SPI_FLASH_MD5:1" write 0x8000="$WORK/pt.bin" verify
capture brownout "--chip esp32 --fault brownout:FLASH_DEFL_DATA:2" write 0x10000="$WORK/app.bin"
capture baud-mismatch "--chip esp32 --fault ignore-baud" --baud 921600 write 0x8000="$WORK/pt.bin"
# bits flipped on the line (seeded): a MEM_DATA block reaches the ROM damaged, which answers
# status 1,7 (checksum error), and the flasher gives up
capture checksum-error "--chip esp32 --fault noise:2e-5:3" write 0x10000="$WORK/app.bin"

# No stub bytes may remain: look for a slice of each stub in every capture.
node --input-type=module - "$OUT" <<'JS'
import { readFileSync, readdirSync } from "node:fs";
const out = process.argv[2];
let bad = 0;
const stubdir = new URL("../tests/e2e/node_modules/esptool-js/lib/targets/stub_flasher/", "file://" + out + "/");
for (const chip of ["esp32", "esp8266"]) {
  const j = JSON.parse(readFileSync(new URL(`${chip}.json`, stubdir)));
  const text = Buffer.from(j.text, "base64");
  // A slice with no 0xC0/0xDB: SLIP escaping leaves it as it is on the wire.
  let at = 0;
  while (text.subarray(at, at + 32).some((b) => b === 0xc0 || b === 0xdb)) at++;
  const probe = text.subarray(at, at + 32);
  for (const f of readdirSync(out).filter((n) => n.endsWith(".pcapng"))) {
    if (readFileSync(`${out}/${f}`).includes(probe)) {
      console.error(`make-captures: ${f} still holds ${chip} stub code`);
      bad++;
    }
  }
}
if (bad) process.exit(1);
console.log("make-captures: no stub code in any capture");
JS
