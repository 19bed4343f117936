#!/bin/sh
# battery.sh: ~400 generated malformed inputs through decode (tests/badinput/battery.py), a sample under Valgrind.
set -u
: "${top_srcdir:?}" "${ESPTAP:?}"
tmp=$(mktemp -d /tmp/esptap-battery.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
command -v valgrind >/dev/null || { echo "FAIL valgrind is not installed (tools/setup.sh installs it)"; exit 1; }
/usr/bin/python3 "$top_srcdir/tests/badinput/battery.py" "$tmp"
