#!/bin/sh
# test-remote-python.sh - a python3-libvirt program (libvirt-client.py)
# against vesseld's libvirt sockets: lists domains, starts one, receives its
# lifecycle events on a read-write and a read-only connection, reads its
# XML, and is refused writes on the read-only one; a storage pool with its
# events, a volume uploaded and downloaded through streams.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/remote/remote-env.sh"
$PY -c 'import libvirt' 2>/dev/null || tap_unavailable "python3-libvirt not installed"

domxml py1 > "$T/py1.xml"
v define "$T/py1.xml"
[ $rc -eq 0 ] || tap_bail "define failed: $err"

timeout 300 $PY "$top_srcdir/tests/remote/libvirt-client.py" "$LURI" "$RURI" py1 "$T/pypool" \
    > "$T/py.out" 2> "$T/py.err"
prc=$?
n=$(grep -c '^\(PASS\|FAIL\) ' "$T/py.out")
tap_plan $((n + 1))
while IFS= read -r line; do
    case "$line" in
        "PASS "*) tap_ok 0 "${line#PASS }" ;;
        "FAIL "*) tap_ok 1 "${line#FAIL }" ;;
    esac
done < "$T/py.out"
[ $prc -eq 0 ] || sed 's/^/# /' "$T/py.err"
tap_ok $prc "the program ran to its end (exit $prc)"
tap_done
