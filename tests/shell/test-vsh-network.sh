#!/bin/sh
# test-vsh-network.sh - net-* commands on networks that really start:
# vesseld runs in its own network namespace (root and unshare needed), so
# bridges, addresses and dnsmasq never touch the host's network.
. "$top_srcdir/tests/lib/tap.sh"
[ "$(id -u)" = 0 ] || tap_skip_all "needs root for bridges"
command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null ||
    tap_skip_all "cannot create a network namespace"
VESSELD_WRAP="unshare -n"
. "$top_srcdir/tests/shell/vsh-env.sh"

cat > "$T/net.xml" <<'EOF2'
<network>
  <name>testnet</name>
  <uuid>0f0e0d0c-0b0a-4909-8807-060504030201</uuid>
  <bridge name='vsbr-test'/>
  <ip address='192.168.231.1' prefix='24'>
    <dhcp>
      <range start='192.168.231.100' end='192.168.231.150'/>
    </dhcp>
  </ip>
</network>
EOF2

# a daemon built without bridge support refuses to start any network
"$VSH" -c "$URI" net-define "$T/net.xml" > /dev/null 2>&1
if ! "$VSH" -c "$URI" net-start testnet > /dev/null 2>"$T/probe"; then
    grep -q "no bridge support" "$T/probe" && tap_skip_all "$(tail -n 1 "$T/probe")"
fi
"$VSH" -c "$URI" net-destroy testnet > /dev/null 2>&1
"$VSH" -c "$URI" net-undefine testnet > /dev/null 2>&1

tap_plan 12

v net-define "$T/net.xml"
expect "net-define" 0 "Network testnet defined from $T/net.xml"
"$VSH" -c "$URI" net-event --all --loop --timeout 120 > "$T/events" 2>&1 &
EPID=$!
wait_until 30 sh -c "'$VSH' -c '$URI' net-autostart testnet >/dev/null; grep -q Defined '$T/events' || { '$VSH' -c '$URI' net-define '$T/net.xml' >/dev/null; false; }"
v net-start testnet
expect "net-start" 0 "Network testnet started"
v net-list
expect "net-list shows it active" 0 " Name      State    Autostart   Persistent
--------------------------------------------
 testnet   active   yes         yes"
v net-info testnet
has "net-info says active" "Active:         yes"
v net-start testnet
[ $rc -eq 1 ] && printf '%s\n' "$err" | head -1 | grep -qx "error: Failed to start network testnet"
tap_ok $? "net-start of an active network fails"
v net-dhcp-leases testnet
expect "net-dhcp-leases with no clients" 0 " Expiry Time   MAC address   Protocol   IP address   Hostname   Client ID or DUID
-----------------------------------------------------------------------------------"
v net-destroy testnet
expect "net-destroy" 0 "Network testnet destroyed"
v net-list --all --name
expect "net-list --all --name" 0 "testnet"
v net-list --name
expect "net-list without --all hides inactive networks" 0 ""
wait_until 30 grep -q "Stopped" "$T/events"
grep -qx "event 'lifecycle' for network 'testnet': Started" "$T/events" &&
    grep -qx "event 'lifecycle' for network 'testnet': Stopped" "$T/events"
tap_ok $? "net-event --loop prints Started and Stopped"
kill -INT $EPID; wait $EPID; EPID=
v net-undefine testnet
expect "net-undefine" 0 "Network testnet has been undefined"
v net-info testnet
expect "net-info after undefine" 1 "" "error: failed to get network 'testnet'"

tap_done
