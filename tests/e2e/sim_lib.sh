# sim_lib.sh: shared helpers for the simulator end-to-end tests (sourced, not run).
# Needs top_srcdir, ESPTAP (set by make check). Every helper fails loudly: no skips.
set -u
: "${top_srcdir:?run through make check}" "${ESPTAP:?run through make check}"
E2E="$top_srcdir/tests/e2e"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/esptap-e2e.XXXXXX")
PASS=0 FAIL=0
SIM_PIDS=""

cleanup() {
	for p in $SIM_PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# A read-only source tree (make distcheck, an unpacked tarball installed by root): the
# Node side runs from a copy in the build tree, its node_modules installed there (or linked
# to $ESPTAP_NODE_MODULES, an installed tree of the same package-lock, to spare the network).
if [ ! -w "$E2E" ]; then
	_copy="${top_builddir:?}/tests/e2e-node"
	mkdir -p "$_copy"
	for _f in "$E2E"/*; do
		case $_f in */node_modules) ;; *) cp -p "$_f" "$_copy/" 2>/dev/null; chmod u+w "$_copy/${_f##*/}" ;; esac
	done
	if [ -n "${ESPTAP_NODE_MODULES:-}" ] && [ ! -e "$_copy/node_modules" ]; then
		ln -s "$ESPTAP_NODE_MODULES" "$_copy/node_modules"
	fi
	E2E=$_copy
fi
# make -j runs several e2e tests at once: one npm ci, the others wait for it
# (two at once in the same directory fail with ENOTEMPTY, or run a half-installed tree).
(
	flock 9
	# npm writes node_modules/.package-lock.json once the tree is complete; a package-lock.json
	# changed since (a release line added) installs again.
	if [ ! -f "$E2E/node_modules/.package-lock.json" ] || [ ! -d "$E2E/node_modules/esptool-js" ] ||
		[ "$E2E/package-lock.json" -nt "$E2E/node_modules/.package-lock.json" ]; then
		echo "e2e: installing esptool-js (npm ci) in $E2E"
		(cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error)
	fi
) 9>"${top_builddir:-.}/.e2e-npm-ci.lock"
[ -f "$E2E/node_modules/.package-lock.json" ] || { echo "e2e: npm ci failed"; exit 1; }

ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
# check DESCRIPTION COMMAND...: run the command, count the result.
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }

# start_sim NAME ARGS...: esptap sim on $WORK/tty.NAME; logs in $WORK/NAME.*
start_sim() {
	_sn=$1; shift
	rm -f "$WORK/tty.$_sn"
	"$ESPTAP" sim --link "$WORK/tty.$_sn" "$@" >"$WORK/$_sn.simlog" 2>&1 &
	eval "SIM_PID_$_sn=$!"
	SIM_PIDS="$SIM_PIDS $!"
	i=0
	while [ ! -L "$WORK/tty.$_sn" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then echo "e2e: sim $_sn did not start:"; cat "$WORK/$_sn.simlog"; exit 1; fi
		sleep 0.05
	done
}

# stop_sim NAME: SIGTERM, wait; the sim closes its logs (exit 9 = interrupted, as documented).
stop_sim() {
	eval "pid=\$SIM_PID_$1"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	SIM_RC=$?
}

# flash NAME ARGS...: run the esptool-js driver against sim NAME; output in $WORK/NAME.out, rc in FLASH_RC
# (124 if it hung for FLASH_TIMEOUT seconds, default 600: a hung flasher fails its test, not the suite).
flash() {
	_sn=$1; shift
	FLASH_RC=0
	timeout "${FLASH_TIMEOUT:-600}" node "$E2E/flasher.mjs" --port "$WORK/tty.$_sn" "$@" >"$WORK/$_sn.out" 2>&1 ||
		FLASH_RC=$?
	grep -E '^(flasher|detect|write|read|erase-[a-z]+): ' "$WORK/$_sn.out" | sed "s/^/  [$_sn] /"
}

# make_images DIR APP_BYTES: bootloader (valid 0xE9 header, DIO), partition table, app.
make_images() {
	d=$1 appsz=$2
	mkdir -p "$d"
	# magic E9, 1 segment, mode DIO (2), 4MB/40m (0x20), entry, then 16 bytes of extended header
	printf '\351\001\002\040\000\000\010\100' >"$d/bl.bin"
	head -c 16 /dev/zero >>"$d/bl.bin"
	printf '\000\000\373\077\000\060\000\000' >>"$d/bl.bin" # segment: load 0x3ffb0000, len 0x3000
	head -c $((0x3000)) /dev/urandom >>"$d/bl.bin"
	head -c $((16384 - 0x3000 - 32)) /dev/urandom >>"$d/bl.bin"
	head -c 3072 /dev/urandom >"$d/pt.bin"
	head -c "$appsz" /dev/urandom >"$d/app.bin"
}

# region_is FLASHFILE OFFSET FILE: the flash holds FILE's bytes at OFFSET.
region_is() {
	_len=$(wc -c <"$3")
	tail -c +$(($2 + 1)) "$1" | head -c "$_len" | cmp -s - "$3"
}

# erased FLASHFILE OFFSET SIZE: all 0xFF there.
erased() {
	[ "$(tail -c +$(($2 + 1)) "$1" | head -c $(($3)) | tr -d '\377' | wc -c)" -eq 0 ]
}

out_has() { grep -q -- "$2" "$WORK/$1.out"; }
log_has() { grep -q -- "$2" "$WORK/$1.jsonl"; }

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ] && [ "$PASS" -ge "$1" ]
}
