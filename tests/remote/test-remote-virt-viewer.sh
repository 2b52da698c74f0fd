#!/bin/sh
# test-remote-virt-viewer.sh - Debian's virt-viewer shows a guest's screen
# through vesseld's libvirt socket, under Xvfb: `virt-viewer --connect URI
# DOMAIN` (the VNC port from the live XML) and `--attach` (a socket passed
# by virDomainOpenGraphicsFD: a REPLY_WITH_FDS).  The guest (banner.elf)
# paints its VGA text screen; the picture virsh screenshot gets from the
# VMM must appear, pixel for pixel, in the viewer's window
# (viewer-look.py).  Screenshots are kept beside the test log
# (VESSEL_TEST_ARTIFACTS, else the build directory).
. "$top_srcdir/tests/lib/tap.sh"
for prog in virt-viewer Xvfb; do
    command -v $prog >/dev/null 2>&1 || tap_unavailable "$prog not installed (scripts/deps.sh)"
done
/usr/bin/python3 -c 'import gi; gi.require_version("Gdk", "3.0")' 2>/dev/null ||
    tap_unavailable "GTK introspection not installed (scripts/deps.sh)"
. "$top_srcdir/tests/remote/remote-env.sh"
keep=${VESSEL_TEST_ARTIFACTS:-$PWD}
BANNER="$top_builddir/tests/remote/guests/banner.elf"
[ -f "$BANNER" ] || tap_bail "$BANNER not built"

tap_plan 6
cat > "$T/gfx.xml" <<XML
<domain type='dbt'>
  <name>gfx</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type>hvm</type>
    <kernel>$BANNER</kernel>
    <cmdline>console=ttyS0</cmdline>
  </os>
  <devices>
    <serial type='pty'/>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
    <video><model type='vga'/></video>
  </devices>
</domain>
XML
lv "$LURI" define "$T/gfx.xml"
lv "$LURI" start gfx
[ $rc -eq 0 ] || tap_bail "start failed: $err"
# the banner is painted before the guest says "idle" on its serial line
wait_until 30 grep -q idle "$T/log/domains/gfx.log"
lv "$LURI" domdisplay gfx
printf '%s\n' "$out" | grep -qE '^vnc://127\.0\.0\.1:[0-9]+$'
tap_ok $? "domdisplay names the VNC display ($out)"
# the guest's own picture, through virDomainScreenshot (a stream)
(cd "$T" && virsh -c "$LURI" screenshot gfx "$T/guest.png" > "$T/shot.out" 2>&1) &&
    /usr/bin/python3 -c '
import sys, gi
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf
p = GdkPixbuf.Pixbuf.new_from_file(sys.argv[1])
sys.exit(0 if (p.get_width(), p.get_height()) == (720, 400) else 1)' "$T/guest.png"
_r=$?; [ $_r -eq 0 ] || sed 's/^/# /' "$T/shot.out"
tap_ok $_r "virsh screenshot: a 720x400 PNG of the text screen"

xvfb_start 1280x800x24 "$T/xvfb.log"; _r=$?
CLEANUP_EXTRA="kill $XVFB_PID 2>/dev/null; wait $XVFB_PID 2>/dev/null"
[ $_r -eq 0 ] || tap_bail "Xvfb did not start"
d=${XVFB_DISPLAY#:}

look() { # NAME VIRT-VIEWER-ARGS...
    _n=$1; shift
    DISPLAY=":$d" virt-viewer --debug "$@" > "$T/$_n.log" 2>&1 &
    _vv=$!
    DISPLAY=":$d" /usr/bin/python3 "$top_srcdir/tests/remote/viewer-look.py" \
        "$keep/test-remote-virt-viewer-$_n.png" "$T/guest.png" 120 > "$T/$_n.look" 2>&1
    _r=$?
    kill $_vv 2>/dev/null; wait $_vv 2>/dev/null
    sed 's/^/# /' "$T/$_n.look"
    return $_r
}
look direct --connect "$LURI" gfx
tap_ok $? "virt-viewer --connect URI gfx shows the guest's screen"
grep -q 'Opening direct TCP connection' "$T/direct.log"
tap_ok $? "... over the VNC port of the live XML"
look attach --attach --connect "$LURI" gfx
tap_ok $? "virt-viewer --attach shows it too"
grep -qE 'After open connection callback fd=[0-9]+' "$T/attach.log"
tap_ok $? "... over a socket passed by virDomainOpenGraphicsFD"
lv "$LURI" destroy gfx
tap_done
