#!/bin/sh
# guest-fetch.sh - fetch the reference guest kernel (Debian's
# linux-image-cloud-amd64) into a cache outside the source tree and print
# the directory that holds it.  Nothing downloaded is ever committed.
#
#   scripts/guest-fetch.sh            -> prints e.g. ~/.cache/vessel/guest/6.1.0-56-cloud-amd64
#
# The directory then has: vmlinuz, config, System.map, modules/ (the .ko
# files of lib/modules/VER/kernel, uncompressed as Debian ships them).
# Cache: $VESSEL_GUEST_CACHE, else $XDG_CACHE_HOME/vessel/guest, else
# ~/.cache/vessel/guest.  Needs apt-get (Debian's mirror) and dpkg-deb.
set -eu
cache=${VESSEL_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vessel/guest}
mkdir -p "$cache"

pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
if [ -z "$pkg" ]; then
  # No package lists yet, or no network: use whatever is cached.
  last=$(ls -d "$cache"/*-cloud-amd64 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$last" ] && [ -f "$last/vmlinuz" ]; then echo "$last"; exit 0; fi
  echo "guest-fetch: cannot resolve linux-image-cloud-amd64 (run apt-get update as root)" >&2
  exit 1
fi
ver=${pkg#linux-image-}
dir=$cache/$ver
if [ -f "$dir/vmlinuz" ] && [ -d "$dir/modules" ]; then
  echo "$dir"; exit 0
fi

tmp=$(mktemp -d "$cache/.fetch-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>"$tmp/apt.err") || {
  cat "$tmp/apt.err" >&2; echo "guest-fetch: apt-get download $pkg failed" >&2; exit 1; }
dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/x"
mkdir -p "$tmp/out"
cp "$tmp/x/boot/vmlinuz-$ver" "$tmp/out/vmlinuz"
cp "$tmp/x/boot/config-$ver" "$tmp/out/config"
cp "$tmp/x/boot/System.map-$ver" "$tmp/out/System.map"
mv "$tmp/x/lib/modules/$ver/kernel" "$tmp/out/modules"
rm -rf "$dir"
mv "$tmp/out" "$dir"
echo "$dir"
