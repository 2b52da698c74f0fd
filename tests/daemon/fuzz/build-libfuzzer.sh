#!/bin/sh
# Build and run the libFuzzer target for vesseld's D-Bus argument handling
# (needs clang and libclang-rt-14-dev).  Usage, from anywhere:
#   tests/daemon/fuzz/build-libfuzzer.sh BUILDDIR [libFuzzer options...]
# BUILDDIR is a configured and built Vessel tree (its tests/daemon guests
# too: make -C BUILDDIR/tests/daemon guests/idle.elf): the dispatch and
# method files are compiled again here with the fuzzer instrumentation,
# the rest of the daemon is linked from BUILDDIR/daemon/.libs/libvesseld.a.
# As root the target runs its daemon as nobody.  The corpus starts from
# tests/daemon/fuzz-corpus/dbus; new inputs go to BUILDDIR/fuzz-dbus-corpus.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$(cd "${1:?usage: $0 BUILDDIR [libFuzzer options]}" && pwd); shift
CC=${CC:-clang}
out="$build/fuzz-dbus-lf"
d="$top/daemon"
$CC -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 \
    -I"$top" -I"$build" -I"$top/common" -I"$d" -I"$here/.." -DLOCALEDIR='"/usr/share/locale"' \
    -DSYSCONFDIR='"/etc"' -DLOCALSTATEDIR='"/var"' -DRUNSTATEDIR='"/run"' \
    -DBINDIR='"/usr/bin"' -DSBINDIR='"/usr/sbin"' \
    $(pkg-config --cflags glib-2.0 gio-2.0 gio-unix-2.0 json-glib-1.0 libxml-2.0) \
    "$here/../fuzz-dbus.c" "$here/../fuzz-dbus-daemon.c" \
    "$d/daemon_dbus.c" "$d/method_flags.c" "$d/methods_manager.c" "$d/methods_domain.c" \
    "$d/methods_network.c" "$d/methods_pool.c" "$d/dbus_relay.c" \
    -Wl,--allow-multiple-definition \
    -Wl,--start-group "$build/daemon/.libs/libvesseld.a" "$build/xml/.libs/libvesselxml.a" \
    "$build/netbridge/.libs/libvesselnet.a" "$build/storage/.libs/libvesselstorage.a" \
    "$build/common/.libs/libvesselcommon.a" "$build/tests/lib/.libs/libvesseltest.a" \
    -Wl,--end-group \
    $(pkg-config --libs glib-2.0 gio-2.0 gio-unix-2.0 json-glib-1.0 libxml-2.0 libnl-3.0 \
      libnl-route-3.0 libtirpc zlib) -lpthread -o "$out"
mkdir -p "$build/fuzz-dbus-corpus"
cp "$here"/../fuzz-corpus/dbus/* "$build/fuzz-dbus-corpus/"
chmod -R a+rwX "$build/fuzz-dbus-corpus"
export top_builddir="$build"
exec "$out" -max_len=65536 "$build/fuzz-dbus-corpus" "$@"
