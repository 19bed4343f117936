#!/bin/sh
# replay_pcap.sh: replays the pcap/pcapng fuzz corpus through the reader's fuzz target.
set -e
out=$("$top_builddir/fuzz-replay-pcap" "$top_srcdir/tests/fuzz/corpus/pcap")
echo "$out"
echo "checked: every input in tests/fuzz/corpus/pcap reads or fails cleanly, units inside their packets"
