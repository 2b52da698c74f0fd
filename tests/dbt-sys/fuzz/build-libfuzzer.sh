#!/bin/sh
# Build and run the libFuzzer target for the dbt decoder (needs clang and
# libclang-rt-14-dev).  Usage, from anywhere:
#   tests/dbt-sys/fuzz/build-libfuzzer.sh BUILDDIR [libFuzzer options...]
# BUILDDIR is a Vessel build tree configured without --enable-sanitizers
# and built: the decoder and its tables are compiled again here with the
# fuzzer instrumentation, the rest of the dbt core is linked from
# BUILDDIR/vmm/dbt/.libs/libvesseldbt.a.
# The corpus starts from tests/dbt-sys/fuzz-corpus/decode; new inputs go
# to BUILDDIR/fuzz-decode-corpus.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$(cd "${1:?usage: $0 BUILDDIR [libFuzzer options]}" && pwd); shift
CC=${CC:-clang}
out="$build/fuzz-decode-lf"
$CC -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 \
    -I"$top" -I"$build" -I"$top/common" -DLOCALEDIR='"/usr/share/locale"' \
    $(pkg-config --cflags glib-2.0) \
    "$here/../fuzz-decode.c" "$top/vmm/dbt/decode.c" "$top/vmm/dbt/decode_tables.c" \
    -Wl,--allow-multiple-definition \
    "$build/vmm/dbt/.libs/libvesseldbt.a" "$build/vmm/dbt/fpu/.libs/libdbtfpu.a" \
    $(pkg-config --libs glib-2.0) -lm -o "$out"
mkdir -p "$build/fuzz-decode-corpus"
cp "$here"/../fuzz-corpus/decode/* "$build/fuzz-decode-corpus/"
exec "$out" -max_len=4096 "$build/fuzz-decode-corpus" "$@"
