#!/bin/sh
# test-pkgconfig.sh - libvessel as an outside program sees it: install
# client/ into a DESTDIR, then build and run a small program against the
# installed header and library found through vessel.pc.
. "$top_srcdir/tests/lib/tap.sh"
command -v pkg-config >/dev/null 2>&1 || tap_skip_all "pkg-config not installed"
CC=${CC:-cc}
T=$(mktemp -d "${TMPDIR:-/tmp}/vessel-pc.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
tap_plan 4

make -s -C "$top_builddir/client" install DESTDIR="$T/root" > "$T/install.log" 2>&1
tap_ok $? "make install DESTDIR of client/"
pc=$(find "$T/root" -name vessel.pc | head -1)
hdr=$(find "$T/root" -path '*/include/vessel/vessel.h' | head -1)
[ -n "$pc" ] && [ -n "$hdr" ]; tap_ok $? "vessel.pc and include/vessel/vessel.h are installed"

cat > "$T/prog.c" <<'EOF2'
#include <vessel.h>
#include <stdio.h>
int main(void)
{
    GError *error = NULL;
    VesselConnect *c = vessel_connect_open("vessel+unix:///nonexistent/sock",
                                           VESSEL_CONNECT_NO_SPAWN, &error);
    if (c || !g_error_matches(error, VESSEL_ERROR, VESSEL_ERROR_NO_CONNECT))
        return 1;
    printf("%s\n", vessel_domain_state_to_string(VESSEL_DOMAIN_SHUTOFF));
    g_error_free(error);
    return 0;
}
EOF2
# the installed vessel.pc, relocated into the DESTDIR
mkdir -p "$T/pc"
sed "s|^prefix=|prefix=$T/root|" "$pc" > "$T/pc/vessel.pc"
export PKG_CONFIG_PATH="$T/pc"
libdir=$(pkg-config --variable=libdir vessel)
$CC -o "$T/prog" "$T/prog.c" $(pkg-config --cflags --libs vessel) > "$T/cc.log" 2>&1
rc=$?; [ $rc -eq 0 ] || sed 's/^/# /' "$T/cc.log"
tap_ok $rc "a program builds with pkg-config --cflags --libs vessel"
out=$(LD_LIBRARY_PATH="$libdir" ASAN_OPTIONS=verify_asan_link_order=0 "$T/prog" 2>&1)
[ "$out" = "shut off" ]; tap_ok $? "and runs against the installed libvessel"
tap_done
