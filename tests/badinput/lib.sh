# lib.sh: shared checks for the bad-input tests (sourced, not run).
set -u
: "${top_srcdir:?}" "${ESPTAP:?}"
tmp=$(mktemp -d /tmp/esptap-badinput.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ] && [ "$pass" -gt 0 ]; }
sample=$top_srcdir/tests/data/samples/esptool-clean-write-stub.log

# run_decode ARGS...: runs decode; sets rc, err (stderr text), errlines.
run_decode() {
	"$ESPTAP" decode "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	err=$(cat "$tmp/err")
	errlines=$(wc -l <"$tmp/err")
}

# expect WHAT RC PATH [PATTERN]: exit status RC, exactly one stderr line starting
# "esptap: PATH: " (and matching the extended regex PATTERN, if given).
expect() {
	what=$1 want=$2 path=$3 pat=${4:-}
	if [ "$rc" != "$want" ]; then bad "$what: exit $rc, expected $want (stderr: $err)"; return; fi
	if [ "$errlines" != 1 ]; then bad "$what: $errlines stderr lines, expected 1: $err"; return; fi
	case $err in
	"esptap: $path: "*) ;;
	*) bad "$what: stderr does not start with 'esptap: $path: ': $err"; return ;;
	esac
	if [ -n "$pat" ] && ! printf '%s\n' "$err" | grep -Eq "$pat"; then
		bad "$what: stderr does not match /$pat/: $err"; return
	fi
	ok "$what: exit $rc, '$err'"
}

# valid_jsonl WHAT FILE: the file is valid JSON Lines per the schema and ends with a summary.
valid_jsonl() {
	if /usr/bin/python3 "$top_srcdir/tests/golden/validate-jsonl.py" "$top_srcdir/docs/trace.schema.json" "$2" \
		>"$tmp/val" 2>&1; then
		ok "$1: $(cat "$tmp/val")"
	else
		bad "$1: JSON Lines written before the fault is not valid: $(head -5 "$tmp/val")"
	fi
}
