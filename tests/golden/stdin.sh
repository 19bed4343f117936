#!/bin/sh
# stdin.sh: decode reads standard input, pipes and FIFOs (format detected without rewinding) and gives the
# same records as from the file; with -j/-w to files the text view is off unless --text.
set -u
: "${top_srcdir:?run through make check}" "${ESPTAP:?run through make check}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esptap-stdin.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { d=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $d"; fi; }
same() { cmp -s "$1" "$2"; }
strip() { grep -v '"type":"session"' "$1"; } # the session record names the source

for f in "$top_srcdir/captures/esp32-clean-flash.pcapng" "$top_srcdir/captures/timeout.pcapng" \
	"$top_srcdir/tests/data/samples/esptool-clean-write-stub.log" \
	"$top_srcdir/tests/data/samples/esptool-read-flash.log"; do
	b=$(basename "$f")
	"$ESPTAP" decode -j "$tmp/file.jsonl" "$f" >"$tmp/file.out"
	check "$b: -j to a file prints nothing on stdout" [ ! -s "$tmp/file.out" ]
	"$ESPTAP" decode --text -j "$tmp/text.jsonl" "$f" >"$tmp/text.out"
	check "$b: --text prints the text view too" [ "$(wc -l <"$tmp/text.out")" -gt 10 ]
	"$ESPTAP" decode "$f" >"$tmp/plain.out"
	check "$b: --text output is the plain text view" same "$tmp/text.out" "$tmp/plain.out"
	cat "$f" | "$ESPTAP" decode -j "$tmp/pipe.jsonl" -
	strip "$tmp/file.jsonl" >"$tmp/a"; strip "$tmp/pipe.jsonl" >"$tmp/b"
	check "$b: from a pipe, the same records" same "$tmp/a" "$tmp/b"
	check "$b: the session names stdin" grep -q '"source":"-"' "$tmp/pipe.jsonl"
	gzip -c "$f" | gzip -dc | "$ESPTAP" decode - >"$tmp/zcat.out"
	check "$b: zcat | decode - gives the text view" same "$tmp/zcat.out" "$tmp/plain.out"
	rm -f "$tmp/fifo"; mkfifo "$tmp/fifo"
	cat "$f" >"$tmp/fifo" &
	"$ESPTAP" decode "$tmp/fifo" >"$tmp/fifo.out"
	wait
	check "$b: from a FIFO, the same text" same "$tmp/fifo.out" "$tmp/plain.out"
done
rc=0
printf 'not a capture\n' | "$ESPTAP" decode - 2>"$tmp/err" || rc=$?
check "garbage on stdin: exit 4" [ "$rc" -eq 4 ]
check "garbage on stdin: the error names stdin" grep -q '^esptap: stdin: no known format' "$tmp/err"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -eq 30 ]
