#!/bin/sh
# live_faults.sh: the live verbs' faults, one clear line and a documented exit status each:
# missing port (6), link path taken (6, nothing created), busy port (6, naming the holder),
# permission denied (6, naming the group), the port vanishing mid-session (7, files valid).
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"

"$ESPTAP" proxy --port "$WORK/nope" --link "$WORK/l1" -w "$WORK/l1.pcapng" >"$WORK/f1.out" 2>&1
rc=$?
check "missing port: exit 6 ($rc)" [ "$rc" -eq 6 ]
check "missing port: the message names it" grep -q "$WORK/nope: no such port" "$WORK/f1.out"
check "missing port: no link, no capture left" [ ! -e "$WORK/l1" ] && [ ! -e "$WORK/l1.pcapng" ]

start_sim a --chip esp32
touch "$WORK/taken"
"$ESPTAP" proxy --port "$WORK/tty.a" --link "$WORK/taken" -w "$WORK/l2.pcapng" >"$WORK/f2.out" 2>&1
rc=$?
check "link taken: exit 6 ($rc)" [ "$rc" -eq 6 ]
check "link taken: says so" grep -q "link path already exists" "$WORK/f2.out"
check "link taken: the file is untouched, no capture" [ -f "$WORK/taken" ] && [ ! -e "$WORK/l2.pcapng" ]

# permission: a tty node owned by group dialout, 0660, opened as nobody (the link goes to a
# world-writable folder so only the port can be refused)
mknod "$WORK/ttyFAKE" c 4 64
chgrp dialout "$WORK/ttyFAKE"; chmod 660 "$WORK/ttyFAKE"
chmod 755 "$WORK"; mkdir -m 1777 "$WORK/pub"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$ESPTAP" proxy --port "$WORK/ttyFAKE" --link "$WORK/pub/l3" >"$WORK/f3.out" 2>&1
rc=$?
check "permission denied: exit 6 ($rc)" [ "$rc" -eq 6 ]
check "permission denied: names the group" grep -q "group 'dialout'" "$WORK/f3.out"

# busy: another process holds the same tty open (found by scanning /proc/*/fd)
sleep 100 <"$WORK/ttyFAKE" &
HOLD=$!
SIM_PIDS="$SIM_PIDS $HOLD"
sleep 0.1
"$ESPTAP" proxy --port "$WORK/ttyFAKE" --link "$WORK/l4" >"$WORK/f4.out" 2>&1
rc=$?
kill $HOLD
check "busy port: exit 6 ($rc)" [ "$rc" -eq 6 ]
check "busy port: names the holder" grep -q "held open by process $HOLD (sleep)" "$WORK/f4.out"

# unplug: kill the sim serving the pty mid-session
start_proxy u --port "$WORK/tty.a" -w "$WORK/u.pcapng" -j "$WORK/u.jsonl"
node "$E2E/flasher.mjs" --port "$WORK/esp.u" detect >"$WORK/u.out" 2>&1
eval "kill -KILL \$SIM_PID_a"
eval "pid=\$PROXY_PID_u"
wait "$pid"; rc=$?
check "port vanished: exit 7 ($rc)" [ "$rc" -eq 7 ]
check "port vanished: says so" grep -q "went away" "$WORK/u.proxylog"
check "port vanished: JSON Lines closed with a summary" sh -c "tail -1 '$WORK/u.jsonl' | grep -q '\"type\":\"summary\"'"
check "port vanished: tshark reads the pcapng" tshark_reads "$WORK/u.pcapng"

# SIGKILL: the pcapng is readable up to its last whole block
start_sim k --chip esp32
start_proxy k --port "$WORK/tty.k" -w "$WORK/k.pcapng"
node "$E2E/flasher.mjs" --port "$WORK/esp.k" detect >"$WORK/k.out" 2>&1
sleep 0.3
stop_proxy k KILL
check "SIGKILL: tshark reads what was written" tshark_reads "$WORK/k.pcapng"
finish 15
