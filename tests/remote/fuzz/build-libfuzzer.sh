#!/bin/sh
# Build and run the libFuzzer target for vesseld's libvirt packet decoder
# (needs clang and libclang-rt-14-dev).  Usage, from anywhere:
#   tests/remote/fuzz/build-libfuzzer.sh BUILDDIR [libFuzzer options...]
# BUILDDIR is a configured and built Vessel tree: the protocol files are
# compiled again here with the fuzzer instrumentation and the rest of the
# daemon is linked from BUILDDIR/daemon/.libs/libvesseld.a.  New inputs go
# to BUILDDIR/fuzz-remote-corpus.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$(cd "${1:?usage: $0 BUILDDIR [libFuzzer options]}" && pwd); shift
CC=${CC:-clang}
out="$build/fuzz-remote-lf"
$CC -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 \
    -I"$top" -I"$build" -I"$top/common" -I"$top/daemon" -DLOCALEDIR='"/usr/share/locale"' \
    $(pkg-config --cflags glib-2.0 gio-2.0 libtirpc) \
    "$here/../fuzz-remote-packet.c" "$top/daemon/remote/remote_packet.c" \
    "$top/daemon/remote/remote_protocol.c" \
    -Wl,--start-group "$build/daemon/.libs/libvesseld.a" "$build/xml/.libs/libvesselxml.a" \
    "$build/netbridge/.libs/libvesselnet.a" "$build/common/.libs/libvesselcommon.a" \
    -Wl,--end-group \
    $(pkg-config --libs glib-2.0 gio-2.0 gio-unix-2.0 libxml-2.0 libnl-3.0 libnl-route-3.0 libtirpc json-glib-1.0) \
    -lz -lpthread -o "$out"
mkdir -p "$build/fuzz-remote-corpus"
exec "$out" -max_len=65536 "$build/fuzz-remote-corpus" "$@"
