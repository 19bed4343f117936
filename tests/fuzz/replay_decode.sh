#!/bin/sh
# replay_decode.sh: replays the decoder fuzz corpus through the decoder's fuzz target (no crash, no sanitizer report).
set -e
out=$("$top_builddir/fuzz-replay-decode" "$top_srcdir/tests/fuzz/corpus/decode")
echo "$out"
echo "checked: every input in tests/fuzz/corpus/decode decodes without a crash"
