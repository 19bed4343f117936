#!/bin/sh
# replay_rfc2217.sh: replays the RFC 2217 corpus through the Telnet parser's fuzz target (chunking, bounds).
set -e
out=$("$top_builddir/fuzz-replay-rfc2217" "$top_srcdir/tests/fuzz/corpus/rfc2217")
echo "$out"
echo "checked: every input in tests/fuzz/corpus/rfc2217 parses identically in any chunking, within bounds"
