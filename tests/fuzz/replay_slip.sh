#!/bin/sh
# replay_slip.sh: replays the SLIP fuzz corpus through the deframer's fuzz target (losslessness, chunking).
set -e
out=$("$top_builddir/fuzz-replay-slip" "$top_srcdir/tests/fuzz/corpus/slip")
echo "$out"
echo "checked: every input in tests/fuzz/corpus/slip deframes identically in any chunking and losslessly"
