#!/bin/sh
# network.sh - whole virtual networks, run by nbtool inside namespaces this
# test creates (vessel-test-PID-{srv,cli,cl2,far}) and deletes:
#   - start then stop leaves the namespace as found (ip -d link, ip addr,
#     nft list ruleset, with another tool's table left alone); two networks
#     share our table; stop is idempotent, also after a "crash";
#   - a failing start (subnet in use, dnsmasq or nft failing) leaves nothing;
#   - dnsmasq serves real leases (dynamic and static) to busybox udhcpc in
#     two client namespaces wired to the bridge by veth pairs, they show up
#     in the parsed leases, their names resolve through its DNS, and the
#     clients reach each other;
#   - nat: the client reaches a third namespace, which has no route back,
#     through the masquerade; route: both ways without NAT; isolated:
#     nothing is forwarded.
# Needs root; skipped otherwise (a failure under CI=true).
. "$top_srcdir/tests/lib/tap.sh"

NBTOOL="$top_builddir/tests/netbridge/nbtool"
BUSYBOX=${BUSYBOX:-busybox}
PATH=$PATH:/usr/sbin:/sbin

unavailable() {
    if [ "$CI" = true ]; then
        echo "1..1"; echo "not ok 1 - $1 (CI=true)"; exit 1
    fi
    tap_skip_all "$1"
}

[ "$(id -u)" -eq 0 ] || unavailable "needs root for network namespaces"
for prog in ip nft dnsmasq "$BUSYBOX"; do
    command -v "$prog" >/dev/null 2>&1 || unavailable "$prog not found"
done

SRV=vessel-test-$$-srv
CLI=vessel-test-$$-cli
CL2=vessel-test-$$-cl2
FAR=vessel-test-$$-far
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vessel-network.XXXXXX") || tap_bail "mktemp"
INI=$WORK/net.ini
export WORK

cleanup() {
    ip netns exec "$SRV" "$NBTOOL" net-stop "$INI" >/dev/null 2>&1
    ip netns exec "$SRV" "$NBTOOL" net-stop "$WORK/net2.ini" >/dev/null 2>&1
    for ns in "$SRV" "$CLI" "$CL2" "$FAR"; do
        # Whatever still runs in our namespaces (a listener, a stray client).
        pids=$(ip netns pids "$ns" 2>/dev/null)
        [ -n "$pids" ] && kill -9 $pids 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    [ -n "$VESSEL_TEST_KEEP" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$SRV" 2>"$WORK/err" || unavailable "cannot create a network namespace: $(cat "$WORK/err")"
ip netns add "$CLI" && ip netns add "$CL2" && ip netns add "$FAR" ||
    tap_bail "cannot create namespaces"

in_srv() { ip netns exec "$SRV" "$@"; }
in_cli() { ip netns exec "$CLI" "$@"; }
in_cl2() { ip netns exec "$CL2" "$@"; }
in_far() { ip netns exec "$FAR" "$@"; }
nb() { in_srv "$NBTOOL" "$@"; }

write_ini() {   # write_ini FORWARD [UPLINK]
    cat >"$INI" <<EOI
[network]
name=testnet
bridge=vbrtest
mac=02:56:53:00:77:01
mtu=1400
forward=$1
${2:+forward_dev=$2}
address=10.77.0.1
prefix=24
dhcp_start=10.77.0.100
dhcp_end=10.77.0.150
domain=testnet.vessel
state_dir=$WORK/state

[host fixed]
mac=02:56:53:aa:bb:02
ip=10.77.0.9
EOI
}

snapshot() {
    ip -n "$SRV" -d link show
    ip -n "$SRV" addr show
    in_srv nft list ruleset
}

state_is() { [ "$(nb net-state "$INI")" = "$1" ]; }
leftovers() {   # nothing of the network remains
    state_is "bridge=0 up=0 firewall=0 dnsmasq=0 complete=0" &&
        ! ip -n "$SRV" link show vbrtest >/dev/null 2>&1 &&
        ! in_srv nft list table ip vessel >/dev/null 2>&1 &&
        in_srv nft list table inet othertool >/dev/null 2>&1 &&
        [ -z "$(ls -A "$WORK/state" 2>/dev/null)" ]
}

# ---- 1: start + stop leaves the namespace as it found it --------------
write_ini nat
ip -n "$SRV" link set lo up
# Someone else's table, which we must never touch.
in_srv nft -f - <<'EON'
table inet othertool {
    chain input { type filter hook input priority 10; policy accept; }
}
EON
snapshot >"$WORK/before"
tap_check "nat network starts" nb net-start "$INI"
state_is "bridge=1 up=1 firewall=1 dnsmasq=$(cat "$WORK/state/testnet.pid" 2>/dev/null) complete=1"
tap_ok $? "bridge, rules and dnsmasq are up"
ip -n "$SRV" link show vbrtest | grep -q "mtu 1400 "
tap_ok $? "bridge has the configured MTU"
in_srv nft list table ip vessel >"$WORK/table" 2>&1
grep -q 'masquerade' "$WORK/table" && grep -q 'chain fwd-vbrtest' "$WORK/table"
tap_ok $? "masquerade rules are in table ip vessel"
[ "$(in_srv cat /proc/sys/net/ipv4/ip_forward)" = 1 ]; tap_ok $? "ip_forward is on"
tap_check "second start of a running network fails" sh -c "! ip netns exec $SRV $NBTOOL net-start $INI"
state_is "bridge=1 up=1 firewall=1 dnsmasq=$(cat "$WORK/state/testnet.pid" 2>/dev/null) complete=1"
tap_ok $? "... and leaves the running network intact"
tap_check "network stops" nb net-stop "$INI"
snapshot >"$WORK/after"
tap_check "namespace is as it was (ip -d link, ip addr, nft ruleset)" diff "$WORK/before" "$WORK/after"
leftovers; tap_ok $? "no bridge, rules, dnsmasq or files left"
tap_check "stop is idempotent" nb net-stop "$INI"

# ---- 2: two networks share our table --------------------------------
sed -e 's/^name=.*/name=second/' -e 's/^bridge=.*/bridge=vbrtest2/' -e '/^mac=02:56:53:00:77:01/d' \
    -e 's/10\.77\.0\./10.78.0./' "$INI" >"$WORK/net2.ini"
tap_check "a second network starts" nb net-start "$INI"
tap_check "... next to a first" nb net-start "$WORK/net2.ini"
tap_check "stopping the first" nb net-stop "$INI"
in_srv nft list table ip vessel >"$WORK/table" 2>&1
grep -q 'chain fwd-vbrtest2' "$WORK/table" && ! grep -q 'chain fwd-vbrtest ' "$WORK/table" &&
    [ "$(ip netns exec "$SRV" "$NBTOOL" net-state "$WORK/net2.ini" | sed 's/dnsmasq=[0-9]*/dnsmasq=N/')" = "bridge=1 up=1 firewall=1 dnsmasq=N complete=1" ]
tap_ok $? "... leaves the second running, with its chains"
tap_check "stopping the second" nb net-stop "$WORK/net2.ini"
tap_check "namespace is as it was (our table gone, theirs intact)" sh -c "{ ip -n $SRV -d link show; ip -n $SRV addr show; ip netns exec $SRV nft list ruleset; } | diff $WORK/before -"

# ---- 3: stop after a crash ---------------------------------------------
tap_check "network starts again" nb net-start "$INI"
dns_pid=$(cat "$WORK/state/testnet.pid")
kill -9 "$dns_pid"
rm -f "$WORK/state/testnet.pid"
in_srv ip link set vbrtest down
dns_gone() { ! kill -0 "$dns_pid" 2>/dev/null || [ "$(awk '{print $3}' /proc/"$dns_pid"/stat 2>/dev/null)" = Z ]; }
wait_until 30 dns_gone
state_is "bridge=1 up=0 firewall=1 dnsmasq=0 complete=0"
tap_ok $? "state read back after a crash: bridge down, rules there, no dnsmasq"
[ "$(nb net-ensure "$INI")" = restarted ] &&
    state_is "bridge=1 up=1 firewall=1 dnsmasq=$(cat "$WORK/state/testnet.pid" 2>/dev/null) complete=1"
tap_ok $? "ensure restarts a partly running network"
[ "$(nb net-ensure "$INI")" = unchanged ]
tap_ok $? "ensure leaves a complete network alone"
dns_pid=$(cat "$WORK/state/testnet.pid")
kill -9 "$dns_pid"
rm -f "$WORK/state/testnet.pid"
wait_until 30 dns_gone
tap_check "stop after a crash (dnsmasq killed, pid file lost)" nb net-stop "$INI"
leftovers; tap_ok $? "nothing left after crash + stop"
nb net-start "$INI" >/dev/null
dns_pid=$(cat "$WORK/state/testnet.pid")
rm -f "$WORK/state/testnet.pid"    # lost pid file: found through /proc
tap_check "stop finds a dnsmasq whose pid file is lost" nb net-stop "$INI"
dns_gone
tap_ok $? "that dnsmasq is gone"
tap_check "namespace is as it was after crash recovery" sh -c "{ ip -n $SRV -d link show; ip -n $SRV addr show; ip netns exec $SRV nft list ruleset; } | diff $WORK/before -"

# ---- 4: DHCP from a client namespace -----------------------------------
ip link add cli0 netns "$CLI" type veth peer name vport0 netns "$SRV"
ip link add cli1 netns "$CL2" type veth peer name vport1 netns "$SRV"
ip link add up1 netns "$FAR" type veth peer name up0 netns "$SRV"
ip -n "$CLI" link set cli0 address 02:56:53:aa:bb:01
ip -n "$CL2" link set cli1 address 02:56:53:aa:bb:02
for l in cli0 lo; do ip -n "$CLI" link set "$l" up; done
for l in cli1 lo; do ip -n "$CL2" link set "$l" up; done
ip -n "$SRV" addr add 10.88.0.1/24 dev up0
ip -n "$SRV" link set up0 up
ip -n "$FAR" addr add 10.88.0.2/24 dev up1
ip -n "$FAR" link set up1 up
ip -n "$FAR" link set lo up

attach_ports() {
    for p in vport0 vport1; do
        ip -n "$SRV" link set "$p" master vbrtest && ip -n "$SRV" link set "$p" up || return 1
    done
}

cat >"$WORK/udhcpc.sh" <<'EOS'
#!/bin/sh
# udhcpc event script: configure the address and route, record the lease.
case "$1" in
bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    if [ -n "$router" ] && [ "$interface" = cli0 ]; then
        ip route replace default via "${router%% *}" dev "$interface"
    fi
    echo "$ip" >"$WORK/ip-$interface"
    ;;
esac
exit 0
EOS
chmod +x "$WORK/udhcpc.sh"

dhcp() {   # dhcp NAMESPACE IFACE HOSTNAME
    ns=$1; shift
    ip netns exec "$ns" "$BUSYBOX" udhcpc -i "$1" -n -q -t 30 -T 1 -s "$WORK/udhcpc.sh" -x "hostname:$2" \
        >"$WORK/udhcpc-$1.log" 2>&1
}

write_ini nat up0
ip -n "$SRV" addr add 10.77.0.200/16 dev up0
tap_check "a network whose subnet is in use does not start" \
    sh -c "ip netns exec $SRV $NBTOOL net-start $INI 2>&1 | grep 'overlaps an address on interface up0'"
leftovers; tap_ok $? "... and leaves nothing behind"
ip -n "$SRV" addr del 10.77.0.200/16 dev up0
tap_check "a network whose dnsmasq fails does not start" \
    sh -c "! ip netns exec $SRV env NETBRIDGE_DNSMASQ=false $NBTOOL net-start $INI"
leftovers; tap_ok $? "... and is rolled back completely"
tap_check "a network whose rules fail does not start" \
    sh -c "! ip netns exec $SRV env NETBRIDGE_NFT=false $NBTOOL net-start $INI"
leftovers; tap_ok $? "... and is rolled back completely"
tap_check "nat network (via uplink up0) starts with clients attached" sh -c "ip netns exec $SRV $NBTOOL net-start $INI"
in_srv nft list chain ip vessel nat-vbrtest | grep -q 'oifname "up0" masquerade'
tap_ok $? "masquerade is limited to the uplink"
tap_check "client ports join the bridge" attach_ports
tap_check "udhcpc gets a dynamic lease" dhcp "$CLI" cli0 vmclient
ip0=$(cat "$WORK/ip-cli0" 2>/dev/null)
case "$ip0" in 10.77.0.1[0-4][0-9]|10.77.0.150) r=0 ;; *) r=1 ;; esac
tap_ok $r "dynamic address $ip0 is inside the DHCP range"
tap_check "udhcpc in a second client gets the static lease" dhcp "$CL2" cli1 other
tap_ok "$([ "$(cat "$WORK/ip-cli1" 2>/dev/null)" = 10.77.0.9 ]; echo $?)" "static host got 10.77.0.9"
tap_check "the two clients ping each other over the bridge" wait_until 30 in_cl2 "$BUSYBOX" ping -c 1 -W 2 "$ip0"
lease_listed() { nb net-leases "$INI" | grep -q "^[0-9]* $1 ipv4 $2/24 $3 "; }
tap_ok "$(wait_until 30 lease_listed 02:56:53:aa:bb:01 "$ip0" vmclient; echo $?)" \
    "dynamic lease parsed (mac, ipv4, ip/prefix, hostname)"
tap_ok "$(wait_until 30 lease_listed 02:56:53:aa:bb:02 10.77.0.9 fixed; echo $?)" \
    "static lease parsed (with the configured host name)"
nb net-leases "$INI" | sed 's/^/# /'
resolves() { in_cli "$BUSYBOX" nslookup "$1" 10.77.0.1 2>&1 | grep -q "Address.*$2\$"; }
tap_ok "$(wait_until 30 resolves fixed.testnet.vessel 10.77.0.9; echo $?)" \
    "dnsmasq answers DNS for a static host in the network's domain"
tap_ok "$(wait_until 30 resolves vmclient.testnet.vessel "$ip0"; echo $?)" \
    "dnsmasq answers DNS for a dynamic client by its DHCP host name"

# ---- 5: forwarding modes -----------------------------------------------
ip -n "$FAR" route get 10.77.0.100 >/dev/null 2>&1
tap_ok "$([ $? -ne 0 ]; echo $?)" "far namespace has no route back to the network"
tap_check "nat: client pings the far namespace through the masquerade" \
    wait_until 30 in_cli "$BUSYBOX" ping -c 1 -W 2 10.88.0.2
in_far "$BUSYBOX" nc -l -p 7777 -e "$BUSYBOX" echo vessel-far </dev/null >/dev/null 2>&1 &
tcp_far() { in_cli "$BUSYBOX" nc -w 2 10.88.0.2 7777 </dev/null | grep -q vessel-far; }
tap_ok "$(wait_until 30 tcp_far; echo $?)" "nat: client opens a TCP connection to the far namespace"
pids=$(ip netns pids "$FAR"); [ -n "$pids" ] && kill $pids 2>/dev/null

tap_check "nat network stops" nb net-stop "$INI"
write_ini route up0
tap_check "route network starts" nb net-start "$INI"
tap_check "client ports join the new bridge" attach_ports
ip -n "$FAR" route add 10.77.0.0/24 via 10.88.0.1
tap_check "route: client reaches the far namespace" wait_until 30 in_cli "$BUSYBOX" ping -c 1 -W 2 10.88.0.2
tap_check "route: far namespace reaches the client (no NAT)" wait_until 30 in_far "$BUSYBOX" ping -c 1 -W 2 "$ip0"
in_srv nft list ruleset | grep -q masquerade
tap_ok "$([ $? -ne 0 ]; echo $?)" "route: no masquerade rule"
tap_check "route network stops" nb net-stop "$INI"

write_ini isolated
tap_check "isolated network starts" nb net-start "$INI"
tap_check "client ports join the new bridge" attach_ports
tap_check "isolated: client still reaches the bridge address" wait_until 30 in_cli "$BUSYBOX" ping -c 1 -W 2 10.77.0.1
tap_check "isolated: nothing is forwarded to the far namespace" \
    sh -c "! ip netns exec $CLI $BUSYBOX ping -c 1 -W 2 10.88.0.2"
tap_check "isolated network stops" nb net-stop "$INI"
leftovers; tap_ok $? "nothing of the network is left"
ip -n "$SRV" -d link show vport0 | grep -q 'master'
tap_ok "$([ $? -ne 0 ]; echo $?)" "ports were released, not deleted"

echo "1..$_tap_n"
tap_done
