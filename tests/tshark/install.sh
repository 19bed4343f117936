#!/bin/sh
# install.sh: `make install` puts the dissector in the Lua plugin folder and the extcap link in
# the extcap folder named by WIRESHARK_PLUGIN_DIR / WIRESHARK_EXTCAP_DIR (here a personal
# Wireshark configuration under DESTDIR-free temporary folders), and tshark then uses both
# without -X: it decodes a capture and lists the extcap interfaces.
. "$top_srcdir/tests/tshark/lib.sh"
plug="$WORK/plugins"
ext="$XDG_CONFIG_HOME/wireshark/extcap"
make -s -C "${top_builddir:?}" install-data-am install-extcap prefix="$WORK/prefix" \
	WIRESHARK_PLUGIN_DIR="$plug" WIRESHARK_EXTCAP_DIR="$ext" >"$WORK/make.log" 2>&1 \
	|| { bad "make install failed:"; cat "$WORK/make.log"; }
cmp -s "$plug/esptap.lua" "$LUA" && ok "esptap.lua installed in WIRESHARK_PLUGIN_DIR" || bad "no esptap.lua in $plug"
[ "$(readlink "$ext/esptap")" = "$WORK/prefix/bin/esptap" ] && ok "extcap link to \$(bindir)/esptap" \
	|| bad "extcap link: $(ls -l "$ext" 2>&1)"
# the installed plugin, found by tshark itself (personal Lua plugin folder = ~/.local/lib/wireshark/plugins)
mkdir -p "$WORK/home/.local/lib/wireshark"
ln -s "$plug" "$WORK/home/.local/lib/wireshark/plugins"
n=$(HOME="$WORK/home" tshark -r "$top_srcdir/captures/timeout.pcapng" -Y 'esptap.opname == "SPI_FLASH_MD5"' 2>/dev/null | wc -l)
[ "$n" -gt 0 ] && ok "tshark loads the installed dissector by itself ($n SPI_FLASH_MD5 packets)" || bad "installed dissector not used"
ln -sf "$ESPTAP" "$ext/esptap"
tshark -D 2>/dev/null | grep -q 'esptap-proxy' && ok "tshark -D lists the installed extcap" || bad "extcap not listed"
finish
