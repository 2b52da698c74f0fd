#!/bin/sh
# Build and run the libFuzzer target for the XML parsers (needs clang and
# libclang-rt-14-dev).  Usage, from anywhere:
#   tests/xml/fuzz/build-libfuzzer.sh BUILDDIR [libFuzzer options...]
# BUILDDIR is a configured Vessel build tree (for config.h and the
# generated schema resource); the library sources are compiled again
# here with the fuzzer instrumentation.  The corpus starts from the
# golden and error files; new inputs go to BUILDDIR/fuzz-corpus.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=$(cd "${1:?usage: $0 BUILDDIR [libFuzzer options]}" && pwd); shift
CC=${CC:-clang}
make -C "$build/xml" xml_schemas.c >/dev/null
out="$build/fuzz-xml"
$CC -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 \
    -I"$top" -I"$build" -I"$top/common" -DLOCALEDIR='"/usr/share/locale"' \
    $(pkg-config --cflags glib-2.0 gio-2.0 libxml-2.0) \
    "$here/fuzz-xml.c" "$here/../fuzz_one.c" \
    $(ls "$top"/xml/*.c | grep -v /vessel_xml_tool.c) \
    "$build/xml/xml_schemas.c" "$top/common/i18n.c" \
    $(pkg-config --libs glib-2.0 gio-2.0 libxml-2.0) -o "$out"
mkdir -p "$build/fuzz-corpus"
for d in domain-in network-in domain-err network-err; do
    for f in "$here/../$d"/*.xml; do
        cp "$f" "$build/fuzz-corpus/$d-$(basename "$f")"
    done
done
exec "$out" "$build/fuzz-corpus" "$@"
