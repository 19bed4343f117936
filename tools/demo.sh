#!/usr/bin/env bash
# demo.sh: a real third-party flasher (Espressif's esptool-js) flashes esptap's
# built-in simulated ESP32 through esptap's pty proxy (`esptap run`, DTR/RTS
# forwarded, so its default reset really puts the chip in download mode), and
# esptap shows the decoded trace as it happens.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
esptap=${ESPTAP:-$PWD/esptap}
out=${DEMO_DIR:-$PWD/demo}
e2e=$top/tests/e2e
[ -d "$e2e/node_modules/esptool-js" ] || (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error)
mkdir -p "$out"

# Images made here, never someone's firmware: a bootloader with a valid image
# header (magic 0xE9, 1 segment, DIO, 4MB/40m) and a 256 KB application.
{ printf '\xe9\x01\x02\x20\x00\x00\x08\x40'; head -c 16376 /dev/urandom; } >"$out/bootloader.bin"
{ printf '\xe9\x01\x02\x20\x00\x00\x08\x40'; head -c 262136 /dev/urandom; } >"$out/app.bin"

echo "== esptap run --port sim:esp32 -w demo.pcapng -j demo.jsonl -- node tests/e2e/flasher.mjs --port {port} --baud 921600 --before default_reset write 0x1000=bootloader.bin 0x10000=app.bin verify"
echo
rc=0
"$esptap" run --port sim:esp32 -w "$out/demo.pcapng" -j "$out/demo.jsonl" -- \
	sh -c 'exec node "$0" --port "$1" --baud 921600 --before default_reset write 0x1000="$2" 0x10000="$3" verify >"$4" 2>&1' \
	"$e2e/flasher.mjs" {port} "$out/bootloader.bin" "$out/app.bin" "$out/flasher.log" || rc=$?
echo
echo "== esptool-js said: $(grep -v '^Writing at' "$out/flasher.log" | tail -n 1) (exit $rc; full log in $out/flasher.log)"
echo "== capture: $out/demo.pcapng (pcapng, docs/linktype.md)   trace: $out/demo.jsonl (JSON Lines)"
echo "== again, offline: esptap decode $out/demo.pcapng"
echo "== diagnosis (esptap diagnose $out/demo.pcapng):"
"$esptap" diagnose "$out/demo.pcapng" || true
echo "== for a bug report: esptap report --redact $out/demo.pcapng; in Wireshark: tshark -X lua_script:dissectors/esptap.lua -r $out/demo.pcapng"
exit "$rc"
