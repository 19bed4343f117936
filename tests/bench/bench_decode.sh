#!/bin/sh
# bench_decode.sh: decode throughput on a ~256 MB generated capture, against md5sum over
# the images it carries (a floor: decode must at least hash every byte), plus peak memory.
#   run by 'make bench' from the build directory; BENCH_MB=N for another size.
set -eu
top_builddir=${top_builddir:-$PWD}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
ESPTAP=${ESPTAP:-$top_builddir/esptap}
mb=${BENCH_MB:-256}
make -s -C "$top_builddir" esptap tests/bench/gencap >/dev/null
tmp=$(mktemp -d /tmp/esptap-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/img"
"$top_builddir/tests/bench/gencap" "$tmp/cap.pcapng" "$tmp/img" "$mb"
cap_bytes=$(wc -c <"$tmp/cap.pcapng")
img_bytes=$(cat "$tmp"/img/*.bin | wc -c)
# Warm the page cache so both runs read from memory.
cat "$tmp/cap.pcapng" "$tmp"/img/*.bin >/dev/null

now() { date +%s.%N; }
t0=$(now)
"$ESPTAP" decode -q --stats -j /dev/null "$tmp/cap.pcapng" 2>"$tmp/stats"
t1=$(now)
md5sum "$tmp"/img/*.bin >/dev/null
t2=$(now)
# Peak memory from decode's own --stats (getrusage): no extra package needed.
rss="$(sed -n 's/.*peak RSS \([0-9]*\) KiB.*/\1/p' "$tmp/stats") KiB"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v cap="$cap_bytes" -v img="$img_bytes" -v rss="$rss" 'BEGIN {
	d = b - a; m = c - b
	printf "capture: %.1f MB, images: %.1f MB\n", cap / 1048576, img / 1048576
	printf "esptap decode -q -j /dev/null: %.2f s, %.1f MB/s of capture\n", d, cap / 1048576 / d
	printf "md5sum of the images:          %.2f s, %.1f MB/s\n", m, img / 1048576 / m
	printf "ratio esptap/md5sum (time):    %.2f\n", d / m
	printf "peak RSS of decode:            %s\n", rss
}'
grep -q "peak RSS" "$tmp/stats" || { echo "bench: decode --stats printed nothing" >&2; exit 1; }
