#!/bin/sh
# test-remote-virt-manager.sh - Debian's virt-manager, connected to
# vesseld's libvirt socket (virt-manager --connect URI) under Xvfb, lists
# the domains with their states: read through the accessibility tree
# (virt-manager-look.py), and a screenshot kept beside the test log
# (test-remote-virt-manager.png in the build tree; its path is in the log).
# virt-manager's own log (the libvirt APIs it tried, the ones answered
# "unsupported") is copied into the test log too.
. "$top_srcdir/tests/lib/tap.sh"
command -v virt-manager >/dev/null 2>&1 || tap_unavailable "virt-manager not installed"
command -v Xvfb >/dev/null 2>&1 || tap_unavailable "Xvfb not installed (Debian package xvfb)"
command -v dbus-run-session >/dev/null 2>&1 || tap_unavailable "dbus-run-session not installed"
/usr/bin/python3 -c 'import gi; gi.require_version("Atspi", "2.0")' 2>/dev/null ||
    tap_unavailable "AT-SPI introspection not installed (Debian package gir1.2-atspi-2.0)"
# a "default" pool, as libvirt hosts have: else virt-manager defines one
# in /var/lib/libvirt/images, outside the test's directory
VESSELD_CONF_EXTRA="[storage]
default_pool=images"
. "$top_srcdir/tests/remote/remote-env.sh"

tap_plan 3
domxml vm-run > "$T/run.xml"
domxml vm-off > "$T/off.xml"
v define "$T/run.xml"
v define "$T/off.xml"
v start vm-run
[ $rc -eq 0 ] || tap_bail "start failed: $err"

# a display of our own
xvfb_start 1280x800x24 "$T/xvfb.log"; _r=$?
CLEANUP_EXTRA="kill $XVFB_PID 2>/dev/null; wait $XVFB_PID 2>/dev/null"
[ $_r -eq 0 ] || tap_bail "Xvfb did not start"
d=${XVFB_DISPLAY#:}

shot="${VESSEL_TEST_ARTIFACTS:-$PWD}/test-remote-virt-manager.png"
rm -f "$shot"
cat > "$T/session.sh" <<EOS
virt-manager --no-fork --debug --connect '$LURI' > '$T/virt-manager.log' 2>&1 &
vm=\$!
/usr/bin/python3 '$top_srcdir/tests/remote/virt-manager-look.py' '$shot' 120 \
    vm-run=Running vm-off=Shutoff > '$T/look.out' 2>&1
rc=\$?
kill \$vm 2>/dev/null; wait \$vm 2>/dev/null
exit \$rc
EOS
DISPLAY=":$d" GSETTINGS_BACKEND=memory NO_AT_BRIDGE= GTK_A11Y= \
    timeout 300 dbus-run-session -- sh "$T/session.sh" > "$T/session.log" 2>&1
lrc=$?
sed 's/^/# /' "$T/look.out"
tap_ok $lrc "virt-manager lists vm-run Running and vm-off Shutoff"
[ -s "$shot" ]
tap_ok $? "screenshot saved: $shot"
# what virt-manager asked for that vesseld answered "unsupported"
grep -E 'not supported by the connection driver' "$T/virt-manager.log" |
    sed 's/.*connection driver: //' | sort | uniq -c | sed 's/^/# virt-manager tried, unsupported: /'
grep -q 'changed to state=Active' "$T/virt-manager.log" && ! grep -q 'Unable to connect' "$T/virt-manager.log"
tap_ok $? "virt-manager's connection became active"
# a running domain outlives the daemon: stop it, or it outlives the test
v destroy vm-run
tap_done
