# live_lib.sh: helpers for the live capture tests (sourced after sim_lib.sh).
# start_proxy NAME ARGS...: esptap proxy in the background, its pty at $WORK/esp.NAME.
start_proxy() {
	_pn=$1; shift
	"$ESPTAP" proxy --link "$WORK/esp.$_pn" -q "$@" >"$WORK/$_pn.proxylog" 2>&1 &
	eval "PROXY_PID_$_pn=$!"
	SIM_PIDS="$SIM_PIDS $!"
	i=0
	while [ ! -L "$WORK/esp.$_pn" ]; do
		i=$((i + 1))
		if [ $i -gt 400 ]; then echo "e2e: proxy $_pn did not start:"; cat "$WORK/$_pn.proxylog"; return 1; fi
		sleep 0.05
	done
}

# stop_pid PID SIGNAL: signal it, wait up to 10 s, then SIGKILL it (a process that ignored the
# signal must fail the test, not hang it); its exit status.
stop_pid() {
	kill "-$2" "$1" 2>/dev/null
	_si=0
	while kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]; do
		_si=$((_si + 1))
		if [ $_si -gt 200 ]; then echo "e2e: pid $1 ignored SIG$2 for 10 s: killed"; kill -KILL "$1"; break; fi
		sleep 0.05
	done
	wait "$1" 2>/dev/null
}

# stop_proxy NAME [SIGNAL]: signal it, wait, PROXY_RC holds its exit status.
stop_proxy() {
	eval "pid=\$PROXY_PID_$1"
	stop_pid "$pid" "${2:-TERM}"
	PROXY_RC=$?
}

# same_transactions CAPTURE.jsonl REFERENCE.jsonl
same_transactions() { /usr/bin/python3 "$E2E/live_compare.py" "$1" "$2"; }

# tshark_reads FILE: tshark opens the capture and prints at least one packet.
tshark_reads() { [ "$(tshark -r "$1" 2>/dev/null | wc -l)" -gt 0 ]; }

# jl_has FILE PATTERN
jl_has() { grep -q -- "$2" "$1"; }

# start_rfc NAME ARGS...: esptap rfc2217 on a free loopback port; RFC_URL_NAME holds its URL.
start_rfc() {
	_rn=$1; shift
	"$ESPTAP" rfc2217 --listen 127.0.0.1:0 -q "$@" >"$WORK/$_rn.rfclog" 2>&1 &
	eval "RFC_PID_$_rn=$!"
	SIM_PIDS="$SIM_PIDS $!"
	i=0
	while ! grep -q 'rfc2217://' "$WORK/$_rn.rfclog"; do
		i=$((i + 1))
		if [ $i -gt 400 ]; then echo "e2e: rfc2217 $_rn did not start:"; cat "$WORK/$_rn.rfclog"; return 1; fi
		sleep 0.05
	done
	eval "RFC_URL_$_rn=$(sed -n 's/.*\(rfc2217:\/\/[0-9.:]*\).*/\1/p' "$WORK/$_rn.rfclog")"
}

stop_rfc() {
	eval "pid=\$RFC_PID_$1"
	stop_pid "$pid" "${2:-TERM}"
	RFC_RC=$?
}

# wait_for SECONDS COMMAND...: poll (every 50 ms) until COMMAND succeeds; 1 if it never did.
wait_for() {
	_wl=$(($1 * 20)); shift
	_wi=0
	until "$@"; do
		_wi=$((_wi + 1))
		[ $_wi -le $_wl ] || return 1
		sleep 0.05
	done
}
