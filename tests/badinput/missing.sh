#!/bin/sh
# missing.sh: inputs that cannot be read, outputs that cannot be written, bad command lines.
. "$top_srcdir/tests/badinput/lib.sh"

run_decode "$tmp/no-such-file.log"
expect "nonexistent input" 3 "$tmp/no-such-file.log" "No such file"

mkdir "$tmp/adir"
run_decode "$tmp/adir"
expect "a directory as input" 3 "$tmp/adir"

run_decode -q -j "$tmp/no-dir/out.jsonl" "$sample"
expect "JSON output in a missing directory" 3 "$tmp/no-dir/out.jsonl"

run_decode -q -w "$tmp/adir" "$sample"
expect "pcapng output onto a directory" 3 "$tmp/adir"

run_decode --format nonsense "$sample"
[ "$rc" = 2 ] && [ "$errlines" = 1 ] && ok "bad --format: exit 2, '$err'" || bad "bad --format: exit $rc: $err"
run_decode --linktype 1 "$sample"
[ "$rc" = 2 ] && [ "$errlines" = 1 ] && ok "bad --linktype: exit 2, '$err'" || bad "bad --linktype: exit $rc: $err"
run_decode
[ "$rc" = 2 ] && ok "no input: exit 2" || bad "no input: exit $rc"
run_decode --help
[ "$rc" = 0 ] && grep -q -- "--format" "$tmp/out" && ok "--help: exit 0, lists --format" || bad "--help: exit $rc"
finish
