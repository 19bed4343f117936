#!/bin/sh
# replay_bootlog.sh: replays the boot-log fuzz corpus (banners, reset causes, crash and error lines, cut in pieces) through the boot-log parser and the diagnosis.
set -e
out=$("$top_builddir/fuzz-replay-bootlog" "$top_srcdir/tests/fuzz/corpus/bootlog")
echo "$out"
echo "checked: every input in tests/fuzz/corpus/bootlog is parsed without a crash, notes and findings well formed"
