#!/bin/sh
# consistency.sh: what a release promises agrees with itself: `esptap --version` says
# configure.ac's version, the CHANGELOG and debian/changelog know that version, the man
# page has a section (opening `.B esptap VERB`) for every verb `esptap --help` lists, and
# the bash completion offers every verb.
set -u
: "${top_srcdir:?}" "${ESPTAP:?}"
pass=0 fail=0
check() { d=$1; shift; if "$@"; then echo "ok   $d"; pass=$((pass + 1)); else echo "FAIL $d"; fail=$((fail + 1)); fi; }

ver=$(sed -n 's/^AC_INIT(\[esptap\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
out=$("$ESPTAP" --version); rc=$?
check "esptap --version: '$out' (exit $rc), configure.ac says $ver" [ "$rc" -eq 0 ] && [ "$out" = "esptap $ver" ]
check "CHANGELOG.md has a section for $ver" grep -q "^## \[$ver\]" "$top_srcdir/CHANGELOG.md"
deb=$(sed -n '1s/^esptap (\([^)]*\)).*/\1/p' "$top_srcdir/debian/changelog")
check "debian/changelog's version ($deb) is $ver" [ "$deb" = "$ver" ]
check "debian/source/format is 3.0 (native)" grep -qx '3.0 (native)' "$top_srcdir/debian/source/format"
check "debian/control uses debhelper compat 13" grep -q 'debhelper-compat (= 13)' "$top_srcdir/debian/control"
verbs=$("$ESPTAP" --help | sed -n '/^verbs:/,/^$/s/^  \([a-z0-9]*\) .*/\1/p')
check "esptap --help lists verbs ($(echo $verbs))" [ -n "$verbs" ]
for v in $verbs; do
	check "man page: a section for '$v'" grep -Eq "^\.B esptap $v( |\$)" "$top_srcdir/docs/esptap.1"
	check "completion offers '$v'" grep -q "compgen -W \"[^\"]*\\b$v\\b" "$top_srcdir/tools/completion/esptap"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 5 ]
