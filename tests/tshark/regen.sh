#!/bin/sh
# regen.sh: rewrite tests/tshark/expected/ from today's dissector; read the diff before committing.
#   top_srcdir=. ESPTAP=build/esptap sh tests/tshark/regen.sh
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
ESPTAP=${ESPTAP:-$top_srcdir/build/esptap}
. "$top_srcdir/tests/tshark/lib.sh"
mkdir -p "$TS_DIR/expected"
for name in esp32-clean-flash esp8266-session timeout brownout baud-mismatch checksum-error; do
	fields_of "$top_srcdir/captures/$name.pcapng" >"$TS_DIR/expected/$name.fields"
done
for name in esp8266-session checksum-error; do
	json_of "$top_srcdir/captures/$name.pcapng" >"$TS_DIR/expected/$name.json"
done
echo "regen: tests/tshark/expected/ rewritten"
