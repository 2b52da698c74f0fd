#!/bin/sh
# test-vessel-xml.sh - the daemon-less vessel-xml tool: canonical output
# equals the golden files, errors exit 1 with one "error:" line, usage
# errors exit 2, argv translation honours --tap/--accel/--vmm.
. "$top_srcdir/tests/lib/tap.sh"

tool="$top_builddir/xml/vessel-xml"
dir="$top_srcdir/tests/xml"
[ -x "$tool" ] || tap_bail "$tool not built"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

tap_plan 8

"$tool" domain "$dir/domain-in/full-kvm.xml" > "$tmp/out.xml"
tap_check "domain output equals domain-out/full-kvm.xml" cmp "$tmp/out.xml" "$dir/domain-out/full-kvm.xml"

"$tool" network - < "$dir/network-in/nat.xml" > "$tmp/net.xml"
tap_check "network from stdin equals network-out/nat.xml" cmp "$tmp/net.xml" "$dir/network-out/nat.xml"

"$tool" domain "$dir/domain-err/sound.xml" > "$tmp/o" 2> "$tmp/e"
tap_ok $([ $? -eq 1 ] && echo 0 || echo 1) "invalid domain exits 1"
tap_check "error names the element and line" \
    grep -qx "error: unsupported element <sound> in <devices> at line 11" "$tmp/e"

"$tool" frobnicate x > /dev/null 2>&1
tap_ok $([ $? -eq 2 ] && echo 0 || echo 1) "unknown command exits 2"

"$tool" argv "$dir/domain-in/full-kvm.xml" --tap t0 --tap t1 --accel auto --vmm /opt/vmm > "$tmp/argv"
tap_check "argv starts with --vmm" sh -c "head -1 '$tmp/argv' | grep -qx /opt/vmm"
tap_check "argv uses the given taps and accel" \
    sh -c "grep -qx 'tap=t1,mac=52:54:00:ab:cd:02' '$tmp/argv' && grep -A1 -x -- --accel '$tmp/argv' | grep -qx auto"

"$tool" argv "$dir/domain-in/full-kvm.xml" --tap t0 > /dev/null 2> "$tmp/e"
tap_ok $([ $? -eq 1 ] && grep -q "tap names given for 2 interfaces" "$tmp/e" && echo 0 || echo 1) \
    "wrong number of taps is an error"
tap_done
