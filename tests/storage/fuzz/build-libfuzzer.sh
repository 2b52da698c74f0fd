#!/bin/sh
# Build and run the libFuzzer target for qcow2 images (needs clang and
# libclang-rt-14-dev).  Usage, from anywhere:
#   tests/storage/fuzz/build-libfuzzer.sh BUILDDIR [libFuzzer options...]
# BUILDDIR is a configured Vessel build tree (for config.h); the storage
# library is compiled again here with the fuzzer instrumentation.  The
# corpus starts from tests/storage/fuzz-corpus; new inputs go to
# BUILDDIR/fuzz-qcow2-corpus (VESSEL_FUZZ_OUT=DIR: the program and the
# corpus go to DIR instead).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$(cd "${1:?usage: $0 BUILDDIR [libFuzzer options]}" && pwd); shift
CC=${CC:-clang}
dir=${VESSEL_FUZZ_OUT:-$build}
out="$dir/fuzz-qcow2-lf"
mkdir -p "$dir"
$CC -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=gnu11 \
    -I"$top" -I"$build" -I"$top/common" -DLOCALEDIR='"/usr/share/locale"' \
    $(pkg-config --cflags glib-2.0 zlib) \
    "$here/../fuzz-qcow2.c" $(ls "$top"/storage/*.c) "$top/common/i18n.c" \
    $(pkg-config --libs glib-2.0 zlib) -lpthread -o "$out"
mkdir -p "$dir/fuzz-qcow2-corpus"
cp "$here"/../fuzz-corpus/*.qcow2 "$dir/fuzz-qcow2-corpus/"
exec "$out" -max_len=65536 "$dir/fuzz-qcow2-corpus" "$@"
