#!/bin/sh
# Regenerate the build system (configure, Makefile.in, gettext glue).
set -e
srcdir=$(dirname "$0")
cd "$srcdir"
autopoint --force
autoreconf --force --install --verbose
# automake does not install its TAP driver by itself.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/
if [ -z "$NOCONFIGURE" ]; then
  echo "Now run ./configure && make"
fi
