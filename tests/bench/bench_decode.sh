#!/bin/sh
# bench_decode.sh: decode throughput and peak memory on generated captures, against md5sum over the
# images they carry (a floor: decode must at least hash every byte), in the same run:
#   1. ~256 MB of sessions each writing a 4 MB image (BENCH_MB);
#   2. ~200 MB of ~2,600 back-to-back sessions each writing three regions of a 64 KB image, as a
#      production line's proxy left running all day (BENCH_SESSIONS_MB): memory must stay flat.
#   run by 'make bench' from the build directory.
set -eu
top_builddir=${top_builddir:-$PWD}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
ESPTAP=${ESPTAP:-$top_builddir/esptap}
make -s -C "$top_builddir" esptap tests/bench/gencap >/dev/null
tmp=$(mktemp -d /tmp/esptap-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
rss_limit_kib=32768

# one NAME MB IMAGE_KB: generate, decode (JSON Lines to /dev/null and to a file), md5sum the images.
one() {
	name=$1 mb=$2 kb=$3
	rm -rf "$tmp/img" "$tmp/cap.pcapng" "$tmp/out.jsonl"
	mkdir "$tmp/img"
	"$top_builddir/tests/bench/gencap" "$tmp/cap.pcapng" "$tmp/img" "$mb" 7 "$kb"
	cap_bytes=$(wc -c <"$tmp/cap.pcapng")
	img_bytes=$(cat "$tmp"/img/*.bin | wc -c)
	cat "$tmp/cap.pcapng" "$tmp"/img/*.bin >/dev/null # page cache: both read from memory
	t0=$(now)
	"$ESPTAP" decode --stats -j /dev/null "$tmp/cap.pcapng" 2>"$tmp/stats"
	t1=$(now)
	cat "$tmp"/img/*.bin | md5sum >/dev/null
	t2=$(now)
	"$ESPTAP" decode --stats -j "$tmp/out.jsonl" "$tmp/cap.pcapng" 2>"$tmp/stats2"
	sessions=$(grep -c '"type":"session_summary"' "$tmp/out.jsonl" || true)
	rss=$(sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p' "$tmp/stats")
	rss2=$(sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p' "$tmp/stats2")
	[ -n "$rss" ] && [ -n "$rss2" ] || { echo "bench: decode --stats printed nothing" >&2; exit 1; }
	awk -v n="$name" -v a="$t0" -v b="$t1" -v c="$t2" -v cap="$cap_bytes" -v img="$img_bytes" \
		-v rss="$rss" -v rss2="$rss2" -v s="$sessions" 'BEGIN {
		d = b - a; m = c - b
		printf "== %s: capture %.1f MB, images %.1f MB, %d session summaries\n", n, cap / 1048576, img / 1048576, s
		printf "esptap decode -j /dev/null:    %.2f s, %.1f MB/s of capture\n", d, cap / 1048576 / d
		printf "md5sum of the images:          %.2f s, %.1f MB/s\n", m, img / 1048576 / m
		printf "ratio esptap/md5sum (time):    %.2f\n", d / m
		printf "peak RSS of decode:            %d KiB (-j to a file: %d KiB)\n", rss, rss2
	}'
	for r in "$rss" "$rss2"; do
		[ "$r" -lt "$rss_limit_kib" ] || { echo "bench: $name: peak RSS $r KiB is over $rss_limit_kib KiB" >&2; exit 1; }
	done
}

one "4 MB images" "${BENCH_MB:-256}" 4096
one "many sessions" "${BENCH_SESSIONS_MB:-200}" 64
