#!/bin/sh
# test-exports.sh - libvessel exports exactly the functions vessel.h
# declares (client/libvessel.sym is the export list).
. "$top_srcdir/tests/lib/tap.sh"

so=$(ls "$top_builddir"/client/.libs/libvessel.so.* 2>/dev/null | head -1)
[ -n "$so" ] || tap_skip_all "libvessel.so not built (static build?)"
command -v nm >/dev/null || tap_skip_all "nm not installed"
tap_plan 2
T=$(mktemp -d "${TMPDIR:-/tmp}/vessel-exports.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

grep -oE '\bvessel_[a-z_0-9]+\(' "$top_srcdir/client/vessel.h" | tr -d '(' | sort -u > "$T/header"
nm -D --defined-only "$so" | awk '$2 ~ /^[TD]$/ { print $3 }' | sort -u > "$T/exported"
diff "$T/header" "$T/exported" | sed 's/^/# /'
cmp -s "$T/header" "$T/exported"; tap_ok $? "exported symbols are exactly vessel.h's functions"
sort -u "$top_srcdir/client/libvessel.sym" | cmp -s - "$T/header"
tap_ok $? "libvessel.sym lists every function of vessel.h"
tap_done
