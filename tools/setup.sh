#!/usr/bin/env bash
# setup.sh: install what is missing, build esptap, then run the demo, the tests or the benchmarks.
#   tools/setup.sh demo | check | bench
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
what=${1:-demo}

pkgs=(build-essential autoconf automake pkg-config libserialport-dev libpcap-dev libjansson-dev
      zlib1g-dev tshark socat python3-serial python3-jsonschema clang libclang-rt-14-dev procps)
pkgs+=(valgrind) # tests/badinput/battery.sh
command -v node >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}" >&2
	sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ -f tests/e2e/package-lock.json ] && [ ! -d tests/e2e/node_modules ]; then
	(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

[ -x configure ] || autoreconf -fi >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -j"$(nproc)" >/dev/null

case "$what" in
demo)
	exec make -s demo ;;
check)
	rc=0
	make -j"$(nproc)" check || rc=$?
	if [ -n "${ESPTAP_SANITIZE:-1}" ] && [ "${ESPTAP_SANITIZE:-1}" != 0 ]; then
		# Once more under ASan and UBSan: the unit, golden, bad-input and fuzz-replay tests.
		mkdir -p "$top/build-san" && cd "$top/build-san"
		[ -f Makefile ] || ../configure -q CC=clang CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
		make -j"$(nproc)" >/dev/null
		make -j"$(nproc)" check-sanitize || rc=$?
		cd "$top/build"
	fi
	pass=0; fail=0
	for log in "$top/build/test-suite.log" "$top/build-san/test-suite.log"; do
		[ -f "$log" ] || continue
		p=$(sed -n 's/^# PASS: *//p' "$log" | head -1); f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
		e=$(sed -n 's/^# ERROR: *//p' "$log" | head -1); x=$(sed -n 's/^# XPASS: *//p' "$log" | head -1)
		pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0} + ${e:-0} + ${x:-0}))
	done
	[ "$rc" = 0 ] || [ "$fail" -gt 0 ] || fail=1
	echo "$pass passed, $fail failed"
	exit "$rc" ;;
bench)
	exec make bench ;;
*)
	echo "usage: tools/setup.sh demo|check|bench" >&2; exit 2 ;;
esac
