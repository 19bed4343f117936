#!/bin/sh
# build-deb.sh [OUTDIR]: builds the Debian package (debian/, debhelper 13) from a clean copy
# of this checkout's committed tree (the source tree itself stays unconfigured, so out-of-tree
# builds keep working), then lists what it installs. Needs debhelper and the Build-Depends.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
ver=$(sed -n '1s/^esptap (\([^)]*\)).*/\1/p' "$top/debian/changelog")
work=$(mktemp -d /tmp/esptap-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/esptap-$ver"
git -C "$top" archive --format=tar HEAD | tar -xf - -C "$work/esptap-$ver"
(cd "$work/esptap-$ver" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
	{ tail -40 "$work/build.log"; exit 1; }
mkdir -p "$out"
cp "$work"/*.deb "$out/"
deb="$out/esptap_${ver}_$(dpkg --print-architecture).deb"
dpkg-deb -c "$deb" | awk '{print $6}' | grep -v '/$'
echo "built $deb"
