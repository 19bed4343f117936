#!/bin/bash
# completion.sh: the bash completion offers the verbs and each verb's options from its --help.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
pass=0 fail=0
check() { if [ "$2" = "$3" ]; then pass=$((pass + 1)); echo "ok: $1"; else fail=$((fail + 1)); echo "FAIL: $1: got '$2', want '$3'"; fi; }
. "$top_srcdir/tools/completion/esptap"
complete_line() { # words...: sets COMPREPLY for the last word
	COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _esptap
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
check "verbs" "$(complete_line "$ESPTAP" de)" "decode"
check "decode --form" "$(complete_line "$ESPTAP" decode --form)" "--format"
check "decode --forc (from --help)" "$(complete_line "$ESPTAP" decode --forc)" "--force"
check "sim --fa" "$(complete_line "$ESPTAP" sim --fa)" "--fault"
check "proxy --li" "$(complete_line "$ESPTAP" proxy --li)" "--link --linktype"
check "decode --format VALUE" "$(complete_line "$ESPTAP" decode --format p)" "pcap"
check "sim --chip VALUE" "$(complete_line "$ESPTAP" sim --chip esp32s)" "esp32s2 esp32s3"
check "diff verb" "$(complete_line "$ESPTAP" dif)" "diff"
check "di: diagnose and diff" "$(complete_line "$ESPTAP" di)" "diagnose diff"
check "diff --"  "$(complete_line "$ESPTAP" diff --j)" "--json"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -eq 10 ]
