#!/bin/sh
# guest-fetch.sh - fetch a reference guest kernel (Debian's
# linux-image-cloud-amd64, or with "generic" linux-image-amd64) into a
# cache outside the source tree and print the directory that holds it.
# Nothing downloaded is ever committed.
#
#   scripts/guest-fetch.sh            -> prints e.g. ~/.cache/vessel/guest/6.1.0-56-cloud-amd64
#   scripts/guest-fetch.sh generic    -> prints e.g. ~/.cache/vessel/guest/6.1.0-56-amd64
#
# The directory then has: vmlinuz, config, System.map, modules/ (the .ko
# files of lib/modules/VER/kernel, uncompressed as Debian ships them).
# It is keyed by the kernel's ABI version, so a new Debian kernel is
# fetched once and an unchanged one never again.  The cloud kernel has
# vgacon and virtio; the generic one also has the DRM drivers (bochs).
# Cache: $VESSEL_GUEST_CACHE, else $XDG_CACHE_HOME/vessel/guest, else
# ~/.cache/vessel/guest.  Needs apt-get (Debian's mirror) and dpkg-deb.
set -eu
cache=${VESSEL_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vessel/guest}
mkdir -p "$cache"

case ${1:-cloud} in
  cloud) meta=linux-image-cloud-amd64; glob='*-cloud-amd64' ;;
  generic) meta=linux-image-amd64; glob='[0-9]*[0-9]-amd64' ;;
  *) echo "usage: $0 [cloud|generic]" >&2; exit 2 ;;
esac

pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
if [ -z "$pkg" ]; then
  # No package lists yet, or no network: use whatever is cached.
  last=$(ls -d "$cache"/$glob 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$last" ] && [ -f "$last/vmlinuz" ]; then echo "$last"; exit 0; fi
  echo "guest-fetch: cannot resolve $meta (run apt-get update as root)" >&2
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
