#!/bin/sh
# outfile.sh: -w/-j never write through a symlink, never clobber a file that is not plainly ours (write/outfile.h).
. "$top_srcdir/tests/badinput/lib.sh"

# A symlink planted at the output path, pointing at someone's file: refused, one line, exit 3, target untouched.
for opt in -w -j; do
	echo "precious $opt" >"$tmp/victim"
	ln -sf "$tmp/victim" "$tmp/link$opt"
	run_decode -q "$opt" "$tmp/link$opt" "$sample"
	expect "decode $opt through a symlink" 3 "$tmp/link$opt" "symbolic link"
	[ "$(cat "$tmp/victim")" = "precious $opt" ] && ok "decode $opt: the symlink's target is untouched" ||
		bad "decode $opt: the symlink's target was written: $(head -c 80 "$tmp/victim")"
	run_decode -q --force "$opt" "$tmp/link$opt" "$sample"
	expect "decode --force $opt through a symlink" 3 "$tmp/link$opt" "symbolic link"
	[ "$(cat "$tmp/victim")" = "precious $opt" ] && ok "decode --force $opt: target still untouched" ||
		bad "decode --force $opt: the symlink's target was written"
done
# A dangling symlink (the classic /tmp race: the file does not exist yet) is refused too.
ln -s "$tmp/not-yet" "$tmp/dangling"
run_decode -q -j "$tmp/dangling" "$sample"
expect "decode -j to a dangling symlink" 3 "$tmp/dangling" "symbolic link"
[ ! -e "$tmp/not-yet" ] && ok "dangling symlink: nothing created at its target" || bad "dangling symlink: its target was created"

# Our own regular file: written again (a rerun with the same -w), same bytes as the first time.
run_decode -q -w "$tmp/mine.pcapng" -j "$tmp/mine.jsonl" "$sample"
cp "$tmp/mine.pcapng" "$tmp/first.pcapng"
echo "longer garbage that must not survive at the end of the file ............................" >>"$tmp/mine.jsonl"
run_decode -q -w "$tmp/mine.pcapng" -j "$tmp/mine.jsonl" "$sample"
if [ "$rc" = 0 ] && cmp -s "$tmp/mine.pcapng" "$tmp/first.pcapng" && ! grep -q garbage "$tmp/mine.jsonl"; then
	ok "rerun over our own files: exit 0, rewritten from the start"
else
	bad "rerun over our own files: exit $rc, $err"
fi

# A file with a second hard link (could be someone's file linked into /tmp): refused unless --force.
ln "$tmp/mine.jsonl" "$tmp/hardlink.jsonl"
before=$(cksum <"$tmp/mine.jsonl")
run_decode -q -j "$tmp/hardlink.jsonl" "$sample"
expect "decode -j over a file with two links" 3 "$tmp/hardlink.jsonl" "hard links.*--force"
[ "$(cksum <"$tmp/mine.jsonl")" = "$before" ] && ok "hard-linked file untouched" || bad "hard-linked file changed"
run_decode -q --force -j "$tmp/hardlink.jsonl" "$sample"
[ "$rc" = 0 ] && ok "--force overwrites the hard-linked file" || bad "--force over a hard link: exit $rc: $err"

# Another user's file (needs root to make one): refused unless --force.
if [ "$(id -u)" = 0 ]; then
	echo theirs >"$tmp/theirs.jsonl"
	chown 65534 "$tmp/theirs.jsonl"
	run_decode -q -j "$tmp/theirs.jsonl" "$sample"
	expect "decode -j over another user's file" 3 "$tmp/theirs.jsonl" "another user"
	[ "$(cat "$tmp/theirs.jsonl")" = theirs ] && ok "another user's file untouched" || bad "another user's file changed"
else
	# not root: another user's file cannot be made here; a file we cannot open for writing stands in
	echo theirs >"$tmp/theirs.jsonl"; chmod 0444 "$tmp/theirs.jsonl"
	run_decode -q -j "$tmp/theirs.jsonl" "$sample"
	expect "decode -j over a read-only file" 3 "$tmp/theirs.jsonl"
fi

# Streams are fine: /dev/null takes a capture without --force.
run_decode -q -w /dev/null -j /dev/null "$sample"
[ "$rc" = 0 ] && ok "-w /dev/null -j /dev/null: exit 0" || bad "-w /dev/null: exit $rc: $err"

# The live verbs and sim go through the same door.
ln -sf "$tmp/victim" "$tmp/simlink"
echo precious >"$tmp/victim"
timeout 10 "$ESPTAP" sim --chip esp32 --link "$tmp/tty" -j "$tmp/simlink" >"$tmp/out" 2>"$tmp/err"
rc=$?; err=$(cat "$tmp/err"); errlines=$(wc -l <"$tmp/err")
expect "sim -j through a symlink" 3 "$tmp/simlink" "symbolic link"
timeout 10 "$ESPTAP" proxy --port sim:esp32 --link "$tmp/tty2" -w "$tmp/simlink" >"$tmp/out" 2>"$tmp/err"
rc=$?; err=$(cat "$tmp/err"); errlines=$(wc -l <"$tmp/err")
expect "proxy -w through a symlink" 3 "$tmp/simlink" "symbolic link"
[ "$(cat "$tmp/victim")" = precious ] && ok "live verbs: the symlink's target is untouched" || bad "live verbs wrote through the symlink"
[ ! -e "$tmp/tty" ] && [ ! -e "$tmp/tty2" ] && ok "no link left behind after the refusal" || bad "a pty link was left behind"
finish
