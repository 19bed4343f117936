#!/bin/sh
# replay_trace.sh: replays the trace-log fuzz corpus through the importer's fuzz target.
set -e
out=$("$top_builddir/fuzz-replay-trace" "$top_srcdir/tests/fuzz/corpus/trace")
echo "$out"
echo "checked: every input in tests/fuzz/corpus/trace imports or fails cleanly, bytes bounded, times monotonic"
