#!/bin/sh
# sim_diff.sh: `esptap diff` on real sessions: esptool-js against the simulator with and without
# a fault (the first divergence at the right frames of both captures), esptool 4.12 / 3.3.3 / 5.3.1
# trace logs of the same write, esptool-js writing the same image as those, a file against itself.
. "$top_srcdir/tests/e2e/sim_lib.sh"
S="$top_srcdir/tests/data/samples"
PY=/usr/bin/python3

# jq-like: q FILE EXPR: evaluate a Python expression over the JSON object j in FILE.
q() { $PY -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
# diffj NAME A B: esptap diff --json A B into $WORK/NAME.json, its exit status in DRC.
diffj() { DRC=0; "$ESPTAP" diff --json "$2" "$3" >"$WORK/$1.json" 2>"$WORK/$1.err" || DRC=$?; }
# frame_of JSONL PYCOND: the frame of the first record satisfying PYCOND (over r), from a decoded trace.
frame_of() {
	$PY -c "
import json,sys
for l in open(sys.argv[1]):
    r=json.loads(l)
    if $2:
        print(r['frame']); break" "$1"
}

make_images "$WORK/img" 65536
session() { # NAME FAULT...: esptool-js writes bootloader and app to a fresh ESP32, captured by the sim
	_n=$1; shift
	start_sim "$_n" --chip esp32 -w "$WORK/$_n.pcapng" "$@"
	flash "$_n" write 0x1000="$WORK/img/bl.bin" 0x10000="$WORK/img/app.bin" verify
	stop_sim "$_n"
	"$ESPTAP" decode -q -j "$WORK/$_n.jsonl" "$WORK/$_n.pcapng"
}
session clean
session clean2
session bad --fault error:FLASH_DEFL_DATA:3:0xC1
session drop --fault drop:SPI_FLASH_MD5:2

# A file against itself, and two clean runs (other timestamps, same commands): no difference.
diffj self "$WORK/clean.pcapng" "$WORK/clean.pcapng"
check "self: exit 0" [ "$DRC" -eq 0 ]
check "self: match, no differences" [ "$(q "$WORK/self.json" "j['match'], len(j['differences'])")" = "True 0" ]
rc=0; "$ESPTAP" diff "$S/esptool-clean-write-stub.log" "$S/esptool-clean-write-stub.log" >"$WORK/selft.txt" || rc=$?
check "self (trace log, text): exit 0, says they match" sh -c "[ $rc -eq 0 ] && grep -q '^-- sessions match: 0 errors, 0 warnings, 0 info' '$WORK/selft.txt'"
diffj twice "$WORK/clean.pcapng" "$WORK/clean2.pcapng"
check "two clean runs (other timestamps): exit 0, match" [ "$DRC $(q "$WORK/twice.json" "j['match']")" = "0 True" ]

# The checksum fault: the stub rejects the 3rd data block; esptool-js sends it again.
diffj bad "$WORK/clean.pcapng" "$WORK/bad.pcapng"
check "fault: exit 1" [ "$DRC" -eq 1 ]
fa=$(frame_of "$WORK/clean.jsonl" "r.get('op')=='FLASH_DEFL_DATA' and r['type']=='command' and r['fields'].get('region')==1")
fb=$($PY -c "
import json,sys
for l in open(sys.argv[1]):
    r=json.loads(l)
    if r['type']=='response' and r.get('error')==193: print(r['reply_to']); break" "$WORK/bad.jsonl")
echo "  expected first divergence: A frame $fa, B frame $fb"
check "fault: first divergence is the rejected block, at A frame $fa and B frame $fb" \
	[ "$(q "$WORK/bad.json" "j['first']['a_frame'], j['first']['b_frame']")" = "$fa $fb" ]
check "fault: it is an error on the answer, BAD_DATA_CHECKSUM in B" \
	[ "$(q "$WORK/bad.json" "[(d['level'],d['kind'],d['a'],d['b']) for d in j['differences'] if d['level']=='error']")" = "[('error', 'answer', 'ok', 'BAD_DATA_CHECKSUM')]" ]
check "fault: the resend is reported" grep -q '"field":"retries","a":"0","b":"1"' "$WORK/bad.json"
rc=0; "$ESPTAP" diff "$WORK/clean.pcapng" "$WORK/bad.pcapng" >"$WORK/bad.txt" || rc=$?
check "fault (text): exit 1, the verdict names both frames" \
	sh -c "[ $rc -eq 1 ] && grep -q 'first divergence at A frame $fa, B frame $fb' '$WORK/bad.txt'"
check "fault (text): no colour when not a terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$WORK/bad.txt'"
"$ESPTAP" diff --color always "$WORK/clean.pcapng" "$WORK/bad.pcapng" >"$WORK/badc.txt" || true
check "fault (text): colour with --color always" grep -q "$(printf '\033')\[1;31merror" "$WORK/badc.txt"

# The dropped answer: the second SPI_FLASH_MD5 times out in B.
diffj drop "$WORK/clean.pcapng" "$WORK/drop.pcapng"
da=$($PY -c "
import json,sys
n=0
for l in open(sys.argv[1]):
    r=json.loads(l)
    if r['type']=='command' and r.get('op')=='SPI_FLASH_MD5':
        n+=1
        if n==2: print(r['frame']); break" "$WORK/clean.jsonl")
db=$(frame_of "$WORK/drop.jsonl" "r['type']=='timeout' and r.get('op')=='SPI_FLASH_MD5'")
check "drop: exit 1, first divergence at the unanswered SPI_FLASH_MD5 (A $da, B $db)" \
	[ "$DRC $(q "$WORK/drop.json" "j['first']['a_frame'], j['first']['b_frame'], j['first']['text'].split()[0]")" = "1 $da $db SPI_FLASH_MD5" ]
check "drop: B's answer is a timeout" grep -q '"kind":"answer","what":"SPI_FLASH_MD5","field":"status","a":"ok","b":"timeout"' "$WORK/drop.json"

# esptool 4.12, 3.3.3 and 5.3.1 writing the same image: aligned, no error; 4.12 and 5.3.1 match.
diffj v45 "$S/esptool-clean-write-stub.log" "$S/esptool-clean-write-stub-5.3.1.log"
check "4.12 vs 5.3.1: exit 0 (only benign differences)" [ "$DRC" -eq 0 ]
check "4.12 vs 5.3.1: compressed vs plain is info" \
	[ "$(q "$WORK/v45.json" "[(d['level'],d['a'],d['b']) for d in j['differences'] if d['field']=='op'][0]")" = "('info', 'FLASH_DEFL_BEGIN', 'FLASH_BEGIN')" ]
check "4.12 vs 5.3.1: another stub build is info" grep -q '"level":"info","kind":"param","what":"stub"' "$WORK/v45.json"
for pair in "stub stub-3.3.3" "stub-3.3.3 stub-5.3.1"; do
	set -- $pair
	diffj "v$1$2" "$S/esptool-clean-write-$1.log" "$S/esptool-clean-write-$2.log"
	check "$1 vs $2: no error, the data runs aligned" [ "$(q "$WORK/v$1$2.json" \
		"j['errors'], any(d['kind'].startswith('only') and 'DATA' in d['what'] for d in j['differences'])")" = "0 False" ]
done
"$ESPTAP" decode -q -j "$WORK/v333.jsonl" "$S/esptool-clean-write-stub-3.3.3.log"
check "4.12 vs 3.3.3: warns that only 4.12 sends SPI_SET_PARAMS (3.3.3 has none)" sh -c \
	"grep -q '\"kind\":\"only-a\",\"what\":\"SPI_SET_PARAMS\"' '$WORK/vstubstub-3.3.3.json' && ! grep -q '\"op\":\"SPI_SET_PARAMS\"' '$WORK/v333.jsonl'"
check "4.12 vs 3.3.3: SYNC retries are info" grep -q '"level":"info","kind":"count","what":"connect","field":"syncs","a":"1","b":"3"' "$WORK/vstubstub-3.3.3.json"

# esptool-js writes the image the esptool samples wrote (taken from the 5.3.1 trace) to the simulator.
"$ESPTAP" decode -q -w "$WORK/s531.pcapng" "$S/esptool-clean-write-stub-5.3.1.log"
$PY "$E2E/pcapng_bytes.py" "$WORK/s531.pcapng" h2c | $PY "$E2E/diff_image.py" >"$WORK/img64.bin"
check "the samples' image extracted (MD5 as the chip reported it)" \
	[ "$(md5sum <"$WORK/img64.bin" | cut -d' ' -f1)" = 176bd1ac063ad8ed29b586bb782c9dd8 ]
start_sim js --chip esp32 -w "$WORK/js.pcapng"
flash js --trace write 0x10000="$WORK/img64.bin" verify
stop_sim js
# The same session seen twice: esptool-js's own trace log and the simulator's capture.
diffj jsself "$WORK/js.out" "$WORK/js.pcapng"
check "esptool-js trace vs the capture of the same session: exit 0, no warning" \
	[ "$DRC $(q "$WORK/jsself.json" "j['a']['format'], j['warnings'], j['errors']")" = "0 esptool-js-trace 0 0" ]
for v in stub stub-5.3.1; do
	diffj "js$v" "$S/esptool-clean-write-$v.log" "$WORK/js.pcapng"
	check "esptool $v vs esptool-js: no error, same data written, data runs aligned" [ "$(q "$WORK/js$v.json" \
		"j['errors'], any(d['kind']=='region' or (d['kind'].startswith('only') and 'DATA' in d['what']) for d in j['differences'])")" = "0 False" ]
done
"$ESPTAP" decode -q -j "$WORK/js.jsonl" "$WORK/js.pcapng"
check "esptool vs esptool-js: warns that esptool-js sends no SPI_SET_PARAMS (it has none)" sh -c \
	"[ $DRC -eq 1 ] && grep -q '\"kind\":\"only-a\",\"what\":\"SPI_SET_PARAMS\"' '$WORK/jsstub-5.3.1.json' && ! grep -q '\"op\":\"SPI_SET_PARAMS\"' '$WORK/js.jsonl'"

# Bad input: documented exit codes.
rc=0; "$ESPTAP" diff "$WORK/clean.pcapng" 2>/dev/null || rc=$?
check "one input: exit 2" [ "$rc" -eq 2 ]
rc=0; "$ESPTAP" diff "$WORK/clean.pcapng" "$WORK/nonexistent" 2>"$WORK/e3" || rc=$?
check "missing input: exit 3, one line naming it" sh -c "[ $rc -eq 3 ] && [ \$(wc -l <'$WORK/e3') -eq 1 ] && grep -q nonexistent '$WORK/e3'"
printf 'hello\n' >"$WORK/junk.txt"
rc=0; "$ESPTAP" diff "$WORK/junk.txt" "$WORK/clean.pcapng" 2>/dev/null || rc=$?
check "unknown format: exit 4" [ "$rc" -eq 4 ]
head -c 50000 "$WORK/bad.pcapng" >"$WORK/cut.pcapng"
rc=0; "$ESPTAP" diff "$WORK/clean.pcapng" "$WORK/cut.pcapng" >"$WORK/cut.txt" 2>/dev/null || rc=$?
check "input cut short: exit 5, compared up to the cut" sh -c "[ $rc -eq 5 ] && grep -q 'cut short' '$WORK/cut.txt'"

# The verb's options: each long option of cmd_diff.c is in `esptap diff --help` and in the man page's DIFF section.
opts=$(grep -o '{"[a-z0-9-]*", *[a-z_]*argument' "$top_srcdir/src/cli/cmd_diff.c" | sed 's/{"\([^"]*\)".*/\1/' | grep -v '^help$\|^colour$' | sort -u)
"$ESPTAP" diff --help >"$WORK/help.txt"
man_diff=$(sed -n '/^\.SH DIFF$/,/^\.SH /p' "$top_srcdir/docs/esptap.1" | tr -d '\\')
miss=""
for o in $opts; do
	grep -q -- "--$o" "$WORK/help.txt" || miss="$miss help:--$o"
	echo "$man_diff" | grep -q -- "--$o" || miss="$miss man:--$o"
done
check "diff --help and the man page list every option ($(echo $opts))${miss:+, missing:$miss}" [ -n "$opts" -a -z "$miss" ]
check "esptap --help lists diff" sh -c "'$ESPTAP' --help | grep -q '^  diff '"
finish 31
