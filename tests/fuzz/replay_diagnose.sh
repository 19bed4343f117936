#!/bin/sh
# replay_diagnose.sh: replays the diagnosis fuzz corpus (boot logs, baud garbage, frames) through the whole pipeline and the analyzers.
set -e
out=$("$top_builddir/fuzz-replay-diagnose" "$top_srcdir/tests/fuzz/corpus/diagnose")
echo "$out"
echo "checked: every input in tests/fuzz/corpus/diagnose is analysed without a crash, findings bounded"
