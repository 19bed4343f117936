#!/bin/sh
# pty_perms.sh: the ptys esptap publishes are no wider than the port behind them: 0600 (owner
# only, not the devpts default 0620 group tty) for sim: ports and ptys, the port's group and
# 0660 when the real port lets its group in.
. "$top_srcdir/tests/e2e/sim_lib.sh"
. "$top_srcdir/tests/e2e/live_lib.sh"

mode() { stat -L -c %a "$1"; }
grp() { stat -L -c %g "$1"; }

start_sim p --chip esp32
check "sim --link: the pty is 0600 ($(mode "$WORK/tty.p"))" [ "$(mode "$WORK/tty.p")" = 600 ]

start_proxy a --port sim:esp32
check "proxy on sim:: the pty is 0600 ($(mode "$WORK/esp.a"))" [ "$(mode "$WORK/esp.a")" = 600 ]
stop_proxy a

# A pty standing in for a real port, made 0600: the proxy's pty is no wider.
chmod 0600 "$WORK/tty.p"
start_proxy b --port "$WORK/tty.p"
check "proxy on a 0600 port: 0600 ($(mode "$WORK/esp.b"))" [ "$(mode "$WORK/esp.b")" = 600 ]
stop_proxy b

# The real port lets its group in (0660, like /dev/ttyUSB0 root:dialout): same group, 0660.
g=$(getent group dialout | cut -d: -f3)
g=${g:-20}
chgrp "$g" "$WORK/tty.p" && chmod 0660 "$WORK/tty.p"
start_proxy c --port "$WORK/tty.p"
check "proxy on a 0660 port of group $g: 0660 ($(mode "$WORK/esp.c"))" [ "$(mode "$WORK/esp.c")" = 660 ]
check "... and the port's group ($(grp "$WORK/esp.c"))" [ "$(grp "$WORK/esp.c")" = "$g" ]
stop_proxy c

# A flasher can still use it: esptool-js through the 0600 proxy pty.
start_proxy d --port sim:esp32
node "$E2E/flasher.mjs" --port "$WORK/esp.d" detect >"$WORK/d.out" 2>&1
rc=$?
check "esptool-js detects the chip through the 0600 pty" [ "$rc" -eq 0 ]
stop_proxy d
stop_sim p
finish 6
