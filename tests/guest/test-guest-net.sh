#!/bin/sh
# test-guest-net.sh - two reference guests (Debian cloud kernel + busybox,
# under --accel dbt) on a Vessel NAT network, end to end through vesseld
# and vsh, in namespaces this test creates and deletes:
#
#   host NS  (vesseld, the network's bridge, dnsmasq, the VMMs and taps)
#     veth 203.0.113.2/24, default route via 203.0.113.1
#   outside NS  veth 203.0.113.1/24, busybox httpd with a CGI that answers
#     and records the source address; no route back to the guests' subnet
#
#   1. net-define + net-start from XML; both guests boot in parallel and
#      get DHCP leases; beta has a second interface (type='bridge') on a
#      bridge the test made (br-lab, busybox udhcpd), leases there and
#      pings the host side; net-dhcp-leases lists them with the MACs of their
#      domain XML, the addresses they report and their hostnames;
#   2. the host types each guest's peer address (read from the leases)
#      and name on its console; the name resolves through the network's
#      DNS (dnsmasq) to that address, and the guests ping each other;
#   3. each guest pings 203.0.113.1 and fetches the CGI: the outside sees
#      the host's veth address, never a guest address (masquerade);
#   4. vesseld is killed, beta's VMM dies while no daemon runs, vesseld
#      restarts: alpha is still running, beta is crashed and its tap gone,
#      the network keeps its dnsmasq, and alpha still reaches the outside
#      (console typed through the new daemon);
#   5. shutdown (power button) of alpha, then net-destroy: the host
#      namespace is as it was before net-start (ip -d link, addresses,
#      routes, nft ruleset, no dnsmasq, no taps, no VMM).
# Needs root; skipped otherwise (a failure under CI: VESSEL_CI or CI=true).
. "$top_srcdir/tests/guest/lib-guest.sh"

guest_require
guest_setup
scale=$(guest_scale)
HOST=vessel-guest-$$-host
OUT=vessel-guest-$$-out
NET=lan
MAC_alpha=52:54:00:47:00:0a
MAC_beta=52:54:00:47:00:0b
MAC_beta_br=52:54:00:47:01:0b
UBR=br-lab
W=$GUEST_WORK

# ---- namespaces, the outside world --------------------------------------
guest_ns_add "$HOST"
guest_ns_add "$OUT"
ip link add vg-up netns "$HOST" type veth peer name vg-far netns "$OUT" ||
    tap_bail "cannot create the veth pair"
ip -n "$HOST" addr add 203.0.113.2/24 dev vg-up
ip -n "$HOST" link set vg-up up
ip -n "$HOST" route add default via 203.0.113.1
ip -n "$OUT" addr add 203.0.113.1/24 dev vg-far
ip -n "$OUT" link set vg-far up

mkdir -p "$W/www/cgi-bin"
cat >"$W/www/cgi-bin/peer" <<EOF
#!/bin/sh
echo "\$REMOTE_ADDR" >>"$W/outside.log"
printf 'Content-Type: text/plain\r\n\r\n'
echo "peer=\$REMOTE_ADDR"
EOF
chmod +x "$W/www/cgi-bin/peer"
: >"$W/outside.log"
ip netns exec "$OUT" "$BUSYBOX" httpd -f -p 203.0.113.1:7777 -h "$W/www" 2>"$W/httpd.err" &

# A bridge of the user's own, with an address and busybox udhcpd: beta's
# second interface (type='bridge') is on it.  A fixed MAC, a port of its
# own (a veth pair) and no IPv6 link-local addresses keep the bridge's own
# state the same before and after the guest's tap comes and goes, so the
# final snapshot compares.
ip -n "$HOST" link add "$UBR" address 02:00:00:92:00:01 type bridge
ip -n "$HOST" link add lab-port type veth peer name lab-peer
for l in "$UBR" lab-port lab-peer; do ip -n "$HOST" link set "$l" addrgenmode none; done
ip -n "$HOST" link set lab-port master "$UBR" up
ip -n "$HOST" link set lab-peer up
ip -n "$HOST" addr add 10.92.0.1/24 dev "$UBR"
ip -n "$HOST" link set "$UBR" up
cat >"$W/udhcpd.conf" <<EOF
interface $UBR
start 10.92.0.50
end 10.92.0.60
lease_file $W/udhcpd.leases
pidfile $W/udhcpd.pid
option subnet 255.255.255.0
EOF
: >"$W/udhcpd.leases"
ip netns exec "$HOST" "$BUSYBOX" udhcpd -f "$W/udhcpd.conf" >"$W/udhcpd.log" 2>&1 &

# ---- the guest image ------------------------------------------------------
mkdir -p "$W/extra/etc/vessel"
cp "$top_srcdir/tests/guest/guest/net-run.sh" "$W/extra/etc/vessel/run"
cp "$top_srcdir/tests/guest/guest/udhcpc.script" "$W/extra/etc/vessel/udhcpc.script"
chmod 755 "$W/extra/etc/vessel/run" "$W/extra/etc/vessel/udhcpc.script"
guest_initrd "$W/initrd.cpio.gz" "$W/extra"

tap_plan 28

guest_daemon_start "$HOST"
guest_ns_snapshot "$HOST" >"$W/before"

# ---- 1: network and leases -------------------------------------------------
cat >"$W/net.xml" <<EOF
<network>
  <name>$NET</name>
  <forward mode='nat'/>
  <ip address='10.91.0.1' prefix='24'>
    <dhcp>
      <range start='10.91.0.100' end='10.91.0.120'/>
    </dhcp>
  </ip>
</network>
EOF
tap_check "net-define from XML" vsh net-define "$W/net.xml"
tap_check "net-start" vsh net-start "$NET"

guest_domain_xml alpha "$W/initrd.cpio.gz" "network:$NET:$MAC_alpha" >"$W/alpha.xml"
guest_domain_xml beta "$W/initrd.cpio.gz" "network:$NET:$MAC_beta" "bridge:$UBR:$MAC_beta_br" \
    >"$W/beta.xml"
for g in alpha beta; do
    vsh define "$W/$g.xml" >"$W/define.out" 2>&1 || sed 's/^/# /' "$W/define.out"
done
# Both boot at once: start returns once the VMM answers on its control socket.
vsh start alpha >"$W/start-alpha" 2>&1; rc_a=$?
vsh start beta >"$W/start-beta" 2>&1; rc_b=$?
[ $rc_a -eq 0 ] && [ $rc_b -eq 0 ] || sed 's/^/# /' "$W/start-alpha" "$W/start-beta"
[ $rc_a -eq 0 ] && [ $rc_b -eq 0 ]; tap_ok $? "two guests on the network start"
BRIDGE=$(vsh net-info "$NET" | awk '/^Bridge:/{print $2}')
taps_on_bridge() { ip -n "$HOST" -o link show master "${1:-$BRIDGE}" 2>/dev/null | grep -c ' vtap'; }
[ -n "$BRIDGE" ] && [ "$(taps_on_bridge)" -eq 2 ] && [ "$(taps_on_bridge "$UBR")" -eq 1 ]
tap_ok $? "each guest has a tap on the network's bridge ${BRIDGE:-(none)}, beta one on $UBR"

# The guests' DHCP outcome: an address, or "none" after udhcpc gave up.
for g in alpha beta; do
    guest_reach $((1500 * scale)) "$g" 'T-WAIT: peer'
done
addr_alpha=$(guest_value alpha T-ADDR)
addr_beta=$(guest_value beta T-ADDR)
echo "# alpha: $addr_alpha (${MAC_alpha}), beta: $addr_beta (${MAC_beta})"
in_range() { case $1 in 10.91.0.1[01][0-9]|10.91.0.120) return 0 ;; esac; return 1; }
ok=0
for g in alpha beta; do
    eval a=\$addr_$g
    in_range "$a" || { ok=1; guest_log_show "$g"; }
done
[ "$addr_alpha" != "$addr_beta" ] || ok=1
tap_ok $ok "both guests got distinct leases from the DHCP range"
[ "$(guest_value alpha T-ROUTER)" = 10.91.0.1 ] && [ "$(guest_value beta T-ROUTER)" = 10.91.0.1 ]
tap_ok $? "... with the network's address as their router"
[ "$(guest_value alpha T-MAC)" = "$MAC_alpha" ] && [ "$(guest_value beta T-MAC)" = "$MAC_beta" ]
tap_ok $? "the guests see the MACs of their domain XML"

# beta's second interface, on the user's bridge
[ "$(guest_value beta T-MAC1)" = "$MAC_beta_br" ] &&
    case $(guest_value beta T-ADDR1) in 10.92.0.5[0-9]|10.92.0.60) true ;; *) false ;; esac &&
    [ "$(guest_value beta T-SERVER1)" = 10.92.0.1 ] && [ "$(guest_value beta T-PING-BR)" = ok ]
tap_ok $? "beta's type='bridge' interface leases from the bridge's host side and pings it"

vsh net-dhcp-leases "$NET" >"$W/leases" 2>&1
tap_ok $? "net-dhcp-leases runs"
sed 's/^/# /' "$W/leases"
lease_ok() {   # lease_ok MAC ADDR NAME: one row with all three
    grep -i -- " $1 " "$W/leases" | grep -q -- " ipv4 *$2/24 *$3 "
}
lease_ok "$MAC_alpha" "$addr_alpha" alpha && lease_ok "$MAC_beta" "$addr_beta" beta
tap_ok $? "... lists both guests: MAC from the XML, their address, hostname"

# ---- 2: the guests ping each other ---------------------------------------
# Each learns its peer's address from the host's lease table, typed on its
# console (vsh console detaches at the end of its stdin).
peer_of_alpha=$(grep -i -- " $MAC_beta " "$W/leases" | grep -o '10\.91\.0\.[0-9]*' | head -n 1)
peer_of_beta=$(grep -i -- " $MAC_alpha " "$W/leases" | grep -o '10\.91\.0\.[0-9]*' | head -n 1)
printf '%s beta\n' "$peer_of_alpha" | vsh console alpha >"$W/console-alpha" 2>&1; rc_a=$?
printf '%s alpha\n' "$peer_of_beta" | vsh console beta >"$W/console-beta" 2>&1; rc_b=$?
[ $rc_a -eq 0 ] && [ $rc_b -eq 0 ]; tap_ok $? "vsh console types the peer's address into each guest"
for g in alpha beta; do
    guest_reach $((900 * scale)) "$g" 'T-END'
done
[ "$(guest_value alpha T-PEER)" = "$addr_beta" ] && [ "$(guest_value beta T-PEER)" = "$addr_alpha" ]
tap_ok $? "each guest read its peer's address"
[ "$(guest_value alpha T-DNS)" = ok ] && [ "$(guest_value beta T-DNS)" = ok ]
tap_ok $? "the network's DNS resolves each peer's DHCP hostname to its lease"
[ "$(guest_value alpha T-PING-PEER)" = ok ] && [ "$(guest_value beta T-PING-PEER)" = ok ]
tap_ok $? "the guests ping each other"

# ---- 3: NAT to the outside namespace ---------------------------------------
! ip -n "$OUT" route get "$addr_alpha" >/dev/null 2>&1
tap_ok $? "the outside namespace has no route to the guests (replies need the NAT)"
[ "$(guest_value alpha T-PING-OUT)" = ok ] && [ "$(guest_value beta T-PING-OUT)" = ok ]
tap_ok $? "the guests ping 203.0.113.1 in another namespace"
[ "$(guest_value alpha T-WGET)" = peer=203.0.113.2 ] && [ "$(guest_value beta T-WGET)" = peer=203.0.113.2 ]
tap_ok $? "... and fetch from it; the outside sees the host's address"
[ "$(sort -u "$W/outside.log")" = 203.0.113.2 ] && [ "$(wc -l <"$W/outside.log")" -eq 2 ]
tap_ok $? "the outside logged two requests, none from a guest address"
for g in alpha beta; do
    grep -q 'T-END' "$(guest_log $g)" || guest_log_show "$g" 60
done

# ---- 4: daemon crash, a VMM dying meanwhile, restart ---------------------
# vesseld is killed; beta's VMM dies while no daemon watches; the new
# daemon must reattach to alpha and the running network as they are
# (same dnsmasq, rules still in place) and clean up after beta.
dnsmasq_pid() { for p in $(ip netns pids "$HOST"); do [ "$(cat /proc/"$p"/comm 2>/dev/null)" = dnsmasq ] && echo "$p"; done; }
dns_before=$(dnsmasq_pid)
st_beta=$(guest_status beta)
vmm_beta=$(sed -n "s/.* pid='\([0-9]*\)'.*/\1/p" "$st_beta" | head -n 1)
tap_beta=$(sed -n "s/.* taps='\([^']*\)'.*/\1/p" "$st_beta" | head -n 1)
kill -9 "$GUEST_DAEMON_PID"; wait "$GUEST_DAEMON_PID" 2>/dev/null; GUEST_DAEMON_PID=
[ -n "$vmm_beta" ] && kill -9 "$vmm_beta"
gone() { ! kill -0 "$1" 2>/dev/null; }
wait_until $((30 * scale)) gone "$vmm_beta"
guest_daemon_start "$HOST"
[ "$(vsh domstate alpha)" = running ] && [ "$(vsh domstate beta --reason)" = "shut off (crashed)" ]
tap_ok $? "after a daemon crash+restart: alpha still running, beta crashed"
taps_gone() { for t in "$@"; do ! ip -n "$HOST" link show "$t" >/dev/null 2>&1 || return 1; done; }
[ -n "$tap_beta" ] && taps_gone $tap_beta && [ "$(taps_on_bridge)" -eq 1 ] &&
    [ "$(taps_on_bridge "$UBR")" -eq 0 ]
tap_ok $? "... beta's taps ($tap_beta) removed, alpha's kept on the bridge"
[ -n "$dns_before" ] && [ "$(dnsmasq_pid)" = "$dns_before" ] && vsh net-list | grep -q " $NET  *active "
tap_ok $? "... the network still active with the same dnsmasq"
printf '203.0.113.1\n' | vsh console alpha >"$W/console-again" 2>&1
guest_reach $((300 * scale)) alpha 'T-AGAIN'
[ "$(guest_value alpha T-AGAIN)" = ok ]
tap_ok $? "... alpha's console and NAT to the outside work through the new daemon"

# ---- 5: stop everything; the namespace is as it was ------------------------
state_is() { [ "$(vsh domstate "$1" 2>/dev/null)" = "$2" ]; }
tap_check "shutdown (power button) of alpha" vsh shutdown alpha
wait_until $((300 * scale)) state_is alpha "shut off" &&
    [ "$(vsh domstate alpha --reason)" = "shut off (shutdown)" ]
tap_ok $? "alpha shuts off (reason: shutdown, though reattached)"
! ip -n "$HOST" -o link show | grep -q ' vtap'
tap_ok $? "no tap is left"
tap_check "net-destroy" vsh net-destroy "$NET"
guest_ns_snapshot "$HOST" >"$W/after"
tap_check "the namespace is as before net-start (links, addresses, routes, nft, processes)" \
    diff "$W/before" "$W/after"
undefine_all() { vsh undefine alpha && vsh undefine beta && vsh net-undefine "$NET"; }
tap_check "domains and the network undefine" undefine_all
guest_daemon_stop || echo "# vesseld exited with $?"
tap_done
