#!/bin/sh
# live_ports.sh: `esptap ports` against this machine's own sysfs: -j is a JSON array holding
# every tty that /sys/class/tty gives a device (less 8250 slots with no UART), each by its
# /dev path; while a background process holds one open, both forms name its pid and name, and
# once it is gone nobody is named. Uses /dev/ttyS0 when it can be opened, else the first
# listed port that can, and says which.
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"

"$ESPTAP" ports -j >"$WORK/p.json" 2>"$WORK/p.err"
rc=$?
check "ports -j exits 0 ($rc)" [ "$rc" -eq 0 ]
listed=$(/usr/bin/python3 -c 'import json,sys; print(" ".join(p["port"] for p in json.load(open(sys.argv[1]))))' "$WORK/p.json")
check "ports -j prints a JSON array of objects with a port each" [ $? -eq 0 ]
# what sysfs itself says: ttys with a device, less 8250 slots whose UART type is 0
expected=""
for d in /sys/class/tty/*/device; do
	[ -e "$d" ] || continue
	n=$(basename "$(dirname "$d")")
	t="/sys/class/tty/$n/type"
	if [ -f "$t" ] && [ "$(cat "$t")" = 0 ]; then continue; fi
	expected="$expected /dev/$n"
done
expected=$(echo $expected | tr ' ' '\n' | sort | tr '\n' ' ')
listed_s=$(echo $listed | tr ' ' '\n' | sort | tr '\n' ' ')
echo "  sysfs lists: $expected"
echo "  esptap lists: $listed_s"
check "ports -j lists exactly the ports sysfs has" [ -n "$expected" ] && [ "$expected" = "$listed_s" ]

# the port to hold: ttyS0 when it opens, else the first listed one that does
dev=""
for c in /dev/ttyS0 $listed; do
	case " $listed " in *" $c "*) ;; *) continue ;; esac
	if (: <"$c") 2>/dev/null; then dev=$c; break; fi
	echo "  $c is listed but cannot be opened here"
done
if [ -z "$dev" ]; then
	bad "no listed port can be opened on this machine (listed: $listed)"
	finish 99
	exit 1
fi
[ "$dev" = /dev/ttyS0 ] || echo "  /dev/ttyS0 cannot be used here: holding $dev instead"
echo "  holding $dev"

# live_faults.sh holds the same device (a node with ttyS0's numbers): one holder at a time
LOCK=/tmp/esptap-e2e-tty-4-64.lock
exec 9>"$LOCK"
flock -w 300 9 || { bad "could not take $LOCK in 300 s"; finish 99; exit 1; }
sleep 60 <"$dev" &
HOLD=$!
SIM_PIDS="$SIM_PIDS $HOLD"
# wait until the holder really has it open (fd 0 points at the device)
i=0
while [ "$(readlink "/proc/$HOLD/fd/0" 2>/dev/null)" != "$dev" ]; do
	i=$((i + 1))
	[ $i -le 200 ] || break
	sleep 0.05
done
# another checkout's tests may hold the same device for a moment: ask again a few times
for try in 1 2 3 4 5; do
	"$ESPTAP" ports -j >"$WORK/h.json"
	"$ESPTAP" ports >"$WORK/h.txt"
	held=$(/usr/bin/python3 -c '
import json, sys
for p in json.load(open(sys.argv[1])):
    if p["port"] == sys.argv[2]:
        h = p["held_by"]
        print("none" if h is None else "%d %s" % (h["pid"], h["comm"]))' "$WORK/h.json" "$dev")
	[ "$held" = "$HOLD sleep" ] && break
	echo "  try $try: ports named '$held', not $HOLD"
	sleep 0.5
done
sed 's/^/  | /' "$WORK/h.txt"
check "ports -j names the holder of $dev: pid $HOLD, sleep ($held)" [ "$held" = "$HOLD sleep" ]
check "ports (text) names it too" grep -q "^$dev .*held by $HOLD (sleep)" "$WORK/h.txt"
kill $HOLD
wait $HOLD 2>/dev/null
"$ESPTAP" ports -j >"$WORK/f.json"
exec 9>&-
free=$(/usr/bin/python3 -c '
import json, sys
print([p["held_by"] for p in json.load(open(sys.argv[1])) if p["port"] == sys.argv[2]])' "$WORK/f.json" "$dev")
check "once the holder is gone, nobody is named ($free)" [ "$free" = "[None]" ]
"$ESPTAP" ports --bogus >/dev/null 2>&1
check "an unknown option: usage error, exit 2" [ $? -eq 2 ]
finish 7
