#!/bin/sh
# Build and run the libFuzzer target for the VMM's control channel
# (needs clang and libclang-rt-14-dev).  Usage, from anywhere:
#   tests/vmm/fuzz/build-libfuzzer.sh BUILDDIR [libFuzzer options...]
# BUILDDIR is a configured Vessel build tree (for config.h); vmm/control.c
# is compiled again here with the fuzzer instrumentation.  The corpus
# starts from tests/vmm/fuzz-corpus/control; new inputs go to
# BUILDDIR/fuzz-control-corpus.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$(cd "${1:?usage: $0 BUILDDIR [libFuzzer options]}" && pwd); shift
CC=${CC:-clang}
out="$build/fuzz-control-lf"
$CC -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 \
    -I"$top" -I"$build" -I"$top/common" -DLOCALEDIR='"/usr/share/locale"' \
    $(pkg-config --cflags glib-2.0) \
    "$here/../fuzz-control.c" "$top/vmm/control.c" \
    $(pkg-config --libs glib-2.0) -lpthread -o "$out"
mkdir -p "$build/fuzz-control-corpus"
cp "$here"/../fuzz-corpus/control/* "$build/fuzz-control-corpus/"
exec "$out" -max_len=65536 "$build/fuzz-control-corpus" "$@"
