#!/bin/sh
# live_faults.sh: the live verbs' faults, one clear line and a documented exit status each:
# missing port (6), link path taken (6, nothing created), busy port (6, naming the holder),
# permission denied (6, naming the group; -w/-j files hold it as a finding), the port vanishing mid-session under proxy and under
# run (7, files valid), SIGKILL (pcapng readable), SIGINT (9, files valid).
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
setpriv --reuid=nobody --regid=nogroup --clear-groups "$ESPTAP" proxy --port "$WORK/ttyFAKE" --link "$WORK/pub/l3" \
	-j "$WORK/pub/l3.jsonl" >"$WORK/f3.out" 2>&1
rc=$?
check "permission denied: exit 6 ($rc)" [ "$rc" -eq 6 ]
check "permission denied: names the group" grep -q "group 'dialout'" "$WORK/f3.out"
check "permission denied: the trace asked for holds the finding port-permission, naming the group" \
	sh -c "tail -1 '$WORK/pub/l3.jsonl' | grep -q '\"code\":\"port-permission\",\"severity\":\"error\",\"frames\":\[[0-9]*\],\"summary\":\"[^\"]*group .dialout.'"

# busy: another process holds the same tty open (found by scanning /proc/*/fd); live_ports.sh
# holds ttyS0 (these numbers) too, and checks who holds it: one holder at a time
exec 9>/tmp/esptap-e2e-tty-4-64.lock
flock -w 300 9 || bad "could not take /tmp/esptap-e2e-tty-4-64.lock in 300 s"
sleep 100 <"$WORK/ttyFAKE" &
HOLD=$!
SIM_PIDS="$SIM_PIDS $HOLD"
i=0
while [ "$(readlink "/proc/$HOLD/fd/0" 2>/dev/null)" != "$WORK/ttyFAKE" ] && [ $i -lt 200 ]; do i=$((i + 1)); sleep 0.05; done
"$ESPTAP" proxy --port "$WORK/ttyFAKE" --link "$WORK/l4" -w "$WORK/l4.pcapng" >"$WORK/f4.out" 2>&1
rc=$?
"$ESPTAP" diagnose "$WORK/l4.pcapng" >"$WORK/f4.diag" 2>&1
drc=$?
kill $HOLD
wait $HOLD 2>/dev/null
exec 9>&-
check "busy port: exit 6 ($rc)" [ "$rc" -eq 6 ]
check "busy port: names the holder" grep -q "held open by process $HOLD (sleep)" "$WORK/f4.out"
check "busy port: the capture asked for is diagnosed port-busy, naming the holder (exit $drc)" \
	sh -c "[ $drc -eq 1 ] && grep -q '^error *port-busy: .*held open by process $HOLD (sleep)' '$WORK/f4.diag'"

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
"$ESPTAP" diagnose "$WORK/u.pcapng" >"$WORK/u.diag" 2>&1
check "port vanished: the diagnosis says port-vanished, naming the port" \
	grep -q "^error *port-vanished: $WORK/tty.a: the port went away" "$WORK/u.diag"

# run, unplugged: the sim serving run's --port dies while the flasher is between commands
start_sim v --chip esp32
"$ESPTAP" run --port "$WORK/tty.v" -q -w "$WORK/v.pcapng" -j "$WORK/v.jsonl" -- \
	sh -c 'node "$1" --port "$2" detect >"$3.out" 2>&1; touch "$3"; exec sleep 120' sh \
	"$E2E/flasher.mjs" '{port}' "$WORK/v.detected" >"$WORK/v.runlog" 2>&1 &
RUN=$!
SIM_PIDS="$SIM_PIDS $RUN"
i=0
while [ ! -e "$WORK/v.detected" ] && [ $i -lt 1200 ]; do i=$((i + 1)); sleep 0.05; done
eval "kill -KILL \$SIM_PID_v"
t0=$(date +%s)
wait $RUN; rc=$?
t1=$(date +%s)
sed 's/^/  [run] /' "$WORK/v.runlog"
check "run: the flasher's detect worked before the unplug" grep -q "detect: ESP32" "$WORK/v.detected.out"
check "run, port vanished: exit 7 ($rc)" [ "$rc" -eq 7 ]
check "run, port vanished: one clear line naming the port" grep -q "^esptap: $WORK/tty.v: the port went away" "$WORK/v.runlog"
check "run, port vanished: ends at once, the flasher stopped ($((t1 - t0)) s)" [ $((t1 - t0)) -le 10 ]
check "run, port vanished: JSON Lines closed with a summary" sh -c "tail -1 '$WORK/v.jsonl' | grep -q '\"type\":\"summary\"'"
check "run, port vanished: the capture holds the detect" jl_has "$WORK/v.jsonl" '"type":"response".*"op":"READ_REG"'
check "run, port vanished: tshark reads the pcapng" tshark_reads "$WORK/v.pcapng"

# SIGKILL: the pcapng is readable up to its last whole block
start_sim k --chip esp32
start_proxy k --port "$WORK/tty.k" -w "$WORK/k.pcapng"
node "$E2E/flasher.mjs" --port "$WORK/esp.k" detect >"$WORK/k.out" 2>&1
# the proxy flushes every 100 ms: wait until packets are on disk, then kill it mid-write if it is
wait_for 20 tshark_reads "$WORK/k.pcapng"
stop_proxy k KILL
check "SIGKILL: tshark reads what was written" tshark_reads "$WORK/k.pcapng"

# SIGINT (Ctrl-C): like SIGTERM, files closed and valid, exit 9
start_sim i --chip esp32
start_proxy i --port "$WORK/tty.i" -w "$WORK/i.pcapng" -j "$WORK/i.jsonl"
node "$E2E/flasher.mjs" --port "$WORK/esp.i" detect >"$WORK/i.out" 2>&1
stop_proxy i INT
check "SIGINT: exit 9 ($PROXY_RC)" [ "$PROXY_RC" -eq 9 ]
check "SIGINT: JSON Lines closed with a summary after the detect" sh -c "grep -q '\"op\":\"READ_REG\"' '$WORK/i.jsonl' && tail -1 '$WORK/i.jsonl' | grep -q '\"type\":\"summary\"'"
check "SIGINT: tshark reads the pcapng" tshark_reads "$WORK/i.pcapng"
finish 25
